"""Groups of an audit's documents: per body, per year, and per the columns of a groups file (上级, 地区, 类型).

A groups file is a CSV in any encoding the text reader knows; bodies match as the corpus checks match them.
Groups are ranked by mean quality (competition ranks, as documents are).
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from extractor.checks.corpus import body_key
from extractor.errors import ExtractError
from extractor.loaders.text import decode_text
from extractor.settings import Limits

Row = dict[str, Any]
GroupBy = Literal["body", "year", "parent", "region", "type"]


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
