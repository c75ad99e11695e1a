"""The corpus rules (GK601, GK602: ``extractor.checks.corpus``) over an audit's stored results.

They run once every document of the audit has its result, and read what each rule needs in chunks, keeping
of every document at once only the ids of GK602's candidates and the findings (the runner's memory does not
grow with the corpus by the rest):

- GK601 reads the results' summaries ordered by body (``ResultSummary.body``), so that one body's reports
  are in memory at a time: a body's reports are compared only with each other;
- GK602 counts the band keys stored per result (:class:`workers.store.CorpusBand`) in the database: only
  reports that share a band's key with another are candidates (a near-copy shares a band key with its
  source).  They are joined into groups by the keys they share and read a chunk of whole groups at a time,
  only their signatures, and clustered with ``models.similarity``'s MinHash as before: a cluster never spans
  two groups, so the clusters are those of every document at once.

The findings are stored as CorpusFinding rows of that audit (kind "corpus").
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, Text, bindparam, func, select, text, type_coerce, update
from sqlalchemy.orm import Session

from extractor.checks.corpus import (
    COPY_BANDS,
    COPY_THRESHOLD,
    FIRST_BAND,
    Copy,
    CorpusDoc,
    CorpusInput,
    body_key,
    report_order,
    run_corpus_rules,
)
from extractor.output import section_text
from models.similarity import band_rows, index_signatures, similar_to_indexed, stored_signature
from models.version import PIPELINE_VERSION
from workers.store import (
    IN_LIST_MOST,
    AuditDocument,
    CorpusBand,
    CorpusFinding,
    Result,
    ResultSummary,
    backfill_summaries,
    insert_rows,
    insert_statement,
    literal_list,
)

Doc = CorpusDoc  # what the rules read of each document
__all__ = [
    "COPY_THRESHOLD",
    "Doc",
    "body_key",
    "carried_over_mismatches",
    "copied_sections",
    "copy_clusters",
    "run_corpus_checks",
    "section_text",
]
LOAD_CHUNK = 500

# The tables the checks read, as each database is told to look at them again before the checks plan their reads.
# PostgreSQL plans on statistics its autovacuum gathers now and then: right after an audit filled these tables they
# still say "almost empty", and GK602's count of shared band keys was then planned as a nested loop that scanned
# every band row of the audit once per result (10 s at 5,000 documents, growing with the square of the corpus;
# 0.1 s after ANALYZE, which itself took 0.1 s).  SQLite's plans do not depend on gathered statistics here.
CHECKED_TABLES = ("results", "result_summaries", "corpus_bands", "audit_documents")
REFRESH_STATISTICS = {"postgresql": text(f"ANALYZE {', '.join(CHECKED_TABLES)}")}


def done_in_audit(audit_id: int) -> tuple[ColumnElement[bool], ...]:
    """The conditions on a Result of one of the audit's documents, audited by this pipeline."""
    hashes = select(AuditDocument.content_hash).where(AuditDocument.audit_id == audit_id)
    return (Result.pipeline_version == PIPELINE_VERSION, Result.status == "done", Result.content_hash.in_(hashes))


def backfill(session: Session, audit_id: int) -> None:
    """Write what the checks read and the audit's results lack: summaries (results stored before them), bodies
    (summaries written before them, or from a payload) and band keys (results stored before them)."""
    done = done_in_audit(audit_id)
    unsummed = select(Result.id).outerjoin(ResultSummary, ResultSummary.result_id == Result.id)
    backfill_summaries(session, list(session.scalars(unsummed.where(*done, ResultSummary.corpus.is_(None)))))
    bodiless = select(Result.id, Result.agency).join(ResultSummary, ResultSummary.result_id == Result.id)
    for chunk in id_chunks(session, bodiless.where(*done, ResultSummary.body.is_(None))):
        bodies = [{"rid": rid, "new_body": body_key(agency) or ""} for rid, agency in chunk]
        by_id = update(ResultSummary).where(ResultSummary.result_id == bindparam("rid"))
        session.connection().execute(by_id.values(body=bindparam("new_body")), bodies)
    banded = select(CorpusBand.result_id).where(CorpusBand.band == FIRST_BAND)
    unbanded = select(Result.id, type_coerce(ResultSummary.corpus, Text)).join(ResultSummary).where(*done)
    for chunk in id_chunks(session, unbanded.where(Result.id.not_in(banded))):
        summaries = [{"result_id": rid, "corpus": as_dict(corpus)} for rid, corpus in chunk]
        if rows := band_rows(summaries, FIRST_BAND, *COPY_BANDS):
            insert_rows(session, CorpusBand.__table__, rows)


