"""Deterministic generator of synthetic annual reports with truth files.

Library::

    report = generate_report(random.Random(7), 0)
    render_text(report); render_docx(report); render_pdf(report); render_html(report)

Command line::

    python -m corpus.generate OUT_DIR --count 40 --seed 1 [--formats text,docx,pdf,html] [--jobs 2]

writes ``report_NNNN.{txt,docx,pdf,html}`` and ``report_NNNN.truth.json`` per
report.  Report ``i`` depends only on (seed, i), never on --count or --formats.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from corpus.blueprint import GeneratedReport, Style
from corpus.cells import draw_cell_style, write_cells, zero_rows
from corpus.labels import draw_labels
from corpus.names import Agency, make_agency, self_reference
from corpus.narrative import (
    Context,
    draw_numbering,
    number_headings,
    preamble,
    section_body,
    section_plan,
    title_lines,
)
from corpus.render_docx import render_docx
from corpus.render_html import render_html
from corpus.render_pdf import render_pdf
from corpus.render_text import encode_text, render_text
from corpus.schema import FORMAT_2019, FORMAT_2021, FORMATS, application_rows, relation_violations, result_rows
from corpus.values import table_values, with_carried_in

__all__ = [
    "GeneratedReport",
    "generate_report",
    "main",
    "render_docx",
    "render_html",
    "render_pdf",
    "render_text",
    "report_rng",
]

FORMAT_YEARS = {FORMAT_2019: (2019, 2020), FORMAT_2021: (2021, 2022, 2023, 2024, 2025)}
# Text encodings by report index, so every ten reports hold each kind.
ENCODING_CYCLE = ("utf-8", "gb18030", "utf-8", "utf-8-sig", "utf-8", "gbk", "utf-8", "utf-16", "utf-8", "utf-8")
MERGED_ZERO_CHANCE = 0.3
PDF_SPLIT_CHANCE = 0.45
APPLICATION_HEADER_ROWS = 3
TABLE_NAMES = ("active", "applications", "review")


def report_rng(seed: int, index: int) -> random.Random:
    """The random source of report ``index`` in a corpus drawn with ``seed``."""
    return random.Random(f"gkaudit-corpus:{seed}:{index}")


def draw_merged_zero_rows(rng: random.Random, values: dict[str, int | float], fv: str) -> tuple[str, ...]:
    if rng.random() >= MERGED_ZERO_CHANCE:
        return ()
    candidates = zero_rows(values, tuple(r for r in result_rows(fv) if r not in ("granted", "partial")))
    if not candidates:
        return ()
    chosen = set(rng.sample(candidates, min(len(candidates), rng.randint(1, 3))))
    return tuple(r for r in candidates if r in chosen)


def draw_style(rng: random.Random, encoding: str, fv: str, merged: tuple[str, ...]) -> Style:
    rows = [key for key, _ in application_rows(fv)]
    first_result = APPLICATION_HEADER_ROWS + rows.index("granted")
    total_row = APPLICATION_HEADER_ROWS + rows.index("results_total")
    return Style(
        text_encoding=encoding,
        blank_after_title=rng.random() < 0.7,
        blank_between_paragraphs=rng.random() < 0.35,
        heading_indent=rng.choices(("", " ", "    "), (0.75, 0.08, 0.17))[0],
        empty_before_tables=tuple(name for name in TABLE_NAMES if rng.random() < 0.15),
        extra_blank_after_table=rng.random() < 0.25,
        review_header="stacked" if rng.random() < 0.25 else "template",
        merged_zero_rows=merged,
        pdf_split_row=rng.randint(first_result + 6, total_row - 1) if rng.random() < PDF_SPLIT_CHANCE else None,
        pdf_vertical_labels=rng.random() < 0.4,
        html_layout_table=rng.random() < 0.25,
        html_bold_headings=rng.random() < 0.5,
    )


def stated_units(units: dict[str, str], cells: dict[str, str], header_unit: str | None) -> dict[str, str]:
    """A money unit is truth only where the document states it: in the cell ("5030元") or the header.

    The 2021 fee column's header always says 万元; a procurement amount written as a bare
    "0" under a header without a unit states no unit at all.
    """
    procurement = "active.procurement.amount"
    return {
        key: unit
        for key, unit in units.items()
        if key != procurement or header_unit or cells.get(key, "").strip().endswith(unit)
    }


def format_of_year(year: int) -> str:
    """The statistics format due for a report on ``year``."""
    return next(fv for fv, years in FORMAT_YEARS.items() if year in years)


def generate_report(
    rng: random.Random,
    index: int,
    *,
    agency: Agency | None = None,
    year: int | None = None,
    carried_in: dict[str, int] | None = None,
) -> GeneratedReport:
    """Draw one report; even indexes use the 2019 format, odd ones the 2021 format.

    A series of one body's years (corpus.district) fixes the ``agency``, the ``year`` (whose
    format then applies) and table 三's 上年结转 per applicant column (``carried_in``).
    """
    fv = format_of_year(year) if year else FORMATS[index % len(FORMATS)]
    year = year or rng.choice(FORMAT_YEARS[fv])
    agency = agency or make_agency(rng)
    encoding = ENCODING_CYCLE[index % len(ENCODING_CYCLE)]
    values, units = table_values(rng, fv, agency.level)
    if carried_in is not None:
        values = with_carried_in(values, carried_in)
    cell_style = draw_cell_style(rng, gbk=encoding == "gbk")
    merged = draw_merged_zero_rows(rng, values, fv)
    truth, cells = write_cells(rng, cell_style, values, units, merged)
    header_unit = units.get("active.procurement.amount") if not cell_style.money_in_cell else None
    labels = draw_labels(rng, header_unit)
    units = stated_units(units, cells, header_unit)

    numbering = draw_numbering(rng)
    ctx = Context(rng, agency, self_reference(rng, agency), year, fv, truth, numbering.sub)
    titles = title_lines(rng, agency, year)
    intro = preamble(ctx)
    plan = section_plan(rng)
    headings = number_headings(rng, plan, numbering)
    sections = tuple(
        (sid, heading, "\n".join(section_body(ctx, sid, title)))
        for (sid, title), heading in zip(plan, headings, strict=True)
    )
    problems = relation_violations(truth, fv)
    if problems:
        raise AssertionError(f"generator broke its own arithmetic: {problems}")
    return GeneratedReport(
        index=index,
        stem=f"report_{index:04d}",
        agency=agency.name,
        level=agency.level,
        year=year,
        format_version=fv,
        title_lines=titles,
        preamble=intro,
        sections=sections,
        tables=truth,
        units=units,
        cells=cells,
        labels=labels,
        claims=tuple(ctx.claims),
        style=draw_style(rng, encoding, fv, merged),
    )


# ------------------------------------------------------------------ CLI --

RENDERINGS: dict[str, tuple[str, Callable[[GeneratedReport], bytes]]] = {
    "text": (".txt", encode_text),
    "docx": (".docx", render_docx),
    "pdf": (".pdf", render_pdf),
    "html": (".html", lambda report: render_html(report).encode("utf-8")),
}


def write_report(out_dir: Path, seed: int, index: int, formats: Sequence[str]) -> str:
    """Generate report ``index``, write its renderings and truth; return the stem."""
    report = generate_report(report_rng(seed, index), index)
    files: dict[str, str] = {}
    for name in formats:
        suffix, render = RENDERINGS[name]
        files[name] = report.stem + suffix
        (out_dir / files[name]).write_bytes(render(report))
    truth: dict[str, Any] = report.truth(files)
    (out_dir / f"{report.stem}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n")
    return report.stem


def _write_one(job: tuple[str, int, int, tuple[str, ...]]) -> str:
    out_dir, seed, index, formats = job
    return write_report(Path(out_dir), seed, index, formats)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m corpus.generate", description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default=",".join(RENDERINGS), help="comma-separated: text,docx,pdf,html")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (1 = in this process)")
    args = parser.parse_args(argv)
    args.formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = set(args.formats) - set(RENDERINGS)
    if unknown:
        parser.error(f"unknown formats: {', '.join(sorted(unknown))}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(str(args.out_dir), args.seed, i, args.formats) for i in range(args.count)]
    if args.jobs > 1 and args.count > 1:
        # Spawned, not forked: a forked child runs the parent's after-fork hooks (kombu closes the
        # parent's Redis channels there, and can wait on them forever when the parent is a test run).
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            stems = list(pool.map(_write_one, jobs, chunksize=4))
    else:
        stems = [_write_one(job) for job in jobs]
    print(f"wrote {len(stems)} reports x {len(args.formats)} formats to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
