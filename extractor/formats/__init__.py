"""The official report formats, defined once, as data.

One TOML file per format (``format_2019.toml``, ``format_2021.toml``) holds its sections and
tables 二, 三 and 四: their blocks, columns (key, header wording and variants, unit, value kind),
rows (key, numbering, label wording and variants, group, whether a 办理结果 row) and the sums
the format states.  ``legacy_stats.toml`` holds the rows of the pre-2019 统计指标 table.  Keys
follow ``/work/shared/spec/fields.md``.

Every consumer that needs these facts (the flattened reader's templates, the checks' key
lists, the grid mapping's labels, the corpus generator, the corpus checks) reads them from
here, so a fact is changed in one place.  This module only parses and validates; it reads no
document.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

HERE = Path(__file__).parent
FORMAT_IDS = ("2019", "2021")
DEFAULT_FORMAT = "2021"  # a report whose format is unknown is read as the newer one
# Reports on 2020 and before use the 2019 trial format; the 2021 revision applies from the reports on 2021.
LAST_YEAR_OF_2019_FORMAT = 2020


def format_for_year(year: int | None) -> str | None:
    """The format a report on ``year`` is due in (None when the year is unknown)."""
    if year is None:
        return None
    return "2019" if year <= LAST_YEAR_OF_2019_FORMAT else "2021"


ValueKind = Literal["int", "signed", "money"]
VALUE_KINDS: tuple[ValueKind, ...] = ("int", "signed", "money")
RESULT_ROWS = "@result"  # in a sum: every row marked ``result``, in table order


@dataclass(frozen=True)
class Section:
    """A section of the report: its id and the heading words that name it."""

    id: str
    heading: str
    variants: tuple[str, ...] = ()
    match: str = ""  # the regular expression a heading's title is recognised by

    @property
    def pattern(self) -> str:
        return self.match or "|".join(re.escape(w) for w in (self.heading, *self.variants))


@dataclass(frozen=True)
class Column:
    """A value column: its key, the header as the format words it, and what its cells hold."""

    key: str
    header: str
    zh: str  # names the column in findings
    en: str
    variants: tuple[str, ...] = ()
    tail: str = ""  # a parenthetical after the header: （单位：万元）
    unit: str = ""
    kind: ValueKind = "int"
    group: str = ""  # a header cell spanning this and its neighbours (法人或其他组织)

    @property
    def text(self) -> str:
        return self.header + self.tail


@dataclass(frozen=True)
class Group:
    """A row that only heads other rows (三、本年度办理结果, （三）不予公开)."""

    id: str
    number: str
    label: str
    parent: str = ""

    @property
    def text(self) -> str:
        return self.number + self.label


@dataclass(frozen=True)
class Row:
    """A data row: its key, numbering and wording, and where it sits."""

    key: str
    label: str
    zh: str  # names the row in findings
    en: str
    number: str = ""
    tail: str = ""  # a parenthetical after the label that reports word anyhow
    variants: tuple[str, ...] = ()  # other wordings reports use, without numbering; … elides text
    converter_variants: tuple[str, ...] = ()  # what converters / OCR make of the wording
    group: str = ""
    result: bool = False  # 三: one of the 办理结果 rows that （七）总计 adds up

    @property
    def text(self) -> str:
        return self.number + self.label + self.tail


@dataclass(frozen=True)
class Block:
    """A part of a table: 二's 第二十条 blocks (own columns and rows), 四's column groups."""

    id: str = ""
    heading: str = ""
    group: str = ""  # a header cell above this block's heading (行政诉讼)
    zh: str = ""
    en: str = ""
    columns: tuple[Column, ...] = ()
    rows: tuple[Row, ...] = ()


@dataclass(frozen=True)
class Sum:
    """sum(left) == sum(right): along "columns" within every row, along "rows" within every column."""

    along: Literal["rows", "columns"]
    left: tuple[str, ...]
    right: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One standard table of a format; ``key`` builds a cell's key from block, row and column."""

    id: str  # 二, 三, 四
    section: str
    zh: str  # names the table in findings
    en: str
    key: str
    blocks: tuple[Block, ...]
    groups: tuple[Group, ...] = ()
    sums: tuple[Sum, ...] = ()
    row_header: str = ""  # the label column's header in each block (信息内容)
    column_heading: str = ""  # the header cell above all value columns (申请人情况)
    note: str = ""  # the table's own statement of its arithmetic

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(row for block in self.blocks for row in block.rows)

    @property
    def columns(self) -> tuple[Column, ...]:
        """Every column, the first of each key (a key may recur in several blocks)."""
        first: dict[str, Column] = {}
        for column in (c for block in self.blocks for c in block.columns):
            first.setdefault(column.key, column)
        return tuple(first.values())

    def row(self, key: str) -> Row:
        return next(row for row in self.rows if row.key == key)

    def group(self, group_id: str) -> Group:
        return next(group for group in self.groups if group.id == group_id)

    def parents(self, row: Row) -> tuple[Group, ...]:
        """The groups a row sits in, outermost first."""
        chain: list[Group] = []
        group_id = row.group
        while group_id:
            group = self.group(group_id)
            chain.insert(0, group)
            group_id = group.parent
        return tuple(chain)

    def result_rows(self) -> tuple[str, ...]:
        return tuple(row.key for row in self.rows if row.result)

    def cell_key(self, block: Block, row: Row | None, column: Column) -> str:
        return self.key.format(block=block.id, row=row.key if row else "", column=column.key)

    def cell_keys(self) -> tuple[str, ...]:
        """Every cell's key, in table order."""
        return tuple(
            self.cell_key(block, row, column)
            for block in self.blocks
            for row in (block.rows or (None,))
            for column in block.columns
        )


