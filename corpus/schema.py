"""The two table formats as data: labels, canonical keys and arithmetic relations.

Keys follow /work/shared/spec/fields.md exactly.  Everything a renderer needs
to lay out tables 二, 三 and 四 is described here; nothing here is random.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

FORMAT_2019 = "2019"
FORMAT_2021 = "2021"
FORMATS = (FORMAT_2019, FORMAT_2021)

Value = int | float | None

# ---------------------------------------------------------------- table 二 --


@dataclass(frozen=True)
class ActiveBlock:
    """One 第二十条 block of table 二: a title row, a header row, value rows.

    ``spans`` gives the column span of the header and value cells after the
    label column (the table is four columns wide).
    """

    article: str
    headers: tuple[str, ...]
    spans: tuple[int, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (row label, keys)


ACTIVE_COLUMNS = 4

ACTIVE_BLOCKS: Mapping[str, tuple[ActiveBlock, ...]] = {
    FORMAT_2019: (
        ActiveBlock(
            "第二十条第（一）项",
            ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
            (1, 1, 1),
            (
                ("规章", ("active.regulations.made", "active.regulations.published", "active.regulations.total")),
                ("规范性文件", ("active.normative.made", "active.normative.published", "active.normative.total")),
            ),
        ),
        ActiveBlock(
            "第二十条第（五）项",
            ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
            (1, 1, 1),
            (
                ("行政许可", ("active.licensing.prev_items", "active.licensing.change", "active.licensing.decisions")),
                (
                    "其他对外管理服务事项",
                    (
                        "active.other_services.prev_items",
                        "active.other_services.change",
                        "active.other_services.decisions",
                    ),
                ),
            ),
        ),
        ActiveBlock(
            "第二十条第（六）项",
            ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
            (1, 1, 1),
            (
                ("行政处罚", ("active.penalty.prev_items", "active.penalty.change", "active.penalty.decisions")),
                ("行政强制", ("active.coercion.prev_items", "active.coercion.change", "active.coercion.decisions")),
            ),
        ),
        ActiveBlock(
            "第二十条第（八）项",
            ("信息内容", "上一年项目数量", "本年增/减"),
            (1, 2),
            (("行政事业性收费", ("active.fees.prev_items", "active.fees.change")),),
        ),
        ActiveBlock(
            "第二十条第（九）项",
            ("信息内容", "采购项目数量", "采购总金额"),
            (1, 2),
            (("政府集中采购", ("active.procurement.items", "active.procurement.amount")),),
        ),
    ),
    FORMAT_2021: (
        ActiveBlock(
            "第二十条第（一）项",
            ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
            (1, 1, 1),
            (
                ("规章", ("active.regulations.issued", "active.regulations.repealed", "active.regulations.in_force")),
                (
                    "行政规范性文件",
                    ("active.normative.issued", "active.normative.repealed", "active.normative.in_force"),
                ),
            ),
        ),
        ActiveBlock(
            "第二十条第（五）项",
            ("信息内容", "本年处理决定数量"),
            (3,),
            (("行政许可", ("active.licensing.decisions",)),),
        ),
        ActiveBlock(
            "第二十条第（六）项",
            ("信息内容", "本年处理决定数量"),
            (3,),
            (("行政处罚", ("active.penalty.decisions",)), ("行政强制", ("active.coercion.decisions",))),
        ),
        ActiveBlock(
            "第二十条第（八）项",
            ("信息内容", "本年收费金额（单位：万元）"),
            (3,),
            (("行政事业性收费", ("active.fees.amount",)),),
        ),
    ),
}

CHANGE_KEYS = frozenset(
    f"active.{item}.change" for item in ("licensing", "other_services", "penalty", "coercion", "fees")
)
MONEY_KEYS = frozenset({"active.procurement.amount", "active.fees.amount"})

# ---------------------------------------------------------------- table 三 --

APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social_org", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
APPLICANTS = tuple(key for key, _ in APPLICANT_COLUMNS[:-1])
ORG_HEADER = "法人或其他组织"
APPLICANT_HEADER = "申请人情况"
CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICATION_LABEL_COLUMNS = 3

RESULTS = "三、本年度办理结果"
DENIED = "（三）不予公开"
UNAVAILABLE = "（四）无法提供"
NOT_PROCESSED = "（五）不予处理"
OTHER = "（六）其他处理"

# (row key, label path, formats).  A path of one label spans the three label
# columns; under RESULTS the last label spans what is left.
APPLICATION_ROWS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("new", ("一、本年新收政府信息公开申请数量",), FORMATS),
    ("carried_in", ("二、上年结转政府信息公开申请数量",), FORMATS),
    ("granted", (RESULTS, "（一）予以公开"), FORMATS),
    ("partial", (RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), FORMATS),
    ("denied.state_secret", (RESULTS, DENIED, "1.属于国家秘密"), FORMATS),
    ("denied.law_prohibited", (RESULTS, DENIED, "2.其他法律行政法规禁止公开"), FORMATS),
    ("denied.security", (RESULTS, DENIED, "3.危及“三安全一稳定”"), FORMATS),
    ("denied.third_party", (RESULTS, DENIED, "4.保护第三方合法权益"), FORMATS),
    ("denied.internal", (RESULTS, DENIED, "5.属于三类内部事务信息"), FORMATS),
    ("denied.process", (RESULTS, DENIED, "6.属于四类过程性信息"), FORMATS),
    ("denied.enforcement_file", (RESULTS, DENIED, "7.属于行政执法案卷"), FORMATS),
    ("denied.query", (RESULTS, DENIED, "8.属于行政查询事项"), FORMATS),
    ("unavailable.not_held", (RESULTS, UNAVAILABLE, "1.本机关不掌握相关政府信息"), FORMATS),
    ("unavailable.needs_creation", (RESULTS, UNAVAILABLE, "2.没有现成信息需要另行制作"), FORMATS),
    ("unavailable.unclear", (RESULTS, UNAVAILABLE, "3.补正后申请内容仍不明确"), FORMATS),
    ("not_processed.petition", (RESULTS, NOT_PROCESSED, "1.信访举报投诉类申请"), FORMATS),
    ("not_processed.duplicate", (RESULTS, NOT_PROCESSED, "2.重复申请"), FORMATS),
    ("not_processed.publication", (RESULTS, NOT_PROCESSED, "3.要求提供公开出版物"), FORMATS),
    ("not_processed.excessive", (RESULTS, NOT_PROCESSED, "4.无正当理由大量反复申请"), FORMATS),
    ("not_processed.confirmation", (RESULTS, NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息"), FORMATS),
    ("other", (RESULTS, OTHER), (FORMAT_2019,)),
    (
        "other.overdue_correction",
        (RESULTS, OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        (FORMAT_2021,),
    ),
    (
        "other.overdue_fee",
        (RESULTS, OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        (FORMAT_2021,),
    ),
    ("other.other", (RESULTS, OTHER, "3.其他"), (FORMAT_2021,)),
    ("results_total", (RESULTS, "（七）总计"), FORMATS),
    ("carried_out", ("四、结转下年度继续办理",), FORMATS),
)

NON_RESULT_ROWS = frozenset({"new", "carried_in", "results_total", "carried_out"})


def application_rows(fv: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Rows of table 三 of format ``fv``: (row key, label path)."""
    return tuple((key, path) for key, path, fvs in APPLICATION_ROWS if fv in fvs)


