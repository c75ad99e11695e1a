"""Where a cut-off document ends: inside a standard table or inside the narrative.

Crawled reports are often incomplete: a download that stopped, a page saved
before it loaded, an excerpt.  What a :class:`Report` holds is enough to tell:
the table reader emits only the rows and cells it found, in template order,
and the sections come in document order.

* **Inside a table.**  The last standard table present (in the order 二, 三, 四)
  lacks its template's last cell, the report has section headings, and no standard
  section that follows that table's section (复议诉讼, 存在的主要问题, 其他需要报告的事项 …)
  is reached.  A table
  that is merely incomplete, with sections after it, is not a cut (the structure
  rules report what is missing).
* **Inside the narrative.**  The last section's text does not end a sentence
  (。！？；… or a closing bracket or quote after one; a closing date or signature line
  is looked past) and every standard section after the last one present is missing.

:func:`find_truncation` returns a :class:`Truncation` or None; :func:`cut_keys`
names the template cells that lie at or after the cut, which no check may ask for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from extractor.checks.keys import (
    APPLICATION_COLUMNS,
    CARRIED_OUT_ROW,
    DEFAULT_FORMAT,
    INTAKE_ROWS,
    RESULTS_TOTAL_ROW,
    REVIEW_BLOCKS,
    REVIEW_PARTS,
    REVIEW_TOTAL,
    application_key,
    result_rows,
    review_key,
    table_of_key,
)
from extractor.document import Report, Section
from extractor.formats import FORMAT_IDS, load_format
from extractor.sections import SECTION_TITLES

# ---- the template, as data ------------------------------------------------------------------

# The standard sections in the format's order, and the section each standard table belongs to.
SECTION_ORDER = ("overview", "active", "applications", "review", "problems", "other")
TABLE_ORDER = ("active", "applications", "review")
TABLE_SECTION = {"active": "active", "applications": "applications", "review": "review"}

# Table 二's rows and their columns, per format, from the formats' definition (extractor/formats).
ACTIVE_TEMPLATE: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    format_id: tuple(
        (row.key, tuple(column.key for column in block.columns))
        for block in load_format(format_id).table("二").blocks
        for row in block.rows
    )
    for format_id in FORMAT_IDS
}
# Keys only one format's table 二 has: they tell the format when the report does not.
ACTIVE_FORMAT_MARKS = {
    "2021": ("active.regulations.issued", "active.normative.issued", "active.fees.amount"),
    "2019": ("active.regulations.made", "active.normative.made", "active.procurement.items"),
}
# Tables whose every row has a 总计 cell: a row there whose cells all hold one value other
# than 0 cannot be real (its total would be six times each part); it is how the reader
# reads a row cut after its first cell (one value, taken for a cell merged over the row).
TABLES_WITH_ROW_TOTALS = ("applications", "review")

# ---- the end of the narrative -----------------------------------------------------------------

SENTENCE_FINAL = "。！？；…!?;"
CLOSERS = "”’」』）)】〕》\"'"
# Lines that close a complete report without ending a sentence: the date, the signature.
DATE_LINE = re.compile(
    r"^[\d〇零一二三四五六七八九十○Ｏ]{2,4}\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月(\s*[\d一二三四五六七八九十]{1,3}\s*日)?$"
)
SIGNATURE_MAX_CHARS = 30
SIGNATURE_PUNCTUATION = re.compile(r"[，,。；;：:、！？]")
TAIL_CHARS = 30
# A later section's heading run into a paragraph (web pages flattened to one line: "…落实。六、其他需要报告的事项 无")
# means the document reaches that section.  Only mid-paragraph, after a sentence or a space, and numbered in
# the style of the report's own headings: a line "2.主动公开情况" under 总体情况 is a sub-heading, not a section.
NUMERALS = {"cn": "[一二三四五六七八九十]{1,3}", "digit": r"\d{1,2}"}
HEADING_NUMERAL = {family: re.compile(rf"^\s*{numeral}\s*[、.．]") for family, numeral in NUMERALS.items()}
INLINE_NUMBERS = {family: rf"(?<=[。；;！？ \u3000\t])\s*{numeral}\s*[、.．]" for family, numeral in NUMERALS.items()}
INLINE_HEADINGS = {
    family: {section_id: re.compile(rf"{number}\s*(?:{pattern})") for section_id, pattern in SECTION_TITLES}
    for family, number in INLINE_NUMBERS.items()
}
# A text without any such number holds none of the headings: one search spares the six.
INLINE_NUMBER = {family: re.compile(number) for family, number in INLINE_NUMBERS.items()}


@dataclass(frozen=True)
class TemplateRow:
    """One row of a standard table's template: its id and its cells' keys, in column order."""

    table: str
    row: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Truncation:
    """Where the document ends.

    ``section`` is the standard section the cut falls in (None before the first one);
    ``title`` the heading of the last section as written.  For a cut inside a table,
    ``table``, ``row`` (the last template row read, wholly or in part) and ``last_key``
    (the last cell read) say where, ``row_cut`` whether the cut falls inside that row,
    and ``position`` of ``size`` counts the template's cells before the cut.  For a cut
    in the narrative, ``position`` is the length of the last section's text and ``tail``
    its last characters.
    """

    where: str  # "table" or "narrative"
    section: str | None
    title: str | None
    table: str | None = None
    row: str | None = None
    last_key: str | None = None
    row_cut: bool = False
    position: int = 0
    size: int | None = None
    tail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def active_format(report: Report) -> str:
    if report.format_version in ACTIVE_TEMPLATE:
        return report.format_version
    marked = (v for v, keys in ACTIVE_FORMAT_MARKS.items() if any(k in report.tables for k in keys))
    return next(marked, DEFAULT_FORMAT)


def active_rows(report: Report) -> tuple[TemplateRow, ...]:
    return tuple(
        TemplateRow("active", row, tuple(f"active.{row}.{column}" for column in columns))
        for row, columns in ACTIVE_TEMPLATE[active_format(report)]
    )


def application_rows(report: Report) -> tuple[TemplateRow, ...]:
    rows = (*INTAKE_ROWS, *result_rows(report), RESULTS_TOTAL_ROW, CARRIED_OUT_ROW)
    return tuple(
        TemplateRow("applications", row, tuple(application_key(row, column) for column in APPLICATION_COLUMNS))
        for row in rows
    )


def review_rows(report: Report) -> tuple[TemplateRow, ...]:
    parts = (*REVIEW_PARTS, REVIEW_TOTAL)
    return tuple(TemplateRow("review", block, tuple(review_key(block, p) for p in parts)) for block in REVIEW_BLOCKS)


TEMPLATES = {"active": active_rows, "applications": application_rows, "review": review_rows}


def template(report: Report, table: str) -> tuple[TemplateRow, ...]:
    """The rows the format gives ``table``, for this report's format."""
    return TEMPLATES[table](report)


