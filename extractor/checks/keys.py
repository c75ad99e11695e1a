"""The canonical keys of the standard tables as data, with their labels, for the checks.

Names follow ``/work/shared/spec/fields.md``.  The checks build their relations
and messages from these lists; nothing here reads a document.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from extractor.model import Report

Value = int | float | None

# ---- table 三: 收到和处理政府信息公开申请情况 ----------------------------------------
APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org")
TOTAL_COLUMN = "total"
APPLICATION_COLUMNS = (*APPLICANT_COLUMNS, TOTAL_COLUMN)

INTAKE_ROWS = ("new", "carried_in")
COMMON_RESULT_ROWS = (
    "granted",
    "partial",
    "denied.state_secret",
    "denied.law_prohibited",
    "denied.security",
    "denied.third_party",
    "denied.internal",
    "denied.process",
    "denied.enforcement_file",
    "denied.query",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.unclear",
    "not_processed.petition",
    "not_processed.duplicate",
    "not_processed.publication",
    "not_processed.excessive",
    "not_processed.confirmation",
)
# 三（六）其他处理: one row in the 2019 format, three sub-rows in the 2021 format.
OTHER_RESULT_ROWS: dict[str, tuple[str, ...]] = {
    "2019": ("other",),
    "2021": ("other.overdue_correction", "other.overdue_fee", "other.other"),
}
RESULTS_TOTAL_ROW = "results_total"
CARRIED_OUT_ROW = "carried_out"
APPLICATION_ROWS = (
    *INTAKE_ROWS,
    *COMMON_RESULT_ROWS,
    *(row for rows in OTHER_RESULT_ROWS.values() for row in rows),
    RESULTS_TOTAL_ROW,
    CARRIED_OUT_ROW,
)
DEFAULT_FORMAT = "2021"

# ---- table 四: 行政复议、行政诉讼 --------------------------------------------------
REVIEW_BLOCKS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_PARTS = ("upheld", "corrected", "other", "pending")
REVIEW_TOTAL = "total"

# ---- labels (zh, en) -------------------------------------------------------------
APPLICATION_ROW_LABELS: dict[str, tuple[str, str]] = {
    "new": ("本年新收", "new this year"),
    "carried_in": ("上年结转", "carried over from last year"),
    "granted": ("予以公开", "granted"),
    "partial": ("部分公开", "partly granted"),
    "denied.state_secret": ("不予公开·属于国家秘密", "denied: state secret"),
    "denied.law_prohibited": ("不予公开·其他法律行政法规禁止公开", "denied: barred by other laws"),
    "denied.security": ("不予公开·危及“三安全一稳定”", "denied: security and stability"),
    "denied.third_party": ("不予公开·保护第三方合法权益", "denied: third-party rights"),
    "denied.internal": ("不予公开·属于三类内部事务信息", "denied: internal affairs"),
    "denied.process": ("不予公开·属于四类过程性信息", "denied: process information"),
    "denied.enforcement_file": ("不予公开·属于行政执法案卷", "denied: enforcement file"),
    "denied.query": ("不予公开·属于行政查询事项", "denied: administrative query"),
    "unavailable.not_held": ("无法提供·本机关不掌握相关政府信息", "unavailable: not held"),
    "unavailable.needs_creation": ("无法提供·没有现成信息需要另行制作", "unavailable: would have to be created"),
    "unavailable.unclear": ("无法提供·补正后申请内容仍不明确", "unavailable: still unclear after correction"),
    "not_processed.petition": ("不予处理·信访举报投诉类申请", "not processed: petitions and complaints"),
    "not_processed.duplicate": ("不予处理·重复申请", "not processed: duplicate"),
    "not_processed.publication": ("不予处理·要求提供公开出版物", "not processed: publications"),
    "not_processed.excessive": ("不予处理·无正当理由大量反复申请", "not processed: excessive"),
    "not_processed.confirmation": ("不予处理·要求确认或重新出具已获取信息", "not processed: confirmation"),
    "other": ("其他处理", "other handling"),
    "other.overdue_correction": ("其他处理·逾期不补正", "other: not corrected in time"),
    "other.overdue_fee": ("其他处理·逾期未缴纳费用", "other: fee not paid in time"),
    "other.other": ("其他处理·其他", "other: other"),
    "results_total": ("办理结果总计", "outcomes total"),
    "carried_out": ("结转下年度继续办理", "carried over to next year"),
}
APPLICATION_COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "natural_person": ("自然人", "natural persons"),
    "commercial": ("商业企业", "businesses"),
    "research": ("科研机构", "research institutions"),
    "social_org": ("社会公益组织", "public-interest organisations"),
    "legal_service": ("法律服务机构", "legal service providers"),
    "other_org": ("其他", "other organisations"),
    "total": ("总计", "total"),
}
REVIEW_BLOCK_LABELS: dict[str, tuple[str, str]] = {
    "review": ("行政复议", "administrative review"),
    "litigation_direct": ("行政诉讼·未经复议直接起诉", "litigation without prior review"),
    "litigation_after_review": ("行政诉讼·复议后起诉", "litigation after review"),
}
REVIEW_PART_LABELS: dict[str, tuple[str, str]] = {
    "upheld": ("结果维持", "upheld"),
    "corrected": ("结果纠正", "corrected"),
    "other": ("其他结果", "other outcome"),
    "pending": ("尚未审结", "pending"),
    "total": ("总计", "total"),
}
ACTIVE_ROW_LABELS: dict[str, tuple[str, str]] = {
    "regulations": ("规章", "regulations"),
    "normative": ("规范性文件", "normative documents"),
    "licensing": ("行政许可", "administrative licensing"),
    "other_services": ("其他对外管理服务事项", "other public services"),
    "penalty": ("行政处罚", "administrative penalties"),
    "coercion": ("行政强制", "administrative coercion"),
    "fees": ("行政事业性收费", "administrative fees"),
    "procurement": ("政府集中采购", "government procurement"),
}
ACTIVE_COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "made": ("本年新制作数量", "made this year"),
    "published": ("本年新公开数量", "newly published this year"),
    "total": ("对外公开总数量", "total published"),
    "issued": ("本年制发件数", "issued this year"),
    "repealed": ("本年废止件数", "repealed this year"),
    "in_force": ("现行有效件数", "in force"),
    "prev_items": ("上一年项目数量", "items last year"),
    "change": ("本年增/减", "change this year"),
    "decisions": ("处理决定数量", "decisions"),
    "amount": ("金额", "amount"),
    "items": ("采购项目数量", "procurement items"),
}


# ---- the standard tables -----------------------------------------------------------
@dataclass(frozen=True)
class StandardTable:
    """One table of the format: its id (as in mapping.STANDARD_KINDS), names and key prefixes."""

    id: str
    zh: str
    en: str
    prefixes: tuple[str, ...]

    @property
    def pattern(self) -> str:
        """The table's keys as a pattern, used as a finding's metric."""
        return ",".join(f"{p}*" for p in self.prefixes)

    def owns(self, key: str) -> bool:
        return key.startswith(self.prefixes)


STANDARD_TABLES = (
    StandardTable("active", "表二（主动公开政府信息情况）", "Table 2 (active disclosure)", ("active.",)),
    StandardTable(
        "applications", "表三（收到和处理政府信息公开申请情况）", "Table 3 (applications)", ("applications.",)
    ),
    StandardTable(
        "review",
        "表四（行政复议、行政诉讼情况）",
        "Table 4 (review and litigation)",
        tuple(f"{block}." for block in REVIEW_BLOCKS),
    ),
)
TABLES_BY_ID = {t.id: t for t in STANDARD_TABLES}


def application_key(row: str, column: str) -> str:
    return f"applications.{row}.{column}"


def review_key(block: str, part: str) -> str:
    return f"{block}.{part}"


def keys_by_table(report: Report) -> dict[str, list[str]]:
    """The report's keys of each standard table (by id), in one pass over its keys."""
    grouped: dict[str, list[str]] = {table.id: [] for table in STANDARD_TABLES}
    for key in report.tables:
        if (table_id := table_of_key(key)) is not None:
            grouped[table_id].append(key)
    return grouped


