"""One small training run end to end (the committed artifact is what the other tests load)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.artifact import load_model
from models.completeness import score_section
from models.meta import META_FILE, MODEL_FILE, MODEL_VERSION
from models.train import DEFAULT_DATA, load_dataset, train

SMALL = 80


def small_corpus(path: Path) -> Path:
    rows = [json.loads(line) for line in DEFAULT_DATA.read_text(encoding="utf-8").splitlines()]
    picked = [r for label in range(4) for r in [r for r in rows if r["label"] == label][: SMALL // 4]]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in picked), encoding="utf-8")
    return path


def test_train_small_then_score(tmp_path: Path) -> None:
    data = small_corpus(tmp_path / "small.jsonl")
    result = train(data, tmp_path / "model", seed=3, folds=3, with_real=False)
    assert (tmp_path / "model" / MODEL_FILE).is_file()
    meta = json.loads((tmp_path / "model" / META_FILE).read_text(encoding="utf-8"))
    assert meta["model_version"] == MODEL_VERSION and meta["data"]["sections"] == SMALL
    assert meta["seed"] == 3 and len(result.cv.macro_f1) == 3
    assert -1 <= result.cv.spearman <= 1
    model = load_model(tmp_path / "model")
    assert score_section("无", model).label == 0


def test_rows_without_a_label_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "无", "label": 7}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="label"):
        load_dataset(path)
