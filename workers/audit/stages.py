"""The one pure function every front door calls: a document's bytes → its audit result.

The pipeline is a list of stages, each a function that reads and extends the
result dict; adding a stage is one line in :data:`STAGES`.  A document that
cannot be read is an outcome too (status "failed" with its reason), never an
exception: a corpus audit records it and goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from extractor import DEFAULT_LIMITS, ExtractError, Limits, parse_bytes
from extractor.audit import audit_report
from extractor.output import FINDING_FIELDS, CheckOut, doc
from models.artifact import load_model
from models.completeness import score_report
from models.similarity import stored_signature
from workers.audit.quality import quality_components, quality_score

# Bump when a stage's output changes: results are cached per (content hash, version).
# p2: jieba-rs segments (a number range is one word); p3: the problems section's MinHash signature;
# p4: real layouts read (issue 18), claims linked and breakdowns checked as real reports write them
# (issue 19), timeliness rules (GK408, GK409), the completeness model on real sections (issue 20).
PIPELINE_VERSION = "gkaudit-0.1.0+p4"

State = dict[str, Any]
Stage = Callable[[State], None]


def check_stage(state: State) -> None:
    """Parse and cross-check: sections, tables, claims, findings."""
    report = parse_bytes(state["data"], state["name"], state["limits"])
    state["result"] = audit_report(report).to_dict()
    state["report"] = report


def completeness_stage(state: State) -> None:
    """Score 存在的主要问题及改进情况 (the model is loaded once per process)."""
    state["result"]["completeness"] = score_report(state["report"], load_model()).to_dict()


def signature_stage(state: State) -> None:
    """The problems section's MinHash signature (GK602, copies across a corpus), made here, where documents are
    audited side by side, rather than for every document by the runner once the last has its result."""
    problems = state["report"].section("problems")
    state["result"]["problems_signature"] = stored_signature(problems.text if problems else "")


def quality_stage(state: State) -> None:
    state["result"]["quality"] = quality_score(state["result"])
    state["result"]["quality_components"] = quality_components(state["result"])


STAGES: list[Stage] = [check_stage, completeness_stage, signature_stage, quality_stage]


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
        default_factory=dict, metadata=doc("the score's components, each 0-1 (workers.audit.quality)")
    )


@dataclass
class Outcome:
    status: str  # "done" or "failed"
    name: str
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0  # wall time in audit_bytes
    internal: bool = False  # failed through a fault of ours, not of the document
    cpu_seconds: float = 0.0  # CPU time of the auditing thread: what audit_bytes cost, whatever else ran


def audit_bytes(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Run every stage; a bad document becomes a failed outcome with its reason.  Timed in wall and CPU time:
    the CPU time leaves out what other threads and processes ran meanwhile (the queue bench's measure)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    outcome = run_stages({"data": data, "name": name, "limits": limits})
    outcome.seconds = time.perf_counter() - wall
    outcome.cpu_seconds = time.thread_time() - cpu
    return outcome


def run_stages(state: State) -> Outcome:
    name = state["name"]
    try:
        for stage in STAGES:
            stage(state)
    except ExtractError as exc:
        return Outcome("failed", name, error=exc.reason)
    except Exception as exc:
        return Outcome("failed", name, error=f"internal error: {type(exc).__name__}: {exc}", internal=True)
    return Outcome("done", name, result=state["result"])


# ---- storage rows ------------------------------------------------------------------------


def result_row(outcome: Outcome, content_hash: str, version: str = PIPELINE_VERSION) -> dict[str, Any]:
    r = outcome.result
    claims = r.get("claims", [])
    findings = r.get("findings", [])
    return {
        "content_hash": content_hash,
        "pipeline_version": version,
        "status": outcome.status,
        "error": outcome.error,
        "path": outcome.name,
        "agency": r.get("agency"),
        "year": r.get("year"),
        "format_version": r.get("format_version"),
        "document_kind": r.get("document_kind"),
        "quality": r.get("quality"),
        "completeness": (r.get("completeness") or {}).get("score"),
        "errors": sum(f["severity"] == "error" for f in findings),
        "warnings": sum(f["severity"] == "warning" for f in findings),
        "claims_total": len(claims),
        "claims_verified": sum(c["status"] in ("match", "reconciled") for c in claims),
        "seconds": outcome.seconds,
        "cpu_seconds": outcome.cpu_seconds,
        "payload": r,
    }


CLAIM_FIELDS = ("section", "text", "value", "unit", "metric", "table_value", "status")


def finding_rows(outcome: Outcome) -> list[dict[str, Any]]:
    return [{k: f[k] for k in FINDING_FIELDS} for f in outcome.result.get("findings", [])]


def claim_rows(outcome: Outcome) -> list[dict[str, Any]]:
    rows = []
    for c in outcome.result.get("claims", []):
        row = {k: c.get(k) for k in CLAIM_FIELDS}
        row["metric"] = c.get("metric") or c.get("metric_expr")
        rows.append(row)
    return rows
