"""Where the trained model lives and how it is loaded: once per process, refused when stale.

The artifact is ``completeness.joblib`` (the fitted Pipeline) beside ``meta.json``
(library versions, features, data hash, cross-validated scores).  A pickle is only
as good as the scikit-learn that reads it, so the version recorded in meta.json is
checked *before* unpickling; any mismatch or unreadable file becomes a
:class:`ModelNotTrainedError` whose reason tells the user to run ``gkaudit train``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.pipeline import Pipeline

from models import ARTIFACT_DIR
from models.elements import FEATURE_NAMES, extract_elements

MODEL_FILE = "completeness.joblib"
META_FILE = "meta.json"
MODEL_VERSION = "completeness-2"
RETRAIN = "run `gkaudit train` to build it"


class ModelNotTrainedError(Exception):
    """The completeness model is missing or cannot be used here; ``reason`` says why and what to do."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class LoadedModel:
    pipeline: Pipeline
    meta: dict[str, Any]

    @property
    def classes(self) -> list[int]:
        return [int(c) for c in self.pipeline.classes_]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """The pipeline's calibrated probabilities, computed directly when its shape allows (elements →
        standard scaling → a sigmoid-calibrated logistic regression): the same numbers without
        scikit-learn's per-call validation and dispatch, half of a document's scoring time otherwise."""
        direct = self._direct
        if direct is None:
            return self.pipeline.predict_proba(np.asarray(texts, dtype=object))
        return direct.predict_proba(texts)

    @cached_property
    def _direct(self) -> DirectLinear | None:
        return DirectLinear.of(self.pipeline)


@dataclass(frozen=True)
class DirectLinear:
    """The numbers of a fitted elements → StandardScaler → CalibratedClassifierCV(LogisticRegression,
    sigmoid, ensemble=False) pipeline, applied with numpy."""

    columns: tuple[int, ...]  # the element features the extractor keeps, by index in FEATURE_NAMES
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    sigmoid_a: np.ndarray
    sigmoid_b: np.ndarray

    @classmethod
    def of(cls, pipeline: Pipeline) -> DirectLinear | None:
        try:
            union, calibrated = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
            (_, elements), *others = union.transformer_list
            extractor, scaler = elements.named_steps["elementsextractor"], elements.named_steps["standardscaler"]
            (inner,) = calibrated.calibrated_classifiers_
            logistic = inner.estimator
            sigmoid = [(c.a_, c.b_) for c in inner.calibrators]
        except (KeyError, AttributeError, ValueError, TypeError):
            return None
        if others or inner.method != "sigmoid" or type(logistic).__name__ != "LogisticRegression":
            return None
        names = [str(n) for n in extractor.feature_names_out_]
        return cls(
            tuple(FEATURE_NAMES.index(n) for n in names),
            np.asarray(scaler.mean_, dtype=float),
            np.asarray(scaler.scale_, dtype=float),
            np.asarray(logistic.coef_, dtype=float),
            np.asarray(logistic.intercept_, dtype=float),
            np.asarray([a for a, _ in sigmoid], dtype=float),
            np.asarray([b for _, b in sigmoid], dtype=float),
        )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        features = np.asarray([extract_elements(t).features() for t in texts], dtype=float)
        features = features.reshape(len(texts), len(FEATURE_NAMES))[:, list(self.columns)]
        decision = ((features - self.mean) / self.scale) @ self.coef.T + self.intercept
        probabilities = 1.0 / (1.0 + np.exp(self.sigmoid_a * decision + self.sigmoid_b))
        totals = probabilities.sum(axis=1, keepdims=True)
        uniform = np.full_like(probabilities, 1.0 / probabilities.shape[1])
        return np.where(totals > 0, probabilities / np.where(totals > 0, totals, 1.0), uniform)


def compatible_version(trained: str, installed: str = sklearn.__version__) -> bool:
    """Same scikit-learn major.minor: pickles are not promised to survive a minor release."""
    return trained.split(".")[:2] == installed.split(".")[:2]


def read_meta(directory: Path) -> dict[str, Any]:
    path = directory / META_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelNotTrainedError(f"completeness model not found ({path} is missing); {RETRAIN}") from None
    except (OSError, ValueError) as exc:
        raise ModelNotTrainedError(f"completeness model metadata {path} is unreadable ({exc}); {RETRAIN}") from None


def check_meta(meta: dict[str, Any], directory: Path) -> None:
    trained = str(meta.get("versions", {}).get("scikit-learn", "unknown"))
    if not compatible_version(trained):
        raise ModelNotTrainedError(
            f"completeness model in {directory} was trained with scikit-learn {trained} but {sklearn.__version__} "
            f"is installed; {RETRAIN} again"
        )
    if meta.get("model_version") != MODEL_VERSION:
        raise ModelNotTrainedError(
            f"completeness model in {directory} is version {meta.get('model_version')!r}, this gkaudit expects "
            f"{MODEL_VERSION!r}; {RETRAIN} again"
        )


def _unpickle(path: Path) -> Pipeline:
    if not path.is_file():
        raise ModelNotTrainedError(f"completeness model not found ({path} is missing); {RETRAIN}")
    try:
        pipeline = joblib.load(path)
    except Exception as exc:  # unpickling damaged bytes raises anything (KeyError, struct.error, ...)
        raise ModelNotTrainedError(
            f"completeness model {path} cannot be loaded ({type(exc).__name__}: {exc}); {RETRAIN} again"
        ) from None
    if not isinstance(pipeline, Pipeline) or not hasattr(pipeline, "predict_proba"):
        raise ModelNotTrainedError(f"completeness model {path} is not a scikit-learn Pipeline; {RETRAIN} again")
    return pipeline


@cache
def load_model(directory: Path = ARTIFACT_DIR) -> LoadedModel:
    """The trained model, loaded once per process (and per directory)."""
    directory = Path(directory)
    meta = read_meta(directory)
    check_meta(meta, directory)
    return LoadedModel(_unpickle(directory / MODEL_FILE), meta)
