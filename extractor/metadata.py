"""The reporting body and the report year, where the document states them."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence

TITLE_WORDS = r"(政府信息公开|政务公开|信息公开)(工作)?(年度)?(工作)?报告"
YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度?")
TITLE = re.compile(TITLE_WORDS)
PERIOD = re.compile(r"统计期限为\s*((?:19|20)\d{2})\s*年")
CRAWLER_FIELDS: dict[str, re.Pattern[str]] = {
    "title": re.compile(r"^标题[:：]\s*(.+)$"),
    "agency": re.compile(r"^发布机构[:：]\s*(.+)$"),
}
# A body that does not name itself in the title often names its own guide.
OWN_GUIDE = re.compile(r"《([^《》]{4,40}?)政府信息公开指南》")
BRACKETED_AGENCY = re.compile(r"^[（(](.{2,40})[）)]$")
AGENCY_SUFFIX = re.compile(
    r"(人民政府|办公室|办事处|街道|委员会|局|厅|委|办|院|中心|管委会|政府|[省市县区州盟旗镇乡])$"
)
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


def find_agency(preamble: Sequence[str]) -> str | None:
    lines = _title_lines(preamble)
    for line in lines:
        if m := CRAWLER_FIELDS["title"].match(line):
            lines = [m.group(1), *lines]
            break
    for i, line in enumerate(lines):
        if not TITLE.search(line):
            continue
        name = _agency_in_title(line)
        if name:
            return name
        for nxt in lines[i + 1 : i + 2]:
            if m := BRACKETED_AGENCY.match(nxt):
                return m.group(1)
        if i > 0 and AGENCY_SUFFIX.search(lines[i - 1]) and len(lines[i - 1]) <= 40:
            return lines[i - 1]
    for line in lines:
        if m := CRAWLER_FIELDS["agency"].match(line):
            return m.group(1).strip()
    return None


def find_agency_in_text(text: str) -> str | None:
    """Fallback: the body named in 《…政府信息公开指南》 (its own guide)."""
    m = OWN_GUIDE.search(text)
    return m.group(1) if m else None


def _agency_in_title(line: str) -> str | None:
    """The words around the year: 某某局2020年…报告 or 2020年某某局…报告."""
    head = TITLE.split(line)[0]
    head = re.sub(r"^标题[:：]\s*", "", head)
    parts = [_unbracket(p.strip(" 　")) for p in YEAR_IN_TITLE.split(head)]
    words = [p for p in parts if p and not re.fullmatch(r"(19|20)\d{2}", p)]
    name = next((w for w in words if AGENCY_SUFFIX.search(w) or len(w) >= 4), None)
    return name


def _unbracket(text: str) -> str:
    m = BRACKETED_AGENCY.match(text)
    return m.group(1) if m else text
