"""Claims: what counts as a stated quantity, its value, unit, approximation and direction."""

from __future__ import annotations

import pytest

from extractor.nlp.claims import extract_claims


def claims_of(text: str) -> list[tuple[str, int | float, str | None, str | None]]:
    return [(c.text, c.value, c.unit, c.approx) for c in extract_claims(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本年度共受理公开申请36件。", [("36件", 36, "件", None)]),
        ("全年发布信息1,204条。", [("1,204条", 1204, "条", None)]),
        ("全年发布信息１２条。", [("１２条", 12, "条", None)]),
        ("共办理申请二十九件。", [("二十九件", 29, "件", None)]),
        ("开展培训两次。", [("两次", 2, "次", None)]),
        ("网站发布信息1.2万条。", [("1.2万条", 12000, "条", None)]),
        ("收取费用182.32万元。", [("182.32万元", 182.32, "万元", None)]),
        ("办结率达百分之百。", [("百分之百", 100, "%", None)]),
        ("主动公开信息600余条。", [("600余条", 600, "条", "over")]),
        ("发布信息30多条。", [("30多条", 30, "条", "over")]),
        ("累计发布近200篇。", [("近200篇", 200, "篇", "under")]),
        ("回复约50件。", [("约50件", 50, "件", "about")]),
        ("发布超过80条。", [("超过80条", 80, "条", "above")]),
    ],
)
def test_counted_quantities(text: str, expected: list) -> None:
    assert claims_of(text) == expected


def test_year_over_year_changes_are_signed() -> None:
    claims = extract_claims("办理行政许可420件，较上年增加31件；行政处罚12件，较上年减少4件，同比下降25%。")
    changes = [(c.text, c.value) for c in claims if c.change]
    assert changes == [("增加31件", 31), ("减少4件", -4), ("下降25%", -25)]
    assert [c.value for c in claims if not c.change] == [420, 12]


def test_last_years_value_is_marked() -> None:
    claims = extract_claims("本年收到申请12件，较之去年的20件有所减少。")
    assert [(c.value, c.previous) for c in claims] == [(12, False), (20, True)]


@pytest.mark.parametrize(
    "text",
    [
        "本年度未收到政府信息公开申请。",
        "全年未发生因政府信息公开引起的行政复议、行政诉讼案件。",
        "本机关没有收到公开申请。",
    ],
)
def test_zero_statements(text: str) -> None:
    claims = extract_claims(text)
    assert len(claims) == 1 and claims[0].zero and claims[0].value == 0


@pytest.mark.parametrize(
    "text",
    [
        "2021年，本局深入贯彻落实条例。",
        "统计期限为2021年1月1日至12月31日。",
        "依据《通知》（国办发〔2019〕14号）要求。",
        "按照条例第二十条规定。",
        "一是加强组织领导。二是完善制度。",
        "仍存在三不够问题。",
        "做好六稳六保工作，落实五公开要求。",
        "进一步加强统一管理，推行一次性告知和一条龙服务。",
        "拨打12345热线。",
        # Seen on fresh real pages (issue 19, item 4): the report's own parts, a rank.
        "本年度报告由总体情况、主动公开情况等6个部分组成。",
        "全年信息报送量位列全区前15名。",
    ],
)
def test_not_claims(text: str) -> None:
    assert claims_of(text) == []


def test_offsets_point_at_the_claim_text() -> None:
    text = "一、总体情况\n本年共收到申请15件，办结14件，结转1件。"
    for claim in extract_claims(text):
        assert text[claim.start : claim.end] == claim.text
        assert claim.sentence == "本年共收到申请15件，办结14件，结转1件"


