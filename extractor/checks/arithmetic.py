"""Table arithmetic (GK2xx): the sums that fields.md states or implies for tables 三 and 四.

Every relation is data.  A :class:`Relation` names the cells on the two sides of
one equation; the builders in :data:`RELATION_BUILDERS` expand the key lists of
:mod:`extractor.checks.keys` into every relation a report's tables hold (per row
and per column, with the 办理结果 rows of the report's format), and one generic
evaluator checks them.  Each rule below evaluates one family of relations.

Blank cells:

* a relation whose cells are all blank says nothing, and neither does a total
  whose parts are all blank: the structure rules report blank tables;
* otherwise a blank part counts as 0;
* a blank total whose parts hold values other than 0 is a *missing total* (GK205, a warning),
  never a wrong total; a relation that uses a missing total as one of its terms
  is not evaluated, so the same gap is not reported again as a wrong sum.

A truncated document (:mod:`extractor.truncation`, reported once by GK407): a relation
with any cell at or after the cut is not evaluated, whether that cell is absent or
read from a row the cut went through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from extractor.checks.keys import (
    APPLICANT_COLUMNS,
    APPLICATION_COLUMN_LABELS,
    APPLICATION_COLUMNS,
    APPLICATION_ROW_LABELS,
    APPLICATION_ROWS,
    CARRIED_OUT_ROW,
    INTAKE_ROWS,
    RESULTS_TOTAL_ROW,
    REVIEW_BLOCK_LABELS,
    REVIEW_BLOCKS,
    REVIEW_PART_LABELS,
    REVIEW_PARTS,
    REVIEW_TOTAL,
    TOTAL_COLUMN,
    Value,
    application_key,
    cell_evidence,
    format_number,
    result_rows,
    review_key,
)
from extractor.checks.registry import AuditInput, Hit, rule
from extractor.document import Report
from extractor.truncation import cut_keys, find_truncation

# Sums of money could carry float noise; counts are integers.
TOLERANCE = 1e-6
# A side with more terms than this is shown with its non-zero terms only.
MAX_TERMS_SHOWN = 6

# Relation families, one rule each.
ROW_TOTAL = "applications_row_total"
RESULTS_TOTAL = "applications_results_total"
BALANCE = "applications_balance"
BLOCK_TOTAL = "review_block_total"


@dataclass(frozen=True)
class Term:
    """One cell of a relation with the label a reviewer reads it by."""

    key: str
    zh: str
    en: str


@dataclass(frozen=True)
class Relation:
    """sum(left) = sum(right).  A *sum* relation has one cell on the left: the stated total."""

    family: str
    where_zh: str
    where_en: str
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    @property
    def is_sum(self) -> bool:
        return len(self.left) == 1

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """Every cell of the relation (asked by each rule of every report: kept once made)."""
        return tuple(t.key for t in (*self.left, *self.right))

    @property
    def metric(self) -> str:
        return " + ".join(t.key for t in self.left)

    @property
    def formula(self) -> str:
        return f"{self.metric} = {' + '.join(t.key for t in self.right)}"


# ---- the relations, built from the key lists ---------------------------------------------


def _column_term(row: str, column: str) -> Term:
    return Term(application_key(row, column), *APPLICATION_COLUMN_LABELS[column])


def _row_term(row: str, column: str) -> Term:
    return Term(application_key(row, column), *APPLICATION_ROW_LABELS[row])


def _column_place(column: str) -> tuple[str, str]:
    zh, en = APPLICATION_COLUMN_LABELS[column]
    return f"表三“{zh}”列", f"Table 3, column “{en}”"


def row_total_relations(result_rows: tuple[str, ...]) -> list[Relation]:
    """三: in every row, 总计 = the six applicant columns."""
    relations = []
    for row in APPLICATION_ROWS:
        zh, en = APPLICATION_ROW_LABELS[row]
        left = (_column_term(row, TOTAL_COLUMN),)
        right = tuple(_column_term(row, column) for column in APPLICANT_COLUMNS)
        relations.append(Relation(ROW_TOTAL, f"表三“{zh}”行", f"Table 3, row “{en}”", left, right))
    return relations


def results_total_relations(rows: tuple[str, ...]) -> list[Relation]:
    """三: in every column, （七）总计 = every 办理结果 row of the report's format."""
    return [
        Relation(
            RESULTS_TOTAL,
            *_column_place(column),
            (_row_term(RESULTS_TOTAL_ROW, column),),
            tuple(_row_term(row, column) for row in rows),
        )
        for column in APPLICATION_COLUMNS
    ]


