"""Plausibility (GK5xx, reported under kind "structure"): values the format or the law rules out.

* GK501: a negative count.  Only the signed 本年增/减 columns of table 二 may be negative.
* GK502: 规章 made or issued by a body that cannot make them.  Under the Legislation
  Law (《立法法》2023年修正 第九十一条、第九十三条) 规章 are made by the State Council's ministries
  and commissions and by the governments of provinces, autonomous regions,
  municipalities, 设区的市 and 自治州 — not by county-level governments, 街道/乡/镇,
  or a local government's departments.  The body is judged by its name
  (``report.agency``) with the patterns below; an unknown or ambiguous name
  (X市人民政府 may be a 县级市) says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from extractor.checks.keys import cell_evidence, describe_cell, format_number
from extractor.checks.registry import AuditInput, Hit, rule

# ---- GK501 -------------------------------------------------------------------------------
SIGNED_KEYS = (re.compile(r"^active\.[a-z_]+\.change$"),)

# ---- GK502 -------------------------------------------------------------------------------
REGULATION_KEYS = ("active.regulations.made", "active.regulations.published", "active.regulations.issued")

# Bodies that may make 规章, or that report for a government that may: checked first.
RULEMAKING_BODIES = (
    # State Council ministries, commissions and agencies (not their local branches: 国家税务总局杭州市税务局).
    re.compile(r"^(中华人民共和国|国务院|国家)(?!.*(省|自治区|(?<!国家)市(?!场)|自治州|县|区|旗))"),
    re.compile(r"(省|自治区|自治州)人民政府$"),
    re.compile(r"^(北京|天津|上海|重庆)市人民政府$"),
    # A government's general office often publishes the government's own report.
    re.compile(r"人民政府办公(厅|室)$"),
)


@dataclass(frozen=True)
class BodyKind:
    """A kind of body that cannot make 规章, recognised by its name."""

    pattern: re.Pattern[str]
    zh: str
    en: str


NON_RULEMAKING_BODIES = (
    BodyKind(
        re.compile(r"(街道|街道办事处|办事处|乡|镇|苏木)(人民政府)?$"),
        "街道办事处或乡镇人民政府",
        "a sub-district or township",
    ),
    BodyKind(re.compile(r"(县|区|旗)(人民)?政府$"), "县级人民政府", "a county-level government"),
    BodyKind(
        re.compile(r"(局|委员会|委|办公室|办|中心|厅|管委会|所|站|队)$"),
        "政府工作部门或机构",
        "a government department or agency",
    ),
)
# 杭州市余杭区发改局（区金融办、区对口支援和区域合作局）: the name is before the brackets.
TRAILING_BRACKETS = re.compile(r"[（(][^（）()]*[）)]\s*$")


def body_name(agency: str) -> str:
    name = agency.strip()
    while TRAILING_BRACKETS.search(name):
        name = TRAILING_BRACKETS.sub("", name).strip()
    return name


def non_rulemaking_kind(agency: str | None) -> BodyKind | None:
    """The kind of body the agency is when it certainly cannot make 规章; None when it may or is unknown."""
    if not agency:
        return None
    name = body_name(agency)
    if any(p.search(name) for p in RULEMAKING_BODIES):
        return None
    return next((kind for kind in NON_RULEMAKING_BODIES if kind.pattern.search(name)), None)


@rule(
    "GK501",
    kind="structure",
    severity="error",
    zh="{cell_zh}填报为{value}：除“本年增/减”栏外，统计表中的数量不能为负数",
    en="{cell_en} is {value}: only the “change this year” columns may be negative",
)
def negative_value(data: AuditInput) -> Iterator[Hit]:
    report = data.report
    for key, value in report.tables.items():
        if value is None or value >= 0 or any(p.match(key) for p in SIGNED_KEYS):
            continue
        cell_zh, cell_en = describe_cell(key)
        params = {"cell_zh": cell_zh, "cell_en": cell_en, "value": format_number(value)}
        evidence = {
            "cells": cell_evidence(report, [key]),
            "relation": f"{key} >= 0",
            "expected": ">= 0",
            "actual": value,
        }
        yield Hit(key, params, evidence)


@rule(
    "GK502",
    kind="structure",
    severity="warning",
    zh="{agency}属于{body_zh}，依《立法法》无权制定规章，但{cell_zh}填报为{value}",
    en="{agency} is {body_en}, which cannot make regulations (规章) under the Legislation Law, "
    "yet {cell_en} is {value}",
)
def regulations_from_non_rulemaking_body(data: AuditInput) -> Iterator[Hit]:
    report = data.report
    kind = non_rulemaking_kind(report.agency)
    if kind is None:
        return
    for key in REGULATION_KEYS:
        value = report.tables.get(key)
        if value is None or value <= 0:
            continue
        cell_zh, cell_en = describe_cell(key)
        params = {
            "agency": report.agency,
            "body_zh": kind.zh,
            "body_en": kind.en,
            "cell_zh": cell_zh,
            "cell_en": cell_en,
            "value": format_number(value),
        }
        evidence = {
            "cells": cell_evidence(report, [key]),
            "agency": report.agency,
            "body": kind.en,
            "expected": 0,
            "actual": value,
        }
        yield Hit(key, params, evidence)
