"""Scoring 1,000 problems sections after the model is loaded, next to plain jieba segmentation.

    python bench/completeness_bench.py

Sections: the project's labelled corpus (corpus/problems/sections.jsonl, 1,000
generated sections of every label and length).  Candidate: ``score_sections`` on
all of them in one batch (normalisation, the model's features and calibrated
probabilities, elements and reasons); the elements cache is cleared before each
pass so nothing is reused across passes.  Baseline: ``jieba.lcut`` of the same
texts, timed alternately in the same run.  Goal (issue 20): scoring costs no more than
segmenting, ratio <= 1.  The score now also runs the rubric's detectors (models.rubric),
whose cache is cleared with the elements'.  A second table shows the one-at-a-time path
(``score_section`` per text) on 100.
"""

from __future__ import annotations

import json
import time

import jieba
from benchlib import ms_each, per_second, print_table, time_pair

from models.artifact import load_model
from models.completeness import score_section, score_sections
from models.elements import clear_caches
from models.features import tokenize
from models.rubric import detect_cached
from models.train import DEFAULT_DATA

GOAL_RATIO = 1.0
ONE_BY_ONE = 100


def load_texts() -> list[str]:
    return [json.loads(line)["text"] for line in DEFAULT_DATA.read_text(encoding="utf-8").splitlines() if line]


def main() -> None:
    start = time.perf_counter()
    model = load_model()
    tokenize("预热")  # jieba's dictionary
    print(f"model and jieba loaded in {time.perf_counter() - start:.2f} s")
    texts = load_texts()

    def batch() -> None:
        clear_caches()
        detect_cached.cache_clear()
        score_sections(texts, model)

    def segment() -> None:
        for text in texts:
            jieba.lcut(text)

    pair = time_pair(batch, segment)
    n = len(texts)
    print_table(
        f"{n} sections, one batch (goal: ratio to jieba <= {GOAL_RATIO:.0f})",
        ["", "seconds", "sections/s", "ms each"],
        [
            ["score_sections", f"{pair.candidate:.3f}", per_second(n, pair.candidate), ms_each(n, pair.candidate)],
            ["jieba.lcut (baseline)", f"{pair.baseline:.3f}", per_second(n, pair.baseline), ms_each(n, pair.baseline)],
            ["ratio", f"{pair.ratio:.2f}", "", ""],
        ],
    )
    few = texts[:ONE_BY_ONE]

    def one_by_one() -> None:
        clear_caches()
        detect_cached.cache_clear()
        for text in few:
            score_section(text, model)

    single = time_pair(one_by_one, lambda: [jieba.lcut(t) for t in few])
    print_table(
        f"{ONE_BY_ONE} sections, one call each",
        ["", "seconds", "ms each"],
        [
            ["score_section", f"{single.candidate:.3f}", ms_each(ONE_BY_ONE, single.candidate)],
            ["jieba.lcut (baseline)", f"{single.baseline:.3f}", ms_each(ONE_BY_ONE, single.baseline)],
        ],
    )
    verdict = "met" if pair.ratio <= GOAL_RATIO else "MISSED"
    print(
        f"\ngoal {verdict}: {n} sections scored in {pair.candidate:.2f} s, jieba {pair.baseline:.2f} s, "
        f"ratio {pair.ratio:.2f} (goal <= {GOAL_RATIO:.0f})"
    )


if __name__ == "__main__":
    main()
