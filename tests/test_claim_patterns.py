"""The claim reader's shortcuts find what the plain patterns find.

extractor.nlp.claims puts a lookahead for the characters a match can start with in front of the
patterns that open with optional groups (NUMBER_MENTION, PERCENT_WORDS, the zero statements that open
with NO), and tests a sentence for 未/没/无 before it tries the zero statements on it.  Both only skip
work: here every match, and every sentence chosen for segmentation, is compared with what the plain
patterns give, on the sample corpus, the real reports when they are beside this checkout, and sentences
written for the edges (a change word, an approximation, full-width digits, 百分之, 全年无…).
"""

from __future__ import annotations

import re

import pytest

from extractor import parse_path
from extractor.nlp import claims
from tests.conftest import REALDOCS, ROOT, SEEDS

EDGES = (
    "较上年增加85件，下降56%，约100条，超过300余件，将近20场，大约3次。",
    "全年未发生行政复议，本年度无依申请公开，2023年度没有行政诉讼，无法提供，无需处理。",
    "共收到申请２９件，二十九件，两万余元，百分之五十六，增长了百分之十，减少百分之百。",
    "未收到政府信息公开申请；没有上年结转的申请；无结转至下一年度的申请；未制发规范性文件。",
    "未对依申请公开收取费用，未发生追究责任情况，没有收到投诉。第二十条，一次性告知，5个工作日。",
    "本机关未产生任何收费，没有接到举报。",
    "全年未发生因申请办理引起的投诉举报情况，无政府信息公开申请，暂无责任追究情况。",
    "2023年未转结政府信息公开申请，未转结2024年继续办理的申请。",
)


def texts() -> list[str]:
    paths = sorted((ROOT / "corpus" / "sample").glob("*.txt"))
    paths += [p for folder in (SEEDS, REALDOCS) if folder.exists() for p in sorted(folder.rglob("*.txt"))]
    found = list(EDGES)
    for path in paths:
        try:
            found += [s.text for s in parse_path(path).sections if s.text]
        except Exception:  # not a report (a README): nothing to compare
            continue
    return found


def matches(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


PLAIN_ZERO_STATEMENTS = tuple(
    re.compile(p.pattern.replace(claims.NO, claims.NO_WORDS)) for p, _ in claims.ZERO_STATEMENTS
)
PAIRS = [
    ("NUMBER_MENTION", claims.NUMBER_MENTION, re.compile(claims.NUMBER_MENTION_PATTERN)),
    ("PERCENT_WORDS", claims.PERCENT_WORDS, re.compile(claims.PERCENT_WORDS_PATTERN)),
    *(
        (f"zero statement {i}", pattern, plain)
        for i, ((pattern, _), plain) in enumerate(zip(claims.ZERO_STATEMENTS, PLAIN_ZERO_STATEMENTS, strict=True))
    ),
]


@pytest.fixture(scope="module")
def all_texts() -> list[str]:
    return texts()


@pytest.mark.parametrize(("name", "pattern", "plain"), PAIRS, ids=[name for name, _, _ in PAIRS])
def test_a_pattern_behind_its_lookahead_finds_what_it_finds_alone(
    all_texts: list[str], name: str, pattern: re.Pattern[str], plain: re.Pattern[str]
) -> None:
    assert pattern.pattern != plain.pattern or name.startswith("zero")  # most carry the lookahead
    found = 0
    for text in all_texts:
        got = matches(pattern, text)
        assert got == matches(plain, text), (name, text[:80])
        found += len(got)
    assert found > 0, name  # the texts exercise the pattern


def test_the_zero_statements_with_no_carry_the_lookahead() -> None:
    with_no = [p for p, _ in claims.ZERO_STATEMENTS if claims.NO_WORDS in p.pattern]
    assert len(with_no) == 2
    assert all(p.pattern.startswith(claims.NO) for p in with_no)


def plain_claim_sentences(text: str) -> list[tuple[int, int]]:
    """:func:`claims.claim_sentences` without the 未/没/无 test, every zero statement tried."""
    spans, start = [], 0
    for m in [*claims.SENTENCE_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        if claims.CAN_HOLD_CLAIM.search(text, start, end) or any(
            p.search(text, start, end) for p in PLAIN_ZERO_STATEMENTS
        ):
            spans.append((start, end))
        start = m.end() if m else end
    return spans


def test_the_sentences_chosen_for_segmenting_are_those_the_plain_patterns_choose(all_texts: list[str]) -> None:
    chosen = 0
    for text in all_texts:
        spans = claims.claim_sentences(text)
        assert spans == plain_claim_sentences(text), text[:80]
        chosen += len(spans)
    assert chosen > 0


def test_every_zero_statement_needs_a_negation() -> None:
    """What the 未/没/无 test rests on: with those three characters gone, no zero statement matches."""
    negated = [e for e in EDGES if any(p.search(e) for p, _ in claims.ZERO_STATEMENTS)]
    assert negated
    for text in negated:
        bare = re.sub("[未没无]", "", text)
        assert not any(p.search(bare) for p, _ in claims.ZERO_STATEMENTS), bare
