"""The ranking as one self-contained HTML page (inline CSS, JS and SVG; no network), rendered by jinja2 with
autoescape from ``workers/report/templates/ranking.html``.

The table is one page of rows at a time, drawn by the page's script from every document's line, which the
page holds as JSON (sorting and filtering run over all of them); the chart and the summaries are over every
document; the details part lists the best-ranked documents' findings.  A page of 20,000 rows, each an
element, is one no browser opens quickly: the data of 20,000 lines opens in about a second.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session

from extractor.checks.keys import describe_cell, format_number
from extractor.quality import WEIGHTS
from workers.report.audits import resolve_audit
from workers.report.groups import GROUP_LABELS, UNGROUPED, Row, _rounded, group_columns, group_ranking

DETAILS_CAP = 50
# The page's details part lists the best-ranked documents only: at 20,000 documents their findings would
# make a page no browser opens quickly; every document stays in the table, and whole in the CSV and JSON.
DETAILS_DOCS = 1000
PAGE_ROWS = 100  # the ranking table's rows a page (every document is in the page's data and in the CSV/JSON)
BODY_ROWS = 500  # the per-body summary's rows on the page (every body: rank --by body)
STATUS_ZH = {"done": "完成", "failed": "失败", "pending": "未完成"}
SEVERITY_ORDER = ("error", "warning", "info")
SEVERITY_LABELS = {"error": ("错误", "error"), "warning": ("提示", "warning"), "info": ("信息", "info")}
KIND_LABELS = {
    "narrative_mismatch": ("正文与表格不符", "text vs. table"),
    "narrative_arithmetic": ("正文自身运算", "text arithmetic"),
    "table_arithmetic": ("表格运算", "table arithmetic"),
    "structure": ("结构与格式", "structure and format"),
}
# name → (zh, en, what it measures in zh, in en); the weights themselves live in extractor.quality.WEIGHTS.
COMPONENT_LABELS: dict[str, tuple[str, str, str, str]] = {
    "consistency": (
        "一致性",
        "consistency",
        "正文数字与表格相符、表格自身加总无误：每个错误扣 0.25、每个提示扣 0.05，再乘以可核对数字中核实一致的比例",
        "text agrees with the tables and the tables add up: −0.25 per error, −0.05 per warning, "
        "times the share of linked numbers verified",
    ),
    "completeness": (
        "完整性",
        "completeness",
        "六个必备部分和三张标准统计表齐全的比例",
        "share of the six required sections and three standard tables present",
    ),
    "problems_section": (
        "问题与改进",
        "problems section",
        "“存在的主要问题及改进情况”部分的评分；未评分时其权重按比例分给其他三项",
        "score of the problems-and-improvements section; when not scored, its weight goes to the others",
    ),
    "format": (
        "格式合规",
        "format",
        "统计表格式与年度相符（2020 年度及以前为 2019 试行格式，2021 年度起为 2021 修订格式），结构性错误减半",
        "the tables' format fits the year (2019 trial format up to 2020, 2021 format from 2021); "
        "halved on a structure error",
    ),
}
SECTION_LABELS = {
    "overview": "总体情况",
    "active": "主动公开政府信息情况",
    "applications": "收到和处理政府信息公开申请情况",
    "review": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}
TEMPLATES = Path(__file__).with_name("templates")


def summary(rows: Sequence[Row]) -> dict[str, Any]:
    scores = [r["quality"] for r in rows if r["status"] == "done" and r["quality"] is not None]
    return {
        "documents": len(rows),
        "paths": sum(len(r["paths"]) for r in rows),
        "done": sum(r["status"] == "done" for r in rows),
        "failed": sum(r["status"] == "failed" for r in rows),
        "pending": sum(r["status"] == "pending" for r in rows),
        "mean": _rounded(statistics.fmean(scores)) if scores else None,
        "median": _rounded(statistics.median(scores)) if scores else None,
        "errors": sum(r["errors"] for r in rows),
        "warnings": sum(r["warnings"] for r in rows),
    }


def weights_view() -> list[dict[str, Any]]:
    out = []
    for name, weight in WEIGHTS.items():
        zh, en, explain_zh, explain_en = COMPONENT_LABELS.get(name, (name, name, "", ""))
        out.append(
            {"name": name, "weight": weight, "zh": zh, "en": en, "explain_zh": explain_zh, "explain_en": explain_en}
        )
    return out


def histogram(rows: Sequence[Row], bins: int = 10) -> list[int]:
    """Done documents per 10-point quality bin: [0, 10), …, [80, 90), [90, 100]."""
    counts = [0] * bins
    for r in rows:
        if r["status"] == "done" and r["quality"] is not None:
            counts[min(int(r["quality"] * bins // 100), bins - 1)] += 1
    return counts


def histogram_svg(counts: list[int], width: int = 560, height: int = 230) -> dict[str, Any]:
    """Geometry of the histogram, drawn by the template as inline SVG."""
    left, right, top, bottom = 44, 12, 18, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    top_count = max(counts, default=0) or 1
    step = plot_w / len(counts)
    size = 100 // len(counts)
    bars = []
    for i, n in enumerate(counts):
        h = plot_h * n / top_count
        bars.append(
            {
                "x": left + i * step + 3,
                "y": top + plot_h - h,
                "w": step - 6,
                "h": h,
                "n": n,
                "cx": left + (i + 0.5) * step,
                "label": f"{i * size}–{(i + 1) * size}",
            }
        )
    ticks = sorted({0, top_count // 2, top_count})
    return {
        "width": width,
        "height": height,
        "left": left,
        "top": top,
        "plot_w": plot_w,
        "plot_h": plot_h,
        "bottom_y": top + plot_h,
        "bars": bars,
        "ticks": [{"n": t, "y": top + plot_h - plot_h * t / top_count} for t in ticks],
    }


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str) and value in SECTION_LABELS:
        return f"“{SECTION_LABELS[value]}”部分"
    return format_number(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def cell_view(key: str, cell: dict[str, Any]) -> dict[str, Any]:
    zh, en = describe_cell(key)
    value = format_number(cell.get("value"), "空白")
    raw = cell.get("raw")
    return {"key": key, "zh": zh, "en": en, "value": value, "raw": "" if raw is None else str(raw)}


def relation_text(relation: str) -> str:
    """A relation over keys, written with the reviewers' names of its cells."""
    return " ".join(describe_cell(token)[0] if "." in token else token for token in relation.split())


