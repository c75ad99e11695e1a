"""The check's segmenter (jieba-rs inside spaCy) gives the words Python's jieba gives.

Both with the same domain terms, on every narrative sentence of the bundled
sample corpus and of the real reports.  The one known difference: jieba-rs
keeps a hyphenated number range ("2019-2020") as one word where jieba makes
three; it is split back before comparing, and it is a range of years, never a
count, so no claim depends on it.
"""

from __future__ import annotations

import re
from pathlib import Path

import jieba
import pytest

from extractor import parse_path
from extractor.nlp.pipeline import segment
from models.features import _jieba
from tests.conftest import REALDOCS, ROOT, SEEDS

SENTENCE = re.compile(r"[^。！？；\n]+")
NUMBER_RANGE = re.compile(r"^\d+(?:-\d+)+$")
READABLE_AS_TEXT = ("*.txt", "*.md", "*.html")


def narrative_sentences(path: Path) -> list[str]:
    report = parse_path(path)
    return [m.group() for section in report.sections for m in SENTENCE.finditer(section.text) if m.group().strip()]


def as_jieba_words(tokens: list[str]) -> list[str]:
    words: list[str] = []
    for token in tokens:
        words.extend(re.split(r"(-)", token) if NUMBER_RANGE.match(token) else [token])
    return [w for w in words if w.strip()]


def differing(paths: list[Path]) -> list[tuple[str, list[str], list[str]]]:
    python_jieba: jieba.Tokenizer = _jieba()
    found = []
    for path in paths:
        for sentence in narrative_sentences(path):
            ours = as_jieba_words([text for text, _ in segment(sentence)])
            theirs = [w for w in python_jieba.lcut(sentence) if w.strip()]
            if ours != theirs:
                found.append((sentence, ours, theirs))
    return found


def test_the_sample_corpus_is_segmented_as_jieba_does() -> None:
    paths = sorted((ROOT / "corpus" / "sample").glob("*.txt"))
    assert len(paths) >= 8
    assert differing(paths) == []


def test_the_real_reports_are_segmented_as_jieba_does() -> None:
    paths = [p for folder in (SEEDS, REALDOCS) if folder.exists() for g in READABLE_AS_TEXT for p in folder.rglob(g)]
    if not paths:
        pytest.skip("../shared is not beside this checkout")
    readable = [p for p in paths if p.name not in ("README.md", "SOURCE.md")]
    assert differing(readable) == []


def test_a_number_range_is_one_word_and_split_back_for_the_comparison() -> None:
    words = [text for text, _ in segment("2019-2020年度共收到申请29件")]
    assert "2019-2020" in words
    assert as_jieba_words(words)[:3] == ["2019", "-", "2020"]


def test_the_tokenizer_s_fast_path_builds_the_doc_spacy_aligns() -> None:
    """Text without whitespace skips spaCy's realignment (get_words_and_spaces): the words, spaces and offsets
    are what the realignment gives, on every sentence of the sample corpus and with spaces in the text."""
    from spacy.util import get_words_and_spaces

    from extractor.nlp.pipeline import get_nlp

    nlp = get_nlp()
    tokenizer = nlp.tokenizer
    sentences = [s for p in sorted((ROOT / "corpus" / "sample").glob("*.txt")) for s in narrative_sentences(p)]
    sentences += ["共收到申请 29 件", "一、总体情况\n\u3000本机关", ""]
    for sentence in sentences:
        doc = tokenizer(sentence)
        words, spaces = get_words_and_spaces([w for w in tokenizer.segmenter.cut(sentence) if w], sentence)
        assert [t.text for t in doc] == words and [bool(t.whitespace_) for t in doc] == spaces, sentence
        assert doc.text == sentence


def test_the_module_s_own_jieba_segments_as_a_new_one_with_the_same_terms() -> None:
    """The pipeline adds the domain terms to rjieba's module-level jieba (whose dictionary its import loads)
    instead of loading the dictionary again into a new instance: the words are the same."""
    import rjieba

    from extractor.nlp.pipeline import TERM_FREQUENCY, domain_terms, get_nlp

    fresh = rjieba.Jieba()
    for term in domain_terms():
        fresh.add_word(term, TERM_FREQUENCY, None)
    segmenter = get_nlp().tokenizer.segmenter
    sentences = [s for p in sorted((ROOT / "corpus" / "sample").glob("*.txt")) for s in narrative_sentences(p)]
    assert len(sentences) > 100
    assert [segmenter.cut(s) for s in sentences] == [fresh.cut(s) for s in sentences]
    assert segmenter.cut("依申请公开的政府信息公开申请") == ["依申请公开", "的", "政府信息公开", "申请"]
