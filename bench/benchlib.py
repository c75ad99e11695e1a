"""Shared helpers of the benchmarks: the corpus, real documents, paired timing and tables.

Every figure is timed next to its baseline in the same run, interleaved
(candidate, baseline, candidate, baseline, ...) so that a noisy neighbour slows
both alike: compare the ratio, not the absolute times.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.generate import main as generate_main

SHARED = Path(__file__).resolve().parents[2] / "shared"
REALDOCS = SHARED / "realdocs"
SEEDS = SHARED / "seeds"
CORPUS_COUNT = 40
CORPUS_SEED = 20240601
REPEATS = 3


def generate_corpus(out_dir: Path, formats: Sequence[str], count: int = CORPUS_COUNT, seed: int = CORPUS_SEED) -> None:
    """Write the generated corpus (fixed seed) with ``python -m corpus.generate``'s entry point."""
    generate_main([str(out_dir), "--count", str(count), "--seed", str(seed), "--formats", ",".join(formats)])


def read_files(paths: Sequence[Path]) -> list[tuple[str, bytes]]:
    """(name, bytes) of each file, read once so that timings exclude the disk."""
    return [(path.name, path.read_bytes()) for path in sorted(paths)]


def corpus_files(out_dir: Path, suffix: str) -> list[tuple[str, bytes]]:
    return read_files(list(out_dir.glob(f"report_*{suffix}")))


def shared_files(root: Path, pattern: str) -> list[tuple[str, bytes]]:
    """Files under /work/shared/… matching ``pattern``; empty when the folder is absent."""
    return read_files(list(root.rglob(pattern))) if root.is_dir() else []


@dataclass(frozen=True)
class Pair:
    """Median seconds of one pass over the documents, for the candidate and its baseline."""

    candidate: float
    baseline: float

    @property
    def ratio(self) -> float:
        return self.candidate / self.baseline


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def time_pair(candidate: Callable[[], object], baseline: Callable[[], object], repeats: int = REPEATS) -> Pair:
    """Warm both up once, then time them alternately ``repeats`` times; medians."""
    candidate()
    baseline()
    cand: list[float] = []
    base: list[float] = []
    for _ in range(repeats):
        cand.append(_seconds(candidate))
        base.append(_seconds(baseline))
    return Pair(statistics.median(cand), statistics.median(base))


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A plain fixed-width table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = str(cells[0]).ljust(widths[0])
        return "  ".join([first, *(str(c).rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    print(f"\n{title}")
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def per_second(count: int, seconds: float) -> str:
    return f"{count / seconds:.1f}"


def ms_each(count: int, seconds: float) -> str:
    return f"{1000 * seconds / count:.2f}"
