"""The reporting body and the report year, where the document states them."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

TITLE_WORDS = r"(政府信息公开|政务公开|信息公开)(工作)?(年度)?(工作)?报告"
YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度?")
TITLE = re.compile(TITLE_WORDS)
PERIOD = re.compile(r"统计期限为\s*((?:19|20)\d{2})\s*年")
MAX_TITLE_LINES = 4
YEAR_SCAN_CHARS = 3000
MENTIONED_YEAR = re.compile(r"((?:19|20)\d{2})年")


def _title_lines(preamble: Sequence[str]) -> list[str]:
    """The first lines, plus each line joined to the next (titles wrap: "…政府信息公开" / "工作报告")."""
    lines = [p.strip() for p in preamble[:MAX_TITLE_LINES] if p.strip()]
    joined = [a + b for a, b in itertools.pairwise(lines) if not TITLE.search(a)]
    return lines + joined


def find_year(preamble: Sequence[str], all_text: str) -> int | None:
    for line in _title_lines(preamble):
        if TITLE.search(line) and (m := YEAR_IN_TITLE.search(line)):
            return int(m.group(1))
    if m := PERIOD.search(all_text):
        return int(m.group(1))
    for line in _title_lines(preamble):
        if m := YEAR_IN_TITLE.search(line):
            return int(m.group(1))
    return most_mentioned_year(all_text[:YEAR_SCAN_CHARS])


def most_mentioned_year(text: str) -> int | None:
    """A report without a dated title talks about its year more than any other."""
    years = Counter(int(y) for y in MENTIONED_YEAR.findall(text))
    return years.most_common(1)[0][0] if years else None


# --- The reporting body ------------------------------------------------------------------------
# A name is taken from, in this order of trust: the report's title, its first sentences, a
# 发布机构/来源 metadata line, the closing signature, the 请与…联系 contact line, and last the
# body's own 《…政府信息公开指南》.  Every candidate must look like a body's name (is_body_name):
# web pages put breadcrumbs, site chrome and whole sentences where a name is expected.

MAX_AGENCY_CHARS = 30
HEAD_LINES = 16  # titles sit below a few lines of site chrome and crawler fields
SENTENCE_SCAN_LINES = 40  # the first sentences, past chrome, title and metadata lines
PROSE_LINES = 3  # "the first sentence": the first few prose paragraphs
TAIL_LINES = 3  # the signature: the last lines, past a date
# Traditional forms too: some pages are served converted (辦事處, 區, 鎮).
SUFFIXES = (
    r"人民政府|政府|办公室|辦公室|办事处|辦事處|街道|委员会|委員會|管委会|管委會|指挥部|指揮部"
    r"|管理处|管理處|中心|局|厅|廳|委|办|辦|院|[省市县縣区區州盟旗镇鎮乡鄉]"
)
AGENCY_SUFFIX = re.compile(rf"(?:{SUFFIXES})$")
# A name in running text: no punctuation, no brackets, then a suffix (lazy: the shortest).
NAME = rf"[^\s\d，,。；;：:！？!?、“”\"'《》<>〈〉()（）|]{{0,{MAX_AGENCY_CHARS - 2}}}?(?:{SUFFIXES})"
YEAR = r"(?:19|20)\d{2}\s*年度?"
# What follows a body's name when it names its report: a year or the report's words.
REPORT_FOLLOWS = rf"(?={YEAR}|(?:政府)?信息公[开開]|政[务務]公[开開]|政[务務]信息|年度)"
SENTENCE_PUNCT = re.compile(r"[，,。；;：:！？!?“”\"《》<>〈〉|/]")
# Words of a sentence or a page, never of a body's name.
NOT_NAME_WORDS = re.compile(
    r"我|根据|根據|依据|依據|现将|現將|按照|关于|關於|报告|報告|信息公[开開]|首页|首頁|位置|当前|當前|\d"
    r"|^本(?:报告|年|单位|機關|机关|级|部门|局|镇|乡|委|办|街道|区|县|市|院|厅|中心)"
)
NEVER_IN_NAME = re.compile(r"[《》<>〈〉|]")  # not even within brackets
BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
BRACKETED_LINE = re.compile(r"^[（(](.{2,40})[）)]$")
CHROME = re.compile(r">|»|›|首页|首頁|位置|当前页面|您的位置|字号|字体|打印|分享|访问量|浏览")
CRAWLER_PREFIX = re.compile(r"^[-•·\s]*(?:标题|標題|名称|名稱|称|稱|题名)\s*[:：]\s*")
REPORT_WORDS = re.compile(r"(?:政府)?信息公[开開]|政[务務]公[开開]|政[务務]信息")
IS_REPORT_TITLE = re.compile(r"报告|報告|年报|年報")
MAX_TITLE_CHARS = 60
TITLE_HEAD_SPLIT = re.compile(rf"{YEAR}|[（(]\s*(?:19|20)\d{{2}}\s*年?\s*[）)]|关于|關於|\s+")
# Metadata fields of the page (labels spaced out in some tables: 来 源).
METADATA_FIELD = re.compile(
    r"(?:发布机构|發布機構|发文机关|发文单位|发布单位|信息来源|来\s*源|來\s*源)\s*[:：]?\s*"
    r"(?P<name>[^\s:：|]{2,40})(?![:：\w])"
)
SIGNATURE_DATE = re.compile(
    r"^\s*(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\s*$"
)
# The patterns of the first sentences, most specific first.
SENTENCE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 现将XX2020年政府信息公开工作报告如下 / 现公布《XX2023年…》 / 特编制2021年度XX信息公开年度报告
    re.compile(
        r"(?:现将|現將|现向社会公布|现公布|现发布|现公开|现予以公布|向社会公布|编制完成|编制了|特编制|编制)"
        rf"《?(?:{YEAR})?(?P<name>{NAME}){REPORT_FOLLOWS}"
    ),
    # 本报告由XX编制 / 由XX根据《条例》…编制
    re.compile(rf"由(?P<name>{NAME})(?:根据|根據|依据|依據|按照|编制|編制|负责|結合|结合|在|于)"),
    # the sentence opens with the report's title: XX2023年政府信息公开工作年度报告是根据…
    re.compile(rf"^(?P<name>{NAME}){YEAR}(?:政府)?信息公[开開]"),
    # …XX2020年政府信息公开工作情况报告如下
    re.compile(rf"(?:{YEAR})?(?P<name>{NAME})(?:{YEAR})?(?:政府)?信息公开工作(?:情况)?(?:年度)?报告如下"),
    # a clause whose subject publishes the report: …要求，XX编制2020年…
    re.compile(rf"(?:^|[，,；;])(?P<name>{NAME})(?:编制|向社会公布)"),
)
# Words a line must hold for a pattern to match in it: tested first, they spare the patterns that open with
# a name, which the regular-expression engine tries at every character of a paragraph, a scan of most lines.
SENTENCE_PATTERN_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {
    SENTENCE_PATTERNS[3]: ("报告如下",),
    SENTENCE_PATTERNS[4]: ("编制", "向社会公布"),
}
# The subject of a sentence that opens the overview: 2021年，XX认真贯彻…
SUBJECT = re.compile(
    rf"^(?:{YEAR}[，,]?\s*)?(?P<name>{NAME})"
    r"(?:的?政府信息公开工作|认真|坚持|严格|按照|根据|依据|在|深入|高度|紧紧|积极|全面|扎实|以|围绕|进一步|始终|持续|着力|通过|贯彻)"
)
SENTENCE_END = re.compile(r"[。；;！？!?]")
SUBJECT_SENTENCES = 2
CONTACT = re.compile(rf"请与(?P<name>{NAME})联系")
# The contact is often an office of the body: 请与XX党政办公室联系 names XX.
OFFICE = re.compile(r"[^\s]{0,8}?(?:办公室|辦公室|办|辦|科|股)")
# A body that names no source above often names its own guide.
OWN_GUIDE = re.compile(r"《([^《》]{2,40}?)政府信息公开指南》")


def is_body_name(name: str) -> bool:
    """Short, ends with an agency suffix, and holds no punctuation or words of a sentence or page.

    Bracketed words are allowed (发改局（区金融办、区对口支援和区域合作局）).
    """
    bare = BRACKETED.sub("", name)
    return (
        2 <= len(name) <= MAX_AGENCY_CHARS
        and bool(AGENCY_SUFFIX.search(bare))
        and not AGENCY_SUFFIX.fullmatch(bare)
        and not SENTENCE_PUNCT.search(bare)
        and not NOT_NAME_WORDS.search(name)
        and not NEVER_IN_NAME.search(name)
        and not CHROME.search(name)
    )


def find_agency(preamble: Sequence[str]) -> str | None:
    """The body from the lines before the first section: title, first sentences, metadata.

    When the preamble holds no prose, the first sentence opens the first section: the metadata
    lines are then left to find_agency_in_text, which reads that sentence first.
    """
    sources = PREAMBLE_SOURCES if any(_is_prose(line) for line in preamble[:HEAD_LINES]) else PREAMBLE_SOURCES[:2]
    found = agency_and_source(list(preamble), sources)
    return found[0] if found else None


def find_agency_in_text(text: str) -> str | None:
    """The body from the whole text, when the preamble did not name it."""
    found = agency_and_source(text.splitlines(), SOURCES)
    return found[0] if found else None


def agency_and_source(lines: Sequence[str], sources: Sequence[Source]) -> tuple[str, str] | None:
    """The name the most trusted source gives, and that source's name."""
    for source, find in sources:
        if name := find(lines):
            return name, source
    return None


