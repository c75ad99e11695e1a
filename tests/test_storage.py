"""Storage on SQLite and PostgreSQL: JSON columns written by orjson and read back whole; progress per content."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, create_engine, delete, event, func, insert, inspect, select, text, type_coerce, update
from sqlalchemy.orm import Session

from extractor.stages import Outcome
from models.version import PIPELINE_VERSION
from tests.services import DATABASE_KINDS, POSTGRES, postgres_database, require, sqlite_or_postgres
from workers.audit.rows import result_row
from workers.queue.app import TRANSIENT_ERRORS
from workers.queue.runner import Progress, ProgressReader, read_progress
from workers.store import (
    Audit,
    AuditDocument,
    Base,
    ClaimRow,
    CorpusFinding,
    FindingRow,
    Result,
    ResultSummary,
    audit_progress,
    cached_hashes,
    dump_json,
    find_result,
    get_engine,
    insert_rows,
    progress_statement,
    session_scope,
    store_result,
    store_results,
)

# Beyond 64 bits: orjson refuses to write it and its reader would make it a float.
HUGE = 123_456_789_012_345_678_901_234_567_890
PAYLOAD = {"agency": "青川区某局", "tables": {"applications.received.total": HUGE, "share": 0.25}, "list": [1, "二"]}


def test_chinese_is_written_as_utf8_not_escapes() -> None:
    written = dump_json({"agency": "青川区某局"})
    assert "青川区某局" in written and "\\u" not in written


def test_a_huge_integer_round_trips() -> None:
    assert json.loads(dump_json(PAYLOAD)) == PAYLOAD


def test_nan_is_written_as_null_which_any_json_reader_accepts() -> None:
    assert json.loads(dump_json({"quality": math.nan})) == {"quality": None}


@pytest.fixture(params=DATABASE_KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with sqlite_or_postgres(request.param, tmp_path, "json") as url:
        yield url


def test_a_payload_reads_back_equal_and_the_database_can_query_it(db_url: str) -> None:
    outcome = Outcome("done", "a.txt", result=dict(PAYLOAD))
    assert store_result(db_url, result_row(outcome, "ab" * 32), [], [])
    with session_scope(db_url) as session:
        assert session.scalars(select(Result.payload)).one() == PAYLOAD
        # Stored as JSON the database itself reads, not as an opaque string.
        extract = "json_extract(payload, '$.agency')" if "sqlite" in db_url else "payload->>'agency'"
        assert session.scalar(text(f"SELECT {extract} FROM results")) == "青川区某局"


def test_raw_cells_that_are_their_number_s_digits_are_not_stored_and_read_back_whole(db_url: str) -> None:
    tables = {"a.total": 244, "b.total": 0, "c.total": 1234, "d.total": None, "e.amount": 1.5, "f.total": 5}
    raw = {"a.total": "244", "b.total": "—", "c.total": "1,234", "d.total": "", "e.amount": "1.5", "f.total": "5"}
    whole = {"agency": "某局", "tables": tables, "raw_cells": raw}
    older = {"agency": "某局", "tables": {"a.total": 7}, "raw_cells": {"a.total": "7"}}  # as stored before
    assert store_result(db_url, result_row(Outcome("done", "a.txt", result=whole), "ab" * 32), [], [])
    assert store_result(db_url, result_row(Outcome("done", "old.txt"), "cd" * 32), [], [])
    with session_scope(db_url) as session:  # written whole, as before the compact payload: plain JSON, not its type
        session.execute(update(Result).where(Result.path == "old.txt").values(payload=type_coerce(older, JSON)))
    with session_scope(db_url) as session:
        payloads = dict(session.execute(select(Result.path, Result.payload)).all())
        stored = json.loads(session.scalar(text("SELECT CAST(payload AS TEXT) FROM results WHERE path = 'a.txt'")))
    assert payloads["a.txt"] == whole and list(payloads["a.txt"]["raw_cells"]) == list(raw), "whole, in order"
    assert payloads["old.txt"] == older
    assert stored["raw_cells"] == {"b.total": "—", "c.total": "1,234", "d.total": "", "e.amount": "1.5"}
    assert stored["tables"] == tables


def test_a_database_from_before_a_column_existed_gains_it_and_its_older_rows_read_null(db_url: str) -> None:
    older = create_engine(db_url)  # not get_engine: the database as an earlier gkaudit left it
    Base.metadata.create_all(older)
    with older.begin() as conn:
        conn.execute(text("ALTER TABLE results DROP COLUMN cpu_seconds"))
        row = result_row(Outcome("done", "old.txt"), "ab" * 32)
        conn.execute(insert(Result).values({k: v for k, v in row.items() if k != "cpu_seconds"}))
    older.dispose()
    assert store_result(db_url, result_row(Outcome("done", "new.txt", cpu_seconds=0.25), "cd" * 32), [], [])
    with session_scope(db_url) as session:
        assert dict(session.execute(select(Result.path, Result.cpu_seconds)).all()) == {
            "old.txt": None,
            "new.txt": 0.25,
        }


def test_audit_progress_counts_each_content_once_by_its_result_of_this_version(db_url: str) -> None:
    contents = {name: name * 64 for name in "abcd"}
    with session_scope(db_url) as session:
        audit = Audit(pipeline_version="v2", label="progress")
        session.add(audit)
        session.flush()
        paths = [("a", "a.txt"), ("a", "copy-of-a.txt"), ("b", "b.txt"), ("c", "c.txt"), ("d", "d.txt")]
        for name, path in paths:
            session.add(AuditDocument(audit_id=audit.id, path=path, content_hash=contents[name], size=1))
        audit_id = audit.id
    stored = [("a", "done", "v2"), ("b", "failed", "v2"), ("d", "done", "v1")]  # d: only an older version's
    for name, status, version in stored:
        outcome = Outcome(status, f"{name}.txt", error=None if status == "done" else "bad")
        assert store_result(db_url, result_row(outcome, contents[name], version), [], [])
    with session_scope(db_url) as session:
        assert audit_progress(session, audit_id, "v2") == {"contents": 4, "done": 1, "failed": 1}
        assert audit_progress(session, audit_id, "v1") == {"contents": 4, "done": 1, "failed": 0}


def test_the_runner_s_reader_counts_as_the_whole_audit_read_while_asking_only_about_what_is_left(db_url: str) -> None:
    contents = {name: name * 64 for name in "abcde"}
    documents = {"a.txt": "a", "copy-of-a.txt": "a", "b.txt": "b", "c.txt": "c", "d.txt": "d", "e.txt": "e"}
    with session_scope(db_url) as session:
        audit = Audit(pipeline_version=PIPELINE_VERSION, label="reader")
        session.add(audit)
        session.flush()
        for path, name in documents.items():
            session.add(AuditDocument(audit_id=audit.id, path=path, content_hash=contents[name], size=1))
        audit_id = audit.id
    reader = ProgressReader.of_audit(db_url, audit_id)
    arrivals = [[], [("a", "done"), ("b", "failed")], [("c", "done"), ("d", "done")], [("e", "failed")]]
    for arrived in arrivals:
        for name, status in arrived:
            outcome = Outcome(status, f"{name}.txt", error=None if status == "done" else "bad")
            assert store_result(db_url, result_row(outcome, contents[name]), [], [])
        assert reader.read() == read_progress(db_url, audit_id)
        with session_scope(db_url) as session:
            assert reader.pending == set(contents.values()) - cached_hashes(
                session, contents.values(), PIPELINE_VERSION
            )
    assert reader.read() == Progress(contents=5, done=3, failed=2)


# What COPY's text format escapes (tab, newline, backslash, "\\N") and what it must leave alone (Chinese, None).
AWKWARD_TEXT = "第一\t二\n三 \\N 路径C:\\报告\r"
FINDINGS = [
    {
        "rule": "GK101",
        "kind": "mismatch",
        "severity": "error",
        "metric": None,
        "message_zh": AWKWARD_TEXT,
        "message_en": "narrative 513, table 512",
        "evidence": {"sentence": AWKWARD_TEXT, "cells": {"active.new": {"value": 512, "raw": "512"}}, "huge": HUGE},
    }
]
CLAIMS = [
    {"section": "overview", "text": AWKWARD_TEXT, "value": 513, "unit": "条", "metric": "active.new",
     "table_value": 512.5, "status": "mismatch"},
    {"section": None, "text": "减少11件", "value": -11.0, "unit": None, "metric": None, "table_value": None,
     "status": "unverifiable"},
]  # fmt: skip


def stored_children(session: Session) -> tuple[list[dict], list[dict]]:
    findings = [dict(r._mapping) for r in session.execute(select(*(FindingRow.__table__.c[k] for k in FINDINGS[0])))]
    claims = session.execute(select(*(ClaimRow.__table__.c[k] for k in CLAIMS[0])).order_by(ClaimRow.id))
    return findings, [dict(r._mapping) for r in claims]


def test_findings_and_claims_read_back_equal_and_once_however_often_stored(db_url: str) -> None:
    """PostgreSQL takes them by COPY, SQLite by an executemany: the same rows either way, none twice."""
    outcome = Outcome("done", "a.txt", result={"findings": FINDINGS, "claims": CLAIMS})
    batch = [(result_row(outcome, "cd" * 32), FINDINGS, CLAIMS)]
    assert store_results(db_url, batch) == 1
    assert store_results(db_url, batch) == 0  # a redelivered batch
    with session_scope(db_url) as session:
        findings, claims = stored_children(session)
        result_id = session.scalar(select(Result.id))
        assert set(session.scalars(select(ClaimRow.result_id))) == {result_id}
    assert findings == FINDINGS
    assert claims == [{**c, "value": float(c["value"])} for c in CLAIMS]


def test_a_connection_lost_while_copying_rows_is_an_error_the_task_retries() -> None:
    """COPY runs on psycopg's connection, past SQLAlchemy: its errors are psycopg's, and must still be transient."""
    require(POSTGRES)
    with postgres_database() as db_url, Session(get_engine(db_url)) as session:
        audit = Audit(pipeline_version=PIPELINE_VERSION, label="lost")
        session.add(audit)
        session.flush()
        backend = session.scalar(text("SELECT pg_backend_pid()"))
        with get_engine(db_url).connect() as other:
            assert other.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": backend})
        row = {"audit_id": audit.id, "path": "a.txt", "content_hash": "ab" * 32, "size": 1}
        with pytest.raises(TRANSIENT_ERRORS):
            insert_rows(session, AuditDocument.__table__, [row])
        session.invalidate()  # the connection is gone: no rollback to send on it


def rows_touched(plan: dict[str, Any]) -> float:
    """Rows a PostgreSQL plan node and those below it produced or threw away, over all their loops."""
    here = (plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)) * plan.get("Actual Loops", 1)
    here += plan.get("Rows Removed by Join Filter", 0) * plan.get("Actual Loops", 1)
    return here + sum(rows_touched(child) for child in plan.get("Plans", []))


def test_a_progress_poll_on_postgresql_touches_rows_in_proportion_to_the_audit() -> None:
    """On new tables (no statistics yet: autovacuum has not analysed them, or is off, as on this machine) the
    poll must not become a nested loop over the audit's documents and the results: that was 1,000 × 1,000 rows
    a poll."""
    require(POSTGRES)
    documents = 1_000
    with postgres_database() as db_url:
        with session_scope(db_url) as session:
            audit = Audit(pipeline_version="v1", label="scale")
            session.add(audit)
            session.flush()
            audit_id = audit.id
            digests = [f"{i:064x}" for i in range(documents)]
            session.execute(
                insert(AuditDocument),
                [{"audit_id": audit_id, "path": f"{d}.txt", "content_hash": d, "size": 1} for d in digests],
            )
        rows = [result_row(Outcome("done", f"{d}.txt"), d, "v1") for d in digests[: documents // 2]]
        store_results(db_url, [(row, [], []) for row in rows])
        with session_scope(db_url) as session:
            statement = progress_statement(audit_id, "v1").compile(session.bind, compile_kwargs={"literal_binds": True})
            (plan,) = session.scalar(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}"))
            assert rows_touched(plan["Plan"]) <= 20 * documents
            assert audit_progress(session, audit_id, "v1") == {
                "contents": documents,
                "done": documents // 2,
                "failed": 0,
            }


# ---- result summaries and lookups by index ------------------------------------------------------


def test_a_result_is_stored_with_its_summary(db_url: str) -> None:
    payload = {
        "quality_components": {"consistency": 0.5, "format": 1.0},
        "completeness": {"score": 40.0, "label": 1},
        "sections": [{"id": "overview", "text": "收到申请5件。共收到申请5件。"}],
        "findings": [
            {
                "rule": "GK101",
                "severity": "error",
                "evidence": {"sentence": "共收到申请5件。", "claim": {"text": "5件", "section": "overview"}},
            },
            {"rule": "GK201", "severity": "warning", "evidence": {}},
        ],
    }
    assert store_result(db_url, result_row(Outcome("done", "a.txt", result=payload), "ab" * 32), [], [])
    assert store_result(db_url, result_row(Outcome("failed", "b.txt", error="empty"), "cd" * 32), [], [])
    with session_scope(db_url) as session:
        summaries = {
            path: (s.components, s.completeness_label, s.spans)
            for path, s in session.execute(select(Result.path, ResultSummary).join(ResultSummary))
        }
    assert summaries == {
        "a.txt": ({"consistency": 0.5, "format": 1.0}, 1, [[5, 7], None]),
        "b.txt": ({}, None, []),
    }


def plans(session: Session, read: Callable[[Session], object]) -> list[str]:
    """SQLite's query plan of each SELECT ``read`` sends."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: object, _cursor: object, statement: str, parameters: Any, *_args: object) -> None:
        sent.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        read(session)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    connection = session.connection().connection.driver_connection
    return [
        " / ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
        for statement, parameters in sent
        if statement.lstrip().upper().startswith("SELECT")
    ]


