"""Split a document's paragraphs into the report's top-level sections.

A top-level heading is a short paragraph with a numbering prefix in the
document's top-level style (一、 in most reports; "6、" misnumbered among them
is accepted too).  Sub-headings such as （一）主动公开情况 inside 总体情况 are
not sections, unless the whole document numbers its sections （一）（二）….
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractor.document import Section
from extractor.formats import DEFAULT_FORMAT, load_format

# Each standard section by the pattern its heading is recognised by, from the formats' definition
# (both formats share their sections).
SECTION_TITLES: tuple[tuple[str, str], ...] = tuple(
    (section.id, section.pattern) for section in load_format(DEFAULT_FORMAT).sections
)
NUMBERING_STYLES: tuple[tuple[str, str], ...] = (
    ("cn", r"[一二三四五六七八九十]{1,3}\s*[、.．，,]"),
    ("digit", r"\d{1,2}\s*[、．]|\d{1,2}\.(?!\d)"),
    ("paren", r"[（(][一二三四五六七八九十]{1,3}[）)]"),
    ("part", r"第[一二三四五六七八九十]{1,3}部分"),
)
MAX_HEADING_CHARS = 40
SENTENCE_END = re.compile(r"[。；;！？]")
# A style is its family and its separator: "1、" headings and "1．" list items differ.
SEPARATORS = {"、": "、", "，": "、", ",": "、", ".": ".", "．": "."}
# Styles accepted as strays beside a top-level style (a misnumbered "6、" among 一、).
STRAY_STYLES = {"cn、": {"digit、"}, "cn.": {"digit、"}}


@dataclass(frozen=True)
class Heading:
    index: int
    style: str
    prefix: str
    title: str
    section_id: str | None


# A Markdown heading's marks before the numbering (## 一、总体情况): text converted from a PDF or a page.
MARKDOWN_HEADING = r"(?:#{1,6}\s*)?"


def numbering_style(text: str) -> tuple[str, str, str] | None:
    """The numbering style of a heading-like line, its numbering and the title after it."""
    for family, pattern in NUMBERING_STYLES:
        if m := re.match(rf"^\s*{MARKDOWN_HEADING}({pattern})\s*", text):
            prefix = m.group(1).strip()
            return family + SEPARATORS.get(prefix[-1], ""), prefix, text[m.end() :].strip()
    return None


def section_id_of(title: str) -> str | None:
    return next((sid for sid, pattern in SECTION_TITLES if re.search(pattern, title)), None)


def find_headings(paragraphs: Sequence[str]) -> list[Heading]:
    candidates = []
    for i, text in enumerate(paragraphs):
        if len(text) > MAX_HEADING_CHARS:
            continue
        numbered = numbering_style(text)
        if numbered is None:
            continue
        style, prefix, title = numbered
        if not title or (SENTENCE_END.search(title.rstrip("。")) and len(title) > 20):
            continue
        candidates.append(Heading(i, style, prefix, title.rstrip("。：:"), section_id_of(title)))
    top = top_level_style(candidates)
    if top is None:
        return []
    strays = STRAY_STYLES.get(top, set())
    return [h for h in candidates if h.style == top or (h.style in strays and _is_stray_heading(h))]


def _is_stray_heading(heading: Heading) -> bool:
    """A misnumbered heading ("6、 监督保障制度") among 一、 headings: a short title, no sentence."""
    return len(heading.title) <= 20 and not re.search(r"[，,。；;]", heading.title)


def top_level_style(candidates: Sequence[Heading]) -> str | None:
    """The style of the heading that names 总体情况, else of the first standard heading."""
    for wanted in ("overview", None):
        for h in candidates:
            if (wanted and h.section_id == wanted) or (wanted is None and h.section_id):
                return h.style
    return None


def split_sections(paragraphs: Sequence[str]) -> tuple[list[Section], list[str]]:
    """Sections in order, and the paragraphs before the first heading (title, preamble)."""
    headings = _drop_nested_repeats(find_headings(paragraphs))
    if not headings:
        return [], list(paragraphs)
    sections = []
    for h, nxt in zip(headings, [*headings[1:], None], strict=True):
        end = nxt.index if nxt else len(paragraphs)
        body = "\n".join(paragraphs[h.index + 1 : end])
        title = re.sub(rf"^\s*{MARKDOWN_HEADING}", "", paragraphs[h.index]).strip()
        sections.append(Section(id=h.section_id, title=title, text=body))
    return _unique_ids(sections), list(paragraphs[: headings[0].index])


def _drop_nested_repeats(headings: list[Heading]) -> list[Heading]:
    """Keep sub-headings of the same style that repeat a section id inside its section as text."""
    kept: list[Heading] = []
    seen: set[str] = set()
    for h in headings:
        if h.section_id and h.section_id in seen and h.style != "cn":
            continue
        kept.append(h)
        if h.section_id:
            seen.add(h.section_id)
    return kept


def _unique_ids(sections: list[Section]) -> list[Section]:
    """A second section claiming an id already taken keeps its title but loses the id."""
    seen: set[str] = set()
    out = []
    for s in sections:
        if s.id and s.id in seen:
            s = Section(id=None, title=s.title, text=s.text)
        if s.id:
            seen.add(s.id)
        out.append(s)
    return out
