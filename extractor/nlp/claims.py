"""Every counted quantity stated in the narrative, as a :class:`Claim`.

A claim is a number with a measure word or unit (29件, 500余条, 1.2万条, 182.32万元,
56%, a bare 770万 in the unit 万), a number right after a count word (公文总数为11), a
year-over-year change (较上年增加85件 → +85, 下降56% → -56), a zero statement
(未收到政府信息公开申请 → 0), or the outcome all of a count had (申请3件，均予以公开 → 3, of those
granted).  Numbers that are not counts are never claims: years and dates (2020年, 1月1日), document and article numbers
(〔2019〕14号, 第二十条), enumerators (一是, 三不够) and names (六稳六保, 五公开) —
none of them is followed by a measure word, and ordinals start with 第.
The patterns are data; the segmentation (jieba inside spaCy) gives the token
boundaries a number must start on and the clause a claim is read in.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Any

from extractor.nlp.numbers import ARABIC, CHINESE, NUMERAL_CHARS, percent_to_number, to_number
from extractor.nlp.pipeline import segment_spans

UNITS = (
    *("万元", "亿元", "元", "人次", "条", "件", "篇", "次", "个", "项", "人", "家", "起", "期", "场", "份", "批", "%"),
    *("大类", "类", "大项", "小项", "通", "轮", "场次", "批次", "名", "宗", "册", "户", "大", "则", "部", "例", "位"),
)
# 大 counts only after digits (开设4大专题, 策划5大主题活动); after a numeral in words it names a set
# (三大保卫战, 五大栏目), and before these it is another word (2大型, 3大幅).
# 则 likewise: 发布通知公告3则 is a count, 一则…二则… enumerates reasons.
DIGITS_ONLY_UNITS = frozenset({"大", "则"})
# Measure words that start other words after a number, by what follows them: 2大型, 3大幅; 3部门 (departments,
# not 规章4部), 两部分.
NOT_A_MEASURE_AFTER: dict[str, re.Pattern[str]] = {
    "大": re.compile(r"^(型|幅|力|量|约|概|于|多|楼|厅|院|道|街|学|会|部分)"),
    "部": re.compile(r"^(门|分|署|队|委|长|位|级|属|室|局|省|市|县|区|镇)"),
    "个": re.compile(r"^部分"),  # 等6个部分: the report's own parts; 6件部分公开 is a count
    "位": re.compile(r"^(数|置|于|列|居|次)"),  # 4位市政府领导 counts people; 2位数, 3位置 do not
}
# "over": 余/多, up to the next round number (300余条: 300-399); "above": 超过/逾/以上, more than it.
APPROX_BEFORE: dict[str, str] = {
    "超过": "above",
    "超": "above",  # 粉丝量超3800万
    "逾": "above",
    "近": "under",
    "将近": "under",
    "约": "about",
    "大约": "about",
}
APPROX_AFTER: dict[str, str] = {"余": "over", "多": "over"}
APPROX_TRAILING: dict[str, str] = {"以上": "above", "左右": "about"}
CHANGE_WORDS: dict[str, int] = {
    "增加": 1,
    "增长": 1,
    "上升": 1,
    "提高": 1,
    "提升": 1,
    "多": 1,
    "减少": -1,
    "下降": -1,
    "降低": -1,
    "回落": -1,
    "少": -1,
}
COMPARISON = re.compile(r"较|同比|环比|比上年|比去年|相比|比20\d\d年")
# Last year's value: "较之去年的66件", "上年为20件", "比2019年的66件" (a bare "结转至2026年6件" is not, nor
# "结转上年2件": this year's requests carried in from last year).
PREVIOUS_MARKER = re.compile(r"(?<!结转|转结)(去年|上年|上一年|上年度|(较|比|与)20\d\d年)(同期)?(的|为|共|是)?$")
# Measure words that start another word: 一次性, 一条龙, 个性化 (and, by measure word, NOT_A_MEASURE_AFTER).
NOT_A_MEASURE = re.compile(r"^(性|龙|化|例外|线|人员|体|[一二三四五六七八九十])")
# Words before a number that make it a position, not a count: 第三条, 位列前20名; or a manner: 一式三份.
RANK_BEFORE: dict[str, tuple[str, ...] | None] = {"第": None, "前": ("名",), "式": ("份",)}  # None: any unit
# A plenary session's number (十届七次全会, 十二届七次、八次全会): a name, not a count.
SESSIONS = re.compile(r"届[一二三四五六七八九十\d]+次(?:、[一二三四五六七八九十\d]+次)*")
# "四个季度", "三个月", "5个工作日" are durations, not counts.
DURATION_AFTER_GE = re.compile(r"^(季度|月|工作日|小时|年度)")
# A cheap test for sentences worth segmenting: a digit, a numeral before a measure word, a zero statement.
CAN_HOLD_CLAIM = re.compile(
    r"\d|[０-９]|[零〇一二两三四五六七八九十百千万亿][余多大小]?[条件篇次个项人家起期场份批类通轮元名宗册户%％]|百分之"
)
BARE_NUMERALS = frozenset({"一", "万", "亿", "千", "百"})
CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?\n（）()]")
SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")


def first_chars(words: Iterable[str]) -> str:
    return "".join(sorted({word[0] for word in words}))


def opening_with(chars: str, pattern: str, digits: bool = False) -> str:
    """``pattern`` behind a lookahead for the characters a match of it can start with (and any digit).

    The same matches; but a pattern that opens with optional groups gives the regular-expression engine
    no first character to scan for, so it tries every alternative at every character of a section,
    where the lookahead passes over a character that cannot start a match at one test: two to four
    times faster (``tests/test_claim_patterns.py`` holds the matches equal).
    """
    digit = r"|\d" if digits else ""
    return rf"(?=[{chars}]{digit}){pattern}"


_unit = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_before = "|".join(sorted(APPROX_BEFORE, key=len, reverse=True))
_change = "|".join(sorted(CHANGE_WORDS, key=len, reverse=True))
NUMBER_MENTION_PATTERN = (
    rf"(?P<change>(?:{_change})了?)?"
    rf"(?P<before>{_before})?"
    rf"(?P<num>{ARABIC}(?:[万亿](?!元))?|{CHINESE})\s?"
    rf"(?P<after>[余多])?"
    rf"(?P<mult>[万亿](?!元))?"  # 20余万条: the multiplier after the approximation
    rf"(?P<unit>{_unit}|％)"
    rf"(?P<trailing>以上|左右)?"
)
NUMBER_MENTION = re.compile(
    opening_with(first_chars([*CHANGE_WORDS, *APPROX_BEFORE]) + NUMERAL_CHARS, NUMBER_MENTION_PATTERN, digits=True)
)
PERCENT_WORDS_PATTERN = rf"(?P<change>(?:{_change})了?)?百分之(?P<num>{CHINESE}|{ARABIC}|百)"
PERCENT_WORDS = re.compile(opening_with(first_chars([*CHANGE_WORDS, "百分之"]), PERCENT_WORDS_PATTERN))

# "无" as a negation, not inside 无法 (cannot), 无需 (need not), 无论 (whatever), 无偿 (free of charge).
# 未有, 不存在 and 尚无 say the same (未有政府信息公开申请行政复议的情况, 不存在…被申请行政复议的情况).
NO_WORDS = r"(?:(?:全年|本年度?|[0-9]{4}年度?)?(?:无|没有|未发生过?|未有|不存在|尚无)(?!法|需|论|偿|纸化))"
NO = opening_with("全本0-9无没未不尚", NO_WORDS)  # what NO_WORDS can start with: 全年, 本年, a year, the negation
# The second of 行政复议 and 行政诉讼 after a comma, when no count of its own follows (…，被提起行政诉讼2件 is a count).
A_COUNT_FOLLOWS = r"(?![^，,。；;]*?([0-9０-９]|[一二两三四五六七八九十][件起宗]))"
THE_OTHER_OF_THE_PAIR = rf"(?:[，,](被)?(提起|申请)(行政)?(诉讼|复议){A_COUNT_FOLLOWS}[^，,。；;]{{0,8}})?"
COUNTED_ZERO_STATEMENTS: tuple[str, ...] = (
    r"(未|没有|无)(直接)?(收到|受理|接到|接收|收受)[^，,。；;]{0,24}申请",
    r"(无|没有)(政府)?信息公开申请(事项)?(?=[，,。；;]|$)",  # a clause that says only 无政府信息公开申请
    rf"{NO}(发生过?|出现|产生)?[^，,。；;]{{0,10}}依申请(公开)?",  # 未发生依申请政府信息 too
    # 复议 and 诉讼 stand for the format's 行政复议 and 行政诉讼 (无就政府信息公开提出复议、诉讼的情况); the cause may
    # come first (未因政府信息公开工作被申请行政复议), and the second of the pair after a comma (…申请行政复议，提起
    # 行政诉讼的情况): the statement is on both.
    r"(未|没有)(因[^，,。；;]{0,20}?)?(发生|出现|产生|涉及|收到|接到|提起|引发|引起|被申请|被提起)[^，,。；;]{0,24}?"
    rf"((行政)?复议|(行政)?诉讼|起诉)[^，,。；;]{{0,12}}{THE_OTHER_OF_THE_PAIR}",
    rf"{NO}[^，,。；;]{{0,24}}?((行政)?复议|(行政)?诉讼)[^，,。；;]{{0,12}}{THE_OTHER_OF_THE_PAIR}",
    # 无上年结转申请, or a clause that says only 无上年度结转 in the section on requests.
    r"(无|没有)(上年度?|上一年度?)结转(?:[^，,。；;]{0,8}申请|(?=[，,。；;]))",
    # …结转下年度继续办理, the next year named by its number too (无结转2024年继续办理件; 未转结2023年…申请 in a
    # report on 2024 names last year: those carried in).
    r"(无|没有|未)(结转|转结)(至|到)?(下(一)?年度?|20\d\d年度?)[^，,。；;]{0,10}(申请|继续办理)",
    r"(上年度?|20\d\d年度?)(无|没有|未)(结转|转结)[^，,。；;]{0,10}申请",  # 2023年未转结…申请: the year's own
    r"(未|没有)(制定|制发|印发|出台|印制)[^，,。；;]{0,12}规范性文件",
)
# Zero statements no table cell counts (kept, unverifiable): fees charged to applicants, complaints,
# accountability.  They are tried first: a fee "未对依申请公开…收取费用" is not a statement on requests.
UNCOUNTED_ZERO_STATEMENTS: tuple[str, ...] = (
    r"(未|没有|无)[^，,。；;]{0,16}?收取[^，,。；;]{0,16}费",
    r"(未|没有)(发生|产生)[^，,。；;]{0,16}收费",
    r"(未|没有)(收到|接到)[^，,。；;]{0,16}(投诉|举报)",
    # 全年未发生因依申请公开办理不当引发的投诉举报情况 (not 信访举报投诉类申请, nor a clause on 复议 or 诉讼).
    r"(?:全年|本年度?|[0-9]{4}年度?)?(未|没有)(发生|出现)(?:(?!复议|诉讼)[^，,。；;]){0,24}(投诉|举报)(?!类)",
    r"(未|没有|暂无)(发生|出现)?[^，,。；;]{0,24}(追究|问责)[^，,。；;]{0,8}(情况|问题)",
)
ZERO_STATEMENTS: tuple[tuple[re.Pattern[str], bool], ...] = (
    *((re.compile(p), False) for p in UNCOUNTED_ZERO_STATEMENTS),
    *((re.compile(p), True) for p in COUNTED_ZERO_STATEMENTS),
)
# Every zero statement negates with 未, 没(有), 无 or 不存在: a sentence without one holds none (one search, not
# eleven).
NEGATION = re.compile("[未没无]|不存在")


@dataclass(frozen=True)
class Claim:
    text: str
    value: int | float
    unit: str | None
    approx: str | None  # "over" (余, 多), "above" (超过, 以上), "under" (近), "about" (约), or None
    start: int  # offsets in the section's text
    end: int
    section: str | None
    sentence: str
    clause: str
    clause_start: int  # offset of the clause in the section's text
    sentence_start: int  # offset of the sentence (before stripping) in the section's text
    bracket_depth: int = 0  # brackets open between the sentence start and the claim
    change: bool = False  # a change against last year, signed
    previous: bool = False  # a value of last year, not this one
    zero: bool = False  # a statement that something did not happen
    countable: bool = True  # could a table cell count it (not a zero statement on fees or complaints)?
    restates: bool = False  # all of the count before it, of what its clause says (申请3件，均予以公开)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def value_range(self) -> tuple[float, float]:
        """The values the figure allows: 300余条 is 300 to 399, 超过300 is 300 to 600 (more, not double),
        近100 is 90 to 100, 约100 is 90 to 110; an exact count is itself."""
        value = self.value
        if self.approx == "over":
            magnitude = 10 ** max(len(str(int(abs(value)))) - 1, 0)
            return value, value + magnitude - 1
        if self.approx == "above":
            return value, value * 2
        if self.approx == "under":
            return value * 0.9, value
        if self.approx == "about":
            margin = max(abs(value) * 0.1, 1)
            return value - margin, value + margin
        return value, value


@lru_cache(maxsize=64)
def break_positions(text: str, breaks: re.Pattern[str]) -> tuple[list[int], list[int]]:
    """Starts and ends of the text's breaks, found once: every claim of a section asks for them."""
    found = [(m.start(), m.end()) for m in breaks.finditer(text)]
    return [s for s, _ in found], [e for _, e in found]


