"""The rubric's element detectors (models.rubric) on hand-written sections, one rule of GUIDE.md each.

The sentences are this project's own; the real sections people labelled are scored in
test_completeness_real.py.
"""

from __future__ import annotations

import pytest

from models.elements import PROBLEM, split_units
from models.normalize import normalize_text
from models.rubric import RubricElements, detect


def marks(text: str) -> RubricElements:
    return detect(normalize_text(text))


def problems_of(text: str) -> list[str]:
    return [u.text for u in split_units(normalize_text(text)) if u.kind == PROBLEM]


# ---------------------------------------------------------------- evidence


@pytest.mark.parametrize(
    "text",
    [
        "一是“办事指南”栏目有7条信息逾期未更新。",
        "二是本局公众号全年仅发布两次政策解读。",
        "依申请办理中有3件答复超过了法定期限。",
    ],
)
def test_figures_or_a_named_channel_in_the_problems_are_evidence(text: str) -> None:
    assert marks(text).evidence


@pytest.mark.parametrize(
    "text",
    [
        # a channel only gestured at: no reader can find "some columns"
        "部分栏目的内容更新不及时，个别网站的信息存在滞后。",
        # an article number and a list ordinal are not counts
        "对条例第十六条的理解不到位，执行第3条和第12条规定时把握不准。",
        # "一次性" is not a count of times
        "一次性告知的要求没有落实到位。",
    ],
)
def test_ordinals_and_gestured_channels_are_not_evidence(text: str) -> None:
    assert not marks(text).evidence


def test_a_fault_placed_in_a_channel_is_specific_without_being_evidence() -> None:
    """GUIDE.md: a problem that names the channel or column and how it fails is specific; evidence
    asks for what a reader could check, which "部分栏目" is not."""
    m = marks("部分栏目信息更新不够及时。下一步将按月开展栏目巡查。")
    assert m.problems_specific and not m.evidence


# ---------------------------------------------------------------- problems


def test_a_needs_further_strengthening_problem_is_a_problem() -> None:
    """ "…需进一步加强" in the problems half names a (stock) problem, not a measure."""
    found = problems_of("仍存在以下不足：一是政务公开基础工作需进一步夯实。二是回应群众关切需要进一步加强。")
    assert len(found) == 2
    assert not marks("一是政务公开基础工作需进一步夯实。").problems_specific


def test_a_neutral_clause_opening_a_sentence_belongs_to_that_sentence_s_problem() -> None:
    """In prose, "门户网站、审批系统" open the sentence whose problem is theirs, not the one before."""
    found = problems_of("经办人员业务不熟，需要进一步培训；门户网站、审批系统之间的数据对接仍有待加强。")
    assert any("门户网站" in p and "对接" in p for p in found), found
    assert not any("门户网站" in p and "培训" in p for p in found), found


# ---------------------------------------------------------------- measures


def test_publishing_named_kinds_of_information_is_a_measure_a_reader_can_check() -> None:
    m = marks("重点领域公开深度不够。下一步将按时公开部门预算、重大项目进展、政府采购结果等方面信息。")
    assert m.measures


def test_a_list_of_mechanisms_to_improve_is_not() -> None:
    m = marks("制度建设有待加强。下一步将不断完善内容发布机制、保密审查机制、人员培训机制等长效机制。")
    assert not m.measures


# ---------------------------------------------------------------- paired


ANSWERED = "二是门户网站栏目更新滞后。三是政策解读形式单一。"
MEASURES = "针对上述问题：一是开展网站栏目巡查，清理过期栏目。二是增加图解、视频等解读形式。"


def test_every_problem_answered_is_paired() -> None:
    measures = (
        "针对上述问题：一是组织联络员跟班学习。二是开展网站栏目巡查，清理过期栏目。三是增加图解、视频等解读形式。"
    )
    assert marks("一是联络员业务培训不足。" + ANSWERED + measures).paired


def test_a_specific_problem_without_a_measure_on_its_topic_is_not_paired() -> None:
    """A problem that says how the work fails is never filler: it needs its own answer, even when
    the others have theirs (two of three answered would pass a share)."""
    text = "一是档案管理手段落后，查找一份历史文件耗时长。" + ANSWERED + MEASURES
    m = marks(text)
    assert m.measures and m.problems_specific
    assert not m.paired


def test_a_stock_problem_split_off_at_a_comma_may_stay_unanswered() -> None:
    """Stock problems are paired by share: the half of a problem cut off at a comma need not be."""
    text = "一是网站栏目更新滞后，互动效果有待加强。二是政策解读形式单一。" + MEASURES
    assert marks(text).paired


@pytest.mark.parametrize("adjective", ["系统化", "专业化"])
def test_a_quality_ending_in_hua_names_no_topic(adjective: str) -> None:
    """ "系统化的手段" is not about a system, "专业化水平" not about the staff."""
    units = split_units(normalize_text(f"一是管理手段缺乏{adjective}。"))
    assert units and not units[0].topics


# ---------------------------------------------------------------- where a unit ends


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(u.kind, u.text) for u in split_units(normalize_text(text))]


def test_a_labelled_measure_inside_an_item_is_a_measure_not_a_heading() -> None:
    units = kinds_and_texts(
        "1．发布只设一个账号，各科室的信息都要转交办公室。整改措施：给各科室分设账号。信息中心牵头，6月底前完成。"
    )
    assert [k for k, _ in units] == ["problem", "measure"]
    assert "分设账号" in units[1][1] and "6月底前" in units[1][1]


def test_a_verb_that_only_sets_the_scene_belongs_to_its_sentence_s_problem() -> None:
    """ "抽查的…中" opens with a verb but commits to nothing: it is where the problem was found."""
    units = kinds_and_texts("存在的问题：抽查的30个社区中，有5个社区的公开栏半年未更新；宣传工作不够深入。")
    problems = [t for k, t in units if k == "problem"]
    assert [k for k, _ in units] == ["problem", "problem"]
    assert "抽查" in problems[0] and "社区" in problems[0]


def test_a_fault_named_inside_a_measure_is_what_it_mends() -> None:
    """Past a measures heading, even mid-sentence, "清理积压留言" after "由…负责" is that measure's."""
    units = kinds_and_texts("公众号留言回复不及时。下一步，将从以下方面改进：由办公室负责公众号运维，清理积压留言；")
    assert [k for k, _ in units] == ["problem", "measure"]
    assert "积压" in units[1][1]
