"""Where audit results live: SQLAlchemy 2 models and idempotent writes.

One result per (content hash, pipeline version): a re-run, a duplicate file or
a redelivered task inserts nothing new (``INSERT … ON CONFLICT DO NOTHING``).
Findings and claims are rows of their result, written in the same transaction.
SQLite is the default (WAL, so the workers and the progress bar can share it);
PostgreSQL at scale.

Documents travel by content: the runner stores each content it queues once, by
its hash, in :class:`Content` (BLOB on SQLite, bytea on PostgreSQL; or only its
row here and its bytes in an S3 bucket, :mod:`workers.blobs`), and a worker reads
it from there; a worker needs the broker and the database, no file system shared
with the runner.  :func:`prune_contents` removes what no audit still needs.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from psycopg import sql
from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Select,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker
from sqlalchemy.schema import CreateColumn

from extractor.checks.corpus import COPY_BANDS, FIRST_BAND, body_key, corpus_inputs
from extractor.output import finding_spans
from workers.in_lists import IN_LIST_MOST, hash_list, literal_list  # noqa: F401  (re-exported: the stores')

SQLITE_BUSY_MS = 30_000


class Base(DeclarativeBase):
    pass


def now() -> datetime:
    return datetime.now(UTC)


class Audit(Base):
    """One run of ``gkaudit audit`` (or one POST /v1/audits)."""

    __tablename__ = "audits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pipeline_version: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[list[AuditDocument]] = relationship(back_populates="audit")


class AuditDocument(Base):
    """A file of an audit: its path and the content it had."""

    __tablename__ = "audit_documents"
    __table_args__ = (UniqueConstraint("audit_id", "path"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    path: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    audit: Mapped[Audit] = relationship(back_populates="documents")


class Content(Base):
    """A document's bytes, once per content hash, where every worker can read them (the messages carry only
    hashes).  ``name``: the path it was first queued under, the name its result is stored with.  ``data`` is
    empty (``size`` is not) when the bytes are in an S3 bucket (``GKAUDIT_BLOB_URL``, :mod:`workers.blobs`)."""

    __tablename__ = "contents"
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


def plain_text(value: Any) -> str | None:
    """How a cell holding ``value`` reads when written plainly: an integer's own digits; None for any other."""
    return str(value) if type(value) is int else None  # not a bool, though bool is an int