def span_around(text: str, start: int, end: int, breaks: re.Pattern[str]) -> tuple[int, int]:
    """From the end of the last break before ``start`` to the first break at or after ``end``."""
    starts, ends = break_positions(text, breaks)
    before = bisect_right(ends, start)
    after = bisect_left(starts, end)
    return ends[before - 1] if before else 0, starts[after] if after < len(starts) else len(text)


def claim_sentences(text: str) -> list[tuple[int, int]]:
    """The sentences that can hold a claim: only these are segmented (most prose holds no count)."""
    spans, start = [], 0
    for m in [*SENTENCE_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        if CAN_HOLD_CLAIM.search(text, start, end) or _holds_zero_statement(text, start, end):
            spans.append((start, end))
        start = m.end() if m else end
    return spans


def _holds_zero_statement(text: str, start: int, end: int) -> bool:
    return NEGATION.search(text, start, end) is not None and any(p.search(text, start, end) for p, _ in ZERO_STATEMENTS)


def segment_claim_sentences(text: str) -> list[tuple[str, int]]:
    return segment_spans(text, claim_sentences(text))


def extract_claims(text: str, section: str | None = None, tokens: list[tuple[str, int]] | None = None) -> list[Claim]:
    """All claims of one section's text, in reading order; ``tokens`` from :func:`segment_claim_sentences`."""
    if tokens is None:
        tokens = segment_claim_sentences(text)
    token_starts = {start for _, start in tokens}
    claims = _drop_overlaps(
        [*_numeric_claims(text, section, token_starts), *_zero_claims(text, section), *_myriad_counts(text, section)]
    )
    claims = [*claims, *_unit_left_out(text, section, claims)]
    return sorted([*claims, *_all_of_them(text, claims)], key=lambda c: c.start)


# A clause that says which of the format's outcomes all of a count had (收到申请3项全部予以公开; 行政复议7件，均
# 维持结果; 申请2件，均为自然人申请): the same number, of that outcome's row.  One saying only that all were
# handled (均已按期答复, 已全部办结) restates the count: no claim of its own (realdev's readers record it once in
# sixteen).
ALL_OF_THEM = re.compile(
    r"(?:[（(][^（()）]{0,30}[）)])?[，,]?(?P<all>(?:且|并|已)?(?:均|全部|都)[^，,。；;：:（()）0-9０-９%％]{1,16})"
    r"(?=[，,。；;]|$)"
)
OUTCOME_WORDS = re.compile(r"予以公开|同意公开|不予公开|维持|纠正|驳回|撤销|自然人|法人|非本机关|不掌握|不存在")
RESTATED_UNITS = frozenset({"件", "项", "条", "个", "起", "宗"})


def _all_of_them(text: str, claims: list[Claim]) -> Iterator[Claim]:
    """Each count's clauses of all of it, one after another (2件，均为自然人申请，且均为非本机关掌握信息)."""
    for claim in claims:
        if claim.zero or claim.change or claim.previous or claim.unit not in RESTATED_UNITS or claim.bracket_depth:
            continue
        end = claim.end
        while (m := ALL_OF_THEM.match(text, end)) and OUTCOME_WORDS.search(m.group("all")):
            start, end = m.span("all")
            clause = text[start:end]
            yield replace(claim, text=clause, start=start, end=end, clause=clause, clause_start=start, restates=True)


# A count whose measure word the writer left out in a list that states it for the others (主动公开信息214条，
# 历年累计主动公开信息1886，…): a bare number right after what the format counts, closing its clause (not
# at the end of the text, where a cut may have taken its measure word).
BARE_COUNT = re.compile(rf"(?<=信息|发布|公开|处罚|许可|强制)(?P<num>{ARABIC})(?=[ \t\u3000]*[，,。；;（(\n])")
# …and one right after a word that says it is a count (公文总数为11, 发布信息数量144): a count even when no
# count before it in its sentence gives its unit (then it has none, and no cell is linked to it).
COUNT_WORD_BEFORE = re.compile(rf"(总数|数量)(为|是|达)?(?P<num>{ARABIC})(?=[ \t\u3000]*[，,。；;（(\n])")
# …and one right after a noun of counting (订阅量1108, 订阅用户数增至4963, 订阅数已超过500): a count of its own
# thing, never in the unit of the counts before it (subscribers are no 条), so never a part of their list.
COUNT_NOUN_BEFORE = re.compile(
    rf"[数量](为|是|达到?|增至|已)?(?P<before>{_before})?(?P<num>{ARABIC})(?=[ \t\u3000]*[，,。；;（(\n])"
)
YEARS = range(1949, 2101)


# The bare counts' patterns, each with how it takes a unit: borrowed from the last count before it in its
# sentence, and whether it is a claim only with one (a bare number after 信息 is a count only in a list of them).
LEFT_OUT_UNITS: tuple[tuple[re.Pattern[str], bool, bool], ...] = (
    (BARE_COUNT, True, True),
    (COUNT_WORD_BEFORE, True, False),
    (COUNT_NOUN_BEFORE, False, False),  # subscribers are no 条: never the unit of the counts before it
)


def _unit_left_out(text: str, section: str | None, claims: list[Claim]) -> Iterator[Claim]:
    """Bare counts, in the unit of the last count before them in their sentence (none: no claim, unless a
    count word stands right before the number)."""
    taken = {c.start for c in claims}
    ordered = sorted(claims, key=lambda c: c.start)
    for pattern, borrows, needs_unit in LEFT_OUT_UNITS:
        for m in pattern.finditer(text):
            value = to_number(m.group("num"))
            if m.start("num") in taken or value in YEARS or _in_url(text, m.start()) or _in_table_row(text, m.start()):
                continue
            unit = _unit_before(text, m.start(), ordered) if borrows else None
            if unit is not None or not needs_unit:
                taken.add(m.start("num"))
                yield _claim(text, m, section, value, unit if unit is not None else "")


def _unit_before(text: str, at: int, ordered: list[Claim]) -> str | None:
    """The unit of the last count (not a percentage) before ``at`` in its sentence."""
    sentence_start = span_around(text, at, at, SENTENCE_BREAK)[0]
    before = [c for c in ordered if c.sentence_start == sentence_start and c.end <= at and c.unit not in (None, "%")]
    return before[-1].unit if before else None


# A count in ten-thousands with no measure word after it (网站总访问量770万, 粉丝量超3800万): the figure as
# written, in the unit 万 (or 亿), as 182.32万元 is in 万元.  Visits and followers: no table cell counts one.
MYRIAD_COUNT = re.compile(
    rf"(?P<before>{_before})?(?P<num>{ARABIC})(?P<after>[余多])?(?P<unit>[万亿])(?=[，,。；;、）)\s]|$)"
)


def _myriad_counts(text: str, section: str | None) -> Iterator[Claim]:
    for m in MYRIAD_COUNT.finditer(text):
        at = m.start("num")
        if at > 0 and re.match(r"[\d.]", text[at - 1]):
            continue
        if _in_url(text, at) or _in_table_row(text, at) or _in_title(text, at):
            continue
        if not text[text.rfind("\n", 0, m.start()) + 1 : m.start()].strip():
            continue  # alone on its line: a table's cell (采购总金额 2601.95万), not a sentence's count
        yield _claim(text, m, section, to_number(m.group("num")), m.group("unit"))


def _drop_overlaps(claims: list[Claim]) -> list[Claim]:
    kept: list[Claim] = []
    for claim in sorted(claims, key=lambda c: (c.start, -(c.end - c.start))):
        if not any(k.start <= claim.start < k.end for k in kept):
            kept.append(claim)
    return kept


def _numeric_claims(text: str, section: str | None, token_starts: set[int]) -> Iterator[Claim]:
    for m in [*NUMBER_MENTION.finditer(text), *PERCENT_WORDS.finditer(text)]:
        is_percent_words = m.re is PERCENT_WORDS
        if not is_percent_words and not _is_count(text, m, m.start("num"), token_starts):
            continue
        unit = "%" if is_percent_words or m.group("unit") == "％" else m.group("unit")
        number = "百分之" + m.group("num") if is_percent_words else m.group("num") + (m.group("mult") or "")
        try:
            value = percent_to_number(number) if unit == "%" else to_number(number)
        except (ValueError, KeyError):
            continue
        yield _claim(text, m, section, value, unit)


@lru_cache(maxsize=1)
def format_category_names() -> tuple[str, ...]:
    """Names with a numeral in the official tables' labels (属于四类过程性信息 → 四类过程性信息):
    a category, never a count, wherever the text repeats it."""
    from extractor.formats import FORMAT_IDS, load_format

    labels = {
        item.label
        for format_id in FORMAT_IDS
        for table in load_format(format_id).tables
        for item in (*table.rows, *table.groups)
    }
    return tuple(sorted({label[m.start("num") :] for label in labels for m in NUMBER_MENTION.finditer(label)}))


# A line of a table the converter left in the text (名称 | 项目 | 350000元 | |): cells, not prose.
TABLE_ROW = re.compile(r"^[^\n]*(\|[^|\n]*){3,}$", re.MULTILINE)


def inside(spans: tuple[tuple[int, int], ...], at: int) -> bool:
    """``at`` lies in one of the spans (a table row's, a URL's, a session's name)."""
    return any(start <= at < end for start, end in spans)


@lru_cache(maxsize=64)
def table_row_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in TABLE_ROW.finditer(text))


