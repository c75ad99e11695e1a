"""Headings run into a section's text: found once per document, and only in texts with a number.

extractor.truncation searches for the later sections' headings (…落实。六、其他需要报告的事项) once per
report, though the truncation is asked for three times, and only in the texts where one search finds a
number after a sentence (。六、): a heading is that number and a title.  Here the shortcut is compared
with every heading searched in every text, on the sample corpus, the real reports beside this checkout
and reports written for the purpose.
"""

from __future__ import annotations

from extractor import parse_path
from extractor.document import Report, Section
from extractor.truncation import INLINE_HEADINGS, heading_numerals, reached_section_ids
from tests.conftest import REALDOCS, ROOT, SEEDS


def every_heading_in_every_text(report: Report) -> set[str]:
    texts = [s.text for s in report.sections]
    headings = INLINE_HEADINGS[heading_numerals(report.sections)]
    inline = {sid for sid, heading in headings.items() if any(heading.search(t) for t in texts)}
    return {s.id for s in report.sections if s.id} | inline


def written_reports() -> list[Report]:
    def report(*sections: Section) -> Report:
        return Report(file="x.txt", format_version=None, agency=None, year=2023, sections=list(sections), tables={})

    overview = Section("overview", "一、总体情况", "本机关认真落实条例。五、存在的主要问题及改进情况 无。")
    digits = Section("overview", "1、总体情况", "全年共收到申请3件。 5.存在的主要问题及改进情况 无")
    plain = Section("active", "二、主动公开政府信息情况", "主动公开文件12件，其中规章1件。")
    return [report(overview, plain), report(digits), report(plain), report()]


def test_the_headings_found_are_those_of_every_heading_in_every_text() -> None:
    paths = sorted((ROOT / "corpus" / "sample").glob("*.txt"))
    paths += [p for folder in (SEEDS, REALDOCS) if folder.exists() for p in sorted(folder.rglob("*.txt"))]
    reports = written_reports()
    for path in paths:
        try:
            reports.append(parse_path(path))
        except Exception:  # not a report (a README): nothing to compare
            continue
    inline = 0
    for report in reports:
        expected = every_heading_in_every_text(report)
        assert reached_section_ids(report) == expected, report.file
        assert reached_section_ids(report) == expected  # asked again: the same answer
        inline += len(expected - {s.id for s in report.sections if s.id})
    assert inline >= 2  # the written reports run a heading into their text
