"""Truncated documents (GK407): detected once, and nothing after the cut reported as missing or wrong.

The property tests cut generated reports (corpus.generate) at random points inside table 二,
table 三, table 四 and the narrative, parse the cut text as ``gkaudit check`` does and compare
the findings with those of the whole text: the cut may add GK407, once, and no structure
(GK4xx) or table-sum (GK2xx) finding.  A cut in the narrative is placed where the text does
not end a sentence (a cut right after 。 reads as a whole paragraph: nothing can tell it).
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

import pytest

from corpus.generate import generate_report
from corpus.render_text import render_text
from extractor import parse_bytes
from extractor.audit import audit_report
from extractor.checks.registry import Finding
from extractor.document import Report, Section
from extractor.truncation import SECTION_ORDER, ends_sentence, find_truncation

REPORTS = 8
SENTENCE_END = "。！？；…"
TABLE_REGIONS = {"table_active": ("active", "applications"), "table_applications": ("applications", "review")}


@lru_cache(maxsize=REPORTS)
def generated(i: int) -> str:
    return render_text(generate_report(random.Random(f"cut:{i}"), i))


@lru_cache(maxsize=REPORTS)
def whole(i: int) -> tuple[Report, frozenset[tuple[str, str | None]]]:
    report = parse_bytes(generated(i).encode("utf-8"), "whole.txt")
    return report, frozenset((f.rule, f.metric) for f in audit_report(report).findings)


def section_starts(i: int) -> dict[str, int]:
    """Where each section's heading starts in the text, by id (or title for extra sections)."""
    text, (report, _) = generated(i), whole(i)
    starts: dict[str, int] = {}
    pos = 0
    for s in report.sections:
        pos = text.index(s.title, pos)
        starts[s.id or s.title] = pos
    return starts


def cut_inside(i: int, where: str, rng: random.Random) -> int | None:
    """A random cut point inside a table's cells, or inside the text of 总体情况 / 存在的主要问题."""
    text, starts = generated(i), section_starts(i)
    if where in TABLE_REGIONS:
        first, following = TABLE_REGIONS[where]
        if first not in starts or following not in starts:
            return None
        begin = text.index("\n\t", starts[first]) + 2
        return rng.randrange(begin, starts[following])
    if where == "table_review":
        if "review" not in starts:
            return None
        begin = text.index("\n\t", starts["review"]) + 2
        return rng.randrange(begin, text.index("\n\n\n", begin))
    ids = [k for k in starts if k in SECTION_ORDER]
    if where not in ids or not any(SECTION_ORDER.index(k) > SECTION_ORDER.index(where) for k in ids):
        return None
    begin = text.index("\n", starts[where]) + 2
    end = min(v for v in starts.values() if v > starts[where]) - 1
    pos = rng.randrange(begin, end)
    while text[pos - 1] in SENTENCE_END or text[pos - 1].isspace():
        pos -= 1
    return pos


def audit_cut(text: str) -> tuple[Report, list[Finding]]:
    report = parse_bytes(text.encode("utf-8"), "cut.txt")
    return report, audit_report(report).findings


def new_structure_or_sum_findings(findings: list[Finding], whole_findings: frozenset) -> list[tuple[str, str | None]]:
    return [
        (f.rule, f.metric)
        for f in findings
        if f.rule.startswith(("GK2", "GK4")) and f.rule != "GK407" and (f.rule, f.metric) not in whole_findings
    ]


CASES = [(i, where) for i in range(REPORTS) for where in (*TABLE_REGIONS, "table_review", "overview", "problems")]


@pytest.mark.parametrize(("i", "where"), CASES, ids=[f"{i}-{w}" for i, w in CASES])
def test_a_cut_is_reported_once_and_nothing_after_it(i: int, where: str) -> None:
    rng = random.Random(f"pos:{i}:{where}")
    pos = cut_inside(i, where, rng)
    if pos is None:
        pytest.skip(f"generated report {i} has no {where} with a standard section after it")
    text = generated(i)[:pos]
    report, findings = audit_cut(text)
    cuts = [f for f in findings if f.rule == "GK407"]
    assert len(cuts) == 1, (where, text[-60:], [f.message_en for f in findings])
    assert report.truncation is not None and report.truncation == cuts[0].evidence["truncation"]
    assert new_structure_or_sum_findings(findings, whole(i)[1]) == [], (where, text[-60:], cuts[0].message_en)


def numeric_cell_ends(text: str, begin: int, end: int) -> list[int]:
    """The end of every number cell (a tabbed line with digits and no words) between two offsets."""
    return [
        begin + m.end()
        for m in re.finditer(r"\n\t([^\n]*)", text[begin:end])
        if re.search(r"\d", m.group(1)) and not re.search(r"[\u4e00-\u9fff]", m.group(1))
    ]


@pytest.mark.parametrize("i", range(4))
def test_a_cut_inside_a_row_of_table_three_gives_no_sum_finding(i: int) -> None:
    """After 1…7 cells of a row, and through a number: a short row, a row read as one merged cell, a cut value."""
    text, starts = generated(i), section_starts(i)
    ends = numeric_cell_ends(text, starts["applications"], starts["review"])
    rng = random.Random(f"cells:{i}")
    for end in rng.sample(ends, 10):
        cell = text[text.rindex("\t", 0, end) + 1 : end].strip(" \u3000\xa0")
        for pos in (end, end - 1) if len(cell) >= 2 else (end,):
            _, findings = audit_cut(text[:pos])
            assert [f.rule for f in findings].count("GK407") == 1, text[pos - 40 : pos]
            assert new_structure_or_sum_findings(findings, whole(i)[1]) == [], text[pos - 40 : pos]


