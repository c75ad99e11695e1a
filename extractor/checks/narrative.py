"""Narrative against table (GK1xx) and the narrative's own arithmetic (GK3xx)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from extractor.checks.keys import cell_evidence, describe_cells
from extractor.checks.registry import AuditInput, Hit, rule
from extractor.model import Report
from extractor.nlp.claims import bracket_depth
from extractor.nlp.linking import LinkedClaim

# A stated percentage is compared with the one its numbers give, to this many points.
PERCENT_TOLERANCE = 1.0
# Which linked fields can be a part of which linked total after 其中 (key prefixes).
# A part linked to anything else ("办结0件，其中予以公开0件，结转下年度1件": 结转) is
# the next item of the sentence, not a part; an unlinked part (by channel) may be one.
PART_OF: dict[str, tuple[str, ...]] = {
    "applications.new.": ("applications.new.",),
    "applications.results_total.": (
        "applications.granted.",
        "applications.partial.",
        "applications.denied.",
        "applications.unavailable.",
        "applications.not_processed.",
        "applications.other.",
    ),
    "stats.active.total": ("stats.active.",),
    "review.total": ("review.",),
}


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


@rule(
    "GK301",
    kind="narrative_arithmetic",
    severity="error",
    zh="“其中”各项之和{parts_sum}超过总数“{total_text}”",
    en="The parts after 其中 add up to {parts_sum}, more than the stated total “{total_text}”",
)
def breakdown_exceeds_total(data: AuditInput) -> Iterator[Hit]:
    for (_, sentence), claims in _by_sentence(data).items():
        counts = [lc for lc in claims if _is_plain_count(lc)]
        if not counts or "其中" not in sentence:
            continue
        raw_start = counts[0].claim.sentence_start
        at = raw_start + (len(sentence) - len(sentence.lstrip())) + sentence.find("其中")
        totals = [lc for lc in counts if lc.claim.start < at]
        parts = [lc for lc in counts if lc.claim.start > at]
        if not totals or len(parts) < 2:
            continue
        total = totals[-1]  # the count just before 其中
        depth = bracket_depth(sentence[: sentence.find("其中")])
        parts = [
            p
            for p in parts
            if p.claim.unit == total.claim.unit and p.claim.bracket_depth == depth and _can_be_part(p, total)
        ]
        parts_sum = sum(p.claim.value for p in parts)
        if len(parts) >= 2 and parts_sum > total.claim.value:
            params = {"parts_sum": parts_sum, "total_text": total.claim.text}
            evidence = {"sentence": sentence, "total": total.claim.text, "parts": [p.claim.text for p in parts]}
            yield Hit(total.metric_expr, params, evidence)


def _can_be_part(part: LinkedClaim, total: LinkedClaim) -> bool:
    if not part.keys or not total.keys:
        return True
    allowed = next((parts for prefix, parts in PART_OF.items() if total.keys[0].startswith(prefix)), ())
    return all(k.startswith(allowed) for k in part.keys) if allowed else False


def _is_plain_count(lc: LinkedClaim) -> bool:
    c = lc.claim
    return not (c.change or c.previous or c.zero or c.unit == "%" or c.approx)


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
