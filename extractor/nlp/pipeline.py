"""The spaCy Chinese pipeline with jieba as its segmenter, built once per process.

No pretrained spaCy model can be installed here and none is needed: a blank
``zh`` pipeline whose tokenizer calls jieba, with the domain terms of
``lexicon_terms.txt`` added so that 政府信息公开, 依申请公开, 予以公开 … stay whole.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import jieba
import spacy
from spacy.language import Language

TERMS_FILE = Path(__file__).with_name("lexicon_terms.txt")
# High enough that jieba keeps a domain term whole rather than splitting it.
TERM_FREQUENCY = 200_000


def domain_terms() -> list[str]:
    lines = TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The pipeline; the first call loads jieba's dictionary (about a second)."""
    jieba.setLogLevel(logging.WARNING)
    for term in domain_terms():
        jieba.add_word(term, freq=TERM_FREQUENCY)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
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
