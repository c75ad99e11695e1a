"""Numbers as written in Chinese prose: Arabic, Chinese numerals, 万/亿, 百分之…"""

from __future__ import annotations

import re
import unicodedata

ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
CHINESE = rf"[{NUMERAL_CHARS}]+"
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}
CHINESE_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
ZEROS = "零〇"
SMALL_UNITS = {"千": 1000, "百": 100, "十": 10}  # the places of a numeral below 10 000


def chinese_numeral(text: str) -> int | float:
    """The value of a Chinese numeral, as ``cn2an.cn2an(text, "smart")`` reads it.

    The usual ones (三, 两, 二十九, 一百零五, 二〇二四) are read here; cn2an, whose import compiles
    regular expressions for a fifth of a second, is imported only for the rest (万, 亿, spoken forms
    such as 一百五).  ``tests/test_numbers.py`` holds the two equal on every short numeral.
    """
    value = usual_chinese_numeral(text)
    if value is not None:
        return value
    import cn2an

    return cn2an.cn2an(text, "smart")


def usual_chinese_numeral(text: str) -> int | None:
    """A string of digits (二〇二四), or a numeral below 10 000 written the usual way; None otherwise."""
    if not text:
        return None
    if all(c in CHINESE_DIGITS for c in text):
        return int("".join(str(CHINESE_DIGITS[c]) for c in text))
    return _below_ten_thousand(text)


def _below_ten_thousand(text: str) -> int | None:
    """一千零五, 二十, 十二, 三百四十: digit-unit pairs whose places fall one at a time, or across one 零;
    a last digit only after 十 or a 零.  Anything else (一百五, 一百十, 零十, 二十零) is None."""
    total, place, digit, after_zero = 0, 0, None, False
    for c in text:
        if c in ZEROS:
            if digit is not None or after_zero or place in (0, 10):
                return None
            after_zero = True
        elif c in CHINESE_DIGITS:
            if digit is not None:
                return None
            digit = CHINESE_DIGITS[c]
        elif c in SMALL_UNITS:
            unit = SMALL_UNITS[c]
            if total and (unit >= place or (unit * 10 < place) != after_zero):
                return None
            if digit is None and not (unit == 10 and total == 0):
                return None
            total += (1 if digit is None else digit) * unit
            place, digit, after_zero = unit, None, False
        else:
            return None
    if digit is None:
        return None if after_zero else total
    return total + digit if place == 10 or after_zero else None


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
    value = chinese_numeral(s.replace("〇", "零"))
    return int(value) if float(value).is_integer() else value


def percent_to_number(text: str) -> int | float:
    """ "56%" → 56, "百分之百" → 100, "百分之五十六" → 56."""
    s = unicodedata.normalize("NFKC", text).rstrip("%")
    if s.startswith("百分之"):
        s = s[len("百分之") :]
        s = "一百" if s == "百" else s
    return to_number(s)
