"""Each rule's fixture pair (``tests/fixtures/checks/<id>/{fires,passes}.json``) run as the rule runs.

A report rule's fixture is a Report as JSON, audited as a real document (claims linked, every rule
run); a corpus rule's (GK6xx) is ``docs``, a few documents as the corpus rules read them, with
near-copies grouped as the runner groups them.  The tests and ``gkaudit rules`` (its examples) both
read fixtures through here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from extractor.audit import audit_report
from extractor.checks.corpus import CorpusDoc, CorpusInput, run_corpus_rules
from extractor.checks.registry import RULES, Finding, Rule
from extractor.document import Report
from extractor.output import report_from_dict
from workers.audit.corpus_checks import copy_clusters

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "checks"
WAYS = ("fires", "passes")


def report_from_fixture(path: Path) -> Report:
    return report_from_dict(json.loads(path.read_text(encoding="utf-8")), file=str(path))


def corpus_from_fixture(path: Path) -> CorpusInput:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return CorpusInput(tuple(CorpusDoc(**doc) for doc in data["docs"]), copy_clusters)


def fixture_findings(rule: Rule, path: Path) -> list[Finding]:
    """The rule's own findings on one of its fixtures."""
    if rule.scope == "corpus":
        return [f.finding for f in run_corpus_rules(corpus_from_fixture(path)) if f.finding.rule == rule.id]
    return [f for f in audit_report(report_from_fixture(path)).findings if f.rule == rule.id]


def fixture_messages(rule: Rule, path: Path) -> list[str]:
    return [f.message_zh for f in fixture_findings(rule, path)]


def fixture_path(rule_id: str, way: str) -> Path:
    return FIXTURES / rule_id / f"{way}.json"


__all__ = ["FIXTURES", "RULES", "WAYS", "fixture_findings", "fixture_messages", "fixture_path"]
