"""What a reviewer sends: the ranking workbook (XLSX) and one body's 整改 notice (DOCX).

Uses the small audited district of tests/test_groups.py (its ``district`` fixture).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from corpus.district import CELL_TYPOS
from tests import test_groups
from tests.conftest import REQUIRE_SERVICES
from tests.test_groups import District
from workers.cli import app
from workers.report.exports import (
    ADVICE_BY_RULE,
    audit_date,
    cells_text,
    notice_items,
    select_report,
    triage_state,
    write_notice,
    write_xlsx,
)
from workers.report.rank import UNGROUPED

TYPO_BODY = min(CELL_TYPOS)
district = test_groups.district  # the module's fixtures, shared
grouped_rows = test_groups.grouped_rows


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def exported(district: District, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], Path]:
    """The JSON ranking and the XLSX, both written by `gkaudit rank` from the same store and groups."""
    folder = tmp_path_factory.mktemp("exports")
    paths = {fmt: folder / f"ranking.{fmt}" for fmt in ("json", "xlsx")}
    for fmt, path in paths.items():
        code, output = invoke(
            "rank", "--db", district.url, "--groups", str(district.groups), "--format", fmt, "--out", str(path)
        )
        assert code == 0, output
    return json.loads(paths["json"].read_text(encoding="utf-8")), paths["xlsx"]


def sheet_dicts(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[dict]:
    header, *lines = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, line, strict=True)) for line in lines]


# ---- XLSX --------------------------------------------------------------------------------


def test_xlsx_counts_equal_the_json_ranking(exported: tuple[list[dict], Path]) -> None:
    rows, path = exported
    book = openpyxl.load_workbook(path, read_only=True)
    ranking = sheet_dicts(book["排名 ranking"])
    assert len(ranking) == len(rows)
    for line, row in zip(ranking, rows, strict=True):
        assert (line["机关 agency"], line["年度 year"], line["排名 rank"]) == (row["agency"], row["year"], row["rank"])
        assert (line["错误 errors"], line["提示 warnings"]) == (row["errors"], row["warnings"])
        assert line["发现 findings"] == len(row["findings"])
        assert line["跨文件 corpus"] == len(row["corpus_findings"])
        assert line["质量分 quality"] == pytest.approx(row["quality"])
        assert line["上级 parent"] == row["parent"]
    findings = sheet_dicts(book["发现 findings"])
    assert len(findings) == sum(len(r["findings"]) + len(r["corpus_findings"]) for r in rows)
    assert sum(f["级别 severity"] == "error" for f in findings) == sum(
        f["severity"] == "error" for r in rows for f in [*r["findings"], *r["corpus_findings"]]
    )
    assert {f["处理状态 triage"] for f in findings} == {"待处理"}  # nothing marked in this store
    assert {f["上级 parent"] for f in findings} <= {r["parent"] for r in rows}
    assert {"GK601", "GK602"} <= {f["规则 rule"] for f in findings}


def test_xlsx_has_a_sheet_per_group(exported: tuple[list[dict], Path]) -> None:
    rows, path = exported
    book = openpyxl.load_workbook(path, read_only=True)
    for column in ("上级 parent", "地区 region", "类型 type"):
        summary = sheet_dicts(book[f"按{column}"])
        assert sum(g["文件数 documents"] for g in summary) == len(rows)
    parents = {r["parent"] for r in rows}
    assert parents <= set(book.sheetnames)
    for parent in parents:
        members = sheet_dicts(book[parent])
        assert len(members) == sum(r["parent"] == parent for r in rows)


def test_xlsx_without_groups_has_two_sheets(grouped_rows: list[dict]) -> None:
    plain = [{k: v for k, v in r.items() if k not in ("parent", "region", "type")} for r in grouped_rows]
    assert saved_sheetnames(plain) == ["排名 ranking", "发现 findings"]
    odd = [dict(r, parent="a/b:c[d]?" if i % 2 else UNGROUPED) for i, r in enumerate(grouped_rows)]
    assert "abcd" in saved_sheetnames(odd, "parent")  # Excel's forbidden characters dropped


def test_xlsx_reads_as_a_reviewer_needs_it(grouped_rows: list[dict]) -> None:
    """Bold header frozen in place, the long texts wrapped, and a cell's text kept as written: one starting with
    "=" is no formula, one that is a web address no link."""
    finding = {"rule": "GK101", "severity": "error", "message_zh": "=SUM(A1:A2) 合计不符"}
    finding["evidence"] = {"sentence": "http://www.gov.cn/xxgk/2023.html"}
    rows = [dict(grouped_rows[0], findings=[finding], corpus_findings=[])]
    out = io.BytesIO()
    write_xlsx(rows, out)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    sheet = book["发现 findings"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1])
    message, sentence = (
        sheet.cell(2, header.index("问题 message") + 1),
        sheet.cell(2, header.index("原句 sentence") + 1),
    )
    assert (message.value, message.data_type) == ("=SUM(A1:A2) 合计不符", "s")
    assert sentence.value == "http://www.gov.cn/xxgk/2023.html" and sentence.hyperlink is None
    assert message.alignment.wrap_text and sentence.alignment.wrap_text
    assert not sheet.cell(2, header.index("规则 rule") + 1).alignment.wrap_text
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(header.index("问题 message") + 1)].width >= 60


def saved_sheetnames(rows: list[dict], by: str | None = None) -> list[str]:
    """The workbook's sheets, read back after it is written (as a user would open it)."""
    out = io.BytesIO()
    write_xlsx(rows, out, by)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True).sheetnames


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        message = "soffice not found: install Debian's libreoffice-calc (apt-get install -y libreoffice-calc)"
        if REQUIRE_SERVICES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def test_xlsx_round_trips_through_libreoffice(exported: tuple[list[dict], Path], tmp_path: Path) -> None:
    rows, path = exported
    command = [soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless"]
    command += ["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    converted = tmp_path / "ranking.csv"
    assert done.returncode == 0 and converted.exists(), done.stderr[-2000:]
    header, *lines = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    assert header[:3] == ["排名 rank", "机关 agency", "年度 year"]
    assert [line[1] for line in lines] == [r["agency"] for r in rows]
    errors = header.index("错误 errors")
    assert [int(line[errors]) for line in lines] == [r["errors"] for r in rows]


# ---- the notice --------------------------------------------------------------------------


def paragraphs(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_notice_lists_each_error_and_warning(district: District, tmp_path: Path) -> None:
    body = district.agencies[TYPO_BODY]
    out = tmp_path / "notice.docx"
    code, output = invoke("notice", body, "--db", district.url, "--out", str(out))
    assert code == 0, output
    text = paragraphs(out)
    assert "整改清单" in text and body in text and "2025年度" in text and "审核日期：" in text
    code, _ = invoke("rank", "--db", district.url, "--format", "json", "--out", str(tmp_path / "r.json"))
    row = select_report(json.loads((tmp_path / "r.json").read_text(encoding="utf-8")), body)
    items = notice_items(row)
    assert row["year"] == 2025 and row["errors"] > 0 and len(items) >= row["errors"]
    for n, item in enumerate(items, start=1):
        assert f"{n}. 【{item['severity_zh']}】{item['message']}（{item['rule']}）" in text
        assert item["advice"] in text
        if item["sentence"]:
            assert item["sentence"] in text
        if item["cells"]:
            assert item["cells"] in text
    assert f"{len(items) + 1}. 【" not in text


def test_notice_of_an_earlier_year_and_of_a_carry_over(
    grouped_rows: list[dict], district: District, tmp_path: Path
) -> None:
    body = district.agencies[TYPO_BODY]
    assert select_report(grouped_rows, body, 2024)["year"] == 2024
    carried = next(r for r in grouped_rows if any(f["rule"] == "GK601" for f in r["corpus_findings"]))
    write_notice(carried, "2026-03-01", tmp_path / "carry.docx")
    text = paragraphs(tmp_path / "carry.docx")
    assert ADVICE_BY_RULE["GK601"] in text and "2026-03-01" in text
    clean = next(r for r in grouped_rows if not notice_items(r))
    write_notice(clean, "2026-03-01", tmp_path / "clean.docx")
    assert "未发现需要整改的问题" in paragraphs(tmp_path / "clean.docx")


def test_notice_refuses_an_unknown_body_or_year(district: District, grouped_rows: list[dict], tmp_path: Path) -> None:
    out = tmp_path / "none.docx"
    code, output = invoke("notice", "凤栖市澄川区不存在局", "--db", district.url, "--out", str(out))
    assert code == 2 and "不存在局" in output and not out.exists()
    with pytest.raises(LookupError, match="2019"):
        select_report(grouped_rows, district.agencies[0], 2019)
    with pytest.raises(LookupError, match="similar"):
        select_report(grouped_rows, "澄川区人民政府")  # a part of two names: both suggested


def test_audit_date_is_the_day_it_finished_or_began() -> None:
    assert audit_date({"finished_at": "2026-03-02 10:00", "created_at": "2026-03-01 09:00"}) == "2026-03-02"
    assert audit_date({"finished_at": "—", "created_at": "2026-03-01 09:00"}) == "2026-03-01"


def test_finding_fields_as_written() -> None:
    finding = {"evidence": {"cells": {"applications.new.total": {"value": 7, "raw": "７"}}}}
    assert cells_text(finding).endswith("：7（原文“７”）")
    assert triage_state(finding) == "待处理"
    dismissed = finding | {"triage": "dismissed", "triage_reason": "表格系转换错误"}
    assert triage_state(dismissed) == "已排除：表格系转换错误"
