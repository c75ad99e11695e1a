"""The table reader on every layout page converters produce (texts written here, numbers made up).

Each test builds table 二 or 三 as a converter would flatten it and checks the canonical fields;
the same table in every layout must give the same fields (the generated corpus checks this at
scale in test_flat_layouts.py).  Labels are the format's own row and column names.
"""

from __future__ import annotations

import pytest

from extractor import parse_bytes
from extractor.checks import run_checks
from extractor.checks.registry import AuditInput
from extractor.loaders.row_cells import read_row_text, row_values
from extractor.loaders.script import to_simplified

HEAD = "某局2021年政府信息公开工作年度报告\n一、总体情况\n本年度工作有序开展。\n二、主动公开政府信息情况\n"
TABLE2_2021_ROWS = ("规章", "行政规范性文件")
COLUMNS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数")
WANT_2021 = {
    "active.regulations.issued": 1,
    "active.regulations.repealed": None,
    "active.regulations.in_force": 5,
    "active.normative.issued": 3,
    "active.normative.repealed": 0,
    "active.normative.in_force": 12,
    "active.licensing.decisions": 2910,
    "active.penalty.decisions": None,
}
# The same table 二 (2021) as cells, row by row; '' is an empty cell.
ROWS_2021: list[list[str]] = [
    ["第二十条第（一）项"],
    ["信息内容", *COLUMNS_2021],
    ["规章", "1", "", "5"],
    ["行政规范性文件", "3", "0", "12"],
    ["第二十条第（五）项"],
    ["信息内容", "本年处理决定数量"],
    ["行政许可", "2910"],
    ["第二十条第（六）项"],
    ["信息内容", "本年处理决定数量"],
    ["行政处罚", ""],
    ["行政强制", "0"],
]


def pipe_lead(rows: list[list[str]]) -> str:
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def pipe_bare(rows: list[list[str]]) -> str:
    return "\n".join("".join(f"{c} | " if c else "|" for c in r).rstrip() for r in rows)


def cell_per_line(rows: list[list[str]]) -> str:
    return "\n".join("\n".join(f"{c} |" for c in r) + "\n|" for r in rows)


def pipe_lines(rows: list[list[str]]) -> str:
    return "\n".join("\n|\n".join(r) + "\n|\n|||" for r in rows)


def blank_line(rows: list[list[str]]) -> str:
    return "\n\n".join(c or " " for r in rows for c in r)


def tab_rows(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(r) for r in rows)


LAYOUTS = {
    "pipe-lead": pipe_lead,
    "pipe-bare": pipe_bare,
    "cell-per-line": cell_per_line,
    "pipe-lines": pipe_lines,
    "blank-line": blank_line,
    "tab": tab_rows,
}


def parse_text(text: str, name: str = "report.txt"):
    return parse_bytes(text.encode("utf-8"), name)


def fields(text: str) -> dict[str, object]:
    report = parse_text(text)
    return {k: report.tables.get(k, "absent") for k in WANT_2021}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_gives_the_same_fields(layout: str) -> None:
    text = HEAD + LAYOUTS[layout](ROWS_2021) + "\n三、收到和处理政府信息公开申请情况\n本年度未收到申请。\n"
    report = parse_text(text)
    assert {k: report.tables.get(k, "absent") for k in WANT_2021} == WANT_2021
    assert report.format_version == "2021"


def test_an_entirely_empty_row_gives_its_keys_as_null() -> None:
    text = HEAD + "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | ||||\n行政规范性文件 | 2 | 0 | 9 |\n"
    tables = parse_text(text).tables
    assert [tables.get(f"active.regulations.{c}", "absent") for c in ("issued", "repealed", "in_force")] == [None] * 3
    assert tables["active.normative.in_force"] == 9


def test_label_instructions_and_split_headers_are_read_through() -> None:
    text = HEAD + (
        "第二十条第（一）项\n信息内容\n本年新\n制作数量\n本年新\n公开数量\n对外公开总数量\n"
        "规章（设区的市、自治州人民政府应提供相关数据）\n0\n0\n0\n"
        "规范性文件（行政机关制定发布的决定、公告、通告、意见、通知）\n4\n4\n31\n"
        "第二十条第（五）项\n信息内容\n上一年项目数量\n本年增/减（减用负值表示，如-8）\n处理决定数量\n行政许可\n12\n-3\n140\n"
    )
    report = parse_text(text)
    assert report.format_version == "2019"
    assert [report.tables[f"active.normative.{c}"] for c in ("made", "published", "total")] == [4, 4, 31]
    assert [report.tables[f"active.licensing.{c}"] for c in ("prev_items", "change", "decisions")] == [12, -3, 140]


