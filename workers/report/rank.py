"""The quality ranking of an audit: one row per document, groups, and JSON, CSV and HTML writers.

A *document* is one content of the audit (its hash): the same bytes under two paths
share one result and one row, which lists both paths.  Its result is the one stored
for the audit's pipeline version; a content without one yet is ``"pending"``.

Order: done documents by quality (0–100, :mod:`workers.audit.quality`) descending, then
fewer errors, fewer warnings, agency and path; failed documents after them with
their reason, pending ones last.  Ranks are competition ranks over quality
(equal scores share a rank: 1, 2, 2, 4); failed and pending documents have none.

The HTML page is one self-contained file (inline CSS, JS and SVG; no network),
rendered by jinja2 with autoescape from ``workers/report/templates/ranking.html``.
"""

from __future__ import annotations

import csv
import json
import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from extractor.checks.corpus import body_key
from extractor.checks.keys import describe_cell, format_number
from extractor.errors import ExtractError
from extractor.loaders.text import decode_text
from extractor.settings import Limits
from workers.audit.quality import WEIGHTS
from workers.store import Audit, AuditDocument, CorpusFinding, Result

Row = dict[str, Any]
GroupBy = Literal["body", "year", "parent", "region", "type"]

CHUNK = 500
DETAILS_CAP = 50
# The page's details part lists the best-ranked documents only: at 20,000 documents their findings would
# make a page no browser opens quickly; every document stays in the table, and whole in the CSV and JSON.
DETAILS_DOCS = 1000
STATUS_ORDER = {"done": 0, "failed": 1, "pending": 2}
STATUS_ZH = {"done": "完成", "failed": "失败", "pending": "未完成"}
SEVERITY_ORDER = ("error", "warning", "info")
SEVERITY_LABELS = {"error": ("错误", "error"), "warning": ("提示", "warning"), "info": ("信息", "info")}
KIND_LABELS = {
    "narrative_mismatch": ("正文与表格不符", "text vs. table"),
    "narrative_arithmetic": ("正文自身运算", "text arithmetic"),
    "table_arithmetic": ("表格运算", "table arithmetic"),
    "structure": ("结构与格式", "structure and format"),
}
# name → (zh, en, what it measures in zh, in en); the weights themselves live in workers.audit.quality.WEIGHTS.
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


# ---- the ranking -------------------------------------------------------------------------


def resolve_audit(session: Session, audit_id: int | None = None) -> Audit:
    """The audit asked for, or the latest one (highest id); LookupError when there is none."""
    if audit_id is None:
        audit = session.scalars(select(Audit).order_by(Audit.id.desc()).limit(1)).first()
        if audit is None:
            raise LookupError("no audit in the database")
        return audit
    audit = session.get(Audit, audit_id)
    if audit is None:
        raise LookupError(f"no audit with id {audit_id}")
    return audit


def _chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def audit_contents(session: Session, audit_id: int) -> dict[str, list[str]]:
    """Content hash → the paths it had in the audit (sorted), in order of first path."""
    rows = session.execute(
        select(AuditDocument.content_hash, AuditDocument.path)
        .where(AuditDocument.audit_id == audit_id)
        .order_by(AuditDocument.path)
    )
    contents: dict[str, list[str]] = {}
    for digest, path in rows:
        contents.setdefault(digest, []).append(path)
    return contents


RESULT_COLUMNS = (
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
    # As stored, not through ReportPayload: the ranking needs no plain cells put back (they were half of
    # reading 20,000 payloads), and orjson reads the text several times faster than json.
    type_coerce(Result.payload, Text).label("payload"),
)


def _results(session: Session, hashes: Sequence[str], version: str) -> Iterator[dict[str, Any]]:
    """The stored results of these contents for one pipeline version, as plain mappings."""
    for chunk in _chunks(hashes):
        stmt = select(*RESULT_COLUMNS).where(Result.pipeline_version == version, Result.content_hash.in_(chunk))
        for row in session.execute(stmt):
            mapping = dict(row._mapping)
            payload = mapping["payload"]
            mapping["payload"] = orjson.loads(payload) if isinstance(payload, str | bytes) else payload or {}
            yield mapping


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


