"""Read a text-layer PDF into a :class:`~extractor.document.Document`.

Per page: one ``find_tables`` call (lines strategy) on the page's *visible*
ruling, then the text outside the tables as lines.  After all pages:

* table parts that continue across a page break are joined into one table
  (same outer edges and compatible column edges, nothing but page furniture
  between them), dropping a repeated header and mending cells split by the break;
* lines are grouped into paragraphs (sentence end, short line, indent, heading).

Every table is placed on one column grid built from the cells' geometry, so
merged cells are expanded by where they really are rather than by guessing
from pdfplumber's ``None`` placeholders.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import statistics
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.table import Table as PlumberTable
from pdfplumber.utils.exceptions import PdfminerException

from extractor.document import Block, Document, Paragraph, Table
from extractor.errors import ExtractError
from extractor.loaders.grid import (
    Span,
    clean_cell_text,
    fix_compat_ideographs,
    join_text,
    place_spans,
    render_owner_grid,
)
from extractor.settings import Limits

# An image-only PDF has (almost) no characters; a few stray ones may be a page number.
MIN_TEXT_CHARS = 20
# %%EOF must appear this close to the end, or the file was cut short.
EOF_WINDOW = 4096

# Geometry tolerances in PDF points (1/72 inch).
EDGE_TOL = 2.0  # an edge "touches" a y within this distance
COL_TOL = 4.0  # column edges this close are the same column edge (also across pages)
ROW_TOL = 2.0  # row edges this close are the same row edge
OUTER_TOL = 6.0  # a continuation's outer edges may differ this much from the previous part's
MIN_RULE_LENGTH = 5.0  # shorter vertical strokes are not table rules
MAX_RULE_THICKNESS = 3.0  # a filled rectangle this thin is drawn as a rule
MARGIN_ZONE = 0.12  # top/bottom fraction of a page where page numbers and running heads live
MAX_CELL_PADDING = 6.0  # a cell's inner left/right margin is at most this (Word and LibreOffice: 5.4)

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－·•\s]*\d{1,4}[-—–－·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|Page|PAGE)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
_CN_DIGITS = "一二三四五六七八九十"
_HEADING = re.compile(rf"^(?:[{_CN_DIGITS}]{{1,3}}、|（[{_CN_DIGITS}]{{1,3}}）|第[{_CN_DIGITS}]{{1,3}}[部分章节])")
_SENTENCE_END = re.compile(r"[。！？!?][”’」』）)]*$")
_LABEL_START = re.compile(rf"^(?:[（(][{_CN_DIGITS}\d]{{1,3}}[）)]|[{_CN_DIGITS}]{{1,3}}[、.．]|\d{{1,3}}[、.．])")
_NUMBER = re.compile(r"[-+]?\d[\d,，.]*%?")
_WORD = re.compile(r"[^\W\d_]")  # a letter or an ideograph


def load_pdf(data: bytes, limits: Limits) -> Document:
    """Read PDF bytes; raise ExtractError E020–E023 (or E050 on the time limit)."""
    _check_envelope(data)
    reader = _Reader(limits)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            reader.read(pdf)
    except PdfminerException as exc:
        raise _pdfminer_error(exc.args[0] if exc.args else exc) from exc
    except PSException as exc:
        raise _pdfminer_error(exc) from exc
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, AssertionError, OverflowError) as exc:
        # pdfminer reports many kinds of damage through plain Python errors.
        raise ExtractError("E020", detail=f"damaged PDF ({type(exc).__name__}: {exc})") from exc
    if reader.text_chars < MIN_TEXT_CHARS:
        raise ExtractError("E022")
    blocks = _assemble(_drop_running_lines(reader.items, reader.pages))
    if _content_chars(blocks) < MIN_TEXT_CHARS:  # e.g. scanned pages with only page numbers as text
        raise ExtractError("E022")
    return Document(blocks=tuple(blocks), kind="pdf", pages=reader.pages, warnings=tuple(reader.warnings))


def _content_chars(blocks: list[Block]) -> int:
    return sum(len(b.text) if isinstance(b, Paragraph) else sum(len(c) for r in b.rows for c in r) for b in blocks)


def _check_envelope(data: bytes) -> None:
    if b"%PDF-" not in data[:1024]:
        raise ExtractError("E020", detail="no %PDF- header")
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise ExtractError("E020", detail="no %%EOF marker at the end (truncated?)")


def _pdfminer_error(exc: BaseException) -> ExtractError:
    if isinstance(exc, PDFEncryptionError):
        return ExtractError("E021")
    return ExtractError("E020", detail=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


# --- what a page yields ----------------------------------------------------------


@dataclass
class _Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page_height: float


@dataclass
class _Cell:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    open_top: bool = False  # no ruling drawn along its top (continues from the page before?)
    open_bottom: bool = False
    full_last_line: bool = False  # its last text line fills the cell: the text may go on below


@dataclass
class _Part:
    """A ruled table as found on one page."""

    page: int
    cells: list[_Cell]
    col_edges: list[float]
    row_edges: list[float]

    @property
    def top(self) -> float:
        return self.row_edges[0]


_Item = _Line | _Part


@dataclass
class _Reader:
    limits: Limits
    items: list[_Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text_chars: int = 0
    pages: int = 0

    def read(self, pdf: pdfplumber.PDF) -> None:
        self.pages = len(pdf.pages)
        if self.pages > self.limits.max_pdf_pages:
            raise ExtractError("E023", pages=self.pages, limit=self.limits.max_pdf_pages)
        deadline = time.monotonic() + self.limits.parse_timeout_seconds
        blank: list[int] = []
        for index, page in enumerate(pdf.pages):
            if time.monotonic() > deadline:
                raise ExtractError("E050", limit=self.limits.parse_timeout_seconds)
            chars = sum(1 for c in page.chars if not c["text"].isspace())
            self.text_chars += chars
            if chars == 0:
                blank.append(index + 1)
            else:
                self.items.extend(_read_page(page, index))
            page.close()
        if blank and len(blank) < self.pages:
            self.warnings.append(f"no text on page(s) {', '.join(map(str, blank))} (scanned images?)")


def _read_page(page: Page, index: int) -> list[_Item]:
    """The page's table parts and text lines, top to bottom."""
    # dedupe: "fake bold" draws each character twice, a hair apart
    ruled = page.dedupe_chars().filter(_is_visible_graphic)
    h_edges = [e for e in ruled.edges if e["orientation"] == "h"]
    v_edges = [e for e in ruled.edges if e["orientation"] == "v"]
    settings = {"explicit_horizontal_lines": _closing_edges(v_edges, h_edges)}
    parts = [p for t in ruled.find_tables(settings) if (p := _table_part(t, index, h_edges)) is not None]
    boxes = [(p.col_edges[0], p.row_edges[0], p.col_edges[-1], p.row_edges[-1]) for p in parts]
    outside = ruled.filter(lambda o: o.get("object_type") != "char" or not _inside_any(o, boxes)) if boxes else ruled
    lines = [line for raw in outside.extract_text_lines() if (line := _line(raw, index, page.height)) is not None]
    items: list[_Item] = [*parts, *lines]
    items.sort(key=lambda it: it.top)
    return items


