"""Format-independent layout: the report as paragraphs and grids of (merged) cells.

All four renderers walk :func:`document_blocks`, so they carry the same cell
texts; only how a merged cell or a line break is expressed differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from corpus.blueprint import GeneratedReport
from corpus.schema import (
    ACTIVE_BLOCKS,
    ACTIVE_COLUMNS,
    APPLICANT_COLUMNS,
    APPLICANT_HEADER,
    APPLICATION_LABEL_COLUMNS,
    CORNER_NOTE,
    LITIGATION_HEADER,
    ORG_HEADER,
    REVIEW_BLOCKS,
    REVIEW_OUTCOMES,
    application_key,
    application_rows,
)


@dataclass(frozen=True)
class Para:
    text: str
    kind: str  # title, heading, body, empty


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: str = "value"  # header, label, value
    keys: tuple[str, ...] = ()  # canonical keys a value cell holds (seven for a merged zero row)

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1


@dataclass(frozen=True)
class Grid:
    name: str  # active, applications, review
    n_rows: int
    n_cols: int
    cells: tuple[Cell, ...]

    def covering(self, row: int) -> list[tuple[Cell, bool]]:
        """Cells present in ``row`` by column, each with whether it starts there.

        A vertically merged cell is present in every row it covers (as in a
        DOCX ``vMerge`` export); a horizontally merged one only once.
        """
        found = [(c, c.row == row) for c in self.cells if c.row <= row <= c.last_row]
        return sorted(found, key=lambda pair: pair[0].col)

    def starting(self, row: int) -> list[Cell]:
        return [c for c, starts in self.covering(row) if starts]


Block = Para | Grid

# ------------------------------------------------------------- table 二 --


def active_grid(report: GeneratedReport) -> Grid:
    cells: list[Cell] = []
    row = 0
    for block in ACTIVE_BLOCKS[report.format_version]:
        cells.append(Cell(row, 0, report.label(block.article), colspan=ACTIVE_COLUMNS, kind="header"))
        row += 1
        cells.append(Cell(row, 0, report.label(block.headers[0]), kind="header"))
        col = 1
        for header, span in zip(block.headers[1:], block.spans, strict=True):
            cells.append(Cell(row, col, report.label(header), colspan=span, kind="header"))
            col += span
        row += 1
        for label, keys in block.rows:
            cells.append(Cell(row, 0, report.label(label), kind="label"))
            col = 1
            for key, span in zip(keys, block.spans, strict=True):
                cells.append(Cell(row, col, report.cells[key], colspan=span, keys=(key,)))
                col += span
            row += 1
    return Grid("active", row, ACTIVE_COLUMNS, tuple(cells))


# ------------------------------------------------------------- table 三 --

APPLICATION_HEADER_ROWS = 3


def _application_header(report: GeneratedReport) -> list[Cell]:
    first_value = APPLICATION_LABEL_COLUMNS
    cells = [
        Cell(0, 0, report.label(CORNER_NOTE), rowspan=3, colspan=first_value, kind="header"),
        Cell(0, first_value, report.label(APPLICANT_HEADER), colspan=len(APPLICANT_COLUMNS), kind="header"),
        Cell(1, first_value, report.label(APPLICANT_COLUMNS[0][1]), rowspan=2, kind="header"),
        Cell(1, first_value + 1, report.label(ORG_HEADER), colspan=5, kind="header"),
        Cell(1, first_value + 6, report.label(APPLICANT_COLUMNS[-1][1]), rowspan=2, kind="header"),
    ]
    cells += [
        Cell(2, first_value + i, report.label(label), kind="header")
        for i, (_, label) in enumerate(APPLICANT_COLUMNS[1:-1], start=1)
    ]
    return cells


def label_tree_cells(report: GeneratedReport, paths: list[tuple[str, ...]], first_row: int, width: int) -> list[Cell]:
    """Row labels given as paths: a group label spans its rows, a leaf label the columns left."""
    cells: list[Cell] = []
    for level in range(width):
        r = 0
        while r < len(paths):
            path = paths[r]
            if len(path) <= level:
                r += 1
                continue
            leaf = level == len(path) - 1
            end = r + 1
            while not leaf and end < len(paths) and paths[end][: level + 1] == path[: level + 1]:
                end += 1
            colspan = width - level if leaf else 1
            cells.append(Cell(first_row + r, level, report.label(path[level]), end - r, colspan, "label"))
            r = end
    return cells


def applications_grid(report: GeneratedReport) -> Grid:
    rows = application_rows(report.format_version)
    first = APPLICATION_HEADER_ROWS
    cells = _application_header(report)
    cells += label_tree_cells(report, [path for _, path in rows], first, APPLICATION_LABEL_COLUMNS)
    for i, (row_key, _) in enumerate(rows):
        if row_key in report.style.merged_zero_rows:
            keys = tuple(application_key(row_key, column) for column, _ in APPLICANT_COLUMNS)
            cells.append(Cell(first + i, APPLICATION_LABEL_COLUMNS, "0", colspan=len(keys), keys=keys))
            continue
        for j, (column, _) in enumerate(APPLICANT_COLUMNS):
            key = application_key(row_key, column)
            cells.append(Cell(first + i, APPLICATION_LABEL_COLUMNS + j, report.cells[key], keys=(key,)))
    n_cols = APPLICATION_LABEL_COLUMNS + len(APPLICANT_COLUMNS)
    return Grid("applications", first + len(rows), n_cols, tuple(cells))


# ------------------------------------------------------------- table 四 --

OUTCOMES = len(REVIEW_OUTCOMES)


def _review_header(report: GeneratedReport) -> list[Cell]:
    stacked = report.style.review_header == "stacked"
    review_label = report.label(REVIEW_BLOCKS[0][1])
    cells = [
        Cell(0, 0, review_label, rowspan=2 if stacked else 1, colspan=OUTCOMES, kind="header"),
        Cell(0, OUTCOMES, report.label(LITIGATION_HEADER), colspan=2 * OUTCOMES, kind="header"),
    ]
    cells += [
        Cell(1, OUTCOMES * (i + 1), report.label(label), colspan=OUTCOMES, kind="header")
        for i, (_, label) in enumerate(REVIEW_BLOCKS[1:])
    ]
    first_block = 0 if stacked else 1
    if not stacked:
        cells += [
            Cell(1, j, report.label(label), rowspan=2, kind="header") for j, (_, label) in enumerate(REVIEW_OUTCOMES)
        ]
    cells += [
        Cell(2, b * OUTCOMES + j, report.label(label), kind="header")
        for b in range(first_block, len(REVIEW_BLOCKS))
        for j, (_, label) in enumerate(REVIEW_OUTCOMES)
    ]
    return cells


def review_grid(report: GeneratedReport) -> Grid:
    cells = _review_header(report)
    keys = [f"{block}.{outcome}" for block, _ in REVIEW_BLOCKS for outcome, _ in REVIEW_OUTCOMES]
    cells += [Cell(3, j, report.cells[key], keys=(key,)) for j, key in enumerate(keys)]
    return Grid("review", 4, OUTCOMES * len(REVIEW_BLOCKS), tuple(cells))


TABLE_BUILDERS: dict[str, Callable[[GeneratedReport], Grid]] = {
    "active": active_grid,
    "applications": applications_grid,
    "review": review_grid,
}

# ------------------------------------------------------------- document --


def document_blocks(report: GeneratedReport) -> list[Block]:
    blocks: list[Block] = [Para(line, "title") for line in report.title_lines]
    blocks += [Para(text, "body") for text in report.preamble]
    for section_id, heading, text in report.sections:
        blocks.append(Para(heading, "heading"))
        blocks += [Para(p, "body") for p in text.split("\n") if p]
        if section_id in TABLE_BUILDERS:
            if section_id in report.style.empty_before_tables:
                blocks.append(Para("", "empty"))
            blocks.append(TABLE_BUILDERS[section_id](report))
    return blocks


def split_grid(grid: Grid, at: int) -> tuple[Grid, Grid]:
    """Cut ``grid`` before row ``at``; a merged cell crossing the cut continues empty below it."""
    top: list[Cell] = []
    bottom: list[Cell] = []
    for c in grid.cells:
        if c.last_row < at:
            top.append(c)
        elif c.row >= at:
            bottom.append(replace(c, row=c.row - at))
        else:
            top.append(replace(c, rowspan=at - c.row))
            bottom.append(replace(c, row=0, text="", rowspan=c.last_row - at + 1))
    return (
        Grid(grid.name, at, grid.n_cols, tuple(top)),
        Grid(grid.name, grid.n_rows - at, grid.n_cols, tuple(bottom)),
    )