def template_keys(report: Report, table: str) -> list[str]:
    return [key for row in template(report, table) for key in row.keys]


# ---- detection ----------------------------------------------------------------------------------


def find_truncation(report: Report) -> Truncation | None:
    """Where the document was cut off, or None when it reads as whole."""
    return table_truncation(report) or narrative_truncation(report)


def section_index(section_id: str | None) -> int:
    return SECTION_ORDER.index(section_id) if section_id in SECTION_ORDER else -1


def present_section_ids(report: Report) -> list[str]:
    """The standard sections with a heading of their own, in document order."""
    return [s.id for s in report.sections if s.id]


def reached_section_ids(report: Report) -> set[str]:
    """The standard sections the document reaches: a heading of their own, or one run into a section's text."""
    return set(present_section_ids(report)) | inline_section_ids(tuple(report.sections))


@lru_cache(maxsize=1)
def inline_section_ids(sections: tuple[Section, ...]) -> frozenset[str]:
    """The standard sections whose heading is run into a section's text.  Worked out once per document
    (each heading searched through every text), though a report's truncation is asked for three times."""
    family = heading_numerals(sections)
    texts = [s.text for s in sections if INLINE_NUMBER[family].search(s.text)]
    headings = INLINE_HEADINGS[family]
    return frozenset(sid for sid, heading in headings.items() if any(heading.search(t) for t in texts))


def heading_numerals(sections: Sequence[Section]) -> str:
    """How the report numbers its sections: 一、 (most) or 1、."""
    titles = [s.title for s in sections]
    return next((f for f, p in HEADING_NUMERAL.items() if any(p.match(t) for t in titles)), "cn")


def last_table_present(report: Report) -> str | None:
    present = {table_of_key(key) for key in report.tables}
    return next((t for t in reversed(TABLE_ORDER) if t in present), None)


def table_truncation(report: Report) -> Truncation | None:
    table = last_table_present(report)
    if table is None or not report.sections:
        return None  # no headings, no order: a bare set of cells (a fixture, a table pasted alone) is not judged
    reached = section_index(TABLE_SECTION[table])
    if any(section_index(s) > reached for s in reached_section_ids(report)):
        return None  # a later section follows the table: it was left incomplete, not cut
    rows = template(report, table)
    keys = [k for row in rows for k in row.keys]
    last_row = next((row for row in reversed(rows) if any(k in report.tables for k in row.keys)), None)
    if last_row is None:
        return None  # only keys outside this format's template (the other format's rows)
    row_cut = table in TABLES_WITH_ROW_TOTALS and looks_cut_after_first_cell(report, last_row)
    if keys[-1] in report.tables and not row_cut:
        return None
    read = [k for k in last_row.keys if k in report.tables]
    last_key = last_row.keys[0] if row_cut else read[-1]
    return Truncation(
        where="table",
        section=TABLE_SECTION[table],
        title=report.sections[-1].title if report.sections else None,
        table=table,
        row=last_row.row,
        last_key=last_key,
        row_cut=last_key != last_row.keys[-1],
        position=keys.index(last_key) + 1,
        size=len(keys),
    )