def _in_table_row(text: str, at: int) -> bool:
    return inside(table_row_spans(text), at)


URL = re.compile(r"(?:https?://|www\.)[\w./:%?&=#~+\-]*", re.IGNORECASE)


@lru_cache(maxsize=64)
def url_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in URL.finditer(text))


def _in_url(text: str, at: int) -> bool:
    return inside(url_spans(text), at)


@lru_cache(maxsize=64)
def session_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in SESSIONS.finditer(text)) if "届" in text else ()


def _in_session_name(text: str, at: int) -> bool:
    return inside(session_spans(text), at)


def _in_title(text: str, at: int) -> bool:
    """Inside a 《…》 title: more of them opened than closed before ``at``."""
    return text.count("《", 0, at) > text.count("》", 0, at)


def _is_count(text: str, m: re.Match[str], num_start: int, token_starts: set[int]) -> bool:
    before = text[max(0, num_start - 1) : num_start]
    after = text[m.end() : m.end() + 2]
    if is_rank(before, m.group("unit")) or NOT_A_MEASURE.match(after):
        return False
    if m.group("unit") in DIGITS_ONLY_UNITS and not re.fullmatch(ARABIC, m.group("num")):
        return False
    if (word := NOT_A_MEASURE_AFTER.get(m.group("unit"))) and word.match(after):
        return False
    if text.startswith(format_category_names(), num_start) or _in_url(text, num_start):
        return False
    if _in_table_row(text, num_start):
        return False
    if m.group("unit") == "个" and DURATION_AFTER_GE.match(text[m.end() : m.end() + 3]):
        return False
    if _in_session_name(text, num_start):
        return False
    if _in_title(text, num_start):
        return False  # inside a title: 《…二十条措施的通知》
    if before in '“"《「' and re.fullmatch(CHINESE, m.group("num")):
        return False  # a name in quotes: “三个一”, “两个确保”
    if in_short_quote(text, num_start, m.end()):
        return False  # a name in quotes: “7个专项行动”, “3个100%”
    if re.fullmatch(r"\d[-/－]", text[max(0, num_start - 2) : num_start]):
        return False  # a date's day or month: 自2021-1-1起
    if num_start not in token_starts and not re.match(r"\d", text[num_start]):
        return False  # a numeral inside a word: 统一, 进一步, 唯一
    if num_start > 0 and re.match(r"[\d.]", text[num_start - 1]):
        return False
    if is_enumeration(m):
        return False
    # A bare 一/万/百 with a measure word (一个平台, 一次性) is rarely a count; 增加一件 is, and so is one that
    # closes its clause (收到政府信息公开申请一件。).
    return (
        m.group("num") not in BARE_NUMERALS
        or bool(m.groupdict().get("change"))
        or (m.group("num") == "一" and bool(CLAUSE_END.match(text, m.end())))
    )


