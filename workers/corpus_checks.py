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
from models.similarity import index_signatures, read_signature, similar_pairs, stored_signature
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


def body_key(agency: str | None) -> str | None:
    """Agencies compared without spaces and brackets' content ("某局（某办）" = "某局")."""
    if not agency:
        return None
    return re.sub(r"[（(][^）)]*[）)]|\s", "", agency)


def section_text(payload: dict[str, Any], section_id: str) -> str:
    """A section's text in a stored result ("" when the report has no such section)."""
    return next((s["text"] for s in payload.get("sections", []) if s["id"] == section_id), "")


def load_docs(session: Session, audit_id: int) -> list[Doc]:
    hashes = select(AuditDocument.content_hash).where(AuditDocument.audit_id == audit_id)
    results = session.scalars(
        select(Result).where(
            Result.pipeline_version == PIPELINE_VERSION, Result.status == "done", Result.content_hash.in_(hashes)
        )
    ).all()
    return [
        Doc(
            r.content_hash,
            r.path,
            r.agency,
            r.year,
            r.payload.get("tables", {}),
            r.payload.get("raw_cells", {}),
            section_text(r.payload, "problems"),
            r.payload.get("problems_signature"),
        )
        for r in results
    ]


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
    """GK602 on the later of two reports whose problems sections are near copies."""
    long_enough = [d for d in docs if len(d.problems) >= MIN_COPY_CHARS]
    stored = {d.content_hash: d.problems_signature or stored_signature(d.problems) for d in long_enough}
    signatures = {key: read_signature(signature) for key, signature in stored.items() if signature}
    by_hash = {d.content_hash: d for d in docs}
    for doc_hash, matches in similar_pairs(index_signatures(signatures, COPY_THRESHOLD)).items():
        doc = by_hash[doc_hash]
        for other_hash, similarity in matches:
            other = by_hash[other_hash]
            if not _is_later(doc, other):
                continue
            same_body = body_key(doc.agency) == body_key(other.agency)
            source_zh = f"本机关{other.year}年报告" if same_body else f"{other.agency or other.path}的报告"
            yield {
                "content_hash": doc.content_hash,
                "rule": "GK602",
                "kind": "corpus",
                "severity": "warning",
                "metric": f"sections.problems~{other_hash[:12]}",
                "message_zh": f"“存在的主要问题及改进情况”与{source_zh}高度相似（相似度{similarity:.0%}），疑为照抄",
                "message_en": f"The problems section is a near copy ({similarity:.0%}) of "
                + ("this body's previous report" if same_body else f"the report of {other.agency or other.path}"),
                "evidence": {
                    "other": {"path": other.path, "agency": other.agency, "year": other.year},
                    "similarity": similarity,
                },
            }


def _is_later(doc: Doc, other: Doc) -> bool:
    """The copy is the later report; between reports of one year, the one named second."""
    return ((doc.year or 0), doc.path) > ((other.year or 0), other.path)


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
