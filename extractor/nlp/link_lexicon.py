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

import re
from dataclasses import dataclass, replace

COUNT_UNITS = ("件", "个", "次", "起", "项", "条")
# 条 counts published items (行政许可类信息69条), not decisions; 起 counts cases (行政处罚25起).
DECISION_UNITS = ("件", "个", "项", "次", "起")
# …unless the clause names the decisions themselves (处理决定数量312条, 行政处罚结果82条).
NAMED_DECISION_UNITS = (*DECISION_UNITS, "条")
DECISION_WORDS = ("决定", "结果", "办结")
DECISION_ROWS = (
    ("许可", "active.licensing.decisions"),
    ("处罚", "active.penalty.decisions"),
    ("强制", "active.coercion.decisions"),
)
CASE_UNITS = ("件", "起", "个", "次", "宗", "例")
# Applications are counted in 件 by the format, and in 条, 项 or 份 by many reports (收到申请3条).
APPLICATION_UNITS = (*CASE_UNITS, "条", "项", "份")
ITEM_UNITS = ("条", "件", "个", "项", "份", "部")  # 份: documents (制定4份规范性文件); 部: rules (规章4部)
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
NOT_DECISIONS = ("类", "许可证", "证", "事项", "目录", "清单", "申请")  # 许可申请: applications, not decisions
# Documents counted with others (规范性文件及其他文件29件, 政策及规范性文件25条): not the row's count alone.
WITH_OTHER_DOCUMENTS = tuple(
    f"{joint}{other}" for joint in ("及", "和", "与") for other in ("其他", "其它", "规范性文件", "行政规范性文件")
)
# …and documents that are not of the row at all.
NOT_THE_ROWS_DOCUMENTS = ("非规范性文件", *WITH_OTHER_DOCUMENTS)
# Words that make a clause a breakdown by channel or applicant, not a total (网络申请21件，其他方式申请18件;
# 邮件申请7件，官网申请4件).
CHANNEL_WORDS = (
    "通过",
    "网络",
    "网上",
    "在线",
    "线上",
    "线下",
    "邮寄",
    "快递",
    "信函",
    "现场",
    "当面",
    "传真",
    "邮件",
    "官网",
    "方式",
    # the Regulations' own: 书面形式 (信件, 数据电文) or 口头; and by telephone
    "书面",
    "信件",
    "口头",
    "电话",
)
BREAKDOWN_WORDS = (*CHANNEL_WORDS, "其中", "自然人", "法人")
# A count after a channel's name (网上申请21件, 通过信函提交3件): two of them in a sentence make its counts parts by
# channel; one alone (本年度通过门户网站收到申请2件) is the requests' count, the channel only said in passing.
CHANNEL_COUNT = re.compile(rf"({'|'.join(CHANNEL_WORDS)})[^，,。；;、0-9０-９]{{0,16}}[0-9０-９]")
# The format's 部分公开 row, and its paraphrase with the verb of 予以公开 (部分予以公开1件).
PARTIAL = ("部分公开", "部分予以公开")
# Words that make a count one of all the years (历年累计受理申请0件), not of the report's year: no table cell.
ACROSS_YEARS = ("历年",)


# Applications for licences and approvals (收到行政许可申请114738件, 办结行政许可事项9110件): the body's licensing
# work, not requests for information.
LICENSING_MATTERS = ("许可", "审批")
# …nor are the services a body provides on application (依申请事项1209项, 公共服务事项清单12项).
SERVICE_MATTERS = ("服务事项", "政务服务", "事项清单")
NOT_REQUESTS = (*LICENSING_MATTERS, *SERVICE_MATTERS)
# Refusals to take a request up (不予受理4件, 不予立案): no cell of the tables counts them, though 受理 is a verb of
# receiving.
REFUSED_INTAKE = ("不予受理", "不予立案", "不受理")
# The verbs of receiving requests: a clause with one counts the requests received, though it says they were
# answered too (共收到并按时办结16件申请); 办理 alone counts those handled (table 三's 办理结果).
RECEIVING = ("收到", "受理", "接收", "接到")
# Requests still being handled at the year's end (7件正在办理中): those carried to the next year.
STILL_IN_HAND = ("正在办理", "仍在办理")
# Other things a body receives and answers besides information requests: a bare verb (办结71件, 已答复3件)
# counts the last of them named before it in the sentence, not the requests named earlier.
OTHER_SUBJECTS = ("留言", "信箱", "热线", "建议", "提案", "信访", "诉求", "交办", "来信", "来电", "咨询", "12345")
# Words for last year; a report on 2023 also names it 2022年 (linking reads that as these).
LAST_YEAR_WORDS = ("上年", "去年", "上一年", "上年度")
# "申请41件（含上年度结转1件）", "4件，其中上年度结转2件": the count holds last year's carried-in requests.
INCLUDES_CARRIED_IN = re.compile(
    r"\s*[（(，,]?\s*(含|包含|包括|其中)[^，,。；;）)]{0,8}?(上年|上一年|去年|20\d\d年)[^，,。；;）)]{0,4}(结转|转结)"
)


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
    # Does the claim count a cell only when the document has the table (the legacy 统计指标 table,
    # which the 2019 and 2021 formats dropped: their 主动公开…条 counts no cell of theirs)?
    needs_table: bool = False
    # Is the first group read in the whole clause, across 、 (a row label that holds one: 申请人无正当
    # 理由逾期不补正、行政机关不再处理其政府信息公开申请)?
    whole_clause: bool = False
    # The 2019 format's table 二 column the link counts (prev_items, change, decisions), if one.
    item_column: str | None = None
    # Subjects that, named after the sentence's last 申请 and before the number, rule the link out.
    other_subjects: tuple[str, ...] = ()


