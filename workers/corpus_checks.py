"""Checks across the documents of one audit (GK6xx): what no single report can show.

- GK601: this year's 上年结转 against the same body's previous report's 结转下年度继续办理,
  per applicant column (a finding on the later report);
- GK602: a 存在的主要问题及改进情况 section copied from another body's report, or from the
  same body's previous year (a finding on the later report).

They run once every document of the audit has its result, and are stored as
CorpusFinding rows of that audit (kind "corpus").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractor.formats import DEFAULT_FORMAT, FORMATS
from models.similarity import index_signatures, read_signature, stored_signature
from workers.pipeline import PIPELINE_VERSION
from workers.storage import AuditDocument, CorpusFinding, Result, insert_statement

# Table 三's columns (the six applicant columns and 总计) and their headers, from the format definition.
_APPLICATIONS = FORMATS[DEFAULT_FORMAT].table("三")
APPLICANT_COLUMNS = tuple(column.key for column in _APPLICATIONS.columns)
COLUMN_ZH = {column.key: column.header for column in _APPLICATIONS.columns}
# Sections this similar (estimated Jaccard of character shingles) count as copies.
COPY_THRESHOLD = 0.8
MIN_COPY_CHARS = 60


@dataclass(frozen=True)
class Doc:
    content_hash: str
    path: str
    agency: str | None
    year: int | None
    tables: dict[str, Any]
    raw_cells: dict[str, str]
    problems: str
    problems_signature: str | None = None  # models.similarity.stored_signature, made by the pipeline's workers
    problems_length: int | None = None  # the section's length when its text is not kept

    @property
    def problems_chars(self) -> int:
        return self.problems_length if self.problems_length is not None else len(self.problems)


def body_key(agency: str | None) -> str | None:
    """Agencies compared without spaces and brackets' content ("某局（某办）" = "某局")."""
    if not agency:
        return None
    return re.sub(r"[（(][^）)]*[）)]|\s", "", agency)


def section_text(payload: dict[str, Any], section_id: str) -> str:
    """A section's text in a stored result ("" when the report has no such section)."""
    return next((s["text"] for s in payload.get("sections", []) if s["id"] == section_id), "")


# What the corpus checks read of a result's tables (GK601): kept per document, the rest of the payload is not.
CARRIED_KEYS = tuple(
    f"applications.{row}.{column}" for row in ("carried_in", "carried_out") for column in APPLICANT_COLUMNS
)
LOAD_CHUNK = 500


def load_docs(session: Session, audit_id: int) -> list[Doc]:
    """The audit's documents as the checks read them, streamed in chunks: each keeps its carried-over
    cells and its problems signature (the section's text only when it has none), not its payload."""
    hashes = select(AuditDocument.content_hash).where(AuditDocument.audit_id == audit_id)
    query = select(Result).where(
        Result.pipeline_version == PIPELINE_VERSION, Result.status == "done", Result.content_hash.in_(hashes)
    )
    return [doc_of(result) for result in session.scalars(query.execution_options(yield_per=LOAD_CHUNK))]


def doc_of(result: Result) -> Doc:
    payload = result.payload
    tables, raw = payload.get("tables", {}), payload.get("raw_cells", {})
    signature = payload.get("problems_signature")
    problems = section_text(payload, "problems")
    return Doc(
        result.content_hash,
        result.path,
        result.agency,
        result.year,
        {k: tables[k] for k in CARRIED_KEYS if k in tables},
        {k: raw[k] for k in CARRIED_KEYS if k in raw},
        "" if signature else problems,
        signature,
        len(problems),
    )


def carried_over_mismatches(docs: list[Doc]) -> Iterator[dict[str, Any]]:
    """GK601 for each column where 上年结转 ≠ last year's 结转下年度继续办理."""
    by_body_year = {(body_key(d.agency), d.year): d for d in docs if body_key(d.agency) and d.year}
    for (body, year), doc in sorted(by_body_year.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or 0)):
        previous = by_body_year.get((body, year - 1))
        if previous is None:
            continue
        for column in APPLICANT_COLUMNS:
            now_key, then_key = f"applications.carried_in.{column}", f"applications.carried_out.{column}"
            now_value, then_value = doc.tables.get(now_key), previous.tables.get(then_key)
            if now_value is None or then_value is None or now_value == then_value:
                continue
            yield {
                "content_hash": doc.content_hash,
                "rule": "GK601",
                "kind": "corpus",
                "severity": "error",
                "metric": now_key,
                "message_zh": f"表三“{COLUMN_ZH[column]}”列：本年“上年结转”为{now_value}，"
                f"但{year - 1}年报告的“结转下年度继续办理”为{then_value}",
                "message_en": f"Table 3, column {column}: carried in {now_value}, "
                f"but the {year - 1} report carried {then_value} forward",
                "evidence": {
                    "cells": {now_key: {"value": now_value, "raw": doc.raw_cells.get(now_key)}},
                    "previous": {
                        "path": previous.path,
                        "year": previous.year,
                        "cells": {then_key: {"value": then_value, "raw": previous.raw_cells.get(then_key)}},
                    },
                },
            }