def id_chunks(session: Session, query: Select[Any]) -> Iterator[list[Any]]:
    """A query's rows (the result's id first) a chunk at a time, by id: each chunk read whole before the next is
    asked for, so that a chunk's writes never meet an open cursor.  A row the caller writes nothing for (a result
    with no band key) is not read again."""
    last = -1
    while rows := session.execute(query.where(Result.id > last).order_by(Result.id).limit(LOAD_CHUNK)).all():
        yield rows
        last = rows[-1][0]


DOC_COLUMNS = (Result.content_hash, Result.path, Result.agency, Result.year, type_coerce(ResultSummary.corpus, Text))


def doc_rows(session: Session, query: Select[Any]) -> Iterator[Any]:
    """The rows of a query over results joined to their summaries, fetched in chunks."""
    return iter(session.execute(query.execution_options(yield_per=LOAD_CHUNK)))


def by_body(session: Session, audit_id: int) -> Iterator[list[Doc]]:
    """The audit's documents that have a body and a year, one body's at a time (GK601 compares nothing else).

    Within a body, by year and then by content hash: of two reports of one body and year, GK601 compares the one
    read last, and that is the one of the greater hash, as when the checks read every document at once (SQLite
    gave them in the order of their hashes; PostgreSQL in no stated order)."""
    query = (
        select(*DOC_COLUMNS, ResultSummary.body)
        .join(ResultSummary, ResultSummary.result_id == Result.id)
        .where(*done_in_audit(audit_id), ResultSummary.body != "", Result.year.is_not(None))
        .order_by(ResultSummary.body, Result.year, Result.content_hash)
    )
    for _, rows in groupby(doc_rows(session, query), key=lambda row: row[-1]):
        yield [doc_of(*row[:-1]) for row in rows]


def copy_groups(session: Session, audit_id: int) -> list[list[int]]:
    """GK602's candidates, the result ids of the audit's documents whose problems signature shares a band's key
    with another's, in groups that share no key with each other (connected by shared keys), by their first id.

    A near-copy shares a band's key with its source (that is how the index finds it), so every cluster of copies
    lies within one group, and the groups can be clustered one at a time.  The keys each shared by more than one
    result are counted in the database (a window over the audit's band rows: one scan and a sort; a join back to
    the keys grouped by ``HAVING count(*) > 1`` made SQLite probe its index once per key and result of the
    audit); here they are read in order, a key's results joined to one group (union-find over the ids)."""
    mine = select(Result.id).where(*done_in_audit(audit_id))
    band = CorpusBand
    ours = band.band.between(FIRST_BAND, FIRST_BAND + COPY_BANDS[0] - 1)
    sharing = func.count().over(partition_by=(band.band, band.key)).label("sharing")
    counted = select(band.band, band.key, band.result_id, sharing).where(band.result_id.in_(mine), ours).subquery()
    shared = select(counted.c.band, counted.c.key, counted.c.result_id).where(counted.c.sharing > 1)
    parent: dict[int, int] = {}
    rows = doc_rows(session, shared.order_by(counted.c.band, counted.c.key))
    for _, same_key in groupby(rows, key=lambda row: (row[0], row[1])):
        first, *others = (row[2] for row in same_key)
        for other in others:
            parent[_group_of(parent, other)] = _group_of(parent, first)
    groups: dict[int, list[int]] = {}
    for rid in parent:
        groups.setdefault(_group_of(parent, rid), []).append(rid)
    return sorted((sorted(ids) for ids in groups.values()), key=lambda ids: ids[0])


def _group_of(parent: dict[int, int], rid: int) -> int:
    """The group's root of ``rid`` (halving the path on the way)."""
    parent.setdefault(rid, rid)
    while parent[rid] != rid:
        parent[rid] = parent[parent[rid]]
        rid = parent[rid]
    return rid


def copy_findings(session: Session, audit_id: int) -> Iterator[Any]:
    """GK602 over its candidates, a chunk of whole groups at a time (as over every candidate at once: a cluster
    never spans two groups)."""
    for chunk in group_chunks(copy_groups(session, audit_id), LOAD_CHUNK):
        docs = docs_by_id(session, [rid for ids in chunk for rid in ids])
        yield from run_corpus_rules(CorpusInput(tuple(docs.values()), copy_clusters), "GK602")


def group_chunks(groups: list[list[int]], most: int) -> Iterator[list[list[int]]]:
    """Consecutive groups, at most ``most`` ids a chunk (unless one group alone is larger)."""
    chunk: list[list[int]] = []
    for ids in groups:
        if chunk and sum(map(len, chunk)) + len(ids) > most:
            yield chunk
            chunk = []
        chunk.append(ids)
    if chunk:
        yield chunk


def docs_by_id(session: Session, ids: list[int]) -> dict[int, Doc]:
    """The documents of these results as GK602 reads them (their signatures, not their cells)."""
    found = {}
    for i in range(0, len(ids), IN_LIST_MOST):
        among = Result.id.in_(literal_list(ids[i : i + IN_LIST_MOST]))
        query = select(Result.id, *DOC_COLUMNS).join(ResultSummary, ResultSummary.result_id == Result.id)
        found.update((rid, doc_of(*row, cells=False)) for rid, *row in session.execute(query.where(among)))
    return found


