"""Train the completeness classifier, cross-validate it, and write the artifact.

The model is a Pipeline: a FeatureUnion (the scaled elements) feeding a multinomial logistic regression
whose probabilities are calibrated by CalibratedClassifierCV (sigmoid, inner
stratified folds, one final classifier so the artifact stays small).  Everything
is seeded; the same data and seed give the same model and the same figures.

The classifier only places a section inside its label's band (models.completeness); the label
itself is the rubric over detected elements (models.rubric).  When ``../shared`` is beside the
checkout, the run also scores the real sections people labelled (models.real_eval: grouped CV
by body and the held-back test third, beside the annotators' own agreement) and GK602 on real
text, and records the figures in meta.json; without it, it says so and the artifact is the same.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy.stats import spearmanr
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from models import DEFAULT_TRAINING_DATA, DEFAULT_TRAINING_SEED
from models.artifact import ARTIFACT_DIR, DirectLinear
from models.completeness import LABELS, expected_score
from models.elements import FEATURE_NAMES
from models.features import build_features
from models.meta import LINEAR_KEY, META_FILE, MODEL_FILE, MODEL_VERSION
from models.normalize import normalize_text

DEFAULT_DATA = DEFAULT_TRAINING_DATA
DEFAULT_SEED = DEFAULT_TRAINING_SEED
CV_FOLDS = 5
CALIBRATION_FOLDS = 3
REGULARISATION_C = 4.0
MAX_ITER = 3000
VERSIONED_PACKAGES = ("scikit-learn", "numpy", "scipy", "joblib", "jieba", "opencc", "datasketch")


@dataclass(frozen=True)
class Dataset:
    ids: list[str]
    texts: list[str]  # normalised
    labels: np.ndarray
    sha256: str
    path: Path


@dataclass(frozen=True)
class CvScores:
    macro_f1: list[float]
    spearman: float

    @property
    def macro_f1_mean(self) -> float:
        return float(np.mean(self.macro_f1))


def load_dataset(path: Path = DEFAULT_DATA) -> Dataset:
    """The JSON Lines of labelled sections ({"id", "text", "label", ...}), texts normalised once."""
    raw = Path(path).read_bytes()
    rows = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
    bad = [r.get("id") for r in rows if r.get("label") not in LABELS or not isinstance(r.get("text"), str)]
    if bad:
        raise ValueError(f"{path}: rows without a text or a label in {LABELS}: {bad[:5]}")
    return Dataset(
        ids=[str(r["id"]) for r in rows],
        texts=[normalize_text(r["text"]) for r in rows],
        labels=np.asarray([r["label"] for r in rows]),
        sha256=hashlib.sha256(raw).hexdigest(),
        path=Path(path),
    )


def build_model(seed: int = DEFAULT_SEED) -> Pipeline:
    classifier = LogisticRegression(C=REGULARISATION_C, max_iter=MAX_ITER)
    calibrated = CalibratedClassifierCV(
        classifier,
        method="sigmoid",
        cv=StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=seed),
        ensemble=False,
    )
    return Pipeline([("features", build_features()), ("classifier", calibrated)])


def cross_validate(data: Dataset, seed: int = DEFAULT_SEED, folds: int = CV_FOLDS) -> CvScores:
    """Stratified k-fold: macro-F1 of each fold, Spearman of the out-of-fold scores against the labels."""
    texts = np.asarray(data.texts, dtype=object)
    scores = np.zeros(len(texts))
    f1s: list[float] = []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, data.labels):
        model = build_model(seed).fit(texts[train], data.labels[train])
        probabilities = model.predict_proba(texts[test])
        classes = model.classes_
        f1s.append(float(f1_score(data.labels[test], classes[probabilities.argmax(axis=1)], average="macro")))
        scores[test] = expected_score(probabilities, classes)
    return CvScores(macro_f1=[round(f, 4) for f in f1s], spearman=round(float(spearmanr(scores, data.labels)[0]), 4))


def fit_final(data: Dataset, seed: int = DEFAULT_SEED) -> Pipeline:
    return build_model(seed).fit(np.asarray(data.texts, dtype=object), data.labels)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def build_meta(data: Dataset, model: Pipeline, cv: CvScores, seed: int) -> dict[str, Any]:
    return {
        "model_version": MODEL_VERSION,
        "label": "GUIDE.md level table over the rubric elements detected by rule (models.rubric)",
        "score": "25 x label + 25 x place in the band (mean of elements present / 6 and the classifier's expected "
        "label / 3)",
        "versions": {"python": platform.python_version()} | {p: _version(p) for p in VERSIONED_PACKAGES},
        "data": {
            "path": data.path.name,
            "sha256": data.sha256,
            "sections": len(data.texts),
            "labels": {str(k): int(v) for k, v in sorted(Counter(data.labels.tolist()).items())},
        },
        "features": {
            "elements": list(FEATURE_NAMES),
        },
        "classifier": {
            "estimator": "LogisticRegression",
            "C": REGULARISATION_C,
            "calibration": f"CalibratedClassifierCV(sigmoid, {CALIBRATION_FOLDS} folds, ensemble=False)",
        },
        "seed": seed,
        "cv": {
            "folds": CV_FOLDS,
            "stratified": True,
            "macro_f1": cv.macro_f1,
            "macro_f1_mean": round(cv.macro_f1_mean, 4),
            "spearman_score_label": cv.spearman,
        },
    }


def real_figures(model: Pipeline, meta: dict[str, Any]) -> dict[str, Any] | None:
    """The real-section figures of this model, or None when ../shared is absent."""
    from corpus.problems.real_sections import SHARED, real_sections
    from models.artifact import LoadedModel
    from models.real_eval import copy_figures, evaluate, real_report

    if not (SHARED / "seeds").exists():
        return None
    sections = real_sections(SHARED)
    return real_report(evaluate(sections, LoadedModel(model, meta))) | {"gk602": copy_figures(sections)}


def write_artifact(model: Pipeline, meta: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    linear = DirectLinear.of(model)
    if linear is not None:
        meta = meta | {LINEAR_KEY: linear.to_meta()}
    joblib.dump(model, out / MODEL_FILE, compress=3)
    (out / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class TrainResult:
    cv: CvScores
    meta: dict[str, Any]
    out: Path
    real: dict[str, Any] | None = None  # None: ../shared absent


def train(
    data_path: Path = DEFAULT_DATA,
    out: Path = ARTIFACT_DIR,
    seed: int = DEFAULT_SEED,
    folds: int = CV_FOLDS,
    with_real: bool = True,
) -> TrainResult:
    """Cross-validate, fit on all the data, write ``completeness.joblib`` and ``meta.json`` into ``out``."""
    data = load_dataset(data_path)
    cv = cross_validate(data, seed, folds)
    model = fit_final(data, seed)
    meta = build_meta(data, model, cv, seed)
    real = real_figures(model, meta) if with_real else None
    meta["real_sections"] = real if real is not None else "not measured: ../shared absent"
    write_artifact(model, meta, Path(out))
    return TrainResult(cv, meta, Path(out), real)