def sentence_span(evidence: dict[str, Any], sections: dict[str, str]) -> list[int] | None:
    """Where the finding's claim sits in its sentence: [start, end), or None.

    The claim's offsets are in its section's text; the sentence is located there so
    that a number written twice in one sentence is highlighted at the right place.
    """
    sentence, claim = evidence.get("sentence"), evidence.get("claim")
    if not sentence or not isinstance(claim, dict) or not claim.get("text"):
        return None
    text, start = claim["text"], claim.get("start")
    section = sections.get(claim.get("section") or "", "")
    if isinstance(start, int):
        at = section.find(sentence)
        while 0 <= at <= start:
            local = start - at
            if sentence[local : local + len(text)] == text:
                return [local, local + len(text)]
            at = section.find(sentence, at + 1)
    at = sentence.find(text)
    return [at, at + len(text)] if at >= 0 else None


def payload_findings(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings of a stored result, each with ``sentence_span`` (its claim within its sentence)."""
    sections = {s.get("id") or "": s.get("text") or "" for s in payload.get("sections", [])}
    out = []
    for f in payload.get("findings", []):
        finding = dict(f)
        finding["sentence_span"] = sentence_span(f.get("evidence") or {}, sections)
        out.append(finding)
    return out


@dataclass(frozen=True)
class Reviews:
    """The reviewers' triage marks and cell corrections of the audit's documents (workers.audit.triage)."""

    marks: dict[str, Any]  # finding identity → Mark
    corrections: dict[str, list[Any]]  # content hash → its corrected cells


def reviews(session: Session, hashes: Sequence[str]) -> Reviews:
    from workers.audit.triage import corrections_for, marks_for

    marks: dict[str, Any] = {}
    corrections: dict[str, list[Any]] = {}
    for chunk in _chunks(hashes):
        marks.update(marks_for(session, chunk))
        corrections.update({k: v for k, v in corrections_for(session, chunk).items() if v})
    return Reviews(marks, corrections)


def reviewed_result(digest: str, r: dict[str, Any], reviewed: Reviews) -> dict[str, Any]:
    """The stored result as the reviewers left it: cells corrected and re-checked, findings marked, the
    score without the dismissed ones, the counts of open, confirmed and dismissed findings."""
    from workers.audit.triage import triage_counts, triaged, with_marks

    payload = r.get("payload") or {}
    if r.get("status") != "done":
        return r
    corrections = reviewed.corrections.get(digest, [])
    if not corrections and not reviewed.marks:
        findings = with_marks(digest, payload.get("findings", []), {})
        return {**r, "payload": {**payload, "findings": findings, "triage": triage_counts(findings)}}
    seen = triaged(digest, payload, reviewed.marks, corrections)
    counted = [f for f in seen["findings"] if f["triage"] != "dismissed"]
    return {
        **r,
        "payload": seen,
        "quality": seen["quality"],
        "errors": sum(f["severity"] == "error" for f in counted),
        "warnings": sum(f["severity"] == "warning" for f in counted),
    }


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
        "findings": payload_findings(payload),
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


def assign_ranks(rows: list[Row], score: str = "quality") -> None:
    """Competition ranks over ``score`` for rows already sorted by it (descending); None when unscored."""
    previous, rank = None, 0
    for i, row in enumerate(rows, start=1):
        value = row.get(score) if row.get("status", "done") == "done" else None
        if value is None:
            row["rank"] = None
            continue
        if value != previous:
            previous, rank = value, i
        row["rank"] = rank


def ranking(session: Session, audit_id: int | None = None) -> list[Row]:
    """One row per document (content) of the audit, best quality first; see the module docstring."""
    audit = resolve_audit(session, audit_id)
    contents = audit_contents(session, audit.id)
    results = {r["content_hash"]: r for r in _results(session, list(contents), audit.pipeline_version)}
    corpus = corpus_findings(session, audit.id)
    reviewed = reviews(session, list(contents))
    rows = [
        _document_row(audit.id, digest, paths, results.pop(digest, None), corpus.get(digest, []), reviewed)
        for digest, paths in contents.items()
    ]
    rows.sort(key=_sort_key)
    assign_ranks(rows)
    return rows


# ---- group files -------------------------------------------------------------------------

# Column → the headers a groups CSV may give it (English or Chinese); "body" and one group column are needed.
GROUP_FILE_HEADERS: dict[str, tuple[str, ...]] = {
    "body": ("body", "agency", "机关", "单位", "机关名称", "单位名称"),
    "parent": ("parent", "上级", "归口", "主管", "主管单位", "上级单位", "归口单位"),
    "region": ("region", "地区", "区域", "片区"),
    "type": ("type", "类型", "机关类型", "单位类型"),
}
GROUP_COLUMNS = ("parent", "region", "type")
GROUP_LABELS: dict[str, tuple[str, str]] = {
    "body": ("机关", "body"),
    "year": ("年度", "year"),
    "parent": ("上级", "parent"),
    "region": ("地区", "region"),
    "type": ("类型", "type"),
}
UNGROUPED = "（未分组）"


class GroupFileError(ValueError):
    """A groups file that cannot be used; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason}")


