"""The labelled problems sections: committed file current, labels from content, spread and hard cases."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from pathlib import Path

import pytest

from corpus.problems_gen import (
    CONCRETE,
    DEFAULT_OUT,
    LEVELS,
    NAMED,
    SPECIFIC,
    STOCK,
    STYLES,
    Measure,
    Problem,
    Spec,
    decide_label,
    draw_section,
    generate,
    main,
)

GUIDE = DEFAULT_OUT.parent / "GUIDE.md"
# The State Council's own wording, quoted by every report; not a sentence of any one of them.
OFFICIAL_SLOGAN = "以公开为常态、不公开为例外"
HARD_CASES = {
    "stock_long",
    "named_no_measures",
    "measures_only_generic",
    "specific_no_measures",
    "measures_only_concrete",
    "specific_unpaired",
    "specific_undated",
    "copy_prev",
    "short_specific",
    "padded",
    "praise",
    "nil",
}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in DEFAULT_OUT.read_text(encoding="utf-8").splitlines()]


def test_committed_file_is_what_the_generator_writes(tmp_path: Path) -> None:
    out = tmp_path / "sections.jsonl"
    main(["--out", str(out)])
    assert out.read_bytes() == DEFAULT_OUT.read_bytes(), "regenerate: python -m corpus.problems_gen"


def test_a_section_depends_only_on_seed_and_index() -> None:
    assert draw_section(7, 12) == draw_section(7, 12)
    assert generate(20, 7)[12] == draw_section(7, 12)
    assert draw_section(7, 12) != draw_section(8, 12)


def test_size_and_spread(rows: list[dict]) -> None:
    assert len(rows) >= 400
    labels = Counter(r["label"] for r in rows)
    assert set(labels) == {0, 1, 2, 3} and min(labels.values()) >= 0.15 * len(rows)
    for label in (1, 2, 3):
        mine = [r for r in rows if r["label"] == label]
        assert {r["level"] for r in mine} == set(LEVELS)
        assert {r["style"] for r in mine} == set(STYLES)
    assert len({r["id"] for r in rows}) == len(rows)


def test_hard_cases_present(rows: list[dict]) -> None:
    cases = Counter(r["case"].split("+")[0] for r in rows)
    assert all(cases[c] >= 10 for c in HARD_CASES), cases
    assert sum(r["case"].endswith("+separate_plan") for r in rows) >= 20
    plan_labels = {r["label"] for r in rows if r["case"].endswith("+separate_plan")}
    assert plan_labels == {1, 2, 3}, "the plan heading must not give the label away"
    copies = [r for r in rows if r["case"].startswith("copy_prev")]
    assert all(r.get("prev_year_text") for r in copies)


def test_length_is_no_give_away(rows: list[dict]) -> None:
    lengths = {k: [len(r["text"]) for r in rows if r["label"] == k] for k in range(4)}
    assert min(lengths[3]) < statistics.median(lengths[1])
    assert max(lengths[1]) > statistics.median(lengths[3])
    assert max(lengths[0]) > statistics.median(lengths[2])


def test_numbers_appear_in_every_label(rows: list[dict]) -> None:
    with_digits = {r["label"] for r in rows if any(ch.isdigit() for ch in r["text"].replace("20", ""))}
    assert with_digits == {0, 1, 2, 3}


@pytest.mark.parametrize(
    ("spec", "label"),
    [
        (Spec(nothing="short"), 0),
        (Spec(problems=(Problem(None, STOCK),) * 6, measures=(Measure(None, STOCK),) * 6), 1),
        (Spec(problems=(Problem("jiedu", NAMED),)), 1),
        (Spec(problems=(Problem("jiedu", NAMED),), measures=(Measure(None, STOCK),)), 2),
        (Spec(problems=(Problem("jiedu", SPECIFIC),)), 2),
        (Spec(measures=(Measure("jiedu", CONCRETE, True),)), 2),
        (Spec(problems=(Problem("jiedu", SPECIFIC),), measures=(Measure("wangzhan", CONCRETE, True),)), 2),
        (Spec(problems=(Problem("jiedu", SPECIFIC),), measures=(Measure("jiedu", CONCRETE, False),)), 2),
        (Spec(problems=(Problem("jiedu", SPECIFIC),), measures=(Measure("jiedu", CONCRETE, True),)), 3),
        (Spec(problems=(Problem("jiedu", SPECIFIC),), measures=(Measure("jiedu", CONCRETE),), follow_up="specific"), 3),
        (
            Spec(
                problems=(Problem("jiedu", SPECIFIC), Problem(None, STOCK)),
                measures=(Measure("jiedu", CONCRETE, True), Measure(None, STOCK)),
            ),
            3,
        ),
    ],
)
def test_label_rules(spec: Spec, label: int) -> None:
    assert decide_label(spec) == label


def test_no_sentence_of_the_real_reports(rows: list[dict]) -> None:
    """Spot check: no 12-character run of a seed's problems section (years and numbers aside) is in the corpus."""
    from tests.conftest import SEEDS

    if not SEEDS.exists():
        pytest.skip("../shared/seeds not present")
    from extractor import parse_path

    corpus = "\n".join(r["text"] for r in rows)
    for path in sorted(SEEDS.glob("*.txt")):
        section = parse_path(path).section("problems")
        text = (section.text if section else "").replace(OFFICIAL_SLOGAN, "")
        runs = {text[i : i + 12] for i in range(0, max(0, len(text) - 12), 3)}
        runs = {run for run in runs if not any(ch.isdigit() for ch in run)}
        assert not [run for run in runs if run in corpus], path.name


def test_guide_tells_how_to_regenerate_and_how_labels_were_decided() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert "python -m corpus.problems_gen" in guide and "gkaudit train" in guide
    assert "decide_label" in guide


def test_rng_is_only_random_random() -> None:
    source = (Path(__file__).resolve().parents[1] / "corpus" / "problems_gen.py").read_text(encoding="utf-8")
    assert "random.Random(" in source and "random.seed" not in source
