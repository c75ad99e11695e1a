"""The people's labels of the real problems sections (corpus/problems/real_*, GUIDE.md "Real sections").

The files hold labels keyed by (source under ../shared, sha256 of the section text the reader
gives); the text itself stays in ../shared.  Without ../shared only the files' own form and the
agreement figures are checked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score

from corpus.problems import real_sections as rs
from tests.conftest import SHARED

PROBLEMS = Path(__file__).resolve().parents[1] / "corpus" / "problems"
ANNOTATIONS = PROBLEMS / "real_annotations"
FILES = {
    "a": ANNOTATIONS / "annotator_a.jsonl",
    "b": ANNOTATIONS / "annotator_b.jsonl",
    "resolved": PROBLEMS / "real_labels.jsonl",
}
ELEMENTS = ("problems_specific", "measures", "paired", "owners_deadlines", "follow_up", "evidence")
KEYS = {"source", "sha256", "label", "elements", "cut", "reason"}


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in FILES[name].read_text(encoding="utf-8").splitlines() if line.strip()]


def keyed(name: str) -> dict[tuple[str, str], dict]:
    return {(r["source"], r["sha256"]): r for r in load(name)}


@pytest.mark.parametrize("name", sorted(FILES))
def test_lines_are_well_formed(name: str) -> None:
    rows = load(name)
    assert rows, f"{FILES[name]} is empty"
    seen = set()
    for row in rows:
        extra = {"resolution"} if name == "resolved" else set()
        assert KEYS <= set(row) <= KEYS | extra, row.keys()
        assert isinstance(row["source"], str) and not row["source"].startswith("/"), row["source"]
        assert re.fullmatch(r"[0-9a-f]{64}", row["sha256"]), row["sha256"]
        assert type(row["label"]) is int and 0 <= row["label"] <= 3, row
        assert set(row["elements"]) == set(ELEMENTS), row["elements"]
        assert all(type(v) is bool for v in row["elements"].values()), row["elements"]
        assert type(row["cut"]) is bool
        assert isinstance(row["reason"], str) and row["reason"].strip()
        if "resolution" in row:
            assert isinstance(row["resolution"], str) and row["resolution"].strip()
        assert (row["source"], row["sha256"]) not in seen, f"duplicate {row['source']}"
        seen.add((row["source"], row["sha256"]))


@pytest.mark.parametrize("name", sorted(FILES))
def test_labels_respect_the_levels(name: str) -> None:
    """The hard edges of GUIDE.md's level table: what a 0 cannot have and what a 3 must have."""
    for row in load(name):
        e = row["elements"]
        if e["paired"]:
            assert e["measures"], row["source"]
        if row["label"] == 0:
            assert not (e["problems_specific"] or e["measures"]), row["source"]
        if row["label"] == 3:
            assert all(e[k] for k in ("problems_specific", "evidence", "measures", "paired", "owners_deadlines"))
        if row["label"] == 2:
            assert e["problems_specific"] or (e["measures"] and e["paired"] and e["owners_deadlines"]), row["source"]


def test_three_files_label_the_same_sections() -> None:
    assert set(keyed("a")) == set(keyed("b")) == set(keyed("resolved"))


def test_resolution_exactly_where_annotators_differ() -> None:
    a, b = keyed("a"), keyed("b")
    for key, row in keyed("resolved").items():
        differ = a[key]["label"] != b[key]["label"] or a[key]["elements"] != b[key]["elements"]
        assert ("resolution" in row) == differ, key[0]
        if not differ:
            assert row["label"] == a[key]["label"] and row["elements"] == a[key]["elements"]
        assert row["cut"] == a[key]["cut"] == b[key]["cut"]


def test_agreement_kappa_matches_the_files() -> None:
    a, b = keyed("a"), keyed("b")
    keys = sorted(a)
    kappa = cohen_kappa_score([a[k]["label"] for k in keys], [b[k]["label"] for k in keys])
    text = (ANNOTATIONS / "AGREEMENT.md").read_text(encoding="utf-8")
    match = re.search(r"Cohen's κ[^\n|]*:\s*\|\s*\*\*([0-9.]+)\*\*", text)
    assert match, "AGREEMENT.md does not print Cohen's κ as **x.xxx**"
    assert float(match.group(1)) == pytest.approx(round(kappa, 3), abs=1e-9)


def test_script_exits_cleanly_without_shared(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setattr(rs, "SHARED", tmp_path / "absent")
    assert rs.main([]) == 0
    assert "not present" in capsys.readouterr().out


@pytest.fixture(scope="module")
def today() -> dict[str, rs.RealSection]:
    if not (SHARED / "seeds").exists() or not (SHARED / "realdocs").exists():
        pytest.skip("../shared not present: the labels cannot be checked against the reader")
    return {s.source: s for s in rs.real_sections(SHARED)}


def test_labels_match_what_the_reader_extracts_today(today: dict[str, rs.RealSection]) -> None:
    """A reader change that alters (or newly finds, or loses) a section must be noticed and relabelled."""
    labelled = keyed("resolved")
    by_source = {source: sha for source, sha in labelled}
    assert set(by_source) == set(today), (
        f"labelled but not found now: {sorted(set(by_source) - set(today))}; "
        f"found now but not labelled: {sorted(set(today) - set(by_source))}"
    )
    changed = [source for source, sha in by_source.items() if today[source].sha256 != sha]
    assert not changed, f"the reader now gives another text for {changed}: read and label them again"
    for (source, _), row in labelled.items():
        assert row["cut"] == today[source].cut, source


def test_no_real_sentence_is_copied_into_the_project(today: dict[str, rs.RealSection]) -> None:
    """Only labels are stored: no run of 15 characters of a real section appears in these files."""
    paths = [*FILES.values(), ANNOTATIONS / "AGREEMENT.md", PROBLEMS / "GUIDE.md"]
    written = re.sub(r"\s+", "", "".join(path.read_text(encoding="utf-8") for path in paths))
    for section in today.values():
        text = re.sub(r"\s+", "", section.text)
        copied = {text[i : i + 15] for i in range(len(text) - 14) if text[i : i + 15] in written}
        assert not copied, f"{section.source}: {sorted(copied)[:3]}"