FIRST_CELL_NOT_ZERO = re.compile(r"\n\t([^\n]*[\u4e00-\u9fff][^\n]*)\n\t([\s\u3000\xa0]*[1-9]\d*[\s\u3000\xa0]*)\n")


def first_nonzero_row_start(text: str, begin: int, end: int) -> int | None:
    """The end of the first cell of the first row of table 三 whose first value is not 0."""
    for m in re.finditer(
        r"\n\t([^\n]*[\u4e00-\u9fff][^\n]*)\n\t([\s\u3000\xa0]*[1-9]\d*[\s\u3000\xa0]*)\n", text[begin:end]
    ):
        return begin + m.end(2)
    return None


def test_a_row_cut_after_its_first_cell_is_not_read_as_a_merged_cell() -> None:
    """The reader takes one value for a cell merged over the row (all seven cells the same): the cut is inside it."""
    for i in range(REPORTS):
        text, starts = generated(i), section_starts(i)
        pos = first_nonzero_row_start(text, starts["applications"], starts["review"])
        if pos is None:
            continue
        report, findings = audit_cut(text[:pos])
        cut = find_truncation(report)
        assert cut is not None and cut.where == "table" and cut.row_cut, text[pos - 60 : pos]
        assert cut.last_key is not None and cut.last_key.endswith(".natural_person")
        assert not [f for f in findings if f.rule.startswith("GK2")]
        return
    pytest.skip("no generated table 三 with a non-zero first cell")


# ---- find_truncation on small reports ------------------------------------------------------------

FULL_SECTIONS = [
    Section("overview", "一、总体情况", "本年度我局认真贯彻条例。"),
    Section("active", "二、主动公开政府信息情况", ""),
    Section("applications", "三、收到和处理政府信息公开申请情况", ""),
    Section("review", "四、政府信息公开行政复议、行政诉讼情况", ""),
    Section("problems", "五、存在的主要问题及改进情况", "一是解读形式单一。"),
    Section("other", "六、其他需要报告的事项", "无"),
]


def small_report(sections: list[Section], tables: dict[str, int | float | None] | None = None) -> Report:
    return Report(
        file="t",
        format_version="2021",
        agency="某某市某某局",
        year=2022,
        sections=sections,
        tables=tables or {},
    )


def test_table_three_cut_after_row_two() -> None:
    tables = {f"applications.{row}.{c}": 0 for row in ("new", "carried_in") for c in ("natural_person", "total")}
    cut = find_truncation(small_report(FULL_SECTIONS[:3], tables))
    assert cut is not None and (cut.where, cut.table, cut.row) == ("table", "applications", "carried_in")
    assert cut.last_key == "applications.carried_in.total" and not cut.row_cut


def test_a_table_left_out_before_later_sections_is_not_a_cut() -> None:
    tables = {"active.fees.amount": 0, "applications.new.total": 0}
    assert find_truncation(small_report(FULL_SECTIONS, tables)) is None


def test_a_whole_report_ending_without_its_last_section_and_with_a_signature_is_not_a_cut() -> None:
    problems = Section("problems", "五、存在的主要问题及改进情况", "一是解读形式单一。\n某某市某某局\n2023年1月20日")
    assert find_truncation(small_report([*FULL_SECTIONS[:4], problems])) is None


def test_narrative_cut_before_the_last_sections() -> None:
    problems = Section("problems", "五、存在的主要问题及改进情况", "一是解读形式单一；二是")
    cut = find_truncation(small_report([*FULL_SECTIONS[:4], problems]))
    assert cut is not None and (cut.where, cut.section, cut.tail) == ("narrative", "problems", "一是解读形式单一；二是")


def test_a_later_heading_run_into_the_text_is_reached() -> None:
    review = Section(
        "review",
        "四、政府信息公开行政复议、行政诉讼情况",
        "无。五、存在的主要问题及改进情况 一是。六、其他需要报告的事项 无",
    )
    assert find_truncation(small_report([*FULL_SECTIONS[:3], review])) is None


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("无。", True),
        ("详见附件。）", True),
        ("“三安全一稳定”。”", True),
        ("有关数据统计如下：", False),
        ("", False),
        ("加强", False),
    ],
)
def test_sentence_ends(text: str, ends: bool) -> None:
    assert ends_sentence(text) is ends


FLAT_CUT_LAYOUTS = ("pipe-lead", "pipe-bare", "cell-per-line", "pipe-lines", "blank-line", "tab", "traditional")


@pytest.mark.parametrize("layout", FLAT_CUT_LAYOUTS)
def test_a_cut_inside_the_tables_of_a_flattened_layout_is_reported_once(layout: str) -> None:
    """The layouts page converters produce (corpus.render_flat), cut at random points between the
    start of table 二 and the end of table 三: one GK407, nothing after the cut reported."""
    from corpus.render_flat import render_flat

    for i in range(4):
        text = render_flat(generate_report(random.Random(f"cutflat:{i}"), i), layout)
        whole_report = parse_bytes(text.encode("utf-8"), "whole.txt")
        whole_findings = frozenset((f.rule, f.metric) for f in audit_report(whole_report).findings)
        begin = re.search(r"第二十[条條]", text).start()
        *_, last_row = re.finditer(r"(?:[结結][转轉]|[转轉][结結])下年度", text)  # table 三's last row label
        end = last_row.end()
        rng = random.Random(f"{layout}:{i}")
        for pos in sorted(rng.randrange(begin, end) for _ in range(4)):
            _, findings = audit_cut(text[:pos])
            assert [f.rule for f in findings].count("GK407") == 1, text[pos - 60 : pos]
            assert new_structure_or_sum_findings(findings, whole_findings) == [], text[pos - 60 : pos]
