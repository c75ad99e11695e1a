"""The demo corpus (corpus/district): current with its generator, and a district's year as reviewers get it."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from corpus.district import (
    CARRY_MISMATCH,
    CELL_TYPOS,
    COPIED_PROBLEMS,
    DEFAULT_SEED,
    YEARS,
    bodies,
    body_reports,
    carried_out,
    main,
)
from corpus.schema import APPLICANTS, application_key, relation_violations
from workers.audit.corpus_checks import body_key
from workers.report.rank import read_groups

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "corpus" / "district"
MAX_BYTES = 5_000_000


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((DISTRICT / "manifest.json").read_text(encoding="utf-8"))


def test_committed_district_is_current(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 0
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(DISTRICT) for p in DISTRICT.rglob("*") if p.is_file())
    assert fresh == committed
    for name in fresh:
        assert (tmp_path / name).read_bytes() == (DISTRICT / name).read_bytes(), name
    assert sum((DISTRICT / name).stat().st_size for name in committed) < MAX_BYTES


def test_every_body_has_two_consecutive_years_in_mixed_formats(manifest: dict) -> None:
    assert 35 <= len(manifest["bodies"]) <= 45
    assert YEARS[1] == YEARS[0] + 1
    formats = Counter(Path(f).suffix for b in manifest["bodies"] for f in b["files"].values())
    assert sum(formats.values()) == 2 * len(manifest["bodies"])
    assert formats[".html"] > formats[".txt"] > formats[".pdf"] > formats[".docx"] > 0
    for body in manifest["bodies"]:
        assert sorted(body["files"]) == [str(y) for y in YEARS]
        assert body["agency"].startswith(manifest["district"])
        for year, name in body["files"].items():
            assert (DISTRICT / name).is_file() and name.startswith(f"{year}/")
    assert len({body_key(b["agency"]) for b in manifest["bodies"]}) == len(manifest["bodies"])


def test_second_year_carries_over_the_first_but_for_the_planted_bodies() -> None:
    for index, body in enumerate(bodies()):
        first, second = body_reports(DEFAULT_SEED, index, body)
        assert first.agency == second.agency and (first.year, second.year) == YEARS
        carried_in = {c: second.tables[application_key("carried_in", c)] or 0 for c in APPLICANTS}  # blank: 0
        assert (carried_in != carried_out(first)) == (index in CARRY_MISMATCH), body.agency.name
        problems = [dict((sid, text) for sid, _, text in r.sections)["problems"] for r in (first, second)]
        assert (problems[0] == problems[1]) == (index in COPIED_PROBLEMS), body.agency.name
        for report in (first, second):
            assert relation_violations(report.tables, report.format_version) == []  # the truth adds up
            typo = CELL_TYPOS.get(index)
            if typo and typo[0] == report.year:
                assert report.cells[typo[1]] != str(report.tables[typo[1]])


def test_groups_file_lists_every_body_and_one_that_published_nothing(manifest: dict) -> None:
    groups = read_groups(DISTRICT / "groups.csv")
    listed = {body_key(b["agency"]) for b in manifest["bodies"]}
    assert listed < set(groups) and len(set(groups) - listed) == 1
    for body in manifest["bodies"]:
        assert groups[body_key(body["agency"])] == {k: body[k] for k in ("parent", "region", "type")}
    assert {g["type"] for g in groups.values()} == {"区政府", "区政府部门", "街道办事处", "镇"}


def test_make_demo_audits_the_district_with_its_groups() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = makefile[makefile.index("\ndemo:") :].split("\n\n")[0]
    assert "DEMO_CORPUS ?= corpus/district" in makefile and "--groups $(DEMO_CORPUS)/groups.csv" in makefile
    assert re.search(r"audit \$\(DEMO_CORPUS\)", demo) and "--format xlsx" in demo and "notice" in demo
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo    # installs into .venv, audits a district's year (corpus/district)" in readme
