"""The review page: one document's findings, each sentence beside the table cells it is checked against.

Server-rendered by jinja2 (autoescape) from ``workers/report/templates/review.html``; the
finding views are the ranking page's (:func:`workers.report.rank.finding_view`), and the
tables are laid out here from the canonical keys, as data: a key splits into a row
and a column, labelled by the label tables of :mod:`extractor.checks.keys`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from extractor.checks.keys import (
    ACTIVE_COLUMN_LABELS,
    ACTIVE_ROW_LABELS,
    APPLICATION_COLUMN_LABELS,
    APPLICATION_ROW_LABELS,
    REVIEW_BLOCK_LABELS,
    REVIEW_PART_LABELS,
    STATS_LABELS,
    TABLES_BY_ID,
    StandardTable,
    format_number,
)
from workers.report.rank import SECTION_LABELS, SEVERITY_LABELS, SEVERITY_ORDER, finding_view, template_environment

Labels = Mapping[str, tuple[str, str]]
VALUE_COLUMN: Labels = {"value": ("数值", "value")}


@dataclass(frozen=True)
class Layout:
    """How one table's keys become rows and columns."""

    table: StandardTable  # its id, names and key prefixes
    strip: str  # taken off the key before it splits into row.column
    rows: Labels
    columns: Labels
    whole_row: bool = False  # the key is the row, with one value column

    def split(self, key: str) -> tuple[str, str]:
        if self.whole_row:
            return key, "value"
        row, _, column = key.removeprefix(self.strip).rpartition(".")
        return row, column


# The legacy 统计指标 table of reports before the 2019 format: not one of the format's tables.
STATS_TABLE = StandardTable("stats", "统计表", "statistics table", ("stats.",))
LAYOUTS: tuple[Layout, ...] = (
    Layout(TABLES_BY_ID["active"], "active.", ACTIVE_ROW_LABELS, ACTIVE_COLUMN_LABELS),
    Layout(TABLES_BY_ID["applications"], "applications.", APPLICATION_ROW_LABELS, APPLICATION_COLUMN_LABELS),
    Layout(TABLES_BY_ID["review"], "", REVIEW_BLOCK_LABELS, REVIEW_PART_LABELS),
    Layout(STATS_TABLE, "", STATS_LABELS, VALUE_COLUMN, whole_row=True),
)


# ---- tables -------------------------------------------------------------------------------


def _order(labels: Labels, names: Iterable[str]) -> list[str]:
    known = list(labels)
    return sorted(dict.fromkeys(names), key=lambda n: known.index(n) if n in known else len(known))


def table_grid(
    layout: Layout,
    payload: Mapping[str, Any],
    marks: Mapping[str, str],
    only_rows: set[str] | None = None,
) -> dict[str, Any] | None:
    """The table as rows of cells (None where the format has no cell), each cell with its mark; None if empty."""
    tables: Mapping[str, Any] = payload.get("tables") or {}
    raw: Mapping[str, Any] = payload.get("raw_cells") or {}
    rows: dict[str, dict[str, str]] = {}
    for key in tables:
        if layout.table.owns(key):
            row, column = layout.split(key)
            if only_rows is None or row in only_rows:
                rows.setdefault(row, {})[column] = key
    if not rows:
        return None
    columns = _order(layout.columns, (c for cells in rows.values() for c in cells))

    def cell(key: str | None) -> dict[str, Any] | None:
        if key is None:
            return None
        value = "" if raw.get(key) is None and tables.get(key) is None else format_number(tables.get(key), "")
        return {"key": key, "value": value, "raw": raw.get(key), "mark": marks.get(key, "")}

    return {
        "id": layout.table.id,
        "zh": layout.table.zh,
        "en": layout.table.en,
        "columns": [
            {"id": c, "zh": layout.columns.get(c, (c, c))[0], "en": layout.columns.get(c, (c, c))[1]} for c in columns
        ],
        "rows": [
            {
                "id": row,
                "zh": layout.rows.get(row, (row, row))[0],
                "en": layout.rows.get(row, (row, row))[1],
                "cells": [cell(cells.get(c)) for c in columns],
            }
            for row, cells in rows.items()
        ],
    }


