"""Near-copies among sections: MinHash over character shingles, candidates from LSH.

A body that pastes last year's 存在的主要问题及改进情况, or another body's, changes a
year and a name and little else.  Character shingles of the normalised text see
through that, and MinHash LSH finds the candidates without comparing every pair;
each candidate's Jaccard similarity is then estimated from the two signatures and
kept when it reaches the threshold.

The index is numpy arrays, not datasketch objects: the signatures one array (a row
of ``NUM_PERM`` uint32 values a section, 512 bytes), each LSH band one array of
64-bit keys sorted once.  A section's candidates are the sections whose key equals
its own in some band, checked on the band's values themselves (two bands whose keys
collide find nothing more): exactly the candidates of datasketch's ``MinHashLSH``
with the same bands, and the similarity is its estimate (the share of equal values).
At 20,000 sections that is some 13 MB, where datasketch's MinHash objects and
byte-string keys took 63 MB; and the corpus checks import neither datasketch nor
the scipy its LSH imports.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from models.signature import MINHASH_SEED, NUM_PERM, long_enough, signature_values, stored_signature

DEFAULT_THRESHOLD = 0.6
# datasketch's MinHashLSH bands for a threshold, (bands, rows per band): ``_optimal_param(threshold, num_perm,
# 0.5, 0.5)``, which integrates with scipy; the thresholds in use are listed (a test holds them equal to it).
LSH_BANDS = {(0.6, 128): (18, 7), (0.8, 128): (9, 13)}
# A band's key: its values folded into 64 bits (odd multiplier, wrapping); equal keys are then checked on values.
BAND_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)

__all__ = [
    "DEFAULT_THRESHOLD",
    "SimilarityIndex",
    "band_rows",
    "build_index",
    "find_similar",
    "index_signatures",
    "lsh_bands",
    "read_signature",
    "signature",
    "similar_pairs",
    "similar_to",
    "similar_to_indexed",
    "stored_signature",  # models.signature's, for the modules that compare stored signatures
    "stored_values",
]


def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) as datasketch's MinHashLSH picks them for this threshold and signature length."""
    if (known := LSH_BANDS.get((threshold, num_perm))) is not None:
        return known
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def band_keys(values: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Each signature's key in each band: (signatures, bands) uint64."""
    cut = values[:, : bands * rows].reshape(len(values), bands, rows).astype(np.uint64)
    keys = np.zeros((len(values), bands), dtype=np.uint64)
    for column in range(rows):
        keys = keys * BAND_MULTIPLIER + cut[:, :, column]
    return keys


def band_rows(summaries: Iterable[Mapping[str, Any]], first: int, bands: int, rows: int) -> list[dict[str, Any]]:
    """The band rows (``workers.store.CorpusBand``) of result summaries (``result_id`` and ``corpus``, what
    ``extractor.checks.corpus.corpus_inputs`` keeps): each problems signature's key in each band, as a signed
    64-bit integer, its band numbered from ``first``.  A summary kept the section's text, not a signature, when
    its result was stored without one: the signature is made from it, as the corpus checks compare it."""
    found = []
    for summary in summaries:
        inputs = summary["corpus"]
        stored = inputs.get("signature") or (stored_signature(inputs["problems"]) if inputs.get("problems") else None)
        if stored:
            keys = band_keys(values_of(stored)[np.newaxis, :], bands, rows)[0].view(np.int64).tolist()
            rid = summary["result_id"]
            found += [{"band": first + band, "key": key, "result_id": rid} for band, key in enumerate(keys)]
    return found


@dataclass(frozen=True)
class SimilarityIndex:
    """Signatures of a set of sections, and their LSH bands sorted by key."""

    keys: tuple[str, ...]
    values: np.ndarray  # (sections, num_perm) uint32: a row per key
    threshold: float
    bands: int
    rows: int
    order: np.ndarray  # (bands, sections): each band's sections, by key
    sorted_keys: np.ndarray  # (bands, sections): each band's keys, sorted
    spans: np.ndarray  # (bands, sections, 2): where each section's key starts and ends in each sorted band
    row_of: dict[str, int] = field(repr=False)

    @property
    def num_perm(self) -> int:
        return self.values.shape[1]


@cache
def _prototype(num_perm: int) -> Any:
    """An empty datasketch MinHash of the seed: its permutations are drawn once, not anew for every signature."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=MINHASH_SEED)


def as_minhash(values: np.ndarray) -> Any:
    """datasketch's MinHash with these values (datasketch imported only here)."""
    from datasketch import MinHash

    prototype = _prototype(len(values))
    return MinHash(seed=MINHASH_SEED, hashvalues=values, permutations=prototype.permutations, scheme=prototype.scheme)


def signature(text: str, num_perm: int = NUM_PERM) -> Any:
    """datasketch's MinHash of the text's shingles, with the values :func:`signature_values` computes."""
    return as_minhash(signature_values(text, num_perm))


def stored_values(stored: str) -> np.ndarray:
    """The MinHash values of :func:`stored_signature`'s text."""
    return np.frombuffer(base64.b64decode(stored), dtype="<u4")


def read_signature(stored: str) -> Any:
    """datasketch's MinHash of :func:`stored_signature`'s text."""
    return as_minhash(stored_values(stored))


def values_of(found: Any) -> np.ndarray:
    """The values of a signature given as a stored text, its bytes, a datasketch MinHash or an array of values."""
    if isinstance(found, str):
        return stored_values(found)
    if isinstance(found, bytes):
        return np.frombuffer(found, dtype="<u4")
    return np.asarray(getattr(found, "hashvalues", found))


def build_index(
    sections: Mapping[str, str], threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM
) -> SimilarityIndex:
    values = {key: signature_values(text, num_perm) for key, text in sections.items() if long_enough(text)}
    return index_signatures(values, threshold, num_perm)


def index_signatures(
    signatures: Mapping[str, Any], threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM
) -> SimilarityIndex:
    """The index of these signatures (stored texts or their bytes, datasketch MinHashes, arrays of values)."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    keys = tuple(signatures)
    values = np.empty((len(keys), num_perm), dtype=np.uint32)
    for row, found in enumerate(signatures.values()):
        found = values_of(found)
        if len(found) != num_perm:
            raise ValueError(f"a signature of {len(found)} values in an index of {num_perm}")
        values[row] = found
    bands, rows = lsh_bands(threshold, num_perm)
    keyed = band_keys(values, bands, rows)
    order = np.argsort(keyed.T, axis=1, kind="stable")
    sorted_keys = np.take_along_axis(keyed.T, order, axis=1)
    spans = np.empty((bands, len(keys), 2), dtype=np.int64)
    for band in range(bands):
        spans[band, order[band], 0] = np.searchsorted(sorted_keys[band], sorted_keys[band], "left")
        spans[band, order[band], 1] = np.searchsorted(sorted_keys[band], sorted_keys[band], "right")
    row_of = {key: row for row, key in enumerate(keys)}
    return SimilarityIndex(keys, values, threshold, bands, rows, order, sorted_keys, spans, row_of)


def key_spans(index: SimilarityIndex, keys: np.ndarray) -> list[tuple[int, int]]:
    """Where each of a signature's band ``keys`` starts and ends in its sorted band."""
    return [
        (
            int(np.searchsorted(index.sorted_keys[band], key, "left")),
            int(np.searchsorted(index.sorted_keys[band], key, "right")),
        )
        for band, key in enumerate(keys)
    ]


def candidate_rows(index: SimilarityIndex, values: np.ndarray, spans: Any) -> np.ndarray:
    """The rows that share a band with a signature (its ``values``, where its keys are in each band), as
    datasketch's query finds them."""
    found = [index.order[band, low:high] for band, (low, high) in enumerate(spans) if high > low]
    if not found:
        return np.empty(0, dtype=np.intp)
    rows = np.unique(np.concatenate(found))
    width = index.bands * index.rows
    cut = index.values[rows, :width].reshape(len(rows), index.bands, index.rows)
    same_band = (cut == values[:width].reshape(index.bands, index.rows)).all(axis=2).any(axis=1)
    return rows[same_band]


def similar_rows(index: SimilarityIndex, values: np.ndarray, spans: Any) -> list[tuple[str, float]]:
    """(id, estimated Jaccard rounded to 3 places) of the candidates at or above the threshold, unordered."""
    rows = candidate_rows(index, values, spans)
    equal = np.count_nonzero(index.values[rows] == values, axis=1) / np.float64(index.num_perm)
    pairs = ((index.keys[row], round(float(share), 3)) for row, share in zip(rows.tolist(), equal, strict=True))
    return [(key, share) for key, share in pairs if share >= index.threshold]


def similar_to_indexed(index: SimilarityIndex, key: str) -> list[tuple[str, float]]:
    """The other indexed sections at or above the threshold of the indexed section ``key``, unordered."""
    row = index.row_of[key]
    spans = index.spans[:, row]  # its own key's place in each band: no search
    if (spans[:, 1] - spans[:, 0] == 1).all():
        return []  # its key is its own in every band: no candidate
    spans = spans.tolist()
    return [pair for pair in similar_rows(index, index.values[row], spans) if pair[0] != key]


def similar_to(index: SimilarityIndex, text: str, exclude: str | None = None) -> list[tuple[str, float]]:
    """(id, estimated Jaccard) of the indexed sections at or above the threshold, most similar first."""
    if not long_enough(text):
        return []
    values = signature_values(text, index.num_perm)
    spans = key_spans(index, band_keys(values[np.newaxis, :], index.bands, index.rows)[0])
    return ranked(pair for pair in similar_rows(index, values, spans) if pair[0] != exclude)


def ranked(pairs: Any) -> list[tuple[str, float]]:
    return sorted(pairs, key=lambda p: (-p[1], p[0]))


def find_similar(
    sections: Mapping[str, str], threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM
) -> dict[str, list[tuple[str, float]]]:
    """For each section of the set, the other sections it nearly copies (or is copied by)."""
    return similar_pairs(build_index(sections, threshold, num_perm))


def similar_pairs(index: SimilarityIndex) -> dict[str, list[tuple[str, float]]]:
    """For each indexed section, the others at or above the index's threshold."""
    found = {key: ranked(similar_to_indexed(index, key)) for key in index.keys}
    return {key: pairs for key, pairs in found.items() if pairs}
