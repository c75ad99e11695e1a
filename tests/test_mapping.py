"""Field mapping by labels: aligned grids, ragged rows, merged cells, both formats."""

from __future__ import annotations

from extractor.document import Table
from extractor.fields.mapping import classify_table, detect_format, map_tables

APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def aligned_applications() -> Table:
    """Table 三 as a DOCX gives it: 3 label columns, merged cells repeated."""
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    legal = "法人或其他组织"
    rows = [
        (note,) * 3 + ("申请人情况",) * 7,
        (note,) * 3 + ("自然人", legal, legal, legal, legal, legal, "总计"),
        (note,) * 3 + APPLICANTS,
        ("一、本年新收政府信息公开申请数量",) * 3 + ("5", "1", "", "", "", "", "6"),
        ("二、上年结转政府信息公开申请数量",) * 3 + ("0",) * 7,
        ("三、本年度办理结果", "（一）予以公开", "（一）予以公开", "3", "1", "-", "-", "-", "-", "4"),
        ("三、本年度办理结果", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
        + ("1", "0", "0", "0", "0", "0", "1"),
        ("三、本年度办理结果", "（六）其他处理", "3.其他") + ("1", "0", "0", "0", "0", "0", "1"),
    ]
    return Table(rows=tuple(rows), aligned=True)


def test_aligned_grid_maps_columns_by_header_position() -> None:
    result = map_tables([aligned_applications()])
    tables = {c.key: c.value for c in result.cells}
    assert tables["applications.new.natural_person"] == 5
    assert tables["applications.new.commercial"] == 1
    assert tables["applications.new.research"] is None  # blank is null, never 0
    assert tables["applications.new.total"] == 6
    assert tables["applications.granted.research"] == 0  # a dash is 0
    assert tables["applications.other.overdue_correction.total"] == 1
    assert tables["applications.other.other.natural_person"] == 1
    assert "applications.other.total" not in tables
    assert result.warnings == []


def test_columns_follow_the_header_not_the_position() -> None:
    """Swap two header labels (and their values): keys follow the labels."""
    table = aligned_applications()
    rows = [list(r) for r in table.rows]
    for row in rows[2:]:
        row[3], row[9] = row[9], row[3]  # 自然人 <-> 总计
    result = map_tables([Table(rows=tuple(tuple(r) for r in rows), aligned=True)])
    tables = {c.key: c.value for c in result.cells}
    assert tables["applications.new.natural_person"] == 5
    assert tables["applications.new.total"] == 6


def ragged_review(values: tuple[str, ...]) -> Table:
    return Table(
        rows=(
            ("行政复议", "行政诉讼"),
            (*RESULTS, "未经复议直接起诉", "复议后起诉"),
            ("", "", "", "", "", *RESULTS, *RESULTS),
            values,
        ),
        aligned=False,
    )


def test_ragged_review_header_tree() -> None:
    values = tuple(str(n) for n in range(1, 16))
    tables = {c.key: c.value for c in map_tables([ragged_review(values)]).cells}
    assert tables["review.upheld"] == 1
    assert tables["review.total"] == 5
    assert tables["litigation_direct.upheld"] == 6
    assert tables["litigation_after_review.total"] == 15


def test_one_merged_zero_over_a_whole_row_fills_every_column() -> None:
    rows = (
        ("", "自然人", "法人或其他组织", "总计"),
        ("", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""),
        ("一、本年新收政府信息公开申请数量", "2", "0", "0", "0", "0", "0", "2"),
        ("二、上年结转政府信息公开申请数量", "0"),
    )
    tables = {c.key: c.value for c in map_tables([Table(rows=rows, aligned=False)]).cells}
    assert [tables[f"applications.carried_in.{k}"] for k in ("natural_person", "other_org", "total")] == [0, 0, 0]
    assert tables["applications.new.total"] == 2


def test_active_table_2021_with_money_unit() -> None:
    rows = (
        ("第二十条第（一）项",),
        ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
        ("规章", "0", "0", "2"),
        ("行政规范性文件", "6", "1", "40"),
        ("第二十条第（八）项",),
        ("信息内容", "本年收费金额（单位：万元）"),
        ("行政事业性收费", "12.5"),
    )
    result = map_tables([Table(rows=rows, aligned=False)])
    tables = {c.key: c.value for c in result.cells}
    units = {c.key: c.unit for c in result.cells if c.unit}
    assert tables["active.normative.in_force"] == 40
    assert tables["active.regulations.issued"] == 0
    assert tables["active.fees.amount"] == 12.5
    assert units == {"active.fees.amount": "万元"}
    assert result.format_version == "2021"


def test_format_detection_and_classification() -> None:
    t2019 = Table(rows=(("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"), ("规章", "0", "0", "0")))
    assert classify_table(t2019) == "active"
    assert detect_format([t2019]) == "2019"
    assert classify_table(Table(rows=(("单位", "名称"), ("甲", "乙")))) is None
    assert detect_format([]) is None
