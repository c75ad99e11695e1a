"""Format parity: one generated report as text, DOCX, PDF and HTML gives the same fields, and the truth."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from corpus.generate import generate_report, render_docx, render_html, render_pdf, render_text
from extractor import parse_bytes

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "sample"
GENERATED = 24
SEED = 20260


def renderings(index: int) -> tuple[object, dict[str, bytes]]:
    report = generate_report(random.Random(f"parity:{SEED}:{index}"), index)
    encoding = report.style.text_encoding
    return report, {
        "text": render_text(report).encode(encoding),
        "docx": render_docx(report),
        "pdf": render_pdf(report),
        "html": render_html(report).encode("utf-8"),
    }


@pytest.mark.parametrize("index", range(GENERATED))
def test_generated_report_parses_the_same_in_every_format(index: int) -> None:
    truth, files = renderings(index)
    parsed = {kind: parse_bytes(data, f"report_{index}.{kind}") for kind, data in files.items()}
    for kind, report in parsed.items():
        wrong = {
            k: (truth.tables.get(k, "absent"), report.tables.get(k, "absent"))
            for k in set(truth.tables) | set(report.tables)
            if truth.tables.get(k, "absent") != report.tables.get(k, "absent")
        }
        assert wrong == {}, f"{kind}: {wrong}"
        assert report.format_version == truth.format_version, kind
        assert report.year == truth.year, kind
        assert [s.id for s in report.sections] == [sid for sid, _, _ in truth.sections], kind


@pytest.mark.parametrize("truth_file", sorted(SAMPLE.glob("*.truth.json")), ids=lambda p: p.stem)
def test_committed_sample_matches_its_truth(truth_file: Path) -> None:
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    for name in truth["files"].values():
        report = parse_bytes((SAMPLE / name).read_bytes(), name)
        assert report.tables == truth["tables"], f"{name}"
        assert report.units == truth.get("units", {}), f"{name}"
        assert report.agency == truth["agency"], f"{name}"
