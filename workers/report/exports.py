"""Files a reviewer sends: the ranking as an XLSX workbook, and one body's 整改 notice as DOCX.

Pure functions over the ranking rows of :func:`workers.report.rank.ranking` (after
:func:`workers.report.rank.attach_groups` when a groups file is given); the CLI only wires them.

Workbook sheets: 排名 (one line per document, the counts of the JSON ranking), 发现 (one line
per finding, the document's own findings then its corpus findings), and with groups one
summary sheet per group column (按上级 …) and one sheet per group of the first column.

Notice: the body's latest report in the ranking (or the year asked for), its error and
warning findings numbered, each with the sentence, the cell(s) and what to correct.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from extractor.checks.keys import describe_cell, format_number
from workers.report.groups import GROUP_LABELS, UNGROUPED, Row, body_key, group_columns, group_ranking
from workers.report.rank_html import SEVERITY_LABELS
from workers.report.rank_html import _show as shown_value

Finding = dict[str, Any]

# ---- findings as lines -------------------------------------------------------------------


def triage_state(finding: Finding) -> str:
    """The reviewer's mark on a finding (workers.audit.triage), in Chinese: 待处理, 已确认 or 已排除 (with its
    reason)."""
    from workers.audit.triage import STATE_ZH

    state = finding.get("triage", "open")
    reason = finding.get("triage_reason")
    return f"{STATE_ZH.get(state, state)}：{reason}" if reason else STATE_ZH.get(state, state)


def cells_text(finding: Finding) -> str:
    """The finding's cells as a reviewer names them: "表三…：12（原文“12”）", several joined by "；"."""
    out = []
    for key, cell in ((finding.get("evidence") or {}).get("cells") or {}).items():
        cell = cell or {}
        raw = cell.get("raw")
        shown = format_number(cell.get("value"), "空白")
        written = f"（原文“{raw}”）" if raw not in (None, "", shown) else ""
        out.append(f"{describe_cell(key)[0]}：{shown}{written}")
    return "；".join(out)


def all_findings(row: Row) -> list[Finding]:
    """A document's findings: its own, then those against other documents of the audit."""
    return [*row["findings"], *row["corpus_findings"]]


# ---- XLSX --------------------------------------------------------------------------------

# (header, value of a ranking row): the ranking sheet's columns, in order.
RANKING_COLUMNS: tuple[tuple[str, Callable[[Row], Any]], ...] = (
    ("排名 rank", lambda r: r["rank"]),
    ("机关 agency", lambda r: r["agency"]),
    ("年度 year", lambda r: r["year"]),
    ("格式 format", lambda r: r["format_version"]),
    ("质量分 quality", lambda r: r["quality"]),
    ("错误 errors", lambda r: r["errors"]),
    ("提示 warnings", lambda r: r["warnings"]),
    ("核实 verified", lambda r: r["claims_verified"]),
    ("数字 claims", lambda r: r["claims_total"]),
    ("发现 findings", lambda r: len(r["findings"])),
    ("跨文件 corpus", lambda r: len(r["corpus_findings"])),
    *(
        (f"{zh} {state}", lambda r, state=state: (r.get("triage") or {}).get(state, 0))
        for state, zh in (("open", "待处理"), ("confirmed", "已确认"), ("dismissed", "已排除"))
    ),
    ("状态 status", lambda r: r["status"]),
    ("原因 reason", lambda r: r["error"] if r["status"] != "done" else None),
    ("文件 file", lambda r: r["path"]),
)
# (header, value of (row, finding)): the findings sheet's columns.
FINDING_COLUMNS: tuple[tuple[str, Callable[[Row, Finding], Any]], ...] = (
    ("机关 body", lambda r, f: r["agency"]),
    ("年度 year", lambda r, f: r["year"]),
    ("规则 rule", lambda r, f: f.get("rule")),
    ("级别 severity", lambda r, f: f.get("severity")),
    ("问题 message", lambda r, f: f.get("message_zh")),
    ("原句 sentence", lambda r, f: (f.get("evidence") or {}).get("sentence")),
    ("单元格 cells", lambda r, f: cells_text(f)),
    ("处理状态 triage", lambda r, f: triage_state(f)),
    ("文件 file", lambda r, f: r["path"]),
)
GROUP_SUMMARY_COLUMNS = (
    ("rank", "排名 rank"),
    ("documents", "文件数 documents"),
    ("done", "完成 done"),
    ("failed", "失败 failed"),
    ("mean_quality", "平均质量分 mean"),
    ("median_quality", "中位数 median"),
    ("min_quality", "最低 min"),
    ("max_quality", "最高 max"),
    ("errors", "错误 errors"),
    ("warnings", "提示 warnings"),
    ("corpus_findings", "跨文件 corpus"),
)
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
WIDE_COLUMNS = {"问题 message": 60, "原句 sentence": 60, "单元格 cells": 40, "文件 file": 40, "机关 agency": 36}