def without_plain_cells(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with only the raw cells that do not read as their number's own digits."""
    raw, tables = payload.get("raw_cells"), payload.get("tables")
    if not raw or not isinstance(tables, dict):
        return payload
    kept = {key: cell for key, cell in raw.items() if cell != plain_text(tables.get(key))}
    return {**payload, "raw_cells": kept}


def with_plain_cells(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload's raw cells whole again, in the tables' order (a report's tables and raw cells share keys)."""
    raw, tables = payload.get("raw_cells"), payload.get("tables")
    if raw is None or not isinstance(tables, dict):
        return payload
    whole: dict[str, Any] = {}
    for key, value in tables.items():
        if key in raw:
            whole[key] = raw[key]
        elif (plain := plain_text(value)) is not None:
            whole[key] = plain
    whole |= {key: cell for key, cell in raw.items() if key not in tables}
    return {**payload, "raw_cells": whole}


class ReportPayload(TypeDecorator[dict[str, Any]]):
    """A result's payload (the report, its claims and findings), stored without the raw text of a cell that is
    just its number's digits, and read back whole.

    That is most cells: 9 of a payload's 23 KB, which each store cost the workers and PostgreSQL's CPU (and the
    database its size).  Rows stored whole read back the same.
    """

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: dict[str, Any] | None, dialect: Any) -> dict[str, Any] | None:
        return without_plain_cells(value) if value else value

    def process_result_value(self, value: dict[str, Any] | None, dialect: Any) -> dict[str, Any] | None:
        return with_plain_cells(value) if value else value


class Result(Base):
    """What the pipeline made of one content, once per pipeline version."""

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("content_hash", "pipeline_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    pipeline_version: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # "done" or "failed"
    error: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)  # the first path it was seen at
    agency: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    format_version: Mapped[str | None] = mapped_column(String(8))
    document_kind: Mapped[str | None] = mapped_column(String(8))
    quality: Mapped[float | None] = mapped_column(Float)
    completeness: Mapped[float | None] = mapped_column(Float)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    claims_total: Mapped[int] = mapped_column(Integer, default=0)
    claims_verified: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    cpu_seconds: Mapped[float | None] = mapped_column(Float)  # in audit_bytes; NULL in rows stored before it existed
    payload: Mapped[dict[str, Any]] = mapped_column(ReportPayload, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    findings: Mapped[list[FindingRow]] = relationship(back_populates="result", cascade="all, delete-orphan")
    claims: Mapped[list[ClaimRow]] = relationship(back_populates="result", cascade="all, delete-orphan")


class ResultSummary(Base):
    """What the ranking reads of a result besides its columns, written with it: the quality score's parts,
    the problems section's label, where each finding's claim sits in its sentence (in the order of its
    ``findings`` rows) and what the corpus checks read.  ``gkaudit rank`` and the corpus checks read these
    (and the findings rows), not the payloads; a result stored before this table existed has none until one of
    them writes it from its payload (:func:`backfill_summaries`)."""

    __tablename__ = "result_summaries"
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id"), primary_key=True)
    components: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completeness_label: Mapped[Any] = mapped_column(JSON)  # as the payload has it (a number)
    spans: Mapped[list[Any]] = mapped_column(JSON, default=list)
    corpus: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # what the corpus checks read: corpus_inputs
    body: Mapped[str | None] = mapped_column(Text)  # GK601 reads by it: body_key(agency), "" for none; NULL: unread


class CorpusBand(Base):
    """A band key of a result's problems MinHash (LSH): GK602's candidates share one (grouped in the database)."""

    __tablename__ = "corpus_bands"  # the key's columns in this order: its index serves the grouping
    band: Mapped[int] = mapped_column(Integer, primary_key=True)  # FIRST_BAND + its number: other bands, other ids
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # the band's 64 bits as a signed integer
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id"), primary_key=True)


# `gkaudit show PATH` looks a path up in both tables by these (the results' own path: its first one).
Index("ix_results_path", Result.path)
Index("ix_audit_documents_path", AuditDocument.path)


class FindingRow(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id"), index=True)
    rule: Mapped[str] = mapped_column(String(8), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8), index=True)
    metric: Mapped[str | None] = mapped_column(Text)
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[Result] = relationship(back_populates="findings")


class ClaimRow(Base):
    __tablename__ = "claims"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id"), index=True)
    section: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(8))
    metric: Mapped[str | None] = mapped_column(Text)
    table_value: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), index=True)
    result: Mapped[Result] = relationship(back_populates="claims")


class CorpusFinding(Base):
    """A finding that needs other documents of the audit (last year's report, another body's text)."""

    __tablename__ = "corpus_findings"
    __table_args__ = (UniqueConstraint("audit_id", "content_hash", "rule", "metric"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    rule: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8))
    metric: Mapped[str] = mapped_column(Text, default="")
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TriageMark(Base):
    """A reviewer's mark on a finding, kept by the finding's identity (workers.audit.triage.finding_identity): it
    survives re-runs and pipeline upgrades for as long as the finding still appears."""

    __tablename__ = "triage"
    identity: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    rule: Mapped[str] = mapped_column(String(8))
    metric: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16))  # open, confirmed, dismissed
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, onupdate=now)


