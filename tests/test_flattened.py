"""Tables rebuilt from web text whose cells were concatenated (extractor.loaders.flattened*)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from extractor.document import Paragraph, Table
from extractor.loaders.flattened import WARNINGS, looks_flattened, split_flattened, split_narrative
from extractor.loaders.flattened_split import enumerate_splits
from extractor.loaders.flattened_templates import Kind, SumRule

SHARED = Path(__file__).resolve().parents[2] / "shared"
PINGTAN = SHARED / "realdocs" / "changwu__pingtan-gov-zwgk-archive" / "pingtan" / "zwgk" / "zfxxgk" / "zfxxgknb"
PINGTAN_FILES = {
    2019: "202001/80576_平潭综合实验区2019年度政府信息公开工作年度报告/page.txt",
    2020: "202103/80595_平潭综合实验区2020年度政府信息公开工作年度报告/page.txt",
    2021: "202202/80613_平潭综合实验区2021年度政府信息公开工作年度报告/page.txt",
    2022: "202302/80629_平潭综合实验区2022年度政府信息公开工作年度报告/page.txt",
    2023: "202403/87885_平潭综合实验区2023年度政府信息公开工作年度报告/page.txt",
    2024: "202503/97791_平潭综合实验区2024年度政府信息公开工作年度报告/page.txt",
    2025: "202603/105587_平潭综合实验区2025年度政府信息公开工作年度报告/page.txt",
}

# The text a flattened 2021-format table 三 shows before each row's digits, in order.
TABLE3_2021_LAYOUT: tuple[tuple[str, str], ...] = (
    (
        "new",
        "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他一、本年新收政府信息公开申请数量",
    ),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果（一）予以公开"),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("state_secret", "（三）不予公开1.属于国家秘密"),
    ("law_prohibited", "2.其他法律行政法规禁止公开"),
    ("security", "3.危及“三安全一稳定”"),
    ("third_party", "4.保护第三方合法权益"),
    ("internal", "5.属于三类内部事务信息"),
    ("process", "6.属于四类过程性信息"),
    ("enforcement_file", "7.属于行政执法案卷"),
    ("query", "8.属于行政查询事项"),
    ("not_held", "（四）无法提供1.本机关不掌握相关政府信息"),
    ("needs_creation", "2.没有现成信息需要另行制作"),
    ("unclear", "3.补正后申请内容仍不明确"),
    ("petition", "（五）不予处理1.信访举报投诉类申请"),
    ("duplicate", "2.重复申请"),
    ("publication", "3.要求提供公开出版物"),
    ("excessive", "4.无正当理由大量反复申请"),
    ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    ("overdue_correction", "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other", "3.其他"),
    ("results_total", "（七）总计"),
    ("carried_out", "四、结转下年度继续办理"),
)
TABLE4_HEADER = (
    "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
    "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
)
TABLE2_2021 = (
    "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
    "规章000行政规范性文件{normative}第二十条第（五）项信息内容本年处理决定数量行政许可4529"
    "第二十条第（六）项信息内容本年处理决定数量行政处罚1100行政强制65"
    "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费18651.06"
)
TABLE2_2019 = (
    "二、主动公开政府信息情况 第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量"
    "规章007规范性文件7777166第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量"
    "行政许可396442278其他对外管理服务事项107105第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量"
    "行政处罚2648-18538行政强制1262629第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费35-15"
    "第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购39573802895.90元"
)
INTRO = "一、总体情况2024年，本机关持续深化政务公开。（一）主动公开方面。全年主动公开信息100条。"
OUTRO = "五、存在的主要问题及改进情况问题有二。六、其他需要报告的事项无。"


def flat_table3(**runs: str) -> str:
    """A flattened 2021-format table 三: each row's digits as given, else seven zeros."""
    body = "".join(text + runs.get(key, "0000000") for key, text in TABLE3_2021_LAYOUT)
    return (
        "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" + body
    )


def flat_report(*, table2: str = "", table3: str = "", table4_values: str = "000000000000000") -> str:
    """A flattened 2021-format report: narrative, tables 二 三 四 (all-zero unless given), narrative."""
    table2 = table2 or TABLE2_2021.format(normative="000")
    table3 = table3 or flat_table3()
    table4 = "四、政府信息公开行政复议、行政诉讼情况" + TABLE4_HEADER + table4_values
    return INTRO + table2 + table3 + table4 + OUTRO