Groups = dict[str, dict[str, str]]  # body_key → {"parent": …, "region": …, "type": …} (the columns given)


def _header_map(header: Sequence[str]) -> dict[str, int]:
    """Our column name → its index in the file's header (headers matched case- and space-insensitively)."""
    normal = [h.strip().lower() for h in header]
    found: dict[str, int] = {}
    for column, names in GROUP_FILE_HEADERS.items():
        at = next((normal.index(n) for n in names if n in normal), None)
        if at is not None:
            found[column] = at
    return found


def parse_groups(text: str, path: str | Path = "<groups>") -> Groups:
    """A groups CSV's text: a header naming ``body`` and at least one of parent/region/type, one body a line."""
    lines = list(csv.reader(text.splitlines()))
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise GroupFileError(path, "文件为空 the file is empty")
    columns = _header_map(lines[0])
    if "body" not in columns:
        raise GroupFileError(path, "缺少机关列（body / 机关） missing the body column: " + ",".join(lines[0]))
    given = [c for c in GROUP_COLUMNS if c in columns]
    if not given:
        raise GroupFileError(path, "缺少分组列（parent/region/type 或 上级/地区/类型） missing every group column")
    groups: Groups = {}
    for number, line in enumerate(lines[1:], start=2):
        cells = {columns[c]: "" for c in columns} | {i: c.strip() for i, c in enumerate(line)}
        key = body_key(cells[columns["body"]])
        if not key:
            raise GroupFileError(path, f"第{number}行没有机关名称 line {number} names no body")
        if key in groups:
            raise GroupFileError(path, f"第{number}行机关重复：{cells[columns['body']]} line {number} repeats a body")
        groups[key] = {c: cells[columns[c]] or UNGROUPED for c in given}
    return groups


