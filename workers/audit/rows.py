"""Storage rows of an audit outcome (:func:`models.stages.audit_bytes`): what the results, findings and claims
tables keep of it."""

from __future__ import annotations

from typing import Any

from extractor.output import FINDING_FIELDS
from extractor.stages import Outcome
from models.version import PIPELINE_VERSION


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


# The fields of extractor.output.ClaimOut the claims table keeps (the sentence and offsets stay in the payload;
# tests/test_output_schema.py holds the table to these).
STORED_CLAIM_FIELDS = ("section", "text", "value", "unit", "metric", "table_value", "status")


def finding_rows(outcome: Outcome) -> list[dict[str, Any]]:
    return [{k: f[k] for k in FINDING_FIELDS} for f in outcome.result.get("findings", [])]


def claim_rows(outcome: Outcome) -> list[dict[str, Any]]:
    rows = []
    for c in outcome.result.get("claims", []):
        row = {k: c.get(k) for k in STORED_CLAIM_FIELDS}
        row["metric"] = c.get("metric") or c.get("metric_expr")
        rows.append(row)
    return rows
