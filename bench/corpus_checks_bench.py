"""The corpus checks (GK601, GK602) on 1,000 reports that are 5 reports × 200 near-copies.

    python bench/corpus_checks_bench.py

Real corpora are like that: many bodies paste one template section.  The documents are five
generated reports, each present 200 times under another body's name with one digit of its
problems section changed, as the runner reads them after the audit (tables and the problems
section's stored MinHash signature).  Candidate: the corpus checks (``carried_over_mismatches`` and
``copied_sections``, which groups near-copies into clusters) over the documents in memory, and as the
runner runs them, ``run_corpus_checks`` over the same documents stored as results in a SQLite store
(read in chunks: a body at a time for GK601, the candidates of the stored band keys for GK602; the
same findings, checked).  Baselines in the same run: the audit of the same documents (``audit_bytes`` timed on
the five reports and counted 200 times each: what the workers spend), and the pair-by-pair
comparison the checks made before (every document asks the index, every pair is a finding).
Goal (issue 22): the corpus checks take ≤ 10 % of the audit's time.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from benchlib import generate_corpus, print_table

from models.similarity import index_signatures, similar_pairs, stored_signature
from models.stages import audit_bytes
from workers.audit.corpus_checks import (
    COPY_THRESHOLD,
    Doc,
    carried_over_mismatches,
    copied_sections,
    section_text,
)

TEMPLATES = 5
COPIES = 200
GOAL_SHARE = 0.10


def near_copy(text: str, rng: random.Random) -> str:
    """The text with one digit changed (or one digit added when it has none)."""
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if not digits:
        return text + str(rng.randrange(10))
    at = rng.choice(digits)
    return text[:at] + str((int(text[at]) + 1 + rng.randrange(8)) % 10) + text[at + 1 :]


def documents(results: list[dict], rng: random.Random) -> tuple[list[Doc], list[str]]:
    """The documents, and the problems section's text of each."""
    docs, texts = [], []
    for t, result in enumerate(results):
        problems = section_text(result, "problems")
        for i in range(COPIES):
            text = problems if i == 0 else near_copy(problems, rng)
            texts.append(text)
            docs.append(
                Doc(
                    f"{t}-{i:03d}",
                    f"template{t}/body{i:03d}.txt",
                    f"第{i}局",
                    result.get("year"),
                    result.get("tables", {}),
                    result.get("raw_cells", {}),
                    "",
                    stored_signature(text),
                    len(text),
                )
            )
    return docs, texts


def stored_checks(docs: list[Doc], texts: list[str], folder: Path) -> tuple[float, int]:
    """(seconds, findings) of ``run_corpus_checks`` over the documents stored as results of one audit."""
    from extractor.stages import Outcome
    from models.version import PIPELINE_VERSION
    from workers.audit.corpus_checks import run_corpus_checks
    from workers.audit.rows import result_row
    from workers.store import Audit, AuditDocument, session_scope, store_results

    url = f"sqlite:///{folder / 'corpus.db'}"
    rows = []
    for doc, text in zip(docs, texts, strict=True):
        payload = {"agency": doc.agency, "year": doc.year, "tables": dict(doc.tables), "raw_cells": dict(doc.raw_cells)}
        payload |= {"sections": [{"id": "problems", "text": text}], "problems_signature": doc.problems_signature}
        rows.append((result_row(Outcome("done", doc.path, result=payload), doc.content_hash.ljust(64, "0")), [], []))
    store_results(url, rows)
    with session_scope(url) as session:
        audit = Audit(pipeline_version=PIPELINE_VERSION)
        session.add(audit)
        session.flush()
        hashes = [row["content_hash"] for row, _, _ in rows]
        session.add_all(AuditDocument(audit_id=audit.id, path=h, content_hash=h, size=1) for h in hashes)
        audit_id = audit.id
    with session_scope(url) as session:
        started = time.perf_counter()
        found = run_corpus_checks(session, audit_id)
        return time.perf_counter() - started, found


def pairwise(docs: list[Doc]) -> int:
    """The former GK602: every document asks the index, every pair above the threshold is a finding."""
    signatures = {d.content_hash: d.problems_signature for d in docs if d.problems_signature}
    pairs = similar_pairs(index_signatures(signatures, COPY_THRESHOLD))
    return sum(len(matches) for matches in pairs.values()) // 2


def main() -> None:
    rng = random.Random(22)
    with tempfile.TemporaryDirectory() as tmp:
        generate_corpus(Path(tmp), ["text"], count=TEMPLATES)
        files = sorted(Path(tmp).glob("report_*.txt"))[:TEMPLATES]
        blobs = [(f.name, f.read_bytes()) for f in files]
    audit_bytes(*reversed(blobs[0]))  # the segmenter and the model load once, outside the timing
    started = time.perf_counter()
    results = [audit_bytes(data, name).result for name, data in blobs]
    audit_seconds = (time.perf_counter() - started) * COPIES
    docs, texts = documents(results, rng)

    started = time.perf_counter()
    findings = [*carried_over_mismatches(docs), *copied_sections(docs)]
    checks_seconds = time.perf_counter() - started
    copies = sum(f["rule"] == "GK602" for f in findings)

    with tempfile.TemporaryDirectory() as tmp:
        stored_seconds, stored_found = stored_checks(docs, texts, Path(tmp))
    if stored_found != len(findings):
        raise SystemExit(f"the stored checks found {stored_found}, the checks in memory {len(findings)}")

    started = time.perf_counter()
    pairs = pairwise(docs)
    pairwise_seconds = time.perf_counter() - started

    share = checks_seconds / audit_seconds
    print_table(
        f"corpus checks on {len(docs)} reports ({TEMPLATES} reports x {COPIES} near-copies)",
        ["what", "seconds", "findings", "share of the audit", "goal"],
        [
            ["audit (audit_bytes x documents)", f"{audit_seconds:.1f}", "", "", ""],
            [
                "corpus checks (clusters)",
                f"{checks_seconds:.2f}",
                f"{len(findings)} ({copies} GK602)",
                f"{share:.1%}",
                f"<= {GOAL_SHARE:.0%}",
            ],
            [
                "corpus checks as the runner runs them (stored)",
                f"{stored_seconds:.2f}",
                str(stored_found),
                f"{stored_seconds / audit_seconds:.1%}",
                f"<= {GOAL_SHARE:.0%}",
            ],
            [
                "GK602 pair by pair (before)",
                f"{pairwise_seconds:.2f}",
                f"{pairs} pairs",
                f"{pairwise_seconds / audit_seconds:.1%}",
                "",
            ],
        ],
    )
    met = max(share, stored_seconds / audit_seconds) <= GOAL_SHARE
    print("goal met" if met else "goal NOT met")


if __name__ == "__main__":
    main()