def test_show_finds_a_document_by_index_not_by_reading_every_result(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'show.db'}"
    digests = [f"{i:02x}" * 32 for i in range(40)]
    store_results(db_url, [(result_row(Outcome("done", f"r/{d[:4]}.txt"), d), [], []) for d in digests])
    with session_scope(db_url) as session:
        audit = Audit(pipeline_version=PIPELINE_VERSION, label="show")
        session.add(audit)
        session.flush()
        session.add(AuditDocument(audit_id=audit.id, path="moved/x.txt", content_hash=digests[7], size=1))
    with session_scope(db_url) as session:
        assert find_result(session, "moved/x.txt").content_hash == digests[7]  # a path as audited
        assert find_result(session, f"r/{digests[3][:4]}.txt").content_hash == digests[3]  # the result's own
        assert find_result(session, digests[9][:6].upper()).content_hash == digests[9]  # a hash prefix
        assert find_result(session, "nowhere.txt") is None
        for doc in ("moved/x.txt", digests[9][:6]):
            shown = plans(session, lambda s, doc=doc: find_result(s, doc))
            assert shown and not [p for p in shown if "SCAN results" in p or "SCAN audit_documents" in p], shown


def test_a_database_from_before_an_index_existed_gains_it(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'older.db'}"
    older = create_engine(db_url)
    Base.metadata.create_all(older)
    with older.begin() as conn:
        conn.execute(text("DROP INDEX ix_results_path"))
        conn.execute(text("DROP TABLE result_summaries"))
    older.dispose()
    assert store_result(db_url, result_row(Outcome("done", "new.txt"), "cd" * 32), [], [])
    with session_scope(db_url) as session:
        indexes = {i["name"] for i in inspect(session.get_bind()).get_indexes("results")}
        assert "ix_results_path" in indexes
        assert session.scalar(select(func.count()).select_from(ResultSummary)) == 1


