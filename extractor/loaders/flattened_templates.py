"""The standard tables of a flattened report as data: labels, templates, value kinds, rules.

Used by :mod:`extractor.loaders.flattened` (see its docstring).  Holds

- how a row or header label may be written in the text (:class:`Label`, :func:`label_regex`);
- what one value cell may hold (:class:`Kind`, :data:`LEXEME`);
- the arithmetic the format states (:class:`SumRule`, :class:`Balance`) and what is
  merely usual, which only ranks candidate splits (:class:`Order`, :class:`Floor`,
  :class:`Ratio`, :class:`RowRules`);
- the templates of tables 二, 三 and 四 in the 2019 and 2021 formats (:data:`TABLE_KINDS`), built from
  the format definition (:mod:`extractor.formats`: rows, headers, wordings and their converter
  variants, value kinds, sums, balances).  What only this reader needs is a small table here, keyed
  by format and row key or table id: the ranking rules (:data:`USUAL`), :data:`SIGNATURES` and
  table 四's anchors.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from extractor import formats

# --------------------------------------------------------------------------- labels

CJK_DIGITS = "一二三四五六七八九十"
NUMBER_PREFIX = re.compile(rf"^(?:[（(][{CJK_DIGITS}]+[)）]|[{CJK_DIGITS}]+、|\d+[.．、])")
# How one character of a label may vary in the text (everything else is literal).
CHAR_VARIANTS: dict[str, str] = {
    "（": "[（(]",
    "(": "[（(]",
    "）": "[）)]",
    ")": "[）)]",
    "：": "[：:]",
    "、": "[、，,]?",
    "/": "[/／]?",
    "“": "[“”\"'‘’「」]?",
    "”": "[“”\"'‘’「」]?",
    "…": r"\D{0,40}?",  # elision in a label variant: any short non-digit text
}


@dataclass(frozen=True)
class Label:
    """A row or header label: optional numbering, wording variants, optional parenthetical tail."""

    number: str
    words: tuple[str, ...]
    tail: str = ""  # a parenthetical that may follow, worded anyhow (（区分处理的，只计这一情形…）)

    @property
    def text(self) -> str:
        return self.number + self.words[0] + self.tail


def lab(text: str, *variants: str, tail: str = "") -> Label:
    """A label from its template text; ``variants`` are other wordings without numbering."""
    match = NUMBER_PREFIX.match(text)
    number = match.group(0) if match else ""
    return Label(number, (text[len(number) :], *variants), tail)


# Between two characters of a label: line breaks and spaces a converter put there, and, in a
# header whose cells were joined (行政复议 | 行政诉讼), the pipes between them.
LABEL_GAP = r"[\s|]*"


def _chars_pattern(words: str) -> str:
    return LABEL_GAP.join(CHAR_VARIANTS.get(ch, re.escape(ch)) for ch in words)


def _number_pattern(number: str) -> str:
    """Numbering is optional; an arabic one must be the template's own number."""
    if not number:
        return ""
    core = number.strip("（()）、.．")
    body = rf"[（(]\s*{core}\s*[)）]" if number[0] in "（(" else rf"{core}\s*[、.．]"
    return rf"(?:{body}\s*)?"


@functools.cache
def label_regex(label: Label) -> re.Pattern[str]:
    words = "|".join(_chars_pattern(w) for w in label.words)
    tail = r"(?:\s*[（(][^（()）\d]{0,40}[)）])?" if label.tail else ""
    return re.compile(rf"{_number_pattern(label.number)}(?:{words}){tail}")


# A label this long may be found with one character miswritten (行政事业型收费 for 行政事业性收费);
# shorter ones (规章, 其他) would then match too much.
MIN_MISSPELT_LABEL = 5


@functools.cache
def misspelt_label_regex(label: Label) -> re.Pattern[str] | None:
    """The label's first wording with any one of its Chinese characters replaced by another."""
    words = label.words[0]
    if len(words) < MIN_MISSPELT_LABEL:
        return None
    variants = (
        _chars_pattern(words[:i]) + LABEL_GAP + r"[\u4e00-\u9fff]" + LABEL_GAP + _chars_pattern(words[i + 1 :])
        for i, ch in enumerate(words)
        if "\u4e00" <= ch <= "\u9fff"
    )
    return re.compile("|".join(f"(?:{v})" for v in variants))


# --------------------------------------------------------------------------- templates


class Kind(Enum):
    """What one value cell may hold."""

    INT = "int"
    SIGNED = "signed"  # 本年增/减: may carry a '-' or '+'
    MONEY = "money"  # may carry a decimal part and a 元 / 万元 unit


DASH = r"(?:[—－/]+|-(?!\d))"  # a cell holding only a dash means none
LEXEME: dict[Kind, re.Pattern[str]] = {
    Kind.INT: re.compile(rf"0|[1-9]\d*|{DASH}"),
    Kind.SIGNED: re.compile(rf"0|[-+]?[1-9]\d*|{DASH}"),
    Kind.MONEY: re.compile(rf"(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|元)?|{DASH}"),
}
MAX_LEXEME = {Kind.INT: 9, Kind.SIGNED: 10, Kind.MONEY: 20}


