"""Narrative against table (GK1xx) and the narrative's own arithmetic (GK3xx)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from extractor.checks.keys import cell_evidence, describe_cells
from extractor.checks.registry import AuditInput, Hit, rule
from extractor.document import Report
from extractor.nlp.breakdowns import Breakdown, find_breakdowns
from extractor.nlp.linking import LinkedClaim

# A stated percentage is compared with the one its numbers give, to this many points.
PERCENT_TOLERANCE = 1.0
# The decimals a stated percentage is written with (占比1.1%: one).
DECIMALS = re.compile(r"[.．](\d+)")


def claim_params(lc: LinkedClaim) -> dict[str, Any]:
    cells_zh, cells_en = describe_cells(lc.keys)
    value = lc.table_value
    return {"text": lc.claim.text, "cells_zh": cells_zh, "cells_en": cells_en, "table_value": value}


def claim_evidence(lc: LinkedClaim, report: Report) -> dict[str, Any]:
    c = lc.claim
    return {
        "sentence": c.sentence,
        "claim": {"text": c.text, "value": c.value, "section": c.section, "start": c.start, "end": c.end},
        "cells": cell_evidence(report, lc.keys),
        "table_value": lc.table_value,
    }


@rule(
    "GK101",
    kind="narrative_mismatch",
    severity="error",
    zh="正文称“{text}”，但{cells_zh}为{table_value}",
    en="The text says “{text}” but {cells_en} is {table_value}",
)
def narrative_differs_from_table(data: AuditInput) -> Iterator[Hit]:
    for lc in _linked(data):
        if lc.status == "mismatch" and lc.claim.approx is None:
            yield Hit(lc.metric_expr, claim_params(lc), claim_evidence(lc, data.report))


@rule(
    "GK102",
    kind="narrative_mismatch",
    severity="warning",
    zh="正文称“{text}”，{cells_zh}为{table_value}；按{reconciliation}（{reconciled_value}）可以对上",
    en="The text says “{text}”, {cells_en} is {table_value}; it agrees as {reconciliation_en} ({reconciled_value})",
)
def narrative_reconciled_with_table(data: AuditInput) -> Iterator[Hit]:
    for lc in _linked(data):
        if lc.status == "reconciled" and lc.reconciliation:
            rec = lc.reconciliation
            params = claim_params(lc) | {
                "reconciliation": rec.name_zh,
                "reconciliation_en": rec.name_en,
                "reconciled_value": lc.reconciled_value,
            }
            evidence = claim_evidence(lc, data.report) | {
                "reconciliation": {"name": rec.name_zh, "keys": list(rec.keys), "value": lc.reconciled_value},
                "other_claims": [p.text for p in lc.partners],
            }
            if rec.keys != lc.keys:
                evidence["cells"] = cell_evidence(data.report, [*lc.keys, *(k for k in rec.keys if k not in lc.keys)])
            yield Hit(lc.metric_expr, params, evidence)


@rule(
    "GK103",
    kind="narrative_mismatch",
    severity="warning",
    zh="正文约数“{text}”与{cells_zh}的{table_value}不符",
    en="The approximate figure “{text}” does not fit {cells_en}, {table_value}",
)
def approximate_claim_out_of_range(data: AuditInput) -> Iterator[Hit]:
    for lc in _linked(data):
        if lc.status == "mismatch" and lc.claim.approx is not None:
            yield Hit(lc.metric_expr, claim_params(lc), claim_evidence(lc, data.report))


def _linked(data: AuditInput) -> Iterator[LinkedClaim]:
    return (c for c in data.claims if isinstance(c, LinkedClaim))


def _by_sentence(data: AuditInput) -> dict[tuple[str | None, str], list[LinkedClaim]]:
    groups: dict[tuple[str | None, str], list[LinkedClaim]] = defaultdict(list)
    for lc in _linked(data):
        groups[(lc.claim.section, lc.claim.sentence)].append(lc)
    return groups


def _breakdowns(data: AuditInput) -> list[Breakdown]:
    """The narrative's total-and-parts relations, found once for the rules that read them."""
    cache: dict[str, list[Breakdown]] = data.__dict__.setdefault("_breakdowns", {})
    if "all" not in cache:
        cache["all"] = find_breakdowns(data.report, list(_linked(data)))
    return cache["all"]


def breakdown_params(b: Breakdown) -> dict[str, Any]:
    return {
        "total_text": b.total.claim.text,
        "parts_text": "、".join(p.claim.text for p in b.parts),
        "parts_sum": round(b.parts_sum, 4),
        "marker": b.marker,
    }


def breakdown_evidence(b: Breakdown) -> dict[str, Any]:
    return {
        "sentence": b.statement,
        "total": b.total.claim.text,
        "parts": [p.claim.text for p in b.parts],
        "marker": b.marker,
        "exhaustive": b.exhaustive,
        "parts_range": list(b.parts_range()),
        "total_range": list(b.total_range()),
    }


@rule(
    "GK301",
    kind="narrative_arithmetic",
    severity="error",
    zh="“{total_text}”列出的各项（{parts_text}）之和{parts_sum}超过总数",
    en="The parts listed after “{total_text}” ({parts_text}) add up to {parts_sum}, more than the total",
)
def breakdown_exceeds_total(data: AuditInput) -> Iterator[Hit]:
    for b in _breakdowns(data):
        if b.exceeds():
            yield Hit(b.total.metric_expr, breakdown_params(b), breakdown_evidence(b))


