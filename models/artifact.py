"""Where the trained model lives and how it is loaded: once per process, refused when stale.

The artifact is ``completeness.joblib`` (the fitted Pipeline) beside ``meta.json``
(library versions, features, data hash, cross-validated scores).  A pickle is only
as good as the scikit-learn that reads it, so the version recorded in meta.json is
checked *before* unpickling; any mismatch or unreadable file becomes a
:class:`ModelNotTrainedError` whose reason tells the user to run ``gkaudit train``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import joblib
import sklearn
from sklearn.pipeline import Pipeline

from models import ARTIFACT_DIR

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
