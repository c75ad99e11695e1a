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
from functools import cache

import opencc

OPENCC_CONFIG = "t2s"
BLOCK_TAGS = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|p|div|li|tr)\b[^>]*>", re.IGNORECASE)
DROPPED_ELEMENTS = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^<>]{0,400}>")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
SPACES = re.compile(r"[ \t\u00a0\u3000]+")
# Spaces between two CJK characters are layout, not content.
CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff]) +(?=[\u3000-\u9fff])|(?<=[\u3000-\u9fff]) +(?=[,.;:!?])")
BLANK_LINES = re.compile(r"\n{2,}")


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


def normalize_text(text: str) -> str:
    """The canonical form every scorer and the training read."""
    text = strip_markup(text)
    text = _converter().convert(text)
    text = unicodedata.normalize("NFKC", text)
    lines = (CJK_GAP.sub("", SPACES.sub(" ", line)).strip() for line in text.replace("\r", "\n").split("\n"))
    return BLANK_LINES.sub("\n", "\n".join(lines)).strip()
