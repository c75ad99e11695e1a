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


# ---- issue 19: clauses as real reports write them (sentences written for these tests) ----------------


def test_a_fee_zero_statement_is_not_a_statement_on_requests() -> None:
    got = statuses("办理依申请公开时，本局未向申请人收取任何费用。", APPLICATIONS)
    assert got == [("未向申请人收取任何费", None, "unverifiable")]


def test_a_bare_verb_counts_the_last_thing_named_before_it() -> None:
    """办结 after 留言 or 信箱 counts those, not the information requests."""
    got = statuses("本年新收政府信息公开申请20件，办结21件；区长信箱来信15件，办结15件。", APPLICATIONS)
    assert [m for _, m, _ in got] == ["applications.new.total", "applications.results_total.total", None, None]
    assert statuses("办结网民留言88条。", APPLICATIONS) == [("88条", None, "unverifiable")]


def test_a_bare_total_after_counts_of_cells_is_their_sum() -> None:
    got = statuses("本年新收政府信息公开申请20件，上年结转2件，合计22件。", APPLICATIONS)
    assert got[-1] == ("22件", "applications.new.total + applications.carried_in.total", "match")


def test_a_total_after_an_unlinked_count_is_not_grouped() -> None:
    got = statuses("发布通知公告6件，本年新收政府信息公开申请20件，共计26件。", APPLICATIONS)
    assert got[-1][1] != "applications.new.total + applications.carried_in.total"


def test_litigation_blocks_by_the_formats_headings() -> None:
    got = statuses("发生行政诉讼1件，其中未经复议直接起诉1件，复议后起诉0件。", APPLICATIONS)
    assert [m for _, m, _ in got] == ["litigation_direct.total + litigation_after_review.total"] + [
        "litigation_direct.total",
        "litigation_after_review.total",
    ]


DOCUMENTS_2021 = {
    "active.regulations.issued": 0,
    "active.normative.issued": 3,
    "active.normative.repealed": 1,
    "active.normative.in_force": 25,
}


def test_document_rows_and_their_columns() -> None:
    text = "本年制发行政规范性文件3件、废止1件，现行有效规范性文件25件。"
    got = statuses(text, DOCUMENTS_2021)
    assert got == [
        ("3件", "active.normative.issued", "match"),
        ("1件", "active.normative.repealed", "match"),
        ("25件", "active.normative.in_force", "match"),
    ]


def test_a_document_row_named_alone_counts_the_years_documents() -> None:
    """规范性文件0条 in a list of what was published: 制发 in the 2021 format, 新公开 in the 2019 one."""
    text = "全年发布工作动态40条、规范性文件3条、人事信息2条。"
    assert statuses(text, DOCUMENTS_2021)[1] == ("3条", "active.normative.issued", "match")
    published = statuses(text, {"active.normative.made": 5, "active.normative.published": 3})
    assert published[1] == ("3条", "active.normative.published", "match")


def test_the_2019_columns_by_their_names() -> None:
    tables = {"active.regulations.total": 4, "active.normative.total": 30}
    got = statuses("规章对外公开总数量4件，规范性文件对外公开总数量30件。", tables)
    assert [(m, s) for _, m, s in got] == [("active.regulations.total", "match"), ("active.normative.total", "match")]


def test_not_document_rows() -> None:
    """规章制度 are rules in general; a row named earlier is kept only by a list of its columns."""
    got = statuses("修订完善信息发布规章制度，全年共发布信息46条。", DOCUMENTS_2021)
    assert got == [("46条", None, "unverifiable")]
    got = statuses("制发规范性文件3件，全年新增公开事项12项。", DOCUMENTS_2021)
    assert got[1] == ("12项", None, "unverifiable")


