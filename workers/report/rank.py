"""The quality ranking of an audit: one row per document, groups, and JSON, CSV and HTML writers.

A *document* is one content of the audit (its hash): the same bytes under two paths
share one result and one row, which lists both paths.  Its result is the one stored
for the audit's pipeline version; a content without one yet is ``"pending"``.

Order: done documents by quality (0–100, :mod:`extractor.quality`) descending, then
fewer errors, fewer warnings, agency and path; failed documents after them with
their reason, pending ones last.  Ranks are competition ranks over quality
(equal scores share a rank: 1, 2, 2, 4); failed and pending documents have none.

A row is read by index, not from its payload: the result's own columns, its summary
(:class:`workers.store.ResultSummary`: the score's parts, the problems label, each finding's
span in its sentence) and its findings rows.  Only a document a reviewer marked or corrected
(its score is computed again) or one whose findings rows do not match its summary reads its
payload; results stored before the summaries get theirs written on first read.

Groups and group files: :mod:`workers.report.groups`; the HTML page: :mod:`workers.report.rank_html`
(both importable from here, as before).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from extractor.output import finding_spans
from workers.report.audits import CHUNK, audit_contents, resolve_audit
from workers.report.audits import chunks as _chunks
from workers.report.groups import (
    GROUP_LABELS,
    UNGROUPED,
    GroupFileError,
    Row,
    assign_ranks,
    attach_groups,
    body_key,
    group_columns,
    group_ranking,
    group_warnings,
    parse_groups,
    read_groups,
)
from workers.report.rank_html import (
    PAGE_ROWS,
    SECTION_LABELS,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    _show,
    audit_view,
    finding_view,
    histogram,
    render_html,
    template_environment,
    write_html,
)
from workers.store import (
    CorpusFinding,
    FindingRow,
    Result,
    ResultSummary,
    TriageMark,
    backfill_summaries,
)

STATUS_ORDER = {"done": 0, "failed": 1, "pending": 2}


# ---- the ranking -------------------------------------------------------------------------

RESULT_COLUMNS = (
    Result.id.label("result_id"),
    Result.content_hash,
    Result.status,
    Result.error,
    Result.agency,
    Result.year,
    Result.format_version,
    Result.document_kind,
    Result.quality,
    Result.completeness,
    Result.errors,
    Result.warnings,
    Result.claims_total,
    Result.claims_verified,
    ResultSummary.result_id.label("summary_id"),
    # As stored, read by orjson (several times faster than json over 20,000 rows).
    type_coerce(ResultSummary.components, Text).label("components"),
    type_coerce(ResultSummary.completeness_label, Text).label("completeness_label"),
    type_coerce(ResultSummary.spans, Text).label("spans"),
)
FINDING_COLUMNS = (
    FindingRow.result_id,
    FindingRow.rule,
    FindingRow.kind,
    FindingRow.severity,
    FindingRow.metric,
    FindingRow.message_zh,
    FindingRow.message_en,
    type_coerce(FindingRow.evidence, Text).label("evidence"),
)


def _json(value: Any, empty: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value if value is not None else empty


def _summaries(session: Session, hashes: Sequence[str], version: str) -> list[dict[str, Any]]:
    """The indexed figures of these contents' results for one pipeline version, with their summaries;
    no payload is read.  Results stored before the summaries were get theirs written first (from their
    payloads, once)."""
    found: list[dict[str, Any]] = []
    for chunk in _chunks(hashes):
        stmt = (
            select(*RESULT_COLUMNS)
            .outerjoin(ResultSummary, ResultSummary.result_id == Result.id)
            .where(Result.pipeline_version == version, Result.content_hash.in_(chunk))
        )
        rows = [dict(row._mapping) for row in session.execute(stmt)]
        if missing := [r["result_id"] for r in rows if r["summary_id"] is None]:
            backfill_summaries(session, missing)
            rows = [dict(row._mapping) for row in session.execute(stmt)]
        found.extend(rows)
    for r in found:
        r["components"], r["spans"] = _json(r["components"], {}), _json(r["spans"], [])
        r["completeness_label"] = _json(r["completeness_label"], None)
    return found


def _finding_rows(session: Session, result_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Each result's findings from the findings table (by its index on the result), in stored order."""
    found: dict[int, list[dict[str, Any]]] = {}
    for i in range(0, len(result_ids), CHUNK):
        chunk = result_ids[i : i + CHUNK]
        stmt = select(*FINDING_COLUMNS).where(FindingRow.result_id.in_(chunk)).order_by(FindingRow.id)
        for row in session.execute(stmt):
            finding = dict(row._mapping)
            rid = finding.pop("result_id")
            finding["evidence"] = _json(finding["evidence"], {})
            found.setdefault(rid, []).append(finding)
    return found