@dataclass(frozen=True)
class SumRule:
    """values[total] == sum(values[parts]) — a relation the format states."""

    total: int
    parts: tuple[int, ...]


@dataclass(frozen=True)
class Order:
    """Usually values[low] <= values[high]."""

    low: int
    high: int


@dataclass(frozen=True)
class Floor:
    """A decrease cannot remove more than existed: values[change] >= -values[base]."""

    change: int
    base: int


@dataclass(frozen=True)
class Ratio:
    """Usually log10(values[j]+1) - log10(values[i]+1) is close to ``log_ratio``."""

    i: int
    j: int
    log_ratio: float
    weight: float = 1.0


@dataclass(frozen=True)
class RowRules:
    sums: tuple[SumRule, ...] = ()
    usual: tuple[Order | Floor, ...] = ()
    ratios: tuple[Ratio, ...] = ()
    small: tuple[int, ...] = ()  # columns usually 0 or small (本年增/减)
    balance: float = 0.01  # weight of "cells have similar numbers of digits"


@dataclass(frozen=True)
class Header:
    """A header row of the table: its cells in order."""

    cells: tuple[Label, ...]


@dataclass(frozen=True)
class Row:
    """A data row: its label (None when the values follow the header directly) and value columns."""

    key: str
    label: Label | None
    kinds: tuple[Kind, ...]
    rules: RowRules = field(default_factory=RowRules)
    parents: tuple[Label, ...] = ()
    result: bool = False  # 三: one of the 办理结果 rows that （七）总计 adds up


@dataclass(frozen=True)
class Balance:
    """Column by column: sum of rows ``left`` == sum of rows ``right``."""

    left: tuple[str, ...]
    right: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    name: str
    items: tuple[Header | Row, ...]
    signature: tuple[str, ...] = ()  # regexes only this format's table matches
    balances: tuple[Balance, ...] = ()

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(i for i in self.items if isinstance(i, Row))


@dataclass(frozen=True)
class TableKind:
    name: str
    anchors: tuple[Label, ...]  # where the table starts; the first row must follow closely
    variants: tuple[tuple[str, Template], ...]  # (format, template)
    # Anchors specific enough that any row of the table may follow (a body that kept only the
    # 第二十条第（九）项 block of table 二).
    block_anchors: tuple[Label, ...] = ()


def _header(*cells: str) -> Header:
    return Header(tuple(lab(c) for c in cells))


# --------------------------------------------------------------------------- from the definition
#
# The tables' facts (blocks, headers, row wordings and their variants, value kinds, sums) come
# from :mod:`extractor.formats`.  What only this reader needs stays here, keyed by row key or
# table id: the RowRules that rank candidate splits (what is usual, not what the format states),
# the anchors where a table starts and the signatures that tell the formats apart.

INT3 = (Kind.INT, Kind.INT, Kind.INT)
ITEM_KINDS = (Kind.INT, Kind.SIGNED, Kind.INT)
# What is usual in table 二 (no arithmetic there; these only rank the candidate splits):
# 2019 documents: made ≈ published ≤ total, the total a few times larger.
DOCS_2019 = RowRules(usual=(Order(0, 2), Order(1, 2)), ratios=(Ratio(0, 1, 0.0), Ratio(1, 2, 0.5, 0.5)))
# 2021 documents: issued, repealed ≤ in force; in force about ten times issued; issued ≈ repealed.
DOCS_2021 = RowRules(usual=(Order(0, 2), Order(1, 2)), ratios=(Ratio(0, 2, 1.0), Ratio(0, 1, 0.0, 0.5)))
# 2019 items: a decrease cannot exceed last year's items; the change is usually 0 or small;
# items and decisions have similar numbers of digits.
ITEMS = RowRules(usual=(Floor(1, 0),), small=(1,), balance=1.0)
PROCUREMENT = RowRules(ratios=(Ratio(0, 1, 5.5),))  # about 10^5.5 元 per purchase

# Ranking rules by format and table 二 row key (rows not named here have none).
USUAL: dict[str, dict[str, RowRules]] = {
    "2019": {
        "regulations": DOCS_2019,
        "normative": DOCS_2019,
        **dict.fromkeys(("licensing", "other_services", "penalty", "coercion", "fees"), ITEMS),
        "procurement": PROCUREMENT,
    },
    "2021": {"regulations": DOCS_2021, "normative": DOCS_2021},
}
# Regexes only one format's table matches, by table id and format.
SIGNATURES: dict[tuple[str, str], tuple[str, ...]] = {
    ("二", "2019"): ("本年新制作数量", "上一年项目数量", "政府集中采购"),
    ("二", "2021"): ("本年制发件数", "本年处理决定数量", "本年收费金额"),
    ("三", "2019"): (r"其他处理\s*[\d—－/-]",),
    ("三", "2021"): ("逾期不补正", "逾期未按收费通知"),
}
# Where table 四 starts: its first header rows as a converter runs them together.
TABLE4_ANCHORS = ("行政复议行政诉讼结果维持", "结果维持结果纠正其他结果尚未审结总计")
KINDS = {"int": Kind.INT, "signed": Kind.SIGNED, "money": Kind.MONEY}


