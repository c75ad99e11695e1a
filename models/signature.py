"""A section's MinHash signature, as every audited document stores it (GK602 compares them across a corpus).

The values are datasketch's ``MinHash(num_perm, seed).update_batch(shingles)`` under its default
"affine32" scheme (SHA-1's first 32 bits of each shingle, the MurmurHash3 finalizer, then
``a·h + b`` modulo 2³² for each permutation), computed here with numpy so that auditing one document
does not import datasketch, whose package imports its LSH and with it scipy.integrate (most of a second
of every ``gkaudit check``).  :mod:`models.similarity` builds datasketch's MinHash and LSH from these
values; a test holds them equal to datasketch's own.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache

import numpy as np

from models.normalize import normalize_text

SHINGLE_CHARS = 5
NUM_PERM = 128
# "无", "本年度无此类情况。": identical everywhere and not worth calling a copy.
MIN_CHARS = 30
MINHASH_SEED = 1
NOT_CONTENT = re.compile(r"[\s\W_]+")
EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's value of a permutation no shingle reached
FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def content_chars(text: str) -> str:
    """The normalised text with punctuation and spaces removed: what shingles are cut from."""
    return NOT_CONTENT.sub("", normalize_text(text))


def shingles(text: str, size: int = SHINGLE_CHARS) -> set[str]:
    """Character shingles of the normalised text with punctuation and spaces removed."""
    return _shingles_of(content_chars(text), size)


def _shingles_of(chars: str, size: int) -> set[str]:
    if len(chars) <= size:
        return {chars} if chars else set()
    return {chars[i : i + size] for i in range(len(chars) - size + 1)}


def long_enough(text: str) -> bool:
    return len(content_chars(text)) >= MIN_CHARS


@cache
def permutations(num_perm: int, seed: int = MINHASH_SEED) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations (odd ``a``, any ``b``) drawn as datasketch draws them for this seed."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = FMIX32
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def signature_values(text: str, num_perm: int = NUM_PERM) -> np.ndarray:
    """The MinHash values (uint32, one per permutation) of the text's shingles."""
    return _values_of(content_chars(text), num_perm)


def _values_of(chars: str, num_perm: int) -> np.ndarray:
    # Each shingle's SHA-1, first 4 bytes read little-endian; joined and read by numpy in one go.
    digests = b"".join([hashlib.sha1(s.encode("utf-8")).digest()[:4] for s in _shingles_of(chars, SHINGLE_CHARS)])
    if not digests:
        return np.full(num_perm, EMPTY, dtype=np.uint32)
    a, b = permutations(num_perm)
    permuted = _fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32)).reshape(-1, 1) * a
    permuted += b
    return permuted.min(axis=0)


def stored_signature(text: str, num_perm: int = NUM_PERM) -> str | None:
    """A section's signature as text to store with its document (base64 of its 32-bit hash values), so that
    comparing a corpus needs no second pass over every text; None for a section too short to compare."""
    chars = content_chars(text)  # normalised once: the length test and the shingles read the same
    if len(chars) < MIN_CHARS:
        return None
    return base64.b64encode(_values_of(chars, num_perm).astype("<u4").tobytes()).decode("ascii")