def as_dict(value: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """A JSON column read as stored: text on SQLite, already parsed by psycopg on PostgreSQL."""
    return value if isinstance(value, dict) else orjson.loads(value)


def doc_of(digest: str, path: str, agency: str | None, year: int | None, stored: Any, *, cells: bool = True) -> Doc:
    """A document as the rules read it, from its result's columns and summary (``cells`` False: without the
    carried-over cells, for GK602)."""
    inputs = as_dict(stored)
    signature = inputs["signature"]
    return Doc(
        digest,
        path,
        agency,
        year,
        inputs["tables"] if cells else {},
        inputs["raw"] if cells else {},
        inputs["problems"],
        base64.b64decode(signature) if signature else None,
        inputs["problems_length"],
    )


def carried_over_mismatches(docs: Sequence[Doc]) -> Iterator[dict[str, Any]]:
    """GK601's findings as stored rows."""
    return _rows(docs, "GK601")


def copied_sections(docs: Sequence[Doc]) -> Iterator[dict[str, Any]]:
    """GK602's findings as stored rows."""
    return _rows(docs, "GK602")


def _rows(docs: Sequence[Doc], rule_id: str) -> Iterator[dict[str, Any]]:
    data = CorpusInput(tuple(docs), copy_clusters)
    return (f.to_row() for f in run_corpus_rules(data) if f.finding.rule == rule_id)


def copy_clusters(docs: Sequence[Doc]) -> list[Copy]:
    """Near-copies grouped, earliest report first: each report not yet in a cluster asks the index for its
    near-copies once, and the later ones it finds join its cluster with it as their source; a report that
    is itself in a cluster is never asked again.  So a template pasted by 200 bodies costs 200 look-ups
    and gives 199 findings, not 200 × 199 pairs."""
    ordered = sorted(docs, key=report_order)
    stored = {d.content_hash: d.problems_signature or stored_signature(d.problems) for d in ordered}
    index = index_signatures({key: signature for key, signature in stored.items() if signature}, COPY_THRESHOLD)
    del stored  # the index holds the signatures' values, 512 bytes each
    rank = {d.content_hash: i for i, d in enumerate(ordered)}
    source_of: dict[str, tuple[str, float]] = {}
    members: dict[str, int] = {}
    for doc in ordered:
        key = doc.content_hash
        if key not in index.row_of or key in source_of:
            continue
        similar = similar_to_indexed(index, key)
        earlier = [(other, sim) for other, sim in similar if rank[other] < rank[key]]
        if earlier:  # like a report that is itself in another's cluster: it copies that one
            source_of[key] = max(earlier, key=lambda pair: (pair[1], -rank[pair[0]]))
            continue
        for other, sim in similar:
            if rank[other] > rank[key] and other not in source_of:
                source_of[other] = (key, sim)
                members[key] = members.get(key, 1) + 1
    return [
        Copy(later, source, similarity, members.get(_root(source, source_of), 1))
        for later, (source, similarity) in sorted(source_of.items(), key=lambda kv: rank[kv[0]])
    ]


def _root(key: str, source_of: dict[str, tuple[str, float]]) -> str:
    while key in source_of:
        key = source_of[key][0]
    return key


def corpus_findings(session: Session, audit_id: int) -> list[Any]:
    """GK601 body by body, then GK602 a group of candidates at a time: the audit's findings (what is kept of
    every document at once: the findings, and the candidates' ids)."""
    refresh_statistics(session)
    backfill(session, audit_id)
    found = [f for docs in by_body(session, audit_id) for f in run_corpus_rules(CorpusInput(tuple(docs)), "GK601")]
    return found + list(copy_findings(session, audit_id))


def refresh_statistics(session: Session) -> None:
    """Have the database look at the checked tables again, where it plans by what it last saw of them.  On a
    connection of its own, committed at once: inside the checks' transaction ANALYZE's lock on each table would
    be held to its end, and the checks of two audits on one server would wait for each other."""
    bind = session.get_bind()
    if (statement := REFRESH_STATISTICS.get(bind.dialect.name)) is None:
        return
    with bind.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(statement)


def run_corpus_checks(session: Session, audit_id: int) -> int:
    """Every corpus rule over the audit; returns how many findings were stored (new ones: counted by the ids the
    insert returns; psycopg tells no row count of an INSERT … ON CONFLICT DO NOTHING, -1 a statement)."""
    rows = [{"audit_id": audit_id, **found.to_row()} for found in corpus_findings(session, audit_id)]
    if not rows:
        return 0
    table = CorpusFinding.__table__
    stmt = insert_statement(session, table).on_conflict_do_nothing().returning(table.c.id)
    return len(session.execute(stmt, rows).all())
