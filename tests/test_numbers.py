"""Chinese numerals: the usual ones are read without cn2an, and read as cn2an reads them.

cn2an's import compiles regular expressions for a fifth of a second, once per ``gkaudit check``
process, for numerals most reports never write; extractor.nlp.numbers reads the usual ones itself
and asks cn2an only about the rest.  Here the two readings are compared on every string of up to
four numeral characters, so that the shortcut can never change a value.
"""

from __future__ import annotations

import itertools

import cn2an
import pytest

from extractor.dates import number_of
from extractor.nlp.numbers import chinese_numeral, to_number, usual_chinese_numeral

NUMERAL_CHARACTERS = "零〇一二两三四五六七八九十百千"


def cn2an_reading(text: str) -> int | float | None:
    try:
        return cn2an.cn2an(text, "smart")
    except (ValueError, KeyError):  # what the claims' reader catches
        return None


def short_numerals(longest: int) -> list[str]:
    return [
        "".join(chars) for size in range(1, longest + 1) for chars in itertools.product(NUMERAL_CHARACTERS, repeat=size)
    ]


def test_what_is_read_without_cn2an_is_what_cn2an_reads() -> None:
    read = 0
    for text in short_numerals(4):
        value = usual_chinese_numeral(text)
        if value is not None:
            read += 1
            assert cn2an_reading(text) == value, text
            assert type(value) is int
    assert read > 5_000  # the shortcut reads most of them; what it leaves is cn2an's


def test_every_number_below_ten_thousand_as_cn2an_writes_it_is_read_without_cn2an() -> None:
    misread = [n for n in range(10_000) if usual_chinese_numeral(cn2an.an2cn(n)) != n]
    assert misread == []


@pytest.mark.parametrize("text", ["二〇二四", "两", "二十九", "十二", "一百零五", "三千零二十", "两千"])
def test_the_usual_forms(text: str) -> None:
    assert usual_chinese_numeral(text) == cn2an_reading(text) is not None


@pytest.mark.parametrize("text", ["一百五", "三万", "十二万三千", "一亿", "一百十", "二十零", "十零一", "零十", "百"])
def test_the_others_are_left_to_cn2an(text: str) -> None:
    assert usual_chinese_numeral(text) is None
    expected = cn2an_reading(text)
    if expected is None:
        with pytest.raises((ValueError, KeyError)):
            chinese_numeral(text)
    else:
        assert chinese_numeral(text) == expected


def test_claims_and_dates_read_numerals_through_it() -> None:
    assert to_number("二十九") == 29
    assert to_number("三万") == 30_000
    assert number_of("二〇二四") == 2024
    assert number_of("三十一") == 31
    assert number_of("十万八千里") is None
