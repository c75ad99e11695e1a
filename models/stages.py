"""The audit every front door runs: the library's stages with the completeness model's between them.

``gkaudit check``, the Celery task, the HTTP API and the benches all call :func:`audit_bytes`; the
workers store and rank what it returns.  Pure: no queue, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractor import DEFAULT_LIMITS, Limits
from extractor.output import CheckOut, doc
from extractor.stages import Outcome, Stage, State, audit_with, check_stage, quality_stage
from models.artifact import load_model
from models.completeness import score_report
from models.signature import stored_signature


def completeness_stage(state: State) -> None:
    """Score 存在的主要问题及改进情况 (the model is loaded once per process)."""
    state["result"]["completeness"] = score_report(state["report"], load_model()).to_dict()


def signature_stage(state: State) -> None:
    """The problems section's MinHash signature (GK602, copies across a corpus), made here, where documents are
    audited side by side, rather than for every document by the runner once the last has its result."""
    problems = state["report"].section("problems")
    state["result"]["problems_signature"] = stored_signature(problems.text if problems else "")


STAGES: tuple[Stage, ...] = (check_stage, completeness_stage, signature_stage, quality_stage)


def audit_bytes(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Every stage over one document; a bad document becomes a failed outcome with its reason."""
    return audit_with(STAGES, data, name, limits)


@dataclass(frozen=True)
class PipelineOut(CheckOut):
    """What ``gkaudit check`` prints, and what is stored for a document: the library's check output and
    the fields the stages above add."""

    completeness: dict[str, Any] | None = field(
        default=None,
        metadata=doc("the 存在的主要问题及改进情况 section's completeness: score 0-100, label 0-3, elements, reasons"),
    )
    problems_signature: str | None = field(
        default=None,
        metadata=doc(
            "the 存在的主要问题及改进情况 section's MinHash signature (base64 of 128 32-bit hash values; "
            "null when the section is too short to compare): what GK602 compares across a corpus"
        ),
    )
    quality: float | None = field(default=None, metadata=doc("the quality score 0-100 the ranking sorts by"))
    quality_components: dict[str, float | None] = field(
        default_factory=dict, metadata=doc("the score's components, each 0-1 (extractor.quality)")
    )


__all__ = ["STAGES", "PipelineOut", "audit_bytes"]
