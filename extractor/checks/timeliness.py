"""Timeliness and the year a report covers (GK408, GK409).

《政府信息公开条例》第五十条: a body publishes its annual report by 31 January of the following
year.  Where the report's publication date is known, GK408 flags a late report.  The date comes, in
this order of trust, from the sidecar ``gkaudit fetch`` keeps beside a downloaded file (the page's
发布日期, then its 成文日期) and from the date line that closes the report.  A 成文日期 or a
signature date is a lower bound of the publication date: a report written after the due date was
published late; one written before it tells nothing.

GK409 flags a report that disagrees with itself on the year it covers: the year it states (its
title, ``Report.year``), the title of the page it was fetched from, its statistics period
(统计期限自2021年1月1日起…) and the year its overview opens with (2021年，我局…).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from extractor.checks.registry import AuditInput, Hit, rule
from extractor.dates import FoundDate, due_date, read_sidecar, sidecar_dates, signature_date
from extractor.document import Report
from extractor.metadata import TITLE, YEAR_IN_TITLE

SOURCE_NAMES: dict[str, tuple[str, str]] = {
    "sidecar:published": ("网页发布日期", "the page's publication date"),
    "sidecar:written": ("网页成文日期", "the page's date of writing"),
    "signature": ("文末落款日期", "the date line closing the report"),
}
# What each kind of date says: the day of publication, or a day it cannot precede.
PUBLISHED_SOURCES = ("sidecar:published",)
LOWER_BOUND_SOURCES = ("sidecar:written", "signature")


def sidecar_of(report: Report) -> dict[str, Any]:
    """The sidecar beside the report's file (empty when there is none)."""
    return read_sidecar(report.file) or {}


def known_dates(report: Report) -> dict[str, FoundDate]:
    """Every date the report or its sidecar gives, by source."""
    dates = {d.source: d for d in sidecar_dates(sidecar_of(report)).values()}
    if report.sections and (signed := signature_date(report.sections[-1].text)):
        dates[signed.source] = signed
    return dates


def late_evidence(dates: dict[str, FoundDate], due: date) -> FoundDate | None:
    """The date that shows the report late, if any: the publication date when known, else a lower bound."""
    published = next((dates[s] for s in PUBLISHED_SOURCES if s in dates), None)
    if published is not None:
        return published if published.value > due else None
    return next((dates[s] for s in LOWER_BOUND_SOURCES if s in dates and dates[s].value > due), None)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@rule(
    "GK408",
    kind="structure",
    severity="warning",
    zh="{year}年度报告应于{due_zh}前公布（《政府信息公开条例》第五十条），{source_zh}为{date_zh}（原文“{raw}”），晚于期限{days}天",
    en="The {year} report was due by {due} (Regulations on Open Government Information, art. 50); "
    "{source_en} is {date} (“{raw}”), {days} days late",
)
def report_published_late(data: AuditInput) -> Iterator[Hit]:
    report = data.report
    if report.year is None:
        return
    due = due_date(report.year)
    dates = data.once(known_dates)
    found = late_evidence(dates, due)
    if found is None:
        return
    zh, en = SOURCE_NAMES[found.source]
    days = (found.value - due).days
    yield Hit(
        metric="metadata.published",
        params={
            "year": report.year,
            "due_zh": chinese_date(due),
            "due": due.isoformat(),
            "date_zh": chinese_date(found.value),
            "date": found.value.isoformat(),
            "source_zh": zh,
            "source_en": en,
            "raw": found.raw,
            "days": days,
        },
        evidence={
            "rule": "《政府信息公开条例》第五十条：每年1月31日前公布上一年度报告",
            "due": due.isoformat(),
            "date": found.to_dict(),
            "dates": {source: d.to_dict() for source, d in dates.items()},
            "days_late": days,
        },
    )


# --- The year the report covers ------------------------------------------------------------------

YEAR = r"(?P<year>(?:19|20)\d{2})"
# Where the text states the year it covers, one pattern per place; the first match of each counts.
COVERED_YEAR_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 统计期限自2021年1月1日起至2021年12月31日止 / 数据统计时限为2021年1月1日至… / 统计期间：2021年度
    ("period", re.compile(rf"统计(?:期限|时限|期间|时间|区间|周期)[^。\n]{{0,12}}?{YEAR}\s*年")),
)
OPENING_CHARS = 80
# The overview opens with its year: 2021年，… / 2021年度，… / 2021年以来… / 2021年是…
OPENING = re.compile(rf"^(?:[（(][一二三四五六七八九十]+[）)][^\n]*\n)?\s*{YEAR}\s*年度?\s*(?:[，,]|以来|全年|是|我)")

YEAR_SOURCE_NAMES: dict[str, tuple[str, str]] = {
    "stated": ("报告标明的年度", "the year the report states (its title)"),
    "page_title": ("网页标题或链接文字", "the page's title or the link's text"),
    "period": ("统计期限", "the statistics period"),
    "opening": ("总体情况开头", "the opening of the overview"),
}


def page_year(sidecar: dict[str, Any]) -> tuple[int, str] | None:
    """The year the page gives the file: in the text of the link to it (a page may list several years' files),
    else in the page's title when that names a report (政府信息公开…报告)."""
    link_text, title = sidecar.get("link_text"), sidecar.get("title")
    if isinstance(link_text, str) and (m := YEAR_IN_TITLE.search(link_text)):
        return int(m.group(1)), link_text
    if isinstance(title, str) and TITLE.search(title) and (m := YEAR_IN_TITLE.search(title)):
        return int(m.group(1)), title
    return None


def covered_years(report: Report) -> dict[str, tuple[int, str]]:
    """Each place that states the year the report covers: the year and the words that state it."""
    found: dict[str, tuple[int, str]] = {}
    if report.year is not None:
        found["stated"] = (report.year, f"{report.year}年")
    if on_page := page_year(sidecar_of(report)):
        found["page_title"] = on_page
    text = "\n".join(s.text for s in report.sections)
    for source, pattern in COVERED_YEAR_PATTERNS:
        if m := pattern.search(text):
            found[source] = (int(m.group("year")), m.group(0))
    overview = report.section("overview")
    if overview and (m := OPENING.search(overview.text.lstrip()[:OPENING_CHARS])):
        found["opening"] = (int(m.group("year")), m.group(0).strip())
    return found


def describe_years(found: dict[str, tuple[int, str]]) -> tuple[str, str]:
    zh = "；".join(f"{YEAR_SOURCE_NAMES[s][0]}为{year}年（“{words}”）" for s, (year, words) in found.items())
    en = "; ".join(f"{YEAR_SOURCE_NAMES[s][1]}: {year} (“{words}”)" for s, (year, words) in found.items())
    return zh, en


@rule(
    "GK409",
    kind="structure",
    severity="warning",
    zh="报告所述年度前后不一致：{listing_zh}",
    en="The report disagrees with itself on the year it covers: {listing_en}",
)
def covered_year_disagrees(data: AuditInput) -> Iterator[Hit]:
    found = data.once(covered_years)
    if len({year for year, _ in found.values()}) < 2:
        return
    zh, en = describe_years(found)
    yield Hit(
        metric="metadata.year",
        params={"listing_zh": zh, "listing_en": en},
        evidence={"years": {source: {"year": year, "text": words} for source, (year, words) in found.items()}},
    )