def balance_relations(result_rows: tuple[str, ...]) -> list[Relation]:
    """三: in every column, 新收 + 上年结转 = 办理结果总计 + 结转下年度."""
    return [
        Relation(
            BALANCE,
            *_column_place(column),
            tuple(_row_term(row, column) for row in INTAKE_ROWS),
            (_row_term(RESULTS_TOTAL_ROW, column), _row_term(CARRIED_OUT_ROW, column)),
        )
        for column in APPLICATION_COLUMNS
    ]


def block_total_relations(result_rows: tuple[str, ...]) -> list[Relation]:
    """四: in every block, 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""
    relations = []
    for block in REVIEW_BLOCKS:
        zh, en = REVIEW_BLOCK_LABELS[block]
        left = (Term(review_key(block, REVIEW_TOTAL), *REVIEW_PART_LABELS[REVIEW_TOTAL]),)
        right = tuple(Term(review_key(block, part), *REVIEW_PART_LABELS[part]) for part in REVIEW_PARTS)
        relations.append(Relation(BLOCK_TOTAL, f"表四“{zh}”", f"Table 4, {en}", left, right))
    return relations


# Each builder takes the 办理结果 rows of the report's format: the only thing relations depend on.
RELATION_BUILDERS: dict[str, Callable[[tuple[str, ...]], list[Relation]]] = {
    ROW_TOTAL: row_total_relations,
    RESULTS_TOTAL: results_total_relations,
    BALANCE: balance_relations,
    BLOCK_TOTAL: block_total_relations,
}


def all_relations(report: Report) -> list[Relation]:
    return relations_for(result_rows(report))


@lru_cache(maxsize=8)
def relations_for(rows: tuple[str, ...]) -> list[Relation]:
    """Built once per format (a handful of row sets), not once per rule and report."""
    return [relation for build in RELATION_BUILDERS.values() for relation in build(rows)]


# ---- evaluation ------------------------------------------------------------------------


def _values(report: Report, terms: tuple[Term, ...]) -> list[Value]:
    return [report.tables.get(t.key) for t in terms]


def _sum(values: list[Value]) -> int | float:
    return sum(v for v in values if v is not None)


def is_missing_total(report: Report, relation: Relation) -> bool:
    """A sum relation whose total is blank while some part holds a value other than 0.

    A blank total over parts that are all 0 or blank is how many bodies write "none":
    nothing is missing there.
    """
    return (
        relation.is_sum
        and report.tables.get(relation.left[0].key) is None
        and any(v not in (None, 0) for v in _values(report, relation.right))
    )


def missing_totals(report: Report, relations: list[Relation]) -> set[str]:
    return {r.left[0].key for r in relations if is_missing_total(report, r)}


def relations_and_missing_totals(report: Report) -> tuple[list[Relation], set[str]]:
    relations = all_relations(report)
    return relations, missing_totals(report, relations)


def can_evaluate(left: list[Value], right: list[Value], relation: Relation, missing: set[str]) -> bool:
    if all(v is None for v in left) and all(v is None for v in right):
        return False
    if relation.is_sum and (left[0] is None or all(v is None for v in right)):
        return False
    return not missing.intersection(relation.keys)


def broken_relations(data: AuditInput) -> list[tuple[Relation, int | float, int | float]]:
    """Every relation the report's numbers break, with both sides' sums: worked out once a report, each
    family's rule picks its own (the cells of a relation are read once, not once a test)."""
    report = data.report
    relations, missing = data.once(relations_and_missing_totals)
    cut_off = cut_keys(report, data.once(find_truncation))  # the truncation GK407 reports, found once
    broken = []
    for relation in relations:
        left, right = _values(report, relation.left), _values(report, relation.right)
        if not can_evaluate(left, right, relation, missing) or cut_off.intersection(relation.keys):
            continue
        left_sum, right_sum = _sum(left), _sum(right)
        if abs(left_sum - right_sum) > TOLERANCE:
            broken.append((relation, left_sum, right_sum))
    return broken


# How a side of a relation is written: plus sign, a blank cell, the note on hidden terms, no terms.
TERM_STYLE: dict[str, tuple[str, str, str, str]] = {
    "zh": ("＋", "空白", "，其余各项为0或空白", "各项均为0或空白"),
    "en": (" + ", "blank", "; the rest 0 or blank", "all 0 or blank"),
}


