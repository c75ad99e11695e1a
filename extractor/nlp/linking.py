"""Link each claim to the table field it counts, and verify it against the table.

A claim's status is one of:
- ``match``: the table says the same (an approximate claim within its direction);
- ``reconciled``: it differs, but a reading auditors accept makes it agree
  (new applications counted with those carried in; 予以公开 with 部分公开; several
  claims that together count one cell); reported as a warning naming the reading;
- ``mismatch``: it differs and nothing reconciles it;
- ``unverifiable``: no cell counts it (no link, a missing or blank cell, a
  change or last year's value).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from extractor.document import Report
from extractor.formats import FORMAT_IDS, format_for_year, load_format
from extractor.nlp.claims import (
    CLAUSE_BREAK,
    COMPARISON,
    NUMBER_MENTION,
    SENTENCE_BREAK,
    Claim,
    extract_claims,
    segment_claim_sentences,
    span_around,
)
from extractor.nlp.link_lexicon import (
    ACROSS_YEARS,
    BREAKDOWN_WORDS,
    CHANNEL_COUNT,
    CHANNEL_WORDS,
    CLEARED_BY_A_COLUMN,
    COUNTS_NEW,
    DOCUMENT_COLUMNS,
    DOCUMENT_FILLER,
    DOCUMENT_OF_THE_YEAR,
    DOCUMENT_ROWS,
    INCLUDES_CARRIED_IN,
    ITEM_COLUMN_UNITS,
    ITEM_COLUMNS,
    ITEM_ROWS,
    ITEM_UNITS,
    LAST_YEAR_WORDS,
    LEGACY_PREFIX,
    LINKS,
    NEW_WITH_CARRIED_IN,
    NOT_DOCUMENTS,
    OTHER_PART,
    OTHER_SUBJECTS,
    RECEIVING,
    REFUSED_INTAKE,
    REST_OF_LIST,
    UNAVAILABLE,
    Link,
    one,
    other_in_list,
    total,
)

Number = int | float


@dataclass(frozen=True)
class Reconciliation:
    """When a claim on ``metric`` differs, auditors also accept the sum of ``keys``."""

    metric: str
    keys: tuple[str, ...]
    name_zh: str
    name_en: str


APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
RECONCILIATIONS: tuple[Reconciliation, ...] = (
    *(
        Reconciliation(
            f"applications.new.{column}",
            (f"applications.new.{column}", f"applications.carried_in.{column}"),
            "本年新收与上年结转之和",
            "new applications plus those carried in",
        )
        for column in APPLICANT_COLUMNS
    ),
    Reconciliation(
        "applications.granted.total",
        ("applications.granted.total", "applications.partial.total"),
        "予以公开与部分公开之和",
        "granted plus partially granted",
    ),
    Reconciliation(
        "applications.unavailable.not_held.total",
        UNAVAILABLE,
        "无法提供各项之和",
        "all 无法提供 rows together",
    ),
    Reconciliation(
        "applications.results_total.total",
        ("applications.results_total.total", "applications.carried_out.total"),
        "办理结果总计与结转下年度之和",
        "processed plus carried forward",
    ),
)
CLAIMS_SUM = ("同一字段的几处表述之和", "the sum of several claims about the same field")


@dataclass(frozen=True)
class LinkedClaim:
    claim: Claim
    link: str | None = None
    keys: tuple[str, ...] = ()
    table_value: Number | None = None
    status: str = "unverifiable"
    reconciliation: Reconciliation | None = None
    reconciled_value: Number | None = None
    partners: tuple[Claim, ...] = ()

    @property
    def metric(self) -> str | None:
        return self.keys[0] if len(self.keys) == 1 else None

    @property
    def metric_expr(self) -> str | None:
        return " + ".join(self.keys) if self.keys else None

    def to_dict(self) -> dict[str, Any]:
        """The claim as ``gkaudit check`` prints it (its shape: :class:`extractor.output.ClaimOut`)."""
        from extractor.output import ClaimOut, plain

        c = self.claim
        out = ClaimOut(
            text=c.text,
            value=c.value,
            unit=c.unit,
            approx=c.approx,
            start=c.start,
            end=c.end,
            section=c.section,
            sentence=c.sentence,
            metric=self.metric,
            metric_expr=self.metric_expr,
            table_value=self.table_value,
            status=self.status,
            reconciliation=self.reconciliation.name_zh if self.reconciliation else None,
        )
        return plain(out)


# ---- linking ------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of the section's text with the jieba tokens that start in it."""

    text: str
    start: int
    token_starts: frozenset[int]
    joined: str  # the tokens joined by NUL: a term found in it lies inside one token
    # Answers so far: every link asks its terms of the same span (the dict is filled, never replaced).
    seen: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    previous_year: str | None = None  # "2022年" in a report on 2023: it stands for 上年

    def has(self, term: str) -> bool:
        """The term lies inside one token, or starts on a token boundary (不存在 = 不 + 存在)."""
        found = self.seen.get(term)
        if found is None:
            found = self.seen[term] = self._find(term) or self._names_last_year(term)
        return found

    def _names_last_year(self, term: str) -> bool:
        return term in LAST_YEAR_WORDS and self.previous_year is not None and self.previous_year in self.text

    def _find(self, term: str) -> bool:
        if term in self.joined:
            return True
        at = self.text.find(term)
        while at != -1:
            if self.start + at in self.token_starts:
                return True
            at = self.text.find(term, at + 1)
        return False

    def has_group(self, group: Sequence[str]) -> bool:
        return any(self.has(term) for term in group)


