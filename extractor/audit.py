"""One report's audit: its claims linked to the tables and the findings of every rule.

This is the pure function every front door calls (``gkaudit check``, the Celery
task, the HTTP API, the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractor.checks.registry import AuditInput, Finding, run_checks
from extractor.document import Report
from extractor.nlp.linking import LinkedClaim, link_claims


@dataclass(frozen=True)
class AuditResult:
    report: Report
    claims: list[LinkedClaim]
    findings: list[Finding]

    def to_dict(self) -> dict[str, Any]:
        """What ``gkaudit check`` prints (its shape: :class:`extractor.output.CheckOut`)."""
        return self.report.to_dict() | {
            "claims": [c.to_dict() for c in self.claims],
            "findings": [f.to_dict() for f in self.findings],
        }


def audit_report(report: Report) -> AuditResult:
    claims = link_claims(report)
    findings = run_checks(AuditInput(report=report, claims=tuple(claims)))
    return AuditResult(report, claims, findings)
