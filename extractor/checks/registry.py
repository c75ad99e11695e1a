"""The check registry: every rule has a permanent id, a kind, a severity and messages.

A rule is a small function of an :class:`AuditInput` that yields findings.  It
is registered with :func:`rule`, which records its id (``GK101`` …; ids are
never reused), kind, default severity and its Chinese and English message
templates.  Templates are ``str.format`` strings over the finding's params.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from extractor.checks.keys import keys_by_table
from extractor.document import Report

T = TypeVar("T")

# Plausibility rules (GK5xx) report under kind "structure": a report's output has four kinds; the
# corpus rules (GK6xx) report under "corpus", stored with the audit rather than with one report.
KINDS = ("narrative_mismatch", "table_arithmetic", "narrative_arithmetic", "structure", "corpus")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    rule: str
    kind: str
    severity: str
    metric: str | None
    message_zh: str
    message_en: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "metric": self.metric,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Hit:
    """What a rule yields: the metric, the template params, the evidence, optionally another severity."""

    metric: str | None
    params: dict[str, Any]
    evidence: dict[str, Any]
    severity: str | None = None
    document: str | None = None  # for a corpus rule: the content hash of the document it is on


@dataclass(frozen=True)
class AuditInput:
    """What rules read: the report, and the narrative claims once they are extracted."""

    report: Report
    claims: tuple[Any, ...] = ()

    @cached_property
    def table_keys(self) -> dict[str, list[str]]:
        """Each standard table's keys in the report, grouped once for every rule that asks."""
        return keys_by_table(self.report)

    def once(self, compute: Callable[[Report], T]) -> T:
        """``compute(report)``, worked out once for every rule that asks (the function is the key)."""
        return self._memo(compute, self.report)

    def once_of_input(self, compute: Callable[[AuditInput], T]) -> T:
        """``compute(self)``, worked out once: for what is built on other ``once`` results."""
        return self._memo(compute, self)

    def _memo(self, compute: Callable[[Any], T], argument: Any) -> T:
        cache: dict[Callable[[Any], Any], Any] = self.__dict__.setdefault("_once", {})
        if compute not in cache:
            cache[compute] = compute(argument)
        return cache[compute]


RuleFunc = Callable[[AuditInput], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    severity: str
    message_zh: str
    message_en: str
    func: RuleFunc

    @property
    def scope(self) -> str:
        """What the rule reads: one report (an AuditInput), or every document of an audit (GK6xx)."""
        return "corpus" if self.kind == "corpus" else "report"

    def finding(self, hit: Hit, severity: str | None = None, evidence: dict[str, Any] | None = None) -> Finding:
        return Finding(
            rule=self.id,
            kind=self.kind,
            severity=severity or hit.severity or self.severity,
            metric=hit.metric,
            message_zh=self.message_zh.format(**hit.params),
            message_en=self.message_en.format(**hit.params),
            evidence=hit.evidence if evidence is None else evidence,
        )

    def findings(self, data: AuditInput) -> Iterator[Finding]:
        for hit in self.func(data):
            severity, evidence = on_guessed_cells(hit.severity or self.severity, hit.evidence, data.report)
            yield self.finding(hit, severity, evidence)


# A finding that rests on a cell whose column the reader inferred is one step less severe.
LESS_SEVERE = {"error": "warning", "warning": "info", "info": "info"}


def on_guessed_cells(severity: str, evidence: dict[str, Any], report: Report) -> tuple[str, dict[str, Any]]:
    """Severity and evidence of a finding, lowered and annotated when a cell it cites was guessed."""
    cells = evidence.get("cells")
    guessed = sorted(set(cells) & set(report.guessed)) if isinstance(cells, dict) and report.guessed else []
    if not guessed:
        return severity, evidence
    return LESS_SEVERE[severity], {**evidence, "guessed_cells": guessed}


RULES: dict[str, Rule] = {}
# Id ranges and the kinds they report: GK1xx narrative against table, GK2xx table
# arithmetic, GK3xx narrative arithmetic, GK4xx structure, GK5xx plausibility, GK6xx across
# the documents of an audit.
ID_KINDS = {
    "1": "narrative_mismatch",
    "2": "table_arithmetic",
    "3": "narrative_arithmetic",
    "4": "structure",
    "5": "structure",
    "6": "corpus",
}
RULE_ID = re.compile(r"^GK([1-6])\d\d$")


def rule(rule_id: str, *, kind: str, severity: str, zh: str, en: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule under a permanent id."""
    m = RULE_ID.match(rule_id)
    if m is None:
        raise ValueError(f"rule id {rule_id!r} is not of the form GK1xx-GK6xx")
    if kind not in KINDS or ID_KINDS[m.group(1)] != kind:
        raise ValueError(f"rule {rule_id}: kind {kind!r} does not belong to its id range")
    if severity not in SEVERITIES:
        raise ValueError(f"rule {rule_id}: unknown severity {severity!r}")

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in RULES:
            raise ValueError(f"rule id {rule_id} is already registered")
        RULES[rule_id] = Rule(rule_id, kind, severity, zh, en, func)
        return func

    return register


SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


def run_checks(data: AuditInput) -> list[Finding]:
    """Every registered rule over one report, errors first, then by rule id."""
    load_rules()
    findings = [f for r in RULES.values() if r.scope == "report" for f in r.findings(data)]
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.rule, f.metric or ""))


def load_rules() -> dict[str, Rule]:
    """Import every module that registers rules (adding a module is one line here); return the registry."""
    from extractor.checks import arithmetic, corpus, narrative, plausibility, structure, timeliness  # noqa: F401

    return RULES