def test_words_in_a_number_cell_are_kept_raw_with_a_null_value_and_a_warning() -> None:
    rows = [["信息内容", *COLUMNS_2021], ["规章", "本单位未制作规章", "", ""], ["行政规范性文件", "1", "0", "2"]]
    text = HEAD + pipe_bare(rows)
    report = parse_text(text)
    assert report.tables["active.regulations.issued"] is None
    assert report.raw_cells["active.regulations.issued"] == "本单位未制作规章"
    assert any("本单位未制作规章" in w for w in report.warnings)


def test_money_with_its_unit_in_the_cell_or_the_header() -> None:
    fees = [["第二十条第（八）项"], ["信息内容", "本年收费金额"], ["行政事业性收费", "812.6万元"]]
    report = parse_text(HEAD + pipe_lead(ROWS_2021 + fees))
    assert report.tables["active.fees.amount"] == pytest.approx(812.6)
    assert report.units["active.fees.amount"] == "万元"
    fees[1][1] = "本年收费金额（单位：万元）"
    fees[2][1] = "35.2"
    report = parse_text(HEAD + pipe_lead(ROWS_2021 + fees))
    assert report.tables["active.fees.amount"] == pytest.approx(35.2)
    assert report.units["active.fees.amount"] == "万元"


def test_a_report_on_one_line_with_headings_inside_the_line() -> None:
    rows = " ".join(" ".join(r) for r in ROWS_2021)
    overview = "本年度工作有序开展，各项制度逐步健全，公开渠道不断拓展。" * 12  # a page's worth on one line
    head = HEAD.replace("本年度工作有序开展。", overview).replace("\n", " ")
    text = head + rows + " 三、收到和处理政府信息公开申请情况 本年度未收到申请。"
    report = parse_text(text)
    assert report.tables["active.licensing.decisions"] == 2910
    assert report.tables["active.normative.in_force"] == 12
    assert {s.id for s in report.sections} >= {"overview", "active"}


def test_tables_are_found_by_their_labels_without_section_headings() -> None:
    text = "某局2021年政府信息公开工作年度报告\n本年度工作有序开展。\n" + pipe_lead(ROWS_2021) + "\n"
    assert parse_text(text).tables["active.licensing.decisions"] == 2910


def test_traditional_characters_and_pinyin_glosses_are_read_as_simplified() -> None:
    text = (
        "某局2021年政府信息公開工作年度報告\n一、總體情況\n本年度工作有序開展。\n二、主動公開政府信息情況\n"
        "| 信息內容 | 本年制發件數 | 本年廢止件數 | 現行有效件數 |\n| 規(guī)章 | 1 | 0 | 5 |\n"
        "| 行政規範性檔案 | 3 | 0 | 12 |\n| 行(xíng)政許可 | 7 |\n"
    )
    report = parse_text(text)
    assert report.tables["active.regulations.in_force"] == 5
    assert report.tables["active.normative.issued"] == 3  # 檔案: OpenCC's Taiwan wording of 文件
    assert report.tables["active.licensing.decisions"] == 7
    assert any("traditional characters" in w for w in report.warnings)


def test_simplified_text_is_left_as_written_and_gloss_offsets_map_back() -> None:
    plain = "规章 档案 乾坤"
    assert to_simplified(plain).text == plain and not to_simplified(plain).converted
    glossed = to_simplified("總體情況 規(guī)章 行政許可")
    assert glossed.text == "总体情况 规章 行政许可"
    assert glossed.original_offset(glossed.text.index("行")) == "總體情況 規(guī)章 行政許可".index("行")


@pytest.mark.parametrize(
    ("text", "ncols", "cells", "guessed"),
    [
        (" | 2 | 0 | 57 |", 3, ("2", "0", "57"), False),
        (" | | 3 | |", 3, ("", "3", ""), False),
        ("\n|\n|||\n0\n|\n0\n|\n|\n", 3, ("0", "0", ""), False),  # pipe-only lines separate once
        (" |\n0 |\n |\n5 |\n|\n", 3, ("0", "", "5"), False),
        ("\n\n4\n\n \n\n6\n\n", 3, ("4", "", "6"), False),  # a line of spaces is an empty cell
        ("\t\t7\t", 3, ("", "7", ""), False),
        ("\n8\n9\n", 3, ("8", "9", ""), True),  # one value a line: a hidden empty cell is a guess
        ("\n1\n2\n3\n一、总体情况说明如下，全年工作顺利。\n", 3, ("1", "2", "3"), False),  # stops at prose
    ],
)
def test_row_cells_by_the_layouts_separators(text: str, ncols: int, cells: tuple[str, ...], guessed: bool) -> None:
    assert row_values(read_row_text(text), ncols) == (cells, guessed)