class CellCorrection(Base):
    """A reviewer's value for a cell the reader misread; the extracted value stays in the result beside it."""

    __tablename__ = "cell_corrections"
    __table_args__ = (UniqueConstraint("content_hash", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    key: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


# ---- engine ----------------------------------------------------------------------------


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_ENGINE_LOCK = threading.Lock()
# Any constant: serialises CREATE TABLE between processes that open a new PostgreSQL database at once.
_SCHEMA_LOCK_KEY = 7261001


def get_engine(url: str) -> Engine:
    """One engine per URL and process; tables created on first use, once even under concurrency."""
    with _ENGINE_LOCK:
        return _engine(url)


def shown_url(url: str) -> str:
    """A database URL fit to print: its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database or an in-memory one."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def dump_json(value: Any) -> str:
    """A JSON column's text, written by orjson: some 5× faster than json on a result's payload.

    json writes what orjson refuses (an integer beyond 64 bits); orjson writes NaN as null, which
    PostgreSQL accepts (json's NaN it does not).  Read back with json (SQLAlchemy's default): orjson's
    reader would turn such an integer into a float.
    """
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, ensure_ascii=False)


@cache
def _engine(url: str) -> Engine:
    if (path := sqlite_file(url)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True, json_serializer=dump_json)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    create_tables(engine)
    return engine


def create_tables(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
            build_schema(conn)
            compress_payloads_with_lz4(conn)
        return
    try:
        with engine.begin() as conn:
            build_schema(conn)
    except OperationalError:  # another process created a table or a column between the check and the DDL
        with engine.begin() as conn:
            build_schema(conn)


def build_schema(conn: Connection) -> None:
    Base.metadata.create_all(conn)
    add_missing_columns(conn)
    add_missing_indexes(conn)


def add_missing_indexes(conn: Connection) -> None:
    """Create the indexes a newer gkaudit gave a table that an older one created (create_all makes a table's
    indexes only with the table)."""
    present = inspect(conn)
    for table in Base.metadata.sorted_tables:
        have = {index["name"] for index in present.get_indexes(table.name)}
        for index in (i for i in table.indexes if i.name not in have):
            index.create(conn, checkfirst=True)


def add_missing_columns(conn: Connection) -> None:
    """Add the columns a newer gkaudit gave a table that an older one created (create_all only adds tables,
    and has made every table by now).

    Such columns are nullable: the rows already there read NULL in them.
    """
    present = inspect(conn)
    quote = conn.dialect.identifier_preparer
    for table in Base.metadata.sorted_tables:
        have = {column["name"] for column in present.get_columns(table.name)}
        for column in (c for c in table.columns if c.name not in have):
            if not column.nullable:
                raise RuntimeError(f"{table.name}.{column.name} is missing and cannot be added: it is NOT NULL")
            definition = CreateColumn(column).compile(dialect=conn.dialect)
            conn.execute(text(f"ALTER TABLE {quote.format_table(table)} ADD COLUMN {definition}"))


# PostgreSQL compresses a large value (a result's payload: some 20 KB of JSON) with pglz unless told
# otherwise; lz4 does it several times faster, which made storing a batch about a third cheaper here.
LZ4_COLUMNS = (("results", "payload"),)
LZ4_AVAILABLE = text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
COLUMN_COMPRESSION = text(
    "SELECT attcompression FROM pg_attribute WHERE attrelid = CAST(:table AS regclass) AND attname = :column"
)


def compress_payloads_with_lz4(conn: Connection) -> None:
    """Switch the large columns to lz4 where the server has it and they are not on it yet (new rows only)."""
    if not conn.scalar(LZ4_AVAILABLE):
        return
    for table, column in LZ4_COLUMNS:
        if conn.scalar(COLUMN_COMPRESSION, {"table": table, "column": column}) != "l":
            conn.execute(text(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4"))


@cache
def _sessions(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    session = _sessions(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def insert_statement(session: Session, table: Any) -> Any:
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


# ---- writes ----------------------------------------------------------------------------


Stored = tuple[dict[str, Any], Iterable[dict], Iterable[dict]]  # a result row, its findings, its claims


def store_result(url: str, row: dict[str, Any], findings: Iterable[dict], claims: Iterable[dict]) -> bool:
    """Insert one result with its findings and claims; False when it was already there."""
    return store_results(url, [(row, findings, claims)]) == 1


def store_results(url: str, batch: Iterable[Stored]) -> int:
    """Insert results with their findings and claims in one transaction; how many were new.

    One commit per batch, not per document (a commit is the dearest part of a
    write: SQLite's lock and WAL sync, PostgreSQL's fsync); the results with one
    executemany of plain rows (Core, not ORM objects), their findings and claims
    with :func:`insert_rows`.  Rows of a table must have the same keys
    (:func:`workers.audit.rows.result_row` makes them so).
    """
    batch = list(batch)
    if not batch:
        return 0
    with session_scope(url) as session:
        stmt = (
            insert_statement(session, Result.__table__)  # the table, not the class: Core, not the ORM's bulk path
            .on_conflict_do_nothing(index_elements=["content_hash", "pipeline_version"])
            .returning(Result.__table__.c.content_hash, Result.__table__.c.id)
        )
        new_ids = dict(session.execute(stmt, [row for row, _, _ in batch]).all())
        for table, part in ((FindingRow, 1), (ClaimRow, 2)):
            children = [
                {"result_id": new_ids[stored[0]["content_hash"]], **child}
                for stored in batch
                if stored[0]["content_hash"] in new_ids
                for child in stored[part]
            ]
            if children:
                insert_rows(session, table.__table__, children)
        summaries = [
            summary_row(new_ids[row["content_hash"]], row) for row, _, _ in batch if row["content_hash"] in new_ids
        ]
        if summaries:
            insert_rows(session, ResultSummary.__table__, summaries)
            from models.similarity import band_rows  # numpy: imported where results are stored, not by the runner

            if bands := band_rows(summaries, FIRST_BAND, *COPY_BANDS):
                insert_rows(session, CorpusBand.__table__, bands)
        if new_ids and (notice := STORED_NOTICES.get(session.bind.dialect.name)) is not None:
            session.execute(notice, {"channel": RESULTS_CHANNEL, "stored": str(len(new_ids))})
    return len(new_ids)


# ---- result summaries (what the ranking reads) -------------------------------------------------


def summary_row(result_id: int, row: dict[str, Any]) -> dict[str, Any]:
    """The :class:`ResultSummary` of a result row (its ``payload`` whole, as the pipeline made it)."""
    payload = row.get("payload") or {}
    return {
        "result_id": result_id,
        "components": payload.get("quality_components") or {},
        "completeness_label": (payload.get("completeness") or {}).get("label"),
        "spans": finding_spans(payload),
        "corpus": corpus_inputs(payload),
        "body": (body_key(row["agency"]) or "") if "agency" in row else None,  # a backfill's: the corpus checks
    }


def backfill_summaries(session: Session, result_ids: Iterable[int]) -> int:
    """(Re)write the summaries of these results from their payloads (a database from before them, or from
    before one of their columns); how many."""
    wanted = list(set(result_ids))
    for i in range(0, len(wanted), IN_LIST_MOST):
        chunk = wanted[i : i + IN_LIST_MOST]
        query = select(Result.id, Result.payload).where(Result.id.in_(chunk))
        rows = [summary_row(rid, {"payload": payload}) for rid, payload in session.execute(query)]
        session.execute(delete(ResultSummary).where(ResultSummary.result_id.in_(chunk)))
        if rows:
            execute_many(session, ResultSummary.__table__, rows)
    return len(wanted)


RESULTS_CHANNEL = "gkaudit_results"
# How each database tells a waiting runner (workers.queue.listen) how many results were stored, at their commit;
# any other tells nothing, and the runner polls.
STORED_NOTICES = {"postgresql": text("SELECT pg_notify(:channel, :stored)")}


def execute_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    session.execute(insert(table), rows)


def copy_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's ``COPY … FROM STDIN``: the rows streamed in one command.

    psycopg runs an executemany as one prepared INSERT a row, which for a
    batch's claims (some seven a document) cost the client and the server about
    40 µs a row each; COPY takes about a third of a millisecond a document off
    storing a batch (measured with bench/queue_bench.py's rows).  psycopg adapts
    the values itself, not SQLAlchemy's column types: JSON columns are written
    here with :func:`dump_json`, as the engine writes them, and a column a row
    leaves out gets the database's default, not the model's.
    """
    columns = list(rows[0])
    json_columns = {column.name for column in table.columns if isinstance(column.type, JSON)}
    command = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    driver = session.connection().connection.driver_connection  # psycopg's, inside the session's transaction
    with driver.cursor() as cursor, cursor.copy(command) as copy:
        for row in rows:
            copy.write_row([dump_json(row[name]) if name in json_columns else row[name] for name in columns])


# How each database takes many rows of a table at once; any other: an executemany.
ROW_WRITERS = {"postgresql": copy_rows}


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys, the fastest way the session's database has."""
    ROW_WRITERS.get(session.bind.dialect.name, execute_many)(session, table, rows)


def results_after(session: Session, last_id: int, version: str) -> tuple[dict[str, str], int]:
    """The status of each result of ``version`` stored with an id above ``last_id``, and the highest id seen
    (``last_id`` when none): what arrived since a read, at a cost in proportion to what arrived."""
    query = select(Result.id, Result.content_hash, Result.status)
    rows = session.execute(query.where(Result.id > last_id, Result.pipeline_version == version)).all()
    return {digest: status for _, digest, status in rows}, max((row_id for row_id, _, _ in rows), default=last_id)


def result_statuses(session: Session, hashes: Iterable[str], version: str) -> dict[str, str]:
    """The status ("done" or "failed") of each of these contents that has a result of ``version``."""
    wanted = list(set(hashes))
    found: dict[str, str] = {}
    for i in range(0, len(wanted), IN_LIST_MOST):
        among = Result.content_hash.in_(hash_list(session, wanted[i : i + IN_LIST_MOST]))
        query = select(Result.content_hash, Result.status).where(Result.pipeline_version == version, among)
        found.update(session.execute(query).all())
    return found


def cached_hashes(session: Session, hashes: Iterable[str], version: str) -> set[str]:
    return set(result_statuses(session, hashes, version))


def audit_progress(session: Session, audit_id: int, version: str) -> dict[str, int]:
    """Documents of the audit by status: done, failed, and how many distinct contents."""
    counts = dict(session.execute(progress_statement(audit_id, version)).all())
    return {"contents": sum(counts.values()), "done": counts.get("done", 0), "failed": counts.get("failed", 0)}


def progress_statement(audit_id: int, version: str) -> Select[tuple[str | None, int]]:
    """(status, count) over the audit's distinct contents; status None for a content with no result yet.

    Each content looks its result up by the index (a subquery per content, which no planner turns into a
    join): what a poll costs grows with the audit, never with its square.  As a join, PostgreSQL planned a
    nested loop over both sides while the new tables had no statistics: 20 ms of server CPU per poll at 300
    of 1,000 results, and quadratic beyond.
    """
    docs = select(AuditDocument.content_hash).where(AuditDocument.audit_id == audit_id).distinct().subquery()
    status = (
        select(Result.status)
        .where(Result.content_hash == docs.c.content_hash, Result.pipeline_version == version)
        .correlate(docs)
        .scalar_subquery()
        .label("status")
    )
    return select(status, func.count()).select_from(docs).group_by(status)


def find_result(session: Session, doc: str) -> Result | None:
    """The newest result for a path as audited, or for a content hash or its prefix.

    Three lookups by index (an audit document's path, a result's first path, a range of content hashes),
    then the one result read: an OR of the three made SQLite read every result, payloads and all.
    """
    by_path = select(AuditDocument.content_hash).where(AuditDocument.path == doc)
    prefix = doc.lower()
    lookups = (
        select(func.max(Result.id)).where(Result.content_hash.in_(by_path)),
        select(func.max(Result.id)).where(Result.path == doc),
        select(func.max(Result.id)).where(Result.content_hash >= prefix, Result.content_hash < prefix + "\uffff"),
    )
    ids = [found for lookup in lookups if (found := session.scalar(lookup)) is not None]
    return session.get(Result, max(ids)) if ids else None
