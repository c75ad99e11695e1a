"""Breakdown arithmetic (issue 19): every way Chinese prose lists the parts of a stated total.

Each shape has a pair of sentences written for this test (no real text): one whose parts break
the stated relation, which must give the rule's finding, and one whose parts keep it, which must
give no breakdown finding at all.  The rules: GK301 parts exceed the total, GK304 an exhaustive
list falls short, GK305 a stated share is wrong, GK306 a list a little short of its total.
"""

from __future__ import annotations

import pytest

from extractor.audit import audit_report
from extractor.document import Report, Section
from extractor.nlp.breakdowns import find_breakdowns
from extractor.nlp.claims import extract_claims

BREAKDOWN_RULES = ("GK301", "GK304", "GK305", "GK306")

# (shape, rule, broken sentence, consistent sentence)
SHAPES: tuple[tuple[str, str, str, str], ...] = (
    (
        "其中",
        "GK301",
        "本年共收到申请10件，其中自然人申请7件，法人或其他组织申请5件。",
        "本年共收到申请10件，其中自然人申请7件，法人或其他组织申请3件。",
    ),
    (
        "包括 with a colon and a remainder",
        "GK301",
        "全年主动公开政府信息1200条，包括：概况类信息12条，动态类信息1500条，其他类信息1800条。",
        "全年主动公开政府信息1200条，包括：概况类信息12条，动态类信息500条，其他类信息688条。",
    ),
    (
        "分别为 (exhaustive) short of the total",
        "GK304",
        "本年共收到申请10件，通过网上平台和信函提交的分别为3件、4件。",
        "本年共收到申请10件，通过网上平台和信函提交的分别为6件、4件。",
    ),
    (
        "主要有",
        "GK301",
        "收到申请20件，主要有：自然人申请15件、企业申请8件。",
        "收到申请20件，主要有：自然人申请12件、企业申请8件。",
    ),
    (
        "涵盖",
        "GK301",
        "发布信息50条，涵盖政策文件20条、工作动态40条。",
        "发布信息50条，涵盖政策文件20条、工作动态30条。",
    ),
    (
        "a colon list",
        "GK301",
        "今年发布信息80条：通知公告50条；政策文件40条。",
        "今年发布信息80条：通知公告50条；政策文件30条。",
    ),
    (
        "channels without a marker",
        "GK301",
        "全年共发布信息300条，通过门户网站发布90条、通过微信公众号发布320条、其他方式公开10条。",
        "全年共发布信息300条，通过门户网站发布90条、通过微信公众号发布200条、其他方式公开10条。",
    ),
    (
        "nested lists (其中…内有…)",
        "GK301",
        "全年发布信息100条，其中网站发布60条，内有通知公告50条、政策文件20条；微信发布40条。",
        "全年发布信息100条，其中网站发布60条，内有通知公告50条、政策文件10条；微信发布40条。",
    ),
    (
        "a list in brackets after a part",
        "GK301",
        "其中工作简报10篇，规划栏目5篇（年度计划3篇，专项规划4篇）。",
        "其中工作简报10篇，规划栏目7篇（年度计划3篇，专项规划4篇）。",
    ),
    (
        "a remainder makes the list exhaustive",
        "GK304",
        "全年发布信息100条，其中网站发布50条、微信发布20条、其他方式10条。",
        "全年发布信息100条，其中网站发布50条、微信发布40条、其他方式10条。",
    ),
    (
        "approximate total and remainder (余)",
        "GK301",
        "共公开各类信息200余条，其中规划信息120条、财政信息50条、其他200余条。",
        "共公开各类信息200余条，其中规划信息120条、财政信息50条、其他30余条。",
    ),
    (
        "approximate parts (近, 约)",
        "GK301",
        "全年发布信息100条，其中网站发布约80条、微信发布近40条。",
        "全年发布信息100条，其中网站发布约60条、微信发布近40条。",
    ),
    (
        "a percentage of the stated total",
        "GK305",
        "全年发布信息200条，其中网站发布50条，占40%，微信发布150条。",
        "全年发布信息200条，其中网站发布50条，占25%，微信发布150条。",
    ),
    (
        "a list a little short of its total",
        "GK306",
        "部门网站全年发布信息420条，其中工作动态300条、通知公告119条。",
        "部门网站全年发布信息420条，其中工作动态300条、通知公告120条。",
    ),
    (
        "the list in the next sentence (。其中)",
        "GK301",
        "全年发布政务信息共计250条。其中，网站发布机构概况20条，发布政策文件240条。",
        "全年发布政务信息共计250条。其中，网站发布机构概况20条，发布政策文件230条。",
    ),
    (
        "bare categories after a stated total, no marker",
        "GK301",
        "本年度累计发布信息50条，通知公告30条，工作动态25条，办理申请2件。",
        "本年度累计发布信息50条，通知公告30条，工作动态20条，办理申请2件。",
    ),
    (
        "a bracket inside a part's name",
        "GK301",
        "全年发布信息1000条，其中市网站300条，各乡镇（街道）网站500条，部门网站400条。",
        "全年发布信息1000条，其中市网站300条，各乡镇（街道）网站500条，部门网站200条。",
    ),
    (
        "a list of its own sentence, parts with shares across semicolons",
        "GK305",
        "全年共发布信息200条。其中网站发布50条，占总量的40%；微信发布150条，占总量的75%。",
        "全年共发布信息200条。其中网站发布50条，占总量的25%；微信发布150条，占总量的75%。",
    ),
    (
        "主要类别 opening the next sentence",
        "GK301",
        "全年主动公开政府信息共30条。主要类别：通知公告20条、工作动态15条。",
        "全年主动公开政府信息共30条。主要类别：通知公告20条、工作动态10条。",
    ),
    (
        "applications received, by how they ended",
        "GK301",
        "全年共收到政府信息公开申请10件。其中，予以公开6件，部分公开3件，结转下年度继续办理3件。",
        "全年共收到政府信息公开申请10件。其中，予以公开6件，部分公开3件，结转下年度继续办理1件。",
    ),
)