def test_a_row_whose_empty_cells_are_hidden_is_guessed_and_its_findings_are_milder() -> None:
    """Table 三 with one value a line and no empty-cell marks: a row of two values is placed where
    the applicant sum allows, recorded as guessed, and a sum finding citing it is a warning."""
    header = "申请人情况\n自然人\n法人或其他组织\n总计\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n"
    text = (
        HEAD.replace("二、主动公开政府信息情况\n", "")
        + "三、收到和处理政府信息公开申请情况\n"
        + header
        + "一、本年新收政府信息公开申请数量\n4\n4\n"
        + "二、上年结转政府信息公开申请数量\n0\n0\n0\n0\n0\n0\n0\n"
        + "三、本年度办理结果\n（一）予以公开\n1\n0\n0\n0\n0\n0\n1\n"
        + "（七）总计\n1\n0\n0\n0\n0\n0\n1\n四、结转下年度继续办理\n0\n0\n0\n0\n0\n0\n0\n"
        + "四、政府信息公开行政复议、行政诉讼情况\n本年度无。\n五、存在的主要问题及改进情况\n无。\n"
    )
    report = parse_text(text)
    assert report.tables["applications.new.natural_person"] == 4
    assert report.tables["applications.new.total"] == 4
    assert "applications.new.total" in report.guessed
    assert "applications.granted.total" not in report.guessed
    findings = run_checks(AuditInput(report))
    citing = [f for f in findings if "applications.new.total" in f.evidence.get("guessed_cells", [])]
    assert citing and all(f.severity != "error" for f in citing)


def test_a_header_worded_otherwise_keeps_the_rows_under_it() -> None:
    rows = [r[:] for r in ROWS_2021]
    for row in rows:
        if row[-1:] == ["本年处理决定数量"]:
            row[-1] = "本年处理办结数量"  # not the template's wording
    assert fields(HEAD + pipe_lead(rows)) == WANT_2021


@pytest.mark.parametrize(("cell", "value"), [("3件", 3), ("? 3", 3), ("3（件）", 3), ("0/3", None), ("约3", None)])
def test_words_around_one_number_leave_the_rest_of_the_row_alone(cell: str, value: int | None) -> None:
    rows = [r[:] for r in ROWS_2021]
    rows[3] = ["行政规范性文件", "3", cell, "12"]
    report = parse_text(HEAD + pipe_lead(rows))
    assert report.tables["active.normative.repealed"] == value
    assert report.raw_cells["active.normative.repealed"] == cell
    assert report.tables["active.normative.in_force"] == 12


def test_a_table_three_row_worded_short_of_the_format_is_found_by_its_own_words() -> None:
    header = [
        ["申请人情况"],
        ["自然人", "法人或其他组织", "总计"],
        ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
    ]
    rows = [
        ["一、本年新收政府信息公开申请数量", "6", "1", "0", "0", "0", "0", "7"],
        ["二、上年结转政府信息公开数量", "2", "0", "0", "0", "0", "0", "2"],  # 申请 left out
        ["三、本年度办理结果", "（一）予以公开", "5", "1", "0", "0", "0", "0", "6"],
    ]
    head = HEAD.replace("二、主动公开政府信息情况\n", "三、收到和处理政府信息公开申请情况\n")
    tables = parse_text(head + pipe_lead(header + rows)).tables
    assert [tables[f"applications.carried_in.{c}"] for c in ("natural_person", "commercial", "total")] == [2, 0, 2]
    assert tables["applications.granted.total"] == 6


