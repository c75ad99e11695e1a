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


def test_markdown_heading_marks_before_the_numbering() -> None:
    """Text converted to Markdown keeps its headings as ``## 一、总体情况``: the marks are not part of the title."""
    paragraphs = [
        "# 某县人民政府2025年政府信息公开工作年度报告",
        "## 一、总体情况",
        "本年度主动公开信息120条。",
        "### 二、主动公开政府信息情况",
        "（表）",
        "五、存在的主要问题及改进情况",
        "一是更新不及时。",
    ]
    sections, preamble = split_sections(paragraphs)
    assert [(s.id, s.title) for s in sections] == [
        ("overview", "一、总体情况"),
        ("active", "二、主动公开政府信息情况"),
        ("problems", "五、存在的主要问题及改进情况"),
    ]
    assert preamble == paragraphs[:1]


def parse_text(text: str):
    from extractor import parse_bytes

    return parse_bytes(text.encode("utf-8"), "report.txt")


def test_an_overview_without_its_heading_is_a_section_of_its_own() -> None:
    """A report that starts its narrative before its first numbered heading (二、…) keeps that narrative as an
    untitled section without a standard id: its counts are claims, and no rule takes it for 总体情况."""
    from extractor.nlp.linking import link_claims

    report = parse_text(
        "某区某局2022年政府信息公开工作年度报告\n\n"
        "本年度我局通过网站主动公开信息315条，新收到政府信息公开申请12件。\n\n"
        "二、主动公开政府信息情况\n\n本年度无规章。\n\n"
        "五、存在的主要问题及改进情况\n\n一是更新不及时。\n"
    )
    assert [(s.id, s.title) for s in report.sections][:2] == [(None, ""), ("active", "二、主动公开政府信息情况")]
    assert "315条" in report.sections[0].text and "年度报告" not in report.sections[0].text
    assert {c.claim.text for c in link_claims(report)} >= {"315条", "12件"}


def test_an_overview_with_its_heading_leaves_the_preamble_alone() -> None:
    report = parse_text(
        "某区某局2022年政府信息公开工作年度报告\n\n本报告依据条例编制，统计期限为2022年1月1日至12月31日。\n\n"
        "一、总体情况\n\n本年度主动公开信息15条。\n\n二、主动公开政府信息情况\n\n无。\n"
    )
    assert [s.id for s in report.sections] == ["overview", "active"]


def test_a_reprint_without_headings_that_names_the_format_s_parts_is_read() -> None:
    """A news page reprinting a report without its headings: its opening calls it the year's report and lists
    the format's parts, so its narrative is read (an unheaded section); a text that only mentions a report is
    not."""
    from extractor import ExtractError

    report = parse_text(
        "某市政府网站消息，本年度报告根据《中华人民共和国政府信息公开条例》要求，由市政府办公室综合编制的"
        "政府信息公开工作年度报告汇总而成。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况"
        "等部分。\n全年共主动公开政府信息1200条，新收政府信息公开申请30件。\n"
    )
    assert report.sections[0].id is None and "1200条" in report.sections[0].text
    with pytest.raises(ExtractError):
        parse_text("某市政府网站消息，政府信息公开工作年度报告已发布。\n全年共主动公开政府信息1200条。\n")