@lru_cache(maxsize=4096)
def table_of_key(key: str) -> str | None:
    return next((table.id for table in STANDARD_TABLES if table.owns(key)), None)


@lru_cache(maxsize=4096)
def is_total_key(key: str) -> bool:
    """A cell that the format defines as a sum of other cells (三's 总计 column and row, 四's 总计)."""
    if key.startswith("applications."):
        return key.endswith(f".{TOTAL_COLUMN}") or key.startswith(f"applications.{RESULTS_TOTAL_ROW}.")
    return any(key == review_key(block, REVIEW_TOTAL) for block in REVIEW_BLOCKS)


def result_rows(report: Report) -> tuple[str, ...]:
    """The 办理结果 rows of this report's table 三, by its format and, failing that, its keys.

    A report whose format's 其他处理 rows are absent but the other format's are present
    (hzq2023: a 2021 report with the single 2019 row) is read by the rows it has.
    """
    chosen = report.format_version if report.format_version in OTHER_RESULT_ROWS else DEFAULT_FORMAT
    candidates = [chosen, *(v for v in OTHER_RESULT_ROWS if v != chosen)]
    present = next((v for v in candidates if _has_any_row(report, OTHER_RESULT_ROWS[v])), chosen)
    return (*COMMON_RESULT_ROWS, *OTHER_RESULT_ROWS[present])


