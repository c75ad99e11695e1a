"""How long the ``gkaudit`` command takes to start: whole processes, each beside its goal and the bare interpreter.

Every figure is one fresh process, as a user starts it: the median wall time of
``RUNS`` runs (``time.perf_counter`` around the process, after one warm-up run
that fills the page cache) and the largest peak RSS of those runs, read by
``/usr/bin/time`` when present, else by ``os.wait4`` (the usage of that child
alone, where ``RUSAGE_CHILDREN`` keeps the largest of every child so far; a
forked child's peak counts this process's pages from before the exec, so this
script imports nothing heavy).  ``python -c pass`` is measured in the same run:
what no command can go below.

    .venv/bin/python bench/cli_bench.py

The document parsed is the first seed under /work/shared/seeds, or a generated
text report when that folder is absent.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
GNU_TIME = Path("/usr/bin/time")
RUNS = 5
EXIT_BAD_INPUT = 2


GENERATE = """
import random, sys
from pathlib import Path
from corpus.generate import generate_report, render_text
report = generate_report(random.Random(20240601), 0)
Path(sys.argv[1]).write_bytes(render_text(report).encode(report.style.text_encoding))
"""


@dataclass(frozen=True)
class Case:
    label: str
    args: list[str]
    goal_seconds: float | None
    goal_mib: float | None = None
    exit_code: int = 0


@dataclass(frozen=True)
class Figure:
    seconds: float  # median wall time
    mib: float  # largest peak RSS


def gkaudit_command() -> list[str]:
    """The installed console script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("gkaudit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "workers.cli"]


def run_once(command: list[str], rss_file: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB and exit code of one process."""
    if GNU_TIME.exists():
        command = [str(GNU_TIME), "-f", "%M", "-o", str(rss_file), *command]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # reaped here, not by Popen
    if GNU_TIME.exists():  # GNU time exits with the command's status; its last line is %M, in KiB
        return seconds, int(rss_file.read_text().split()[-1]) / 1024, code
    return seconds, usage.ru_maxrss / 1024, code  # ru_maxrss is in KiB on Linux


def measure(command: list[str], expected_exit: int, rss_file: Path) -> Figure:
    run_once(command, rss_file)  # warm-up: the page cache, .pyc files
    seconds: list[float] = []
    peaks: list[float] = []
    for _ in range(RUNS):
        wall, mib, code = run_once(command, rss_file)
        if code != expected_exit:
            raise SystemExit(f"{' '.join(command)}: exit {code}, expected {expected_exit}")
        seconds.append(wall)
        peaks.append(mib)
    return Figure(statistics.median(seconds), max(peaks))


def seed_document(folder: Path) -> tuple[Path, str]:
    """The first seed text report, or a generated one written into ``folder``."""
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if seeds:
        return seeds[0], f"seed {seeds[0].name}"
    path = folder / "generated.txt"
    subprocess.run([sys.executable, "-c", GENERATE, str(path)], check=True)  # not here: this process stays small
    return path, f"generated report (no {SEEDS})"


def goal_text(value: float, goal: float | None, unit: str) -> str:
    if goal is None:
        return "-"
    return f"≤ {goal:g} {unit} {'ok' if value <= goal else 'MISSED'}"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        document, described = seed_document(Path(tmp))
        empty = Path(tmp) / "empty.txt"
        empty.write_bytes(b"")
        rss_file = Path(tmp) / "rss"
        cases = [
            Case("gkaudit --help", ["--help"], 0.3, 60),
            Case("gkaudit parse SEED", ["parse", str(document)], 0.6),
            Case("gkaudit parse EMPTY (exit 2)", ["parse", str(empty)], 0.3, exit_code=EXIT_BAD_INPUT),
        ]
        baseline = measure([sys.executable, "-c", "pass"], 0, rss_file)
        rss_by = "/usr/bin/time" if GNU_TIME.exists() else "os.wait4"
        print(f"gkaudit start-up: median of {RUNS} whole processes, peak RSS ({rss_by}) the largest")
        print(f"document: {described}")
        print(f"baseline python -c pass: {baseline.seconds:.3f} s, {baseline.mib:.1f} MiB\n")
        print(f"{'command':<30} {'seconds':>8} {'goal':>14} {'x base':>7} {'MiB':>7} {'goal':>14} {'x base':>7}")
        for case in cases:
            fig = measure([*gkaudit_command(), *case.args], case.exit_code, rss_file)
            time_goal = goal_text(fig.seconds, case.goal_seconds, "s")
            rss_goal = goal_text(fig.mib, case.goal_mib, "MiB")
            print(
                f"{case.label:<30} {fig.seconds:>8.3f} {time_goal:>14} {fig.seconds / baseline.seconds:>7.1f} "
                f"{fig.mib:>7.1f} {rss_goal:>14} {fig.mib / baseline.mib:>7.1f}"
            )


if __name__ == "__main__":
    main()
