"""Flattened text layouts of generated reports (corpus.render_flat): their shape, and format parity."""

from __future__ import annotations

import random
import re
from functools import cache

import pytest

from corpus.generate import GeneratedReport, generate_report
from corpus.layout import Grid, document_blocks
from corpus.render_flat import FLAT_LAYOUTS, encode_flat, has_glosses, render_flat
from extractor import parse_bytes

GENERATED = 12
SEED = 20260
LAYOUTS = sorted(FLAT_LAYOUTS)


@cache
def report(index: int) -> GeneratedReport:
    return generate_report(random.Random(f"flat:{SEED}:{index}"), index)


@cache
def glossed_report() -> GeneratedReport:
    return next(report(i) for i in range(50) if has_glosses(report(i)))


def empty_cells(r: GeneratedReport) -> int:
    """Cells of the report's grids that start somewhere and hold no text (blank values, a dropped note)."""
    grids = [b for b in document_blocks(r) if isinstance(b, Grid)]
    return sum(1 for g in grids for c in g.cells if not c.text.strip())


@cache
def report_with_empty_cells() -> GeneratedReport:
    return next(report(i) for i in range(50) if None in report(i).tables.values())


def table_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if "规章" in line or "行政许可" in line]


# ------------------------------------------------------------------ shape --


def test_registry_has_every_layout() -> None:
    assert set(FLAT_LAYOUTS) == {
        "pipe-lead",
        "pipe-bare",
        "cell-per-line",
        "pipe-lines",
        "blank-line",
        "tab",
        "one-line",
        "traditional",
    }


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_keeps_the_paragraphs_and_encodes_as_utf8(layout: str) -> None:
    r = report(0)
    text = render_flat(r, layout)
    assert encode_flat(r, layout) == text.encode("utf-8")
    if layout != "traditional":
        for heading in (h for _, h, _ in r.sections):
            assert heading in text


def test_pipe_lead_rows_start_and_end_with_a_pipe_and_have_a_rule() -> None:
    text = render_flat(report(0), "pipe-lead")
    rows = [line for line in text.split("\n") if line.startswith("|")]
    assert len(rows) > 30
    assert all(line.endswith("|") for line in rows)
    assert sum(1 for line in rows if re.fullmatch(r"\|(?:---\|)+", line)) == 3  # one per table
    assert "| 规章 |" in text


def test_pipe_lead_writes_an_empty_cell_as_a_space_between_pipes() -> None:
    r = report_with_empty_cells()
    assert "| |" in render_flat(r, "pipe-lead")


def test_pipe_bare_has_no_leading_pipe_and_empty_cells_are_nothing() -> None:
    r = report_with_empty_cells()
    text = render_flat(r, "pipe-bare")
    rows = [line for line in text.split("\n") if line.endswith("|")]
    assert rows and not any(line.startswith("|") and not line.startswith("||") for line in rows)
    assert any(line.startswith("规章 | ") for line in rows)
    assert "||" in text


def test_cell_per_line_ends_cells_with_a_pipe_and_rows_with_a_lone_pipe() -> None:
    r = report_with_empty_cells()
    lines = render_flat(r, "cell-per-line").split("\n")
    assert "规章 |" in lines
    assert "|" in lines
    assert " |" in lines  # an empty cell


def test_pipe_lines_puts_pipe_lines_between_cells_and_rows() -> None:
    r = report_with_empty_cells()
    text = render_flat(r, "pipe-lines")
    lines = text.split("\n")
    assert "规章" in lines and "|||" in lines
    assert "\n|\n\n|\n" in text  # an empty cell: an empty line between two | lines
    i = lines.index("规章")
    assert lines[i + 1] == "|"


def test_blank_line_has_no_pipes_and_blank_lines_between_cells() -> None:
    r = report_with_empty_cells()
    text = render_flat(r, "blank-line")
    assert "|" not in text
    assert "\n\n规章\n\n" in text
    assert "\n\n \n\n" in text  # an empty cell: a line holding one space


def test_tab_rows_are_tab_separated() -> None:
    text = render_flat(report(0), "tab")
    assert "\t" in text
    assert any(line.startswith("规章\t") for line in text.split("\n"))


def test_tab_keeps_empty_cells_between_tabs() -> None:
    text = render_flat(report_with_empty_cells(), "tab")
    assert "\t\t" in text or any(line.endswith("\t") for line in text.split("\n"))


def test_one_line_has_no_line_break() -> None:
    r = report_with_empty_cells()
    text = render_flat(r, "one-line")
    assert "\n" not in text and "\r" not in text
    assert " | 规章 | " in text
    assert " |  | " in text  # an empty cell
    assert r.sections[0][1] in text


def test_traditional_is_pipe_lead_in_traditional_characters() -> None:
    plain = next(report(i) for i in range(50) if not has_glosses(report(i)))
    text = render_flat(plain, "traditional")
    assert "報告" in text and "报告" not in text
    assert "| 規章 |" in text or "| 行政許可 |" in text
    assert "(guī)" not in text and "(xíng)" not in text
    assert len(text.split("\n")) == len(render_flat(plain, "pipe-lead").split("\n"))


def test_traditional_glosses_two_row_labels_on_some_reports() -> None:
    glossed = glossed_report()
    text = render_flat(glossed, "traditional")
    assert "| 規(guī)章 |" in text
    assert "| 行(xíng)政許可 |" in text
    assert text.count("(") - text.count("(guī)") - text.count("(xíng)") == render_flat(glossed, "pipe-lead").count("(")


def test_about_one_report_in_five_has_glosses() -> None:
    drawn = sum(has_glosses(report(i)) for i in range(200))
    assert 20 <= drawn <= 60


def test_empty_truth_values_stay_empty_cells() -> None:
    """Every key whose truth is None has a cell in every layout: count the empty cells in pipe-lead rows."""
    r = report_with_empty_cells()
    rows = [line for line in render_flat(r, "pipe-lead").split("\n") if line.startswith("|") and "---" not in line]
    empties = sum(len(re.findall(r"(?<=\|) (?=\|)", line)) for line in rows)
    assert empties == empty_cells(r) >= sum(v is None for v in r.tables.values()) > 0


# ----------------------------------------------------------------- parity --


@pytest.mark.parametrize("index", range(GENERATED))
@pytest.mark.parametrize("layout", LAYOUTS)
def test_flat_layout_parses_to_the_truth(layout: str, index: int) -> None:
    truth = report(index)
    parsed = parse_bytes(encode_flat(truth, layout), f"report_{index}.txt")
    wrong = {
        k: (truth.tables.get(k, "absent"), parsed.tables.get(k, "absent"))
        for k in set(truth.tables) | set(parsed.tables)
        if truth.tables.get(k, "absent") != parsed.tables.get(k, "absent")
    }
    assert wrong == {}, f"{layout}: {wrong}"
