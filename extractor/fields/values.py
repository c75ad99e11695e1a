"""Turn a cell's text into a value, exactly as fields.md says.

blank → None; a lone dash → 0; 减5 → -5, 增加7 → 7, +8 → 8; full-width digits
and thousands separators are read; 5030元 → 5030 with unit 元; a count's measure word is
dropped (5件 → 5), and so is noise around the number (``? 0``, ``0（无）``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

Number = int | float

DASHES = frozenset({"-", "—", "——", "–", "－", "/", "／", "\\", "—-", "--", "无", "〇"})
SIGN_WORDS: tuple[tuple[str, int], ...] = (
    ("增加", 1),
    ("增长", 1),
    ("新增", 1),
    ("增", 1),
    ("减少", -1),
    ("下降", -1),
    ("减", -1),
    ("+", 1),
    ("-", -1),
)
UNITS = ("万元", "元", "亿元")
# Measure words a count cell may carry (5件, 12条): the number is the count; nothing is kept.
COUNT_WORDS = ("人次", "件", "条", "个", "项", "次", "份", "家")
# What a converter or a hurried writer leaves around a number: a lost character shown as "?",
# a bracketed gloss after it (0（无）).
CELL_NOISE = re.compile(r"^[?？]+|[?？]+$|\([^()]*\)$")
NUMBER = re.compile(r"^\d+(\.\d+)?$")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(\D|$))")


@dataclass(frozen=True)
class CellValue:
    """A parsed cell: ``value`` None means blank; ``unit`` only for money."""

    value: Number | None
    unit: str | None = None


class NotANumber(ValueError):
    """The cell holds words, not a value."""


SPACES = re.compile(r"\s+")


@lru_cache(maxsize=16384)
def normalise_cell_text(text: str) -> str:
    """Full-width forms to ASCII, all kinds of space removed (cached: tables repeat their labels)."""
    return SPACES.sub("", unicodedata.normalize("NFKC", text))


def parse_cell(text: str) -> CellValue:
    """Read one table cell; raise :class:`NotANumber` for a label or a sentence."""
    s = normalise_cell_text(text)
    if s == "":
        return CellValue(None)
    if s in DASHES or set(s) <= {"-", "—", "－", "–"}:
        return CellValue(0)
    s = CELL_NOISE.sub("", s) or s
    unit = next((u for u in UNITS if s.endswith(u)), None)
    if unit:
        s = s[: -len(unit)]
    count_word = next((w for w in COUNT_WORDS if s.endswith(w) and len(s) > len(w)), None)
    if count_word:
        s = s[: -len(count_word)]
    sign = 1
    for word, word_sign in SIGN_WORDS:
        if s.startswith(word) and len(s) > len(word):
            s, sign = s[len(word) :], word_sign
            break
    s = THOUSANDS.sub("", s)
    if not NUMBER.match(s):
        raise NotANumber(text)
    number: Number = float(s) if "." in s else int(s)
    return CellValue(sign * number, unit)


def is_value_cell(text: str) -> bool:
    """True for cells that hold a value (or are blank or a dash)."""
    try:
        parse_cell(text)
    except NotANumber:
        return False
    return True