def tables_of(text: str) -> tuple[list[Table], list[str]]:
    blocks, warnings = split_flattened(text)
    return [b for b in blocks if isinstance(b, Table)], warnings


def values(table: Table, label: str) -> tuple[str, ...]:
    """The value cells of the data row whose last label cell is ``label``."""
    for row in table.rows:
        if label in row:
            return row[row.index(label) + 1 :]
    raise AssertionError(f"no row {label} in {table.rows}")


def digits(*numbers: int | str) -> tuple[str, ...]:
    return tuple(str(n) for n in numbers)


# ----------------------------------------------------------------------------- splitting digit runs


@pytest.mark.parametrize(
    ("tokens", "kinds", "sums", "expected"),
    [
        (["21710000218"], (Kind.INT,) * 7, (SumRule(6, (0, 1, 2, 3, 4, 5)),), [digits(217, 1, 0, 0, 0, 0, 218)]),
        (["000"], (Kind.INT,) * 3, (), [digits(0, 0, 0)]),
        (["35-15"], (Kind.INT, Kind.SIGNED), (), [("35", "-15")]),
        (
            ["23", "0", "00", "0", "023"],
            (Kind.INT,) * 7,
            (SumRule(6, (0, 1, 2, 3, 4, 5)),),
            [digits(23, 0, 0, 0, 0, 0, 23)],
        ),
        (["18651.06"], (Kind.MONEY,), (), [("18651.06",)]),
        (["0123"], (Kind.INT,) * 2, (), [("0", "123")]),
    ],
)
def test_enumerate_splits(
    tokens: list[str], kinds: tuple[Kind, ...], sums: tuple[SumRule, ...], expected: list[tuple[str, ...]]
) -> None:
    assert sorted(enumerate_splits(tokens, kinds, sums)) == sorted(expected)


def test_enumerate_splits_never_reads_a_minus_as_a_dash_before_digits() -> None:
    splits = enumerate_splits(["2648-18538"], (Kind.INT, Kind.SIGNED, Kind.INT))
    assert ("2648", "-18", "538") in splits
    assert all(cell != "-" for split in splits for cell in split)


def test_enumerate_splits_table4_blocks() -> None:
    sums = tuple(SumRule(b + 4, (b, b + 1, b + 2, b + 3)) for b in (0, 5, 10))
    assert enumerate_splits(["25380363300630003"], (Kind.INT,) * 15, sums) == [
        digits(25, 3, 8, 0, 36, 3, 3, 0, 0, 6, 3, 0, 0, 0, 3)
    ]


# ----------------------------------------------------------------------------- synthetic reports


def test_unambiguous_table3_rows_and_structure() -> None:
    text = flat_report(
        table3=flat_table3(new="21710000218", granted="12010000121", not_held="970000097", results_total="21710000218")
    )
    tables, warnings = tables_of(text)
    assert warnings == []
    table3 = tables[1]
    assert table3.aligned is False
    assert table3.rows[:3] == (
        ("申请人情况",),
        ("自然人", "法人或其他组织", "总计"),
        ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"),
    )
    assert table3.rows[3] == ("一、本年新收政府信息公开申请数量", *digits(217, 1, 0, 0, 0, 0, 218))
    assert table3.rows[5] == ("三、本年度办理结果", "（一）予以公开", *digits(120, 1, 0, 0, 0, 0, 121))
    assert values(table3, "1.本机关不掌握相关政府信息") == digits(97, 0, 0, 0, 0, 0, 97)
    assert ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", *("0",) * 7) in table3.rows
    assert values(table3, "四、结转下年度继续办理") == ("0",) * 7


def test_column_relations_choose_between_row_splits() -> None:
    # '270020130' sums both as 2|7|0|0|20|1|30 and 27|0|0|2|0|1|30; only the latter keeps the columns.
    text = flat_report(
        table3=flat_table3(new="640020470", granted="270020130", not_held="370000340", results_total="640020470")
    )
    tables, warnings = tables_of(text)
    assert values(tables[1], "（一）予以公开") == digits(27, 0, 0, 2, 0, 1, 30)
    assert warnings == []


