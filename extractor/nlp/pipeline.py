"""The spaCy Chinese pipeline with jieba as its segmenter, built once per process.

No pretrained spaCy model can be installed here and none is needed: a blank
``zh`` pipeline whose tokenizer is jieba, with the domain terms of
``lexicon_terms.txt`` added so that 政府信息公开, 依申请公开, 予以公开 … stay whole.

The jieba inside is jieba-rs (the ``rjieba`` binding): jieba's algorithm and
dictionary, in Rust.  Segmentation was about 40 % of ``audit_report`` with the
Python jieba, and jieba-rs segments the same sentences about 20 times faster
(``bench/check_bench.py`` prints both).  Its words are jieba's, but that it
keeps a hyphenated number range ("2019-2020") as one word where jieba makes
three: a range of years, never a count (``tests/test_segmenter.py`` holds this
on every real and generated report).

Startup counts (``gkaudit check`` of a few hundred reports is a second of imports
otherwise): the segmenter is the ``rjieba`` module's own jieba, whose dictionary
the module loads as it is imported, with the domain terms added, rather than a
second instance that loads the dictionary again; and spaCy is imported without
its command line (:func:`import_spacy`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from extractor.nlp.lean_import import import_spacy

spacy = import_spacy()  # before the ``from spacy…`` imports below, which would import it whole

import rjieba  # noqa: E402  (its import loads jieba's dictionary into the module's own jieba)
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc  # noqa: E402
from spacy.util import get_words_and_spaces  # noqa: E402

if TYPE_CHECKING:
    from spacy.vocab import Vocab

TERMS_FILE = Path(__file__).with_name("lexicon_terms.txt")
# High enough that jieba keeps a domain term whole rather than splitting it.
TERM_FREQUENCY = 200_000
WHITESPACE = re.compile(r"\s")


def domain_terms() -> list[str]:
    lines = TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("#")]


class Segmenter(Protocol):
    """What the tokenizer asks of jieba-rs: an ``rjieba.Jieba``, or the ``rjieba`` module's own."""

    cut: Callable[[str], list[str]]


class JiebaTokenizer:
    """A spaCy tokenizer over jieba-rs, as spaCy's own jieba segmenter does it (whitespace kept by spaCy)."""

    def __init__(self, vocab: Vocab, segmenter: Segmenter) -> None:
        self.vocab = vocab
        self.segmenter = segmenter

    def __call__(self, text: str) -> Doc:
        words = [w for w in self.segmenter.cut(text) if w]
        if WHITESPACE.search(text) is None:  # nothing to realign: the words are the text, no space after any
            return Doc(self.vocab, words=words, spaces=[False] * len(words))
        words, spaces = get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)


def jieba_with_domain_terms() -> Segmenter:
    """The ``rjieba`` module's jieba (its dictionary is loaded once, by the import) with the domain terms.

    The same as a new ``rjieba.Jieba()`` with them (``tests/test_segmenter.py`` compares the two), without
    loading the dictionary a second time; adding a term again changes nothing.
    """
    for term in domain_terms():
        rjieba.add_word(term, TERM_FREQUENCY, None)
    return rjieba


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The pipeline; the first call loads jieba's dictionary (a fraction of a second)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.tokenizer = JiebaTokenizer(nlp.vocab, jieba_with_domain_terms())
    return nlp


def segment(text: str) -> list[tuple[str, int]]:
    """jieba tokens of ``text`` through the spaCy pipeline, with their character offsets."""
    return [(token.text, token.idx) for token in get_nlp()(text)]


def segment_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, int]]:
    """Tokens of the given stretches only, with offsets in ``text``; each stretch segmented on its own."""
    nlp = get_nlp()
    pieces = [text[start:end] for start, end in spans]
    return [
        (token.text, start + token.idx)
        for (start, _), doc in zip(spans, nlp.pipe(pieces), strict=True)
        for token in doc
    ]