def copied_sections(docs: list[Doc]) -> Iterator[dict[str, Any]]:
    """GK602 on each later report whose problems section nearly copies an earlier one: one finding per copy."""
    by_hash = {d.content_hash: d for d in docs}
    for copy in copy_clusters(docs):
        doc, other = by_hash[copy.later], by_hash[copy.source]
        yield copy_finding(doc, other, copy.similarity, copy.cluster_size)


@dataclass(frozen=True)
class Copy:
    later: str  # content hash of the copy
    source: str  # the earliest report of its cluster it nearly copies
    similarity: float
    cluster_size: int  # reports in the cluster, the source included


def copy_clusters(docs: list[Doc]) -> list[Copy]:
    """Near-copies grouped, earliest report first: each report not yet in a cluster asks the index for its
    near-copies once, and the later ones it finds join its cluster with it as their source; a report that
    is itself in a cluster is never asked again.  So a template pasted by 200 bodies costs 200 look-ups
    and gives 199 findings, not 200 × 199 pairs."""
    ordered = sorted((d for d in docs if d.problems_chars >= MIN_COPY_CHARS), key=_order)
    stored = {d.content_hash: d.problems_signature or stored_signature(d.problems) for d in ordered}
    signatures = {key: read_signature(signature) for key, signature in stored.items() if signature}
    index = index_signatures(signatures, COPY_THRESHOLD)
    rank = {d.content_hash: i for i, d in enumerate(ordered)}
    source_of: dict[str, tuple[str, float]] = {}
    members: dict[str, int] = {}
    for doc in ordered:
        key = doc.content_hash
        if key not in signatures or key in source_of:
            continue
        similar = similar_in(index, key)
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


def similar_in(index: Any, key: str) -> list[tuple[str, float]]:
    """The indexed sections at or above the index's threshold, other than ``key`` itself."""
    query = index.signatures[key]
    pairs = ((other, round(float(query.jaccard(index.signatures[other])), 3)) for other in index.lsh.query(query))
    return [(other, sim) for other, sim in pairs if other != key and sim >= index.threshold]


def copy_finding(doc: Doc, other: Doc, similarity: float, cluster_size: int) -> dict[str, Any]:
    same_body = body_key(doc.agency) == body_key(other.agency)
    source_zh = f"本机关{other.year}年报告" if same_body else f"{other.agency or other.path}的报告"
    shared_zh = f"；共有{cluster_size}份报告使用近乎相同的内容" if cluster_size > 2 else ""
    shared_en = f"; {cluster_size} reports share nearly the same text" if cluster_size > 2 else ""
    return {
        "content_hash": doc.content_hash,
        "rule": "GK602",
        "kind": "corpus",
        "severity": "warning",
        "metric": f"sections.problems~{other.content_hash[:12]}",
        "message_zh": f"“存在的主要问题及改进情况”与{source_zh}高度相似（相似度{similarity:.0%}），疑为照抄{shared_zh}",
        "message_en": f"The problems section is a near copy ({similarity:.0%}) of "
        + ("this body's previous report" if same_body else f"the report of {other.agency or other.path}")
        + shared_en,
        "evidence": {
            "other": {"path": other.path, "agency": other.agency, "year": other.year},
            "similarity": similarity,
            "cluster_size": cluster_size,
        },
    }


def _order(doc: Doc) -> tuple[int, str]:
    """The copy is the later report; between reports of one year, the one named second."""
    return (doc.year or 0, doc.path)


CORPUS_CHECKS = (carried_over_mismatches, copied_sections)


def run_corpus_checks(session: Session, audit_id: int) -> int:
    """Every corpus check over the audit; returns how many findings were stored."""
    docs = load_docs(session, audit_id)
    n = 0
    for check in CORPUS_CHECKS:
        for finding in check(docs):
            stmt = (
                insert_statement(session, CorpusFinding).values(audit_id=audit_id, **finding).on_conflict_do_nothing()
            )
            n += session.execute(stmt).rowcount or 0
    return n
