"""The generated report: truth plus every choice the renderers need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpus.labels import strip_numbering
from corpus.narrative import Claim
from corpus.schema import Value


@dataclass(frozen=True)
class Style:
    """Presentation choices of one report, shared by (or specific to) the renderers."""

    text_encoding: str  # utf-8, utf-8-sig, gb18030, gbk, utf-16
    blank_after_title: bool
    blank_between_paragraphs: bool
    heading_indent: str  # "", " " or four spaces before headings (text and DOCX)
    empty_before_tables: tuple[str, ...]  # tables preceded by an empty paragraph
    extra_blank_after_table: bool
    review_header: str  # "template" (official) or "stacked" (行政复议 spans two header rows)
    merged_zero_rows: tuple[str, ...]  # table 三 rows written as one merged "0" cell
    pdf_split_row: int | None  # table 三 grid row that starts a new PDF page
    pdf_vertical_labels: bool  # narrow first label column: one character per line
    html_layout_table: bool  # whole body inside a one-cell layout table
    html_bold_headings: bool


@dataclass(frozen=True)
class GeneratedReport:
    """One synthetic annual report.  ``tables``/``units``/``sections`` are the truth."""

    index: int
    stem: str
    agency: str
    level: str
    year: int
    format_version: str  # "2019" (years 2019-2020) or "2021" (2021-2025)
    title_lines: tuple[str, ...]
    preamble: tuple[str, ...]
    sections: tuple[tuple[str | None, str, str], ...]  # (id or None, heading as written, text)
    tables: dict[str, Value]
    units: dict[str, str]
    cells: dict[str, str]  # canonical key -> cell text as written
    labels: dict[str, str]  # canonical label -> label as written (only the changed ones)
    claims: tuple[Claim, ...]
    style: Style

    def label(self, text: str) -> str:
        return self.labels.get(text, text)

    def truth(self, files: dict[str, str]) -> dict[str, Any]:
        """The ``<stem>.truth.json`` content."""
        return {
            "agency": self.agency,
            "year": self.year,
            "format_version": self.format_version,
            "level": self.level,
            "sections": [
                {"id": sid, "title": heading.strip(), "name": strip_numbering(heading)}
                for sid, heading, _ in self.sections
            ],
            "tables": self.tables,
            "units": self.units,
            "raw_cells": self.cells,
            "claims": [
                {"text": c.text, "value": c.value, "keys": list(c.keys), "approx": c.approx} for c in self.claims
            ],
            "files": files,
            "text_encoding": self.style.text_encoding,
            "mess": {
                "merged_zero_rows": list(self.style.merged_zero_rows),
                "pdf_table3_split": self.style.pdf_split_row is not None,
                "pdf_vertical_labels": self.style.pdf_vertical_labels,
                "review_header": self.style.review_header,
                "html_layout_table": self.style.html_layout_table,
                "relabelled": sorted(self.labels),
            },
        }
