"""True table values: consistent with every relation of fields.md, sized by the body's level.

All numbers are drawn here, before any cell text exists; ``corpus.cells``
decides afterwards how each value is written (and whether a zero is left blank).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from corpus.schema import (
    APPLICANTS,
    FORMAT_2019,
    REVIEW_BLOCKS,
    application_key,
    application_rows,
    result_rows,
)


@dataclass(frozen=True)
class Scale:
    """How big the numbers of one administrative level get."""

    apps: int  # most applications processed in a year
    no_apps: float  # chance of a year without any application
    reviews: tuple[float, int]  # (chance of any 行政复议, most cases)
    litigation: tuple[float, int]  # (chance of any 行政诉讼 per block, most cases)
    decisions: int  # most 行政许可 decisions
    penalties: int  # most 行政处罚 decisions
    normative: int  # most 规范性文件 issued in a year
    procurement: int  # most 政府集中采购 items
    fees: float  # most 行政事业性收费 in 万元
    regulations: float  # chance of any 规章 (only bodies with rule-making power issue them)


SCALES: dict[str, Scale] = {
    # None of these levels may make 规章 (only provincial and 设区的市 governments do: 立法法).
    "street": Scale(8, 0.55, (0.05, 2), (0.02, 1), 300, 60, 3, 10, 5.0, 0.0),
    "district_bureau": Scale(40, 0.3, (0.15, 4), (0.08, 2), 3000, 1500, 8, 40, 300.0, 0.0),
    "city_dept": Scale(200, 0.12, (0.35, 12), (0.2, 6), 20000, 8000, 15, 80, 3000.0, 0.0),
    "county_gov": Scale(600, 0.05, (0.5, 30), (0.3, 12), 40000, 15000, 20, 150, 20000.0, 0.0),
    "province_dept": Scale(2500, 0.02, (0.6, 60), (0.4, 25), 60000, 5000, 25, 120, 50000.0, 0.0),
}

# How often each 办理结果 row is chosen for one application (before per-report jitter).
RESULT_WEIGHTS: dict[str, float] = {
    "granted": 30,
    "partial": 8,
    "denied.state_secret": 0.3,
    "denied.law_prohibited": 0.8,
    "denied.security": 0.4,
    "denied.third_party": 2,
    "denied.internal": 1.5,
    "denied.process": 2,
    "denied.enforcement_file": 1,
    "denied.query": 2,
    "unavailable.not_held": 20,
    "unavailable.needs_creation": 4,
    "unavailable.unclear": 2,
    "not_processed.petition": 3,
    "not_processed.duplicate": 3,
    "not_processed.publication": 0.5,
    "not_processed.excessive": 1,
    "not_processed.confirmation": 1,
    "other": 8,
    "other.overdue_correction": 3,
    "other.overdue_fee": 0.4,
    "other.other": 5,
}

# (chance the column is used at all, its weight range) per applicant column.
APPLICANT_WEIGHTS: dict[str, tuple[float, float, float]] = {
    "natural_person": (1.0, 4.0, 10.0),
    "commercial": (0.55, 0.2, 2.5),
    "research": (0.08, 0.05, 0.4),
    "social_org": (0.1, 0.05, 0.4),
    "legal_service": (0.3, 0.1, 1.5),
    "other_org": (0.35, 0.1, 1.2),
}

REVIEW_OUTCOME_WEIGHTS = {"upheld": 5.0, "corrected": 1.0, "other": 2.0, "pending": 1.5}

# 2019 table 二 rows (上一年项目数量 / 本年增减 / 处理决定数量):
# (item, chance of any, most prior items, which Scale field bounds decisions, divisor)
ITEMS_2019: tuple[tuple[str, float, int, str, int], ...] = (
    ("licensing", 0.75, 120, "decisions", 1),
    ("other_services", 0.45, 80, "decisions", 2),
    ("penalty", 0.6, 300, "penalties", 1),
    ("coercion", 0.35, 30, "penalties", 10),
)
DECISION_ITEMS_2021: tuple[tuple[str, float, str, int], ...] = (
    ("licensing", 0.8, "decisions", 1),
    ("penalty", 0.65, "penalties", 1),
    ("coercion", 0.35, "penalties", 10),
)


def log_uniform(rng: random.Random, lo: int, hi: int) -> int:
    """An integer in [lo, hi], small values much more likely than large ones."""
    if hi <= lo:
        return lo
    return min(hi, int(math.exp(rng.uniform(math.log(lo), math.log(hi + 1)))))


def maybe(rng: random.Random, chance: float, draw: Callable[[], int]) -> int:
    """``draw()`` with probability ``chance``, else 0."""
    return draw() if rng.random() < chance else 0


def money(value: float) -> int | float:
    """Round to cents; integral amounts stay ints (5030, not 5030.0)."""
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def multinomial(rng: random.Random, n: int, weights: dict[str, float]) -> Counter[str]:
    keys = [k for k, w in weights.items() if w > 0]
    if n == 0 or not keys:
        return Counter()
    return Counter(rng.choices(keys, [weights[k] for k in keys], k=n))


# ---------------------------------------------------------------- table 二 --


def _stock(rng: random.Random, issued: int, most: int) -> int:
    """A 对外公开总数量 / 现行有效件数: this year's plus an older stock."""
    return issued + maybe(rng, 0.75, lambda: log_uniform(rng, 1, most))


