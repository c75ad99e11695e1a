"""From a Document to a Report: sections, table fields, metadata."""

from __future__ import annotations

import re

from extractor.document import Document, ExtraTable, Paragraph, Report, Section, Table
from extractor.errors import ExtractError
from extractor.fields.mapping import STANDARD_KINDS, map_tables
from extractor.metadata import MAX_TITLE_LINES, TITLE, find_agency, find_agency_in_text, find_year, is_title_line
from extractor.sections import SECTION_TITLES, SENTENCE_END, split_sections
from extractor.truncation import truncation_dict

NO_STANDARD_TABLES = "未找到格式规定的统计表 / no standard tables found"


def build_report(document: Document, file: str) -> Report:
    paragraphs = [b.text for b in document.paragraphs]
    sections, preamble = split_sections(paragraphs)
    tables = document.tables
    mapped = map_tables(tables)
    has_standard_tables = any(k in STANDARD_KINDS for k in mapped.kinds)
    if not sections and not has_standard_tables and not names_itself_a_report(paragraphs):
        raise ExtractError("E040", detail="no section headings and no standard tables")
    sections = with_unheaded_opening(sections, preamble)
    warnings = list(document.warnings) + mapped.warnings
    if not has_standard_tables:
        warnings.append(NO_STANDARD_TABLES)
    report = Report(
        file=file,
        format_version=mapped.format_version,
        agency=find_agency(preamble) or find_agency_in_text("\n".join(paragraphs)),
        year=find_year(preamble, "\n".join(paragraphs)),
        sections=sections,
        tables={c.key: c.value for c in mapped.cells},
        units={c.key: c.unit for c in mapped.cells if c.unit},
        raw_cells={c.key: c.raw for c in mapped.cells},
        guessed=[c.key for c in mapped.cells if c.guessed],
        extra_tables=extra_tables(document, mapped.kinds),
        warnings=warnings,
        document_kind=document.kind,
    )
    report.truncation = truncation_dict(report)
    return report


UNHEADED_OPENING = ""  # the title of the narrative a report starts with before any heading it numbers


def with_unheaded_opening(sections: list[Section], preamble: list[str]) -> list[Section]:
    """A report without a 总体情况 heading states its overview before its first numbered heading (or, with no
    heading the splitter takes, in all its text): that narrative, after the title, becomes a section of its
    own (no standard id, so no rule takes it for 总体情况), and its counts are claims like any other."""
    if any(s.id == "overview" for s in sections):
        return sections
    narrative = [p for p in after_title(preamble) if SENTENCE_END.search(p)]
    if not narrative:
        return sections
    return [Section(id=None, title=UNHEADED_OPENING, text="\n".join(narrative)), *sections]


def after_title(paragraphs: list[str]) -> list[str]:
    """The paragraphs after the report's title line (all of them when none is a title line)."""
    titles = [i for i, p in enumerate(paragraphs[: MAX_TITLE_LINES * 2]) if is_title_line(p)]
    return paragraphs[titles[-1] + 1 :] if titles else paragraphs


# A report whose sections are numbered in a way the section splitter does not take (headings
# run into their first sentence) still says what it is at its start, and numbers its parts.
SELF_NAMING_CHARS = 600
CN = "[一二三四五六七八九十]{1,2}"
NUMBERED_PART = re.compile(rf"(?:^|[。\s])(?:{CN}、|\d{{1,2}}、|[（(]{CN}[)）])", re.M)


def names_itself_a_report(paragraphs: list[str]) -> bool:
    """The opening calls the document a 政府信息公开工作(年度)报告, and the text has numbered parts or the
    opening names the format's parts (全文包括总体情况、主动公开政府信息情况、…: a news page that reprints a
    report without its headings)."""
    text = "\n".join(paragraphs)
    if not TITLE.search(text[:SELF_NAMING_CHARS]):
        return False
    return len(NUMBERED_PART.findall(text)) >= 2 or names_the_format_s_parts(text[:SELF_NAMING_CHARS])


# How many of the format's sections an opening must name to say it is such a report.
PARTS_NAMED = 3


def names_the_format_s_parts(opening: str) -> bool:
    return sum(bool(re.search(pattern, opening)) for _, pattern in SECTION_TITLES) >= PARTS_NAMED


EXTRA_ROWS_TITLE = "格式表格中另加的行 / rows added to a standard table"


def extra_tables(document: Document, kinds: list[str | None]) -> list[ExtraTable]:
    """Tables that are not part of the format, titled by the paragraph just before them."""
    out = []
    last_paragraph = ""
    n = 0
    for block in document.blocks:
        if isinstance(block, Paragraph):
            last_paragraph = block.text
        elif isinstance(block, Table):
            if kinds[n] is None and block.rows:
                out.append(ExtraTable(title=last_paragraph[:60], rows=block.rows))
            elif block.extra_rows:
                out.append(ExtraTable(title=f"{EXTRA_ROWS_TITLE}（{kinds[n]}）", rows=block.extra_rows))
            n += 1
    return out
