"""Map table cells onto canonical keys by their row and column labels.

Two kinds of grid reach this module (see :class:`extractor.document.Table`):
aligned grids, where a column's header cells sit above its values, and ragged
rows from text exports, where a row lists only the cells it has.  Column keys
come from the header labels in both cases: by position for aligned grids, by
rebuilding the header tree (:data:`HEADER_PARENTS`) for ragged ones.  Row keys
always come from the row's own label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from extractor.document import Table
from extractor.fields.labels import (
    ACTIVE_COLUMNS,
    ACTIVE_HEADER_MARK,
    ACTIVE_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_GROUPS,
    APPLICATION_ROWS,
    FORMAT_MARKERS,
    HEADER_PARENTS,
    REVIEW_BLOCKS,
    REVIEW_RESULTS,
    STATS_BUDGET_UNIT,
    STATS_HEADER,
    STATS_ROWS,
    TABLE_SIGNATURES,
    Label,
)
from extractor.fields.values import CellValue, NotANumber, normalise_cell_text, parse_cell

STANDARD_KINDS = ("active", "applications", "review")
HEADER_NOT_RECOGNISED = "表头未识别，按格式模板的列序读取 / header not recognised, template column order assumed"
APPLICANT_ORDER = tuple(label.key for label in APPLICANT_COLUMNS)
REVIEW_ORDER = tuple(
    f"{block}.{result.key}"
    for block in ("review", "litigation_direct", "litigation_after_review")
    for result in REVIEW_RESULTS
)


class MappedCell(NamedTuple):
    """One cell read into its key (a tuple: a report makes some two hundred, at a third of a frozen
    dataclass's cost)."""

    key: str
    value: int | float | None
    raw: str
    unit: str | None = None
    guessed: bool = False


@dataclass
class MappingResult:
    cells: list[MappedCell] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)


@dataclass
class Columns:
    """Where a table's value columns are: grid indices (aligned) or a trailing count (ragged)."""

    keys: list[str]
    indices: list[int] | None = None
    units: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=16384)
def first_match(labels: tuple[Label, ...], text: str) -> str | None:
    """The key of the first label whose pattern the text matches (cached: reports repeat the same labels)."""
    return next((label.key for label in labels if label.pattern.search(text)), None)


@lru_cache(maxsize=256)
def table_text(table: Table) -> str:
    """All the table's cell texts, normalised and joined (cached: the table's kind and format both read it)."""
    return "".join(normalise_cell_text(c) for row in table.rows for c in row)


def classify_table(table: Table) -> str | None:
    """Name a standard table ("active", "applications", "review", "stats") or None."""
    text = table_text(table)
    for kind, patterns in TABLE_SIGNATURES:
        if all(re.search(p, text) for p in patterns):
            return kind
    return None


def detect_format(tables: Sequence[Table]) -> str | None:
    """ "2019" or "2021" by the header labels each format alone uses."""
    text = "".join(table_text(t) for t in tables)
    scores = {version: sum(bool(re.search(p, text)) for p in markers) for version, markers in FORMAT_MARKERS.items()}
    best = max(scores, key=lambda v: scores[v])
    return best if scores[best] > 0 else None


@lru_cache(maxsize=8192)
def try_parse(text: str) -> CellValue | None:
    """The cell's value, or None for a label (cached: tables repeat the same few texts)."""
    try:
        return parse_cell(text)
    except NotANumber:
        return None


def trailing_values(row: Sequence[str]) -> int:
    """How many cells at the end of the row hold values (or are blank or dashes)."""
    n = 0
    for cell in reversed(row):
        if try_parse(cell) is None:
            break
        n += 1
    return n


def label_cells(row: Sequence[str], n_values: int) -> list[str]:
    cells = row[: len(row) - n_values] if n_values else row
    return [normalise_cell_text(c) for c in cells if normalise_cell_text(c)]


# ---- columns from headers ----------------------------------------------------------


def _dedupe(path: Iterable[str]) -> list[str]:
    out: list[str] = []
    for label in path:
        if label and (not out or out[-1] != label):
            out.append(label)
    return out


def aligned_column_paths(header_rows: Sequence[Sequence[str]], width: int) -> list[list[str]]:
    return [_dedupe(normalise_cell_text(row[j]) if j < len(row) else "" for row in header_rows) for j in range(width)]


def ragged_column_paths(header_rows: Sequence[Sequence[str]], known: set[str]) -> list[list[str]]:
    """Rebuild each value column's header path from rows that list only their own cells."""
    paths: list[list[str]] = []
    for row in header_rows:
        labels = [normalise_cell_text(c) for c in row]
        queue = [label for label in labels if label in known]
        if not queue:
            continue
        if not paths:
            paths = [[label] for label in queue]
            continue
        expanded: list[list[str]] = []
        for path in paths:
            n_children = HEADER_PARENTS.get(path[-1], 0)
            if n_children and len(queue) >= n_children:
                expanded.extend([*path, child] for child in queue[:n_children])
                queue = queue[n_children:]
            else:
                expanded.append(path)
        paths = expanded
    return paths