CLAUSE_END = re.compile(r"\s*([，,。；;！？!?]|$)")


def is_rank(before: str, unit: str | None) -> bool:
    if before not in RANK_BEFORE:
        return False
    units = RANK_BEFORE[before]
    return units is None or unit in units


QUOTE_OPEN, QUOTE_CLOSE = "“「", "”」"
NAME_LENGTH = 10  # the most characters a quoted name holds: “3个100%”, “7个专项行动”


def in_short_quote(text: str, start: int, end: int) -> bool:
    """The figure lies inside a short quotation: a slogan or a programme's name, not a count."""
    before = text[max(0, start - NAME_LENGTH) : start]
    opened = max(before.rfind(q) for q in QUOTE_OPEN)
    if opened == -1 or any(q in before[opened:] for q in QUOTE_CLOSE):
        return False
    opening = start - len(before) + opened
    closing = min((at for q in QUOTE_CLOSE if (at := text.find(q, end, opening + NAME_LENGTH + 2)) != -1), default=-1)
    return closing != -1 and not CLAUSE_BREAK.search(text, opening, closing)


# A small number written in words before a classifier of kinds (两个平台, 三项制度, 四类信息) names how many
# kinds a sentence goes on to list, not a count a table could hold: the reports write counts in digits.
ENUMERATION = re.compile(r"[两二三四五六七八九十]")
KINDS_CLASSIFIERS = frozenset({"个", "项", "类", "大类"})


