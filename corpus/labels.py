"""Variants of the printed labels of tables 二, 三 and 四.

A report carries a mapping canonical label -> label as written; renderers look
every label up through it (``report.label(text)``).
"""

from __future__ import annotations

import random
import re

# Wording variants of the kind real reports have (typos included; the first three are in the seeds).
ROW_LABEL_VARIANTS: dict[str, tuple[str, ...]] = {
    "一、本年新收政府信息公开申请数量": ("一、本年新收到政府信息公开申请数量",),
    "二、上年结转政府信息公开申请数量": ("二、上年转结政府信息公开申请数量", "二、上年结转政府信息公开申请"),
    "四、结转下年度继续办理": ("四、转结下年度继续办理",),
    "3.危及“三安全一稳定”": ('3.危及"三安全一稳定"', "3.危及三安全一稳定"),
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": ("（二）部分公开",),
    "行政规范性文件": ("规范性文件",),
}
VARIANT_CHANCE = 0.15

# Header texts that are often broken over two lines inside their cell.
HEADER_BREAKS: dict[str, str] = {
    "本年新制作数量": "本年新\n制作数量",
    "本年新公开数量": "本年新\n公开数量",
    "对外公开总数量": "对外公开\n总数量",
    "上一年项目数量": "上一年\n项目数量",
    "处理决定数量": "处理决定\n数量",
    "本年制发件数": "本年制发\n件数",
    "本年废止件数": "本年废止\n件数",
    "现行有效件数": "现行有效\n件数",
    "本年收费金额（单位：万元）": "本年收费金额\n（单位：万元）",
    "未经复议直接起诉": "未经复议\n直接起诉",
    "法人或其他组织": "法人或其他\n组织",
    "社会公益组织": "社会公益\n组织",
    "法律服务机构": "法律服务\n机构",
}
HEADER_BREAK_CHANCE = 0.35

# How "第二十条第（一）项" is written; {} is the numeral.
ARTICLE_FORMS = (("第二十条第（{}）项", 0.7), ("第二十条 第（{}）项", 0.15), ("第二十条第({})项", 0.15))
ARTICLE_NUMERALS = ("一", "五", "六", "八", "九")
CORNER_NOTE_DROPPED = 0.1


def article(numeral: str) -> str:
    """The canonical 第二十条 label of one block."""
    return f"第二十条第（{numeral}）项"


def draw_labels(rng: random.Random, procurement_unit_in_header: str | None) -> dict[str, str]:
    """Canonical label -> written label for one report (only changed labels are listed)."""
    labels: dict[str, str] = {}
    for canonical, variants in ROW_LABEL_VARIANTS.items():
        if rng.random() < VARIANT_CHANCE:
            labels[canonical] = rng.choice(variants)
    if rng.random() < HEADER_BREAK_CHANCE:
        labels.update({k: v for k, v in HEADER_BREAKS.items() if rng.random() < 0.6})
    forms, weights = zip(*ARTICLE_FORMS, strict=True)
    form = rng.choices(forms, weights)[0]
    labels.update({article(n): form.format(n) for n in ARTICLE_NUMERALS if form.format(n) != article(n)})
    if procurement_unit_in_header:
        labels["采购总金额"] = f"采购总金额（{procurement_unit_in_header}）"
    if rng.random() < CORNER_NOTE_DROPPED:
        labels["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] = ""
    return labels


NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\d+\s*[、.．]|（[一二三四五六七八九十]+）)\s*")


def strip_numbering(heading: str) -> str:
    """``五、存在问题及改进情况`` -> ``存在问题及改进情况``."""
    return NUMBERING.sub("", heading).strip()