# Issue 19: measure words for people and cases, a multiplier after the approximation, short quoted
# names and dates written with dashes (sentences written for these tests).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("办公室安排3名工作人员负责网站维护。", [("3名", 3, "名", None)]),
        ("配备兼职信息员4名。", [("4名", 4, "名", None)]),
        ("本局收到2宗政府信息公开申请。", [("2宗", 2, "宗", None)]),
        ("编印工作简报1500册。", [("1500册", 1500, "册", None)]),
        ("累计公开各类信息30余万条。", [("30余万条", 300000, "条", "over")]),
        ("收取费用12余万元。", [("12余万元", 12, "万元", "over")]),
    ],
)
def test_more_measure_words_and_multipliers(text: str, expected: list) -> None:
    assert claims_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "考核综合得分排全市第3名。",
        "开展“5个专项行动”，推进重点领域公开。",
        "对照“4个100%”要求逐项落实。",
        "统计时段自2022-2-1起至2022-12-31止。",
    ],
)
def test_names_dates_and_lists_are_not_claims(text: str) -> None:
    assert claims_of(text) == []


def test_a_fee_zero_statement_counts_no_cell() -> None:
    [claim] = extract_claims("本机关未对依申请公开政府信息的申请人收取任何费用。")
    assert claim.zero and not claim.countable


def test_a_table_row_left_in_the_text_holds_no_claims() -> None:
    text = "政府集中采购 | 某某中心物业服务项目 | 420000元 | |\n本年共收到申请5件。"
    assert claims_of(text) == [("5件", 5, "件", None)]


def test_a_count_whose_measure_word_the_list_left_out() -> None:
    """The unit of the count before it in the sentence; never at the end of a cut text or for a year."""
    text = "本年主动公开政府信息320条，历年累计主动公开政府信息4518，全文电子化率100%。"
    assert claims_of(text) == [("320条", 320, "条", None), ("4518", 4518, "条", None), ("100%", 100, "%", None)]
    assert claims_of("本年主动公开政府信息320条，行政处罚1") == [("320条", 320, "条", None)]
    assert claims_of("主动公开信息320条，截至公开2023，") == [("320条", 320, "条", None)]
    assert claims_of("历年累计主动公开政府信息4518，全文电子化率100%。") == [("100%", 100, "%", None)]


def test_a_rank_word_does_not_hide_a_count_of_people() -> None:
    assert claims_of("全局配备信息员15名。") == [("15名", 15, "名", None)]


@pytest.mark.parametrize(
    ("text", "countable"),
    [
        ("本单位全年无上年度结转。", True),  # a clause that says only 无上年度结转
        ("本年无上一年度结转的政府信息公开申请。", True),
        ("全年未收到关于本单位信息公开事项办理情况的投诉。", False),  # the subject runs longer than ten characters
        ("本年度未出现因信息公开工作引发的责任追究情况。", False),
        ("暂无信息公开考核中的责任追究问题。", False),
    ],
)
def test_more_zero_statements(text: str, countable: bool) -> None:
    [claim] = extract_claims(text)
    assert claim.zero and claim.value == 0 and claim.countable is countable


def test_carried_in_needs_its_clause_to_end_or_name_requests() -> None:
    assert extract_claims("本年无上年度结转资金安排的项目。") == []


def test_households_and_businesses_are_counted_in_hu() -> None:
    assert claims_of("全年抽查经营主体120户。") == [("120户", 120, "户", None)]


@pytest.mark.parametrize(
    "text",
    [
        "本年度全局无政府信息公开申请。",
        "本年度没有收到来自任何公民、法人或者其他组织提出的政府信息公开申请。",  # the subject runs long
        "全年未引发因政府信息公开产生的行政复议。",
        # 未有, 不存在 and 收受 say the same; 依申请 without 公开 names the requests too
        "本年度本局未有依申请公开的政府信息。",
        "本年度不存在因政府信息公开被申请行政复议、提起行政诉讼的情况。",
        "全年我局未直接收受群众和企业依申请公开事项。",
        "全年未发生依申请政府信息。",
    ],
)
def test_zero_statements_of_requests_and_reviews(text: str) -> None:
    [claim] = extract_claims(text)
    assert claim.zero and claim.countable


