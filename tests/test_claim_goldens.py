"""Golden narrative claims of real reports, annotated by hand (tests/golden/claims/README.md).

Every annotated claim must be found with its value; no claim may be found that the
annotation does not list; every linked claim (match, reconciled, mismatch) must get
the annotated status and cell; a claim annotated unverifiable must stay
unverifiable (which cell it would have named, had the report had one, is not
compared); every claim the auditor flags as an error must carry an error finding.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from extractor import parse_path
from extractor.audit import AuditResult, audit_report
from tests.conftest import shared_path

CLAIMS = sorted((Path(__file__).parent / "golden" / "claims").glob("*.json"))
LINKED = ("match", "reconciled", "mismatch")
# Readings where the project deliberately differs from the annotation, with the reason.
ACCEPTED_DEVIATIONS: dict[tuple[str, str, str], str] = {
    ("seed003", "overview", "0件"): (
        "共受理依申请公开0件: linked to 本年新收 with 上年结转 as an accepted reconciliation, "
        "not to their sum; both readings give 0 = 0"
    ),
}


def metric_set(expr: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in expr.split("+")) if expr else frozenset()


@cache
def audited(name: str) -> tuple[dict, AuditResult]:
    golden = json.loads((Path(__file__).parent / "golden" / "claims" / f"{name}.json").read_text(encoding="utf-8"))
    return golden, audit_report(parse_path(shared_path(golden["source"])))


def paired(name: str) -> tuple[list[tuple[dict, object]], list[object]]:
    """Each annotated claim with the claim found at the same place (n-th occurrence), and the unannotated rest."""
    golden, result = audited(name)
    unused = list(result.claims)
    pairs = []
    for expected in golden["claims"]:
        match = next(
            (
                lc
                for lc in unused
                if lc.claim.section == expected["section"]
                and (expected["text"] in lc.claim.text or lc.claim.text in expected["text"])
            ),
            None,
        )
        if match is not None:
            unused.remove(match)
        pairs.append((expected, match))
    return pairs, unused


@pytest.mark.parametrize("path", CLAIMS, ids=[p.stem for p in CLAIMS])
def test_every_claim_found_with_its_value(path: Path) -> None:
    pairs, extra = paired(path.stem)
    missing = [e["text"] for e, lc in pairs if lc is None]
    wrong_value = [(e["text"], e["value"], lc.claim.value) for e, lc in pairs if lc and lc.claim.value != e["value"]]
    assert missing == []
    assert wrong_value == []
    assert [lc.claim.text for lc in extra] == []


@pytest.mark.parametrize("path", CLAIMS, ids=[p.stem for p in CLAIMS])
def test_every_claim_linked_and_verified_as_annotated(path: Path) -> None:
    pairs, _ = paired(path.stem)
    wrong = []
    for expected, lc in pairs:
        if lc is None or (path.stem, expected["section"], expected["text"]) in ACCEPTED_DEVIATIONS:
            continue
        if expected["expected_status"] in LINKED:
            if (lc.status, metric_set(lc.metric_expr)) != (expected["expected_status"], metric_set(expected["metric"])):
                wrong.append(
                    (expected["text"], expected["expected_status"], expected["metric"], lc.status, lc.metric_expr)
                )
        elif lc.status != "unverifiable":
            wrong.append((expected["text"], "unverifiable", expected["metric"], lc.status, lc.metric_expr))
    assert wrong == []


@pytest.mark.parametrize("path", CLAIMS, ids=[p.stem for p in CLAIMS])
def test_auditor_errors_are_flagged(path: Path) -> None:
    golden, result = audited(path.stem)
    # An error, or a warning where the cell it cites was guessed (a digit run with several splits):
    # findings on guessed cells are one step less severe by design.
    flagged = {
        f.evidence["claim"]["text"]
        for f in result.findings
        if "claim" in f.evidence
        and (f.severity == "error" or (f.severity == "warning" and f.evidence.get("guessed_cells")))
    }
    wanted = {flag["claim"] for flag in golden["auditor_flags"] if flag["severity"] == "error"}
    assert wanted <= flagged