def result_rows(fv: str) -> tuple[str, ...]:
    """The 办理结果 rows whose sum is ``results_total``."""
    return tuple(key for key, _ in application_rows(fv) if key not in NON_RESULT_ROWS)


def application_key(row: str, column: str) -> str:
    return f"applications.{row}.{column}"


# ---------------------------------------------------------------- table 四 --

REVIEW_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
REVIEW_BLOCKS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
)
LITIGATION_HEADER = "行政诉讼"


def review_keys() -> tuple[str, ...]:
    return tuple(f"{block}.{outcome}" for block, _ in REVIEW_BLOCKS for outcome, _ in REVIEW_OUTCOMES)


# ------------------------------------------------------------------- keys --


def active_keys(fv: str) -> tuple[str, ...]:
    return tuple(key for block in ACTIVE_BLOCKS[fv] for _, keys in block.rows for key in keys)


def application_keys(fv: str) -> tuple[str, ...]:
    return tuple(application_key(row, column) for row, _ in application_rows(fv) for column, _ in APPLICANT_COLUMNS)


def all_keys(fv: str) -> tuple[str, ...]:
    """Every canonical key a report of format ``fv`` carries, in table order."""
    return active_keys(fv) + application_keys(fv) + review_keys()


# ------------------------------------------------------------- arithmetic --


def _num(tables: Mapping[str, Value], key: str) -> float:
    value = tables.get(key)
    return 0 if value is None else value


def relation_violations(tables: Mapping[str, Value], fv: str) -> list[str]:
    """Every arithmetic relation of fields.md that ``tables`` breaks (null counts as 0)."""
    problems: list[str] = []
    columns = [column for column, _ in APPLICANT_COLUMNS]
    for row, _ in application_rows(fv):
        parts = sum(_num(tables, application_key(row, c)) for c in APPLICANTS)
        if parts != _num(tables, application_key(row, "total")):
            problems.append(f"applications.{row}: applicant columns do not add up to total")
    for column in columns:
        get = lambda row, c=column: _num(tables, application_key(row, c))  # noqa: E731
        if sum(get(row) for row in result_rows(fv)) != get("results_total"):
            problems.append(f"applications.*.{column}: result rows do not add up to results_total")
        if get("new") + get("carried_in") != get("results_total") + get("carried_out"):
            problems.append(f"applications.*.{column}: new + carried_in != results_total + carried_out")
    for block, _ in REVIEW_BLOCKS:
        parts = sum(_num(tables, f"{block}.{o}") for o, _ in REVIEW_OUTCOMES if o != "total")
        if parts != _num(tables, f"{block}.total"):
            problems.append(f"{block}: outcomes do not add up to total")
    return problems
