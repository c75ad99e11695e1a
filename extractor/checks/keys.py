"""The canonical keys of the standard tables, with their labels, for the checks.

Names follow ``/work/shared/spec/fields.md``.  The key lists, row orders, table 四 blocks,
zh/en labels and the rows each sum joins are read from the format definition
(:mod:`extractor.formats`); what stays here is how the checks group and describe keys.
Nothing here reads a document.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from extractor import formats
from extractor.document import Report

Value = int | float | None
Labels = dict[str, tuple[str, str]]

_APPLICATIONS = dict(formats.tables("三"))
_REVIEW = formats.FORMATS[formats.DEFAULT_FORMAT].table("四")


def _labels(items: tuple[formats.Row, ...] | tuple[formats.Column, ...] | tuple[formats.Block, ...]) -> Labels:
    return {(item.id if isinstance(item, formats.Block) else item.key): (item.zh, item.en) for item in items}


# ---- table 三: 收到和处理政府信息公开申请情况 ----------------------------------------
_T3 = _APPLICATIONS[formats.DEFAULT_FORMAT]
_APPLICANT_SUM = next(s for s in _T3.sums if s.along == "columns")
APPLICANT_COLUMNS = _APPLICANT_SUM.right
TOTAL_COLUMN = _APPLICANT_SUM.left[0]
APPLICATION_COLUMNS = (*APPLICANT_COLUMNS, TOTAL_COLUMN)

_RESULTS_SUM = next(s for s in _T3.sums if s.along == "rows" and s.right == _T3.result_rows())
RESULTS_TOTAL_ROW = _RESULTS_SUM.left[0]
_BALANCE = next(s for s in _T3.sums if s.along == "rows" and s is not _RESULTS_SUM)  # new + carried_in = …
INTAKE_ROWS = _BALANCE.left
CARRIED_OUT_ROW = next(row for row in _BALANCE.right if row != RESULTS_TOTAL_ROW)
# 三（六）其他处理: one row in the 2019 format, three sub-rows in the 2021 format.
COMMON_RESULT_ROWS = tuple(
    row for row in _T3.result_rows() if all(row in t.result_rows() for t in _APPLICATIONS.values())
)
OTHER_RESULT_ROWS: dict[str, tuple[str, ...]] = {
    fv: tuple(row for row in t.result_rows() if row not in COMMON_RESULT_ROWS) for fv, t in _APPLICATIONS.items()
}
APPLICATION_ROWS = tuple(row.key for row in formats.rows_of("三"))
DEFAULT_FORMAT = formats.DEFAULT_FORMAT

# ---- table 四: 行政复议、行政诉讼 --------------------------------------------------
REVIEW_BLOCKS = tuple(block.id for block in _REVIEW.blocks)
_REVIEW_SUM = next(s for s in _REVIEW.sums if s.along == "columns")
REVIEW_PARTS = _REVIEW_SUM.right
REVIEW_TOTAL = _REVIEW_SUM.left[0]

# ---- labels (zh, en) -------------------------------------------------------------
APPLICATION_ROW_LABELS: Labels = _labels(formats.rows_of("三"))
APPLICATION_COLUMN_LABELS: Labels = _labels(_T3.columns)
REVIEW_BLOCK_LABELS: Labels = _labels(_REVIEW.blocks)
REVIEW_PART_LABELS: Labels = _labels(_REVIEW.columns)
ACTIVE_ROW_LABELS: Labels = _labels(formats.rows_of("二"))
ACTIVE_COLUMN_LABELS: Labels = _labels(formats.columns_by_block("二"))


# ---- the standard tables -----------------------------------------------------------
@dataclass(frozen=True)
class StandardTable:
    """One table of the format: its id (as in mapping.STANDARD_KINDS), names and key prefixes."""

    id: str
    zh: str
    en: str
    prefixes: tuple[str, ...]

    @property
    def pattern(self) -> str:
        """The table's keys as a pattern, used as a finding's metric."""
        return ",".join(f"{p}*" for p in self.prefixes)

    def owns(self, key: str) -> bool:
        return key.startswith(self.prefixes)


def _standard_table(table: formats.Table) -> StandardTable:
    """Its key prefixes: what comes before the first placeholder of its key, per block."""
    prefixes = dict.fromkeys(table.key.format(block=b.id, row="{", column="{").split("{")[0] for b in table.blocks)
    return StandardTable(table.section, table.zh, table.en, tuple(prefixes))


STANDARD_TABLES = tuple(map(_standard_table, formats.FORMATS[formats.DEFAULT_FORMAT].tables))
TABLES_BY_ID = {t.id: t for t in STANDARD_TABLES}


def application_key(row: str, column: str) -> str:
    return f"applications.{row}.{column}"


def review_key(block: str, part: str) -> str:
    return f"{block}.{part}"


def keys_by_table(report: Report) -> dict[str, list[str]]:
    """The report's keys of each standard table (by id), in one pass over its keys."""
    grouped: dict[str, list[str]] = {table.id: [] for table in STANDARD_TABLES}
    for key in report.tables:
        if (table_id := table_of_key(key)) is not None:
            grouped[table_id].append(key)
    return grouped


