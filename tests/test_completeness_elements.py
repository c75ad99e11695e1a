"""The interpretable elements: the transformer's sklearn contract, the rules, and normalisation."""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from models.elements import FEATURE_NAMES, elements_of
from models.features import ElementsExtractor, tokenize
from models.normalize import normalize_text

# check_fit1d expects a ValueError for 1-D X; a 1-D sequence of texts is this transformer's
# normal input (as for sklearn's own text vectorizers), so it is accepted, not refused.
EXPECTED_FAILURES = {"check_fit1d": "1-D input is a sequence of texts, the transformer's normal input"}


@parametrize_with_checks(
    [ElementsExtractor(), ElementsExtractor(features=("problems", "measures", "paired"))],
    expected_failed_checks=lambda estimator: EXPECTED_FAILURES,
)
def test_sklearn_estimator_contract(estimator, check) -> None:
    check(estimator)


def test_unknown_feature_is_named() -> None:
    with pytest.raises(ValueError, match="nonsense"):
        ElementsExtractor(features=("problems", "nonsense")).fit(["无"])


def test_transform_gives_one_row_of_elements_per_text() -> None:
    extractor = ElementsExtractor().fit(["无", "一是公开意识不强。"])
    rows = extractor.transform(["无", "一是公开意识不强。二是将进一步加强学习。", None])
    assert rows.shape == (3, len(FEATURE_NAMES))
    assert list(extractor.get_feature_names_out()) == list(FEATURE_NAMES)


def norm_elements(text: str):
    return elements_of(normalize_text(text))


def test_specific_section_elements() -> None:
    e = norm_elements(
        "一是“政策文件”栏目有12件规范性文件未同步发布解读；二是政务微博留言平均9个工作日才回复。"
        "针对上述问题，一是由办公室负责，2024年6月底前补发12件解读；二是由信息中心负责微博留言分办，5个工作日内回复。"
    )
    assert (e.problems, e.measures, e.specific_problems, e.specific_measures) == (2, 2, 2, 2)
    assert e.paired and e.dated_measures >= 1
    assert e.diagnosis == 3 and e.remedy == 3 and e.complete


def test_generic_section_elements() -> None:
    e = norm_elements("存在的主要问题是公开意识不强，信息更新不够及时。下一步将进一步加强学习，提高认识。")
    assert e.problems == 2 and e.specific == 0
    assert e.stock_problems == e.problems
    assert e.stock_phrase_ratio >= 0.4
    assert e.diagnosis == 1 and not e.complete


@pytest.mark.parametrize("text", ["无", "无。", "暂无", "本年度未发现存在的主要问题。", "本机关本年度无此类情况。", ""])
def test_nothing_to_report(text: str) -> None:
    e = norm_elements(text)
    assert e.nothing_to_report and e.problems == 0 and e.measures == 0


def test_follow_up_needs_a_reference_and_a_result() -> None:
    assert norm_elements("上年度报告指出的答复超期问题，已于2023年3月完成整改。").follows_up_last_year
    assert not norm_elements("上年度工作中存在答复超期问题。").follows_up_last_year


def test_plan_heading_turns_following_lines_into_measures() -> None:
    e = norm_elements("网站部分栏目更新不及时。\n六、下一步工作计划\n对全部栏目开展一次巡查，清理过期信息。")
    assert (e.problems, e.measures) == (1, 1)


def test_normalise_traditional_markup_and_full_width() -> None:
    assert normalize_text("<p>政府資訊公開&nbsp;工作</p><p>存在問題：１２件</p>") == "政府资讯公开工作\n存在问题:12件"
    assert normalize_text("一是 公开 意识不强") == "一是公开意识不强"


def test_tokenize_keeps_domain_terms_and_drops_punctuation() -> None:
    tokens = tokenize("依申请公开答复超期，共12件。")
    assert "依申请公开" in tokens
    assert "，" not in tokens and "12" not in tokens


def test_hard_wraps_are_undone_but_items_and_headings_stay_apart() -> None:
    wrapped = (
        "(一)主要问题\n一是网站栏目更新\n不及时,部分信息\n发布滞后。\n二是解读形式单一。\n(二)改进措施\n建立提醒机制。"
    )
    assert normalize_text(wrapped).split("\n") == [
        "(一)主要问题",
        "一是网站栏目更新不及时,部分信息发布滞后。",
        "二是解读形式单一。",
        "(二)改进措施",
        "建立提醒机制。",
    ]
    # A paragraph that ends its sentence keeps its break.
    assert normalize_text("上年问题已整改。\n本年度存在两个问题。") == "上年问题已整改。\n本年度存在两个问题。"