def ranking_lines(rows: Sequence[Row]) -> tuple[list[str], list[list[Any]]]:
    """Header and lines of the ranking sheet (group columns after the agency's when the rows carry them)."""
    groups = group_columns(rows)
    header = [h for h, _ in RANKING_COLUMNS] + [" ".join(GROUP_LABELS[g]) for g in groups]
    lines = [[value(r) for _, value in RANKING_COLUMNS] + [r.get(g) for g in groups] for r in rows]
    return header, lines


def finding_lines(rows: Sequence[Row]) -> tuple[list[str], list[list[Any]]]:
    """Header and lines of the findings sheet, the document's groups last (to filter on in the sheet)."""
    groups = group_columns(rows)
    header = [h for h, _ in FINDING_COLUMNS] + [" ".join(GROUP_LABELS[g]) for g in groups]
    lines = [
        [value(r, f) for _, value in FINDING_COLUMNS] + [r.get(g) for g in groups]
        for r in rows
        for f in all_findings(r)
    ]
    return header, lines


def group_summary_lines(rows: Sequence[Row], column: str) -> tuple[list[str], list[list[Any]]]:
    header = [" ".join(GROUP_LABELS[column])] + [h for _, h in GROUP_SUMMARY_COLUMNS]
    lines = [[g[column]] + [g[k] for k, _ in GROUP_SUMMARY_COLUMNS] for g in group_ranking(rows, column)]  # type: ignore[arg-type]
    return header, lines


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unused sheet name: Excel's forbidden characters dropped, at most 31 characters."""
    base = SHEET_NAME_BAD.sub("", name)[:SHEET_NAME_MAX] or "sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f"~{n}"
        candidate, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


@dataclass(frozen=True)
class SheetStyles:
    """The workbook's formats: XlsxWriter's belong to one workbook."""

    bold: Format
    wrapped: Format

    @classmethod
    def of(cls, book: Workbook) -> SheetStyles:
        return cls(book.add_format({"bold": True}), book.add_format({"text_wrap": True, "valign": "top"}))


def fill_sheet(sheet: Worksheet, header: list[str], lines: list[list[Any]], styles: SheetStyles) -> None:
    """Header in bold, the wide columns wrapped, the header row frozen; written as a stream (constant memory:
    at 20,000 documents the findings sheet is some 100,000 rows).  The wrapping is the wide columns' own format,
    which XlsxWriter gives each cell written there without one (a style object per cell, as openpyxl needs, was
    a third of writing the sheet)."""
    for i, title in enumerate(header):
        wide = title in WIDE_COLUMNS
        width = WIDE_COLUMNS.get(title, max(10, len(title) + 2))
        sheet.set_column(i, i, width, styles.wrapped if wide else None)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, header, styles.bold)
    for n, line in enumerate(lines, start=1):
        sheet.write_row(n, 0, line)


# A cell's text is written as text: not a formula when it starts with "=", not a link when it looks like one
# (a sheet holds at most 65,530 links), not a number when it looks like one.  Constant memory: rows go to disk
# as they are written.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def write_xlsx(rows: Sequence[Row], path: str | Path | BinaryIO, by: str | None = None) -> None:
    """The workbook: 排名, 发现, and with groups 按<column> summaries and one sheet per group of ``by``
    (a group column; default the first the rows carry); ``path`` a file's path or a binary stream."""
    book = Workbook(str(path) if isinstance(path, Path) else path, WORKBOOK_OPTIONS)
    styles = SheetStyles.of(book)
    taken: set[str] = set()

    def sheet(title: str, header: list[str], lines: list[list[Any]]) -> None:
        fill_sheet(book.add_worksheet(sheet_name(title, taken)), header, lines, styles)

    sheet("排名 ranking", *ranking_lines(rows))
    sheet("发现 findings", *finding_lines(rows))
    columns = group_columns(rows)
    for column in columns:
        sheet(f"按{GROUP_LABELS[column][0]} {GROUP_LABELS[column][1]}", *group_summary_lines(rows, column))
    split = by if by in columns else (columns[0] if columns else None)
    if split:
        for value in sorted({str(r.get(split) or UNGROUPED) for r in rows}):
            sheet(value, *ranking_lines([r for r in rows if str(r.get(split) or UNGROUPED) == value]))
    book.close()


# ---- the 整改 notice ---------------------------------------------------------------------

NOTICE_SEVERITIES = ("error", "warning")
# What to correct, by rule first, then by kind (the finding's message says what is wrong).
ADVICE_BY_RULE = {
    "GK601": "核对本年度表三“上年结转”与上年度报告“结转下年度继续办理”，更正不一致的数字，确有差异的在报告中说明原因。",
    "GK602": "结合本年度实际情况重新撰写“存在的主要问题及改进情况”，写明具体问题、原因和改进措施。",
    "GK408": "年度报告应于每年1月31日前公布（《政府信息公开条例》第五十条），请说明逾期原因并按时公布。",
    "GK409": "统一标题、统计期间和正文所述年度，更正写错的年份。",
}
ADVICE_BY_KIND = {
    "narrative_mismatch": "核对正文所述数字与统计表对应单元格，以实际数据为准更正其中之一，使二者一致。",
    "narrative_arithmetic": "核对正文所列分项与合计，更正计算错误。",
    "table_arithmetic": "核对统计表分项与合计的运算关系，更正有误的单元格。",
    "structure": "按《政府信息公开工作年度报告格式》补齐或调整相应部分和统计表。",
    "corpus": "核对与其他报告相关的内容并更正。",
}
DEFAULT_ADVICE = "请核对并更正。"


