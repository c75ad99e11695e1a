"""Which table field a narrative claim talks about, as data.

Each :class:`Link` names the canonical key (or keys, summed) a claim counts,
the token groups its clause must contain (every group: at least one of its
terms inside one jieba token left of the number), the terms that rule it out,
and the units it takes.  The first link that fits wins, so specific links come
first.  A key list may hold one alternative per format ("issued" in 2021,
"made" in 2019): the first alternative present in the report is used.
Adding a phrasing is one entry here; a phrasing no entry fits stays unlinked
(unverifiable) rather than being linked to a cell that counts something else.
"""

from __future__ import annotations

from dataclasses import dataclass

COUNT_UNITS = ("件", "个", "次", "起", "项", "条")
DECISION_UNITS = ("件", "个", "项", "次")  # 条 counts published items (行政许可类信息69条), not decisions
# …unless the clause names the decisions themselves (处理决定数量312条, 行政处罚结果82条).
NAMED_DECISION_UNITS = (*DECISION_UNITS, "条")
DECISION_WORDS = ("决定", "结果", "办结")
DECISION_ROWS = (
    ("许可", "active.licensing.decisions"),
    ("处罚", "active.penalty.decisions"),
    ("强制", "active.coercion.decisions"),
)
CASE_UNITS = ("件", "起", "个", "次")
# Applications are counted in 件 by the format, and in 条, 项 or 份 by many reports (收到申请3条).
APPLICATION_UNITS = (*CASE_UNITS, "条", "项", "份")
ITEM_UNITS = ("条", "件", "个", "项")
ORG_COLUMNS = ("commercial", "research", "social_org", "legal_service", "other_org")
ORG_LABELS = (
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social_org", "社会公益组织"),
    ("legal_service", "法律服务机构"),
)
DENIED = tuple(
    f"applications.denied.{k}.total"
    for k in (
        "state_secret",
        "law_prohibited",
        "security",
        "third_party",
        "internal",
        "process",
        "enforcement_file",
        "query",
    )
)
UNAVAILABLE = tuple(f"applications.unavailable.{k}.total" for k in ("not_held", "needs_creation", "unclear"))
NOT_PROCESSED = tuple(
    f"applications.not_processed.{k}.total"
    for k in ("petition", "duplicate", "publication", "excessive", "confirmation")
)
OTHER_2021 = tuple(f"applications.other.{k}.total" for k in ("overdue_correction", "overdue_fee", "other"))
LITIGATION = ("litigation_direct.total", "litigation_after_review.total")
# Words that make a 许可/处罚 count something other than decisions: a category of
# published information (行政许可类信息), licences (施工许可证), lists of matters.
NOT_DECISIONS = ("类", "许可证", "证", "事项", "目录", "清单")
# Words that make a clause a breakdown by channel or applicant, not a total.
BREAKDOWN_WORDS = ("通过", "网络", "网上", "邮寄", "信函", "现场", "当面", "传真", "电子邮件", "其中", "自然人", "法人")


@dataclass(frozen=True)
class Link:
    """A claim counts ``keys`` (summed) when its clause has every token group and none of ``exclude``."""

    name: str
    keys: tuple[tuple[str, ...], ...]  # alternatives, each a tuple of keys summed
    groups: tuple[tuple[str, ...], ...]
    units: tuple[str, ...] = COUNT_UNITS
    exclude: tuple[str, ...] = ()
    # May the second and later groups be found earlier in the sentence ("…行政复议1件，其中结果维持1件")?
    carry: bool = True
    # Must the first group's term stand right before the number ("申请154件", not "回复申请的“三个一”")?
    adjacent: bool = False
    # Does 共/共计/合计 right before the number lift ``exclude`` ("通过邮寄、网络提交的申请共计81件")?
    total_lifts_exclude: bool = False


def one(*keys: str) -> tuple[tuple[str, ...], ...]:
    """Alternatives of single keys: the first present in the report is used."""
    return tuple((k,) for k in keys)


