"""Row and column labels of the standard tables, as data.

Each entry pairs a canonical key fragment with a regular expression matched
against a label whose whitespace has been removed and full-width forms folded
by NFKC (see :func:`extractor.fields.values.normalise_cell_text`): "（一）" is
matched as "(一)", "：" as ":".  Order matters: the
first pattern that matches wins, so specific labels come before general ones.
Adding a label variant is one line here.

The ordered keys and exact wordings of table 二's rows, table 三's columns and table 四's
results come from the format definition (:mod:`extractor.formats`); the variant patterns,
and the lists whose order decides between overlapping patterns (first match wins), stay
here as data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor import formats


@dataclass(frozen=True, eq=False)
class Label:
    """A canonical key and the pattern of the cell texts that name it (hashed by identity: tables of labels
    are module constants, and the mapping caches its answers per table and text)."""

    key: str
    pattern: re.Pattern[str]


def labels(*pairs: tuple[str, str]) -> tuple[Label, ...]:
    return tuple(Label(key, re.compile(pattern)) for key, pattern in pairs)


# ---- table 二: 主动公开政府信息情况 -------------------------------------------------
# The rows come from the format definition, in its order; each is matched by its exact
# wording unless a variant pattern is given here.
ACTIVE_ROW_VARIANTS = {"normative": r"^(行政)?规范性文件$"}


def exact(wording: str) -> str:
    """The pattern of a label written exactly as the format words it."""
    return f"^{re.escape(wording)}$"


ACTIVE_ROWS = labels(*((r.key, ACTIVE_ROW_VARIANTS.get(r.key, exact(r.label))) for r in formats.rows_of("二")))
ACTIVE_COLUMNS = labels(
    ("made", r"本年新?制作数量"),
    ("published", r"本年新?公开数量"),
    ("total", r"对外公开总数量"),
    ("issued", r"本年制发件数"),
    ("repealed", r"本年废止件数"),
    ("in_force", r"现行有效件数"),
    ("prev_items", r"上一年项目数量"),
    ("change", r"本年增[/、]?减"),
    ("decisions", r"(本年)?处理决定数量"),
    ("amount", r"本年收费金额|采购总金额"),
    ("items", r"采购项目数量"),
)
ACTIVE_HEADER_MARK = re.compile(r"^信息内容$")

# ---- table 三: 收到和处理政府信息公开申请情况 ----------------------------------------
APPLICATION_ROWS = labels(
    ("new", r"本年新收"),
    ("carried_in", r"上年(结转|转结)"),
    ("granted", r"^(\(一\))?予以公开"),
    ("partial", r"^(\(二\))?部分公开"),
    ("denied.state_secret", r"国家秘密"),
    ("denied.law_prohibited", r"其他法律|法规禁止公开"),  # also the typo 其他法律行政止公开
    ("denied.security", r"三安全一稳定"),
    ("denied.third_party", r"第三方合法权益"),
    ("denied.internal", r"内部事务信息"),
    ("denied.process", r"过程性信息"),
    ("denied.enforcement_file", r"行政执法案卷"),
    ("denied.query", r"行政查询事项"),
    ("unavailable.not_held", r"不掌握"),
    ("unavailable.needs_creation", r"另行制作"),
    ("unavailable.unclear", r"仍不明确"),
    ("not_processed.petition", r"信访举报投诉"),
    ("not_processed.duplicate", r"重复申请"),
    ("not_processed.publication", r"公开出版物"),
    ("not_processed.excessive", r"大量反复申请"),
    ("not_processed.confirmation", r"确认或重新出具"),
    ("other.overdue_correction", r"逾期不补正"),
    ("other.overdue_fee", r"缴纳费用"),
    ("other.other", r"^\d[.、]?其他$"),
    ("other", r"其他处理$"),
    ("results_total", r"^(\(七\))?总计$"),
    ("carried_out", r"(结转|转结)下年度"),
)
# Row labels that only name a group of rows ("（三）不予公开"); never a data row
# on their own, but remembered so that "3.其他" can be read as 其他处理's sub-row.
APPLICATION_GROUPS = labels(
    ("results", r"本年度办理结果"),
    ("denied", r"不予公开$"),
    ("unavailable", r"无法提供$"),
    ("not_processed", r"不予处理$"),
    ("other", r"其他处理$"),
)
APPLICANT_COLUMNS = labels(
    *((c.key, exact(c.header)) for c in formats.FORMATS[formats.DEFAULT_FORMAT].table("三").columns)
)

# ---- table 四: 行政复议、行政诉讼 --------------------------------------------------
REVIEW_BLOCKS = labels(
    ("litigation_direct", r"未经复议直接起诉"),
    ("litigation_after_review", r"复议后起诉"),
    ("review", r"^行政复议$"),
)
REVIEW_RESULTS = labels(
    *((c.key, exact(c.header)) for c in formats.FORMATS[formats.DEFAULT_FORMAT].table("四").columns)
)

# Header labels that stand above other header labels, with how many children
# they have in the format.  Used to rebuild column paths of ragged headers.
HEADER_PARENTS: dict[str, int] = {
    "法人或其他组织": 5,
    "行政复议": 5,
    "行政诉讼": 2,
    "未经复议直接起诉": 5,
    "复议后起诉": 5,
}

# ---- legacy 统计指标 table ---------------------------------------------------------
STATS_ROWS = labels(
    ("stats.active.normative_issued", r"制发规范性文件总数"),
    ("stats.active.normative", r"主动公开规范性文件数"),
    ("stats.active.total", r"主动公开政府信息数"),
    ("stats.active.gazette", r"政府公报公开政府信息数"),
    ("stats.active.website", r"政府网站公开政府信息数"),
    ("stats.active.weibo", r"政务微博公开政府信息数"),
    ("stats.active.wechat", r"政务微信公开政府信息数"),
    ("stats.active.other", r"其他方式公开政府信息数"),
    ("stats.responses.hotspots", r"回应公众关注热点或重大舆情数"),
    ("stats.responses.press_conferences_head", r"主要负责同志参加新闻发布会次数"),
    ("stats.responses.press_conferences", r"参加或举办新闻发布会总次数"),
    ("stats.responses.online_interviews_head", r"主要负责同志参加政府网站在线访谈次数"),
    ("stats.responses.online_interviews", r"政府网站在线访谈次数"),
    ("stats.responses.interpretations", r"政策解读稿件发布数"),
    ("stats.responses.social_media_events", r"微博微信回应事件数"),
    ("stats.responses.other_events", r"其他方式回应事件数"),
    ("stats.org.units", r"政府信息公开工作专门机构数"),
    ("stats.org.reading_points", r"政府信息公开查阅点数"),
    ("stats.org.staff_full_time", r"专职人员数"),
    ("stats.org.staff_part_time", r"兼职人员数"),
    ("stats.org.staff", r"从事政府信息公开工作人员数"),
    ("stats.org.budget", r"政府信息公开专项经费"),
    ("stats.meetings.meetings", r"召开政府信息公开工作会议或专题会议数"),
    ("stats.meetings.trainings", r"举办各类培训班数"),
    ("stats.meetings.trainees", r"接受培训人员数"),
)
STATS_HEADER = re.compile(r"统计指标")
STATS_BUDGET_UNIT = "万元"

# ---- which table is which ----------------------------------------------------------
# A table is recognised by the labels it contains; each signature lists
# patterns that must all occur in the table's text (whitespace removed).
TABLE_SIGNATURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("stats", (r"统计指标",)),
    ("applications", (r"本年新收|上年(结转|转结)|予以公开|不予公开|无法提供", r"自然人|国家秘密|不掌握|信访举报")),
    ("review", (r"行政复议", r"结果维持|结果纠正|尚未审结")),
    ("active", (r"信息内容|第二十条", r"规章|规范性文件|行政许可|行政处罚|行政事业性收费|政府集中采购")),
    ("active", (r"行政许可|行政处罚|行政强制|行政事业性收费", r"处理决定数量|项目数量|收费金额")),
)

# ---- format version ----------------------------------------------------------------
FORMAT_MARKERS: dict[str, tuple[str, ...]] = {
    "2021": (r"本年制发件数", r"本年废止件数", r"现行有效件数", r"本年收费金额", r"逾期不补正", r"缴纳费用"),
    "2019": (r"本年新?制作数量", r"对外公开总数量", r"上一年项目数量", r"采购项目数量", r"本年增[/、]?减"),
}