def render_terms(report: Report, terms: tuple[Term, ...], lang: str) -> str:
    """'予以公开8＋部分公开1' / 'granted 8 + partly granted 1'; long sides show non-zero terms only."""
    plus, blank, rest, nothing = TERM_STYLE[lang]
    shown = terms if len(terms) <= MAX_TERMS_SHOWN else tuple(t for t in terms if report.tables.get(t.key))
    if not shown:
        return nothing
    sep = "" if lang == "zh" else " "
    text = plus.join(f"{getattr(t, lang)}{sep}{format_number(report.tables.get(t.key), blank)}" for t in shown)
    return text + (rest if len(shown) < len(terms) else "")


def relation_params(report: Report, relation: Relation, left: Value, right: Value) -> dict[str, Any]:
    total = relation.left[0]
    return {
        "where_zh": relation.where_zh,
        "where_en": relation.where_en,
        "total_zh": total.zh,
        "total_en": total.en,
        "left": format_number(left, "空白"),
        "right": format_number(right, "空白"),
        "left_terms_zh": render_terms(report, relation.left, "zh"),
        "left_terms_en": render_terms(report, relation.left, "en"),
        "right_terms_zh": render_terms(report, relation.right, "zh"),
        "right_terms_en": render_terms(report, relation.right, "en"),
    }


def relation_hit(report: Report, relation: Relation, actual: Value, expected: Value) -> Hit:
    evidence = {
        "cells": cell_evidence(report, relation.keys),
        "relation": relation.formula,
        "expected": expected,
        "actual": actual,
    }
    return Hit(relation.metric, relation_params(report, relation, actual, expected), evidence)


def wrong_sums(data: AuditInput, family: str) -> Iterator[Hit]:
    """Every relation of one family that the report's numbers break."""
    for relation, left, right in data.once_of_input(broken_relations):
        if relation.family == family:
            yield relation_hit(data.report, relation, left, right)


# ---- rules -----------------------------------------------------------------------------


@rule(
    "GK201",
    kind="table_arithmetic",
    severity="error",
    zh="{where_zh}：六类申请人（{right_terms_zh}）合计{right}，但“总计”列为{left}",
    en="{where_en}: the six applicant columns ({right_terms_en}) add up to {right}, but the total column says {left}",
)
def applicant_columns_sum_to_total(data: AuditInput) -> Iterator[Hit]:
    yield from wrong_sums(data, ROW_TOTAL)


@rule(
    "GK202",
    kind="table_arithmetic",
    severity="error",
    zh="{where_zh}：各项办理结果（{right_terms_zh}）合计{right}，但“（七）总计”为{left}",
    en="{where_en}: the outcome rows ({right_terms_en}) add up to {right}, but row (7) “total” says {left}",
)
def result_rows_sum_to_results_total(data: AuditInput) -> Iterator[Hit]:
    yield from wrong_sums(data, RESULTS_TOTAL)


@rule(
    "GK203",
    kind="table_arithmetic",
    severity="error",
    zh="{where_zh}：{left_terms_zh}＝{left}，但{right_terms_zh}＝{right}（表注：第一项加第二项之和，等于第三项加第四项之和）",
    en="{where_en}: {left_terms_en} = {left}, but {right_terms_en} = {right} "
    "(the table's note: items 1 + 2 equal items 3 + 4)",
)
def intake_equals_outcomes_plus_carried_out(data: AuditInput) -> Iterator[Hit]:
    yield from wrong_sums(data, BALANCE)


@rule(
    "GK204",
    kind="table_arithmetic",
    severity="error",
    zh="{where_zh}：{right_terms_zh}＝{right}，但“总计”为{left}",
    en="{where_en}: {right_terms_en} = {right}, but the total says {left}",
)
def review_outcomes_sum_to_total(data: AuditInput) -> Iterator[Hit]:
    yield from wrong_sums(data, BLOCK_TOTAL)


@rule(
    "GK205",
    kind="table_arithmetic",
    severity="warning",
    zh="{where_zh}：“{total_zh}”未填写，但其组成项（{right_terms_zh}）合计{right}",
    en="{where_en}: “{total_en}” is blank although its parts ({right_terms_en}) add up to {right}",
)
def total_left_blank(data: AuditInput) -> Iterator[Hit]:
    """One finding per blank total (a total can close a row and a column: reported once)."""
    report = data.report
    seen: set[str] = set()
    cut_off = cut_keys(report, data.once(find_truncation))  # the truncation GK407 reports, found once
    for relation in all_relations(report):
        if cut_off.intersection(relation.keys):
            continue  # a total after the cut of a truncated document is not missing, only cut off
        if is_missing_total(report, relation) and relation.metric not in seen:
            seen.add(relation.metric)
            yield relation_hit(report, relation, None, _sum(_values(report, relation.right)))