def make_span(
    section_text: str, tokens: Sequence[tuple[str, int]], start: int, end: int, previous_year: str | None = None
) -> Span:
    """``tokens`` in reading order, as the segmenter gives them."""
    inside = tokens[bisect_left(tokens, start, key=_offset) : bisect_left(tokens, end, key=_offset)]
    joined = "\0".join(t for t, _ in inside)
    return Span(section_text[start:end], start, frozenset(i for _, i in inside), joined, previous_year=previous_year)


def _offset(token: tuple[str, int]) -> int:
    return token[1]


# What may stand between a trigger and its number: "申请共154件", "申请数为12件".
FILLER = re.compile(r"[共计总数量为是达的了约近逾超过]*$")


TOTAL_MARK = re.compile(r"(共|共计|合计|总计|累计)[为达是]?$")


def _fits(
    link: Link, written: re.Pattern[str] | None, claim: Claim, near: Span, before: Span, lone_channel: bool = False
) -> bool:
    """The first group in the claim's own stretch; the others there or (``carry``) earlier in the sentence.

    ``written``: the first group's pattern (:func:`_group_pattern`), a cheap necessary test that most of a
    claim's sixty candidate links fail, in one regular-expression search."""
    if written is not None and written.search(near.text) is None:
        return False
    if claim.unit not in link.units:
        return False
    first = link.groups[0]
    if any(word in near.text for word in _excluded(link, near.text, lone_channel)):
        return False
    if not near.has_group(first):
        return False
    if written is not None and written.search(INCLUDED.sub("", near.text)) is None:
        return False  # the trigger only inside 含…: 政策类文件（含行政规范性文件）182件
    if link.adjacent and not _ends_with(near.text, first):
        return False
    if link.other_subjects and names_other_subject(before.text + near.text, link.other_subjects):
        return False
    return all(near.has_group(g) or (link.carry and before.has_group(g)) for g in link.groups[1:])


def _excluded(link: Link, near: str, lone_channel: bool) -> tuple[str, ...]:
    """The link's excluded words, less the breakdown's words a total lifts (通过邮寄、网络提交的申请共计81件) or
    the channel's words a lone channel's count lifts."""
    if not link.total_lifts_exclude:
        return link.exclude
    if TOTAL_MARK.search(near):
        return tuple(w for w in link.exclude if w not in BREAKDOWN_WORDS)
    return tuple(w for w in link.exclude if w not in CHANNEL_WORDS) if lone_channel else link.exclude


