"""The quality score of one audited report: a documented composite, weights in one place.

quality = Σ weight × component, each component in [0, 1], scaled to 0–100:

- consistency: the narrative agrees with the tables and the tables add up —
  1 minus 0.25 per error and 0.05 per warning of kinds narrative_mismatch,
  table_arithmetic and narrative_arithmetic (floored at 0), times the share of
  linked claims that were verified (match or reconciled; 1 when none were linked);
- completeness: the share of the six required sections and three standard
  tables present;
- problems section: the completeness classifier's score of 存在的主要问题及改进情况
  (its weight is shared out over the others while that stage is not run);
- format compliance: the format fits the year (2019 trial format up to 2020
  reports, 2021 format from 2021) and no structure error.
"""

from __future__ import annotations

from typing import Any

from extractor.formats import format_for_year

WEIGHTS: dict[str, float] = {"consistency": 0.40, "completeness": 0.20, "problems_section": 0.25, "format": 0.15}
ERROR_PENALTY = 0.25
WARNING_PENALTY = 0.05
CONSISTENCY_KINDS = ("narrative_mismatch", "table_arithmetic", "narrative_arithmetic")
REQUIRED_SECTIONS = ("overview", "active", "applications", "review", "problems", "other")
STANDARD_TABLE_PREFIXES = (
    ("active.",),
    ("applications.",),
    ("review.", "litigation_direct.", "litigation_after_review."),
)
LINKED_STATUSES = ("match", "reconciled", "mismatch")


def consistency(result: dict[str, Any]) -> float:
    findings = [f for f in result["findings"] if f["kind"] in CONSISTENCY_KINDS]
    errors = sum(f["severity"] == "error" for f in findings)
    warnings = sum(f["severity"] == "warning" for f in findings)
    linked = [c for c in result["claims"] if c["status"] in LINKED_STATUSES]
    verified = sum(c["status"] != "mismatch" for c in linked) / len(linked) if linked else 1.0
    return max(0.0, 1 - ERROR_PENALTY * errors - WARNING_PENALTY * warnings) * verified


def completeness(result: dict[str, Any]) -> float:
    section_ids = {s["id"] for s in result["sections"]}
    sections = sum(s in section_ids for s in REQUIRED_SECTIONS)
    tables = sum(any(k.startswith(p) for k in result["tables"]) for p in STANDARD_TABLE_PREFIXES)
    return (sections + tables) / (len(REQUIRED_SECTIONS) + len(STANDARD_TABLE_PREFIXES))


def problems_section(result: dict[str, Any]) -> float | None:
    scored = result.get("completeness")
    return scored["score"] / 100 if scored else None


def format_compliance(result: dict[str, Any]) -> float:
    version, year = result.get("format_version"), result.get("year")
    if version is None:
        return 0.0
    fits = year is None or version == format_for_year(year)
    structure_errors = any(f["kind"] == "structure" and f["severity"] == "error" for f in result["findings"])
    return (1.0 if fits else 0.0) * (0.5 if structure_errors else 1.0)


COMPONENTS = {
    "consistency": consistency,
    "completeness": completeness,
    "problems_section": problems_section,
    "format": format_compliance,
}


def quality_components(result: dict[str, Any]) -> dict[str, float | None]:
    return {name: component(result) for name, component in COMPONENTS.items()}


def quality_score(result: dict[str, Any]) -> float:
    """0–100; components that were not computed give their weight to the others."""
    parts = {k: v for k, v in quality_components(result).items() if v is not None}
    weight = sum(WEIGHTS[k] for k in parts)
    return round(100 * sum(WEIGHTS[k] * v for k, v in parts.items()) / weight, 1) if weight else 0.0
