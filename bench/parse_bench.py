"""Parse throughput per document kind, each next to a read-the-text-only baseline timed in the same run.

    python bench/parse_bench.py

Documents: the generated corpus (40 reports, fixed seed) as text, PDF, DOCX and
HTML, plus the real PDFs under /work/shared/realdocs when present.  Baselines
(the cost of merely getting the text out with the library alone):

* PDF: pdfplumber opens the file and runs ``page.extract_text()`` on every page;
* text: charset-normalizer detects and decodes the bytes;
* DOCX: python-docx opens the file and reads every paragraph and table cell;
* HTML: lxml parses the page and takes its ``text_content()``.
"""

from __future__ import annotations

import io
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import docx
import lxml.html
import pdfplumber
from benchlib import REALDOCS, corpus_files, generate_corpus, ms_each, per_second, print_table, shared_files, time_pair

from extractor import ExtractError, parse_bytes

Files = list[tuple[str, bytes]]
HEADER = ("documents", "n", "pages", "parse doc/s", "ms/doc", "ms/page")
HEADER += ("baseline", "base doc/s", "ms/page", "ratio")


def parse_all(files: Files) -> None:
    for name, data in files:
        parse_bytes(data, name)


# Each baseline returns the number of characters it read, so nothing is optimised away.


def pdfplumber_text(files: Files) -> int:
    chars = 0
    for _, data in files:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            chars += sum(len(page.extract_text()) for page in pdf.pages)
    return chars


def charset_normalizer_text(files: Files) -> int:
    return sum(len(str(charset_normalizer.from_bytes(data).best())) for _, data in files)


def python_docx_text(files: Files) -> int:
    chars = 0
    for _, data in files:
        document = docx.Document(io.BytesIO(data))
        chars += sum(len(p.text) for p in document.paragraphs)
        chars += sum(len(cell.text) for table in document.tables for row in table.rows for cell in row.cells)
    return chars


def lxml_text(files: Files) -> int:
    return sum(len(lxml.html.fromstring(data).text_content()) for _, data in files)


def pdf_pages(files: Files) -> int:
    total = 0
    for _, data in files:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            total += len(pdf.pages)
    return total


def parseable(files: Files) -> Files:
    """Drop (and name) documents gkaudit rejects, so both sides time the same set."""
    kept: Files = []
    for name, data in files:
        try:
            parse_bytes(data, name)
        except ExtractError as error:
            print(f"  skipped {name}: {error}", file=sys.stderr)
        else:
            kept.append((name, data))
    return kept


@dataclass(frozen=True)
class Case:
    label: str
    files: Files
    baseline_name: str
    baseline: Callable[[Files], int]
    paged: bool = False


def measure(case: Case) -> list[str]:
    files = case.files
    pair = time_pair(lambda: parse_all(files), lambda: case.baseline(files))
    n = len(files)
    pages = pdf_pages(files) if case.paged else 0
    per_page = (lambda s: ms_each(pages, s)) if case.paged else (lambda s: "-")
    return [
        case.label,
        str(n),
        str(pages) if case.paged else "-",
        per_second(n, pair.candidate),
        ms_each(n, pair.candidate),
        per_page(pair.candidate),
        case.baseline_name,
        per_second(n, pair.baseline),
        per_page(pair.baseline),
        f"{pair.ratio:.2f}",
    ]


def cases(corpus: Path) -> list[Case]:
    real_pdfs = parseable(shared_files(REALDOCS, "*.pdf"))
    found = [
        Case("generated text", corpus_files(corpus, ".txt"), "charset-normalizer", charset_normalizer_text),
        Case("generated PDF", corpus_files(corpus, ".pdf"), "pdfplumber text", pdfplumber_text, paged=True),
        Case("realdocs PDF", real_pdfs, "pdfplumber text", pdfplumber_text, paged=True),
        Case("generated DOCX", corpus_files(corpus, ".docx"), "python-docx text", python_docx_text),
        Case("generated HTML", corpus_files(corpus, ".html"), "lxml text_content", lxml_text),
    ]
    return [case for case in found if case.files]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="gkaudit-bench-") as tmp:
        corpus = Path(tmp)
        generate_corpus(corpus, ("text", "pdf", "docx", "html"))
        rows = [measure(case) for case in cases(corpus)]
    print_table("Parse throughput (median of 3 after 1 warm-up; ratio = parse time / baseline time)", HEADER, rows)
    print("ratio < 1: gkaudit parses faster than the baseline only extracts text; > 1: slower by that factor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