def test_the_corpus_checks_read_summaries_and_write_those_an_older_database_lacks(db_url: str) -> None:
    from corpus.generate import generate_report, render_text
    from models.stages import audit_bytes
    from workers.audit.corpus_checks import run_corpus_checks
    from workers.audit.rows import claim_rows, finding_rows

    report = generate_report(random.Random(3), 3)
    data = render_text(report).encode(report.style.text_encoding)
    outcome = audit_bytes(data, "a.txt")
    digests = ["a1" * 32, "b2" * 32, "c3" * 32]  # one report under three bodies: two copy the first
    for i, digest in enumerate(digests):
        row = {**result_row(outcome, digest), "agency": f"第{i}号局", "path": f"{i}.txt"}
        store_result(db_url, row, finding_rows(outcome), claim_rows(outcome))
    findings = {}
    for older in (False, True):
        with session_scope(db_url) as session:
            if older:  # as a database from before the summaries
                session.execute(delete(ResultSummary))
            audit = Audit(pipeline_version=PIPELINE_VERSION, label=f"older {older}")
            session.add(audit)
            session.flush()
            session.add_all(AuditDocument(audit_id=audit.id, path=f"{d}.txt", content_hash=d, size=1) for d in digests)
            session.flush()
            run_corpus_checks(session, audit.id)
            stored = session.scalars(select(CorpusFinding).where(CorpusFinding.audit_id == audit.id))
            findings[older] = sorted((f.content_hash, f.rule) for f in stored)
            assert session.scalar(select(func.count()).select_from(ResultSummary)) == len(digests)
    assert findings[False] == findings[True] == [(digests[1], "GK602"), (digests[2], "GK602")]


