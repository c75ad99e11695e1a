"""``gkaudit check`` of 200 seed-sized reports in one process, beside a process that only segments them.

    python bench/check_process_bench.py [--generated] [--runs N]

Whole processes, as a user runs them (issue 22): the candidate is ``gkaudit check FILE…`` over 200
text reports (the five seeds under /work/shared/seeds, 40 copies each; or, with ``--generated`` or
when that folder is absent, 200 different generated text reports), its JSON Lines written to
/dev/null; the baseline is a fresh ``python`` that imports jieba, loads its dictionary and segments
the same files (``jieba.lcut`` of each file's text).  They run alternately, one warm-up each, then
the median of ``--runs`` (3).  Goal: the check costs no more than the segmentation, ratio <= 1.0.

Wall time is the goal's measure; the CPU time of each process (user + system, from ``getrusage``) is
printed beside it, and its ratio too: on a shared machine it moves less with what else runs.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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


def write_reports(folder: Path, generated: bool = False) -> list[Path]:
    sources = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() and not generated else []
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


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system time of the process


def timed(command: list[str]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Timing(wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def median(timings: list[Timing]) -> Timing:
    return Timing(statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", action="store_true", help="200 different generated reports, not the seeds")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of each process (the median is shown)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        files = [str(p) for p in write_reports(Path(tmp), args.generated)]
        check = [str(GKAUDIT), "check", *files]
        segment = [sys.executable, "-c", SEGMENT_ONLY, *files]
        timed(check), timed(segment)  # warm-up: the page cache, jieba's dictionary cache
        checked, segmented = [], []
        for _ in range(args.runs):
            checked.append(timed(check))
            segmented.append(timed(segment))
    check_t, segment_t = median(checked), median(segmented)
    print(f"\n{len(files)} reports, whole processes, median of {args.runs}   wall (cpu)")
    print(f"gkaudit check          {check_t.wall:6.2f} s  ({check_t.cpu:.2f} s)")
    print(f"import jieba + lcut    {segment_t.wall:6.2f} s  ({segment_t.cpu:.2f} s)")
    ratio, cpu_ratio = check_t.wall / segment_t.wall, check_t.cpu / segment_t.cpu
    print(f"ratio                  {ratio:6.2f}    ({cpu_ratio:.2f})   goal <= {GOAL_RATIO}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