def advice(finding: Finding) -> str:
    """What to correct, in Chinese, with the expected value when the check knows it."""
    text = ADVICE_BY_RULE.get(finding.get("rule", "")) or ADVICE_BY_KIND.get(finding.get("kind", ""), DEFAULT_ADVICE)
    ev = finding.get("evidence") or {}
    if ev.get("expected") is not None and ev.get("actual") is not None:
        text += f"（按核对应为 {shown_value(ev['expected'])}，现为 {shown_value(ev['actual'])}）"
    return text


def select_report(rows: Sequence[Row], body: str, year: int | None = None) -> Row:
    """The body's report (matched by :func:`extractor.checks.corpus.body_key`): the year asked for, else the latest.

    LookupError names what was not found and, for an unknown body, the bodies that contain the name given.
    """
    key = body_key(body)
    mine = [r for r in rows if r["status"] == "done" and key and body_key(r["agency"]) == key]
    if not mine:
        near = sorted({r["agency"] for r in rows if r["agency"] and key and key in (body_key(r["agency"]) or "")})
        hint = f"；相近的机关 similar: {'、'.join(near)}" if near else ""
        raise LookupError(f"审计中没有“{body}”的已完成报告 no audited report of this body{hint}")
    if year is not None:
        mine = [r for r in mine if r["year"] == year]
        if not mine:
            raise LookupError(f"没有“{body}”{year}年度的报告 no report of this body for {year}")
    return max(mine, key=lambda r: (r["year"] or 0, r["quality"] or 0))


def notice_items(row: Row) -> list[dict[str, str]]:
    """The notice's numbered items: errors first, then warnings; info findings and those the reviewer
    dismissed are left out."""
    order = {s: i for i, s in enumerate(NOTICE_SEVERITIES)}
    kept = (f for f in all_findings(row) if f.get("severity") in order and f.get("triage") != "dismissed")
    chosen = sorted(kept, key=lambda f: order[f["severity"]])
    return [
        {
            "severity_zh": SEVERITY_LABELS[f["severity"]][0],
            "rule": f.get("rule", ""),
            "message": f.get("message_zh", ""),
            "sentence": (f.get("evidence") or {}).get("sentence") or "",
            "cells": cells_text(f),
            "advice": advice(f),
        }
        for f in chosen
    ]


def _east_asian_font(document: Any, name: str = "宋体", size: float = 10.5) -> None:
    style = document.styles["Normal"]
    style.font.size = Pt(size)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def notice_document(row: Row, audit_date: str) -> Any:
    """The one-page 整改 list of one report, as a python-docx Document."""
    document = Document()
    for section in document.sections:
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = section.right_margin = Cm(2.2)
    _east_asian_font(document)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("政府信息公开工作年度报告整改清单")
    run.bold, run.font.size = True, Pt(16)
    agency, year = row["agency"] or "（未载明机关）", row["year"] or "—"
    document.add_paragraph(f"机关：{agency}\n报告年度：{year}年度\n审核日期：{audit_date}\n报告文件：{row['path']}")
    items = notice_items(row)
    if not items:
        document.add_paragraph("经审核，未发现需要整改的问题。")
        return document
    document.add_paragraph(
        f"经审核，贵单位{year}年度政府信息公开工作年度报告存在以下{len(items)}项问题，"
        "请逐项核对更正后重新发布，并反馈整改情况。"
    )
    for n, item in enumerate(items, start=1):
        head = document.add_paragraph()
        head.paragraph_format.space_before = Pt(4)
        head.add_run(f"{n}. 【{item['severity_zh']}】").bold = True
        head.add_run(f"{item['message']}（{item['rule']}）")
        details = [("原文", item["sentence"]), ("表格", item["cells"]), ("整改要求", item["advice"])]
        for label, text in details:
            if text:
                line = document.add_paragraph()
                line.paragraph_format.left_indent = Cm(0.7)
                line.paragraph_format.space_after = Pt(0)
                line.add_run(f"{label}：").bold = True
                line.add_run(text)
    document.add_paragraph("（本清单由 gkaudit 自动审核生成，括号内为规则编号。）")
    return document


def audit_date(view: dict[str, Any]) -> str:
    """The day of an audit as :func:`workers.report.rank.audit_view` shows it: when it finished, else when it began."""
    return next((v for v in (view.get("finished_at"), view.get("created_at")) if v and v != "—"), "—")[:10]


def write_notice(row: Row, audit_date: str, path: str | Path) -> int:
    """Write the notice; returns how many items it lists."""
    notice_document(row, audit_date).save(str(path))
    return len(notice_items(row))


def notice_bytes(row: Row, audit_date: str) -> bytes:
    out = BytesIO()
    notice_document(row, audit_date).save(out)
    return out.getvalue()