def one(*keys: str) -> tuple[tuple[str, ...], ...]:
    """Alternatives of single keys: the first present in the report is used."""
    return tuple((k,) for k in keys)


def total(*keys: str) -> tuple[tuple[str, ...], ...]:
    return (tuple(keys),)


REVIEW_RESULTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("upheld", ("维持", "驳回")),  # 驳回复议申请, 驳回诉讼请求: the act stands
    ("corrected", ("纠正", "纠错", "撤销", "确认违法")),
    ("other", ("其他结果",)),
    ("pending", ("尚未审结", "未审结", "尚未办结", "审理中", "正在复议", "正在审理")),
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


# How prose says each of 行政诉讼's two blocks besides the format's heading (复议后提起行政诉讼1件).
LITIGATION_PARAPHRASES: dict[str, tuple[str, ...]] = {
    "litigation_direct": ("未经复议", "直接起诉", "直接提起行政诉讼", "直接提起诉讼"),
    "litigation_after_review": ("复议后提起行政诉讼", "复议后提起诉讼", "复议后又提起", "经复议后"),
}


def litigation_block_links() -> tuple[Link, ...]:
    """行政诉讼's two blocks by the format's own headings (其中未经复议直接起诉2件, 复议后起诉1件) and their
    paraphrases."""
    from extractor.formats import load_format

    blocks = {b.id: b.heading for b in load_format("2021").table("四").blocks if b.group == "行政诉讼"}
    return tuple(
        Link(heading, one(f"{block}.total"), ((heading, *LITIGATION_PARAPHRASES.get(block, ())),), CASE_UNITS)
        for block, heading in blocks.items()
    )


# ---- legacy 统计指标 ----------------------------------------------------------------
# Only where the document has that table: the 2019 and 2021 formats dropped it, and their
# 主动公开…条 or 政策解读…篇 count no cell of theirs.
# ---- table 三's reasons ---------------------------------------------------------------
# Why a request was not answered with the information, by the core words of the format's own row
# labels (enough alone: 没有现成信息需要另行制作4件) and by common paraphrases, which count only
# with the outcome they explain in the clause or earlier in the sentence (个人隐私 … 不予公开).
OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    "denied": ("不予公开", "不予以公开", "不公开"),
    "unavailable": ("无法提供", "不能提供"),
    "not_processed": ("不予处理", "不予以处理", "不作为", "不再处理"),
    "other": ("不再处理", "其他处理"),
}
REASONS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    # (row, label words, paraphrases)
    ("denied.state_secret", ("国家秘密",), ()),
    ("denied.law_prohibited", ("禁止公开",), ()),
    ("denied.security", ("三安全一稳定",), ("国家安全", "公共安全", "经济安全", "社会稳定")),
    ("denied.third_party", ("第三方合法权益",), ("第三方", "个人隐私", "商业秘密")),
    ("denied.internal", ("内部事务",), ()),
    ("denied.process", ("过程性信息",), ()),
    ("denied.enforcement_file", ("执法案卷",), ()),
    ("denied.query", ("查询事项",), ("行政查询",)),
    ("unavailable.needs_creation", ("另行制作",), ("现成信息",)),
    ("unavailable.unclear", ("仍不明确",), ("不明确",)),
    ("not_processed.petition", ("信访举报投诉",), ("信访", "投诉", "举报")),
    ("not_processed.duplicate", ("重复申请",), ()),
    ("not_processed.publication", ("公开出版物",), ("出版物",)),
    ("not_processed.excessive", ("大量反复",), ()),
    ("not_processed.confirmation", ("重新出具",), ()),
    ("other.overdue_correction", ("逾期不补正",), ("不补正",)),
    ("other.overdue_fee", ("收费通知", "缴纳费用"), ()),
)