def read_groups(path: str | Path) -> Groups:
    """A groups CSV in any encoding the text reader knows (UTF-8 with or without BOM, GB18030, UTF-16…)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise GroupFileError(path, f"无法读取 cannot read: {exc.strerror or exc}") from None
    try:
        text, _encoding = decode_text(data, Limits())
    except ExtractError as exc:
        raise GroupFileError(path, f"无法解码 cannot decode: {exc.reason}") from None
    return parse_groups(text, path)


def attach_groups(rows: Iterable[Row], groups: Groups) -> None:
    """Each row gains ``parent``/``region``/``type`` (the columns the file gives; UNGROUPED when its body is absent)."""
    columns = sorted({c for g in groups.values() for c in g}, key=GROUP_COLUMNS.index)
    for row in rows:
        found = groups.get(body_key(row.get("agency")) or "", {})
        row.update({c: found.get(c, UNGROUPED) for c in columns})


def group_warnings(rows: Sequence[Row], groups: Groups) -> list[str]:
    """Bodies of the file not in the audit, and audited bodies the file does not list (warnings, not errors)."""
    audited = {body_key(r.get("agency")): r.get("agency") for r in rows if body_key(r.get("agency"))}
    unknown = sorted(set(groups) - set(audited))
    unlisted = sorted(name for key, name in audited.items() if key not in groups)
    out = []
    if unknown:
        out.append(f"分组文件中有 {len(unknown)} 个机关不在本次审计中 not in the audit: " + "、".join(unknown))
    if unlisted:
        out.append(f"本次审计有 {len(unlisted)} 个机关未列入分组文件 not in the groups file: " + "、".join(unlisted))
    return out


def group_columns(rows: Sequence[Row]) -> list[str]:
    """The group columns the rows carry (after :func:`attach_groups`)."""
    return [c for c in GROUP_COLUMNS if any(c in r for r in rows)]


# ---- groups ------------------------------------------------------------------------------

GROUP_FIELDS: dict[str, str] = {
    "body": "agency",
    "year": "year",
    "parent": "parent",
    "region": "region",
    "type": "type",
}


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _group_row(field: str, key: Any, members: list[Row]) -> Row:
    scores = [m["quality"] for m in members if m["status"] == "done" and m["quality"] is not None]
    return {
        "rank": None,
        field: key,
        "documents": len(members),
        "done": sum(m["status"] == "done" for m in members),
        "failed": sum(m["status"] == "failed" for m in members),
        "mean_quality": _rounded(statistics.fmean(scores)) if scores else None,
        "median_quality": _rounded(statistics.median(scores)) if scores else None,
        "min_quality": min(scores, default=None),
        "max_quality": max(scores, default=None),
        "errors": sum(m["errors"] for m in members),
        "warnings": sum(m["warnings"] for m in members),
        "claims_total": sum(m["claims_total"] for m in members),
        "claims_verified": sum(m["claims_verified"] for m in members),
        "corpus_findings": sum(len(m["corpus_findings"]) for m in members),
    }


def group_ranking(rows: Iterable[Row], by: GroupBy = "body") -> list[Row]:
    """Documents aggregated per agency (``body``), per ``year``, or per group column (``parent``,
    ``region``, ``type``: rows carry them after :func:`attach_groups`).

    Groups are ranked by mean quality (descending; unscored last); years run in
    chronological order (unknown last), ranked by mean quality as well.
    """
    if by not in GROUP_FIELDS:
        raise ValueError(f"group by one of {', '.join(GROUP_FIELDS)}, not {by!r}")
    field = GROUP_FIELDS[by]
    groups: dict[Any, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.get(field), []).append(row)
    out = [_group_row(field, key, members) for key, members in groups.items()]
    out.sort(key=lambda g: (g["mean_quality"] is None, -(g["mean_quality"] or 0), g["errors"], str(g[field] or "")))
    assign_ranks(out, "mean_quality")
    if by == "year":
        out.sort(key=lambda g: (g["year"] is None, g["year"] or 0))
    return out


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


# ---- HTML --------------------------------------------------------------------------------


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
    context = {
        "title": title,
        "generated_at": datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M"),
        "audit": audit_view(session, audit_id),
        "summary": summary(rows),
        "weights": weights_view(),
        "unscored_problems": any(r["quality_components"].get("problems_section") is None for r in scored),
        "chart": histogram_svg(histogram(rows)),
        "docs": [document_view(n, row, cap, n <= DETAILS_DOCS) for n, row in enumerate(rows, start=1)],
        "details_docs": DETAILS_DOCS if len(rows) > DETAILS_DOCS else None,
        "by_body": group_ranking(rows, "body"),
        "by_year": group_ranking(rows, "year"),
        "group_filters": group_filters(rows),
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