def test_row_split_that_no_relation_decides_is_warned() -> None:
    tables, warnings = tables_of("一、本年新收政府信息公开申请数量270020130二、上年结转政府信息公开申请数量0000000")
    assert "在表格被压平的文本中未找到表四 / table 四 not found in the flattened text" in warnings
    assert values(tables[0], "一、本年新收政府信息公开申请数量") in (
        digits(27, 0, 0, 2, 0, 1, 30),
        digits(2, 7, 0, 0, 20, 1, 30),
    )
    assert any("ambiguous" in w and "270020130" in w for w in warnings)


def test_row_with_too_few_digits_is_kept_raw_and_warned() -> None:
    text = flat_report(table3=flat_table3(new="12"))
    tables, warnings = tables_of(text)
    assert values(tables[1], "一、本年新收政府信息公开申请数量") == ("12",)
    assert any("本年新收" in w and "'12'" in w and "raw" in w for w in warnings)


def test_table4_space_separated_values() -> None:
    text = flat_report(table4_values=" 0 1 1 0 2 1 0 0 0 1 0 0 0 0 0 ")
    tables, warnings = tables_of(text)
    table4 = tables[-1]
    assert table4.rows[0] == ("行政复议", "行政诉讼")
    assert table4.rows[1] == ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉")
    assert len(table4.rows[2]) == 10
    assert table4.rows[3] == digits(0, 1, 1, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0)
    assert warnings == []


def test_table4_with_too_few_digits_is_warned() -> None:
    tables, warnings = tables_of(flat_report(table4_values="12"))
    assert tables[-1].rows[-1] == ("12",)
    assert any("table 四" in w and "'12'" in w for w in warnings)


