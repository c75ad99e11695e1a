"""A simple HTML page: <p> paragraphs, <table> with rowspan/colspan, <br> for line breaks."""

from __future__ import annotations

from html import escape

from corpus.blueprint import GeneratedReport
from corpus.layout import Grid, Para, document_blocks

PARA_TEMPLATES = {
    "title": '<p style="text-align:center"><strong>{}</strong></p>',
    "heading": "<p>{}</p>",
    "body": '<p style="text-indent:2em">{}</p>',
    "empty": "<p>{}</p>",
}


def cell_html(text: str) -> str:
    return escape(text).replace("\xa0", "&nbsp;").replace("\n", "<br>")


def _span_attrs(rowspan: int, colspan: int) -> str:
    attrs = f' rowspan="{rowspan}"' if rowspan > 1 else ""
    return attrs + (f' colspan="{colspan}"' if colspan > 1 else "")


def grid_html(grid: Grid) -> str:
    rows = []
    for row in range(grid.n_rows):
        cells = "".join(f"<td{_span_attrs(c.rowspan, c.colspan)}>{cell_html(c.text)}</td>" for c in grid.starting(row))
        rows.append(f"<tr>{cells}</tr>")
    return '<table border="1" cellspacing="0" cellpadding="2">\n' + "\n".join(rows) + "\n</table>"


def para_html(report: GeneratedReport, para: Para) -> str:
    if para.kind == "heading" and report.style.html_bold_headings:
        return f"<p><strong>{cell_html(para.text)}</strong></p>"
    return PARA_TEMPLATES[para.kind].format(cell_html(para.text))


def render_html(report: GeneratedReport) -> str:
    parts = [grid_html(b) if isinstance(b, Grid) else para_html(report, b) for b in document_blocks(report)]
    body = "\n".join(parts)
    if report.style.html_layout_table:
        body = f'<table width="100%" class="layout"><tr><td>\n{body}\n</td></tr></table>'
    title = escape("".join(report.title_lines))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body>\n"
        f'<div class="article-content">\n{body}\n</div>\n</body></html>\n'
    )