def is_enumeration(m: re.Match[str]) -> bool:
    groups = m.groupdict()
    return (
        groups.get("unit") in KINDS_CLASSIFIERS
        and bool(ENUMERATION.fullmatch(groups.get("num") or ""))
        and not groups.get("change")
    )


def _approx(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    for key, table in (("before", APPROX_BEFORE), ("after", APPROX_AFTER), ("trailing", APPROX_TRAILING)):
        if groups.get(key):
            return table[groups[key]]
    return None


def _claim(text: str, m: re.Match[str], section: str | None, value: int | float, unit: str) -> Claim:
    clause_start, clause_end = span_around(text, m.start(), m.end(), CLAUSE_BREAK)
    sentence_start, sentence_end = span_around(text, m.start(), m.end(), SENTENCE_BREAK)
    clause = text[clause_start:clause_end]
    groups = m.groupdict()
    change_word = (groups.get("change") or "").rstrip("了")
    change = bool(change_word) and bool(COMPARISON.search(text[sentence_start : m.start()]))
    if change_word and not change and change_word in ("多", "少"):
        change_word = ""  # "多" in "多种渠道" is not a change
    sign = CHANGE_WORDS.get(change_word, 1) if change else 1
    start = m.start() if change else m.start("before") if groups.get("before") else m.start("num")
    if "百分之" in m.group(0) and not change:
        start = m.start("num") - len("百分之")
    previous = bool(PREVIOUS_MARKER.search(text[clause_start : m.start("num")])) and not change
    return Claim(
        text=text[start : m.end()],
        value=sign * value,
        unit=unit,
        approx=_approx(m),
        start=start,
        end=m.end(),
        section=section,
        sentence=text[sentence_start:sentence_end].strip(),
        clause=clause,
        clause_start=clause_start,
        sentence_start=sentence_start,
        bracket_depth=bracket_depth(text[sentence_start:start]),
        change=change,
        previous=previous,
    )


def bracket_depth(text: str) -> int:
    return sum(text.count(o) for o in "（(") - sum(text.count(c) for c in "）)")


def _zero_claims(text: str, section: str | None) -> Iterator[Claim]:
    for pattern, countable in ZERO_STATEMENTS:
        for m in pattern.finditer(text):
            clause_start, clause_end = span_around(text, m.start(), m.end(), CLAUSE_BREAK)
            sentence_start, sentence_end = span_around(text, m.start(), m.end(), SENTENCE_BREAK)
            yield Claim(
                text=m.group(0),
                value=0,
                unit=None,
                approx=None,
                start=m.start(),
                end=m.end(),
                section=section,
                sentence=text[sentence_start:sentence_end].strip(),
                clause=text[clause_start:clause_end],
                clause_start=clause_start,
                sentence_start=sentence_start,
                zero=True,
                countable=countable,
            )
