"""Dates in Chinese forms, the due date, the sidecar, and the timeliness rules GK408 and GK409.

Reports here are invented (示例…): a late one, a wrong-year one and an on-time one, each with the
finding it must give or none; then the sidecar written by ``gkaudit fetch`` as a source of dates.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from extractor.audit import audit_report
from extractor.checks.registry import RULES, Finding, load_rules
from extractor.checks.timeliness import page_year
from extractor.dates import due_date, labelled_dates, parse_date, read_sidecar, sidecar_path, signature_date
from extractor.document import Report, Section

load_rules()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年1月30日", date(2024, 1, 30)),
        ("二〇二四年一月三十日", date(2024, 1, 30)),
        ("二零二三年十二月三十一日", date(2023, 12, 31)),
        ("2024-01-30 09:30", date(2024, 1, 30)),
        ("2024/1/30", date(2024, 1, 30)),
        ("2024.01.30", date(2024, 1, 30)),
        ("２０２４年１月３０日", date(2024, 1, 30)),
        ("落款：2024 年 2 月 5 日", date(2024, 2, 5)),
        ("2023年2月30日", None),  # no such day
        ("2024年1月", None),  # no day: not a date to judge lateness by
        ("第2024号", None),
    ],
)
def test_dates_in_chinese_forms(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_labelled_dates_by_field() -> None:
    found = labelled_dates("索引号：0001 发 布 日 期：2024/2/1 成文日期：二〇二四年一月二十九日 来源：示例局")
    assert {name: d.value for name, d in found.items()} == {"published": date(2024, 2, 1), "written": date(2024, 1, 29)}
    assert found["published"].raw == "发 布 日 期：2024/2/1"
    assert labelled_dates("自2023年1月1日起施行") == {}


def test_signature_date_is_a_date_line_among_the_last_lines() -> None:
    text = "一是……。\n二是……。\n示例县司法局\n2023年1月16日"
    signed = signature_date(text)
    assert signed is not None and (signed.value, signed.raw, signed.source) == (
        date(2023, 1, 16),
        "2023年1月16日",
        "signature",
    )
    assert signature_date("2023年1月16日\n" + "正文。\n" * 6) is None  # not among the last lines
    assert signature_date("截至2023年3月1日，共办理10件。") is None  # a date inside a sentence
    on_one_line = signature_date("正文。\n示例县司法局  二〇二三年一月十六日")
    assert on_one_line is not None and (on_one_line.value, on_one_line.raw) == (
        date(2023, 1, 16),
        "二〇二三年一月十六日",
    )
    assert signature_date("正文。\n截至2023年1月16日") is None  # words before the date, not a body's name


def test_due_date_is_31_january_of_the_next_year() -> None:
    assert due_date(2023) == date(2024, 1, 31)


def test_sidecar_read_beside_the_file(tmp_path: Path) -> None:
    doc = tmp_path / "report.pdf"
    sidecar_path(doc).write_text(json.dumps({"published": "2024-01-30"}), encoding="utf-8")
    assert read_sidecar(doc) is None  # no document beside it (an upload's name is not a path here)
    doc.write_bytes(b"%PDF-")
    sidecar_path(doc).unlink()
    assert read_sidecar(doc) is None
    sidecar_path(doc).write_text("not json", encoding="utf-8")
    assert read_sidecar(doc) is None
    sidecar_path(doc).write_text(json.dumps({"published": "2024-01-30"}), encoding="utf-8")
    assert read_sidecar(doc) == {"published": "2024-01-30"}
    assert sidecar_path(doc) == tmp_path / "report.pdf.meta.json"


# --- The rules ---------------------------------------------------------------------------------------------


def invented_report(file: str, year: int, opening: str, closing: str, period: str = "") -> Report:
    sections = [
        Section("overview", "一、总体情况", f"{opening}示例县农业农村局扎实推进政务公开。{period}"),
        Section("active", "二、主动公开政府信息情况", ""),
        Section("applications", "三、收到和处理政府信息公开申请情况", ""),
        Section("review", "四、政府信息公开行政复议、行政诉讼情况", ""),
        Section("problems", "五、存在的主要问题及改进情况", "一是解读不够深入。下一步将改进。"),
        Section("other", "六、其他需要报告的事项", f"无。\n示例县农业农村局\n{closing}"),
    ]
    return Report(file=file, format_version="2021", agency="示例县农业农村局", year=year, sections=sections, tables={})


def timeliness_findings(report: Report) -> list[Finding]:
    return [f for f in audit_report(report).findings if f.rule in ("GK408", "GK409")]


def test_rules_are_registered_as_structure_warnings() -> None:
    for rule_id in ("GK408", "GK409"):
        assert (RULES[rule_id].kind, RULES[rule_id].severity) == ("structure", "warning")
        assert RULES[rule_id].func.__module__ == "extractor.checks.timeliness"


def test_an_on_time_report_gives_no_finding(tmp_path: Path) -> None:
    report = invented_report(
        str(tmp_path / "a.txt"), 2023, "2023年，", "2024年1月26日", "统计期限为2023年1月1日至12月31日。"
    )
    assert timeliness_findings(report) == []


def test_a_late_report_gives_gk408_with_its_date_as_evidence(tmp_path: Path) -> None:
    report = invented_report(str(tmp_path / "a.txt"), 2023, "2023年，", "二〇二四年三月一日")
    (finding,) = timeliness_findings(report)
    assert finding.rule == "GK408" and finding.metric == "metadata.published"
    assert finding.evidence["date"] == {"date": "2024-03-01", "raw": "二〇二四年三月一日", "source": "signature"}
    assert finding.evidence["due"] == "2024-01-31" and finding.evidence["days_late"] == 30
    assert "第五十条" in finding.evidence["rule"]
    assert finding.message_zh == (
        "2023年度报告应于2024年1月31日前公布（《政府信息公开条例》第五十条），"
        "文末落款日期为2024年3月1日（原文“二〇二四年三月一日”），晚于期限30天"
    )


def test_a_wrong_year_report_gives_gk409_naming_each_place(tmp_path: Path) -> None:
    """Titled 2022, but its statistics period and its opening are 2023's."""
    period = "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
    report = invented_report(str(tmp_path / "a.txt"), 2022, "2023年，", "（无落款日期）", period)
    (finding,) = timeliness_findings(report)
    assert finding.rule == "GK409" and finding.metric == "metadata.year"
    assert {s: y["year"] for s, y in finding.evidence["years"].items()} == {
        "stated": 2022,
        "period": 2023,
        "opening": 2023,
    }
    assert "统计期限为2023年" in finding.message_zh and "报告标明的年度为2022年" in finding.message_zh
    signed = invented_report(str(tmp_path / "a.txt"), 2022, "2023年，", "2024年1月20日", period)
    assert [f.rule for f in timeliness_findings(signed)] == ["GK408", "GK409"]  # late too, for the year it states


