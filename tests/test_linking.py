"""Linking claims to table fields, and verifying them: match, reconciled, mismatch, unverifiable."""

from __future__ import annotations

from extractor.document import Report, Section
from extractor.nlp.linking import link_claims


def report_with(text: str, tables: dict[str, int | float | None]) -> Report:
    return Report(
        file="t.txt",
        format_version="2021",
        agency="某某区某某局",
        year=2022,
        sections=[Section("overview", "一、总体情况", text)],
        tables=tables,
    )


def statuses(text: str, tables: dict) -> list[tuple[str, str | None, str]]:
    return [(lc.claim.text, lc.metric_expr, lc.status) for lc in link_claims(report_with(text, tables))]


APPLICATIONS = {
    "applications.new.total": 20,
    "applications.carried_in.total": 2,
    "applications.granted.total": 9,
    "applications.partial.total": 3,
    "applications.results_total.total": 21,
    "applications.carried_out.total": 1,
    "applications.unavailable.not_held.total": 7,
    "applications.unavailable.needs_creation.total": 0,
    "applications.unavailable.unclear.total": 0,
    "review.total": 2,
    "litigation_direct.total": 1,
    "litigation_after_review.total": 0,
}


def test_exact_matches() -> None:
    got = statuses("本年新收政府信息公开申请20件，办结21件，结转下年度1件。", APPLICATIONS)
    assert got == [
        ("20件", "applications.new.total", "match"),
        ("21件", "applications.results_total.total", "match"),
        ("1件", "applications.carried_out.total", "match"),
    ]


def test_mismatch() -> None:
    assert statuses("全年共收到政府信息公开申请25件。", APPLICATIONS) == [
        ("25件", "applications.new.total", "mismatch")
    ]


def test_received_counts_carried_in_too_is_reconciled() -> None:
    [lc] = link_claims(report_with("全年共收到政府信息公开申请22件。", APPLICATIONS))
    assert lc.status == "reconciled"
    assert lc.reconciliation is not None and "上年结转" in lc.reconciliation.name_zh


def test_granted_with_partial_is_reconciled() -> None:
    [lc] = link_claims(report_with("其中予以公开12件。", APPLICATIONS))
    assert (lc.metric, lc.status, lc.reconciled_value) == ("applications.granted.total", "reconciled", 12)


def test_several_claims_that_together_count_one_cell() -> None:
    got = statuses("经查信息不存在的4件，不属于本机关职责的3件。", APPLICATIONS)
    assert [s for _, _, s in got] == ["reconciled", "reconciled"]


def test_review_and_litigation() -> None:
    got = statuses("发生行政复议2件、行政诉讼1件。", APPLICATIONS)
    assert got == [
        ("2件", "review.total", "match"),
        ("1件", "litigation_direct.total + litigation_after_review.total", "match"),
    ]


def test_a_claim_no_cell_counts_is_never_linked() -> None:
    got = statuses("通过微信公众号推送信息348篇，通过网络提交申请的16件。", APPLICATIONS)
    assert got == [("348篇", None, "unverifiable"), ("16件", None, "unverifiable")]


def test_zero_statement_links_to_review_and_litigation() -> None:
    tables = {"review.total": 0, "litigation_direct.total": 0, "litigation_after_review.total": 0}
    got = statuses("本年度未发生因政府信息公开引起的行政复议和行政诉讼。", tables)
    assert [(m, s) for _, m, s in got] == [
        ("review.total + litigation_direct.total + litigation_after_review.total", "match")
    ]


def test_approximate_claims_within_their_direction() -> None:
    tables = {"stats.active.total": 534}
    assert statuses("主动公开政府信息500余条。", tables)[0][2] == "match"
    assert statuses("主动公开政府信息600余条。", tables)[0][2] == "mismatch"
    assert statuses("主动公开政府信息近550条。", tables)[0][2] == "match"


def test_missing_cell_is_unverifiable() -> None:
    legacy = {"stats.active.website": 400}  # the legacy table is there, its 主动公开政府信息数 cell is not
    assert statuses("主动公开政府信息513条。", legacy) == [("513条", "stats.active.total", "unverifiable")]


def test_legacy_statistics_are_linked_only_where_the_document_has_that_table() -> None:
    """The 2019 and 2021 formats dropped the 统计指标 table: their 主动公开…条 counts no cell of theirs."""
    assert statuses("主动公开政府信息513条。", {"applications.new.total": 3}) == [("513条", None, "unverifiable")]
    assert statuses("主动公开政府信息513条。", {"stats.active.total": 513})[0][1:] == ("stats.active.total", "match")


def test_format_alternatives() -> None:
    made = statuses("本年制发规范性文件6件。", {"active.normative.made": 6})
    assert made[0][1:] == ("active.normative.made", "match")
    assert statuses("本年制发规范性文件6件。", {"active.normative.issued": 6})[0][1:] == (
        "active.normative.issued",
        "match",
    )