def reason_links() -> tuple[Link, ...]:
    """One link per reason by its label words, one by its paraphrases with the outcome."""
    links = []
    for row, label_words, paraphrases in REASONS:
        keys = one(f"applications.{row}.total")
        links.append(Link(f"{row}", keys, (label_words,), APPLICATION_UNITS, whole_clause=True))
        if paraphrases:
            outcome = OUTCOME_WORDS[row.split(".")[0]]
            links.append(Link(f"{row}（释义）", keys, (paraphrases, outcome), APPLICATION_UNITS, whole_clause=True))
    return tuple(links)


LEGACY_PREFIX = "stats."
LEGACY_LINKS: tuple[Link, ...] = tuple(
    replace(link, needs_table=True)
    for link in (
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
)


LINKS: tuple[Link, ...] = (
    # ---- table 四 --------------------------------------------------------------
    *review_result_links(),
    *litigation_block_links(),
    # 无行政复议、行政诉讼纠错案件, 无…败诉: the cases in which the body was corrected (table 四's 结果纠正, all three).
    Link(
        "复议和诉讼纠错",
        total(*(f"{block}.corrected" for block in ("review", "litigation_direct", "litigation_after_review"))),
        (("复议",), ("诉讼", "起诉"), ("纠错", "纠正", "败诉")),
        CASE_UNITS,
        carry=False,
    ),
    Link("复议和诉讼", total("review.total", *LITIGATION), (("复议",), ("诉讼", "起诉")), CASE_UNITS, carry=False),
    Link("行政复议", one("review.total"), (("复议",),), CASE_UNITS, exclude=("诉讼", "起诉")),
    Link("行政诉讼", total(*LITIGATION), (("诉讼", "起诉"),), CASE_UNITS),
    # ---- table 三 --------------------------------------------------------------
    Link(
        "上年结转",
        one("applications.carried_in.total"),
        (("上年结转", "上年", "去年"), ("结转", "转结")),
        APPLICATION_UNITS,
    ),
    Link(
        "结转下年",
        one("applications.carried_out.total"),
        (("结转", "转结", "顺延", "下年度继续", "转下年", "转下一年", "转入下一年", *STILL_IN_HAND),),
        APPLICATION_UNITS,
        exclude=LAST_YEAR_WORDS,
    ),
    Link(
        "予以公开及部分公开",
        total("applications.granted.total", "applications.partial.total"),
        (("予以公开", "全部公开", "全部或"), ("部分公开",)),  # not 部分予以公开: its 予以公开 is the part's own
        APPLICATION_UNITS,
        carry=False,
    ),
    *reason_links(),
    Link("部分公开", one("applications.partial.total"), (PARTIAL,), APPLICATION_UNITS),
    Link(
        "不予公开",
        total(*DENIED),
        (("不予公开", "不予以公开", "不公开", "不予"),),
        APPLICATION_UNITS,
        # 不予 refuses something else there: the request itself (不予受理), a licence or a penalty (不予行政处罚)
        exclude=("不予处理", "不予受理", "不予立案", *LICENSING_MATTERS, "处罚"),
    ),
    Link(
        "予以公开",
        one("applications.granted.total"),
        (("予以公开", "同意公开", "准予公开", "全部公开"),),
        APPLICATION_UNITS,
        exclude=("不予", "部分"),
    ),
    Link(
        "本机关不掌握",
        one("applications.unavailable.not_held.total"),
        (("不存在", "不掌握", "不属", "非本机关", "非我"),),
        APPLICATION_UNITS,
    ),
    Link("无法提供", total(*UNAVAILABLE), (("无法提供",),), APPLICATION_UNITS),
    Link("不予处理", total(*NOT_PROCESSED), (("不予处理",),), APPLICATION_UNITS),
    # 其他处理's first two rows by their reasons (逾期未补正视为放弃, 逾期未按收费通知缴纳费用); the 2019 format
    # has only one 其他处理 row, which the report's own keys choose.
    Link(
        "逾期不补正",
        (("applications.other.overdue_correction.total",), ("applications.other.total",)),
        (("未补正", "不补正"),),
        APPLICATION_UNITS,
    ),
    Link(
        "逾期不缴费",
        (("applications.other.overdue_fee.total",), ("applications.other.total",)),
        (("未缴纳", "未缴费", "不缴纳", "未按收费通知"),),
        APPLICATION_UNITS,
    ),
    Link(
        "其他处理",
        (("applications.other.total",), OTHER_2021),
        (("其他处理", "撤回", "撤销", "逾期"),),
        APPLICATION_UNITS,
    ),
    Link(
        "办结",
        one("applications.results_total.total"),
        (("办结", "答复", "办理完毕", "已办理", "处理完"),),
        APPLICATION_UNITS,
        exclude=(*NOT_REQUESTS, *RECEIVING),
        other_subjects=OTHER_SUBJECTS,
    ),
    # 办理 and 回复 alone are any work (办理相关案件74件, 线上回复热点信息430条): requests handled or answered only
    # where the sentence names requests.
    Link(
        "办理申请",
        one("applications.results_total.total"),
        (("办理", "回复"), ("申请", "依申请公开")),
        APPLICATION_UNITS,
        # …and not those handled through one channel (其中线上办理26件): a part
        exclude=(*NOT_REQUESTS, *RECEIVING, *STILL_IN_HAND, *BREAKDOWN_WORDS),
        total_lifts_exclude=True,
        other_subjects=OTHER_SUBJECTS,
    ),
    # The Regulations' phrase for every applicant (第二十七条: 公民、法人或者其他组织…申请), read across its 、.
    Link(
        "公民、法人或者其他组织申请",
        one("applications.new.total"),
        (("公民",), ("法人", "组织"), ("申请", "提出", "收到")),
        APPLICATION_UNITS,
        carry=False,
        whole_clause=True,
    ),
    Link(
        "自然人申请",
        one("applications.new.natural_person"),
        (("自然人",), ("申请", "提出", "收到")),
        APPLICATION_UNITS,
    ),
    # 公民 alone: the Regulations' word for natural persons, the 自然人 column.
    Link(
        "公民申请",
        one("applications.new.natural_person"),
        (("公民",), ("申请", "提出", "收到")),
        APPLICATION_UNITS,
        exclude=("法人", "组织"),
    ),
    *(
        Link(
            f"{label}申请",
            one(f"applications.new.{column}"),
            ((label,), ("申请", "收到", "涉及", "提出")),
            APPLICATION_UNITS,
        )
        for column, label in ORG_LABELS
    ),
    Link(
        "法人或其他组织申请",
        total(*(f"applications.new.{c}" for c in ORG_COLUMNS)),
        (("法人", "组织", "企业"), ("申请", "提出", "收到")),
        APPLICATION_UNITS,
    ),
    Link("本年新收", one("applications.new.total"), (("新收",),), APPLICATION_UNITS),
    Link(
        "收到申请",
        one("applications.new.total"),
        ((*RECEIVING, "共"), ("申请",)),
        APPLICATION_UNITS,
        exclude=(*BREAKDOWN_WORDS, *NOT_REQUESTS),
        total_lifts_exclude=True,
        other_subjects=OTHER_SUBJECTS,
    ),
    Link(
        "申请",
        one("applications.new.total"),
        (("申请", "依申请公开", "依申请公开事项"),),  # 依申请公开0件: the requests, by the section's own name
        APPLICATION_UNITS,
        exclude=(*BREAKDOWN_WORDS, *NOT_REQUESTS),
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
        (("规范性文件",), ("制发", "印发", "印制", "出台", "制定", "发布", "新制作")),
        ITEM_UNITS,
        exclude=("解读", "废止", "有效", "清理", *NOT_THE_ROWS_DOCUMENTS),
    ),
    Link(
        "现行有效规范性文件",
        one("active.normative.in_force", "active.normative.total"),
        (("规范性文件",), ("有效",)),
        ITEM_UNITS,
        exclude=NOT_THE_ROWS_DOCUMENTS,
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
    # 行政强制 by its measures in the Administrative Coercion Law (查封, 扣押: 办理查封扣押案件5件)
    Link(
        "行政强制",
        one("active.coercion.decisions"),
        (("行政强制", "查封", "扣押"),),
        DECISION_UNITS,
        exclude=NOT_DECISIONS,
    ),
    Link("行政事业性收费", one("active.fees.amount"), (("收费",),), ("万元", "元")),
    *LEGACY_LINKS,
)

# ---- "其他" closing a list of the table's rows or columns -----------------------------------------
# "其中予以公开2件，无法提供1件，其他0件" counts 三's 其他处理 row; "自然人申请9件，商业企业申请2件，其他申请
# 1件" the 其他 applicant column: the list's dimension decides (the link of the count before it).
RESULT_LINKS = frozenset(
    {"予以公开及部分公开", "部分公开", "不予公开", "予以公开", "本机关不掌握", "无法提供", "不予处理"}
    | {link.name for link in reason_links()}
)
APPLICANT_LINKS = frozenset({"自然人申请", "法人或其他组织申请", *(f"{label}申请" for _, label in ORG_LABELS)})
OTHER_APPLICANT = Link("其他申请人", one("applications.new.other_org"), (), APPLICATION_UNITS)
OTHER_RESULT = next(link for link in LINKS if link.name == "其他处理")
OTHER_PART = re.compile(r"(其他|其它)(申请人?|处理|情形|情况)?[的共计为是]*")
# The rest of a list (其余5件均予以答复, 剩余3件): a part of the count before it, never that count's own cell.
REST_OF_LIST = re.compile(r"[“\"「]?(其余|剩余|余下)")


def other_in_list(previous: str | None) -> Link | None:
    """The link of a bare 其他 after a count linked to ``previous`` (a link name), if the list has a 其他."""
    if previous in RESULT_LINKS:
        return OTHER_RESULT
    return OTHER_APPLICANT if previous in APPLICANT_LINKS else None


# The links whose count is of new requests, and the one they become when the count holds the carried-in.
COUNTS_NEW = frozenset({"本年新收", "收到申请", "申请", "公民、法人或者其他组织申请"})
NEW_WITH_CARRIED_IN = Link(
    "收到申请含上年结转", total("applications.new.total", "applications.carried_in.total"), (), APPLICATION_UNITS
)

# ---- table 二's document rows: 规章 and 规范性文件 ----------------------------------------
# A claim counts the row whose name stands last before it in the sentence, in the column its own part
# names (the formats' column names and their common verbs); a part that names no column counts the
# row's documents of the year (制发 in 2021, 新公开 in 2019), only with the row's name right before it
# (规范性文件0条, 主动公开行政规范性文件4件); a part that names only a column continues the row of the
# count before it (制发本部门规范性文件0件，废止失效文件0件).  The first column whose word the part holds wins.
DOCUMENT_ROWS = re.compile(r"(?P<normative>规范性文件)|(?P<regulations>规章)(?!制度)")  # 规章制度: rules in general
DOCUMENT_COLUMNS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    # (words of the column, the columns counted: one alternative per format, the report's own first)
    (("废止", "失效", "废除"), ("repealed",)),
    (("现行有效", "有效", "正在实施"), ("in_force", "total")),
    (("对外公开总数", "公开总数", "总数"), ("total", "in_force")),
    (("新公开",), ("published", "issued")),
    (("制发", "印发", "印制", "出台", "制定", "新制作", "制作", "发布", "公布", "新增"), ("issued", "made")),
)
DOCUMENT_OF_THE_YEAR: tuple[str, ...] = ("issued", "published")
# Words that make a count of the row's documents something else: their explanations, reviews, clean-ups.
NOT_DOCUMENTS = ("解读", "清理", "备案", "审查", "审核", "申请", *NOT_THE_ROWS_DOCUMENTS)
# …but a clean-up that names its column (清理废止文件0件) counts that column.
CLEARED_BY_A_COLUMN = ("清理",)
# What a part may hold besides a column word when the row was named earlier in the sentence (废止失效文件).
DOCUMENT_FILLER = re.compile(
    r"(本年度?|全年|[0-9]{4}年度?|其中|共|共计|合计|文件|件数|数量|量|总|为|的|是|达|了|继续|仍|清理|予以|宣布|及|和|以及|\s)*"
)


# ---- the 2019 format's columns of table 二 ----------------------------------------------
# Its rows 行政许可, 其他对外管理服务事项, 行政处罚 and 行政强制 have three columns: 上一年项目数量,
# 本年增/减 and 处理决定数量.  A claim names its row (the nearest row word before it in the
# sentence) and its column (a column word in its own clause); a change against last year
# (较上年增加85件) is the 增/减 column.
ITEM_ROWS: tuple[tuple[str, str], ...] = (
    ("其他对外管理服务", "other_services"),
    ("许可", "licensing"),
    ("处罚", "penalty"),
    ("强制", "coercion"),
)
ITEM_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prev_items", LAST_YEAR_WORDS),
    ("change", ("新增", "增加", "减少", "增/减", "增减")),
    ("decisions", ("处理决定", "决定", "办理结果", "作出")),  # 共作出行政处罚29件
)
ITEM_COLUMN_UNITS = ("项", "个", "条", "件")
