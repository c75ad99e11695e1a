"""The standard tables of a flattened report as data: labels, templates, value kinds, rules.

Used by :mod:`extractor.loaders.flattened` (see its docstring).  Holds

- how a row or header label may be written in the text (:class:`Label`, :func:`label_regex`);
- what one value cell may hold (:class:`Kind`, :data:`LEXEME`);
- the arithmetic the format states (:class:`SumRule`, :class:`Balance`) and what is
  merely usual, which only ranks candidate splits (:class:`Order`, :class:`Floor`,
  :class:`Ratio`, :class:`RowRules`);
- the templates of tables 二, 三 and 四 in the 2019 and 2021 formats (:data:`TABLE_KINDS`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

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


# Table 二 -------------------------------------------------------------------

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

REGULATIONS = lab("规章")
# OpenCC's Taiwan-phrase conversion (s2twp) writes 文件 as 檔案, which t2s brings back as 档案:
# mirrors in traditional characters name the row 規範性檔案.
NORMATIVE_2019 = lab("规范性文件", "行政规范性文件", "行政规范性档案", "规范性档案")
NORMATIVE_2021 = lab("行政规范性文件", "规范性文件", "行政规范性档案", "规范性档案")
ITEM_COLUMNS = ("上一年项目数量", "本年增/减", "处理决定数量")


def _group(heading: str, columns: Sequence[str], rows: Sequence[Row]) -> tuple[Header | Row, ...]:
    return (_header(heading), _header("信息内容", *columns), *rows)


TABLE2_2019 = Template(
    "二",
    (
        *_group(
            "第二十条第（一）项",
            ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
            (Row("regulations", REGULATIONS, INT3, DOCS_2019), Row("normative", NORMATIVE_2019, INT3, DOCS_2019)),
        ),
        *_group(
            "第二十条第（五）项",
            ITEM_COLUMNS,
            (
                Row("licensing", lab("行政许可"), ITEM_KINDS, ITEMS),
                Row("other_services", lab("其他对外管理服务事项"), ITEM_KINDS, ITEMS),
            ),
        ),
        *_group(
            "第二十条第（六）项",
            ITEM_COLUMNS,
            (
                Row("penalty", lab("行政处罚"), ITEM_KINDS, ITEMS),
                Row("coercion", lab("行政强制"), ITEM_KINDS, ITEMS),
            ),
        ),
        *_group(
            "第二十条第（八）项",
            ITEM_COLUMNS[:2],
            (Row("fees", lab("行政事业性收费"), (Kind.INT, Kind.SIGNED), ITEMS),),
        ),
        *_group(
            "第二十条第（九）项",
            ("采购项目数量", "采购总金额"),
            (Row("procurement", lab("政府集中采购"), (Kind.INT, Kind.MONEY), PROCUREMENT),),
        ),
    ),
    signature=("本年新制作数量", "上一年项目数量", "政府集中采购"),
)

TABLE2_2021 = Template(
    "二",
    (
        *_group(
            "第二十条第（一）项",
            ("本年制发件数", "本年废止件数", "现行有效件数"),
            (Row("regulations", REGULATIONS, INT3, DOCS_2021), Row("normative", NORMATIVE_2021, INT3, DOCS_2021)),
        ),
        *_group("第二十条第（五）项", ("本年处理决定数量",), (Row("licensing", lab("行政许可"), (Kind.INT,)),)),
        *_group(
            "第二十条第（六）项",
            ("本年处理决定数量",),
            (Row("penalty", lab("行政处罚"), (Kind.INT,)), Row("coercion", lab("行政强制"), (Kind.INT,))),
        ),
        Header((lab("第二十条第（八）项"),)),
        Header((lab("信息内容"), lab("本年收费金额", tail="（单位：万元）"))),
        Row("fees", lab("行政事业性收费"), (Kind.MONEY,)),
    ),
    signature=("本年制发件数", "本年处理决定数量", "本年收费金额"),
)

# Table 三 -------------------------------------------------------------------

INT7 = (Kind.INT,) * 7
APPLICANT_SUM = RowRules(sums=(SumRule(6, (0, 1, 2, 3, 4, 5)),))
RESULTS = lab("三、本年度办理结果")
TABLE3_HEADERS = (
    _header("申请人情况"),
    _header("自然人", "法人或其他组织", "总计"),
    _header("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"),
)


def _row3(key: str, label: Label, *parents: Label, result: bool = True) -> Row:
    return Row(key, label, INT7, APPLICANT_SUM, parents, result)


def _rows3(prefix: str, parent: Label, leaves: Sequence[tuple[str, Label]]) -> tuple[Row, ...]:
    return tuple(_row3(f"{prefix}.{key}", label, RESULTS, parent) for key, label in leaves)


DENIED = _rows3(
    "denied",
    lab("（三）不予公开"),
    (
        ("state_secret", lab("1.属于国家秘密")),
        ("law_prohibited", lab("2.其他法律行政法规禁止公开")),
        ("security", lab("3.危及“三安全一稳定”")),
        ("third_party", lab("4.保护第三方合法权益")),
        ("internal", lab("5.属于三类内部事务信息")),
        ("process", lab("6.属于四类过程性信息")),
        ("enforcement_file", lab("7.属于行政执法案卷")),
        ("query", lab("8.属于行政查询事项")),
    ),
)
UNAVAILABLE = _rows3(
    "unavailable",
    lab("（四）无法提供"),
    (
        ("not_held", lab("1.本机关不掌握相关政府信息")),
        ("needs_creation", lab("2.没有现成信息需要另行制作")),
        ("unclear", lab("3.补正后申请内容仍不明确")),
    ),
)
NOT_PROCESSED = _rows3(
    "not_processed",
    lab("（五）不予处理"),
    (
        ("petition", lab("1.信访举报投诉类申请")),
        ("duplicate", lab("2.重复申请")),
        ("publication", lab("3.要求提供公开出版物")),
        ("excessive", lab("4.无正当理由大量反复申请")),
        ("confirmation", lab("5.要求行政机关确认或重新出具已获取信息")),
    ),
)
OTHER_2021 = _rows3(
    "other",
    lab("（六）其他处理"),
    (
        (
            "overdue_correction",
            lab("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "申请人无正当理由逾期不补正…申请"),
        ),
        (
            "overdue_fee",
            lab(
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                "申请人逾期未按收费通知…申请",
            ),
        ),
        ("other", lab("3.其他")),
    ),
)
OTHER_2019 = (_row3("other", lab("（六）其他处理"), RESULTS),)


def _table3(other_rows: tuple[Row, ...], signature: tuple[str, ...]) -> Template:
    rows = (
        _row3("new", lab("一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请"), result=False),
        _row3("carried_in", lab("二、上年结转政府信息公开申请数量", "上年结转政府信息公开申请"), result=False),
        _row3("granted", lab("（一）予以公开"), RESULTS),
        _row3("partial", lab("（二）部分公开", tail="（区分处理的，只计这一情形，不计其他情形）"), RESULTS),
        *DENIED,
        *UNAVAILABLE,
        *NOT_PROCESSED,
        *other_rows,
        _row3("results_total", lab("（七）总计"), RESULTS, result=False),
        _row3("carried_out", lab("四、结转下年度继续办理", "结转下年度继续办理", "转结下年度继续办理"), result=False),
    )
    balances = (
        Balance(("new", "carried_in"), ("results_total", "carried_out")),
        Balance(("results_total",), tuple(r.key for r in rows if r.result)),
    )
    return Template("三", (*TABLE3_HEADERS, *rows), signature, balances)


TABLE3_2019 = _table3(OTHER_2019, (r"其他处理\s*[\d—－/-]",))
TABLE3_2021 = _table3(OTHER_2021, ("逾期不补正", "逾期未按收费通知"))

# Table 四 -------------------------------------------------------------------

RESULT_COLUMNS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
TABLE4 = Template(
    "四",
    (
        _header("行政复议", "行政诉讼"),
        _header(*RESULT_COLUMNS, "未经复议直接起诉", "复议后起诉"),
        _header(*RESULT_COLUMNS, *RESULT_COLUMNS),
        Row(
            "review",
            None,
            (Kind.INT,) * 15,
            RowRules(sums=tuple(SumRule(b + 4, (b, b + 1, b + 2, b + 3)) for b in (0, 5, 10))),
        ),
    ),
)

TABLE_KINDS: tuple[TableKind, ...] = (
    TableKind(
        "二",
        (lab("第二十条第（一）项"), lab("信息内容")),
        (("2019", TABLE2_2019), ("2021", TABLE2_2021)),
        block_anchors=tuple(lab(f"第二十条第（{n}）项") for n in "五六八九"),
    ),
    TableKind(
        "三",
        (lab("申请人情况"), lab("一、本年新收政府信息公开申请数量")),
        (("2019", TABLE3_2019), ("2021", TABLE3_2021)),
    ),
    TableKind(
        "四",
        (lab("行政复议行政诉讼结果维持"), lab("结果维持结果纠正其他结果尚未审结总计")),
        (("2019", TABLE4), ("2021", TABLE4)),
    ),
)