def looks_cut_after_first_cell(report: Report, row: TemplateRow) -> bool:
    """Every cell of the row holds the same value, other than 0: one cell read as if merged over the row."""
    values = [report.tables.get(k) for k in row.keys]
    return len(values) > 1 and values[0] not in (None, 0) and all(v == values[0] for v in values)


def narrative_truncation(report: Report) -> Truncation | None:
    if not report.sections:
        return None
    ids = present_section_ids(report)
    reached = ids[-1] if ids else None
    if reached == SECTION_ORDER[-1]:
        return None  # nothing the format requires comes after the last section
    if reached_section_ids(report).intersection(SECTION_ORDER[section_index(reached) + 1 :]):
        return None
    last = report.sections[-1]
    text = body_end(last.text, report.agency)
    if ends_sentence(text):
        return None
    return Truncation(
        where="narrative",
        section=reached,
        title=last.title,
        position=len(last.text.rstrip()),
        tail=text[-TAIL_CHARS:] or None,
    )


def ends_sentence(text: str) -> bool:
    """True when the text ends a sentence: 。！？；… possibly followed by closing brackets or quotes."""
    stripped = text.rstrip().rstrip(CLOSERS).rstrip()
    return bool(stripped) and stripped[-1] in SENTENCE_FINAL


def body_end(text: str, agency: str | None) -> str:
    """The text without the lines that close a complete report: the date and, above it, the signature."""
    lines = [line.strip(" \t\u3000\xa0") for line in text.rstrip().split("\n")]
    dated = False
    while lines and DATE_LINE.match(lines[-1]):
        lines.pop()
        dated = True
    if len(lines) > 1 and is_signature(lines[-1], agency, dated):
        lines.pop()
        while lines and DATE_LINE.match(lines[-1]):
            lines.pop()
    return "\n".join(lines).rstrip()


def is_signature(line: str, agency: str | None, dated: bool) -> bool:
    """The issuing body's name on a line of its own: the report's agency, or any short plain line above a date."""
    if agency and (line == agency or (agency in line and len(line) <= len(agency) + 6)):
        return True
    return dated and 0 < len(line) <= SIGNATURE_MAX_CHARS and not SIGNATURE_PUNCTUATION.search(line)


# ---- what lies after the cut --------------------------------------------------------------------


def sections_after(truncation: Truncation | None) -> frozenset[str]:
    """The standard sections that would come after the cut: none of them is missing, only cut off."""
    if truncation is None:
        return frozenset()
    return frozenset(SECTION_ORDER[section_index(truncation.section) + 1 :])


def tables_after(truncation: Truncation | None) -> frozenset[str]:
    """The standard tables that would come after the cut (a cut in a section's text comes before its table)."""
    if truncation is None:
        return frozenset()
    if truncation.where == "table" and truncation.table is not None:
        return frozenset(TABLE_ORDER[TABLE_ORDER.index(truncation.table) + 1 :])
    reached = section_index(truncation.section)
    return frozenset(t for t in TABLE_ORDER if section_index(TABLE_SECTION[t]) >= reached)


def cut_keys(report: Report, truncation: Truncation | None) -> frozenset[str]:
    """Every template cell at or after the cut: what the document does not (reliably) hold.

    The last cell read before the end counts as at the cut: the cut may have gone through
    it ("12" read as "1").  After a cut in a section's text, the last cell of that section's
    table counts so too (the table may have been what the document ended in).
    """
    if truncation is None:
        return frozenset()
    keys: list[str] = []
    for table in tables_after(truncation):
        template_cells = template_keys(report, table)
        if truncation.where == "narrative" and TABLE_SECTION[table] == truncation.section:
            template_cells = [k for k in template_cells if k in report.tables][-1:]
        keys += template_cells
    if truncation.where == "table" and truncation.table is not None:
        keys += template_keys(report, truncation.table)[truncation.position - 1 :]
    return frozenset(keys)


def truncation_dict(report: Report) -> dict[str, Any] | None:
    """What ``Report.truncation`` holds."""
    truncation = find_truncation(report)
    return truncation.to_dict() if truncation else None
