"""Bring a section copied from anywhere to one form before it is scored.

Web mirrors serve the same report in traditional characters, with stray markup
(``<p>``, ``&nbsp;``) or in full-width forms.  Scoring the raw text would let
such accidents move the score, so every text is normalised first: HTML tags and
entities out, OpenCC ``t2s`` (character-level, so 信息 stays 信息 and a
simplified original comes back unchanged), NFKC, then whitespace tidied line by
line.  Training applies the same function, so the model only ever sees this form.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache, lru_cache

import opencc

from models import element_lexicons as lexicons

OPENCC_CONFIG = "t2s"
BLOCK_TAGS = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|p|div|li|tr)\b[^>]*>", re.IGNORECASE)
DROPPED_ELEMENTS = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^<>]{0,400}>")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
SPACES = re.compile(r"[ \t\u00a0\u3000]+")
# Spaces between two CJK characters are layout, not content.
CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff]) +(?=[\u3000-\u9fff])|(?<=[\u3000-\u9fff]) +(?=[,.;:!?])")
BLANK_LINES = re.compile(r"\n{2,}")
# A line that must start on its own: an enumerated item or a chapter number.
OPENS_ITEM = re.compile(rf"^(?:{lexicons.ENUMERATION}|[一二三四五六七八九十]+、)")
HEADING_WORDS = re.compile("|".join(map(re.escape, lexicons.MEASURE_HEADINGS + lexicons.PROBLEM_HEADINGS)))
# As models.elements.MAX_HEADING_CHARS: a heading line is no longer than this.
MAX_HEADING_LINE = 16
SENTENCE_DONE = re.compile(r"[。;:!?]$")
NOT_HEADING_START = re.compile(r"[,;:。、!?)]")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC(OPENCC_CONFIG)


def strip_markup(text: str) -> str:
    """Tags out (block tags become line breaks), entities decoded; plain text passes unchanged."""
    if "<" not in text and "&" not in text:
        return text
    text = COMMENT.sub("", text)
    text = DROPPED_ELEMENTS.sub("", text)
    text = BLOCK_TAGS.sub("\n", text)
    text = TAG.sub("", text)
    return html.unescape(text)


@lru_cache(maxsize=2)
def normalize_text(text: str) -> str:
    """The canonical form every scorer and the training read.  The last texts are kept: an audit
    normalises its problems section twice, for the completeness model and for the signature."""
    text = strip_markup(text)
    text = _converter().convert(text)
    text = unicodedata.normalize("NFKC", text)
    lines = (CJK_GAP.sub("", SPACES.sub(" ", line)).strip() for line in text.replace("\r", "\n").split("\n"))
    return reflow([line for line in lines if line])


def _heading(line: str) -> bool:
    """A short line naming a part ("(二)改进措施", "存在问题:"), not the end of a wrapped sentence
    (which opens with a clause mark or closes with 。)."""
    return (
        len(line) <= MAX_HEADING_LINE
        and bool(HEADING_WORDS.search(line))
        and not line.endswith("。")
        and not NOT_HEADING_START.match(line)
    )


def reflow(lines: list[str]) -> str:
    """Undo hard wraps: a line that stops mid-sentence runs on into the next, unless either is a
    heading or the next opens an item or a chapter."""
    out: list[str] = []
    for line in lines:
        if out and not SENTENCE_DONE.search(out[-1]) and not _heading(out[-1]) and not _opens_part(line):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def _opens_part(line: str) -> bool:
    return bool(OPENS_ITEM.match(line)) or _heading(line)
