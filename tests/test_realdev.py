"""Table cells of real report pages (../shared/realdev), on the development and the test part.

The floors are the figures reached when the table reader was written (README, "Real report
pages"), less a small margin: a change that loses cells on real pages fails here.  The test part
was never tuned on; its floor records what it gave.
"""

from __future__ import annotations

import pytest

from tests.realdev import REALDEV, score_cells

pytestmark = pytest.mark.skipif(not REALDEV.is_dir(), reason="../shared/realdev is absent")

CELL_FLOORS = {"dev": 0.995, "test": 0.99}
FORMAT_MISSES = {"dev": 0, "test": 0}  # pages with a table whose format_version is not the truth's


@pytest.fixture(scope="module", params=sorted(CELL_FLOORS))
def split_score(request: pytest.FixtureRequest):
    return request.param, score_cells(request.param)


def test_cells_of_real_pages_are_read(split_score) -> None:
    split, score = split_score
    assert score.cells_total["all"] > 500
    assert score.share() >= CELL_FLOORS[split], score.wrong[:20]


def test_no_real_report_is_refused(split_score) -> None:
    _, score = split_score
    assert score.refused == []


def test_format_version_is_right_on_pages_with_a_table(split_score) -> None:
    split, score = split_score
    assert score.format_total > 30
    assert score.format_total - score.format_right <= FORMAT_MISSES[split]


# Narrative claims on the same pages (issue 19): found as score.py counts them; of the found,
# linked to the truth's key or rightly to none; extra claims (no truth claim) among those output.
# Four of the five readers of realdev key no claim to the legacy stats.* table on pages that do not
# have it (nor does gkaudit); pages_b's reader does, and those count against the linking share here.
CLAIM_FLOORS = {"dev": (0.99, 0.885, 0.013), "test": (0.98, 0.905, 0.018)}


def test_a_truth_text_with_words_left_out_matches_the_claim_it_spans() -> None:
    """The readers mark words they left out with ……: the claim's text may run across them."""
    from tests.realdev import _match

    claims = [
        {
            "text": "未收到个人、企业或者其他组织申请",
            "value": 0,
            "sentence": "本所未收到个人、企业或者其他组织申请公开信息",
        }
    ]
    assert _match({"text": "本所未收到……申请公开信息", "value": 0}, claims, set()) == 0
    assert _match({"text": "本所未收到……申请公开文件", "value": 0}, claims, set()) is None


@pytest.mark.parametrize("split", sorted(CLAIM_FLOORS))
def test_claims_of_real_pages_are_found_and_linked(split: str) -> None:
    from tests.realdev import score_claims

    score = score_claims(split)
    found_floor, linked_floor, extra_ceiling = CLAIM_FLOORS[split]
    assert score.found / score.total >= found_floor, score.missed[:20]
    assert score.linked_right >= linked_floor, score.wrong_key[:20]
    assert score.extra / score.claims <= extra_ceiling


def test_changing_a_linked_number_of_a_real_page_is_flagged() -> None:
    """Mutation on the development part (issue 19): each claim that agrees with its cell, its number
    changed in the text, gives an error or warning citing that claim."""
    from extractor import parse_bytes
    from tests.realdev import pages
    from tests.test_mutation import MIN_RECALL, flagged, mutate, verifiable_claims

    tried, missed = 0, []
    for page in pages("dev"):
        report = parse_bytes(page.path.read_bytes(), page.path.name)
        for lc in verifiable_claims(report):
            tried += 1
            if not flagged(mutate(report, lc), lc.claim.start, lc.claim.section):
                missed.append(f"{page.name}: {lc.claim.text}")
    assert tried >= 20
    assert 1 - len(missed) / tried >= MIN_RECALL, missed


def test_only_the_readers_own_disagreements_are_disputed() -> None:
    from tests.realdev import DISPUTES, REVIEW_AND_LITIGATION, dispute_of

    legacy, review, accepted, handled, processed = (name for name, _ in DISPUTES)
    assert dispute_of("stats.active.total", None, False, "主动公开信息5条") == legacy
    assert dispute_of("stats.active.total", None, True, "主动公开信息5条") is None, "the page has the table: our miss"
    assert dispute_of("review.total", REVIEW_AND_LITIGATION, False, "无行政复议、行政诉讼") == review
    assert dispute_of("review.total", REVIEW_AND_LITIGATION, False, "无行政复议") is None
    assert dispute_of("applications.new.total", None, False, "收到申请3件") is None
    assert dispute_of(None, "applications.new.total", False, "共受理申请3件") == accepted
    assert dispute_of(None, "applications.new.total", False, "共收到申请3件") is None, "收到: the readers agree"
    assert dispute_of(None, "applications.results_total.total", False, "已办结3件") == processed
    assert dispute_of("applications.new.total", "applications.results_total.total", False, "办理申请3件") == handled
    assert dispute_of("review.total", "applications.results_total.total", False, "办理申请3件") is None
    assert dispute_of("applications.new.total", "applications.results_total.total", False, "办结3件") is None