def agency_from_title(lines: Sequence[str]) -> str | None:
    """XX局2023年政府信息公开工作年度报告, XX人民政府 关于…的报告, or a title line with the name
    on the line above it or in brackets below it."""
    lines = [line for line in _clean_lines(lines[:HEAD_LINES]) if not CHROME.search(line)]
    candidates = [*lines, *(a + b for a, b in itertools.pairwise(lines) if not IS_REPORT_TITLE.search(a))]
    for i, line in enumerate(candidates):
        if not is_title_line(line):
            continue
        if name := name_in_title(line):
            return name
        if i < len(lines) - 1 and (m := BRACKETED_LINE.match(lines[i + 1])) and is_body_name(m.group(1)):
            return m.group(1)
        if 0 < i < len(lines) and is_body_name(lines[i - 1]):
            return lines[i - 1]
    return None


def name_in_title(title: str) -> str | None:
    """The words before the report's words, less the year and 关于."""
    title = CRAWLER_PREFIX.sub("", title).strip()
    m = REPORT_WORDS.search(title)
    if not m:
        return None
    head = title[: m.start()]
    if head.endswith("人民") and title[m.start() :].startswith("政府"):
        head += "政府"  # 某镇人民政府信息公开…: the 政府 went to the report's words
    parts = [p for p in TITLE_HEAD_SPLIT.split(head) if p]
    return next((p for p in parts if is_body_name(p)), None)