def test_other_closing_a_list_takes_the_lists_dimension() -> None:
    tables = {**APPLICATIONS, "applications.new.natural_person": 15, "applications.new.other_org": 5}
    got = statuses("其中自然人申请15件，其他申请5件。", tables)
    assert got[1] == ("5件", "applications.new.other_org", "match")
    got = statuses("其中予以公开9件，部分公开3件，其他0件。", APPLICATIONS | {"applications.other.other.total": 0})
    assert got[2][1] is not None and got[2][1].startswith("applications.other.overdue_correction.total + ")


def test_requests_named_by_the_sections_name() -> None:
    assert statuses("全年依申请公开20件。", APPLICATIONS) == [("20件", "applications.new.total", "match")]


def test_a_rows_bare_count_before_its_change_and_decisions_is_last_years_items() -> None:
    """The 2019 format's columns in their order: 上一年项目数量, 本年增/减, 处理决定数量."""
    tables = {"active.penalty.prev_items": 12, "active.penalty.change": 3, "active.penalty.decisions": 40}
    report = report_with("行政处罚12项，本年增加3项，处理决定40件。", tables)
    report.format_version = "2019"
    got = [(lc.metric, lc.status) for lc in link_claims(report)]
    assert got == [
        ("active.penalty.prev_items", "match"),
        ("active.penalty.change", "match"),
        ("active.penalty.decisions", "match"),
    ]


def test_review_and_a_suit_named_by_its_verb() -> None:
    tables = {"review.total": 0, "litigation_direct.total": 0, "litigation_after_review.total": 0}
    got = statuses("全年无因政府信息公开引发的行政复议和起诉案件。", tables)
    assert [m for _, m, _ in got] == ["review.total + litigation_direct.total + litigation_after_review.total"]


def test_a_zero_statement_with_each_verb_of_its_pattern_is_linked() -> None:
    assert statuses("本年度本中心未印制行政规范性文件。", DOCUMENTS_2021)[0][1] == "active.normative.issued"


def test_the_regulations_words_for_applicants() -> None:
    """公民 alone is the 自然人 column; 公民、法人或者其他组织 (the Regulations' phrase) is every applicant."""
    tables = {**APPLICATIONS, "applications.new.natural_person": 12, "applications.new.commercial": 8}
    text = "本年收到公民、法人或者其他组织提出的政府信息公开申请共20件，其中收到公民提出的申请12份。"
    assert [(text, key) for text, key, _ in statuses(text, tables)] == [
        ("20件", "applications.new.total"),
        ("12份", "applications.new.natural_person"),
    ]


def test_channels_of_requests_are_parts_not_the_total() -> None:
    """A list of channels (网络申请, 邮件申请, 其他方式申请) breaks the year's requests down: no part is the total."""
    got = statuses("全年受理申请20件，其中网络申请12件，邮件申请5件，其他方式申请3件。", APPLICATIONS)
    assert [(text, key) for text, key, _ in got] == [
        ("20件", "applications.new.total"),
        ("12件", None),
        ("5件", None),
        ("3件", None),
    ]


def test_decisions_named_by_their_verb_after_a_change() -> None:
    """作出 names the 处理决定数量 column: a count after the row's change is not a second change."""
    tables = {"active.penalty.change": 2, "active.penalty.decisions": 35}
    report = report_with("本年行政处罚事项20项，比上年增加2项，全年共作出行政处罚35件。", tables)
    report.format_version = "2019"
    got = [(lc.claim.text, lc.metric, lc.status) for lc in link_claims(report)]
    assert got[1:] == [("增加2项", "active.penalty.change", "match"), ("35件", "active.penalty.decisions", "match")]


def test_a_count_of_all_the_years_is_no_cell_of_this_one() -> None:
    got = statuses("历年累计受理政府信息公开申请56件。", APPLICATIONS)
    assert got == [("56件", None, "unverifiable")]
    got = statuses("全年及历年均未发生因政府信息公开引起的行政复议和行政诉讼。", APPLICATIONS)
    assert got[0][1] == "review.total + litigation_direct.total + litigation_after_review.total"


