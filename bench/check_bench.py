"""The full check's cost per document next to plain jieba segmentation, timed in the same run.

    python bench/check_bench.py

Documents: the generated corpus's text renderings (40 reports, fixed seed, the
same as parse_bench.py) and the seeds under /work/shared/seeds when present.
Candidates: parse + ``audit_report`` from the bytes, ``audit_report`` alone on
reports parsed beforehand, and the check's own segmenter (the spaCy pipeline
over jieba-rs) on the whole narrative.  Baseline: ``jieba.lcut`` of each report's
narrative (its section texts joined), the strict reading of "the same text";
the whole check is also shown against ``jieba.lcut`` of the document's whole
text as read (tables included), the text the check itself reads.  jieba's
dictionary and the spaCy pipeline are loaded before any timing.  Goal: the
whole check (parse + audit) costs no more than jieba segmentation alone, i.e.
ratio <= 1.0.  Then a cProfile of ``audit_report`` over the generated reports
shows where its time goes.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import jieba
from benchlib import SEEDS, corpus_files, generate_corpus, ms_each, per_second, print_table, shared_files, time_pair

from extractor import Report, parse_bytes
from extractor.audit import audit_report
from extractor.document import Table
from extractor.loaders import load_bytes
from extractor.nlp.pipeline import get_nlp, segment

Files = list[tuple[str, bytes]]
GOAL = 1.0
PROFILE_TOP = 15
HEADER = ("documents", "n", "candidate", "jieba segments", "doc/s", "ms/doc", "jieba doc/s", "jieba ms/doc", "ratio")
HEADER += ("goal <= 1.0",)
NARRATIVE, WHOLE_TEXT = "the narrative", "the whole text"


def narrative(report: Report) -> str:
    return "\n".join(section.text for section in report.sections)


def whole_text(data: bytes) -> str:
    """The document's text as the check reads it: paragraphs and table cells, one per line."""
    lines: list[str] = []
    for block in load_bytes(data).blocks:
        lines += ["\t".join(row) for row in block.rows] if isinstance(block, Table) else [block.text]
    return "\n".join(lines)


def check_all(files: Files) -> None:
    for name, data in files:
        audit_report(parse_bytes(data, name))


def audit_all(reports: list[Report]) -> None:
    for report in reports:
        audit_report(report)


def jieba_all(texts: list[str]) -> int:
    return sum(len(jieba.lcut(text)) for text in texts)


def pipeline_all(texts: list[str]) -> int:
    """The whole narrative through the check's own spaCy pipeline (jieba-rs): what the check would pay at most."""
    return sum(len(segment(text)) for text in texts)


def measure(label: str, files: Files) -> list[list[str]]:
    reports = [parse_bytes(data, name) for name, data in files]
    texts = {NARRATIVE: [narrative(report) for report in reports], WHOLE_TEXT: [whole_text(data) for _, data in files]}
    candidates: list[tuple[str, Callable[[], object], str]] = [
        ("parse + audit", lambda: check_all(files), NARRATIVE),
        ("audit only", lambda: audit_all(reports), NARRATIVE),
        ("pipeline segmentation", lambda: pipeline_all(texts[NARRATIVE]), NARRATIVE),
        ("parse + audit", lambda: check_all(files), WHOLE_TEXT),
    ]
    rows: list[list[str]] = []
    n = len(files)
    for name, candidate, baseline in candidates:
        pair = time_pair(candidate, lambda chosen=texts[baseline]: jieba_all(chosen))
        verdict = "PASS" if pair.ratio <= GOAL else "FAIL"
        rows.append([label, str(n), name, baseline, per_second(n, pair.candidate), ms_each(n, pair.candidate)])
        rows[-1] += [per_second(n, pair.baseline), ms_each(n, pair.baseline), f"{pair.ratio:.2f}", verdict]
    return rows


def short_path(path: str) -> str:
    """site-packages/… and the repository's own files without their long prefixes."""
    for marker in ("site-packages/", "/work/main/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def print_profile(reports: list[Report], top: int = PROFILE_TOP) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(audit_all, reports)
    stats = pstats.Stats(profiler)
    entries = sorted(stats.stats.items(), key=lambda item: item[1][3], reverse=True)
    total = max(entry[1][3] for entry in entries)
    entries = [entry for entry in entries if entry[0][0] != __file__ and "_lsprof" not in entry[0][2]]
    print(f"\nWhere audit_report spends its time (cProfile, {len(reports)} reports, top {top} by cumulative time)")
    print(f"{'cumulative s':>12}  {'share':>6}  {'own s':>7}  {'calls':>8}  function")
    for (path, line, func), (_, ncalls, tottime, cumtime, _) in entries[:top]:
        where = f"{short_path(path)}:{line}({func})" if line else func
        print(f"{cumtime:12.3f}  {cumtime / total:6.1%}  {tottime:7.3f}  {ncalls:8d}  {where}")


def main() -> int:
    get_nlp()  # jieba-rs with the domain terms, inside the spaCy pipeline
    jieba.initialize()  # the baseline's dictionary
    with tempfile.TemporaryDirectory(prefix="gkaudit-bench-") as tmp:
        corpus = Path(tmp)
        generate_corpus(corpus, ("text",))
        generated = corpus_files(corpus, ".txt")
    seeds = shared_files(SEEDS, "*.txt")
    rows = measure("generated text", generated)
    if seeds:
        rows += measure("seeds", seeds)
    title = "Check cost per document (median of 3 after 1 warm-up; ratio = candidate time / jieba.lcut time)"
    print_table(title, HEADER, rows)
    print("goal: the whole check (parse + audit) costs no more than jieba segmentation alone: of the narrative")
    print("(strict), or of the whole text the check reads (tables too: what a reviewer would hand jieba)")
    print_profile([parse_bytes(data, name) for name, data in generated])
    return 0


if __name__ == "__main__":
    sys.exit(main())