def agency_from_sentences(
    lines: Sequence[str], may_match: Callable[[re.Pattern[str], str], bool] | None = None
) -> str | None:
    """The body the first sentences name: 现公布XX2023年…, 本报告由XX编制, 2021年，XX认真…

    ``may_match``: the cheap test that skips a pattern on a line without its words (``_may_match``; the
    tests pass one that tries every pattern, and find the same names)."""
    may_match = may_match or _may_match
    prose = [line for line in _clean_lines(lines[:SENTENCE_SCAN_LINES]) if _is_prose(line)]
    for line in prose[:PROSE_LINES]:
        for pattern in SENTENCE_PATTERNS:
            if not may_match(pattern, line):
                continue
            if name := _first_body(pattern.finditer(line)):
                return name
        for sentence in SENTENCE_END.split(line)[:SUBJECT_SENTENCES]:
            sentence = re.sub(r"^[（(][一二三四五六七八九十\d]+[）)]", "", sentence.strip())
            if name := _first_body([m] if (m := SUBJECT.match(sentence)) else []):
                return name
    return None


def _may_match(pattern: re.Pattern[str], line: str) -> bool:
    words = SENTENCE_PATTERN_WORDS.get(pattern)
    return words is None or any(word in line for word in words)


def agency_from_metadata(lines: Sequence[str]) -> str | None:
    """发布机构: / 来源: fields of the page."""
    for line in _clean_lines(lines[:HEAD_LINES]):
        if _is_prose(line):
            continue
        if name := _first_body(METADATA_FIELD.finditer(line)):
            return name
    return None


def agency_from_signature(lines: Sequence[str]) -> str | None:
    """A short last line that is a body's name, before a date if any."""
    tail = [line.strip() for line in lines if line.strip()][-TAIL_LINES:]
    for line in reversed(tail):
        if SIGNATURE_DATE.match(line):
            continue
        return line if is_body_name(line) else None
    return None


def agency_from_contact(lines: Sequence[str]) -> str | None:
    """如对本报告有疑问，请与XX（党政）办公室联系: XX, the office's body."""
    for m in CONTACT.finditer("\n".join(lines[:SENTENCE_SCAN_LINES])):
        if name := body_of_office(m.group("name")):
            return name
    return None


def body_of_office(name: str) -> str | None:
    """XX党政办公室 → XX: the longest body name that the rest of the words make an office of."""
    for end in range(len(name) - 1, 1, -1):
        if OFFICE.fullmatch(name[end:]) and is_body_name(name[:end]):
            return name[:end]
    return name if is_body_name(name) else None


def agency_from_guide(lines: Sequence[str]) -> str | None:
    """The body named in 《…政府信息公开指南》 (its own guide)."""
    return next((m.group(1) for m in OWN_GUIDE.finditer("\n".join(lines)) if is_body_name(m.group(1))), None)


Source = tuple[str, Callable[[Sequence[str]], str | None]]
# The sources of the name, most trusted first.
SOURCES: tuple[Source, ...] = (
    ("title", agency_from_title),
    ("first sentence", agency_from_sentences),
    ("metadata", agency_from_metadata),
    ("signature", agency_from_signature),
    ("contact", agency_from_contact),
    ("own guide", agency_from_guide),
)
PREAMBLE_SOURCES = SOURCES[:3]


def _first_body(matches: Iterable[re.Match[str]]) -> str | None:
    return next((m.group("name") for m in matches if is_body_name(m.group("name"))), None)


def _clean_lines(lines: Sequence[str]) -> list[str]:
    """Table cells as words (标题: | XX | → 标题: XX), blank lines dropped."""
    cleaned = (re.sub(r"\s*\|\s*", " ", line).strip(" -") for line in lines)
    return [line for line in cleaned if line]


def is_title_line(line: str) -> bool:
    """A short line that names the document a 政府信息公开…报告 (a crawler's 标题: prefix allowed), not a sentence."""
    line = CRAWLER_PREFIX.sub("", line)
    return (
        len(line) <= MAX_TITLE_CHARS
        and bool(IS_REPORT_TITLE.search(line) and REPORT_WORDS.search(line))
        and not SENTENCE_PUNCT.search(line)
    )


def _is_prose(line: str) -> bool:
    return len(line) > MAX_TITLE_CHARS or bool(re.search(r"[，,。；;]", line))
