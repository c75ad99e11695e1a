"""The text loader: encodings and the seeds' tab-cell table layout."""

from __future__ import annotations

import pytest

from extractor.document import Paragraph, Table
from extractor.errors import ExtractError
from extractor.loaders.text import decode_text, load_text, read_blocks
from extractor.settings import DEFAULT_LIMITS

SAMPLE = "某某区某某局2021年政府信息公开工作年度报告\n\n一、总体情况\n\n本机关主动公开信息12条。\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", None), ("gbk", None), ("utf-16", "utf-16")],
)
def test_decodes_common_encodings(encoding: str, expected: str | None) -> None:
    text, used = decode_text(SAMPLE.encode(encoding), DEFAULT_LIMITS)
    assert text == SAMPLE
    if expected:
        assert used == expected
    else:
        assert used in ("gb18030", "gbk", "gb2312")


def test_decodes_bomless_utf16() -> None:
    text, used = decode_text(SAMPLE.encode("utf-16-le"), DEFAULT_LIMITS)
    assert text == SAMPLE and used.replace("_", "-") == "utf-16-le"


def test_binary_garbage_is_refused() -> None:
    data = bytes(range(256)) * 40
    with pytest.raises(ExtractError) as err:
        load_text(data, DEFAULT_LIMITS)
    assert err.value.code in ("E006", "E007")


def test_tab_cells_rows_and_split_cells() -> None:
    lines = [
        "二、主动公开政府信息情况",
        "\t信息内容",
        "\t本年新",
        "制作数量",
        "\t对外公开总数量",
        "",
        "\t规章",
        "\t0",
        "\t",
        "",
        "\t",
        "\t（三）",
        "",
        "不予公开",
        "\t1.属于国家秘密",
        "\t-",
        "",
        "",
        "三、收到和处理政府信息公开申请情况",
    ]
    blocks = list(read_blocks(lines))
    assert blocks[0] == Paragraph("二、主动公开政府信息情况")
    table = blocks[1]
    assert isinstance(table, Table) and not table.aligned
    assert table.rows == (
        ("信息内容", "本年新制作数量", "对外公开总数量"),
        ("规章", "0", ""),
        ("", "（三）不予公开", "1.属于国家秘密", "-"),
    )
    assert blocks[2] == Paragraph("三、收到和处理政府信息公开申请情况")


def test_heading_after_one_blank_line_is_not_a_split_cell() -> None:
    lines = ["\t规章", "\t0", "", "三、依申请公开情况", "\t自然人"]
    blocks = list(read_blocks(lines))
    assert [type(b).__name__ for b in blocks] == ["Table", "Paragraph", "Table"]


def test_pipe_tables() -> None:
    blocks = list(read_blocks(["| 信息内容 | 本年制发件数 |", "| --- | --- |", "| 规章 | 3 |"]))
    assert blocks == [Table(rows=(("信息内容", "本年制发件数"), ("规章", "3")), aligned=True)]


def test_paragraphs_indented_with_a_tab_are_paragraphs_not_cells() -> None:
    text = (
        "某某市某某局2024年政府信息公开工作年度报告\n"
        "\t一、总体情况 \n"
        "\t（一）主动公开。本年度通过门户网站主动公开政府信息120条，其中工作动态80条。 \n"
        "\t（二）依申请公开。全年共收到政府信息公开申请3件，均已按时答复。 \n"
        "\t二、主动公开政府信息情况 \n"
        "\t本局严格按照要求公开信息。\n"
    )
    blocks = load_text(text.encode(), DEFAULT_LIMITS).blocks
    assert all(isinstance(b, Paragraph) for b in blocks)
    assert blocks[1].text == "一、总体情况"
    assert blocks[2].text == "（一）主动公开。本年度通过门户网站主动公开政府信息120条，其中工作动态80条。"


def test_a_tab_cell_table_stops_at_an_indented_paragraph() -> None:
    lines = ["\t信息内容", "\t本年制发件数", "\t规章", "\t0", "\t本机关全年未制发规章，亦未废止规章。"]
    [table, paragraph] = list(read_blocks(lines))
    assert isinstance(table, Table) and table.rows == (("信息内容", "本年制发件数", "规章", "0"),)
    assert isinstance(paragraph, Paragraph) and paragraph.text.startswith("本机关全年未制发规章")
