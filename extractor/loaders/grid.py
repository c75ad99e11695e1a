"""Shapes the DOCX, PDF and HTML loaders share: cell-text cleaning and span grids.

Every loader describes a table as :class:`Span` objects (a cell's top-left grid
position, how many rows and columns it covers, and its text) and lets
:func:`render_grid` expand them into the rectangular grid a
:class:`~extractor.document.Table` holds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Characters str.strip() does not treat as whitespace but that are invisible.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_WS_RUN = re.compile(r"[\s" + _INVISIBLE + r"]+")
_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x85]")

# Ranges PDF producers (WPS especially) use for look-alike ideographs: Kangxi
# radicals such as U+2F47 "⽇" for "日", and CJK compatibility ideographs.
_COMPAT_IDEOGRAPHS = re.compile(r"[\u2e80-\u2fdf\uf900-\ufaff]")

# No real report table is this wide; the cap keeps hostile colspans from
# building enormous grids.
MAX_GRID_COLUMNS = 1000


def strip_text(text: str) -> str:
    """Strip surrounding whitespace, \\u3000, \\xa0 and zero-width characters."""
    return text.strip().strip(_INVISIBLE).strip()


def _is_ascii_word_char(ch: str) -> bool:
    return ch.isascii() and not ch.isspace() and ch.isprintable()


def _squeeze(match: re.Match[str]) -> str:
    """Replace one whitespace run: a space only between two ASCII runs, else nothing."""
    text = match.string
    start, end = match.span()
    if start == 0 or end == len(text):
        return ""
    if _is_ascii_word_char(text[start - 1]) and _is_ascii_word_char(text[end]):
        return " "
    return ""


def clean_cell_text(text: str) -> str:
    """Normalise a table cell's text.

    Chinese text wraps inside narrow cells and vertical headers are stacked one
    character per line, so whitespace (line breaks included) disappears:
    ``"本年新\\n制作数量"`` → ``"本年新制作数量"``, ``"结\\n果"`` → ``"结果"``.
    A single space survives between two ASCII runs (``"5 000"``, ``"Word count"``).
    """
    return _WS_RUN.sub(_squeeze, text).strip()


def join_text(*parts: str) -> str:
    """Join text pieces (wrapped lines, split cells) with the cell-text rule."""
    return clean_cell_text("\n".join(p for p in parts if p))


def _css_collapse(match: re.Match[str]) -> str:
    """CSS-like collapsing: a run with a line break between CJK text vanishes, else one space."""
    text = match.string
    start, end = match.span()
    if start == 0 or end == len(text):
        return ""
    run = match.group(0)
    if _LINE_BREAK.search(run) and not (text[start - 1].isascii() and text[end].isascii()):
        return ""
    return " "


def normalize_paragraph_text(text: str) -> str:
    """Collapse whitespace in running text written by a person (HTML, DOCX).

    Spaces are kept as one space (they were typed), but a line break inside
    Chinese text is source formatting and is dropped, as browsers do.
    """
    return _WS_RUN.sub(_css_collapse, text).strip()


def fix_compat_ideographs(text: str) -> str:
    """Map Kangxi radicals and compatibility ideographs to the unified ideographs."""
    if not _COMPAT_IDEOGRAPHS.search(text):
        return text
    return _COMPAT_IDEOGRAPHS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


@dataclass
class Span:
    """One table cell: top-left grid position, extent and text (mutable on purpose).

    Loaders may fix a span's text after placing it (a cell split across PDF
    pages); :func:`render_grid` then writes the fixed text everywhere it covers.
    """

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def place_spans(spans: Sequence[Span], n_rows: int | None = None, n_cols: int | None = None) -> list[list[int]]:
    """Return an owner grid: the index into ``spans`` covering each position, -1 for holes.

    The grid is ``n_rows`` x ``n_cols`` (default: just big enough); spans reaching
    past it are clipped.  Where spans overlap the earlier one wins.
    """
    if n_rows is None:
        n_rows = max((s.row + max(s.rowspan, 1) for s in spans), default=0)
    if n_cols is None:
        n_cols = max((s.col + max(s.colspan, 1) for s in spans), default=0)
    n_cols = min(n_cols, MAX_GRID_COLUMNS)
    owner = [[-1] * n_cols for _ in range(n_rows)]
    for index, span in enumerate(spans):
        for r in range(span.row, min(span.row + max(span.rowspan, 1), n_rows)):
            row = owner[r]
            for c in range(span.col, min(span.col + max(span.colspan, 1), n_cols)):
                if row[c] == -1:
                    row[c] = index
    return owner


def render_owner_grid(owner: Sequence[Sequence[int]], spans: Sequence[Span]) -> list[list[str]]:
    """Turn an owner grid into cell texts ("" for holes)."""
    return [[spans[i].text if i >= 0 else "" for i in row] for row in owner]


def render_grid(
    spans: Sequence[Span], n_rows: int | None = None, n_cols: int | None = None
) -> tuple[tuple[str, ...], ...]:
    """Expand spans into a rectangular grid of texts, merged cells repeated."""
    owner = place_spans(spans, n_rows, n_cols)
    return tuple(tuple(row) for row in render_owner_grid(owner, spans))


@dataclass(frozen=True)
class FlowCell:
    """A cell as markup lists it: in row order, without its grid column."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def flow_to_spans(rows: Sequence[Sequence[FlowCell]]) -> list[Span]:
    """Assign grid columns to cells listed row by row (the HTML table algorithm).

    A cell takes the first column of its row not already covered by a cell with
    a rowspan from a row above.  Rowspans are clipped to the rows present and
    ``rowspan=0`` (HTML: "to the end of the table") covers the remaining rows;
    nothing is placed beyond :data:`MAX_GRID_COLUMNS`.
    """
    n_rows = len(rows)
    taken = [bytearray(MAX_GRID_COLUMNS + 1) for _ in range(n_rows)]  # 1 = covered from above
    spans: list[Span] = []
    for r, cells in enumerate(rows):
        col = 0
        for cell in cells:
            col = taken[r].find(0, col)
            if col < 0 or col >= MAX_GRID_COLUMNS:
                break
            colspan = min(max(cell.colspan, 1), MAX_GRID_COLUMNS - col)
            rowspan = n_rows - r if cell.rowspan <= 0 else min(cell.rowspan, n_rows - r)
            spans.append(Span(r, col, cell.text, rowspan, colspan))
            ones = b"\x01" * colspan
            for below in taken[r + 1 : r + rowspan]:
                below[col : col + colspan] = ones
            col += colspan
    return spans


def is_empty_grid(rows: Sequence[Sequence[str]]) -> bool:
    return not any(cell for row in rows for cell in row)
