"""Plain text in the flattened layouts of page-to-text converters (crawled web reports).

Each layout walks :func:`corpus.layout.document_blocks` like ``render_text``:
paragraphs are lines and each table grid is written row by row, a merged cell
once in the row where it starts (as an HTML-to-text converter shows it).  An
empty cell (blank, or only spaces such as a lone nbsp) is written as the
layout's empty cell, never dropped; other cell texts are the report's own
(``report.cells``: padding, dashes, signs and money units as written).

Layouts (:data:`FLAT_LAYOUTS`)::

    pipe-lead      | a | b | |        markdown rule |---| after a table's first row
    pipe-bare      a | b ||           an empty cell is nothing between pipes
    cell-per-line  a |  /  b |  /   | (empty)  /  |   (a lone | ends a row)
    pipe-lines     a  /  |  /  b  /  |  /  (empty)  /  |  /  |||   (| between cells, | and ||| end a row)
    blank-line     a  /  (blank)  /  b  /  (blank)  /  " " (empty)   no pipes
    tab            a<TAB>b<TAB>       one row a line
    one-line       the whole report on one line; a table's cells separated by " | "
    traditional    pipe-lead in traditional characters (OpenCC s2t); one report in five
                   also glosses two row labels with pinyin: 規(guī)章, 行(xíng)政許可
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import opencc

from corpus.blueprint import GeneratedReport
from corpus.layout import Cell, Grid, Para, document_blocks

Rows = list[list[str]]  # a table's cell texts, row by row, empty cells as ""

# Row label -> pinyin of its first character, inserted after that character.
PINYIN_GLOSSES: dict[str, str] = {"规章": "guī", "行政许可": "xíng"}
GLOSS_CHANCE = 0.2
OPENCC_CONFIG = "s2t"


@dataclass(frozen=True)
class RowPerLine:
    """A table row as one line: ``prefix + sep.join(cells) + suffix``."""

    cell: str  # template of a non-empty cell
    empty: str  # an empty cell
    sep: str = ""
    prefix: str = ""
    suffix: str = ""
    rstrip: bool = False  # drop the spaces after the row's last pipe
    rule_after_first_row: bool = False  # markdown |---|---| line

    def row_line(self, row: list[str]) -> str:
        line = self.prefix + self.sep.join(self.cell.format(t) if t else self.empty for t in row) + self.suffix
        return line.rstrip(" ") if self.rstrip else line

    def table_lines(self, rows: Rows) -> list[str]:
        lines = [self.row_line(row) for row in rows]
        if self.rule_after_first_row and rows:
            lines.insert(1, "|" + "---|" * len(rows[0]))
        return lines


@dataclass(frozen=True)
class CellPerLine:
    """Each cell on its own line(s), with separator lines between cells and rows."""

    cell: str  # template of a non-empty cell
    empty: str  # the line of an empty cell
    between_cells: tuple[str, ...] = ()
    row_end: tuple[str, ...] = ()  # after every row
    between_rows: tuple[str, ...] = ()

    def row_lines(self, row: list[str]) -> list[str]:
        lines: list[str] = []
        for i, text in enumerate(row):
            if i:
                lines += self.between_cells
            lines += (self.cell.format(text) if text else self.empty).split("\n")
        return lines + list(self.row_end)

    def table_lines(self, rows: Rows) -> list[str]:
        lines: list[str] = []
        for i, row in enumerate(rows):
            if i:
                lines += self.between_rows
            lines += self.row_lines(row)
        return lines


@dataclass(frozen=True)
class FlatLayout:
    table: RowPerLine | CellPerLine
    line_break: str = " "  # what a line break inside a cell becomes
    block_sep: str = "\n"  # after every line ("" puts the whole report on one line)
    table_margin: tuple[str, ...] = ("",)  # lines before and after each table
    one_row: bool = False  # a table's cells as one row (no row boundaries)


LAYOUTS: dict[str, FlatLayout] = {
    "pipe-lead": FlatLayout(
        RowPerLine(cell=" {} ", empty=" ", sep="|", prefix="|", suffix="|", rule_after_first_row=True)
    ),
    "pipe-bare": FlatLayout(RowPerLine(cell="{} | ", empty="|", rstrip=True), line_break=""),
    "cell-per-line": FlatLayout(CellPerLine(cell="{} |", empty=" |", row_end=("|",)), line_break=""),
    "pipe-lines": FlatLayout(
        CellPerLine(cell="{}", empty="", between_cells=("|",), row_end=("|", "|||")), line_break="\n"
    ),
    "blank-line": FlatLayout(
        CellPerLine(cell="{}", empty=" ", between_cells=("",), between_rows=("",)), line_break="\n"
    ),
    "tab": FlatLayout(RowPerLine(cell="{}", empty="", sep="\t"), table_margin=()),
    "one-line": FlatLayout(
        RowPerLine(cell="{}", empty="", sep=" | ", prefix=" | ", suffix=" | "),
        line_break="",
        block_sep="",
        table_margin=(),
        one_row=True,
    ),
}

# ------------------------------------------------------------------ cells --

CellText = Callable[[Cell], str]


def plain_cell(cell: Cell) -> str:
    return cell.text


def glossed_cell(cell: Cell) -> str:
    """A row label of :data:`PINYIN_GLOSSES` with its first character glossed: 规(guī)章."""
    pinyin = PINYIN_GLOSSES.get(cell.text.strip()) if cell.kind == "label" else None
    if pinyin is None:
        return cell.text
    text = cell.text.strip()
    return f"{text[0]}({pinyin}){text[1:]}"


def cell_text(text: str, line_break: str) -> str:
    """The text as the layout writes it: "" when it is only spaces, line breaks replaced."""
    return text.replace("\n", line_break) if text.strip() else ""


def grid_rows(grid: Grid, line_break: str, text_of: CellText = plain_cell) -> Rows:
    """Cell texts row by row, each merged cell in the row where it starts; rows without a cell are left out."""
    rows = [[cell_text(text_of(c), line_break) for c in grid.starting(r)] for r in range(grid.n_rows)]
    return [row for row in rows if row]


# --------------------------------------------------------------- document --


def block_lines(block: Para | Grid, layout: FlatLayout, text_of: CellText) -> list[str]:
    if isinstance(block, Para):
        return [block.text]
    rows = grid_rows(block, layout.line_break, text_of)
    if layout.one_row:
        rows = [[text for row in rows for text in row]]
    margin = list(layout.table_margin)
    return margin + layout.table.table_lines(rows) + margin


def flat_text(report: GeneratedReport, layout: FlatLayout, text_of: CellText = plain_cell) -> str:
    lines = [line for block in document_blocks(report) for line in block_lines(block, layout, text_of)]
    return layout.block_sep.join(lines) + layout.block_sep


def has_glosses(report: GeneratedReport) -> bool:
    """Whether the traditional rendering glosses row labels (about one report in five, fixed per report)."""
    return random.Random(f"flat-gloss:{report.stem}:{report.agency}").random() < GLOSS_CHANCE


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC(OPENCC_CONFIG)


def to_traditional(text: str) -> str:
    return _converter().convert(text)


def render_traditional(report: GeneratedReport) -> str:
    text_of = glossed_cell if has_glosses(report) else plain_cell
    return to_traditional(flat_text(report, LAYOUTS["pipe-lead"], text_of))


def _plain_renderer(layout: FlatLayout) -> Callable[[GeneratedReport], str]:
    return lambda report: flat_text(report, layout)


FLAT_LAYOUTS: dict[str, Callable[[GeneratedReport], str]] = {
    **{name: _plain_renderer(layout) for name, layout in LAYOUTS.items()},
    "traditional": render_traditional,
}


def render_flat(report: GeneratedReport, layout: str) -> str:
    return FLAT_LAYOUTS[layout](report)


def encode_flat(report: GeneratedReport, layout: str) -> bytes:
    return render_flat(report, layout).encode("utf-8")