@dataclass(frozen=True)
class Format:
    """One official format: its sections and standard tables."""

    id: str
    name: str
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]

    def table(self, table_id: str) -> Table:
        return next(table for table in self.tables if table.id == table_id)

    def cell_keys(self) -> tuple[str, ...]:
        return tuple(key for table in self.tables for key in table.cell_keys())


@dataclass(frozen=True)
class StatsRow:
    key: str
    label: str
    unit: str = ""
    zh: str = ""
    en: str = ""


@dataclass(frozen=True)
class StatsTable:
    """The legacy 统计指标 table: its header cells and rows."""

    id: str
    name: str
    header: tuple[str, ...]
    rows: tuple[StatsRow, ...]


# ---------------------------------------------------------------- reading the files --


def _tuple(data: dict[str, Any], name: str) -> tuple[str, ...]:
    return tuple(data.get(name, ()))


def _column(data: dict[str, Any]) -> Column:
    kind = data.get("kind", "int")
    if kind not in VALUE_KINDS:
        raise ValueError(f"column {data['key']}: unknown kind {kind!r}")
    return Column(**{**data, "variants": _tuple(data, "variants")})


def _row(data: dict[str, Any]) -> Row:
    variants = {name: _tuple(data, name) for name in ("variants", "converter_variants")}
    return Row(**{**data, **variants})


def _block(data: dict[str, Any], default_columns: tuple[Column, ...]) -> Block:
    columns = tuple(_column(c) for c in data.get("columns", ())) or default_columns
    rows = tuple(_row(r) for r in data.get("rows", ()))
    fields = {k: v for k, v in data.items() if k not in ("columns", "rows")}
    return Block(**fields, columns=columns, rows=rows)


def _sum(data: dict[str, Any], result_rows: tuple[str, ...]) -> Sum:
    def expand(keys: Iterable[str]) -> tuple[str, ...]:
        return tuple(k for key in keys for k in (result_rows if key == RESULT_ROWS else (key,)))

    return Sum(data["along"], expand(data["left"]), expand(data["right"]))


def _table(data: dict[str, Any]) -> Table:
    default_columns = tuple(_column(c) for c in data.get("columns", ()))
    blocks = tuple(_block(b, default_columns) for b in data["blocks"])
    groups = tuple(Group(**g) for g in data.get("groups", ()))
    result_rows = tuple(row["key"] for b in data["blocks"] for row in b.get("rows", ()) if row.get("result"))
    sums = tuple(_sum(s, result_rows) for s in data.get("sums", ()))
    plain = {k: v for k, v in data.items() if k not in ("blocks", "groups", "sums", "columns")}
    return Table(**plain, blocks=blocks, groups=groups, sums=sums)


def _read(name: str) -> dict[str, Any]:
    with (HERE / name).open("rb") as f:
        return tomllib.load(f)


def _section(data: dict[str, Any]) -> Section:
    return Section(data["id"], data["heading"], _tuple(data, "variants"), data.get("match", ""))


@cache
def load_format(format_id: str) -> Format:
    data = _read(f"format_{format_id}.toml")
    sections = tuple(_section(s) for s in data["sections"])
    tables = tuple(_table(t) for t in data["tables"])
    return Format(data["id"], data["name"], sections, tables)


@cache
def load_legacy_stats() -> StatsTable:
    data = _read("legacy_stats.toml")
    return StatsTable(data["id"], data["name"], tuple(data["header"]), tuple(StatsRow(**r) for r in data["rows"]))


FORMATS: dict[str, Format] = {fv: load_format(fv) for fv in FORMAT_IDS}
LEGACY_STATS = load_legacy_stats()


# ---------------------------------------------------------------- across formats --


def merged(sequences: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """The union of ordered sequences, each item where its own sequence puts it.

    An item the merge lacks goes just before the next item of its sequence that the merge
    has (2019's 其他处理 row, then 2021's three 其他处理 rows, then （七）总计).
    """
    out: list[str] = []
    for seq in sequences:
        for i, item in enumerate(seq):
            if item in out:
                continue
            following = next((x for x in seq[i + 1 :] if x in out), None)
            out.insert(out.index(following) if following is not None else len(out), item)
    return tuple(out)


def tables(table_id: str) -> Iterator[tuple[str, Table]]:
    """(format id, table) of every format, oldest first."""
    return ((fv, fmt.table(table_id)) for fv, fmt in FORMATS.items())


def block_headings(table_id: str) -> tuple[str, ...]:
    """The block headings of a table across formats, in table order."""
    return merged([block.heading for block in table.blocks] for _, table in tables(table_id))


def columns_by_block(table_id: str) -> tuple[Column, ...]:
    """Each column key once: block by block (matched by heading), oldest format first."""
    found: dict[str, Column] = {}
    for heading in block_headings(table_id):
        for _, table in tables(table_id):
            for block in table.blocks:
                if block.heading == heading:
                    found.update({c.key: c for c in block.columns if c.key not in found})
    return tuple(found.values())


def rows_of(table_id: str) -> tuple[Row, ...]:
    """Each row key once, in table order across formats (the first format's wording)."""
    rows = {row.key: row for _, table in reversed(list(tables(table_id))) for row in table.rows}
    return tuple(rows[key] for key in merged([row.key for row in t.rows] for _, t in tables(table_id)))


def formats_with_row(table_id: str, key: str) -> tuple[str, ...]:
    return tuple(fv for fv, table in tables(table_id) if any(row.key == key for row in table.rows))