# Sentences whose lists are not all of the total (另有, 等) or not a list of its parts at all.
NO_FINDING: tuple[tuple[str, str], ...] = (
    ("另有: not exhaustive", "全年发布信息200条，其中网站发布50条、微信发布60条，另有部分通过公示栏发布。"),
    ("等: a partial list far short", "全年发布信息300条，其中通知公告9条、工作动态45条等栏目信息。"),
    (
        "a second statement with its own list",
        "处理申请21件，其中信函6件、网上15件，各部门处理申请12件，其中信函4件、网上8件。",
    ),
    (
        "a total's bracketed list, then other channels",
        "网站公开信息20条（其中：动态16条，预决算4条）；在客户端发布35条；在公告栏公开120条。",
    ),
    ("units that count other things", "全年发布信息30条，其中网站发布20条，开展培训15次，接待群众12人次。"),
    ("parts joined by 、 end at a comma", "重点领域信息6条包括名录2条、规划4条，文化栏目18条，部门网站30条。"),
    ("共 over a list of peers", "全年共发布规划类信息35条，财政类信息120条，政策文件类信息48条。"),
    ("a total joined to its peers by 、", "全年累计发布门户网站信息40条、公众号文章290条、短视频54条。"),
    ("applications in 件 among items in 条", "全年发布信息30条，其中网站发布20条，收到申请15件。"),
    ("a bare list ends at a count with a verb", "累计发布信息20条，工作动态12条，通知公告8条，回复网民留言15条。"),
    ("the 共 of 公共 states no total", "公共服务类信息3条，工作动态15条，部门文件23条。"),
    (
        "the received split by new and carried in: those carried over are no part",
        "全年共受理申请10件，其中新收到申请8件，上年结转申请2件，结转下年度继续办理3件。",
    ),
    (
        "内容涉及 names topics, not parts",
        "全年主动公开信息90件。内容涉及财政资金、公共服务等方面；通过部门网站发布60条，发布解读信息50篇。",
    ),
    ("the received split two ways in one sentence", "共收到申请10件，其中自然人申请6件，予以公开5件，部分公开4件。"),
    (
        # Parts in another measure word are not read (as often a new statement); a list they stand in is not
        # read whole, so its shortfall is no slip.
        "a list holding counts in another measure word is not called short",
        "全年发布信息100条，其中工作动态70条、通知公告26条，行政规范性文件3件、其他1件。",
    ),
    (
        "a count in another measure word after a list is not one of its parts",
        "全年发布信息100条，其中工作动态80条、其他信息20条，主动公开文件15份，政策解读10篇。",
    ),
)


