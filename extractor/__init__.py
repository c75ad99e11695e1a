"""gkaudit's extractor: a pure library from a document's bytes to a Report.

No Celery, database or network here (a test enforces it).
"""

from __future__ import annotations

from pathlib import Path

from extractor.document import Report
from extractor.errors import ExtractError
from extractor.loaders import load_bytes, load_path
from extractor.report import build_report
from extractor.settings import DEFAULT_LIMITS, Limits
from extractor.timeouts import time_limit

__all__ = ["DEFAULT_LIMITS", "ExtractError", "Limits", "Report", "parse_bytes", "parse_path"]


def parse_bytes(data: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Parse a report from its bytes; ``file`` names it in the result and in errors."""
    with time_limit(limits.parse_timeout_seconds):
        return build_report(load_bytes(data, limits), file)


def parse_path(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Parse a report from a file."""
    with time_limit(limits.parse_timeout_seconds):
        return build_report(load_path(path, limits), str(path))
