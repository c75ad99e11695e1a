"""``gkaudit check`` of 200 seed-sized reports in one process, beside a process that only segments them.

    python bench/check_process_bench.py

Whole processes, as a user runs them (issue 22): the candidate is ``gkaudit check FILE…`` over 200
text reports (the five seeds under /work/shared/seeds, 40 copies each; or 200 generated text
reports when that folder is absent), its JSON Lines written to /dev/null; the baseline is a fresh
``python`` that imports jieba, loads its dictionary and segments the same files (``jieba.lcut`` of
each file's text).  They run alternately, one warm-up each, then the median of 3.  Goal: the check
costs no more than the segmentation, ratio <= 1.0.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import SEEDS, generate_corpus

REPORTS = 200
RUNS = 3
GOAL_RATIO = 1.0
ROOT = Path(__file__).resolve().parents[1]
GKAUDIT = ROOT / ".venv" / "bin" / "gkaudit"
SEGMENT_ONLY = """
import sys
import jieba
jieba.initialize()
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    jieba.lcut(text)
"""


def write_reports(folder: Path) -> list[Path]:
    sources = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not sources:
        generate_corpus(folder / "generated", ["text"], count=REPORTS)
        return sorted((folder / "generated").glob("report_*.txt"))[:REPORTS]
    files = []
    for i in range(REPORTS):
        source = sources[i % len(sources)]
        target = folder / f"{i:03d}_{source.name}"
        shutil.copyfile(source, target)
        files.append(target)
    return files


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        files = [str(p) for p in write_reports(Path(tmp))]
        check = [str(GKAUDIT), "check", *files]
        segment = [sys.executable, "-c", SEGMENT_ONLY, *files]
        seconds(check), seconds(segment)  # warm-up: the page cache, jieba's dictionary cache
        checked, segmented = [], []
        for _ in range(RUNS):
            checked.append(seconds(check))
            segmented.append(seconds(segment))
    check_s, segment_s = statistics.median(checked), statistics.median(segmented)
    ratio = check_s / segment_s
    print(f"\n{len(files)} reports, whole processes, median of {RUNS}")
    print(f"gkaudit check          {check_s:6.2f} s")
    print(f"import jieba + lcut    {segment_s:6.2f} s")
    print(f"ratio                  {ratio:6.2f}   goal <= {GOAL_RATIO}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