@lru_cache(maxsize=1024)
def _group_pattern(group: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regular expression for a group's terms; None when a term may be found without being written
    (上年 is found as "2022年" in a report on 2023)."""
    if any(term in LAST_YEAR_WORDS for term in group):
        return None
    return re.compile("|".join(re.escape(term) for term in sorted(group, key=len, reverse=True)))


def names_other_subject(text: str, subjects: Sequence[str]) -> bool:
    """One of ``subjects`` (留言, 信箱 …) stands after the last 申请: the count is of that, not of requests."""
    return max(text.rfind(word) for word in subjects) > text.rfind("申请")


def _ends_with(text: str, group: Sequence[str]) -> bool:
    stem = FILLER.sub("", text)
    return any(stem.endswith(term) for term in group)


@dataclass(frozen=True)
class LinkContext:
    """What linking reads of the report besides the sentence."""

    legacy_table: bool = False  # the document has the legacy 统计指标 table
    previous_year: str | None = None  # "2022年" in a report on 2023
    item_columns: bool = False  # table 二 has the 2019 format's 上一年项目数量 and 本年增/减 columns

    @classmethod
    def of(cls, report: Report) -> LinkContext:
        legacy = any(key.startswith(LEGACY_PREFIX) for key in report.tables)
        year = f"{report.year - 1}年" if report.year else None
        return cls(legacy, year, format_of(report) == "2019")


@lru_cache(maxsize=64)
def links_counting(unit: str | None, legacy_table: bool) -> tuple[Link, ...]:
    """The links a claim in this unit can take, in the lexicon's order (most claims rule most links out)."""
    return tuple(link for link in LINKS if unit in link.units and (legacy_table or not link.needs_table))


@lru_cache(maxsize=64)
def candidate_links(unit: str | None, legacy_table: bool) -> tuple[tuple[Link, re.Pattern[str] | None], ...]:
    """:func:`links_counting`, each beside its first group's pattern: found once per unit, not per claim."""
    return tuple((link, _group_pattern(link.groups[0])) for link in links_counting(unit, legacy_table))


def reading_start(text: str, clause_start: int) -> int:
    """Where a clause's words start: one right after a closing bracket reads on from the words
    before the bracket (不予公开（三类内部事务信息）2条)."""
    if clause_start == 0 or text[clause_start - 1] not in "）)":
        return clause_start
    opening = max(text.rfind("（", 0, clause_start - 1), text.rfind("(", 0, clause_start - 1))
    return span_around(text, opening, opening, CLAUSE_BREAK)[0] if opening >= 0 else clause_start


def find_link(
    claim: Claim,
    tokens: Sequence[tuple[str, int]],
    section_text: str,
    context: LinkContext = LinkContext(),
    previous: Link | None = None,
) -> Link | None:
    """The first link that fits the claim's clause, read left of the number; ``previous`` is the link
    of the claim before it in the same sentence (a list of rows keeps its column)."""
    if claim.unit == "%":
        return None
    year = context.previous_year
    clause_start = reading_start(section_text, claim.clause_start)
    if READERSHIP.search(section_text, clause_start, claim.start):
        return None  # 全部公开信息浏览次数2882536次: how often pages were read, which no cell counts
    carried = previous.item_column if previous is not None else None
    stated_this_year = not (claim.change or claim.previous or claim.zero)
    if stated_this_year and (document := document_link(claim, section_text, previous)):
        return document
    if context.item_columns and (column := item_column_link(claim, section_text, clause_start, year, carried)):
        return column
    if claim.change or claim.previous:
        return None
    if not claim.zero and _across_years(section_text[clause_start : claim.start]):
        return None  # a count of all the years; none in all of them (历年均未…) is none in this one too
    if claim.zero:
        if not claim.countable:
            return None
        clause = make_span(section_text, tokens, clause_start, claim.end, year)
        return next((lk for lk in LINKS if lk.name in ZERO_LINKS and all(map(clause.has_group, lk.groups))), None)
    # "微博公开373条、微信公开450条": each enumerated part is read on its own, but table 四's pair shares the
    # count after it (行政复议、行政诉讼0件).
    part_start = enumerated_part_start(section_text, clause_start, claim.start)
    clause_end = claim.clause_start + len(claim.clause)
    next_part = section_text.find("、", claim.end, clause_end)
    part_end = next_part if next_part != -1 else clause_end
    if any(word in section_text[part_start : claim.start] for word in REFUSED_INTAKE):
        return None  # 不予受理4件: a refusal to take requests up, which no cell counts
    other = other_in_list(previous.name) if previous is not None else None
    if other is not None and claim.unit in other.units and OTHER_PART.fullmatch(section_text, part_start, claim.start):
        return other
    near = make_span(section_text, tokens, part_start, claim.start, year)
    whole_clause = make_span(section_text, tokens, clause_start, claim.start, year)
    before = make_span(section_text, tokens, claim.sentence_start, part_start, year)
    links = candidate_links(claim.unit, context.legacy_table)
    if OTHER_SUBJECT_AFTER.match(section_text, claim.end):  # 办理10件人大建议: a count of those, not of requests
        links = tuple((lk, first) for lk, first in links if not lk.other_subjects)
    if REST_OF_LIST.match(section_text, part_start):  # 其余5件均在受理期限内予以答复: a part, not all received
        links = tuple((lk, first) for lk, first in links if lk.name not in COUNTS_OF_ALL_REQUESTS)
    part = section_text[clause_start:part_end]  # what the links below read: a lone channel matters only if named
    lone = any(w in part for w in CHANNEL_WORDS) and is_lone_channel_count(claim, section_text, part_start)
    found = next(
        (lk for lk, first in links if _fits(lk, first, claim, whole_clause if lk.whole_clause else near, before, lone)),
        None,
    )
    if found is None:  # the trigger after the number: "共收到70件申请", "103件顺延到下年度"
        whole = make_span(section_text, tokens, part_start, part_end, year)
        found = next(
            (lk for lk, first in links if not lk.adjacent and _fits(lk, first, claim, whole, before, lone)), None
        )
    return _with_carried_in(found, section_text, claim.end)


# 行政复议 named right before a 、 and no count: the part after it (诉讼0件) counts both of table 四's blocks.
REVIEW_BEFORE_LITIGATION = re.compile(r"(行政)?复议、(提起)?(行政)?(诉讼|起诉)")


def enumerated_part_start(text: str, clause_start: int, claim_start: int) -> int:
    """Where the 、-separated part holding the claim starts: after the last 、 before it, or before
    行政复议 when the part is its 、-joined 行政诉讼 (提起行政复议、诉讼0件); after a count joined to it by
    和 or 及 (产生行政复议13件和行政诉讼1件: the second count is of 行政诉讼 alone)."""
    part_start = max(clause_start, text.rfind("、", clause_start, claim_start) + 1)
    joined = REVIEW_BEFORE_LITIGATION.search(text, clause_start, claim_start)
    if joined and joined.end() > part_start:
        return joined.start()
    counts = [m.end() for m in NUMBER_MENTION.finditer(text, part_start, claim_start)]
    return counts[-1] if counts and JOINED_COUNT.match(text, counts[-1]) else part_start


# What joins a count to the next one in a clause: 行政复议13件和行政诉讼1件.
JOINED_COUNT = re.compile(r"(和|及|以及|与)")


RECEIVED = re.compile("|".join(RECEIVING))
PARTS_BEFORE = re.compile(r"其中|分别")
TOTAL_AFTER = re.compile(r"合计|共计|总计")


def is_lone_channel_count(claim: Claim, text: str, part_start: int) -> bool:
    """A count of requests received through one channel named in passing (本年度通过区政府网站收到申请2件): the
    requests' count, not a part — no other channel's count in its sentence, no 其中 before it, no 合计 after it."""
    sentence_end = span_around(text, claim.start, claim.end, SENTENCE_BREAK)[1]
    before, after = text[claim.sentence_start : claim.start], text[claim.end : sentence_end]
    return (
        len(CHANNEL_COUNT.findall(claim.sentence)) < 2
        and RECEIVED.search(text, part_start, claim.start) is not None
        and not PARTS_BEFORE.search(before)
        and not TOTAL_AFTER.search(after)
    )


# One of the other things a body answers right after the count (办理10件人大建议, 收到3件群众来信).
OTHER_SUBJECT_AFTER = re.compile(rf"[^，,。；;、]{{0,4}}?({'|'.join(OTHER_SUBJECTS)})")


# Counts of how often published pages were read or followed: no table cell counts them, whatever else the
# clause names (全部公开信息浏览次数, 网站访问量, 点击量, 粉丝数).
READERSHIP = re.compile(r"浏览|访问量|访问次数|点击量|点击次数|阅读量|粉丝")


def _across_years(words: str) -> bool:
    return any(word in words for word in ACROSS_YEARS)


def document_link(claim: Claim, text: str, previous: Link | None = None) -> Link | None:
    """Table 二's 规章 or 规范性文件 row and the column the claim's part names (行政规范性文件制发2件、现行有效2件);
    ``previous``: the link of the count before it in the sentence, whose row a part naming only a column keeps."""
    if claim.unit not in ITEM_UNITS:
        return None
    part_start = enumerated_part_start(text, claim.clause_start, claim.start)
    part = INCLUDED.sub("", text[part_start : claim.start])  # 政策类文件（含行政规范性文件）182件: not the row's count
    column = next((columns for words, columns in DOCUMENT_COLUMNS if any(w in part for w in words)), None)
    if any(w in part for w in NOT_DOCUMENTS if not (column and w in CLEARED_BY_A_COLUMN)) or _rows_named(part):
        return None
    named = [*DOCUMENT_ROWS.finditer(part)]
    if named:
        row, rest = named[-1].lastgroup or "", part[named[-1].end() :]
        return _document_link(row, column or DOCUMENT_OF_THE_YEAR) if _only_column(rest, column) else None
    row = previous.name.split(".")[0] if previous is not None and previous.name in DOCUMENT_LINK_NAMES else None
    if row is None and previous is None:  # 出台行政规范性文件：制发件数2件; …对规范性文件进行梳理，继续有效20件
        row = _row_named_before(text[claim.sentence_start : part_start])
    if row is None or column is None:
        return None
    return _document_link(row, column) if _only_column(part, column) else None


def _row_named_before(text: str) -> str | None:
    """The document row a sentence names last before its first count (本年出台行政规范性文件：, 对以县政府名义发布
    的规范性文件进行全面梳理，): the counts after it that name only their columns in the format's words
    (制发件数2件, 继续有效20件, 废止4件) are that row's."""
    named = [*DOCUMENT_ROWS.finditer(text)]
    return named[-1].lastgroup if named else None


# A bracket naming what a count includes (含…, 包括…): the things it names are a part of the count, not its subject.
INCLUDED = re.compile(r"[（(](含|包含|包括)[^（()）]*[）)]")


def _only_column(text: str, column: tuple[str, ...] | None) -> bool:
    """Nothing but the column's words and filler (本年, 数量, 文件 …) in ``text``: it names no other thing."""
    words = next((words for words, columns in DOCUMENT_COLUMNS if columns == column), ())
    return bool(DOCUMENT_FILLER.fullmatch(re.sub("|".join(words), "", text) if words else text))


DOCUMENT_LINK_NAMES = frozenset(
    f"{row}.{columns[0]}"
    for row in ("normative", "regulations")
    for columns in (*(c for _, c in DOCUMENT_COLUMNS), DOCUMENT_OF_THE_YEAR)
)


@lru_cache(maxsize=32)
def _document_link(row: str, columns: tuple[str, ...]) -> Link:
    return Link(f"{row}.{columns[0]}", one(*(f"active.{row}.{c}" for c in columns)), (), ITEM_UNITS)


def item_column_link(
    claim: Claim, text: str, clause_start: int, previous_year: str | None, carried: str | None = None
) -> Link | None:
    """The 2019 format's row and column a claim counts (上年度行政许可1026项，本年增加138项，处理决定1164件);
    ``carried``: the column of the claim before it in the sentence, kept by a row that names none."""
    if claim.unit not in ITEM_COLUMN_UNITS:
        return None
    rows = _rows_named(text[claim.sentence_start : claim.start])
    if not rows:
        return None
    column = "change" if claim.change else "prev_items" if claim.previous else None
    if column is None:
        part_start = max(clause_start, text.rfind("、", clause_start, claim.start) + 1)
        for start in (part_start, clause_start):
            if column := _column_named(text[start : claim.start], previous_year):
                break
        if TOTAL_MARK.search(text[part_start : claim.start]):
            carried = None  # 新增10项，总计44项: a running total, no column of the table
    column = column or carried or _first_of_the_columns(text, claim.end, rows)
    return _item_link(rows, column) if column else None


def _first_of_the_columns(text: str, end: int, rows: tuple[str, ...]) -> str | None:
    """A row's bare count followed in its sentence by its change and its decisions (行政强制7项，本年增加2项，
    处理决定9件) is the first of the format's three columns: 上一年项目数量 — unless the change compares with
    last year (行政许可事项13项，比2019年减少3项): then the count is this year's, 上一年项目数量 and 本年增/减
    together."""
    rest = text[end : span_around(text, end, end, SENTENCE_BREAK)[1]]
    if set(_rows_named(rest)) - set(rows):
        return None  # another row's counts follow: the columns named are its own
    named = [column for column, words in ITEM_COLUMNS if any(word in rest for word in words)]
    if named[:1] != ["change"] or named[1:] not in ([], ["decisions"]):
        return None
    change_at = min(rest.find(word) for word in dict(ITEM_COLUMNS)["change"] if word in rest)
    if COMPARISON.search(rest[:change_at]):
        return THIS_YEARS_ITEMS
    return "prev_items" if named == ["change", "decisions"] else None


# A row's items this year: last year's and the change, two of the 2019 format's columns summed.
THIS_YEARS_ITEMS = "items_now"
THIS_YEARS_COLUMNS = ("prev_items", "change")


# Rows named together: 行政处罚和强制, 行政处罚、行政强制.
JOINED_ROWS = re.compile(r"^(行政)?(和|及|与|以及|、)(行政)?$")


def _rows_named(text: str) -> tuple[str, ...]:
    """The row whose word stands last in the text, with the rows joined to it (处罚和强制: both)."""
    found = sorted((at, word, row) for word, row in ITEM_ROWS if (at := text.rfind(word)) >= 0)
    if not found:
        return ()
    at, _, row = found[-1]
    rows = [row]
    for earlier_at, earlier_word, earlier_row in reversed(found[:-1]):
        if not JOINED_ROWS.match(text[earlier_at + len(earlier_word) : at]):
            break
        rows.insert(0, earlier_row)
        at = earlier_at
    return tuple(rows)


def _column_named(text: str, previous_year: str | None) -> str | None:
    for column, words in ITEM_COLUMNS:
        if any(word in text for word in words) or (column == "prev_items" and previous_year and previous_year in text):
            return column
    return None


@lru_cache(maxsize=64)
def _item_link(rows: tuple[str, ...], column: str) -> Link:
    name = f"{'+'.join(rows)}.{column}"
    columns = THIS_YEARS_COLUMNS if column == THIS_YEARS_ITEMS else (column,)
    keys = total(*(f"active.{row}.{c}" for row in rows for c in columns))
    return Link(name, keys, (), ITEM_COLUMN_UNITS, item_column=column)


def _with_carried_in(link: Link | None, text: str, end: int) -> Link | None:
    """ "申请41件（含上年度结转1件）", "办理申请41件（含上年度结转1件）": the count holds the requests carried in
    from last year too (those handled, so counted, are the year's new ones and those carried in)."""
    if link is not None and link.name in COUNTS_WITH_CARRIED_IN and INCLUDES_CARRIED_IN.match(text, end):
        return NEW_WITH_CARRIED_IN
    return link


COUNTS_WITH_CARRIED_IN = COUNTS_NEW | {"办理申请"}
# The links that count all of the year's requests, received or handled: never the rest of a list's.
COUNTS_OF_ALL_REQUESTS = COUNTS_NEW | {"办理申请", "办结"}
ZERO_LINKS = {
    "复议和诉讼纠错",
    "复议和诉讼",
    "行政复议",
    "行政诉讼",
    "收到申请",
    "申请",
    "上年结转",
    "结转下年",
    "制发规范性文件",
}


def resolve_keys(link: Link, report: Report) -> tuple[str, ...]:
    """The first alternative of the link whose keys the report has, else whose keys its format has
    (a 2019 report's 规范性文件 are 制作, a 2021 report's 制发), else the first."""
    for keys in link.keys:
        if any(k in report.tables for k in keys):
            return keys
    if (format_id := format_of(report)) is not None:
        known = format_keys(format_id)
        return next((keys for keys in link.keys if all(k in known for k in keys)), link.keys[0])
    return link.keys[0]


def format_of(report: Report) -> str | None:
    """The report's format as read, else the one due for its year (its tables may not be visible)."""
    return report.format_version if report.format_version in FORMAT_IDS else format_for_year(report.year)


@lru_cache(maxsize=4)
def format_keys(format_id: str) -> frozenset[str]:
    return frozenset(load_format(format_id).cell_keys())


def table_sum(report: Report, keys: Sequence[str]) -> Number | None:
    """Sum of the cells; blanks count 0 unless every cell is blank or absent."""
    values = [report.tables.get(k) for k in keys]
    if all(v is None for v in values):
        return None
    total = sum(v for v in values if v is not None)
    return round(total, 4) if isinstance(total, float) else total


# ---- verification ----------------------------------------------------------------


def agrees(claim: Claim, table_value: Number) -> bool:
    """Exact for counts; an approximate claim within the range it states."""
    low, high = claim.value_range()
    return low - 1e-6 <= table_value <= high + 1e-6


def link_claims(report: Report) -> list[LinkedClaim]:
    """Every claim of the report's narrative, linked and verified."""
    linked: list[LinkedClaim] = []
    context = LinkContext.of(report)
    for section in report.sections:
        if not section.text:
            continue
        tokens = segment_claim_sentences(section.text)
        previous: tuple[int, Link | None] = (-1, None)  # the sentence and link of the claim before
        sentence: list[LinkedClaim] = []  # the claims before in the same sentence
        for claim in extract_claims(section.text, section.id, tokens):
            if previous[0] != claim.sentence_start:
                sentence = []
            if claim.restates:
                link = restated_link(claim, _restated(sentence), context)
            else:
                link = find_link(
                    claim, tokens, section.text, context, previous[1] if previous[0] == claim.sentence_start else None
                )
                previous = (claim.sentence_start, link)
            if (parts := grouped_parts(claim, section.text, sentence)) is not None:
                lc = LinkedClaim(claim, GROUPED_TOTAL, parts, table_sum(report, parts))
            elif link is None:
                lc = LinkedClaim(claim)
            else:
                keys = resolve_keys(link, report)
                lc = LinkedClaim(claim, link.name, keys, table_sum(report, keys))
            linked.append(lc)
            sentence.append(lc)
    return reconcile(verify_each(linked, report))


# What a clause of all of a count (均予以公开, 均维持结果) is read as saying it of: the table block of the count.
RESTATED_SUBJECTS: tuple[tuple[str, str], ...] = (
    ("review.", "行政复议"),
    ("litigation_", "行政诉讼"),
    ("applications.", "政府信息公开申请"),
)


def _restated(sentence: Sequence[LinkedClaim]) -> LinkedClaim | None:
    """The count a clause of all of it restates: the last count before it outside brackets."""
    return next((lc for lc in reversed(sentence) if not lc.claim.restates and not lc.claim.bracket_depth), None)


def restated_link(claim: Claim, source: LinkedClaim | None, context: LinkContext) -> Link | None:
    """The link of "申请3件，全部予以公开"'s second clause, read as the block's noun, the clause and the count
    (政府信息公开申请全部予以公开3件): the outcome's row; none when the count restated has no block."""
    if source is None or not source.keys:
        return None
    subject = next((word for prefix, word in RESTATED_SUBJECTS if source.keys[0].startswith(prefix)), None)
    if subject is None:
        return None
    reading = f"{subject}{claim.text}{claim.value}{claim.unit}"
    tokens = segment_claim_sentences(reading)
    counts = [c for c in extract_claims(reading, claim.section, tokens) if not c.restates]
    return find_link(counts[-1], tokens, reading, context) if counts else None


GROUPED_TOTAL = "前述各项合计"
# A total that only names itself: "…252件，上年结转10件，共计262件".
BARE_TOTAL = re.compile(r"^\s*(共|共计|合计|总计|累计|合共)[为达是]?\s*$")


def grouped_parts(claim: Claim, text: str, earlier: Sequence[LinkedClaim]) -> tuple[str, ...] | None:
    """A bare total after counts of different cells in its sentence is their sum (新收3件，上年结转1件，共计4件).

    Only when every count before it in the sentence is linked to one cell, and they are two or more."""
    if claim.zero or claim.change or claim.previous or claim.unit == "%":
        return None
    if not BARE_TOTAL.match(text[claim.clause_start : claim.start]) or len(earlier) < 2:
        return None
    if any(lc.metric is None or lc.claim.unit != claim.unit for lc in earlier):
        return None
    keys = tuple(dict.fromkeys(lc.metric for lc in earlier if lc.metric))
    return keys if len(keys) == len(earlier) else None


def verify_each(linked: list[LinkedClaim], report: Report) -> list[LinkedClaim]:
    out = []
    for lc in linked:
        if lc.table_value is None:
            out.append(lc)
        elif agrees(lc.claim, lc.table_value):
            out.append(replace(lc, status="match"))
        else:
            out.append(_reconcile_alone(lc, report))
    return out


def _reconcile_alone(lc: LinkedClaim, report: Report) -> LinkedClaim:
    for rec in RECONCILIATIONS:
        if lc.metric == rec.metric:
            alternative = table_sum(report, rec.keys)
            if alternative is not None and agrees(lc.claim, alternative):
                return replace(lc, status="reconciled", reconciliation=rec, reconciled_value=alternative)
    return replace(lc, status="mismatch")


def reconcile(linked: list[LinkedClaim]) -> list[LinkedClaim]:
    """Claims of one section on the same field that each differ but together agree."""
    groups: dict[tuple[str | None, tuple[str, ...]], list[int]] = defaultdict(list)
    for i, lc in enumerate(linked):
        if lc.status == "mismatch" and lc.claim.approx is None:
            groups[(lc.claim.section, lc.keys)].append(i)
    out = list(linked)
    for indices in groups.values():
        if len(indices) < 2:
            continue
        total = sum(linked[i].claim.value for i in indices)
        table_value = linked[indices[0]].table_value
        if table_value is not None and abs(total - table_value) < 1e-6:
            claims = tuple(linked[i].claim for i in indices)
            rec = Reconciliation(linked[indices[0]].metric_expr or "", linked[indices[0]].keys, *CLAIMS_SUM)
            for i in indices:
                partners = tuple(c for c in claims if c is not linked[i].claim)
                out[i] = replace(
                    linked[i], status="reconciled", reconciliation=rec, reconciled_value=total, partners=partners
                )
    return out