def _has_any_row(report: Report, rows: tuple[str, ...]) -> bool:
    return any(application_key(row, column) in report.tables for row in rows for column in APPLICATION_COLUMNS)


# ---- describing cells --------------------------------------------------------------
STATS_LABELS: dict[str, tuple[str, str]] = {
    "stats.active.total": ("主动公开政府信息数", "items actively disclosed"),
    "stats.active.normative": ("主动公开规范性文件数", "normative documents disclosed"),
    "stats.active.normative_issued": ("制发规范性文件总数", "normative documents issued"),
    "stats.active.gazette": ("政府公报公开政府信息数", "items in the gazette"),
    "stats.active.website": ("政府网站公开政府信息数", "items on the website"),
    "stats.active.weibo": ("政务微博公开政府信息数", "items on Weibo"),
    "stats.active.wechat": ("政务微信公开政府信息数", "items on WeChat"),
    "stats.active.other": ("其他方式公开政府信息数", "items by other means"),
    "stats.responses.interpretations": ("政策解读稿件发布数", "policy interpretations"),
    "stats.responses.press_conferences": ("参加或举办新闻发布会总次数", "press conferences"),
    "stats.responses.online_interviews": ("政府网站在线访谈次数", "online interviews"),
    "stats.meetings.trainings": ("举办各类培训班数", "training sessions"),
    "stats.meetings.trainees": ("接受培训人员数", "people trained"),
}


def describe_cell(key: str) -> tuple[str, str]:
    """A reviewer's name for a cell: 表三“予以公开”行“自然人”列 (zh, en); the key itself when unknown."""
    if key in STATS_LABELS:
        zh, en = STATS_LABELS[key]
        return f"统计表“{zh}”", f"statistics table, “{en}”"
    if key.startswith("applications."):
        row, _, column = key.removeprefix("applications.").rpartition(".")
        if row in APPLICATION_ROW_LABELS and column in APPLICATION_COLUMN_LABELS:
            (row_zh, row_en), (col_zh, col_en) = APPLICATION_ROW_LABELS[row], APPLICATION_COLUMN_LABELS[column]
            return f"表三“{row_zh}”行“{col_zh}”列", f"Table 3, row “{row_en}”, column “{col_en}”"
    block, _, part = key.partition(".")
    if block in REVIEW_BLOCK_LABELS and part in REVIEW_PART_LABELS:
        (block_zh, block_en), (part_zh, part_en) = REVIEW_BLOCK_LABELS[block], REVIEW_PART_LABELS[part]
        return f"表四“{block_zh}”“{part_zh}”", f"Table 4, {block_en}, “{part_en}”"
    if block == "active":
        row, _, column = part.partition(".")
        if row in ACTIVE_ROW_LABELS and column in ACTIVE_COLUMN_LABELS:
            (row_zh, row_en), (col_zh, col_en) = ACTIVE_ROW_LABELS[row], ACTIVE_COLUMN_LABELS[column]
            return f"表二“{row_zh}”行“{col_zh}”", f"Table 2, row “{row_en}”, column “{col_en}”"
    return key, key


def describe_cells(keys: tuple[str, ...] | list[str]) -> tuple[str, str]:
    """Names for a sum of cells: all of them when few, else the first and how many."""
    names = [describe_cell(k) for k in keys]
    if len(names) <= 3:
        return "＋".join(zh for zh, _ in names), " + ".join(en for _, en in names)
    return f"{names[0][0]}等{len(names)}项之和", f"the sum of {len(names)} cells from {names[0][1]}"


def cell_evidence(report: Report, keys: tuple[str, ...] | list[str]) -> dict[str, dict[str, Any]]:
    """Evidence for the cells a finding is about: each key's value and its text as written."""
    return {key: {"value": report.tables.get(key), "raw": report.raw_cells.get(key)} for key in keys}


def format_number(value: Value, blank: str = "blank") -> str:
    """A value as a reviewer reads it: 8, 182.32, 5030; ``blank`` for an empty cell."""
    if value is None:
        return blank
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".12g")
    return str(value)