def test_the_ranking_reads_its_figures_by_index_on_either_database(db_url: str) -> None:
    from corpus.generate import generate_report, render_text
    from models.stages import audit_bytes
    from workers.audit.rows import claim_rows, finding_rows
    from workers.report.rank import payload_findings, ranking

    outcomes = {}
    for i in (1, 2):
        report = generate_report(random.Random(i), i)
        outcome = audit_bytes(render_text(report).encode(report.style.text_encoding), f"{i}.txt")
        outcomes[f"{i:02x}" * 32] = outcome
        store_result(db_url, result_row(outcome, f"{i:02x}" * 32), finding_rows(outcome), claim_rows(outcome))
    with session_scope(db_url) as session:
        audit = Audit(pipeline_version=PIPELINE_VERSION, label="rank")
        session.add(audit)
        session.flush()
        session.add_all(AuditDocument(audit_id=audit.id, path=f"{d}.txt", content_hash=d, size=1) for d in outcomes)
        session.flush()
        sent: list[str] = []

        def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            sent.append(statement)

        event.listen(session.get_bind(), "before_cursor_execute", record)
        try:
            rows = ranking(session, audit.id)
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", record)
    assert not [s for s in sent if "payload" in s]
    assert any(row["findings"] for row in rows)
    for row in rows:
        payload = outcomes[row["content_hash"]].result
        marked = ("id", "triage", "triage_reason")  # the triage state the ranking adds
        shown = [{k: v for k, v in f.items() if k not in marked} for f in row["findings"]]
        assert shown == payload_findings(payload)
        assert row["quality_components"] == payload["quality_components"]
        assert row["completeness_label"] == payload["completeness"]["label"]