def _column_label(column: formats.Column) -> Label:
    return Label("", (column.header, *column.variants), column.tail)


def _row_label(number: str, words: str, variants: Sequence[str] = (), tail: str = "") -> Label:
    return Label(number, (words, *variants), tail)


def _data_row_label(row: formats.Row) -> Label:
    return _row_label(row.number, row.label, (*row.variants, *row.converter_variants), row.tail)


def _sum_rules(table: formats.Table, columns: Sequence[formats.Column]) -> tuple[SumRule, ...]:
    """The format's sums within one row, as column indexes."""
    index = {c.key: i for i, c in enumerate(columns)}
    return tuple(
        SumRule(index[s.left[0]], tuple(index[k] for k in s.right))
        for s in table.sums
        if s.along == "columns" and len(s.left) == 1
    )


def _header_levels(paths: Sequence[tuple[str, ...]]) -> tuple[Header, ...]:
    """Header rows of a column tree given each value column's path of header cells, top first.

    A cell spanning several columns appears once, where its run of columns starts.
    """
    levels: list[Header] = []
    for depth in range(max(len(p) for p in paths)):
        spans = [p[: depth + 1] for p in paths if len(p) > depth]
        cells = [span[-1] for i, span in enumerate(spans) if i == 0 or spans[i - 1] != span]
        levels.append(_header(*cells))
    return tuple(levels)


def _table2(fv: str, table: formats.Table) -> Template:
    items: list[Header | Row] = []
    for block in table.blocks:
        items += [_header(block.heading), Header((lab(table.row_header), *map(_column_label, block.columns)))]
        kinds = tuple(KINDS[c.kind] for c in block.columns)
        rules = USUAL[fv].get
        items += [Row(r.key, _data_row_label(r), kinds, rules(r.key, RowRules())) for r in block.rows]
    return Template(table.id, tuple(items), SIGNATURES[(table.id, fv)])


def _table3(fv: str, table: formats.Table) -> Template:
    (block,) = table.blocks
    paths = [(table.column_heading, *((c.group,) if c.group else ()), c.header) for c in block.columns]
    rules = RowRules(sums=_sum_rules(table, block.columns))
    kinds = tuple(KINDS[c.kind] for c in block.columns)

    def row(r: formats.Row) -> Row:
        parents = tuple(_row_label(g.number, g.label) for g in table.parents(r))
        return Row(r.key, _data_row_label(r), kinds, rules, parents, r.result)

    balances = tuple(Balance(s.left, s.right) for s in table.sums if s.along == "rows")
    return Template(table.id, (*_header_levels(paths), *map(row, block.rows)), SIGNATURES[(table.id, fv)], balances)


def _table4(table: formats.Table) -> Template:
    """Table 四 is one unlabelled row of values under a three-level header."""
    paths = [(*((b.group,) if b.group else ()), b.heading, c.header) for b in table.blocks for c in b.columns]
    columns = [c for b in table.blocks for c in b.columns]
    width = len(table.blocks[0].columns)
    sums = tuple(
        SumRule(rule.total + offset, tuple(p + offset for p in rule.parts))
        for offset in range(0, len(columns), width)
        for rule in _sum_rules(table, table.blocks[0].columns)
    )
    kinds = tuple(KINDS[c.kind] for c in columns)
    return Template(table.id, (*_header_levels(paths), Row(table.section, None, kinds, RowRules(sums=sums))))


TABLE2_2019 = _table2("2019", formats.FORMATS["2019"].table("二"))
TABLE2_2021 = _table2("2021", formats.FORMATS["2021"].table("二"))
TABLE3_2019 = _table3("2019", formats.FORMATS["2019"].table("三"))
TABLE3_2021 = _table3("2021", formats.FORMATS["2021"].table("三"))
TABLE4 = _table4(formats.FORMATS["2019"].table("四"))


def _first_row_anchor(table: formats.Table) -> Label:
    return _data_row_label(table.rows[0])


_T2, _T3 = formats.FORMATS["2019"].table("二"), formats.FORMATS["2019"].table("三")
TABLE_KINDS: tuple[TableKind, ...] = (
    TableKind(
        "二",
        (lab(_T2.blocks[0].heading), lab(_T2.row_header)),
        (("2019", TABLE2_2019), ("2021", TABLE2_2021)),
        block_anchors=tuple(lab(h) for h in formats.block_headings("二")[1:]),
    ),
    TableKind(
        "三",
        (lab(_T3.column_heading), _row_label(_T3.rows[0].number, _T3.rows[0].label)),
        (("2019", TABLE3_2019), ("2021", TABLE3_2021)),
    ),
    TableKind("四", tuple(lab(a) for a in TABLE4_ANCHORS), (("2019", TABLE4), ("2021", TABLE4))),
)
