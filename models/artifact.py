"""Where the trained model lives and how it is loaded: once per process, refused when stale.

The artifact is ``completeness.joblib`` (the fitted Pipeline) beside ``meta.json``
(library versions, features, data hash, cross-validated scores, and the fitted numbers scoring needs,
so that scoring reads JSON and never imports scikit-learn).  A pickle is only
as good as the scikit-learn that reads it, so the version recorded in meta.json is
checked *before* unpickling; any mismatch or unreadable file becomes a
:class:`ModelNotTrainedError` whose reason tells the user to run ``gkaudit train``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models import ARTIFACT_DIR
from models.elements import FEATURE_NAMES, extract_elements
from models.meta import LINEAR_KEY, META_FILE, MODEL_FILE, RETRAIN, ModelNotTrainedError, checked_meta

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline


class LoadedModel:
    """The trained model.  Scoring uses the fitted numbers recorded in meta.json (:class:`DirectLinear`), so a
    process that only scores never imports scikit-learn (a second of every ``gkaudit check``); the pickled
    Pipeline is unpickled when something asks for it (training reports, the equality tests)."""

    def __init__(
        self,
        pipeline: Pipeline | None,
        meta: dict[str, Any],
        *,
        linear: DirectLinear | None = None,
        source: Path | None = None,
    ) -> None:
        self._pipeline = pipeline
        self.meta = meta
        self.source = source
        self._linear = linear

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            if self.source is None:
                raise ModelNotTrainedError(f"completeness model has no pipeline; {RETRAIN}")
            self._pipeline = _unpickle(self.source)
        return self._pipeline

    @property
    def linear(self) -> DirectLinear | None:
        if self._linear is None and self._pipeline is not None:
            self._linear = DirectLinear.of(self._pipeline)
        return self._linear

    @property
    def classes(self) -> list[int]:
        linear = self.linear
        return list(linear.classes) if linear is not None else [int(c) for c in self.pipeline.classes_]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """The pipeline's calibrated probabilities, computed directly when its shape allows (elements →
        standard scaling → a sigmoid-calibrated logistic regression): the same numbers without
        scikit-learn's per-call validation and dispatch, half of a document's scoring time otherwise."""
        linear = self.linear
        if linear is None:
            return self.pipeline.predict_proba(np.asarray(texts, dtype=object))
        return linear.predict_proba(texts)


LINEAR_ARRAYS = ("mean", "scale", "coef", "intercept", "sigmoid_a", "sigmoid_b")


@dataclass(frozen=True)
class DirectLinear:
    """The numbers of a fitted elements → StandardScaler → CalibratedClassifierCV(LogisticRegression,
    sigmoid, ensemble=False) pipeline, applied with numpy."""

    classes: tuple[int, ...]
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
            tuple(int(c) for c in pipeline.classes_),
            tuple(FEATURE_NAMES.index(n) for n in names),
            np.asarray(scaler.mean_, dtype=float),
            np.asarray(scaler.scale_, dtype=float),
            np.asarray(logistic.coef_, dtype=float),
            np.asarray(logistic.intercept_, dtype=float),
            np.asarray([a for a, _ in sigmoid], dtype=float),
            np.asarray([b for _, b in sigmoid], dtype=float),
        )

    def to_meta(self) -> dict[str, Any]:
        """The numbers as meta.json keeps them (floats round-trip exactly through JSON)."""
        return {
            "classes": list(self.classes),
            "features": [FEATURE_NAMES[i] for i in self.columns],
            **{name: getattr(self, name).tolist() for name in LINEAR_ARRAYS},
        }

    @classmethod
    def from_meta(cls, block: dict[str, Any]) -> DirectLinear:
        """Read back :meth:`to_meta`; ValueError when the block does not describe a usable model."""
        try:
            columns = tuple(FEATURE_NAMES.index(n) for n in block["features"])
            arrays = {name: np.asarray(block[name], dtype=float) for name in LINEAR_ARRAYS}
            classes = tuple(int(c) for c in block["classes"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{type(exc).__name__}: {exc}") from None
        shapes_fit = (
            arrays["mean"].shape == arrays["scale"].shape == (len(columns),)
            and arrays["coef"].shape == (len(classes), len(columns))
            and arrays["intercept"].shape == arrays["sigmoid_a"].shape == arrays["sigmoid_b"].shape == (len(classes),)
        )
        if not shapes_fit:
            raise ValueError("the arrays' shapes do not fit the features and classes")
        return cls(classes, columns, **arrays)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        features = np.asarray([extract_elements(t).features() for t in texts], dtype=float)
        features = features.reshape(len(texts), len(FEATURE_NAMES))[:, list(self.columns)]
        decision = ((features - self.mean) / self.scale) @ self.coef.T + self.intercept
        probabilities = 1.0 / (1.0 + np.exp(self.sigmoid_a * decision + self.sigmoid_b))
        totals = probabilities.sum(axis=1, keepdims=True)
        uniform = np.full_like(probabilities, 1.0 / probabilities.shape[1])
        return np.where(totals > 0, probabilities / np.where(totals > 0, totals, 1.0), uniform)


def _unpickle(path: Path) -> Pipeline:
    import joblib
    from sklearn.pipeline import Pipeline

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
    meta = checked_meta(directory)
    source = directory / MODEL_FILE
    if LINEAR_KEY not in meta:  # an artifact from before the numbers were recorded
        return LoadedModel(_unpickle(source), meta, source=source)
    try:
        linear = DirectLinear.from_meta(meta[LINEAR_KEY])
    except ValueError as exc:
        raise ModelNotTrainedError(
            f"completeness model metadata {directory / META_FILE} has unusable numbers ({exc}); {RETRAIN} again"
        ) from None
    return LoadedModel(None, meta, linear=linear, source=source)