def applicant_column(path: Sequence[str]) -> str | None:
    return next((key for label in reversed(path) if (key := first_match(APPLICANT_COLUMNS, label))), None)


def review_column(path: Sequence[str]) -> str | None:
    block = next((key for label in reversed(path) if (key := first_match(REVIEW_BLOCKS, label))), None)
    result = next((key for label in reversed(path) if (key := first_match(REVIEW_RESULTS, label))), None)
    return f"{block}.{result}" if block and result else None


COLUMN_RESOLVERS = {"applications": (applicant_column, APPLICANT_ORDER), "review": (review_column, REVIEW_ORDER)}
KNOWN_HEADER_LABELS = {
    "applications": {
        "自然人",
        "法人或其他组织",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    },
    "review": {
        "行政复议",
        "行政诉讼",
        "未经复议直接起诉",
        "复议后起诉",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
    },
}


def resolve_columns(kind: str, table: Table, header_rows: Sequence[Sequence[str]]) -> Columns | None:
    resolver, order = COLUMN_RESOLVERS[kind]
    if table.aligned:
        paths = aligned_column_paths(header_rows, table.width)
        keys, indices = [], []
        for j, path in enumerate(paths):
            key = resolver(path)
            if key and key not in keys:
                keys.append(key)
                indices.append(j)
        if set(keys) == set(order):
            return Columns(keys=keys, indices=indices)
    paths = ragged_column_paths(header_rows, KNOWN_HEADER_LABELS[kind])
    keys = [resolver(p) for p in paths]
    if sorted(k for k in keys if k) == sorted(order) and None not in keys:
        return Columns(keys=[k for k in keys if k])
    return None


# ---- tables 三 and 四 ---------------------------------------------------------------


def row_values(row: Sequence[str], columns: Columns, known: int | None = None) -> tuple[list[str], list[str]] | None:
    """The row's label cells and its value cells in column order, or None when it holds no values.

    ``known``: how many cells end the row as values, when the reader knows (words in a number cell).
    """
    n = len(columns.keys)
    if known:  # fewer than n: a row the document ends in, its first ``known`` cells, the rest cut off
        return label_cells(row, known), list(row[len(row) - min(known, n) :])
    if columns.indices is not None and len(row) > max(columns.indices):
        values = [row[j] for j in columns.indices]
        if all(try_parse(v) is not None for v in values):
            return label_cells(row[: columns.indices[0]], 0), values
        return None
    m = trailing_values(row)
    if m >= n:
        return label_cells(row, n), list(row[len(row) - n :])
    if m == 1 and len(row) > 1 and normalise_cell_text(row[-1]):
        return label_cells(row, 1), [row[-1]] * n  # one merged cell over the whole row
    return None


def map_grid_table(
    kind: str, table: Table, previous: Columns | None, result: MappingResult, prefix: str
) -> Columns | None:
    """Map table 三 or 四; ``previous`` serves a continuation part that lost its header."""
    first_data = next((i for i, row in enumerate(table.rows) if _is_data_row(kind, row)), len(table.rows))
    columns = resolve_columns(kind, table, table.rows[:first_data]) if first_data else None
    if columns is None:
        columns = previous
    if columns is None:
        order = COLUMN_RESOLVERS[kind][1]
        columns = Columns(keys=list(order))
        result.warnings.append(f"{prefix}{HEADER_NOT_RECOGNISED}")
    group: str | None = None
    for i, row in enumerate(table.rows[first_data:], start=first_data):
        found = row_values(row, columns, table.value_cells(i))
        if found is None:
            group = _update_group(label_cells(row, 0), group)
            continue
        labels, values = found
        group = _update_group(labels, group)
        row_key = _row_key(kind, labels, group)
        if row_key is None:
            if any(normalise_cell_text(v) for v in values) and labels:
                result.warnings.append(f"{prefix}未识别的行 / unrecognised row: {'/'.join(labels)}")
            continue
        for col_key, raw in zip(columns.keys, values, strict=False):  # fewer values: a row cut off
            key = f"applications.{row_key}.{col_key}" if kind == "applications" else col_key
            _add(result, key, raw, guessed=i in table.guessed_rows)
    return columns


def _is_data_row(kind: str, row: Sequence[str]) -> bool:
    n = trailing_values(row)
    if kind == "review":
        return n >= len(REVIEW_ORDER)  # an all-blank value row still gives its 15 keys, as null
    return n >= 1 and _row_key(kind, label_cells(row, n), None) is not None


def _update_group(labels: Sequence[str], group: str | None) -> str | None:
    for label in labels:
        if key := first_match(APPLICATION_GROUPS, label):
            group = key
    return group


