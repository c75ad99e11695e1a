"""Table checks (GK2xx arithmetic, GK4xx structure, GK5xx plausibility) on real documents.

Also run on the hand-read golden tables (tests/golden/expected), whose own breaks
are documented in tests/golden/README.md.

Seeds, as read by hand (tables 三 and 四 printed cell by cell from the parse and
compared with the tab-separated cells of each seed file):

* 000, 003: every cell of 三 and 四 is 0 — consistent, nothing to report.
* 001: 29 new + 1 carried in = 27 handled + 3 carried out; rows and columns add
  up (自然人 8+1+1+10+1+2 = 23, 商业企业 1+3 = 4, 总计 27) — consistent.
* 002: 三 is blank except （七）总计 = 0; 四 is blank except its three 总计 = 0 →
  GK404 for both tables.
* 004: 三 has only its 总计 column (all 0), the six applicant columns blank →
  GK404; 四 all 0; no 其他需要报告的事项 section (六、下一步工作计划 instead) → GK401.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from extractor import parse_path
from extractor.checks import arithmetic, keys, registry
from extractor.checks.plausibility import non_rulemaking_kind
from extractor.checks.registry import RULES, AuditInput, Finding, Rule, run_checks
from extractor.document import Report
from extractor.fields import labels
from tests.conftest import seed_path

SEEDS = ("000", "001", "002", "003", "004")
TABLE_RULE_PREFIXES = ("GK2", "GK4", "GK5")
REVIEW_PATTERN = "review.*,litigation_direct.*,litigation_after_review.*"
EXPECTED_SEED_FINDINGS: dict[str, set[tuple[str, str, str | None]]] = {
    "000": set(),
    "001": set(),
    "002": {("GK404", "warning", "applications.*"), ("GK404", "warning", REVIEW_PATTERN)},
    "003": set(),
    "004": {("GK401", "warning", "sections.other"), ("GK404", "warning", "applications.*")},
}
MUTATED_PREFIXES = ("applications.", "review.", "litigation_direct.", "litigation_after_review.")
DELTAS = (1, 7)
MIN_RECALL = 0.98
GOLDEN = Path(__file__).parent / "golden" / "expected"


@pytest.fixture(scope="module")
def seeds() -> dict[str, Report]:
    return {name: parse_path(seed_path(name)) for name in SEEDS}


def table_findings(report: Report) -> list[Finding]:
    return [f for f in run_checks(AuditInput(report)) if f.rule.startswith(TABLE_RULE_PREFIXES)]


@pytest.mark.parametrize("name", SEEDS)
def test_seed_findings_as_read_by_hand(name: str, seeds: dict[str, Report]) -> None:
    found = {(f.rule, f.severity, f.metric) for f in table_findings(seeds[name])}
    assert found == EXPECTED_SEED_FINDINGS[name]


def test_blank_table_message_names_the_table(seeds: dict[str, Report]) -> None:
    (finding,) = [f for f in table_findings(seeds["002"]) if f.metric == "applications.*"]
    assert (
        finding.message_zh
        == "表三（收到和处理政府信息公开申请情况）只填写了1个总计单元格（合计0），其余132个单元格均为空白"
    )
    assert finding.evidence["cells"] == {"applications.results_total.total": {"value": 0, "raw": "0"}}


# ---- mutation test ---------------------------------------------------------------------


def arithmetic_rules() -> list[Rule]:
    registry.load_rules()
    return [r for r in RULES.values() if r.kind == "table_arithmetic"]


def caught(report: Report, key: str, rules: list[Rule]) -> bool:
    data = AuditInput(report)
    return any(key in f.evidence.get("cells", {}) for r in rules for f in r.findings(data))


def mutation_misses(reports: dict[str, Report], rules: list[Rule]) -> tuple[int, list[str]]:
    """Add each delta to each non-blank cell of tables 三 and 四 in turn; list the changes no finding names."""
    tried, missed = 0, []
    for name, report in reports.items():
        assert not [f for r in rules for f in r.findings(AuditInput(report))], f"{name} is not consistent"
        for key, value in report.tables.items():
            if value is None or not key.startswith(MUTATED_PREFIXES):
                continue
            for delta in DELTAS:
                tried += 1
                if not caught(replace(report, tables={**report.tables, key: value + delta}), key, rules):
                    missed.append(f"{name}:{key}+{delta}")
    return tried, missed


def test_mutating_any_cell_of_tables_3_and_4_is_caught(seeds: dict[str, Report]) -> None:
    tried, missed = mutation_misses(seeds, arithmetic_rules())
    recall = 1 - len(missed) / tried
    print(f"table arithmetic mutation recall: {tried - len(missed)}/{tried} = {recall:.4f}; missed: {missed}")
    assert recall >= MIN_RECALL


# ---- the hand-read golden tables (tests/golden/README.md lists their documented breaks) ---------

GOLDEN_BREAKS: dict[str, set[tuple[str, str, int, int]]] = {
    "pingtan2020": {
        ("GK202", "applications.results_total.natural_person", 26, 20),
        ("GK202", "applications.results_total.total", 27, 21),
    },
    "hzq2023": {("GK204", "review.total", 11, 0), ("GK204", "litigation_after_review.total", 5, 0)},
}
GOLDEN_NAMES = sorted(p.stem for p in GOLDEN.glob("*.json"))
# 2021-format documents with non-zero tables, for the mutation test of the 2021 rows.
GOLDEN_MUTATED = ("pingtan2021", "huaian2024")


def golden_report(name: str) -> Report:
    """A report of the values read by hand from the document (no parser involved)."""
    data = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    return Report(
        file=name,
        format_version=data["format_version"],
        agency=data["agency"],
        year=data["year"],
        sections=[],
        tables=data["tables"],
    )


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_golden_tables_break_only_where_documented(name: str) -> None:
    found = {
        (f.rule, f.metric, f.evidence["expected"], f.evidence["actual"])
        for f in run_checks(AuditInput(golden_report(name)))
        if f.kind == "table_arithmetic"
    }
    assert found == GOLDEN_BREAKS.get(name, set())


def test_mutating_the_2021_format_tables_is_caught() -> None:
    reports = {name: golden_report(name) for name in GOLDEN_MUTATED}
    tried, missed = mutation_misses(reports, arithmetic_rules())
    print(f"2021-format mutation recall: {tried - len(missed)}/{tried}; missed: {missed}")
    assert missed == []


# ---- the relations are built from the same keys the mapping produces -------------------------


def test_key_lists_match_the_label_tables() -> None:
    assert set(keys.APPLICATION_ROWS) == {label.key for label in labels.APPLICATION_ROWS}
    assert tuple(label.key for label in labels.APPLICANT_COLUMNS) == keys.APPLICATION_COLUMNS
    assert {*keys.REVIEW_PARTS, keys.REVIEW_TOTAL} == {label.key for label in labels.REVIEW_RESULTS}
    assert set(keys.REVIEW_BLOCKS) == {label.key for label in labels.REVIEW_BLOCKS}
    assert set(keys.APPLICATION_ROW_LABELS) == set(keys.APPLICATION_ROWS)


def _report(format_version: str | None, tables: dict[str, int | float | None]) -> Report:
    return Report(file="t", format_version=format_version, agency=None, year=2021, sections=[], tables=tables)


@pytest.mark.parametrize(
    ("format_version", "present", "expected_other_rows"),
    [
        ("2019", "other", ("other",)),
        ("2021", "other.other", ("other.overdue_correction", "other.overdue_fee", "other.other")),
        ("2021", "other", ("other",)),  # hzq2023: a 2021 report with the single 2019 row
        (None, "other.overdue_fee", ("other.overdue_correction", "other.overdue_fee", "other.other")),
        (None, "other", ("other",)),
    ],
)
def test_result_rows_follow_the_format_and_the_keys(
    format_version: str | None, present: str, expected_other_rows: tuple[str, ...]
) -> None:
    report = _report(format_version, {f"applications.{present}.total": 1})
    assert keys.result_rows(report) == (*keys.COMMON_RESULT_ROWS, *expected_other_rows)


def test_2021_other_subrows_count_towards_results_total() -> None:
    tables: dict[str, int | float | None] = {
        "applications.granted.total": 2,
        "applications.other.overdue_fee.total": 1,
        "applications.results_total.total": 2,
    }
    (finding,) = [f for f in table_findings(_report("2021", tables)) if f.rule == "GK202"]
    assert (finding.evidence["expected"], finding.evidence["actual"]) == (3, 2)
    assert "applications.other.overdue_fee.total" in finding.evidence["cells"]
    assert (
        finding.message_zh == "表三“总计”列：各项办理结果（予以公开2＋其他处理·逾期未缴纳费用1，其余各项为0或空白）"
        "合计3，但“（七）总计”为2"
    )


def test_missing_total_is_reported_once_and_not_as_a_wrong_sum() -> None:
    tables: dict[str, int | float | None] = {
        "applications.new.natural_person": 3,
        "applications.new.total": 3,
        "applications.granted.natural_person": 3,
        "applications.granted.total": 3,
        "applications.results_total.natural_person": 3,
        "applications.results_total.total": None,
    }
    found = [
        (f.rule, f.severity, f.metric) for f in table_findings(_report("2019", tables)) if f.rule.startswith("GK2")
    ]
    assert found == [("GK205", "warning", "applications.results_total.total")]


def test_balance_message_names_the_relation_and_the_numbers() -> None:
    tables: dict[str, int | float | None] = {
        "applications.new.natural_person": 25,
        "applications.carried_in.natural_person": 1,
        "applications.results_total.natural_person": 23,
        "applications.carried_out.natural_person": 4,
    }
    (finding,) = [f for f in table_findings(_report("2019", tables)) if f.rule == "GK203"]
    assert finding.metric == "applications.new.natural_person + applications.carried_in.natural_person"
    assert finding.message_zh.startswith(
        "表三“自然人”列：本年新收25＋上年结转1＝26，但办理结果总计23＋结转下年度继续办理4＝27"
    )
    assert finding.evidence["relation"] == (
        "applications.new.natural_person + applications.carried_in.natural_person"
        " = applications.results_total.natural_person + applications.carried_out.natural_person"
    )


@pytest.mark.parametrize(
    ("agency", "kind"),
    [
        ("拱墅区湖墅街道", "a sub-district or township"),
        ("XX镇人民政府", "a sub-district or township"),
        ("淮安市洪泽区人民政府", "a county-level government"),
        ("杭州市余杭区发改局（区金融办、区对口支援和区域合作局）", "a government department or agency"),
        ("浙江省财政厅", "a government department or agency"),
        ("国家税务总局杭州市税务局", "a government department or agency"),
        ("浙江省人民政府", None),
        ("新疆维吾尔自治区人民政府", None),
        ("国家发展和改革委员会", None),
        ("国家市场监督管理总局", None),
        ("杭州市人民政府", None),  # 设区的市 or 县级市: not decidable by the name
        ("杭州市人民政府办公厅", None),
        (None, None),
    ],
)
def test_which_bodies_cannot_make_regulations(agency: str | None, kind: str | None) -> None:
    found = non_rulemaking_kind(agency)
    assert (found.en if found else None) == kind


def test_relations_cover_every_cell_of_tables_3_and_4() -> None:
    report = _report("2021", {})
    in_relations = {key for relation in arithmetic.all_relations(report) for key in relation.keys}
    table_3 = {keys.application_key(r, c) for r in keys.APPLICATION_ROWS for c in keys.APPLICATION_COLUMNS}
    table_4 = {keys.review_key(b, p) for b in keys.REVIEW_BLOCKS for p in (*keys.REVIEW_PARTS, keys.REVIEW_TOTAL)}
    assert table_3 | table_4 <= in_relations


@pytest.mark.parametrize(("year", "expected"), [(2018, []), (2019, ["GK402", "GK402", "GK402"]), (None, ["GK402"] * 3)])
def test_standard_tables_are_required_from_2019_reports_on(year: int | None, expected: list[str]) -> None:
    report = Report(file="t", format_version=None, agency=None, year=year, sections=[], tables={"stats.org.staff": 2})
    assert [f.rule for f in table_findings(report) if f.rule == "GK402"] == expected
