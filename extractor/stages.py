"""A document's bytes → its audit outcome, as a list of stages over one state dict.

Each stage reads and extends the state (``data``, ``name``, ``limits`` in; ``report`` and ``result``
made by :func:`check_stage`); adding a stage is one entry in the list a caller passes.  The library's
own stages are the check and the quality score; :mod:`models.stages` adds the completeness model and
the problems section's signature and is what every front door runs.  A document that cannot be read
is an outcome too (status "failed" with its reason), never an exception: a corpus audit records it and
goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor import DEFAULT_LIMITS, ExtractError, Limits, parse_bytes
from extractor.audit import audit_report
from extractor.quality import quality_components, quality_score

State = dict[str, Any]
Stage = Callable[[State], None]


def check_stage(state: State) -> None:
    """Parse and cross-check: sections, tables, claims, findings."""
    report = parse_bytes(state["data"], state["name"], state["limits"])
    state["result"] = audit_report(report).to_dict()
    state["report"] = report


def quality_stage(state: State) -> None:
    """The quality score the ranking sorts by (:mod:`extractor.quality`), from what the stages before made."""
    state["result"]["quality"] = quality_score(state["result"])
    state["result"]["quality_components"] = quality_components(state["result"])


@dataclass
class Outcome:
    status: str  # "done" or "failed"
    name: str
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0  # wall time of the stages
    internal: bool = False  # failed through a fault of ours, not of the document
    cpu_seconds: float = 0.0  # CPU time of the auditing thread: what the stages cost, whatever else ran


def run_stages(state: State, stages: Sequence[Stage]) -> Outcome:
    """Run ``stages`` in order; a bad document (or a fault of ours) becomes a failed outcome."""
    name = state["name"]
    try:
        for stage in stages:
            stage(state)
    except ExtractError as exc:
        return Outcome("failed", name, error=exc.reason)
    except Exception as exc:
        return Outcome("failed", name, error=f"internal error: {type(exc).__name__}: {exc}", internal=True)
    return Outcome("done", name, result=state["result"])


def audit_with(stages: Sequence[Stage], data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Run ``stages`` over one document, timed in wall and CPU time: the CPU time leaves out what other
    threads and processes ran meanwhile (the queue bench's measure)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    outcome = run_stages({"data": data, "name": name, "limits": limits}, stages)
    outcome.seconds = time.perf_counter() - wall
    outcome.cpu_seconds = time.thread_time() - cpu
    return outcome