def test_no_carried_in_requests_in_a_clause_of_its_own() -> None:
    got = statuses("全年收到申请20件，无上年度结转，办结21件。", APPLICATIONS | {"applications.carried_in.total": 0})
    assert ("无上年度结转", "applications.carried_in.total", "match") in got


def test_partial_in_the_words_of_granted() -> None:
    got = statuses("予以公开9件，部分予以公开3件。", APPLICATIONS)
    assert got == [("9件", "applications.granted.total", "match"), ("3件", "applications.partial.total", "match")]


def test_a_row_named_inside_an_includes_bracket_is_not_the_subject() -> None:
    got = statuses("全年发布政策类文件（含行政规范性文件）30件。", DOCUMENTS_2021)
    assert got == [("30件", None, "unverifiable")]
    got = statuses("全年制发行政规范性文件3件。", DOCUMENTS_2021)
    assert got[0][1] == "active.normative.issued"


def test_zero_requests_and_reviews_in_other_words() -> None:
    assert statuses("全年无政府信息公开申请。", APPLICATIONS)[0][1] == "applications.new.total"
    got = statuses("全年未引发行政复议、行政诉讼。", APPLICATIONS)
    assert got[0][1] == "review.total + litigation_direct.total + litigation_after_review.total"


def test_the_regulations_words_for_applicants_with_the_carried_in() -> None:
    """公民、法人或者其他组织…申请22件（含上年结转2件）: the count holds last year's requests too."""
    got = statuses("全年受理公民、法人或者其他组织提出的政府信息公开申请22件（含上年结转2件）。", APPLICATIONS)
    assert got[0] == ("22件", "applications.new.total + applications.carried_in.total", "match")


def test_document_columns_after_the_row_and_a_colon() -> None:
    """规范性文件：制发件数3件，废止件数1件，现行有效件数25件 — the format's column names after the row."""
    got = statuses("本年出台行政规范性文件：制发件数3件，废止件数1件，现行有效件数25件。", DOCUMENTS_2021)
    assert got == [
        ("3件", "active.normative.issued", "match"),
        ("1件", "active.normative.repealed", "match"),
        ("25件", "active.normative.in_force", "match"),
    ]
    # A colon after something else names no row: the counts stay unlinked.
    got = statuses("本年开展培训：制发件数3件。", DOCUMENTS_2021)
    assert got == [("3件", None, "unverifiable")]


def test_zero_reviews_in_short_words_and_complaints() -> None:
    got = statuses("全年无因政府信息公开被申请复议或提起诉讼的情况。", APPLICATIONS)
    assert got[0][1] == "review.total + litigation_direct.total + litigation_after_review.total"
    got = statuses("全年未发生因依申请公开答复不当引发的投诉举报情况。", APPLICATIONS)
    assert got == [("全年未发生因依申请公开答复不当引发的投诉举报", None, "unverifiable")]


def test_ten_thousands_without_a_measure_word_link_to_nothing() -> None:
    got = statuses("全年网站访问量达20万，收到申请20件。", APPLICATIONS)
    assert got == [("20万", None, "unverifiable"), ("20件", "applications.new.total", "match")]


BOTH_BLOCKS = "review.total + litigation_direct.total + litigation_after_review.total"
SUITS = "litigation_direct.total + litigation_after_review.total"


def test_zero_reviews_with_the_cause_first_or_the_suit_after_a_comma() -> None:
    for text in (
        "本年度我办未因信息公开工作被申请行政复议、提起行政诉讼。",
        "我委未因政务公开引起行政复议和行政诉讼。",
        "全年未发生因信息公开申请行政复议，提起行政诉讼的情况。",
    ):
        [(_, metric, status)] = statuses(text, APPLICATIONS)
        assert (metric, status) == (BOTH_BLOCKS, "mismatch"), text
    # …but a suit with a count of its own is that count, and the zero stays on the review.
    got = statuses("全年未发生政府信息公开行政复议，被提起行政诉讼1件。", APPLICATIONS)
    assert [metric for _, metric, _ in got] == ["review.total", SUITS]
    # Not corrected by the review body is not "no review".
    assert statuses("本年度行政复议案件均未被复议机关纠错。", APPLICATIONS) == []


