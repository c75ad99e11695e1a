"""Golden tests on real documents.

``golden/expected/*.json``: values written by hand from reading each document
(see golden/README.md).  The parser must give exactly these table values,
format, year, agency and section ids.  These are never regenerated.  The parser's
whole output on the same documents (and every other real one) is held byte for byte
by ``test_check_output_stable.py``, whose goldens keep the documents' text as hashes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor import parse_path
from tests.conftest import SHARED, shared_path

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = sorted((GOLDEN / "expected").glob("*.json"))


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict | Exception]:
    """Each real document parsed once for every test of this module."""
    out: dict[str, dict | Exception] = {}
    for path in EXPECTED:
        source = SHARED / load_expected(path)["source"]
        if source.exists():
            try:
                out[path.stem] = parse_path(source).to_dict()
            except Exception as exc:
                out[path.stem] = exc
    return out


def _report(parsed: dict[str, dict | Exception], name: str, source: str) -> dict:
    shared_path(source)
    report = parsed[name]
    if isinstance(report, Exception):
        raise report
    return report


@pytest.mark.parametrize("path", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_every_table_cell_as_read_by_hand(path: Path, parsed: dict[str, dict | Exception]) -> None:
    expected = load_expected(path)
    report = _report(parsed, path.stem, expected["source"])
    wrong = {
        key: {"expected": expected["tables"].get(key, "absent"), "parsed": report["tables"].get(key, "absent")}
        for key in set(expected["tables"]) | set(report["tables"])
        if expected["tables"].get(key, "absent") != report["tables"].get(key, "absent")
    }
    assert wrong == {}
    assert report["units"] == expected.get("units", {})


@pytest.mark.parametrize("path", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_metadata_and_sections_as_read_by_hand(path: Path, parsed: dict[str, dict | Exception]) -> None:
    expected = load_expected(path)
    report = _report(parsed, path.stem, expected["source"])
    assert report["format_version"] == expected["format_version"]
    assert report["year"] == expected["year"]
    assert report["agency"] == expected["agency"]
    assert [s["id"] for s in report["sections"]] == expected["sections"]
