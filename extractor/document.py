"""The intermediate model every loader produces and every later stage reads.

A loader turns bytes into a :class:`Document`: an ordered list of blocks, each
a :class:`Paragraph` or a :class:`Table`.  Field mapping turns a Document into a
:class:`Report`.  Nothing here knows about file types or canonical keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of running text (a heading is a paragraph too)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table as a grid of cell texts.

    ``rows`` holds the cell texts row by row.  When ``aligned`` is true the grid
    is rectangular and merged cells are expanded: a cell spanning three columns
    (or rows) appears in every position it covers, so column ``j`` of every row
    is the same visual column.  Text exports that list only the cells present in
    each row (the seeds' layout) give ragged rows and ``aligned=False``.
    """

    rows: tuple[tuple[str, ...], ...]
    aligned: bool = True
    # Rows whose cells a reader placed by inference (a layout that hid empty cells, a digit run
    # with several splits): their values are the likeliest reading, not a certain one.
    guessed_rows: tuple[int, ...] = ()
    # How many cells end each row as values, where the reader knows it (a row of table 二 read
    # from text, whose number cell may hold words such as 本单位未制作规章); empty otherwise.
    value_counts: tuple[int, ...] = ()
    # Rows a body added inside a standard table (其他主动公开文件 among table 二's rows): label
    # and values as written, kept beside the table since no canonical key names them.
    extra_rows: tuple[tuple[str, ...], ...] = ()

    def value_cells(self, row: int) -> int | None:
        return self.value_counts[row] if row < len(self.value_counts) else None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


Block = Paragraph | Table


@dataclass(frozen=True)
class Document:
    """What a loader read: blocks in reading order plus how it was read."""

    blocks: tuple[Block, ...]
    kind: str  # "text", "docx", "pdf", "html"
    encoding: str | None = None
    pages: int | None = None
    warnings: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass(frozen=True)
class Section:
    """A top-level section of the report; ``id`` is None for non-standard ones."""

    id: str | None
    title: str
    text: str


@dataclass(frozen=True)
class ExtraTable:
    """A table that is not part of the format, kept as label paths and values."""

    title: str
    rows: tuple[tuple[str, ...], ...]


@dataclass
class Report:
    """Everything extracted from one document."""

    file: str
    format_version: str | None
    agency: str | None
    year: int | None
    sections: list[Section]
    tables: dict[str, int | float | None]
    units: dict[str, str] = field(default_factory=dict)
    raw_cells: dict[str, str] = field(default_factory=dict)
    extra_tables: list[ExtraTable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    document_kind: str | None = None
    guessed: list[str] = field(default_factory=list)  # keys whose cell position was inferred, not read
    # Where a cut-off document ends (extractor.truncation.Truncation as a dict); None when it reads as whole.
    truncation: dict[str, Any] | None = None

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The report as ``gkaudit parse`` prints it (its shape: :class:`extractor.output.ReportOut`)."""
        from extractor.output import report_out

        return report_out(self).to_dict()
