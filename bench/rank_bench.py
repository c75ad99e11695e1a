"""`gkaudit rank` at 1,000, 5,000 and 20,000 documents, in every format (issue 22).

    python bench/rank_bench.py [--sizes 1000,5000,20000]

A SQLite store per size holds that many results: five generated reports audited for real, each
stored many times under other content hashes and bodies (what a corpus of similar reports stores),
in one audit.  Each ``gkaudit rank`` is a whole process, as a user runs it; the bare interpreter
(``python -c pass``) is timed beside it.  Printed: seconds per format and size, the output's size,
and the goal (every format within 10 s at 20,000).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import generate_corpus, print_table
from sqlalchemy import insert

from models.stages import audit_bytes
from models.version import PIPELINE_VERSION
from workers.audit.rows import claim_rows, finding_rows, result_row
from workers.store import Audit, AuditDocument, create_tables, get_engine, session_scope, store_results

ROOT = Path(__file__).resolve().parents[1]
GKAUDIT = ROOT / ".venv" / "bin" / "gkaudit"
FORMATS = ("json", "csv", "html", "xlsx")
GOAL_SECONDS = 10.0
TEMPLATES = 5
STORE_BATCH = 500


def fill_store(url: str, size: int, outcomes: list) -> None:
    """``size`` results in one audit, stored as the workers store them (with their findings rows and summaries;
    the payloads are the real ones, repeated)."""
    create_tables(get_engine(url))
    batch = []
    documents = []
    for i in range(size):
        outcome = outcomes[i % len(outcomes)]
        digest = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
        row = result_row(outcome, digest)
        row["agency"] = f"第{i:05d}号局"
        row["path"] = f"docs/{i:05d}.txt"
        batch.append((row, finding_rows(outcome), claim_rows(outcome)))
        documents.append({"path": row["path"], "content_hash": digest, "size": 1000})
        if len(batch) == STORE_BATCH:
            store_results(url, batch)
            batch = []
    store_results(url, batch)
    with session_scope(url) as session:
        audit = Audit(pipeline_version=PIPELINE_VERSION, label=f"rank bench {size}")
        session.add(audit)
        session.flush()
        session.execute(insert(AuditDocument), [{"audit_id": audit.id, **d} for d in documents])


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,20000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate_corpus(folder / "gen", ["text"], count=TEMPLATES)
        outcomes = [audit_bytes(p.read_bytes(), p.name) for p in sorted((folder / "gen").glob("report_*.txt"))]
        bare = seconds([sys.executable, "-c", "pass"])
        rows = []
        for size in sizes:
            url = f"sqlite:///{folder / f'store-{size}.db'}"
            fill_store(url, size, outcomes)
            for fmt in FORMATS:
                out = folder / f"ranking-{size}.{fmt}"
                took = seconds([str(GKAUDIT), "rank", "--db", url, "--format", fmt, "--out", str(out)])
                verdict = "" if size < max(sizes) else ("ok" if took <= GOAL_SECONDS else "over")
                rows.append([str(size), fmt, f"{took:.1f}", f"{out.stat().st_size / 1e6:.1f}", verdict])
    print_table(
        f"gkaudit rank, whole processes (python -c pass: {bare:.2f} s); goal <= {GOAL_SECONDS:.0f} s at {max(sizes)}",
        ["documents", "format", "seconds", "MB", "goal"],
        rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