def test_no_requests_carried_to_the_next_year_named_by_its_number() -> None:
    got = statuses("按期办结率100%，无结转2023年继续办理件。", APPLICATIONS)
    assert got[-1][:2] == ("无结转2023年继续办理", "applications.carried_out.total")


def test_review_and_suit_joined_by_a_comma_share_the_count() -> None:
    assert statuses("提起行政复议、诉讼0件。", APPLICATIONS)[0][1] == BOTH_BLOCKS
    assert statuses("本机关涉及政府信息公开的行政复议、行政诉讼共3件。", APPLICATIONS)[0][1:] == (BOTH_BLOCKS, "match")
    got = statuses("行政复议2件、行政诉讼1件。", APPLICATIONS)
    assert [metric for _, metric, _ in got] == ["review.total", SUITS]


def test_a_lone_channel_named_in_passing_is_the_requests_count() -> None:
    assert statuses("本年度通过区政府门户网站收到政府信息公开申请20件。", APPLICATIONS) == [
        ("20件", "applications.new.total", "match")
    ]
    assert statuses("本年度通过信函收到依申请公开信息20条。", APPLICATIONS)[0][1] == "applications.new.total"
    # Two channels with their counts: parts, not the total; a channel after 其中: a part; one before a 合计: a part;
    # a channel without a verb of receiving (通过信函申请8件): a part.
    for text in (
        "网上申请12件，信函申请8件。",
        "共收到申请20件，其中网上申请12件。",
        "全年收到群众网上申请12件，来信8件，合计20件。",
        "共收到申请20件，其中：线下申请12件，通过区政府网站在线申请8件。",
        "其中，通过信函申请12件，占60%；在线申请8件，占40%。",
    ):
        got = [m for t, m, _ in statuses(text, APPLICATIONS) if t in ("12件", "8件")]
        assert got == [None, None] if "12件" in text and "8件" in text else [None], text


def test_licensing_work_and_services_are_not_requests_for_information() -> None:
    for text in (
        "我局共办结行政许可事项812件。",
        "收到行政许可申请3050件，受理3048件。",
        "全年受理审批申请96件。",
        "在政务服务网上展示依申请事项96项，公共服务事项310项。",
        "梳理依申请及公共服务事项清单12项。",
    ):
        assert statuses(text, APPLICATIONS)[0][1] is None, text


DOCUMENTS_2019 = {"active.normative.made": 4, "active.normative.published": 4}


def test_documents_counted_with_other_documents_are_not_the_rows_count() -> None:
    for text in ("发布规范性文件及其他公开文件31件。", "公开政策及规范性文件17条。", "印发规章和规范性文件5件。"):
        assert statuses(text, DOCUMENTS_2019)[0][1] is None, text
    assert statuses("本年制定4份行政规范性文件。", DOCUMENTS_2019) == [("4份", "active.normative.made", "match")]


NORMATIVE_2021 = {"active.normative.issued": 4, "active.normative.repealed": 0, "active.normative.in_force": 20}


def test_a_document_row_named_earlier_in_the_sentence_keeps_its_columns() -> None:
    got = statuses("对以区政府名义印发的行政规范性文件进行清理，继续有效20件，废止0件。", NORMATIVE_2021)
    assert got == [("20件", "active.normative.in_force", "match"), ("0件", "active.normative.repealed", "match")]
    # A clean-up that names its column counts that column; one that names none is not the row's count.
    got = statuses("制发行政规范性文件4件，清理废止文件0件，现行有效文件20件。", NORMATIVE_2021)
    assert [m for _, m, _ in got] == [
        "active.normative.issued",
        "active.normative.repealed",
        "active.normative.in_force",
    ]
    assert statuses("清理行政规范性文件35件。", NORMATIVE_2021)[0][1] is None
    # …and documents that are not normative are not the row's.
    assert statuses("印发非规范性文件30件。", NORMATIVE_2021)[0][1] is None