def _payloads(session: Session, result_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The payloads of a few results (those a reviewer marked or corrected, or without findings rows)."""
    found: dict[int, dict[str, Any]] = {}
    for i in range(0, len(result_ids), CHUNK):
        chunk = result_ids[i : i + CHUNK]
        found.update(
            (rid, payload)
            for rid, payload in session.execute(select(Result.id, Result.payload).where(Result.id.in_(chunk)))
        )
    return found


def corpus_findings(session: Session, audit_id: int) -> dict[str, list[dict[str, Any]]]:
    """The audit's cross-document findings by content hash."""
    found: dict[str, list[dict[str, Any]]] = {}
    stmt = select(CorpusFinding).where(CorpusFinding.audit_id == audit_id).order_by(CorpusFinding.id)
    for f in session.scalars(stmt):
        found.setdefault(f.content_hash, []).append(
            {
                "rule": f.rule,
                "kind": f.kind,
                "severity": f.severity,
                "metric": f.metric,
                "message_zh": f.message_zh,
                "message_en": f.message_en,
                "evidence": f.evidence or {},
            }
        )
    return found


def payload_findings(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings of a stored result, each with ``sentence_span`` (its claim within its sentence)."""
    spans = finding_spans(payload)
    return [{**f, "sentence_span": span} for f, span in zip(payload.get("findings", []), spans, strict=True)]


@dataclass(frozen=True)
class Reviews:
    """The reviewers' triage marks and cell corrections of the audit's documents (workers.audit.triage)."""

    marks: dict[str, Any]  # finding identity → Mark
    corrections: dict[str, list[Any]]  # content hash → its corrected cells
    marked: frozenset[str] = frozenset()  # the content hashes with a mark on one of their findings


def reviews(session: Session, hashes: Sequence[str]) -> Reviews:
    from workers.audit.triage import corrections_for, marks_for

    marks: dict[str, Any] = {}
    corrections: dict[str, list[Any]] = {}
    marked: set[str] = set()
    for chunk in _chunks(hashes):
        marks.update(marks_for(session, chunk))
        corrections.update({k: v for k, v in corrections_for(session, chunk).items() if v})
        marked.update(session.scalars(select(TriageMark.content_hash).where(TriageMark.content_hash.in_(chunk))))
    return Reviews(marks, corrections, frozenset(marked))


def reviewed_result(digest: str, r: dict[str, Any], reviewed: Reviews) -> dict[str, Any]:
    """The stored result as the reviewers left it: cells corrected and re-checked, findings marked, the
    score without the dismissed ones, the counts of open, confirmed and dismissed findings.

    ``r["payload"]`` is the whole payload, or (a document no reviewer touched) the parts of it the ranking
    reads: its findings with their spans, its quality components and completeness label."""
    from workers.audit.triage import triage_counts, triaged, with_marks

    payload = r.get("payload") or {}
    if r.get("status") != "done":
        return r
    corrections = reviewed.corrections.get(digest, [])
    if not corrections and digest not in reviewed.marked:
        findings = with_marks(digest, spanned(payload), {})
        return {**r, "payload": {**payload, "findings": findings, "triage": triage_counts(findings)}}
    seen = triaged(digest, payload, reviewed.marks, corrections)
    seen = {**seen, "findings": spanned(seen)}
    counted = [f for f in seen["findings"] if f["triage"] != "dismissed"]
    return {
        **r,
        "payload": seen,
        "quality": seen["quality"],
        "errors": sum(f["severity"] == "error" for f in counted),
        "warnings": sum(f["severity"] == "warning" for f in counted),
    }


def spanned(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The payload's findings with their sentence spans (computed from its sections unless they carry them)."""
    findings = payload.get("findings", [])
    if all("sentence_span" in f for f in findings):
        return findings
    return payload_findings(payload)


def indexed_result(r: dict[str, Any], findings: list[dict[str, Any]]) -> dict[str, Any]:
    """A result read by index (:func:`_summaries`) with its findings rows, shaped as a payload's parts."""
    spans = r["spans"]
    listed = [{**f, "sentence_span": spans[i] if i < len(spans) else None} for i, f in enumerate(findings)]
    parts = {
        "quality_components": r["components"],
        "completeness": {"label": r["completeness_label"]},
        "findings": listed,
    }
    return {**r, "payload": parts}


def _document_row(
    audit_id: int,
    digest: str,
    paths: list[str],
    result: dict[str, Any] | None,
    corpus: list[dict[str, Any]],
    reviewed: Reviews | None = None,
) -> Row:
    r = reviewed_result(digest, result, reviewed) if result and reviewed else result or {}
    payload = r.get("payload") or {}
    completeness = payload.get("completeness") or {}
    return {
        "rank": None,
        "audit_id": audit_id,
        "path": paths[0],
        "paths": paths,
        "content_hash": digest,
        "agency": r.get("agency"),
        "year": r.get("year"),
        "format_version": r.get("format_version"),
        "document_kind": r.get("document_kind"),
        "status": r.get("status", "pending"),
        "error": r.get("error") if result else "no result yet for this pipeline version",
        "quality": r.get("quality"),
        "quality_components": payload.get("quality_components") or {},
        "completeness": r.get("completeness"),
        "completeness_label": completeness.get("label"),
        "errors": r.get("errors") or 0,
        "warnings": r.get("warnings") or 0,
        "claims_total": r.get("claims_total") or 0,
        "claims_verified": r.get("claims_verified") or 0,
        "findings": spanned(payload),
        "corpus_findings": corpus,
        "triage": payload.get("triage") or {"open": 0, "confirmed": 0, "dismissed": 0},
        "corrected_cells": sorted(payload.get("corrections") or {}),
    }


def _sort_key(row: Row) -> tuple[Any, ...]:
    quality = row["quality"] if row["status"] == "done" and row["quality"] is not None else -1.0
    return (
        STATUS_ORDER.get(row["status"], len(STATUS_ORDER)),
        -quality,
        row["errors"],
        row["warnings"],
        row["agency"] or "",
        row["path"],
    )


def stored_results(session: Session, hashes: Sequence[str], version: str, reviewed: Reviews) -> dict[str, Any]:
    """Content hash → its result as the ranking reads it: by index (the result's columns, its summary and its
    findings rows); the whole payload only of a result a reviewer marked or corrected (the score is
    recomputed) or whose findings rows do not match its summary (stored without them)."""
    summaries = _summaries(session, hashes, version)
    findings = _finding_rows(session, [r["result_id"] for r in summaries])
    whole = [
        r["result_id"]
        for r in summaries
        if r["status"] == "done"
        and (
            r["content_hash"] in reviewed.marked
            or r["content_hash"] in reviewed.corrections
            or len(findings.get(r["result_id"], ())) != len(r["spans"])
        )
    ]
    payloads = _payloads(session, whole)
    return {
        r["content_hash"]: {**r, "payload": payloads[r["result_id"]]}
        if r["result_id"] in payloads
        else indexed_result(r, findings.get(r["result_id"], []))
        for r in summaries
    }


def ranking(session: Session, audit_id: int | None = None) -> list[Row]:
    """One row per document (content) of the audit, best quality first; see the module docstring."""
    audit = resolve_audit(session, audit_id)
    contents = audit_contents(session, audit.id)
    reviewed = reviews(session, list(contents))
    results = stored_results(session, list(contents), audit.pipeline_version, reviewed)
    corpus = corpus_findings(session, audit.id)
    rows = [
        _document_row(audit.id, digest, paths, results.pop(digest, None), corpus.get(digest, []), reviewed)
        for digest, paths in contents.items()
    ]
    rows.sort(key=_sort_key)
    assign_ranks(rows)
    return rows


# ---- JSON and CSV ------------------------------------------------------------------------


def write_json(rows: Sequence[Row], path: str | Path, indent: int | None = None) -> None:
    """A JSON list, one object per row, UTF-8, Chinese as is."""
    with open(path, "w", encoding="utf-8") as out:
        json.dump(list(rows), out, ensure_ascii=False, indent=indent, default=str)
        out.write("\n")


def _rule_summary(items: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.get("rule", "?")] = counts.get(item.get("rule", "?"), 0) + 1
    return " ".join(rule if n == 1 else f"{rule}×{n}" for rule, n in sorted(counts.items()))


def flatten(row: Row) -> dict[str, Any]:
    """One CSV line: lists of paths joined, sub-dicts as ``key.sub`` columns, finding lists as count and rules."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{sub}": v for sub, v in value.items()})
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            flat[key] = len(value)
            flat[f"{key}.rules"] = _rule_summary(value)
        elif isinstance(value, list):
            flat[key] = " | ".join(map(str, value))
        else:
            flat[key] = value
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in flat.items()}


def write_csv(rows: Sequence[Row], path: str | Path) -> None:
    """Flat columns, UTF-8 with a BOM so that Excel reads the Chinese right."""
    flat = [flatten(r) for r in rows]
    columns: dict[str, None] = {}
    for line in flat:
        columns.update(dict.fromkeys(line))
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(columns), restval="")
        writer.writeheader()
        writer.writerows(flat)


# What callers import from here: the ranking's groups and its page live beside it (groups, rank_html).
__all__ = [
    "GROUP_LABELS",
    "PAGE_ROWS",
    "SECTION_LABELS",
    "SEVERITY_LABELS",
    "SEVERITY_ORDER",
    "UNGROUPED",
    "GroupFileError",
    "Row",
    "_show",
    "assign_ranks",
    "attach_groups",
    "audit_contents",
    "audit_view",
    "body_key",
    "finding_view",
    "group_columns",
    "group_ranking",
    "group_warnings",
    "histogram",
    "parse_groups",
    "payload_findings",
    "ranking",
    "read_groups",
    "render_html",
    "resolve_audit",
    "template_environment",
    "write_csv",
    "write_html",
    "write_json",
]