def _is_visible_graphic(obj: dict[str, Any]) -> bool:
    """Keep characters and the strokes a reader sees; drop white/invisible boxes.

    Some PDF editors (e.g. Jisupdf over WPS) paint a white rectangle behind every
    text line and table cell; as edges those would turn prose into tables.
    """
    kind = obj.get("object_type")
    if kind not in ("rect", "line", "curve"):
        return True
    if obj.get("stroke", kind == "line") and not _is_white(obj.get("stroking_color")):
        return True
    if obj.get("fill") and not _is_white(obj.get("non_stroking_color")):
        return kind == "rect" or min(obj.get("width", 0), obj.get("height", 0)) <= MAX_RULE_THICKNESS
    return False


def _is_white(color: Any) -> bool:
    """True for white (or missing) colours in gray, RGB or CMYK."""
    if color is None:
        return True
    if isinstance(color, (int, float)):
        return color >= 0.95
    if not isinstance(color, (tuple, list)) or not all(isinstance(c, (int, float)) for c in color):
        return False  # a pattern or named colour: assume visible
    if len(color) in (1, 3):
        return min(color) >= 0.95
    if len(color) == 4:
        return max(color) <= 0.05
    return False


def _closing_edges(v_edges: list[dict[str, Any]], h_edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal edges that close tables left open at a page break.

    Word/WPS often draw no ruling where a table is cut by a page break, so the
    last row (or the first, on the next page) has no closing edge and
    pdfplumber would lose it.  Where two or more vertical rules end at the same
    height and no drawn edge covers that height, add one.
    """
    rules = [e for e in v_edges if e["bottom"] - e["top"] >= MIN_RULE_LENGTH]
    closing = []
    for key in ("top", "bottom"):
        for group in _group_by(rules, key, EDGE_TOL):
            if len(group) < 2:
                continue
            y = statistics.fmean(e[key] for e in group)
            x0, x1 = min(e["x0"] for e in group), max(e["x1"] for e in group)
            if _coverage(h_edges, y, x0, x1) < 0.95:
                closing.append(_h_edge(x0, x1, y))
    return closing


def _group_by(edges: list[dict[str, Any]], key: str, tol: float) -> Iterator[list[dict[str, Any]]]:
    group: list[dict[str, Any]] = []
    for edge in sorted(edges, key=lambda e: e[key]):
        if group and edge[key] - group[-1][key] > tol:
            yield group
            group = []
        group.append(edge)
    if group:
        yield group


def _h_edge(x0: float, x1: float, y: float) -> dict[str, Any]:
    return {
        "object_type": "closing_edge",
        "orientation": "h",
        "x0": x0,
        "x1": x1,
        "top": y,
        "bottom": y,
        "width": x1 - x0,
        "height": 0.0,
    }


def _coverage(h_edges: list[dict[str, Any]], y: float, x0: float, x1: float) -> float:
    """Fraction of [x0, x1] covered by drawn horizontal edges at height y."""
    if x1 <= x0:
        return 1.0
    near = [e for e in h_edges if abs(e["top"] - y) <= EDGE_TOL and e["x1"] > x0 and e["x0"] < x1]
    spans = sorted((max(e["x0"], x0), min(e["x1"], x1)) for e in near)
    covered, reach = 0.0, x0
    for a, b in spans:
        if b > reach:
            covered += b - max(a, reach)
            reach = b
    return covered / (x1 - x0)


def _table_part(table: PlumberTable, page: int, h_edges: list[dict[str, Any]]) -> _Part | None:
    """Cells with text and geometry; None for a 'table' that is really a text frame."""
    cells = []
    for row, texts in zip(table.rows, table.extract(), strict=True):
        for bbox, text in zip(row.cells, texts, strict=True):
            if bbox is not None:
                cells.append(_Cell(*bbox, text=clean_cell_text(fix_compat_ideographs(text or ""))))
    if not cells or not any(c.text for c in cells):
        return None
    col_edges = _cluster([x for c in cells for x in (c.x0, c.x1)], COL_TOL)
    if len(col_edges) < 3:  # one column: a framed block of prose
        return None
    row_edges = _cluster([y for c in cells for y in (c.top, c.bottom)], ROW_TOL)
    lines = _cell_lines(cells, table.page.chars)
    padding = _cell_padding(cells, lines)
    for cell, cell_lines in zip(cells, lines, strict=True):
        if abs(cell.top - row_edges[0]) <= ROW_TOL:
            cell.open_top = _coverage(h_edges, cell.top, cell.x0, cell.x1) < 0.5
        if abs(cell.bottom - row_edges[-1]) <= ROW_TOL:
            cell.open_bottom = _coverage(h_edges, cell.bottom, cell.x0, cell.x1) < 0.5
            cell.full_last_line = bool(cell_lines) and _fills(cell, cell_lines[-1], padding)
    return _Part(page, cells, col_edges, row_edges)


@dataclass(frozen=True)
class _TextLine:
    """Where one line of a cell's text sits."""

    x0: float
    x1: float
    size: float


def _cell_lines(cells: Sequence[_Cell], chars: Sequence[dict[str, Any]]) -> list[list[_TextLine]]:
    """Each cell's text lines, top to bottom (parallel to ``cells``)."""
    inside: list[list[dict[str, Any]]] = [[] for _ in cells]
    box = (min(c.x0 for c in cells), min(c.top for c in cells), max(c.x1 for c in cells), max(c.bottom for c in cells))
    for char in chars:
        if char["text"].isspace() or not _inside_any(char, [box]):
            continue
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for i, cell in enumerate(cells):
            if cell.x0 <= cx <= cell.x1 and cell.top <= cy <= cell.bottom:
                inside[i].append(char)
                break
    return [_text_lines(cell_chars) for cell_chars in inside]


def _text_lines(chars: list[dict[str, Any]]) -> list[_TextLine]:
    lines: list[_TextLine] = []
    for group in _group_by(chars, "bottom", EDGE_TOL):
        sizes = [c["size"] for c in group]
        lines.append(_TextLine(min(c["x0"] for c in group), max(c["x1"] for c in group), max(sizes)))
    return lines


def _cell_padding(cells: Sequence[_Cell], lines: Sequence[list[_TextLine]]) -> float:
    """The cells' inner left/right margin: the narrowest gap between text and cell side.

    Capped at MAX_CELL_PADDING, so that a table whose lines are all short does
    not make a short line look full.
    """
    gaps = [
        min(ln.x0 - cell.x0, cell.x1 - ln.x1)
        for cell, cell_lines in zip(cells, lines, strict=True)
        for ln in cell_lines
    ]
    return min(max(min(gaps, default=0.0), 0.0), MAX_CELL_PADDING)


def _fills(cell: _Cell, line: _TextLine, padding: float) -> bool:
    """Does ``line`` fill the cell's width, so that what follows it had to wrap?

    Room for one character is allowed: a character may not start a line
    together with the punctuation after it ("用、" wraps as a pair).
    """
    room = (cell.x1 - cell.x0) - 2 * padding - (line.x1 - line.x0)
    return room < 2 * line.size


def _cluster(values: Iterable[float], tol: float) -> list[float]:
    """Sorted centres of groups of values chained within ``tol``."""
    centres: list[float] = []
    group: list[float] = []
    for v in sorted(values):
        if group and v - group[-1] > tol:
            centres.append(statistics.fmean(group))
            group = []
        group.append(v)
    if group:
        centres.append(statistics.fmean(group))
    return centres


def _nearest(centres: Sequence[float], value: float) -> int:
    i = bisect_left(centres, value)
    if i == 0:
        return 0
    if i == len(centres):
        return len(centres) - 1
    return i if centres[i] - value < value - centres[i - 1] else i - 1


def _inside_any(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _line(raw: dict[str, Any], page: int, page_height: float) -> _Line | None:
    text = clean_cell_text(fix_compat_ideographs(raw["text"]))
    if not text:
        return None
    sizes = [c["size"] for c in raw.get("chars", []) if not c["text"].isspace()]
    size = statistics.median(sizes) if sizes else raw["bottom"] - raw["top"]
    return _Line(page, text, raw["x0"], raw["x1"], raw["top"], raw["bottom"], size, page_height)


# --- page furniture ----------------------------------------------------------------


def _in_margin(line: _Line) -> bool:
    return line.bottom < line.page_height * MARGIN_ZONE or line.top > line.page_height * (1 - MARGIN_ZONE)


def _drop_running_lines(items: list[_Item], pages: int) -> list[_Item]:
    """Drop page numbers and running heads/feet, so they neither join nor split paragraphs and tables."""
    repeated = _running_texts(items, pages)
    return [it for it in items if not (isinstance(it, _Line) and _is_furniture(it, repeated))]


def _is_furniture(line: _Line, repeated: set[str]) -> bool:
    return _in_margin(line) and bool(_PAGE_NUMBER.match(line.text) or _furniture_key(line.text) in repeated)


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text)


def _running_texts(items: list[_Item], pages: int) -> set[str]:
    """Margin lines that recur on at least half the pages (three at least)."""
    if pages < 3:
        return set()
    seen = Counter({(it.page, _furniture_key(it.text)) for it in items if isinstance(it, _Line) and _in_margin(it)})
    per_text = Counter(text for _page, text in seen)
    return {text for text, n in per_text.items() if n >= max(3, math.ceil(pages / 2))}


# --- assembling blocks -------------------------------------------------------------------


def _assemble(items: list[_Item]) -> list[Block]:
    lines = [it for it in items if isinstance(it, _Line)]
    left, right = _text_margins(lines)
    blocks: list[Block] = []
    paragraph: list[_Line] = []
    tables: list[_Part] = []

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(Paragraph(join_text(*(ln.text for ln in paragraph))))
            paragraph.clear()

    def flush_table() -> None:
        if tables:
            blocks.append(Table(rows=_table_rows(tables)))
            tables.clear()

    for item in items:
        if isinstance(item, _Part):
            flush_paragraph()
            if not (tables and _continues(tables[-1], item)):
                flush_table()
            tables.append(item)
            continue
        flush_table()
        if paragraph and not _continues_paragraph(paragraph[-1], item, left, right):
            flush_paragraph()
        paragraph.append(item)
    flush_paragraph()
    flush_table()
    return blocks


def _text_margins(lines: list[_Line]) -> tuple[float, float]:
    """Left and right edges of the body text: the most common line starts/ends."""
    if not lines:
        return 0.0, 0.0
    starts = Counter(round(ln.x0 / 2) for ln in lines)
    ends = Counter(round(ln.x1 / 2) for ln in lines)
    frequent_starts = [k for k, n in starts.items() if n >= 2] or list(starts)
    left = min(frequent_starts) * 2.0
    bin_, n = ends.most_common(1)[0]
    right = bin_ * 2.0 if n >= 3 else max(ln.x1 for ln in lines)
    return left, right


def _continues_paragraph(prev: _Line, line: _Line, left: float, right: float) -> bool:
    size = max(prev.size, line.size)
    if _SENTENCE_END.search(prev.text) or prev.x1 < right - 1.5 * size:
        return False  # the previous line ends a sentence or stops short
    if _HEADING.match(line.text) or line.x0 > left + size:
        return False  # a heading or an indented first line starts a new paragraph
    if abs(prev.size - line.size) > 1.5:
        return False
    return not (line.page == prev.page and line.top - prev.bottom > 1.2 * size)


# --- tables across pages ------------------------------------------------------------------


def _continues(prev: _Part, part: _Part) -> bool:
    """Is ``part`` (first on its page) the rest of ``prev`` (last on the page before)?"""
    if part.page != prev.page + 1:
        return False
    a, b = prev.col_edges, part.col_edges
    if abs(a[0] - b[0]) > OUTER_TOL or abs(a[-1] - b[-1]) > OUTER_TOL:
        return False
    return len(a) == len(b) or _subset(a, b) or _subset(b, a)


def _subset(small: list[float], big: list[float]) -> bool:
    return all(abs(big[_nearest(big, x)] - x) <= COL_TOL for x in small[1:-1])


@dataclass
class _Grid:
    """One part placed on the shared column grid."""

    spans: list[Span]
    owner: list[list[int]]
    cells: list[_Cell]  # parallel to spans
    skip_rows: set[int] = field(default_factory=set)

    def texts(self) -> list[list[str]]:
        return render_owner_grid(self.owner, self.spans)


def _table_rows(parts: list[_Part]) -> tuple[tuple[str, ...], ...]:
    """Place all parts on one column grid, mend the page seams, and stack the rows."""
    columns = _cluster([x for p in parts for c in p.cells for x in (c.x0, c.x1)], COL_TOL)
    grids = [_place(part, columns) for part in parts]
    for prev, grid in itertools.pairwise(grids):
        if not _drop_repeated_header(grids[0], grid):
            _mend_seam(prev, grid)
    rows = []
    for grid in grids:
        rows.extend(tuple(r) for i, r in enumerate(grid.texts()) if i not in grid.skip_rows)
    return tuple(rows)


def _place(part: _Part, columns: list[float]) -> _Grid:
    spans = []
    for cell in part.cells:
        r0, r1 = _nearest(part.row_edges, cell.top), _nearest(part.row_edges, cell.bottom)
        c0, c1 = _nearest(columns, cell.x0), _nearest(columns, cell.x1)
        spans.append(Span(r0, c0, cell.text, max(r1 - r0, 1), max(c1 - c0, 1)))
    owner = place_spans(spans, len(part.row_edges) - 1, len(columns) - 1)
    return _Grid(spans, owner, part.cells)


def _drop_repeated_header(first: _Grid, grid: _Grid) -> bool:
    """Skip leading rows of ``grid`` that repeat the table's first rows (a repeated header)."""
    head, rows = first.texts(), grid.texts()
    n = 0
    while n < min(len(head), len(rows)) - 1 and head[n] == rows[n]:
        n += 1
    if n == 0 or not any(cell and not _is_number(cell) for row in rows[:n] for cell in row):
        return False
    grid.skip_rows.update(range(n))
    return True


def _mend_seam(prev: _Grid, grid: _Grid) -> None:
    """Mend cells cut by the page break between ``prev`` and ``grid``.

    When one row was cut by the break (:func:`_row_cut`), its halves become one
    row.  Otherwise a merged cell cut by the break shows up as a cell in the
    first row of the new page with the same columns as one in the last row
    before it.  It is taken as a continuation when its top has no ruling while
    other cells of the row have one, or when it is an empty label cell under a
    cell spanning several rows: an empty one takes the text above, a non-empty
    one is the rest of it ("（四）无" + "法提供").
    """
    if not prev.owner or not grid.owner:
        return
    pairs = [
        (p, c)
        for p, c in dict.fromkeys(zip(prev.owner[-1], grid.owner[0], strict=True))
        if p >= 0 and c >= 0 and _same_columns(prev.spans[p], grid.spans[c])
    ]
    if _row_cut(prev, grid, pairs):
        for p, c in pairs:
            above, below = prev.spans[p], grid.spans[c]
            above.text = below.text = _joined(above.text, below.text)
        grid.skip_rows.add(0)
        return
    some_ruled = not all(grid.cells[c].open_top for c in _first_row_cells(grid))
    sub_header = _subdivides(prev, grid)
    for p, c in pairs:
        above, below = prev.spans[p], grid.spans[c]
        if (
            (some_ruled and grid.cells[c].open_top)
            or (max(above.rowspan, below.rowspan) > 1 and _is_label_cell(grid, c))
            or (sub_header and not below.text)
            or (_runs_on(prev.cells[p], below.text) and _is_label_cell(grid, c))
        ):
            _join_cell(above, below)


def _first_row_cells(grid: _Grid) -> list[int]:
    return list(dict.fromkeys(c for c in grid.owner[0] if c >= 0))


def _row_cut(prev: _Grid, grid: _Grid, pairs: list[tuple[int, int]]) -> bool:
    """Was the last row before the break and the first row after it one row cut in two?

    Each cell of the first row must sit under a cell of the same columns, and no
    column may hold a number on both sides (two rows of figures).  Word and WPS
    draw no ruling along the cut, so a seam open on both sides is a cut row.
    LibreOffice rules the cut like any row edge; there the text must say it:
    some cell's text runs on across the break (its last line above is full)
    and every cell with text on both sides reads as one text going on, not as
    a number or a new label ("2.…").
    """
    firsts = _first_row_cells(grid)
    if len(pairs) != len(firsts) or any(_both_numbers(prev.spans[p], grid.spans[c]) for p, c in pairs):
        return False
    lasts = {p for p in prev.owner[-1] if p >= 0}
    if all(prev.cells[p].open_bottom for p in lasts) and all(grid.cells[c].open_top for c in firsts):
        return True
    both = [(p, c) for p, c in pairs if prev.spans[p].text and grid.spans[c].text]
    return bool(both) and all(_runs_on(prev.cells[p], grid.spans[c].text) for p, c in both)


def _runs_on(above: _Cell, below: str) -> bool:
    """Is ``below`` the rest of the text of ``above``, cut by a page break?"""
    return (
        above.full_last_line and bool(_WORD.search(below)) and not _is_number(below) and not _LABEL_START.match(below)
    )


def _subdivides(prev: _Grid, grid: _Grid) -> bool:
    """Does the first row after the break split a cell of the last row before it into columns?

    Then the two rows are header rows ("法人或其他组织" over 商业企业 …), and an
    empty cell beside the split one is a header cell spanning both rows (自然人).
    """
    first = grid.owner[0]
    for p in {p for p in prev.owner[-1] if p >= 0}:
        span = prev.spans[p]
        below = {c for c in first[span.col : span.col + span.colspan] if c >= 0}
        if len(below) > 1:
            return True
    return False


def _is_label_cell(grid: _Grid, index: int) -> bool:
    """Does cell ``index`` of the first row label its row (a merged label going on)?

    It does when it spans several rows itself, or when some words (not figures,
    not "/" or "-") stand right of it in the row.  An empty value cell under a header
    spanning two rows (table 四's 结果维持) is no label and takes no text.
    """
    span = grid.spans[index]
    if span.rowspan > 1:
        return True
    row = grid.owner[0]
    right = {c for c in row[span.col + span.colspan :] if c >= 0 and c != index}
    return any(_WORD.search(grid.spans[c].text) for c in right)


def _same_columns(a: Span, b: Span) -> bool:
    """A cell only continues one with the same columns (not "信息内容" under a full-width heading)."""
    return (a.col, a.colspan) == (b.col, b.colspan)


def _both_numbers(a: Span, b: Span) -> bool:
    return _is_number(a.text) and _is_number(b.text)


def _is_number(text: str) -> bool:
    """A figure, also one wrapped in a narrow cell ("17 8" for 178)."""
    return bool(_NUMBER.fullmatch(text.replace(" ", "")))


def _join_cell(above: Span, below: Span) -> None:
    """Make ``below`` the rest of ``above``: fill it if empty, else append its text.

    Numbers are never carried over or joined, and a cell whose text starts a
    new label ("（四）…", "2.…") is not a continuation.
    """
    if not above.text or _is_number(above.text) or _is_number(below.text):
        return
    if not below.text and not _WORD.search(above.text):
        return  # a dash or other mark is not carried into an empty cell
    if below.text and _LABEL_START.match(below.text):
        return
    above.text = below.text = _joined(above.text, below.text)


def _joined(first: str, rest: str) -> str:
    """The text of a cell cut in two by a page break."""
    if not rest or rest == first:
        return first
    return join_text(first, rest)