def test_earlier_years_mentioned_in_the_text_do_not_make_a_wrong_year(tmp_path: Path) -> None:
    report = invented_report(
        str(tmp_path / "a.txt"), 2023, "2023年，", "2024年1月20日", "与2022年相比，申请量有所下降。"
    )
    assert timeliness_findings(report) == []


def test_the_pages_publication_date_is_trusted_over_the_signature(tmp_path: Path) -> None:
    doc = tmp_path / "report.pdf"
    doc.write_bytes(b"%PDF-")
    sidecar_path(doc).write_text(
        json.dumps({"published": "2024-02-20", "published_raw": "发布日期：2024-02-20", "title": "示例县2023年年报"}),
        encoding="utf-8",
    )
    report = invented_report(str(doc), 2023, "2023年，", "2024年1月20日")  # signed on time, published late
    (finding,) = timeliness_findings(report)
    assert finding.evidence["date"]["source"] == "sidecar:published"
    assert "网页发布日期为2024年2月20日（原文“发布日期：2024-02-20”）" in finding.message_zh
    assert set(finding.evidence["dates"]) == {"sidecar:published", "signature"}

    sidecar_path(doc).write_text(json.dumps({"published": "2024-01-30"}), encoding="utf-8")
    late_signature = invented_report(str(doc), 2023, "2023年，", "2024年3月5日")
    assert timeliness_findings(late_signature) == []  # published on time, whatever the date line says


def test_a_written_date_after_the_deadline_shows_a_late_report(tmp_path: Path) -> None:
    doc = tmp_path / "report.docx"
    doc.write_bytes(b"PK")
    sidecar_path(doc).write_text(json.dumps({"written": "2024-02-02"}), encoding="utf-8")
    (finding,) = timeliness_findings(invented_report(str(doc), 2023, "2023年，", "无落款"))
    assert finding.evidence["date"]["source"] == "sidecar:written"


def test_the_page_title_is_a_place_that_states_the_year(tmp_path: Path) -> None:
    doc = tmp_path / "report.pdf"
    doc.write_bytes(b"%PDF-")
    sidecar_path(doc).write_text(
        json.dumps({"title": "示例县农业农村局2021年政府信息公开工作年度报告"}), encoding="utf-8"
    )
    (finding,) = timeliness_findings(invented_report(str(doc), 2023, "2023年，", "2024年1月20日"))
    assert finding.rule == "GK409"
    assert finding.evidence["years"]["page_title"] == {
        "year": 2021,
        "text": "示例县农业农村局2021年政府信息公开工作年度报告",
    }


@pytest.mark.parametrize(
    ("sidecar", "year"),
    [
        ({"title": "示例县历年政府信息公开工作年度报告", "link_text": "2021年度报告.pdf"}, 2021),  # the link says
        ({"title": "示例县2021年政府信息公开工作年度报告", "link_text": "附件下载"}, 2021),  # the title says
        ({"title": "示例县2021年政务要闻", "link_text": "附件"}, None),  # a title that names no report
    ],
)
def test_the_year_a_page_gives_a_file(sidecar: dict[str, str], year: int | None) -> None:
    found = page_year(sidecar)
    assert (found[0] if found else None) == year