def _row_key(kind: str, labels: Sequence[str], group: str | None) -> str | None:
    if kind == "review":
        return "review"
    if not labels:
        return None
    for text in (labels[-1], "".join(labels)):
        key = first_match(APPLICATION_ROWS, text)
        if key == "other.other" and group != "other":
            continue
        if key:
            return key
    return None


def _add(result: MappingResult, key: str, raw: str, unit: str | None = None, *, guessed: bool = False) -> None:
    parsed = try_parse(raw)
    if parsed is None:  # words in a number cell (本单位未制作规章): kept as written, no value
        result.warnings.append(f"{key}: 单元格不是数值 / cell is not a number: {raw!r}")
        parsed = CellValue(None)
    if key in result.keys:
        result.warnings.append(f"{key}: 重复出现，保留第一次的值 / repeated, first value kept")
        return
    result.keys.add(key)
    result.cells.append(MappedCell(key, parsed.value, raw.strip(), parsed.unit or unit, guessed))


# ---- table 二 -----------------------------------------------------------------------


def map_active_table(table: Table, result: MappingResult, prefix: str) -> None:
    columns: Columns | None = None
    for i, row in enumerate(table.rows):
        texts = [normalise_cell_text(c) for c in row]
        header = _active_header(row, table.aligned)
        if header is not None:
            columns = header
            continue
        row_key = next((k for t in texts if (k := first_match(ACTIVE_ROWS, t))), None)
        if row_key is None:
            continue
        if columns is None:
            result.warnings.append(f"{prefix}{row_key}: 缺少表头 / row without a header")
            continue
        found = row_values(row, columns, table.value_cells(i))
        if found is None:
            result.warnings.append(f"{prefix}active.{row_key}: 数值个数与表头不符 / values do not match the header")
            continue
        for col_key, raw in zip(columns.keys, found[1], strict=False):  # fewer values: a row cut off
            unit = columns.units.get(col_key)
            _add(result, f"active.{row_key}.{col_key}", raw, unit, guessed=i in table.guessed_rows)


def _active_header(row: Sequence[str], aligned: bool) -> Columns | None:
    texts = [normalise_cell_text(c) for c in row]
    if not any(ACTIVE_HEADER_MARK.match(t) for t in texts) and not any(first_match(ACTIVE_COLUMNS, t) for t in texts):
        return None
    keys: list[str] = []
    indices: list[int] = []
    units: dict[str, str] = {}
    for j, text in enumerate(texts):
        key = first_match(ACTIVE_COLUMNS, text)
        if key and key not in keys:
            keys.append(key)
            indices.append(j)
            if "万元" in text:
                units[key] = "万元"
            elif re.search(r"[（(]元[）)]", text):
                units[key] = "元"
    if not keys:
        return None
    return Columns(keys=keys, indices=indices if aligned else None, units=units)


# ---- legacy 统计指标 ------------------------------------------------------------------


def map_stats_table(table: Table, result: MappingResult) -> None:
    for row in table.rows:
        texts = [normalise_cell_text(c) for c in row]
        if not texts or STATS_HEADER.search("".join(texts)):
            continue
        key = first_match(STATS_ROWS, texts[0])
        if key is None or texts[-1] in ("——", "—"):
            continue
        _add(result, key, row[-1], STATS_BUDGET_UNIT if key == "stats.org.budget" else None)


# ---- all tables ---------------------------------------------------------------------


@dataclass
class TablesResult:
    cells: list[MappedCell]
    warnings: list[str]
    kinds: list[str | None]
    format_version: str | None


def map_tables(tables: Sequence[Table]) -> TablesResult:
    """Map every table of a document; returns cells, warnings and each table's kind."""
    result = MappingResult()
    kinds: list[str | None] = []
    previous: dict[str, Columns | None] = {}
    last_kind: str | None = None
    for n, table in enumerate(tables, start=1):
        kind = classify_table(table) or _continuation_kind(table, last_kind)
        kinds.append(kind)
        prefix = f"表{n}: "
        if kind in ("applications", "review"):
            previous[kind] = map_grid_table(kind, table, previous.get(kind), result, prefix)
        elif kind == "active":
            map_active_table(table, result, prefix)
        elif kind == "stats":
            map_stats_table(table, result)
        if kind is not None:
            last_kind = kind
    standard = [t for t, k in zip(tables, kinds, strict=True) if k in STANDARD_KINDS]
    return TablesResult(result.cells, result.warnings, kinds, detect_format(standard) if standard else None)


def _continuation_kind(table: Table, last_kind: str | None) -> str | None:
    """A table 三 split over pages: the second part has row labels but no header."""
    if last_kind == "applications":
        text = table_text(table)
        if first_match(APPLICATION_ROWS, text) and any(trailing_values(r) >= 7 for r in table.rows):
            return "applications"
    return None
