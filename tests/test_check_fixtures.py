"""One fixture per rule, both ways (style.md item 7).

``tests/fixtures/checks/<RULE_ID>/fires.json`` is a small report the rule fires on
and ``passes.json`` one it does not.  Each is a Report as JSON (format_version,
year, agency, sections, tables, raw_cells; a ``note`` says what was changed from
the real table set it starts from); a corpus rule's (GK6xx) is ``docs``, a few
documents as the corpus rules read them.  The report goes through the same audit as a
real document (claims linked, every rule run); only the rule's own findings count.
A meta-test fails when a registered rule has no fixture.
"""

from __future__ import annotations

import pytest

from extractor.checks import registry
from extractor.checks.registry import RULES, Finding
from workers.audit.rule_fixtures import FIXTURES, WAYS, fixture_findings, fixture_path

registry.load_rules()  # what run_checks imports: every module that registers rules
RULE_IDS = sorted(RULES)


def findings_of(rule_id: str, way: str) -> list[Finding]:
    path = fixture_path(rule_id, way)
    if not path.exists():
        pytest.skip(f"{path} missing (test_every_rule_has_both_fixtures reports it)")
    return fixture_findings(RULES[rule_id], path)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fires_on_its_fixture(rule_id: str) -> None:
    assert findings_of(rule_id, "fires"), f"{rule_id} did not fire on fires.json"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_passes_its_fixture(rule_id: str) -> None:
    found = findings_of(rule_id, "passes")
    assert found == [], [f.message_en for f in found]


def test_every_rule_has_both_fixtures() -> None:
    missing = [
        f"{rule_id}/{way}.json"
        for rule_id in RULE_IDS
        for way in WAYS
        if not (FIXTURES / rule_id / f"{way}.json").exists()
    ]
    assert missing == [], f"registered rules without fixtures under {FIXTURES}: {missing}"


def test_every_fixture_names_a_registered_rule() -> None:
    stale = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name not in RULES)
    assert stale == []


def test_fixture_severity_follows_the_section() -> None:
    """GK401 is an error for 存在的主要问题及改进情况, a warning for the other sections."""
    (finding,) = findings_of("GK401", "fires")
    assert (finding.metric, finding.severity) == ("sections.problems", "error")
    assert RULES["GK401"].severity == "warning"


@pytest.mark.parametrize("rule_id", [r for r in RULE_IDS if RULES[r].func.__module__ == "extractor.checks.arithmetic"])
def test_table_arithmetic_evidence_names_every_cell(rule_id: str) -> None:
    for finding in findings_of(rule_id, "fires"):
        evidence = finding.evidence
        assert {"cells", "relation", "expected", "actual"} <= set(evidence)
        assert all(key in evidence["relation"] for key in evidence["cells"])
        assert all(set(cell) == {"value", "raw"} for cell in evidence["cells"].values())
        assert finding.message_zh.startswith("表") and finding.message_en.startswith("Table")


def test_the_rule_catalogue_page_is_made_from_the_registry() -> None:
    """docs/rules.md is what `gkaudit rules --format markdown` prints: regenerate it when a rule changes."""
    from pathlib import Path

    from extractor.checks.catalogue import as_markdown, catalogue, fixture_examples
    from workers.audit.rule_fixtures import fixture_messages

    page = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    assert page.read_text(encoding="utf-8") == as_markdown(catalogue(fixture_examples(FIXTURES, fixture_messages)))


def test_gkaudit_rules_lists_every_rule_with_an_example() -> None:
    import json

    from typer.testing import CliRunner

    from workers.cli import app

    result = CliRunner().invoke(app, ["rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [e["id"] for e in listed] == RULE_IDS
    assert all(e["example_message"] for e in listed), [e["id"] for e in listed if not e["example_message"]]
    assert {e["id"][:3] for e in listed} >= {"GK1", "GK2", "GK3", "GK4", "GK5", "GK6"}
