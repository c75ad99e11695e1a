"""Section splitting: canonical ids, numbering and wording variants, extra sections."""

from __future__ import annotations

import pytest

from extractor.sections import section_id_of, split_sections


@pytest.mark.parametrize(
    ("title", "section_id"),
    [
        ("总体情况", "overview"),
        ("主动公开政府信息情况", "active"),
        ("收到和处理政府信息公开申请情况", "applications"),
        ("依申请公开情况", "applications"),
        ("政府信息公开行政复议、行政诉讼情况", "review"),
        ("因政府信息公开工作被申请行政复议、提起行政诉讼情况", "review"),
        ("存在的主要问题及改进情况", "problems"),
        ("存在问题及改进情况", "problems"),
        ("其他需要报告的事项", "other"),
        ("机构建设及组织保障情况", None),
        ("下一步工作计划", None),
    ],
)
def test_title_variants(title: str, section_id: str | None) -> None:
    assert section_id_of(title) == section_id


def ids_and_titles(paragraphs: list[str]) -> list[tuple[str | None, str]]:
    sections, _ = split_sections(paragraphs)
    return [(s.id, s.title) for s in sections]


def test_subheadings_inside_overview_are_not_sections() -> None:
    paragraphs = [
        "某某局2020年政府信息公开工作年度报告",
        "一、总体情况",
        "（一）主动公开情况。",
        "本局主动公开信息75条。",
        "（二）依申请公开情况。",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、下一步工作计划",
        "继续加强。",
    ]
    assert ids_and_titles(paragraphs) == [
        ("overview", "一、总体情况"),
        ("active", "二、主动公开政府信息情况"),
        ("applications", "三、收到和处理政府信息公开申请情况"),
        ("review", "四、政府信息公开行政复议、行政诉讼情况"),
        ("problems", "五、存在的主要问题及改进情况"),
        (None, "六、下一步工作计划"),
    ]
    sections, preamble = split_sections(paragraphs)
    assert preamble == ["某某局2020年政府信息公开工作年度报告"]
    assert sections[0].text.startswith("（一）主动公开情况。")


def test_misnumbered_digit_heading_among_chinese_numerals() -> None:
    paragraphs = [
        "一、总体情况",
        "正文。",
        "五、机构建设及组织保障情况",
        "6、 监督保障制度",
        "正文。",
        "七、存在问题及改进情况",
    ]
    assert [sid for sid, _ in ids_and_titles(paragraphs)] == ["overview", None, None, "problems"]


def test_parenthesised_top_level_numbering() -> None:
    paragraphs = [
        "（一）总体情况",
        "正文。",
        "（五）存在的主要问题及改进情况",
        "正文。",
        "（六）其他需要报告的事项",
        "无",
    ]
    assert [sid for sid, _ in ids_and_titles(paragraphs)] == ["overview", "problems", "other"]


def test_long_sentences_are_never_headings() -> None:
    paragraphs = [
        "一、总体情况",
        "1、加强梳理精度，进一步扩大公开内容。对照基层政务公开标准目录，参考省市同系统政务公开目录。",
    ]
    assert [sid for sid, _ in ids_and_titles(paragraphs)] == ["overview"]