def finding_marks(finding: Mapping[str, Any]) -> dict[str, str]:
    """The cells a finding cites: its metric's cell is "primary", the others (a reconciliation's) "related"."""
    keys = list((finding.get("evidence") or {}).get("cells") or {})
    primary = {finding.get("metric")} & set(keys) or set(keys)
    return {key: "primary" if key in primary else "related" for key in keys}


def finding_tables(finding: Mapping[str, Any], payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows of each table that hold the finding's cells, with those cells marked."""
    marks = finding_marks(finding)
    grids = []
    for layout in LAYOUTS:
        rows = {layout.split(key)[0] for key in marks if layout.table.owns(key)}
        if rows and (grid := table_grid(layout, payload, marks, rows)):
            grids.append(grid)
    return grids


def full_tables(findings: Iterable[Mapping[str, Any]], payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every table of the report, each cell that some finding cites marked "cited"."""
    cited = {key: "cited" for f in findings for key in finding_marks(f)}
    return [grid for layout in LAYOUTS if (grid := table_grid(layout, payload, cited))]


# ---- the page -----------------------------------------------------------------------------


TRIAGE_LABELS = {"open": "待处理 open", "confirmed": "已确认 confirmed", "dismissed": "已排除 dismissed"}


def severity_groups(findings: list[dict[str, Any]], payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Findings by severity (errors first), each the ranking's view plus its marked table rows."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for n, finding in enumerate(findings, start=1):
        view = finding_view(finding) | {
            "n": n,
            "metric": finding.get("metric") or "",
            "section": SECTION_LABELS.get(((finding.get("evidence") or {}).get("claim") or {}).get("section") or ""),
            "tables": finding_tables(finding, payload),
            "id": finding.get("id") or "",
            "triage": finding.get("triage") or "open",
            "triage_zh": TRIAGE_LABELS.get(finding.get("triage") or "open", ""),
            "triage_reason": finding.get("triage_reason") or "",
        }
        groups.setdefault(finding.get("severity") or "info", []).append(view)
    order = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    return [
        {
            "severity": severity,
            "zh": SEVERITY_LABELS.get(severity, (severity, severity))[0],
            "en": SEVERITY_LABELS.get(severity, (severity, severity))[1],
            "findings": items,
        }
        for severity, items in sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))
    ]


def completeness_view(payload: Mapping[str, Any]) -> dict[str, Any] | None:
    completeness = payload.get("completeness")
    if not isinstance(completeness, Mapping):
        return None
    return {
        "score": completeness.get("score"),
        "label": completeness.get("label"),
        "reasons": list(completeness.get("reasons_zh") or completeness.get("reasons") or []),
    }


def document_context(doc: Mapping[str, Any], uploads_audit: int | None) -> dict[str, Any]:
    payload: Mapping[str, Any] = doc.get("result") or {}
    findings: list[dict[str, Any]] = list(doc.get("findings") or [])
    audits = list(doc.get("audits") or [])
    return {
        "doc": doc,
        "payload": payload,
        "groups": severity_groups(findings, payload),
        "counts": {s: sum(f.get("severity") == s for f in findings) for s in SEVERITY_ORDER},
        "corpus_findings": doc.get("corpus_findings") or [],
        "tables": full_tables(findings, payload),
        "completeness": completeness_view(payload),
        "quality": (doc.get("review") or {}).get("quality", payload.get("quality")),
        "review": doc.get("review") or {},
        "audits": [{"id": a, "uploads": a == uploads_audit} for a in audits],
    }


def render(mode: str, **context: Any) -> tuple[str, str]:
    """The page and the CSP nonce its one script carries."""
    nonce = secrets.token_urlsafe(16)
    html = template_environment().get_template("review.html").render(mode=mode, nonce=nonce, **context)
    return html, nonce


def content_security_policy(nonce: str) -> str:
    return (
        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
        f"script-src 'nonce-{nonce}'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