@lru_cache(maxsize=4096)
def table_of_key(key: str) -> str | None:
    return next((table.id for table in STANDARD_TABLES if table.owns(key)), None)


@lru_cache(maxsize=4096)
def is_total_key(key: str) -> bool:
    """A cell that the format defines as a sum of other cells (三's 总计 column and row, 四's 总计)."""
    if key.startswith("applications."):
        return key.endswith(f".{TOTAL_COLUMN}") or key.startswith(f"applications.{RESULTS_TOTAL_ROW}.")
    return any(key == review_key(block, REVIEW_TOTAL) for block in REVIEW_BLOCKS)


def result_rows(report: Report) -> tuple[str, ...]:
    """The 办理结果 rows of this report's table 三, by its format and, failing that, its keys.

    A report whose format's 其他处理 rows are absent but the other format's are present
    (hzq2023: a 2021 report with the single 2019 row) is read by the rows it has.
    """
    chosen = report.format_version if report.format_version in OTHER_RESULT_ROWS else DEFAULT_FORMAT
    candidates = [chosen, *(v for v in OTHER_RESULT_ROWS if v != chosen)]
    present = next((v for v in candidates if _has_any_row(report, OTHER_RESULT_ROWS[v])), chosen)
    return (*COMMON_RESULT_ROWS, *OTHER_RESULT_ROWS[present])


def _has_any_row(report: Report, rows: tuple[str, ...]) -> bool:
    return any(application_key(row, column) in report.tables for row in rows for column in APPLICATION_COLUMNS)


# ---- describing cells --------------------------------------------------------------
STATS_LABELS: Labels = {row.key: (row.zh, row.en) for row in formats.LEGACY_STATS.rows if row.zh}


def describe_cell(key: str) -> tuple[str, str]:
    """A reviewer's name for a cell: 表三“予以公开”行“自然人”列 (zh, en); the key itself when unknown."""
    if key in STATS_LABELS:
        zh, en = STATS_LABELS[key]
        return f"统计表“{zh}”", f"statistics table, “{en}”"
    if key.startswith("applications."):
        row, _, column = key.removeprefix("applications.").rpartition(".")
        if row in APPLICATION_ROW_LABELS and column in APPLICATION_COLUMN_LABELS:
            (row_zh, row_en), (col_zh, col_en) = APPLICATION_ROW_LABELS[row], APPLICATION_COLUMN_LABELS[column]
            return f"表三“{row_zh}”行“{col_zh}”列", f"Table 3, row “{row_en}”, column “{col_en}”"
    block, _, part = key.partition(".")
    if block in REVIEW_BLOCK_LABELS and part in REVIEW_PART_LABELS:
        (block_zh, block_en), (part_zh, part_en) = REVIEW_BLOCK_LABELS[block], REVIEW_PART_LABELS[part]
        return f"表四“{block_zh}”“{part_zh}”", f"Table 4, {block_en}, “{part_en}”"
    if block == "active":
        row, _, column = part.partition(".")
        if row in ACTIVE_ROW_LABELS and column in ACTIVE_COLUMN_LABELS:
            (row_zh, row_en), (col_zh, col_en) = ACTIVE_ROW_LABELS[row], ACTIVE_COLUMN_LABELS[column]
            return f"表二“{row_zh}”行“{col_zh}”", f"Table 2, row “{row_en}”, column “{col_en}”"
    return key, key


def describe_cells(keys: tuple[str, ...] | list[str]) -> tuple[str, str]:
    """Names for a sum of cells: all of them when few, else the first and how many."""
    names = [describe_cell(k) for k in keys]
    if len(names) <= 3:
        return "＋".join(zh for zh, _ in names), " + ".join(en for _, en in names)
    return f"{names[0][0]}等{len(names)}项之和", f"the sum of {len(names)} cells from {names[0][1]}"


def cell_evidence(report: Report, keys: tuple[str, ...] | list[str]) -> dict[str, dict[str, Any]]:
    """Evidence for the cells a finding is about: each key's value and its text as written."""
    return {key: {"value": report.tables.get(key), "raw": report.raw_cells.get(key)} for key in keys}


def format_number(value: Value, blank: str = "blank") -> str:
    """A value as a reviewer reads it: 8, 182.32, 5030; ``blank`` for an empty cell."""
    if value is None:
        return blank
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".12g")
    return str(value)