@rule(
    "GK304",
    kind="narrative_arithmetic",
    severity="error",
    zh="“{total_text}”分列的各项（{parts_text}）之和{parts_sum}少于总数，且所列各项已是全部",
    en="The parts of “{total_text}” ({parts_text}) are all of it but add up to only {parts_sum}",
)
def exhaustive_breakdown_short_of_total(data: AuditInput) -> Iterator[Hit]:
    for b in _breakdowns(data):
        if b.falls_short():
            yield Hit(b.total.metric_expr, breakdown_params(b), breakdown_evidence(b))


@rule(
    "GK305",
    kind="narrative_arithmetic",
    severity="error",
    zh="正文称“{part_text}”占{stated}%，但按总数“{total_text}”计算为{computed}%",
    en="The text says “{part_text}” is {stated}% of “{total_text}”, but it is {computed}%",
)
def stated_share_disagrees(data: AuditInput) -> Iterator[Hit]:
    for b in _breakdowns(data):
        total = b.total.claim.value
        if total == 0 or b.total.claim.approx:
            continue
        for share in b.shares:
            if share.part.claim.approx or share.percent.claim.approx:
                continue
            computed = share.part.claim.value / total * 100
            if abs(computed - share.percent.claim.value) > share_tolerance(share.percent.claim.text) + 1e-9:
                params = {
                    "part_text": share.part.claim.text,
                    "stated": share.percent.claim.value,
                    "total_text": b.total.claim.text,
                    "computed": round(computed, 1),
                }
                yield Hit(share.part.metric_expr, params, breakdown_evidence(b))


def share_tolerance(percent_text: str) -> float:
    """How far a stated share may be from the one its numbers give: a unit of its last digit, rounded or cut
    off (1.25 written 1.2 or 1.3, 41.7 written 41 or 42), never more than PERCENT_TOLERANCE (1.1% for 1 of
    80, 1.25%, is a slip)."""
    m = DECIMALS.search(percent_text)
    return min(PERCENT_TOLERANCE, 10.0 ** -len(m.group(1))) if m else PERCENT_TOLERANCE


@rule(
    "GK306",
    kind="narrative_arithmetic",
    severity="warning",
    zh="“{total_text}”列出的各项（{parts_text}）之和{parts_sum}比总数少{shortfall}，接近而不等，可能有笔误或遗漏",
    en="The parts listed after “{total_text}” ({parts_text}) add up to {parts_sum}, {shortfall} short of the total: "
    "close enough to suggest a slip rather than a partial list",
)
def breakdown_nearly_adds_up(data: AuditInput) -> Iterator[Hit]:
    for b in _breakdowns(data):
        if b.nearly_adds_up():
            params = breakdown_params(b) | {"shortfall": round(b.shortfall(), 4)}
            yield Hit(b.total.metric_expr, params, breakdown_evidence(b))


def _is_plain_count(lc: LinkedClaim) -> bool:
    c = lc.claim
    return not (c.change or c.previous or c.zero or c.restates or c.unit == "%" or c.approx)


@rule(
    "GK302",
    kind="narrative_arithmetic",
    severity="error",
    zh="正文称变化{stated}%，但按“{current_text}”与上年“{previous_text}”计算为{computed}%",
    en="The text states a change of {stated}%, but “{current_text}” against last year's “{previous_text}” gives "
    "{computed}%",
)
def percentage_change_disagrees(data: AuditInput) -> Iterator[Hit]:
    for (_, sentence), claims in _by_sentence(data).items():
        current, previous, percent = _change_triple(claims, lambda c: c.unit == "%")
        if not (current and previous and percent) or previous.claim.value == 0:
            continue
        computed = (current.claim.value - previous.claim.value) / previous.claim.value * 100
        if abs(abs(computed) - abs(percent.claim.value)) > PERCENT_TOLERANCE or _sign_differs(computed, percent):
            params = {
                "stated": percent.claim.value,
                "current_text": current.claim.text,
                "previous_text": previous.claim.text,
                "computed": round(computed, 1),
            }
            yield Hit(current.metric_expr, params, {"sentence": sentence})


@rule(
    "GK303",
    kind="narrative_arithmetic",
    severity="error",
    zh="正文称较上年变化{stated}，但“{current_text}”与上年“{previous_text}”之差为{computed}",
    en="The text states a change of {stated}, but “{current_text}” minus last year's “{previous_text}” is {computed}",
)
def count_change_disagrees(data: AuditInput) -> Iterator[Hit]:
    for (_, sentence), claims in _by_sentence(data).items():
        current, previous, change = _change_triple(claims, lambda c: c.unit != "%")
        if not (current and previous and change):
            continue
        computed = current.claim.value - previous.claim.value
        if computed != change.claim.value:
            params = {
                "stated": change.claim.value,
                "current_text": current.claim.text,
                "previous_text": previous.claim.text,
                "computed": computed,
            }
            yield Hit(current.metric_expr, params, {"sentence": sentence})


def _change_triple(
    claims: Sequence[LinkedClaim], change_kind
) -> tuple[LinkedClaim | None, LinkedClaim | None, LinkedClaim | None]:
    """This year's count, last year's, and the stated change, when a sentence has exactly one of each."""
    changes = [lc for lc in claims if lc.claim.change and change_kind(lc.claim)]
    previous = [lc for lc in claims if lc.claim.previous]
    current = [lc for lc in claims if _is_plain_count(lc) and previous and lc.claim.unit == previous[0].claim.unit]
    if len(changes) != 1 or len(previous) != 1 or not current:
        return None, None, None
    return current[0], previous[0], changes[0]


def _sign_differs(computed: float, percent: LinkedClaim) -> bool:
    return computed != 0 and (computed > 0) != (percent.claim.value > 0)