def test_table2_2021_ambiguous_row_is_chosen_and_warned() -> None:
    tables, warnings = tables_of(flat_report(table2=TABLE2_2021.format(normative="6233440")))
    table2 = tables[0]
    assert table2.rows[:2] == (("第二十条第（一）项",), ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"))
    assert values(table2, "规章") == digits(0, 0, 0)
    assert values(table2, "行政规范性文件") == digits(62, 33, 440)
    assert values(table2, "行政许可") == ("4529",)
    assert values(table2, "行政强制") == ("65",)
    assert values(table2, "行政事业性收费") == ("18651.06",)
    assert ("信息内容", "本年收费金额（单位：万元）") in table2.rows
    [warning] = warnings
    assert "行政规范性文件" in warning and "'6233440'" in warning and "62|3|3440" in warning


def assert_bilingual(warning: str) -> None:
    """Chinese first, then " / " and the English."""
    chinese, sep, english = warning.partition(" / ")
    assert sep and re.search(r"[\u4e00-\u9fff]", chinese) and english.startswith("table "), warning


def test_warning_templates_are_bilingual() -> None:
    for template in WARNINGS.values():
        assert_bilingual(template)
        assert not re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", template.partition(" / ")[0])), template


def test_every_kind_of_warning_is_bilingual() -> None:
    reports = (
        flat_report(table3=flat_table3(new="12")),  # cannot be split
        flat_report(table3=flat_table3(new="")),  # no values
        flat_report(table3=flat_table3(new="1111111")),  # splits only one way, breaking the sum
        flat_report(table3=flat_table3(new="1" * 32)),  # too many splits to search
        flat_report(table2=TABLE2_2019.replace("行政处罚2648-18538", "行政处罚1-5000")),  # nothing usual
        flat_report(table2=TABLE2_2021.format(normative="6233440")),  # ambiguous
        "一、本年新收政府信息公开申请数量270020130四、结转下年度继续办理0000000",  # rows and tables not found
    )
    warnings = [w for text in reports for w in tables_of(text)[1]]
    for warning in warnings:
        assert_bilingual(warning)
    english = " ".join(w.partition(" / ")[2] for w in warnings)
    for phrase in (
        "cannot be split",
        "no values after the label",
        "which breaks the row's sum",
        "too many splits",
        "meets the usual relations",
        "split ambiguously",
        "row 二、上年结转政府信息公开申请数量 not found",
        "table 二 not found",
    ):
        assert phrase in english


def test_table2_unambiguous_row_gives_no_warning() -> None:
    tables, warnings = tables_of(flat_report(table2=TABLE2_2021.format(normative="000")))
    assert values(tables[0], "行政规范性文件") == digits(0, 0, 0)
    assert warnings == []


def test_table2_2019_negative_changes_and_money() -> None:
    tables, warnings = tables_of(flat_report(table2=TABLE2_2019))
    table2 = tables[0]
    assert ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量") in table2.rows
    assert values(table2, "规章") == digits(0, 0, 7)
    assert values(table2, "规范性文件") == digits(77, 77, 166)
    assert values(table2, "行政事业性收费") == ("35", "-15")  # the only split: no warning
    assert values(table2, "行政处罚") == ("2648", "-18", "538")
    assert values(table2, "政府集中采购") == ("395", "73802895.90元")
    warned = " ".join(warnings)
    assert "行政处罚" in warned and "'2648-18538'" in warned
    assert "行政事业性收费" not in warned and "规章" not in warned


def test_narrative_is_split_at_headings() -> None:
    blocks, _ = split_flattened(flat_report())
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert texts[:4] == [
        "一、总体情况",
        "2024年，本机关持续深化政务公开。",
        "（一）主动公开方面。",
        "全年主动公开信息100条。",
    ]
    assert "三、收到和处理政府信息公开申请情况" in texts
    assert "四、政府信息公开行政复议、行政诉讼情况" in texts
    assert texts[-4:] == ["五、存在的主要问题及改进情况", "问题有二。", "六、其他需要报告的事项", "无。"]
    kinds = ["T" if isinstance(b, Table) else "P" for b in blocks]
    assert kinds.count("T") == 3


def test_split_narrative_keeps_arabic_items_whole() -> None:
    paragraphs = split_narrative("（二）主要做法。1.加强领导（1）完善机制。具体内容。")
    assert [p.text for p in paragraphs] == ["（二）主要做法。", "1.加强领导（1）完善机制。具体内容。"]


def test_looks_flattened() -> None:
    assert looks_flattened(flat_report())
    assert not looks_flattened(INTRO + OUTRO)
    rows = "\n".join(f"{text}\t0\t0\t0\t0\t0\t0\t0" for _, text in TABLE3_2021_LAYOUT)
    assert not looks_flattened(rows)
    spaced = "\n".join(f"{text} 0 0 0 0 0 0 0" for _, text in TABLE3_2021_LAYOUT)
    assert not looks_flattened(spaced)


# ----------------------------------------------------------------------------- the real pingtan reports


@pytest.fixture(scope="module")
def pingtan() -> dict[int, tuple[list[Table], list[str]]]:
    if not PINGTAN.exists():
        pytest.skip(f"{PINGTAN} not present (../shared is not beside this checkout)")
    return {year: tables_of((PINGTAN / rel).read_text(encoding="utf-8")) for year, rel in PINGTAN_FILES.items()}


def check_table4(table: Table, *blocks: Sequence[int]) -> None:
    assert table.rows[-1] == digits(*(n for block in blocks for n in block))


def test_pingtan_every_report_is_flattened_with_three_tables(pingtan: dict) -> None:
    for year, rel in PINGTAN_FILES.items():
        assert looks_flattened((PINGTAN / rel).read_text(encoding="utf-8")), year
        assert len(pingtan[year][0]) == 3, year


def test_pingtan_2019_trial_format(pingtan: dict) -> None:
    (t2, t3, t4), warnings = pingtan[2019]
    assert values(t2, "规范性文件") == digits(89, 89, 89)
    assert values(t2, "行政许可") == digits(396, 0, 181)
    assert values(t2, "其他对外管理服务事项") == digits(10, 0, 153)
    assert values(t2, "行政处罚") == digits(2648, 0, 430)
    assert values(t2, "行政强制") == digits(126, 0, 25)
    assert values(t2, "行政事业性收费") == digits(35, 0)
    assert values(t2, "政府集中采购") == ("135", "75394432.52元")
    assert values(t3, "一、本年新收政府信息公开申请数量") == digits(23, 0, 0, 0, 0, 0, 23)
    assert values(t3, "（六）其他处理") == ("0",) * 7  # one row in the 2019 format
    assert values(t3, "（七）总计") == digits(23, 0, 0, 0, 0, 0, 23)
    assert values(t3, "四、结转下年度继续办理") == ("0",) * 7
    check_table4(t4, (0,) * 5, (0,) * 5, (0,) * 5)
    assert len(warnings) == 7 and all(w.startswith("表二") for w in warnings)


def test_pingtan_2020_negative_changes(pingtan: dict) -> None:
    (t2, t3, _t4), warnings = pingtan[2020]
    assert values(t2, "规章") == digits(0, 0, 7)
    assert values(t2, "行政许可") == digits(396, 442, 278)
    assert values(t2, "行政处罚") == digits(2648, -18, 538)
    assert values(t2, "行政强制") == digits(126, 26, 29)
    assert values(t2, "行政事业性收费") == digits(35, -15)
    assert (
        "表二“行政许可”行：数字串“396442278”有多种拆法（28种），取 396|442|278；"
        "其他候选：3964|42|278；396|44|2278；3964|422|78；39|644|2278；396|4422|78；…另有 22 种"
        " / table 二 row 行政许可: digits '396442278' split ambiguously (28 candidates); chose 396|442|278,"
        " other candidates: 3964|42|278; 396|44|2278; 3964|422|78; 39|644|2278; 396|4422|78; … 22 more"
    ) in warnings
    assert values(t3, "一、本年新收政府信息公开申请数量") == digits(20, 0, 0, 0, 0, 1, 21)
    assert values(t3, "（七）总计") == digits(20, 0, 0, 0, 0, 1, 21)


def test_pingtan_2021_narrative_70_69_1(pingtan: dict) -> None:
    (t2, t3, t4), warnings = pingtan[2021]
    assert values(t2, "行政规范性文件") == digits(69, 3, 665)
    assert values(t2, "行政事业性收费") == ("24252.311082",)
    assert values(t3, "一、本年新收政府信息公开申请数量") == digits(64, 0, 0, 2, 0, 4, 70)
    assert values(t3, "（一）予以公开") == digits(27, 0, 0, 2, 0, 1, 30)  # by the column relations
    assert values(t3, "（七）总计") == digits(63, 0, 0, 2, 0, 4, 69)
    assert values(t3, "四、结转下年度继续办理") == digits(1, 0, 0, 0, 0, 0, 1)
    check_table4(t4, (1, 0, 2, 0, 3), (12, 0, 0, 0, 12), (0,) * 5)
    assert len(warnings) == 1 and "'693665'" in warnings[0]


def test_pingtan_2022_space_separated_table4(pingtan: dict) -> None:
    (t2, t3, t4), _warnings = pingtan[2022]
    assert values(t2, "行政规范性文件") == digits(88, 55, 698)
    assert values(t3, "一、本年新收政府信息公开申请数量") == digits(71, 3, 0, 0, 0, 0, 74)
    assert values(t3, "3.其他") == digits(0, 2, 0, 0, 0, 0, 2)
    check_table4(t4, (0, 1, 1, 0, 2), (1, 0, 0, 0, 1), (0,) * 5)


def test_pingtan_2023_review_2_litigation_7(pingtan: dict) -> None:
    (t2, t3, t4), _warnings = pingtan[2023]
    assert values(t2, "行政规范性文件") == digits(77, 132, 470)
    assert values(t3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == digits(19, 1, 0, 0, 0, 0, 20)
    check_table4(t4, (1, 1, 0, 0, 2), (4, 0, 0, 1, 5), (1, 0, 1, 0, 2))


def test_pingtan_2024(pingtan: dict) -> None:
    (t2, t3, t4), warnings = pingtan[2024]
    assert values(t2, "行政规范性文件") == digits(62, 33, 440)
    assert values(t2, "行政事业性收费") == ("18651.06",)
    assert values(t3, "一、本年新收政府信息公开申请数量") == digits(217, 1, 0, 0, 0, 0, 218)
    assert values(t3, "5.属于三类内部事务信息") == digits(32, 0, 0, 0, 0, 0, 32)
    assert values(t3, "（七）总计") == digits(217, 1, 0, 0, 0, 0, 218)
    check_table4(t4, (2, 1, 3, 1, 7), (0,) * 5, (13, 2, 4, 0, 19))
    assert len(warnings) == 1


def test_pingtan_2025_narrative_154_148_6_and_36_9(pingtan: dict) -> None:
    (_t2, t3, t4), _warnings = pingtan[2025]
    new = values(t3, "一、本年新收政府信息公开申请数量")
    done = values(t3, "（七）总计")
    carried = values(t3, "四、结转下年度继续办理")
    assert (new, done, carried) == (
        digits(151, 3, 0, 0, 0, 0, 154),
        digits(147, 1, 0, 0, 0, 0, 148),
        digits(4, 2, 0, 0, 0, 0, 6),
    )
    check_table4(t4, (25, 3, 8, 0, 36), (3, 3, 0, 0, 6), (3, 0, 0, 0, 3))