def test_a_count_after_a_word_that_says_it_is_one_has_no_measure_word() -> None:
    got = [lc.claim for lc in link_claims(report_with("开通微信公众号，订阅数已超过800；订阅量1250。", {}))]
    assert [(c.text, c.value, c.approx) for c in got] == [("超过800", 800, "above"), ("1250", 1250, None)]
    assert link_claims(report_with("2023年度数据3。", {})) == []


def test_requests_handled_received_or_both() -> None:
    # 办理 alone: those handled (table 三's 办理结果总计); with a verb of receiving: those received.
    assert statuses("全年办理政府信息公开申请21件。", APPLICATIONS)[0][1:] == (
        "applications.results_total.total",
        "match",
    )
    assert statuses("全年共收到并按时办结20件政府信息公开申请。", APPLICATIONS)[0][1] == "applications.new.total"
    # Handled, with last year's carried in: the year's new requests and those carried in.
    got = statuses("办理政府信息公开申请22件（含上年度结转2件）。", APPLICATIONS)
    assert got[0][1:] == ("applications.new.total + applications.carried_in.total", "match")
    # Another thing answered, named right after the count.
    assert statuses("办理10件人大建议。", APPLICATIONS) == [("10件", None, "unverifiable")]


def test_requests_answered_and_those_still_in_hand() -> None:
    got = statuses("共收到申请20件，已回复21件，1件正在办理中。", APPLICATIONS)
    assert [m for _, m, _ in got] == [
        "applications.new.total",
        "applications.results_total.total",
        "applications.carried_out.total",
    ]
    # Replies to messages, or to anything but requests, are not answers to requests.
    assert [m for _, m, _ in statuses("收到网民留言30条，已回复30条。", APPLICATIONS)] == [None, None]
    assert statuses("线上回复各类热点信息430条。", APPLICATIONS) == [("430条", None, "unverifiable")]


def test_how_often_pages_were_read_is_no_cell() -> None:
    assert statuses("全部公开信息浏览次数总量达1200次。", APPLICATIONS) == [("1200次", None, "unverifiable")]


ITEMS_2019 = {
    "active.licensing.prev_items": 15,
    "active.licensing.change": -2,
    "active.licensing.decisions": 700,
    "active.coercion.prev_items": 7,
    "active.coercion.change": 2,
    "active.coercion.decisions": 9,
}


def test_a_rows_count_compared_with_last_year_is_this_years_items() -> None:
    text = (
        "2020年我局行政许可事项13项，比2019年减少2项，行政许可处理决定数量700件；"
        "行政强制7项，本年增加2项，处理决定9件。"
    )
    report = Report(
        file="t.txt",
        format_version="2019",
        agency="某局",
        year=2020,
        sections=[Section("overview", "一", text)],
        tables=ITEMS_2019,
    )
    got = [(lc.claim.text, lc.metric_expr, lc.status) for lc in link_claims(report)]
    assert got == [
        ("13项", "active.licensing.prev_items + active.licensing.change", "match"),
        ("减少2项", "active.licensing.change", "match"),
        ("700件", "active.licensing.decisions", "match"),
        ("7项", "active.coercion.prev_items", "match"),
        ("2项", "active.coercion.change", "match"),
        ("9件", "active.coercion.decisions", "match"),
    ]


