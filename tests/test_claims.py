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
