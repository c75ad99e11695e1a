"""The corpus rules (GK601, GK602: ``extractor.checks.corpus``) over an audit's stored results.

They run once every document of the audit has its result: the documents are read from the
store in chunks, keeping what the rules read (the carried-over cells, the problems section's
signature), the near-copies are grouped with ``models.similarity``'s MinHash, and the findings
are stored as CorpusFinding rows of that audit (kind "corpus").
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from extractor.checks.corpus import (
    CARRIED_KEYS,
    Copy,
    CorpusDoc,
    CorpusInput,
    body_key,
    report_order,
    run_corpus_rules,
)
from extractor.output import section_text
from models.similarity import index_signatures, similar_to_indexed, stored_signature
from models.version import PIPELINE_VERSION
from workers.store import AuditDocument, CorpusFinding, Result, ResultSummary, backfill_summaries, insert_statement

Doc = CorpusDoc  # what the rules read of each document
__all__ = [
    "Doc",
    "body_key",
    "carried_over_mismatches",
    "copied_sections",
    "copy_clusters",
    "run_corpus_checks",
    "section_text",
]
# Sections this similar (estimated Jaccard of character shingles) count as copies.
COPY_THRESHOLD = 0.8
LOAD_CHUNK = 500


def load_docs(session: Session, audit_id: int) -> list[Doc]:
    """The audit's documents as the checks read them, streamed in chunks from the results' summaries
    (:func:`extractor.checks.corpus.corpus_inputs`: the carried-over cells, the problems signature), not their
    payloads.  Results stored before the summaries get theirs written first, from their payloads."""
    hashes = select(AuditDocument.content_hash).where(AuditDocument.audit_id == audit_id)
    done = (Result.pipeline_version == PIPELINE_VERSION, Result.status == "done", Result.content_hash.in_(hashes))
    unsummed = select(Result.id).outerjoin(ResultSummary, ResultSummary.result_id == Result.id)
    backfill_summaries(session, list(session.scalars(unsummed.where(*done, ResultSummary.corpus.is_(None)))))
    query = select(*DOC_COLUMNS).join(ResultSummary, ResultSummary.result_id == Result.id).where(*done)
    rows = session.execute(query.execution_options(yield_per=LOAD_CHUNK))
    return [doc_of(digest, path, agency, year, as_dict(inputs)) for digest, path, agency, year, inputs in rows]


DOC_COLUMNS = (Result.content_hash, Result.path, Result.agency, Result.year, type_coerce(ResultSummary.corpus, Text))


def as_dict(value: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """A JSON column read as stored: text on SQLite, already parsed by psycopg on PostgreSQL."""
    return value if isinstance(value, dict) else orjson.loads(value)


def doc_of(digest: str, path: str, agency: str | None, year: int | None, inputs: dict[str, Any]) -> Doc:
    """A document as the checks keep it while the audit's others load: its cells packed, its signature's bytes."""
    signature = inputs["signature"]
    return Doc(
        digest,
        path,
        agency,
        year,
        CarriedCells.of(inputs["tables"]),
        CarriedCells.of(inputs["raw"]),
        inputs["problems"],
        base64.b64decode(signature) if signature else None,
        inputs["problems_length"],
    )


_ABSENT = object()
_CARRIED_AT = {key: i for i, key in enumerate(CARRIED_KEYS)}


def _interned(value: Any) -> Any:
    return sys.intern(value) if isinstance(value, str) else value


class CarriedCells(Mapping[str, Any]):
    """The carried-over cells GK601 reads (:data:`CARRIED_KEYS`) as one tuple, read like the dict they were.

    The runner keeps every document's cells until the checks run: a dict of fourteen keys each was some
    1.3 KB a document (tables and raw cells), the tuple a fifth of that.
    """

    __slots__ = ("_values",)

    def __init__(self, values: tuple[Any, ...]) -> None:
        self._values = values

    @classmethod
    def of(cls, cells: Mapping[str, Any]) -> CarriedCells:
        """The cells packed; a cell's text interned ("0", "/": one string for every document, not one each)."""
        return cls(tuple(_interned(cells.get(key, _ABSENT)) for key in CARRIED_KEYS))

    def __getitem__(self, key: str) -> Any:
        value = self._values[_CARRIED_AT[key]] if key in _CARRIED_AT else _ABSENT
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return (key for key, value in zip(CARRIED_KEYS, self._values, strict=True) if value is not _ABSENT)

    def __len__(self) -> int:
        return sum(value is not _ABSENT for value in self._values)


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


def run_corpus_checks(session: Session, audit_id: int) -> int:
    """Every corpus rule over the audit; returns how many findings were stored."""
    data = CorpusInput(tuple(load_docs(session, audit_id)), copy_clusters)
    n = 0
    for found in run_corpus_rules(data):
        row = found.to_row()
        stmt = insert_statement(session, CorpusFinding).values(audit_id=audit_id, **row).on_conflict_do_nothing()
        n += session.execute(stmt).rowcount or 0
    return n