def _money_amount(rng: random.Random, items: int, unit: str) -> int | float:
    if items == 0:
        return 0
    wan = items * rng.uniform(2.0, 60.0)
    if unit == "万元":
        return money(wan)
    yuan = wan * 10000
    return money(yuan) if rng.random() < 0.3 else int(round(yuan, -1))


def active_2019(rng: random.Random, scale: Scale) -> tuple[dict[str, int | float], dict[str, str]]:
    values: dict[str, int | float] = {}
    regulations = maybe(rng, scale.regulations, lambda: rng.randint(1, 3))
    values["active.regulations.made"] = regulations
    values["active.regulations.published"] = regulations
    values["active.regulations.total"] = regulations + maybe(rng, scale.regulations, lambda: rng.randint(1, 30))
    normative = maybe(rng, 0.6, lambda: log_uniform(rng, 1, scale.normative))
    published = normative - maybe(rng, 0.2, lambda: rng.randint(0, min(normative, 2)))
    values["active.normative.made"] = normative
    values["active.normative.published"] = published
    values["active.normative.total"] = _stock(rng, published, scale.normative * 8)
    for item, chance, most_prior, bound, divisor in ITEMS_2019:
        prior = maybe(rng, chance, lambda m=most_prior: log_uniform(rng, 1, m))
        values[f"active.{item}.prev_items"] = prior
        values[f"active.{item}.change"] = maybe(rng, 0.45, lambda p=prior: rng.randint(-min(p, 6), 12))
        most = max(1, getattr(scale, bound) // divisor)
        values[f"active.{item}.decisions"] = maybe(rng, chance, lambda m=most: log_uniform(rng, 1, m))
    fee_items = maybe(rng, 0.35, lambda: rng.randint(1, 15))
    values["active.fees.prev_items"] = fee_items
    values["active.fees.change"] = maybe(rng, 0.25, lambda: rng.randint(-min(fee_items, 3), 3))
    items = maybe(rng, 0.5, lambda: log_uniform(rng, 1, scale.procurement))
    unit = rng.choice(("元", "万元", "万元"))
    values["active.procurement.items"] = items
    values["active.procurement.amount"] = _money_amount(rng, items, unit)
    return values, {"active.procurement.amount": unit}


def active_2021(rng: random.Random, scale: Scale) -> tuple[dict[str, int | float], dict[str, str]]:
    values: dict[str, int | float] = {}
    regulations = maybe(rng, scale.regulations, lambda: rng.randint(1, 3))
    values["active.regulations.issued"] = regulations
    values["active.regulations.repealed"] = maybe(rng, scale.regulations / 2, lambda: rng.randint(1, 2))
    values["active.regulations.in_force"] = regulations + maybe(rng, scale.regulations, lambda: rng.randint(1, 40))
    normative = maybe(rng, 0.6, lambda: log_uniform(rng, 1, scale.normative))
    values["active.normative.issued"] = normative
    values["active.normative.repealed"] = maybe(rng, 0.3, lambda: log_uniform(rng, 1, scale.normative))
    values["active.normative.in_force"] = _stock(rng, normative, scale.normative * 8)
    for item, chance, bound, divisor in DECISION_ITEMS_2021:
        most = max(1, getattr(scale, bound) // divisor)
        values[f"active.{item}.decisions"] = maybe(rng, chance, lambda m=most: log_uniform(rng, 1, m))
    fees = rng.uniform(0.3, scale.fees) if rng.random() < 0.3 else 0
    values["active.fees.amount"] = money(fees * rng.random())
    return values, {"active.fees.amount": "万元"}


# ---------------------------------------------------------------- table 三 --


def _applicant_counts(rng: random.Random, total: int) -> Counter[str]:
    weights = {
        column: rng.uniform(lo, hi) if rng.random() < chance else 0.0
        for column, (chance, lo, hi) in APPLICANT_WEIGHTS.items()
    }
    return multinomial(rng, total, weights)


def _result_weights(rng: random.Random, fv: str) -> dict[str, float]:
    """Per-report jitter and dropout of the result rows, so many rows stay 0."""
    weights = {}
    for row in result_rows(fv):
        dropped = row != "granted" and rng.random() < 0.35
        weights[row] = 0.0 if dropped else RESULT_WEIGHTS[row] * rng.uniform(0.3, 1.7)
    return weights


def _carry(rng: random.Random, processed: int) -> int:
    if processed == 0 or rng.random() < 0.5:
        return maybe(rng, 0.08, lambda: rng.randint(1, 2))
    return round(processed * rng.uniform(0.0, 0.12))


def applications(rng: random.Random, fv: str, scale: Scale) -> dict[str, int]:
    """Table 三: per column, results + carried out = new + carried in."""
    total = 0 if rng.random() < scale.no_apps else log_uniform(rng, 1, scale.apps)
    per_column = _applicant_counts(rng, total)
    row_weights = _result_weights(rng, fv)
    rows = [key for key, _ in application_rows(fv)]
    values = {application_key(row, column): 0 for row in rows for column in (*APPLICANTS, "total")}
    for column in APPLICANTS:
        processed = per_column[column]
        results = multinomial(rng, processed, row_weights)
        carried_out = _carry(rng, processed) if column == "natural_person" or processed else 0
        carried_in = min(_carry(rng, processed), processed + carried_out)
        for row in result_rows(fv):
            values[application_key(row, column)] = results[row]
        values[application_key("results_total", column)] = processed
        values[application_key("carried_out", column)] = carried_out
        values[application_key("carried_in", column)] = carried_in
        values[application_key("new", column)] = processed + carried_out - carried_in
    for row in rows:
        values[application_key(row, "total")] = sum(values[application_key(row, c)] for c in APPLICANTS)
    return values


def with_carried_in(values: dict[str, int | float], carried_in: dict[str, int]) -> dict[str, int | float]:
    """Table 三 with 上年结转 set per applicant column (last year's 结转下年度继续办理, say).

    新收 absorbs the change, so results + carried out = new + carried in still holds; where
    新收 would go below 0, this year's 结转下年度继续办理 grows instead.
    """
    out = dict(values)
    for column, carried in carried_in.items():
        processed = int(out[application_key("results_total", column)])
        carried_out = int(out[application_key("carried_out", column)])
        new = processed + carried_out - carried
        if new < 0:
            carried_out, new = carried - processed, 0
        out[application_key("carried_in", column)] = carried
        out[application_key("carried_out", column)] = carried_out
        out[application_key("new", column)] = new
    for row in ("carried_in", "carried_out", "new"):
        out[application_key(row, "total")] = sum(int(out[application_key(row, c)]) for c in APPLICANTS)
    return out


# ---------------------------------------------------------------- table 四 --


def review(rng: random.Random, scale: Scale) -> dict[str, int]:
    values: dict[str, int] = {}
    for block, _ in REVIEW_BLOCKS:
        chance, most = scale.reviews if block == "review" else scale.litigation
        if block == "litigation_after_review":
            chance /= 2
        cases = maybe(rng, chance, lambda m=most: log_uniform(rng, 1, m))
        outcomes = multinomial(rng, cases, REVIEW_OUTCOME_WEIGHTS)
        for outcome in REVIEW_OUTCOME_WEIGHTS:
            values[f"{block}.{outcome}"] = outcomes[outcome]
        values[f"{block}.total"] = cases
    return values


def table_values(rng: random.Random, fv: str, level: str) -> tuple[dict[str, int | float], dict[str, str]]:
    """All true values of one report (no nulls yet) and the money units."""
    scale = SCALES[level]
    active, units = (active_2019 if fv == FORMAT_2019 else active_2021)(rng, scale)
    return {**active, **applications(rng, fv, scale), **review(rng, scale)}, units
