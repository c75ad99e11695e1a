"""PDF tables cut by page breaks, as LibreOffice prints them, read as the same document's DOCX.

Generated reports (corpus, no real report text) are written as DOCX, with a
growing number of filler paragraphs before the tables so that the page breaks
fall on different rows, and printed to PDF by LibreOffice.  LibreOffice lets a
row break across pages and rules both halves, so "4.保护第三方合法权益" may
end page one as "4.保护第三" and start page two as "方合法权益".
"""

from __future__ import annotations

import dataclasses
import io
import random
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest

from corpus.blueprint import GeneratedReport
from corpus.generate import generate_report, render_docx
from extractor import parse_bytes
from extractor.document import Table
from extractor.loaders.docx import load_docx
from extractor.loaders.pdf import load_pdf
from extractor.settings import Limits
from tests.conftest import REQUIRE_SERVICES

FILLERS = range(0, 15, 2)  # filler paragraphs before the report: moves every page break down a little
FILLER = "填充段落。"
LIMITS = Limits()
_LEAF_LABEL = re.compile(r"^\d{1,2}\.")


@dataclasses.dataclass(frozen=True)
class Printed:
    """One rendering: the DOCX and LibreOffice's PDF of it."""

    name: str
    docx: bytes
    pdf: bytes


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        message = "soffice not found: install Debian's libreoffice-writer (apt-get install -y libreoffice-writer)"
        if REQUIRE_SERVICES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def padded(report: GeneratedReport, fillers: int) -> GeneratedReport:
    return dataclasses.replace(report, preamble=(FILLER,) * fillers + report.preamble)


def print_pdfs(binary: str, docx_files: list[Path], out: Path) -> None:
    """Convert all DOCX files in one LibreOffice run (with a profile of its own)."""
    command = [
        binary,
        "--headless",
        f"-env:UserInstallation={(out / 'profile').as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *map(str, docx_files),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module", params=[0, 1], ids=["format2019", "format2021"])
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Printed]:
    binary = soffice()
    index = request.param
    report = generate_report(random.Random(f"page-breaks:{index}"), index)
    out = tmp_path_factory.mktemp(f"page-breaks-{index}")
    files = []
    for n in FILLERS:
        path = out / f"report_{index}_{n:02d}.docx"
        path.write_bytes(render_docx(padded(report, n)))
        files.append(path)
    print_pdfs(binary, files, out)
    return [Printed(p.stem, p.read_bytes(), p.with_suffix(".pdf").read_bytes()) for p in files]


def page_texts(pdf: bytes) -> Iterator[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            yield re.sub(r"\s+", "", page.extract_text() or "")


def leaf_labels(table: Table) -> list[str]:
    """Table 三's numbered row labels ("4.保护第三方合法权益")."""
    return list(dict.fromkeys(cell for row in table.rows for cell in row if _LEAF_LABEL.match(cell)))


def cut_labels(docx_tables: list[Table], pdf: bytes) -> list[str]:
    """Row labels that no single page of the PDF holds whole: rows cut by a page break."""
    pages = list(page_texts(pdf))
    labels = [label for table in docx_tables for label in leaf_labels(table)]
    return [label for label in labels if not any(label in text for text in pages)]


def test_the_renderings_cut_rows_across_pages(printed: list[Printed]) -> None:
    """The test material does what it is for: some table rows are cut by page breaks."""
    cut = [label for p in printed for label in cut_labels(list(load_docx(p.docx, LIMITS).tables), p.pdf)]
    assert len(cut) >= 3, cut


def test_pdf_reads_the_same_tables_as_docx(printed: list[Printed]) -> None:
    for p in printed:
        docx_report = parse_bytes(p.docx, f"{p.name}.docx")
        pdf_report = parse_bytes(p.pdf, f"{p.name}.pdf")
        wrong = {
            key: (docx_report.tables.get(key, "absent"), pdf_report.tables.get(key, "absent"))
            for key in set(docx_report.tables) | set(pdf_report.tables)
            if docx_report.tables.get(key, "absent") != pdf_report.tables.get(key, "absent")
        }
        assert wrong == {}, p.name
        assert len(docx_report.tables) >= 190, p.name


def test_a_table_continued_on_the_next_page_is_one_table(printed: list[Printed]) -> None:
    for p in printed:
        docx_tables = load_docx(p.docx, LIMITS).tables
        pdf_tables = load_pdf(p.pdf, LIMITS).tables
        assert len(pdf_tables) == len(docx_tables), p.name
        assert {len(t.rows[0]) for t in pdf_tables} == {len(t.rows[0]) for t in docx_tables}, p.name


def test_a_row_cut_by_a_page_break_is_read_whole(printed: list[Printed]) -> None:
    """Every data row of table 三, cut or not, is one row with its whole label and its figures."""
    for p in printed:
        docx_rows = _data_rows(load_docx(p.docx, LIMITS).tables)
        pdf_rows = _data_rows(load_pdf(p.pdf, LIMITS).tables)
        assert pdf_rows == docx_rows, p.name


def _data_rows(tables: list[Table]) -> list[tuple[str, ...]]:
    """Rows with a numbered row label: the figures of table 三, not its header rows."""
    return [row for table in tables for row in table.rows if any(_LEAF_LABEL.match(cell) for cell in row)]
