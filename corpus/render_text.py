"""Plain text in the seeds' layout (a DOCX exported as text).

Paragraphs are lines; each table cell is a line starting with a tab, rows are
separated by a blank line, a vertically merged cell shows as an empty tab line
in the rows below its first, a horizontally merged cell appears once, a
cell's line breaks continue on lines without a tab, and a table ends with two
blank lines.
"""

from __future__ import annotations

from corpus.blueprint import GeneratedReport
from corpus.layout import Grid, Para, document_blocks

GBK_NAMES = frozenset({"gbk", "gb18030"})


def grid_lines(grid: Grid) -> list[str]:
    lines: list[str] = []
    for row in range(grid.n_rows):
        lines += ["\t" + (cell.text if starts else "") for cell, starts in grid.covering(row)]
        lines.append("")
    return lines


def _para_lines(report: GeneratedReport, para: Para, last_title: bool) -> list[str]:
    style = report.style
    if para.kind == "title":
        return [para.text, ""] if last_title and style.blank_after_title else [para.text]
    if para.kind == "empty":
        return [""]
    text = style.heading_indent + para.text if para.kind == "heading" else para.text
    return [text, ""] if style.blank_between_paragraphs else [text]


def render_text(report: GeneratedReport) -> str:
    lines: list[str] = []
    blocks = document_blocks(report)
    for i, block in enumerate(blocks):
        if isinstance(block, Grid):
            lines += grid_lines(block)
            lines += ["", ""] if report.style.extra_blank_after_table else [""]
            continue
        last_title = block.kind == "title" and not (
            i + 1 < len(blocks) and isinstance(blocks[i + 1], Para) and blocks[i + 1].kind == "title"
        )
        lines += _para_lines(report, block, last_title)
    return "\n".join(lines) + "\n"


def encode_text(report: GeneratedReport) -> bytes:
    """The text rendering in the report's encoding (GBK fails loudly if a character does not fit)."""
    return render_text(report).encode(report.style.text_encoding)
