"""Copy detection: near-copies of a section among others, by MinHash over character shingles."""

from __future__ import annotations

import json
import random

import pytest

from corpus.problems_gen import DEFAULT_OUT
from models.similarity import (
    DEFAULT_THRESHOLD,
    build_index,
    find_similar,
    index_signatures,
    read_signature,
    signature,
    similar_pairs,
    similar_to,
    stored_signature,
)


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in DEFAULT_OUT.read_text(encoding="utf-8").splitlines()]


def near_copy(text: str, rng: random.Random) -> str:
    """What a lazy copy does: another year, another body, one short sentence dropped, a few words changed."""
    sentences = text.split("。")
    short = [i for i, s in enumerate(sentences) if 0 < i < len(sentences) - 1 and len(s) < len(text) / 8]
    if short:
        del sentences[rng.choice(short)]
    copied = "。".join(sentences).replace("2023", "2024").replace("我局", "本局").replace("进一步", "持续")
    return copied.replace("，", "；", 1)


def long_sections(rows: list[dict], count: int) -> dict[str, str]:
    chosen = [r for r in rows if len(r["text"]) > 200 and not r["case"].startswith("copy_prev")]
    return {r["id"]: r["text"] for r in chosen[:count]}


def test_near_copies_are_found_and_nothing_else(rows: list[dict]) -> None:
    rng = random.Random(5)
    originals = long_sections(rows, 120)
    copied = dict(list(originals.items())[:20])
    sections = dict(originals) | {f"{key}/copy": near_copy(text, rng) for key, text in copied.items()}
    found = find_similar(sections)
    for key in copied:
        assert [other for other, _ in found[f"{key}/copy"]] == [key]
        ((_, jaccard),) = found[key]
        assert DEFAULT_THRESHOLD <= jaccard <= 1.0
    assert set(found) == set(copied) | {f"{key}/copy" for key in copied}


def test_last_years_text_is_flagged(rows: list[dict]) -> None:
    copies = [r for r in rows if r["case"].startswith("copy_prev") and len(r["prev_year_text"]) > 60]
    assert len(copies) >= 10
    index = build_index({r["id"]: r["prev_year_text"] for r in copies})
    for row in copies:
        assert similar_to(index, row["text"])[0][0] == row["id"]


def test_same_body_different_years_is_not_a_copy(rows: list[dict]) -> None:
    pairs = [r for r in rows if r.get("prev_year_text") and not r["case"].startswith("copy_prev") and r["label"] == 3]
    assert pairs
    for row in pairs:
        assert not find_similar({"now": row["text"], "before": row["prev_year_text"]}, threshold=0.8)


def test_short_sections_are_not_compared() -> None:
    assert find_similar({"a": "无", "b": "无", "c": "本年度无此类情况。", "d": "本年度无此类情况。"}) == {}


def test_traditional_copy_is_a_copy(rows: list[dict]) -> None:
    import opencc

    text = long_sections(rows, 1).popitem()[1]
    found = find_similar({"a": text, "b": opencc.OpenCC("s2t").convert(text)})
    assert found["a"][0][0] == "b" and found["a"][0][1] >= 0.9


def test_threshold_is_validated() -> None:
    with pytest.raises(ValueError, match="threshold"):
        build_index({"a": "一" * 40}, threshold=0)


def test_a_stored_signature_reads_back_as_the_same_minhash(rows: list[dict]) -> None:
    text = long_sections(rows, 1).popitem()[1]
    stored = stored_signature(text)
    assert stored is not None and len(stored) < 700  # 128 hash values of 32 bits, in base64
    read = read_signature(stored)
    assert (read.hashvalues == signature(text).hashvalues).all()
    assert read.jaccard(signature(text)) == 1.0
    assert stored_signature("本年度无此类情况。") is None


def test_stored_signatures_find_what_the_texts_find(rows: list[dict]) -> None:
    rng = random.Random(7)
    originals = long_sections(rows, 30)
    sections = dict(originals) | {f"{key}/copy": near_copy(text, rng) for key, text in list(originals.items())[:5]}
    stored = {key: read_signature(s) for key, text in sections.items() if (s := stored_signature(text))}
    assert similar_pairs(index_signatures(stored)) == find_similar(sections)


def test_signature_values_are_datasketch_s_minhash(rows: list[dict]) -> None:
    """models.signature computes the MinHash with numpy (auditing one document imports no datasketch, whose
    package pulls in scipy): the values equal datasketch's own ``update_batch`` of the same shingles."""
    from datasketch import MinHash

    from models.signature import MINHASH_SEED, NUM_PERM, shingles, signature_values

    texts = [r["text"] for r in rows[:150]] + ["一是公开意识不强", "", "短"]
    for text in texts:
        expected = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)
        expected.update_batch([s.encode("utf-8") for s in shingles(text)])
        assert signature_values(text).tolist() == expected.hashvalues.tolist(), text[:40]


def test_band_rows_are_the_index_s_band_keys_made_from_a_signature_or_its_text(rows: list[dict]) -> None:
    """The stored band keys (workers.store.CorpusBand) are the keys the index sorts its bands by, read as signed
    64-bit integers; a summary without a signature gets them from its text, one too short none."""
    import numpy as np

    from models.similarity import band_keys, band_rows, stored_values

    text = next(iter(long_sections(rows, 1).values()))
    stored = stored_signature(text)
    summaries = [
        {"result_id": 7, "corpus": {"signature": stored, "problems": ""}},
        {"result_id": 8, "corpus": {"signature": None, "problems": text}},
        {"result_id": 9, "corpus": {"signature": None, "problems": "无"}},
    ]
    found = band_rows(summaries, 500, 9, 13)
    keys = band_keys(stored_values(stored)[np.newaxis, :], 9, 13)[0]
    expected = [int(np.int64(np.uint64(key).view(np.int64))) for key in keys]
    for rid in (7, 8):
        mine = [row for row in found if row["result_id"] == rid]
        assert [row["band"] for row in mine] == list(range(500, 509))
        assert [row["key"] for row in mine] == expected
    assert all(row["result_id"] != 9 for row in found)
    assert all(-(2**63) <= row["key"] < 2**63 for row in found) and any(row["key"] < 0 for row in found)