def finding_view(finding: dict[str, Any]) -> dict[str, Any]:
    ev = finding.get("evidence") or {}
    sentence = ev.get("sentence") or ""
    span = finding.get("sentence_span") or [len(sentence), len(sentence)]
    reconciliation = ev.get("reconciliation") or {}
    severity = finding.get("severity", "info")
    return {
        "rule": finding.get("rule", ""),
        "severity": severity,
        "severity_zh": SEVERITY_LABELS.get(severity, (severity, severity))[0],
        "kind_zh": KIND_LABELS.get(finding.get("kind", ""), (finding.get("kind", ""), ""))[0],
        "kind_en": KIND_LABELS.get(finding.get("kind", ""), ("", finding.get("kind", "")))[1],
        "metric": finding.get("metric") or "",
        "message_zh": finding.get("message_zh", ""),
        "message_en": finding.get("message_en", ""),
        "sentence": sentence,
        "before": sentence[: span[0]],
        "mark": sentence[span[0] : span[1]],
        "after": sentence[span[1] :],
        "claim": (ev.get("claim") or {}).get("text", ""),
        "cells": [cell_view(k, c or {}) for k, c in (ev.get("cells") or {}).items()],
        "relation": relation_text(ev["relation"]) if ev.get("relation") else "",
        "expected": _show(ev.get("expected")) if "expected" in ev else None,
        "actual": _show(ev.get("actual")) if "actual" in ev else None,
        "reconciliation": reconciliation.get("name", ""),
        "reconciled_value": _show(reconciliation.get("value")) if reconciliation else "",
    }


def severity_groups(findings: list[dict[str, Any]], cap: int) -> tuple[list[dict[str, Any]], int]:
    """Findings grouped by severity (errors first), at most ``cap`` shown; also how many were left out."""
    order = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    ranked = sorted(findings, key=lambda f: order.get(f.get("severity", ""), len(order)))
    shown = ranked[:cap]
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in shown:
        groups.setdefault(f.get("severity", "info"), []).append(finding_view(f))
    views = [
        {
            "severity": s,
            "zh": SEVERITY_LABELS.get(s, (s, s))[0],
            "en": SEVERITY_LABELS.get(s, (s, s))[1],
            "findings": items,
        }
        for s, items in groups.items()
    ]
    return views, len(ranked) - len(shown)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}"


def document_view(n: int, row: Row, cap: int = DETAILS_CAP, details: bool = True) -> dict[str, Any]:
    """A document's line in the table, and (``details``) its findings for the page's details part."""
    groups, hidden = severity_groups(row["findings"], cap) if details else ([], 0)
    corpus, corpus_hidden = severity_groups(row["corpus_findings"], cap) if details else ([], 0)
    components = row["quality_components"]
    return {
        "id": f"doc-{n}",
        "details": details,
        "row": row,
        "agency": row["agency"] or "（未载明机关）",
        "status_zh": STATUS_ZH.get(row["status"], row["status"]),
        "components": {name: _percent(components.get(name)) for name in WEIGHTS},
        "search": " ".join([row["agency"] or "", *row["paths"]]).lower(),
        "groups": groups,
        "hidden": hidden,
        "corpus": corpus,
        "corpus_hidden": corpus_hidden,
        "findings_total": len(row["findings"]),
    }