def total(*keys: str) -> tuple[tuple[str, ...], ...]:
    return (tuple(keys),)


REVIEW_RESULTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("upheld", ("维持",)),
    ("corrected", ("纠正", "撤销", "确认违法")),
    ("other", ("其他结果",)),
    ("pending", ("尚未审结", "未审结", "审理中")),
)


def review_result_links() -> tuple[Link, ...]:
    """结果维持N件 after a sentence on 行政复议 (or 行政诉讼, both blocks summed)."""
    review = tuple(
        Link(f"复议{k}", one(f"review.{k}"), (words, ("复议",)), CASE_UNITS, ("诉讼",)) for k, words in REVIEW_RESULTS
    )
    litigation = tuple(
        Link(
            f"诉讼{k}", total(f"litigation_direct.{k}", f"litigation_after_review.{k}"), (words, ("诉讼",)), CASE_UNITS
        )
        for k, words in REVIEW_RESULTS
    )
    return review + litigation


LINKS: tuple[Link, ...] = (
    # ---- table 四 --------------------------------------------------------------
    *review_result_links(),
    Link("复议和诉讼", total("review.total", *LITIGATION), (("复议",), ("诉讼",)), CASE_UNITS, carry=False),
    Link("行政复议", one("review.total"), (("复议",),), CASE_UNITS, exclude=("诉讼", "起诉")),
    Link("行政诉讼", total(*LITIGATION), (("诉讼", "起诉"),), CASE_UNITS),
    # ---- table 三 --------------------------------------------------------------
    Link(
        "上年结转", one("applications.carried_in.total"), (("上年结转", "上年", "去年"), ("结转", "转结")), CASE_UNITS
    ),
    Link("结转下年", one("applications.carried_out.total"), (("结转", "转结", "顺延"),), CASE_UNITS, exclude=("上年",)),
    Link(
        "予以公开及部分公开",
        total("applications.granted.total", "applications.partial.total"),
        (("予以公开", "全部公开"), ("部分公开",)),
        CASE_UNITS,
        carry=False,
    ),
    Link("部分公开", one("applications.partial.total"), (("部分公开",),), CASE_UNITS),
    Link(
        "不予公开", total(*DENIED), (("不予公开", "不予以公开", "不公开", "不予"),), CASE_UNITS, exclude=("不予处理",)
    ),
    Link(
        "予以公开",
        one("applications.granted.total"),
        (("予以公开", "同意公开", "全部公开"),),
        CASE_UNITS,
        exclude=("不予", "部分"),
    ),
    Link(
        "本机关不掌握",
        one("applications.unavailable.not_held.total"),
        (("不存在", "不掌握", "不属", "非本机关", "非我"),),
        CASE_UNITS,
    ),
    Link("无法提供", total(*UNAVAILABLE), (("无法提供",),), CASE_UNITS),
    Link("不予处理", total(*NOT_PROCESSED), (("不予处理",),), CASE_UNITS),
    Link("其他处理", (("applications.other.total",), OTHER_2021), (("其他处理", "撤回", "撤销", "逾期"),), CASE_UNITS),
    Link(
        "办结", one("applications.results_total.total"), (("办结", "答复", "办理完毕", "已办理", "处理完"),), CASE_UNITS
    ),
    Link(
        "自然人申请",
        one("applications.new.natural_person"),
        (("自然人",), ("申请", "提出", "收到")),
        CASE_UNITS,
    ),
    *(
        Link(
            f"{label}申请", one(f"applications.new.{column}"), ((label,), ("申请", "收到", "涉及", "提出")), CASE_UNITS
        )
        for column, label in ORG_LABELS
    ),
    Link(
        "法人或其他组织申请",
        total(*(f"applications.new.{c}" for c in ORG_COLUMNS)),
        (("法人", "组织", "企业"), ("申请", "提出", "收到")),
        CASE_UNITS,
    ),
    Link("本年新收", one("applications.new.total"), (("新收",),), APPLICATION_UNITS),
    Link(
        "收到申请",
        one("applications.new.total"),
        (("收到", "受理", "接收", "接到", "办理", "共"), ("申请",)),
        APPLICATION_UNITS,
        exclude=BREAKDOWN_WORDS,
        total_lifts_exclude=True,
    ),
    Link(
        "申请",
        one("applications.new.total"),
        (("申请",),),
        APPLICATION_UNITS,
        exclude=BREAKDOWN_WORDS,
        adjacent=True,
        total_lifts_exclude=True,
    ),
    # ---- table 二 --------------------------------------------------------------
    Link(
        "制发规章",
        one("active.regulations.issued", "active.regulations.made"),
        (("规章",), ("制发", "印发", "出台", "制定", "新增", "公布", "新制作")),
        ITEM_UNITS,
        exclude=("规范性文件", "废止", "有效", "清理"),
    ),
    Link(
        "制发规范性文件",
        one("active.normative.issued", "active.normative.made"),
        (("规范性文件",), ("制发", "印发", "出台", "制定", "发布", "新制作")),
        ITEM_UNITS,
        exclude=("解读", "废止", "有效", "清理"),
    ),
    Link(
        "现行有效规范性文件",
        one("active.normative.in_force", "active.normative.total"),
        (("规范性文件",), ("有效",)),
        ITEM_UNITS,
    ),
    Link("废止规范性文件", one("active.normative.repealed"), (("规范性文件",), ("废止",)), ITEM_UNITS),
    Link(
        "处罚和强制",
        total("active.penalty.decisions", "active.coercion.decisions"),
        (("处罚",), ("强制",)),
        DECISION_UNITS,
        exclude=NOT_DECISIONS,
        carry=False,
    ),
    *(
        Link(f"{label}决定", one(key), ((label,), DECISION_WORDS), NAMED_DECISION_UNITS, exclude=NOT_DECISIONS)
        for label, key in DECISION_ROWS
    ),
    Link("行政许可", one("active.licensing.decisions"), (("行政许可", "许可"),), DECISION_UNITS, exclude=NOT_DECISIONS),
    Link("行政处罚", one("active.penalty.decisions"), (("行政处罚", "处罚"),), DECISION_UNITS, exclude=NOT_DECISIONS),
    Link("行政强制", one("active.coercion.decisions"), (("行政强制",),), DECISION_UNITS, exclude=NOT_DECISIONS),
    Link("行政事业性收费", one("active.fees.amount"), (("收费",),), ("万元", "元")),
    # ---- legacy 统计指标 --------------------------------------------------------
    # The total before the channels: 网站主动公开…5500余条 is the total, not the website channel.
    Link(
        "主动公开政府信息",
        one("stats.active.total"),
        (("主动公开", "公布"), ("信息",)),
        ("条",),
        exclude=("微博", "微信", "公报", "其中", "其他", "规范性文件"),
    ),
    Link("政府公报公开", one("stats.active.gazette"), (("公报",), ("公开", "发布")), ("条",)),
    Link("政府网站公开", one("stats.active.website"), (("网站",), ("公开",)), ("条",), exclude=("微博", "微信")),
    Link("政务微博公开", one("stats.active.weibo"), (("微博",), ("公开",)), ("条",)),
    Link("政务微信公开", one("stats.active.wechat"), (("微信",), ("公开",)), ("条",)),
    Link("其他方式公开", one("stats.active.other"), (("其他方式",), ("公开",)), ("条",)),
    Link("政策解读", one("stats.responses.interpretations"), (("解读",),), ("篇", "条")),
    Link("新闻发布会", one("stats.responses.press_conferences"), (("发布会",),), ("次", "场")),
    Link("在线访谈", one("stats.responses.online_interviews"), (("访谈",),), ("次", "期", "场")),
    Link("培训人员", one("stats.meetings.trainees"), (("培训",),), ("人", "人次")),
    Link("培训班", one("stats.meetings.trainings"), (("培训",),), ("次", "期", "场")),
)