def test_an_outcome_all_of_a_count_had_is_a_claim_on_that_outcomes_row() -> None:
    tables = APPLICATIONS | {"applications.new.natural_person": 20, "review.upheld": 1}
    assert statuses("今年收到公开申请20件，均为自然人申请，且均为非本机关掌握信息。", tables) == [
        ("20件", "applications.new.total", "match"),
        ("均为自然人申请", "applications.new.natural_person", "match"),
        ("且均为非本机关掌握信息", "applications.unavailable.not_held.total", "mismatch"),
    ]
    # right after the count, and a count in brackets is not the one restated; granted and partly granted
    # together are what "all granted" may mean
    assert statuses("办理政府信息公开申请12件全部予以公开。", tables)[1] == (
        "全部予以公开",
        "applications.granted.total",
        "reconciled",
    )
    assert statuses("被申请行政复议2件（含撤回0件），均维持原行政行为。", tables)[-1] == (
        "均维持原行政行为",
        "review.upheld",
        "mismatch",
    )


def test_all_of_a_count_handled_restates_it_and_is_no_claim_of_its_own() -> None:
    got = statuses("新收政府信息公开申请20件，均已按期答复；收到群众留言6条全部办结。", APPLICATIONS)
    assert [text for text, _, _ in got] == ["20件", "6条"]


def test_litigation_blocks_by_the_format_s_headings_and_their_paraphrases() -> None:
    got = statuses("被申请行政复议2件，复议后提起行政诉讼1件，未经复议直接提起行政诉讼0件。", APPLICATIONS)
    assert got == [
        ("2件", "review.total", "match"),
        ("1件", "litigation_after_review.total", "mismatch"),
        ("0件", "litigation_direct.total", "mismatch"),
    ]


def test_decisions_counted_in_cases_and_rules_in_bu() -> None:
    tables = {"active.penalty.decisions": 25, "active.regulations.issued": 3}
    assert statuses("全年作出行政处罚25起，以政府名义发布规章4部。", tables) == [
        ("25起", "active.penalty.decisions", "match"),
        ("4部", "active.regulations.issued", "mismatch"),
    ]


def test_requests_by_the_regulations_channels_are_parts_and_their_sum_the_total() -> None:
    got = statuses("全年收到政府信息公开申请20件，其中书面申请12件、电话申请3件、口头申请5件。", APPLICATIONS)
    assert got[0] == ("20件", "applications.new.total", "match")
    assert [metric for _, metric, _ in got[1:]] == [None, None, None]


def test_document_columns_in_other_words_and_requests_by_the_section_s_name() -> None:
    tables = {"active.normative.repealed": 2, "active.normative.in_force": 9, "applications.new.total": 1}
    assert statuses("本年废除规范性文件2件，正在实施的规范性文件9件。", tables) == [
        ("2件", "active.normative.repealed", "match"),
        ("9件", "active.normative.in_force", "match"),
    ]
    assert statuses("2024年，本街道依申请公开事项1件。", tables) == [("1件", "applications.new.total", "match")]


def test_no_case_corrected_is_a_statement_on_the_corrected_cells_not_on_all_cases() -> None:
    tables = APPLICATIONS | {
        "review.corrected": 1,
        "litigation_direct.corrected": 0,
        "litigation_after_review.corrected": 0,
    }
    corrected = "review.corrected + litigation_direct.corrected + litigation_after_review.corrected"
    assert statuses("本年度无行政复议、行政诉讼纠错案件。", tables) == [
        ("本年度无行政复议、行政诉讼纠错案件", corrected, "mismatch")
    ]
    assert statuses("全年无因政府信息公开引起的行政诉讼、行政复议败诉情况。", tables)[0][1] == corrected


def test_refusals_to_take_requests_up_and_the_rest_of_a_list_count_no_whole() -> None:
    got = statuses("共受理申请12件，答复7件，不予受理4件，其余1件均在受理期限内予以答复。", APPLICATIONS)
    assert got[2:] == [("4件", None, "unverifiable"), ("1件", None, "unverifiable")]
    got = statuses("共收到申请22件，办结21件，剩余1件结转下年度继续办理。", APPLICATIONS)
    assert got[-1] == ("1件", "applications.carried_out.total", "match")


