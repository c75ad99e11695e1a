"""PDF with reportlab platypus and the built-in CID font STSong-Light.

Tables are ruled (GRID) with SPAN for merged cells.  Table 三 is sometimes cut
across two pages (``style.pdf_split_row``): the part after the cut starts a new
page, and a merged label crossing the cut continues there as an empty cell, as
in word-processor PDFs.  With ``style.pdf_vertical_labels`` the first label
column is so narrow that 三、本年度办理结果 is set one character per line.
"""

from __future__ import annotations

import io
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from corpus.blueprint import GeneratedReport
from corpus.layout import Grid, Para, document_blocks, split_grid

FONT = "STSong-Light"
MARGIN = 20 * mm
WIDTH = A4[0] - 2 * MARGIN


@cache
def styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = {"fontName": FONT, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", fontSize=16, leading=24, alignment=TA_CENTER, spaceAfter=6, **base),
        "heading": ParagraphStyle("heading", fontSize=12, leading=20, spaceBefore=6, **base),
        "body": ParagraphStyle("body", fontSize=10.5, leading=17, firstLineIndent=21, **base),
        "empty": ParagraphStyle("empty", fontSize=10.5, leading=10, **base),
        "cell": ParagraphStyle("cell", fontSize=8, leading=10, alignment=TA_CENTER, **base),
        "small": ParagraphStyle("small", fontSize=7, leading=9, alignment=TA_CENTER, **base),
    }


def pdf_text(text: str) -> str:
    return escape(text.replace("\xa0", " ")).replace("\n", "<br/>")


def column_widths(report: GeneratedReport, grid: Grid) -> list[float]:
    if grid.name == "active":
        label = WIDTH * 0.3
        return [label] + [(WIDTH - label) / (grid.n_cols - 1)] * (grid.n_cols - 1)
    if grid.name == "applications":
        labels = [14.0, 62.0, 150.0] if report.style.pdf_vertical_labels else [46.0, 62.0, 118.0]
        value = (WIDTH - sum(labels)) / (grid.n_cols - len(labels))
        return labels + [value] * (grid.n_cols - len(labels))
    return [WIDTH / grid.n_cols] * grid.n_cols


def grid_table(report: GeneratedReport, grid: Grid, widths: list[float]) -> Table:
    style = styles()["small" if grid.name == "review" else "cell"]
    data: list[list[object]] = [[""] * grid.n_cols for _ in range(grid.n_rows)]
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for c in grid.cells:
        data[c.row][c.col] = Paragraph(pdf_text(c.text), style) if c.text.strip() else ""
        if c.rowspan > 1 or c.colspan > 1:
            commands.append(("SPAN", (c.col, c.row), (c.col + c.colspan - 1, c.last_row)))
    return Table(data, colWidths=widths, style=TableStyle(commands), splitByRow=1, repeatRows=0)


def grid_flowables(report: GeneratedReport, grid: Grid) -> list[Flowable]:
    widths = column_widths(report, grid)
    cut = report.style.pdf_split_row
    if grid.name != "applications" or cut is None:
        return [grid_table(report, grid, widths), Spacer(1, 8)]
    top, bottom = split_grid(grid, cut)
    return [grid_table(report, top, widths), PageBreak(), grid_table(report, bottom, widths), Spacer(1, 8)]


def para_flowable(report: GeneratedReport, para: Para) -> Flowable:
    text = para.text if para.kind != "heading" else report.style.heading_indent + para.text
    return Paragraph(pdf_text(text), styles()[para.kind])


def render_pdf(report: GeneratedReport) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title="".join(report.title_lines),
        author=report.agency,
        invariant=1,
    )
    story: list[Flowable] = []
    for block in document_blocks(report):
        story += grid_flowables(report, block) if isinstance(block, Grid) else [para_flowable(report, block)]
    document.build(story)
    return buffer.getvalue()