# The table's columns as the page's script reads them (see ranking.html): a row is a list in this order.
TABLE_COLUMNS = (
    "rank",
    "agency",
    "year",
    "format",
    "quality",
    *(f"c.{name}" for name in WEIGHTS),
    "errors",
    "warnings",
    "verified",
    "claims",
    "corpus",
    "open",
    "confirmed",
    "dismissed",
    "status",
    "status_zh",
    "error",
    "path",
    "more_paths",
    "details",
    "search",
)


def _component(value: float | None) -> int | None:
    return None if value is None else round(100 * value)


def table_line(n: int, row: Row, groups: Sequence[str]) -> list[Any]:
    """A document's line of the ranking table, in :data:`TABLE_COLUMNS` order, then its group columns."""
    components, triage = row["quality_components"], row["triage"] or {}
    return [
        row["rank"],
        row["agency"] or "（未载明机关）",
        row["year"],
        row["format_version"],
        row["quality"],
        *(_component(components.get(name)) for name in WEIGHTS),
        row["errors"],
        row["warnings"],
        row["claims_verified"],
        row["claims_total"],
        len(row["corpus_findings"]),
        triage.get("open") or 0,
        triage.get("confirmed") or 0,
        triage.get("dismissed") or 0,
        row["status"],
        STATUS_ZH.get(row["status"], row["status"]),
        row["error"] if row["status"] != "done" else None,
        row["path"],
        len(row["paths"]) - 1,
        f"doc-{n}" if n <= DETAILS_DOCS else None,
        " ".join([row["agency"] or "", *row["paths"]]).lower(),
        *(str(row.get(g) or UNGROUPED) for g in groups),
    ]


# What JSON leaves as is but a script element must not hold ("</script>", "<!--"): written as escapes.
SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def table_json(rows: Sequence[Row], filters: Sequence[dict[str, Any]]) -> Markup:
    """Every document's line as JSON, safe inside a ``<script type="application/json">`` element."""
    groups = [f["name"] for f in filters]
    data = {
        "columns": [*TABLE_COLUMNS, *(f"g.{g}" for g in groups)],
        "groups": groups,
        "weights": list(WEIGHTS),
        "page_rows": PAGE_ROWS,
        "rows": [table_line(n, row, groups) for n, row in enumerate(rows, start=1)],
    }
    return Markup(orjson.dumps(data).decode().translate(SCRIPT_UNSAFE))


def audit_view(session: Session, audit_id: int | None) -> dict[str, Any]:
    try:
        audit = resolve_audit(session, audit_id)
    except LookupError:
        return {"id": audit_id, "label": "", "created_at": "", "finished_at": "", "pipeline_version": ""}

    def stamp(moment: datetime | None) -> str:
        return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"

    return {
        "id": audit.id,
        "label": audit.label,
        "created_at": stamp(audit.created_at),
        "finished_at": stamp(audit.finished_at),
        "pipeline_version": audit.pipeline_version,
    }


def group_filters(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Per group column the rows carry: its labels, its values (for the page's select) and its ranking."""
    return [
        {
            "name": column,
            "zh": GROUP_LABELS[column][0],
            "en": GROUP_LABELS[column][1],
            "values": sorted({str(r.get(column) or UNGROUPED) for r in rows}),
            "ranking": group_ranking(rows, column),  # type: ignore[arg-type]
        }
        for column in group_columns(rows)
    ]


def template_environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html", "xml"), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(
    session: Session,
    rows: Sequence[Row],
    title: str = "政府信息公开工作年度报告质量排名",
    audit_id: int | None = None,
    cap: int = DETAILS_CAP,
) -> str:
    """The ranking page as one string (see :func:`write_html`)."""
    if audit_id is None and rows:
        audit_id = rows[0].get("audit_id")
    scored = [r for r in rows if r["status"] == "done"]
    filters = group_filters(rows)
    context = {
        "title": title,
        "generated_at": datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M"),
        "audit": audit_view(session, audit_id),
        "summary": summary(rows),
        "weights": weights_view(),
        "unscored_problems": any(r["quality_components"].get("problems_section") is None for r in scored),
        "chart": histogram_svg(histogram(rows)),
        "docs": [document_view(n, row, cap) for n, row in enumerate(rows[:DETAILS_DOCS], start=1)],
        "documents": len(rows),
        "details_docs": DETAILS_DOCS if len(rows) > DETAILS_DOCS else None,
        "table_json": table_json(rows, filters),
        "page_rows": PAGE_ROWS,
        "body_rows": BODY_ROWS,
        "by_body": group_ranking(rows, "body"),
        "by_year": group_ranking(rows, "year"),
        "group_filters": filters,
        "cap": cap,
    }
    return template_environment().get_template("ranking.html").render(**context)


def write_html(
    session: Session,
    rows: Sequence[Row],
    path: str | Path,
    title: str = "政府信息公开工作年度报告质量排名",
    audit_id: int | None = None,
) -> None:
    """One self-contained page: header and weights, histogram, sortable table, per-document details."""
    Path(path).write_text(render_html(session, rows, title, audit_id), encoding="utf-8")