def test_carried_in_said_the_other_way_round_and_granted_in_other_words() -> None:
    assert statuses("本年收到申请20件，结转上年2件，其中9件准予公开。", APPLICATIONS) == [
        ("20件", "applications.new.total", "match"),
        ("2件", "applications.carried_in.total", "match"),
        ("9件", "applications.granted.total", "match"),
    ]


def test_a_count_joined_by_he_to_the_one_before_it_names_its_own_thing() -> None:
    assert statuses("全年产生行政复议2件和行政诉讼1件。", APPLICATIONS) == [
        ("2件", "review.total", "match"),
        ("1件", "litigation_direct.total + litigation_after_review.total", "match"),
    ]


def test_requests_handled_through_one_channel_are_parts() -> None:
    got = statuses("全年共办理政府信息公开申请21件，其中线上办理16件，线下办理5件。", APPLICATIONS)
    assert got == [
        ("21件", "applications.results_total.total", "match"),
        ("16件", None, "unverifiable"),
        ("5件", None, "unverifiable"),
    ]


def test_more_of_the_format_s_rows_in_other_words() -> None:
    tables = {"active.coercion.decisions": 5, "review.pending": 1, "active.normative.repealed": 2}
    got = statuses(
        "办理查封扣押案件5件。被申请行政复议3件，正在复议1件。对现行有效规范性文件进行清理，予以废止2件。"
        "申请转下一年办理0件。",
        tables,
    )
    assert [(text, metric) for text, metric, _ in got] == [
        ("5件", "active.coercion.decisions"),
        ("3件", "review.total"),
        ("1件", "review.pending"),
        ("2件", "active.normative.repealed"),
        ("0件", "applications.carried_out.total"),
    ]


def test_review_outcomes_in_other_words_and_document_columns_joined_by_ji() -> None:
    tables = {"review.total": 3, "review.corrected": 2, "active.normative.repealed": 0, "active.normative.in_force": 4}
    assert statuses("行政复议案件3件，结果纠错2件。", tables)[1] == ("2件", "review.corrected", "match")
    got = statuses("本年度行政规范性文件废止数量0条及现行有效数量4条。", tables)
    assert [metric for _, metric, _ in got] == ["active.normative.repealed", "active.normative.in_force"]


def test_none_carried_named_by_the_year_is_carried_in_from_last_year_or_out_to_the_next() -> None:
    def linked(year: int, text: str) -> list[str | None]:
        report = Report("t.txt", "2021", "某局", year, [Section("overview", "一、总体情况", text)], {})
        return [lc.metric_expr for lc in link_claims(report)]

    assert linked(2024, "未转结2023年政府信息公开申请。") == ["applications.carried_in.total"]
    assert linked(2024, "2023年未转结政府信息公开申请。") == ["applications.carried_in.total"]
    assert linked(2023, "无结转2024年继续办理的申请。") == ["applications.carried_out.total"]


def test_other_handling_by_its_reasons_and_review_outcomes_in_legal_words() -> None:
    tables = APPLICATIONS | {
        "applications.other.overdue_correction.total": 3,
        "applications.other.overdue_fee.total": 0,
        "applications.other.other.total": 1,
        "review.upheld": 2,
        "review.pending": 0,
    }
    got = statuses(
        "逾期未补正视为放弃申请3件，全部或部分公开的12件。行政复议3件，其中2件驳回申请人复议请求，1件尚未办结。",
        tables,
    )
    assert [(text, metric) for text, metric, _ in got] == [
        ("3件", "applications.other.overdue_correction.total"),
        ("12件", "applications.granted.total + applications.partial.total"),
        ("3件", "review.total"),
        ("2件", "review.upheld"),
        ("1件", "review.pending"),
    ]
