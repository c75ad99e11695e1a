"""Structure (GK4xx): the sections and tables the format requires, and whether they were filled in.

Severities of a missing section (:data:`REQUIRED_SECTIONS`): the 条例 (第五十条)
requires the report to cover 主动公开, 收到和处理申请, 复议诉讼, 存在的主要问题及改进情况
and 其他需要报告的事项; the format adds 总体情况.  The first three are also
carried by tables 二–四, so a missing heading there is a layout fault (warning;
a missing table is GK402, an error).  Nothing stands in for 存在的主要问题及改进情况,
so its absence is an error.  其他需要报告的事项 is often legitimately “无” but should
still be stated (warning); 总体情况 is the format's, not the 条例's (warning).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from extractor.checks.keys import (
    ACTIVE_COLUMN_LABELS,
    ACTIVE_ROW_LABELS,
    APPLICATION_COLUMN_LABELS,
    APPLICATION_ROW_LABELS,
    REVIEW_BLOCK_LABELS,
    REVIEW_PART_LABELS,
    STANDARD_TABLES,
    StandardTable,
    cell_evidence,
    format_number,
    is_total_key,
)
from extractor.checks.registry import AuditInput, Hit, rule
from extractor.document import Report
from extractor.truncation import Truncation, find_truncation, sections_after, tables_after


@dataclass(frozen=True)
class RequiredSection:
    id: str
    zh: str
    en: str
    severity: str


REQUIRED_SECTIONS = (
    RequiredSection("overview", "总体情况", "overview", "warning"),
    RequiredSection("active", "主动公开政府信息情况", "active disclosure", "warning"),
    RequiredSection("applications", "收到和处理政府信息公开申请情况", "applications received and handled", "warning"),
    RequiredSection("review", "政府信息公开行政复议、行政诉讼情况", "administrative review and litigation", "warning"),
    RequiredSection("problems", "存在的主要问题及改进情况", "main problems and improvements", "error"),
    RequiredSection("other", "其他需要报告的事项", "other matters to report", "warning"),
)

# The standard tables exist from the 2019 reports on; older reports used the 统计指标 template.
FIRST_YEAR_WITH_STANDARD_TABLES = 2019
# Report years each format was issued for, (first, last): the 2019 trial format
# (国办公开办函〔2019〕60号) for 2019–2020, the revised format (〔2021〕30号) from 2021 on.
FORMAT_YEARS: dict[str, tuple[int, int | None]] = {"2019": (2019, 2020), "2021": (2021, None)}
# Tables whose 总计 cells are sums of other cells (a table with only these filled is blank).
TABLES_WITH_TOTALS = ("applications", "review")


def _table_evidence(report: Report, keys: list[str]) -> dict[str, object]:
    return {"cells": cell_evidence(report, keys)}


@rule(
    "GK401",
    kind="structure",
    severity="warning",
    zh="报告缺少“{section_zh}”部分",
    en="The report has no section “{section_zh}” ({section_en})",
)
def required_section_missing(data: AuditInput) -> Iterator[Hit]:
    present = {s.id for s in data.report.sections}
    cut_off = sections_after(data.once(find_truncation))  # GK407 reports the cut once
    for section in REQUIRED_SECTIONS:
        if section.id not in present and section.id not in cut_off:
            yield Hit(
                f"sections.{section.id}",
                {"section_zh": section.zh, "section_en": section.en},
                {"cells": {}, "sections": [s.id for s in data.report.sections], "expected": section.id, "actual": None},
                severity=section.severity,
            )


def _requires_standard_tables(report: Report) -> bool:
    return report.year is None or report.year >= FIRST_YEAR_WITH_STANDARD_TABLES


@rule(
    "GK402",
    kind="structure",
    severity="error",
    zh="报告缺少格式规定的{table_zh}",
    en="The report lacks the format's {table_en}",
)
def standard_table_missing(data: AuditInput) -> Iterator[Hit]:
    report = data.report
    if not _requires_standard_tables(report):
        return
    cut_off = tables_after(data.once(find_truncation))  # GK407 reports the cut once
    for table in STANDARD_TABLES:
        if not data.table_keys[table.id] and table.id not in cut_off:
            yield Hit(table.pattern, _table_params(table), {"cells": {}, "expected": table.pattern, "actual": None})


def _cut_table(data: AuditInput) -> str | None:
    """The table a truncated document ends in: what is left of it says nothing about the whole table."""
    cut = data.once(find_truncation)
    return cut.table if cut is not None and cut.where == "table" else None


def _table_params(table: StandardTable) -> dict[str, str]:
    return {"table_zh": table.zh, "table_en": table.en}


@rule(
    "GK403",
    kind="structure",
    severity="warning",
    zh="{table_zh}整表未填写：{n}个单元格均为空白",
    en="{table_en} was left blank: all {n} cells are empty",
)
def table_wholly_blank(data: AuditInput) -> Iterator[Hit]:
    report = data.report
    for table in STANDARD_TABLES:
        if table.id == _cut_table(data):
            continue
        keys = data.table_keys[table.id]
        if keys and all(report.tables[k] is None for k in keys):
            yield Hit(table.pattern, {**_table_params(table), "n": len(keys)}, _table_evidence(report, keys))


@rule(
    "GK404",
    kind="structure",
    severity="warning",
    zh="{table_zh}只填写了{n_totals}个总计单元格（合计{totals_sum}），其余{n}个单元格均为空白",
    en="{table_en} has only its {n_totals} total cells filled in (together {totals_sum}); "
    "the other {n} cells are empty",
)
def table_blank_but_totals(data: AuditInput) -> Iterator[Hit]:
    report = data.report
    for table in STANDARD_TABLES:
        if table.id not in TABLES_WITH_TOTALS or table.id == _cut_table(data):
            continue
        keys = data.table_keys[table.id]
        parts = [k for k in keys if not is_total_key(k)]
        filled = [k for k in keys if is_total_key(k) and report.tables[k] is not None]
        if filled and parts and all(report.tables[k] is None for k in parts):
            totals_sum = sum(v for k in filled if (v := report.tables[k]) is not None)
            params = {
                **_table_params(table),
                "n_totals": len(filled),
                "totals_sum": format_number(totals_sum),
                "n": len(parts),
            }
            yield Hit(table.pattern, params, _table_evidence(report, filled))


def format_for_year(year: int) -> str:
    """The format a report for ``year`` should use: the latest one issued by then."""
    return max((v for v, (first, _) in FORMAT_YEARS.items() if first <= year), default=min(FORMAT_YEARS))


def _format_hit(format_version: str, year: int) -> Hit:
    params = {"year": year, "format_version": format_version}
    evidence = {"cells": {}, "year": year, "expected": format_for_year(year), "actual": format_version}
    return Hit("format_version", params, evidence)


def used_after_its_years(report: Report, format_version: str) -> bool:
    last = FORMAT_YEARS[format_version][1]
    if report.format_version != format_version or report.year is None or last is None:
        return False
    return report.year > last


def used_before_its_years(report: Report, format_version: str) -> bool:
    first = FORMAT_YEARS[format_version][0]
    if report.format_version != format_version or report.year is None:
        return False
    return report.year < first


@rule(
    "GK405",
    kind="structure",
    severity="error",
    zh="{year}年度报告仍使用2019年试行格式的统计表；2021年度起应使用2021年修订格式",
    en="The {year} report uses the 2019 trial format's tables; reports from 2021 on must use the revised 2021 format",
)
def old_format_after_2021(data: AuditInput) -> Iterator[Hit]:
    report = data.report
    if used_after_its_years(report, "2019") and report.year is not None:
        yield _format_hit("2019", report.year)


@rule(
    "GK406",
    kind="structure",
    severity="info",
    zh="{year}年度报告使用了2021年修订格式的统计表（该格式自2021年度报告起施行）",
    en="The {year} report uses the revised 2021 format's tables (issued for reports from 2021 on)",
)
def new_format_before_2021(data: AuditInput) -> Iterator[Hit]:
    report = data.report
    if used_before_its_years(report, "2021") and report.year is not None:
        yield _format_hit("2021", report.year)


# ---- GK407: a document cut off -------------------------------------------------------------

# How the place of a cut is named, per table: its short name, the word for a template row, and
# the row and column labels (zh, en) of :mod:`extractor.checks.keys`.
TABLE_NAMES = {"active": ("表二", "Table 2"), "applications": ("表三", "Table 3"), "review": ("表四", "Table 4")}
ROW_WORDS = {"active": ("行", "row"), "applications": ("行", "row"), "review": ("栏", "block")}
ROW_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "active": ACTIVE_ROW_LABELS,
    "applications": APPLICATION_ROW_LABELS,
    "review": REVIEW_BLOCK_LABELS,
}
COLUMN_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "active": ACTIVE_COLUMN_LABELS,
    "applications": APPLICATION_COLUMN_LABELS,
    "review": REVIEW_PART_LABELS,
}
TAIL_SHOWN = 12


def _label(labels: dict[str, tuple[str, str]], key: str) -> tuple[str, str]:
    return labels.get(key, (key, key))


def place_in_table(cut: Truncation) -> tuple[str, str]:
    """表三“上年结转”行后 / inside Table 3 after row “carried over from last year” (carried_in)."""
    table, row, last_key = cut.table or "", cut.row or "", cut.last_key or ""
    (table_zh, table_en), (word_zh, word_en) = TABLE_NAMES[table], ROW_WORDS[table]
    row_zh, row_en = _label(ROW_LABELS[table], row)
    if not cut.row_cut:
        return f"{table_zh}“{row_zh}”{word_zh}后", f"inside {table_en} after {word_en} “{row_en}” ({row})"
    column = last_key.rpartition(".")[2]
    col_zh, col_en = _label(COLUMN_LABELS[table], column)
    return (
        f"{table_zh}“{row_zh}”{word_zh}中（“{col_zh}”列后）",
        f"inside {table_en}, in {word_en} “{row_en}” ({row}) after column “{col_en}”",
    )


def place_in_text(cut: Truncation) -> tuple[str, str]:
    """“五、存在的主要问题及改进情况”部分的正文中（“…规范化”之后） / inside the text of section “…”, after “…”."""
    title = cut.title or ""
    if not cut.tail:
        return f"“{title}”标题后", f"right after the heading “{title}”"
    tail = cut.tail[-TAIL_SHOWN:].replace("\n", " ")
    return f"“{title}”部分的正文中（“…{tail}”之后）", f"inside the text of section “{title}”, after “…{tail}”"


def _truncation_metric(cut: Truncation) -> str:
    if cut.where == "table" and cut.table:
        return next(t.pattern for t in STANDARD_TABLES if t.id == cut.table)
    return f"sections.{cut.section}" if cut.section else "sections"


@rule(
    "GK407",
    kind="structure",
    severity="warning",
    zh="文档在{place_zh}截断；其后应有的章节和表格不作缺失报告，需要截断处之后数据的勾稽关系不予核对",
    en="The document ends {place_en}; the sections and tables that would follow are not reported missing, "
    "and sums that need cells after the cut are not checked",
)
def document_truncated(data: AuditInput) -> Iterator[Hit]:
    cut = data.once(find_truncation)
    if cut is None:
        return
    place_zh, place_en = place_in_table(cut) if cut.where == "table" else place_in_text(cut)
    report = data.report
    evidence = {
        "cells": cell_evidence(report, [cut.last_key]) if cut.last_key else {},
        "truncation": cut.to_dict(),
        "sections": [s.id for s in report.sections],
        "not_reported": {"sections": sorted(sections_after(cut)), "tables": sorted(tables_after(cut))},
    }
    yield Hit(_truncation_metric(cut), {"place_zh": place_zh, "place_en": place_en}, evidence)