def test_each_block_of_table_two_is_read_with_the_columns_it_writes() -> None:
    """2019 columns in block （一）, the 2021 single 处理决定数量 column in （五）（六）, and the reverse."""
    mixed_2019_head = [
        ["第二十条第（一）项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "0", "0", "0"],
        ["规范性文件", "1", "1", "4"],
        ["第二十条第（五）项"],
        ["信息内容", "处理决定数量"],
        ["行政许可", "117"],
    ]
    tail = "\n三、收到和处理政府信息公开申请情况\n本年度未收到申请。\n"
    tables = parse_text(HEAD + blank_line(mixed_2019_head) + tail).tables
    assert tables["active.normative.total"] == 4
    assert tables["active.licensing.decisions"] == 117
    mixed_2021_head = [
        *ROWS_2021[:4],
        ["第二十条第（五）项"],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", "30", "2", "412"],
    ]
    tables = parse_text(HEAD + pipe_lead(mixed_2021_head) + tail).tables
    assert tables["active.normative.in_force"] == 12
    assert [tables[f"active.licensing.{c}"] for c in ("prev_items", "change", "decisions")] == [30, 2, 412]


@pytest.mark.parametrize(
    ("ending", "present"),
    [
        ("行政规范性文件 | 3 | 0 | 12 |", {"issued": 3, "repealed": 0, "in_force": 12}),
        ("行政规范性文件 | 3 | 0 | 1", {"issued": 3, "repealed": 0}),  # 1 may be the start of 12
        ("行政规范性文件 | 3 | 0", {"issued": 3, "repealed": 0}),  # a 0 is whole
        ("行政规范性文件（行政机关制定", {}),  # cut inside the label
    ],
)
def test_a_row_the_document_ends_in_keeps_only_the_cells_it_shows(ending: str, present: dict[str, int]) -> None:
    text = HEAD + pipe_bare([["信息内容", *COLUMNS_2021], ["规章", "1", "", "5"]]) + "\n" + ending
    tables = parse_text(text).tables
    assert {k.rsplit(".", 1)[1]: v for k, v in tables.items() if k.startswith("active.normative.")} == present


def test_a_row_the_format_does_not_have_is_kept_beside_the_table() -> None:
    rows = [r[:] for r in ROWS_2021]
    rows.insert(4, ["其他主动公开文件（含以本单位名义印发的文件）", "7", "0", "7"])
    report = parse_text(HEAD + blank_line(rows) + "\n\n三、收到和处理政府信息公开申请情况\n")
    assert {k: report.tables.get(k, "absent") for k in WANT_2021} == WANT_2021
    added = [t for t in report.extra_tables if "rows added to a standard table" in t.title]
    assert [t.rows for t in added] == [(("其他主动公开文件", "7", "0", "7"),)]


def test_rows_laid_out_in_columns_as_pdftotext_layout_writes_them() -> None:
    """Cells two or more spaces apart; a label wrapped round the row's values; signs in words."""
    text = HEAD + (
        "                 第二十条第（一）项\n"
        "   信息内容        本年制发件数      本年废止件数     现行有效件数\n"
        "     规章            1                 0               5\n"
        "  行政规范性文件      3                 0               12\n"
        "                 第二十条第（五）项\n"
        "   信息内容        本年处理决定数量\n"
        "   行政许可           2910\n"
        "三、收到和处理政府信息公开申请情况\n"
        "                          申请人情况\n"
        "                 自然人   法人或其他组织   总计\n"
        "                 商业企业 科研机构 社会公益组织 法律服务机构 其他\n"
        "  一、本年新收政府信息公开申请数量     6      1      0      0      0      0      7\n"
        "  （二）部分公开（区分处理的，只计这一情形，不\n"
        "                                  2      0      0      0      0      0      2\n"
        "        计其他情形）\n"
    )
    tables = parse_text(text).tables
    assert [tables[f"active.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [3, 0, 12]
    assert tables["active.licensing.decisions"] == 2910
    assert tables["applications.new.total"] == 7
    assert [tables[f"applications.partial.{c}"] for c in ("natural_person", "total")] == [2, 2]


def test_a_column_layout_places_a_value_under_its_header_when_empty_cells_are_blank() -> None:
    text = HEAD + (
        "                 第二十条第（一）项\n"
        "   信息内容        本年制发件数      本年废止件数     现行有效件数\n"
        "     规章                                              5\n"
        "  行政规范性文件      3                                12\n"
        "三、收到和处理政府信息公开申请情况\n本年度未收到申请。\n"
    )
    report = parse_text(text)
    assert [report.tables[f"active.regulations.{c}"] for c in ("issued", "repealed", "in_force")] == [None, None, 5]
    assert [report.tables[f"active.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [3, None, 12]
    assert "active.normative.in_force" in report.guessed  # placed by position, still an inference
