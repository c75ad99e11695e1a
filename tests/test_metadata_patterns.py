"""The body's name from the first sentences: the words a line is tested for first only skip work.

extractor.metadata tests a line for words (报告如下; 编制 or 向社会公布) before it runs the first-sentence
patterns that open with a name, which would otherwise be tried at every character of a paragraph.  Here
the words are shown to be in every match of their pattern, and the names found with the test are the
names found without it, on the sample corpus, the real reports beside this checkout and sentences
written for the purpose.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from extractor import parse_path
from extractor.metadata import (
    SENTENCE_PATTERN_WORDS,
    agency_from_sentences,
)
from tests.conftest import REALDOCS, ROOT, SEEDS

EDGES = (
    "根据《条例》规定，现将某某县人民政府2023年政府信息公开工作情况报告如下。",
    "根据上级要求，某某镇人民政府编制2022年度政府信息公开工作年度报告。",
    "按照统一部署，某某区教育局向社会公布本年度报告，请予监督。",
    "本年度信息公开工作稳步推进，群众满意度进一步提高，现报告如下。",
)


def paragraph_sets() -> list[list[str]]:
    paths = sorted((ROOT / "corpus" / "sample").glob("*.txt"))
    paths += [p for folder in (SEEDS, REALDOCS) if folder.exists() for p in sorted(folder.rglob("*.txt"))]
    found = [list(EDGES), *([edge] for edge in EDGES)]
    for path in paths:
        try:
            report = parse_path(path)
        except Exception:  # not a report (a README): nothing to read
            continue
        found.append([line for section in report.sections for line in section.text.splitlines()][:60])
    return found


def every_pattern_tried(lines: Sequence[str]) -> str | None:
    """:func:`agency_from_sentences` without the test of the words."""
    return agency_from_sentences(lines, may_match=lambda pattern, line: True)


@pytest.fixture(scope="module")
def paragraphs() -> list[list[str]]:
    return paragraph_sets()


def test_the_words_are_in_every_match_of_their_pattern(paragraphs: list[list[str]]) -> None:
    seen = 0
    for pattern, words in SENTENCE_PATTERN_WORDS.items():
        for line in (line for lines in paragraphs for line in lines):
            for m in pattern.finditer(line):
                assert any(word in m.group(0) for word in words), (words, m.group(0))
                seen += 1
    assert seen >= len(SENTENCE_PATTERN_WORDS)  # the edges at least match each pattern


def test_the_names_are_those_every_pattern_finds(paragraphs: list[list[str]]) -> None:
    named = 0
    for lines in paragraphs:
        found = agency_from_sentences(lines)
        assert found == every_pattern_tried(lines), lines[:2]
        named += found is not None
    assert named >= len(EDGES) - 1
