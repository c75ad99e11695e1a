"""The two table formats as the generator needs them: labels, canonical keys and arithmetic relations.

Keys follow /work/shared/spec/fields.md exactly.  The facts (blocks, headers, row wordings,
keys, value kinds) are read from the format definition (:mod:`extractor.formats`); what
stays here is layout only (column spans, how many label columns table 三 has) and the
generator's own view of them.  Nothing here is random.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from extractor import formats as definition

FORMAT_2019, FORMAT_2021 = definition.FORMAT_IDS
FORMATS = definition.FORMAT_IDS

Value = int | float | None

# ---------------------------------------------------------------- table 二 --


@dataclass(frozen=True)
class ActiveBlock:
    """One 第二十条 block of table 二: a title row, a header row, value rows.

    ``spans`` gives the column span of the header and value cells after the
    label column (the table is four columns wide).
    """

    article: str
    headers: tuple[str, ...]
    spans: tuple[int, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (row label, keys)


ACTIVE_COLUMNS = 4


def _spans(n_columns: int) -> tuple[int, ...]:
    """Value cells take one column each; the last takes what is left of the table's width."""
    return (*(1,) * (n_columns - 1), ACTIVE_COLUMNS - n_columns)


def _active_block(table: definition.Table, block: definition.Block) -> ActiveBlock:
    rows = tuple((row.text, tuple(table.cell_key(block, row, c) for c in block.columns)) for row in block.rows)
    headers = (table.row_header, *(c.text for c in block.columns))
    return ActiveBlock(block.heading, headers, _spans(len(block.columns)), rows)


ACTIVE_BLOCKS: Mapping[str, tuple[ActiveBlock, ...]] = {
    fv: tuple(_active_block(table, block) for block in table.blocks) for fv, table in definition.tables("二")
}


def _keys_of_kind(kind: str) -> frozenset[str]:
    return frozenset(
        table.cell_key(block, row, column)
        for _, table in definition.tables("二")
        for block in table.blocks
        for row in block.rows
        for column in block.columns
        if column.kind == kind
    )


CHANGE_KEYS = _keys_of_kind("signed")
MONEY_KEYS = _keys_of_kind("money")

# ---------------------------------------------------------------- table 三 --

_T3 = definition.FORMATS[definition.DEFAULT_FORMAT].table("三")
APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = tuple((c.key, c.header) for c in _T3.columns)
APPLICANTS = next(s for s in _T3.sums if s.along == "columns").right
ORG_HEADER = next(c.group for c in _T3.columns if c.group)
APPLICANT_HEADER = _T3.column_heading
CORNER_NOTE = _T3.note
APPLICATION_LABEL_COLUMNS = 3


def _application_row(row: definition.Row) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(row key, label path, the formats that have the row)."""
    fvs = definition.formats_with_row("三", row.key)
    table = definition.FORMATS[fvs[0]].table("三")
    return row.key, (*(group.text for group in table.parents(row)), row.text), fvs


# (row key, label path, formats).  A path of one label spans the three label
# columns; under 三、本年度办理结果 the last label spans what is left.
APPLICATION_ROWS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = tuple(
    map(_application_row, definition.rows_of("三"))
)

NON_RESULT_ROWS = frozenset(row.key for row in definition.rows_of("三") if not row.result)


def application_rows(fv: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Rows of table 三 of format ``fv``: (row key, label path)."""
    return tuple((key, path) for key, path, fvs in APPLICATION_ROWS if fv in fvs)


def result_rows(fv: str) -> tuple[str, ...]:
    """The 办理结果 rows whose sum is ``results_total``."""
    return tuple(key for key, _ in application_rows(fv) if key not in NON_RESULT_ROWS)


def application_key(row: str, column: str) -> str:
    return f"applications.{row}.{column}"


# ---------------------------------------------------------------- table 四 --

_T4 = definition.FORMATS[definition.DEFAULT_FORMAT].table("四")
REVIEW_OUTCOMES: tuple[tuple[str, str], ...] = tuple((c.key, c.header) for c in _T4.columns)
REVIEW_BLOCKS: tuple[tuple[str, str], ...] = tuple((b.id, b.heading) for b in _T4.blocks)
LITIGATION_HEADER = next(b.group for b in _T4.blocks if b.group)


def review_keys() -> tuple[str, ...]:
    return tuple(f"{block}.{outcome}" for block, _ in REVIEW_BLOCKS for outcome, _ in REVIEW_OUTCOMES)


# ------------------------------------------------------------------- keys --


def active_keys(fv: str) -> tuple[str, ...]:
    return tuple(key for block in ACTIVE_BLOCKS[fv] for _, keys in block.rows for key in keys)


def application_keys(fv: str) -> tuple[str, ...]:
    return tuple(application_key(row, column) for row, _ in application_rows(fv) for column, _ in APPLICANT_COLUMNS)


def all_keys(fv: str) -> tuple[str, ...]:
    """Every canonical key a report of format ``fv`` carries, in table order."""
    return active_keys(fv) + application_keys(fv) + review_keys()


# ------------------------------------------------------------- arithmetic --


def _num(tables: Mapping[str, Value], key: str) -> float:
    value = tables.get(key)
    return 0 if value is None else value


def relation_violations(tables: Mapping[str, Value], fv: str) -> list[str]:
    """Every arithmetic relation of fields.md that ``tables`` breaks (null counts as 0)."""
    problems: list[str] = []
    columns = [column for column, _ in APPLICANT_COLUMNS]
    for row, _ in application_rows(fv):
        parts = sum(_num(tables, application_key(row, c)) for c in APPLICANTS)
        if parts != _num(tables, application_key(row, "total")):
            problems.append(f"applications.{row}: applicant columns do not add up to total")
    for column in columns:
        get = lambda row, c=column: _num(tables, application_key(row, c))  # noqa: E731
        if sum(get(row) for row in result_rows(fv)) != get("results_total"):
            problems.append(f"applications.*.{column}: result rows do not add up to results_total")
        if get("new") + get("carried_in") != get("results_total") + get("carried_out"):
            problems.append(f"applications.*.{column}: new + carried_in != results_total + carried_out")
    for block, _ in REVIEW_BLOCKS:
        parts = sum(_num(tables, f"{block}.{o}") for o, _ in REVIEW_OUTCOMES if o != "total")
        if parts != _num(tables, f"{block}.total"):
            problems.append(f"{block}: outcomes do not add up to total")
    return problems
