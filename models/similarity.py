"""Near-copies among sections: MinHash over character shingles, candidates from LSH.

A body that pastes last year's 存在的主要问题及改进情况, or another body's, changes a
year and a name and little else.  Character shingles of the normalised text see
through that, and MinHash LSH finds the candidates without comparing every pair;
each candidate's Jaccard similarity is then estimated from the two signatures and
kept when it reaches the threshold.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from models.signature import MINHASH_SEED, NUM_PERM, long_enough, signature_values, stored_signature

DEFAULT_THRESHOLD = 0.6

__all__ = [
    "DEFAULT_THRESHOLD",
    "build_index",
    "find_similar",
    "index_signatures",
    "read_signature",
    "signature",
    "similar_pairs",
    "similar_to",
    "stored_signature",  # models.signature's, for the modules that compare stored signatures
]


@dataclass(frozen=True)
class SimilarityIndex:
    """Signatures of a set of sections, and the LSH that finds candidate pairs."""

    signatures: dict[str, MinHash]
    lsh: MinHashLSH
    threshold: float


@cache
def _prototype(num_perm: int) -> MinHash:
    """An empty MinHash of the seed: its permutations are drawn once, not anew for every signature."""
    return MinHash(num_perm=num_perm, seed=MINHASH_SEED)


def signature(text: str, num_perm: int = NUM_PERM) -> MinHash:
    """datasketch's MinHash of the text's shingles, with the values :func:`signature_values` computes."""
    prototype = _prototype(num_perm)
    values = signature_values(text, num_perm)
    return MinHash(seed=MINHASH_SEED, hashvalues=values, permutations=prototype.permutations, scheme=prototype.scheme)


def read_signature(stored: str) -> MinHash:
    """The MinHash of :func:`stored_signature`'s text."""
    values = np.frombuffer(base64.b64decode(stored), dtype="<u4")
    prototype = _prototype(len(values))
    return MinHash(seed=MINHASH_SEED, hashvalues=values, permutations=prototype.permutations, scheme=prototype.scheme)


def build_index(
    sections: Mapping[str, str], threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM
) -> SimilarityIndex:
    signatures = {key: signature(text, num_perm) for key, text in sections.items() if long_enough(text)}
    return index_signatures(signatures, threshold, num_perm)


def index_signatures(
    signatures: Mapping[str, MinHash], threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM
) -> SimilarityIndex:
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    signatures = dict(signatures)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for key, minhash in signatures.items():
        lsh.insert(key, minhash)
    return SimilarityIndex(signatures, lsh, threshold)


def similar_to(index: SimilarityIndex, text: str, exclude: str | None = None) -> list[tuple[str, float]]:
    """(id, estimated Jaccard) of the indexed sections at or above the threshold, most similar first."""
    if not long_enough(text):
        return []
    return _similar(index, signature(text, index.lsh.h), exclude)


def _similar(index: SimilarityIndex, query: MinHash, exclude: str | None) -> list[tuple[str, float]]:
    pairs = [
        (key, round(float(query.jaccard(index.signatures[key])), 3)) for key in index.lsh.query(query) if key != exclude
    ]
    return sorted((p for p in pairs if p[1] >= index.threshold), key=lambda p: (-p[1], p[0]))


def find_similar(
    sections: Mapping[str, str], threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM
) -> dict[str, list[tuple[str, float]]]:
    """For each section of the set, the other sections it nearly copies (or is copied by)."""
    return similar_pairs(build_index(sections, threshold, num_perm))


def similar_pairs(index: SimilarityIndex) -> dict[str, list[tuple[str, float]]]:
    """For each indexed section, the others at or above the index's threshold."""
    found = {key: _similar(index, minhash, exclude=key) for key, minhash in index.signatures.items()}
    return {key: pairs for key, pairs in found.items() if pairs}