def report_of(text: str) -> Report:
    return Report(
        file="shape.txt",
        format_version="2021",
        agency=None,
        year=2022,
        sections=[Section("overview", "一、总体情况", text)],
        tables={},
        units={},
        raw_cells={},
    )


def breakdown_rules_fired(text: str) -> list[str]:
    return [f.rule for f in audit_report(report_of(text)).findings if f.rule in BREAKDOWN_RULES]


@pytest.mark.parametrize(("shape", "rule", "broken", "consistent"), SHAPES, ids=[s[0] for s in SHAPES])
def test_a_broken_breakdown_is_flagged_by_its_rule(shape: str, rule: str, broken: str, consistent: str) -> None:
    assert rule in breakdown_rules_fired(broken), shape


@pytest.mark.parametrize(("shape", "rule", "broken", "consistent"), SHAPES, ids=[s[0] for s in SHAPES])
def test_the_same_breakdown_kept_gives_no_finding(shape: str, rule: str, broken: str, consistent: str) -> None:
    assert breakdown_rules_fired(consistent) == [], shape


@pytest.mark.parametrize(("case", "text"), NO_FINDING, ids=[c for c, _ in NO_FINDING])
def test_lists_that_state_no_broken_relation_give_no_finding(case: str, text: str) -> None:
    assert breakdown_rules_fired(text) == [], case


def test_a_nested_list_is_the_part_s_own_and_checked_against_it() -> None:
    text = "全年发布信息100条，其中网站发布60条，内有通知公告50条、政策文件10条；微信发布40条。"
    report = report_of(text)
    found = {
        b.total.claim.text: [p.claim.text for p in b.parts]
        for b in find_breakdowns(report, audit_report(report).claims)
    }
    assert found == {"100条": ["60条", "40条"], "60条": ["50条", "10条"]}


def test_an_approximate_figure_allows_the_range_it_states() -> None:
    report = report_of("共公开各类信息200余条，其中规划信息120条、财政信息50条、其他30余条。")
    (breakdown,) = find_breakdowns(report, audit_report(report).claims)
    assert breakdown.total_range() == (200, 299)
    assert breakdown.parts_range() == (200, 209)
    assert breakdown.exhaustive  # it ends in a remainder


@pytest.mark.parametrize(
    ("text", "not_claims"),
    [
        ("申请内容属于四类过程性信息的不予公开2件。", ["四类"]),
        ("属于三类内部事务信息的1件。", ["三类"]),
        ("详见http://www.example.gov.cn/2023/12条。", ["12条"]),
        ("建立两个平台，完善三项制度，公开四类信息。", ["两个", "三项", "四类"]),
    ],
)
def test_category_names_of_the_format_and_urls_are_not_claims(text: str, not_claims: list[str]) -> None:
    texts = [c.text for c in extract_claims(text)]
    assert not set(texts) & set(not_claims), texts


def test_counts_in_digits_and_changes_in_words_stay_claims() -> None:
    texts = [(c.text, c.value) for c in extract_claims("建立2个平台，较上年增加两项，收到申请三件。")]
    assert texts == [("2个", 2), ("增加两项", 2), ("三件", 3)]
