"""DOCX with python-docx: plain paragraphs and tables with real merged cells."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table, _Cell

from corpus.blueprint import GeneratedReport
from corpus.layout import Grid, Para, document_blocks

FONT = "宋体"
FIXED_TIME = datetime(2000, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _set_east_asian_font(document: Document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10.5)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)


def _write_cell(cell: _Cell, text: str) -> None:
    cell.text = text  # python-docx turns "\n" into <w:br/>
    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def add_grid(document: Document, grid: Grid) -> Table:
    table = document.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.style = "Table Grid"
    positions = table._cells  # the unmerged grid, read once (table.cell() rescans every call)
    for c in grid.cells:
        cell = positions[c.row * grid.n_cols + c.col]
        if c.rowspan > 1 or c.colspan > 1:
            cell = cell.merge(positions[c.last_row * grid.n_cols + c.col + c.colspan - 1])
        _write_cell(cell, c.text)
    return table


def add_para(document: Document, report: GeneratedReport, para: Para) -> None:
    if para.kind == "title":
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(para.text)
        run.bold = True
        run.font.size = Pt(16)
    elif para.kind == "heading":
        document.add_paragraph().add_run(report.style.heading_indent + para.text).bold = True
    else:
        document.add_paragraph(para.text)


def render_docx(report: GeneratedReport) -> bytes:
    document = Document()
    _set_east_asian_font(document)
    props = document.core_properties
    props.title = "".join(report.title_lines)
    props.author = report.agency
    props.created = props.modified = FIXED_TIME
    for block in document_blocks(report):
        if isinstance(block, Grid):
            add_grid(document, block)
        else:
            add_para(document, report, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip_times(buffer.getvalue())


def fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the package with constant member timestamps, so equal reports give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member.filename))
    return out.getvalue()
