"""Cost of the table reader per document, next to the line reader it replaced, timed in the same run.

    python bench/reader_bench.py

Documents: the real report pages of ``/work/shared/realdev`` when present, and the generated
corpus (24 reports, fixed seed) rendered in every flattened layout of ``corpus.render_flat``.
For each set:

* candidate: ``load_text`` (decode, traditional to simplified, find the standard tables and
  read their cells whatever the layout);
* baseline: decode the same bytes and group the lines with ``read_blocks``, the line reader
  that read these texts before the table reader (paragraphs, tab-cell and pipe tables only).

The ratio is what the layout-independent reading costs over merely splitting the text into
lines; both exclude the later stages (sections, fields, checks), which are the same for both.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from benchlib import ms_each, per_second, print_table, shared_files, time_pair

from corpus.generate import generate_report
from corpus.render_flat import FLAT_LAYOUTS, encode_flat
from extractor.loaders.text import decode_text, load_text, read_blocks
from extractor.settings import Limits

REALDEV = Path("/work/shared/realdev")
GENERATED = 24
SEED = 20261206
HEADER = ("documents", "n", "reader doc/s", "ms/doc", "line reader doc/s", "ms/doc", "ratio")

Files = list[tuple[str, bytes]]


def table_reader(files: Files) -> int:
    limits = Limits()
    return sum(len(load_text(data, limits).blocks) for _, data in files)


def line_reader(files: Files) -> int:
    limits = Limits()
    total = 0
    for _, data in files:
        text, _ = decode_text(data, limits)
        total += sum(1 for _ in read_blocks(text.replace("\r\n", "\n").split("\n")))
    return total


def flat_corpus() -> Files:
    reports = [generate_report(random.Random(f"reader-bench:{SEED}:{i}"), i) for i in range(GENERATED)]
    return [(f"report_{i}.{name}.txt", encode_flat(r, name)) for i, r in enumerate(reports) for name in FLAT_LAYOUTS]


def measure(label: str, files: Files) -> list[str]:
    pair = time_pair(lambda: table_reader(files), lambda: line_reader(files))
    n = len(files)
    return [
        label,
        str(n),
        per_second(n, pair.candidate),
        ms_each(n, pair.candidate),
        per_second(n, pair.baseline),
        ms_each(n, pair.baseline),
        f"{pair.ratio:.2f}",
    ]


def main() -> int:
    sets = [("realdev pages", shared_files(REALDEV, "pages_*/*.txt")), ("generated, flat layouts", flat_corpus())]
    rows = [measure(label, files) for label, files in sets if files]
    print_table("Table reader vs line reader (median of 3 after 1 warm-up; ratio = reader / line reader)", HEADER, rows)
    print("ratio: what reading the tables in any layout costs over splitting the text into lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