def test_no_requests_only_when_the_clause_says_no_more() -> None:
    assert extract_claims("本年无政府信息公开申请办理经费。") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A count in ten-thousands with no measure word: the figure as written, in 万, like 万元.
        ("门户网站全年访问量达520万，发布信息36条。", [("520万", 520, "万", None), ("36条", 36, "条", None)]),
        ("政务微博粉丝超1200万。", [("超1200万", 1200, "万", "above")]),
        ("累计点击量48.6万；公开信息15篇。", [("48.6万", 48.6, "万", None), ("15篇", 15, "篇", None)]),
    ],
)
def test_counts_in_ten_thousands_without_a_measure_word(text: str, expected: list) -> None:
    assert claims_of(text) == expected


def test_ten_thousands_alone_on_a_line_are_a_table_cell() -> None:
    assert extract_claims("采购总金额\n\n政府集中采购\n\n36.5万\n") == []


def test_a_bare_number_after_the_word_for_a_count_is_one() -> None:
    """总数为14, 数量27: the measure word left out, the count still stated; a year there is not one."""
    assert claims_of("本局制发公文总数为14，主动公开公文总数为12。") == [("14", 14, "", None), ("12", 12, "", None)]
    assert claims_of("通过网站发布信息数量27\n") == [("27", 27, "", None)]
    assert extract_claims("统计数量2023，仅供参考。") == []


@pytest.mark.parametrize(
    ("text", "countable"),
    [
        # 复议 and 诉讼 without 行政 still name the format's review and litigation.
        ("全年无因政府信息公开被申请复议或提起诉讼的情况。", True),
        ("本年度未发生涉及信息公开的复议案件。", True),
        # A complaint is no cell of the tables, even when the clause names the requests it came from.
        ("全年未发生因依申请公开答复不当引发的投诉举报情况。", False),
    ],
)
def test_zero_statements_in_short_words(text: str, countable: bool) -> None:
    [claim] = extract_claims(text)
    assert claim.zero and claim.value == 0 and claim.countable is countable


def test_da_counts_after_digits_only() -> None:
    """4大专题 counts four themes; 三大保卫战 names a set, and 2大型 is another word."""
    assert claims_of("全年开设“甲”“乙”等4大专题。") == [("4大", 4, "大", None)]
    assert extract_claims("打好三大保卫战，完善五大栏目。") == []
    assert extract_claims("建成2大型服务平台。") == []


def test_ze_and_bu_count_after_digits_and_before_no_other_word() -> None:
    """发布通知3则 and 规章4部 are counts; 一则…二则… enumerates, 3部门 are departments, 两部分 parts."""
    assert claims_of("发布通知公告3则，制定规章4部。") == [("3则", 3, "则", None), ("4部", 4, "部", None)]
    assert extract_claims("一则加强学习，二则完善制度；3部门联合检查，报告分两部分。") == []


def test_accountability_zero_statement_with_a_long_subject() -> None:
    [claim] = extract_claims("本年度未发生因不履行政府信息公开法定义务而发生的责任追究情况。")
    assert claim.zero and not claim.countable


def test_one_in_words_that_closes_its_clause_is_a_count() -> None:
    assert claims_of("本年度收到政府信息公开申请一件。") == [("一件", 1, "件", None)]
    assert extract_claims("建设一个平台，实行一次性告知。") == []


def test_a_count_of_requests_partly_granted_is_a_count_and_a_report_s_parts_are_not() -> None:
    assert claims_of("其中8件予以公开；6件部分公开。") == [("8件", 8, "件", None), ("6件", 6, "件", None)]
    assert extract_claims("本报告包括总体情况等6个部分。") == []


def test_session_numbers_and_copies_are_no_counts_and_li_counts_cases() -> None:
    assert extract_claims("贯彻落实党委十届七次、八次、九次全会精神，公开文件一式三份报送档案馆。") == []
    assert claims_of("共受理依申请公开事项29例。") == [("29例", 29, "例", None)]


def test_wei_counts_people_but_not_digits_or_places() -> None:
    assert claims_of("邀请25位部门负责人参加。") == [("25位", 25, "位", None)]
    assert extract_claims("索引号为18位数，排在3位置。") == []
