"""Numbers as written in Chinese prose: Arabic, Chinese numerals, 万/亿, 百分之…"""

from __future__ import annotations

import re
import unicodedata

import cn2an

ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
CHINESE = r"[零〇一二两三四五六七八九十百千万亿]+"
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}


def to_number(text: str) -> int | float:
    """ "1,234" → 1234, "1.5" → 1.5, "二十九" → 29, "两" → 2, "1.2万" → 12000."""
    s = unicodedata.normalize("NFKC", text).replace(",", "")
    multiplier = 1
    if s and s[-1] in MULTIPLIERS and re.fullmatch(rf"{ARABIC}[万亿]", s):
        multiplier, s = MULTIPLIERS[s[-1]], s[:-1]
    if re.fullmatch(r"\d+", s):
        return int(s) * multiplier
    if re.fullmatch(r"\d+\.\d+", s):
        value = float(s) * multiplier
        return int(value) if multiplier > 1 and value.is_integer() else value
    value = cn2an.cn2an(s.replace("〇", "零"), "smart")
    return int(value) if float(value).is_integer() else value


def percent_to_number(text: str) -> int | float:
    """ "56%" → 56, "百分之百" → 100, "百分之五十六" → 56."""
    s = unicodedata.normalize("NFKC", text).rstrip("%")
    if s.startswith("百分之"):
        s = s[len("百分之") :]
        s = "一百" if s == "百" else s
    return to_number(s)
