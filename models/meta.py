"""The trained model's metadata and the checks made on it before loading: the standard library alone.

``gkaudit audit`` checks that the model can be used before it queues a corpus (:func:`check_artifact`), without
the numpy and the model code :mod:`models.artifact` loads (some 0.15 s and 14 MiB of the runner's start).
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

from models import ARTIFACT_DIR

MODEL_FILE = "completeness.joblib"
META_FILE = "meta.json"
MODEL_VERSION = "completeness-2"
LINEAR_KEY = "linear"  # meta.json's block of the fitted numbers scoring needs (DirectLinear)
RETRAIN = "run `gkaudit train` to build it"


class ModelNotTrainedError(Exception):
    """The completeness model is missing or cannot be used here; ``reason`` says why and what to do."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def installed_sklearn() -> str:
    """The installed scikit-learn's version, read from its metadata (importing it costs a second)."""
    return version("scikit-learn")


def compatible_version(trained: str, installed: str | None = None) -> bool:
    """Same scikit-learn major.minor: pickles are not promised to survive a minor release."""
    return trained.split(".")[:2] == (installed or installed_sklearn()).split(".")[:2]


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
            f"completeness model in {directory} was trained with scikit-learn {trained} but {installed_sklearn()} "
            f"is installed; {RETRAIN} again"
        )
    if meta.get("model_version") != MODEL_VERSION:
        raise ModelNotTrainedError(
            f"completeness model in {directory} is version {meta.get('model_version')!r}, this gkaudit expects "
            f"{MODEL_VERSION!r}; {RETRAIN} again"
        )


def checked_meta(directory: Path) -> dict[str, Any]:
    """The model's metadata, there, readable, of this version and this scikit-learn (else refused)."""
    meta = read_meta(directory)
    check_meta(meta, directory)
    return meta


def check_artifact(directory: Path = ARTIFACT_DIR) -> None:
    """What :func:`models.artifact.load_model` refuses first (:func:`checked_meta`, and no pickle where the fitted
    numbers are not recorded), without loading the model."""
    directory = Path(directory)
    meta = checked_meta(directory)
    if LINEAR_KEY not in meta and not (directory / MODEL_FILE).is_file():
        raise ModelNotTrainedError(f"completeness model not found ({directory / MODEL_FILE} is missing); {RETRAIN}")