def test_contents_are_stored_a_transaction_per_megabyte_not_per_file(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner stores a batch's contents in a few transactions (a commit per file was most of what storing a
    text report cost it); a file changed since it was hashed is refused with its reason, the rest are stored."""
    import hashlib

    import workers.blobs as blobs
    from workers.queue.runner import store_contents

    writes: list[int] = []
    real = blobs.store_content_rows
    monkeypatch.setattr(blobs, "store_content_rows", lambda url, rows: (writes.append(len(rows)), real(url, rows)))
    items = []
    for i in range(24):
        path = tmp_path / f"r{i}.txt"
        path.write_bytes(f"报告 {i} ".encode() * (i * 3000))  # 0 to some 800 KB
        items.append((hashlib.sha256(path.read_bytes()).hexdigest(), str(path)))
    changed = tmp_path / "r5.txt"
    changed.write_bytes(b"changed since it was hashed")
    refused = store_contents(db_url, items + items[:3])  # a content named twice is stored once
    assert [(path, reason) for _, path, reason in refused] == [(str(changed), blobs.CHANGED)]
    assert sum(writes) == 23
    assert 1 < len(writes) < 23  # some 8 MB of files: a transaction per megabyte or so
    stored = blobs.content_store(db_url).read([digest for digest, _ in items], 1 << 30)
    assert len(stored) == 23
    assert all(stored[digest].data == Path(path).read_bytes() for digest, path in items if path != str(changed))
    assert store_contents(db_url, items) == [(items[5][0], str(changed), blobs.CHANGED)]  # the rest: stored already
    assert sum(writes) == 23


def test_the_reader_reads_what_arrived_since_and_finds_a_result_committed_out_of_id_order(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read asks for the results stored since the last one (by id); one that a transaction begun earlier
    commits later, with a lower id than one already read (PostgreSQL gives ids at insert), is found by the
    read that finds nothing new, which asks about every content still without a result."""
    contents = {name: name * 64 for name in "abc"}
    with session_scope(db_url) as session:
        audit = Audit(pipeline_version=PIPELINE_VERSION, label="out of order")
        session.add(audit)
        session.flush()
        for name, digest in contents.items():
            session.add(AuditDocument(audit_id=audit.id, path=f"{name}.txt", content_hash=digest, size=1))
        audit_id = audit.id
    reader = ProgressReader.of_audit(db_url, audit_id)
    assert reader.read() == Progress(contents=3, done=0, failed=0)
    store_result(db_url, {**result_row(Outcome("done", "b.txt"), contents["b"]), "id": 1000}, [], [])
    reader.full_read_at = math.inf  # no read about every pending content but when nothing new arrived
    import workers.queue.runner as runner

    asked: list[int] = []
    real = runner.result_statuses
    monkeypatch.setattr(runner, "result_statuses", lambda s, hashes, v: (asked.append(1), real(s, hashes, v))[1])
    assert reader.read() == Progress(contents=3, done=1, failed=0)
    assert reader.last_id == 1000 and not asked, "what arrived, by id: no question about every pending content"
    store_result(db_url, {**result_row(Outcome("done", "a.txt"), contents["a"]), "id": 500}, [], [])
    assert reader.read() == Progress(contents=3, done=2, failed=0)  # nothing new by id: asked about all
    assert asked == [1]
    assert reader.pending == {contents["c"]}
