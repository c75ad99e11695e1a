"""Dates as Chinese documents write them, the report's due date, and the sidecar beside a fetched file.

Pure functions, no network.  A date is read from any of the forms government pages and reports use:
``2024年1月30日``, ``二〇二四年一月三十日``, ``2024-01-30``, ``2024/1/30``, ``2024.01.30`` (Chinese
numerals as cn2an reads them: :func:`extractor.nlp.numbers.chinese_numeral`).  Labelled dates
(发布日期：…, 成文日期：…) are found through a table of labels, one row per field, so a new way of
writing a label is one more row.

``gkaudit fetch`` writes ``<file>.meta.json`` beside every file it downloads (see workers/collect/files.py):
the page's title, 发布日期, 成文日期 and 发布机构.  :func:`read_sidecar` reads it back, so that the
timeliness rules (extractor/checks/timeliness.py) know when a report was published.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from extractor.metadata import is_body_name
from extractor.nlp.numbers import chinese_numeral

# --- Reading one date ------------------------------------------------------------------------

CN_DIGITS = "〇零○Ｏ一二三四五六七八九"
CN_NUMBER = "〇零○Ｏ一二两三四五六七八九十"
# Each form a date is written in, as a pattern with groups y, m, d (d optional where a form allows it).
DATE_FORMS: tuple[str, ...] = (
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日",
    rf"(?P<y>[{CN_DIGITS}]{{4}})\s*年\s*(?P<m>[{CN_NUMBER}]{{1,2}})\s*月\s*(?P<d>[{CN_NUMBER}]{{1,3}})\s*日",
    r"(?P<y>(?:19|20)\d{2})\s*[-/.．]\s*(?P<m>\d{1,2})\s*[-/.．]\s*(?P<d>\d{1,2})(?!\d)",
)
# Any form, without its named groups, for use inside other patterns.
DATE = "|".join("(?:" + re.sub(r"\(\?P<\w+>", "(?:", form) + ")" for form in DATE_FORMS)
DATE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(re.compile(form) for form in DATE_FORMS)


def number_of(numeral: str) -> int | None:
    """A number written in digits or Chinese numerals (二〇二四, 三十一, 十二); None if neither."""
    numeral = numeral.strip().replace("○", "〇").replace("Ｏ", "〇")
    if numeral.isdigit():
        return int(numeral)
    try:
        return int(chinese_numeral(numeral))
    except (ValueError, KeyError, TypeError):
        return None


def date_of_match(m: re.Match[str]) -> date | None:
    year, month, day = (number_of(m.group(g)) for g in ("y", "m", "d"))
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:  # 2月30日 and the like
        return None


def parse_date(text: str) -> date | None:
    """The first date written in ``text`` in any of DATE_FORMS, or None."""
    found = first_date(text)
    return found[0] if found else None


def first_date(text: str) -> tuple[date, str] | None:
    """The earliest-placed date in ``text`` and the words it was written in (full-width digits read too)."""
    text = unicodedata.normalize("NFKC", text)
    matches = sorted((m for p in DATE_PATTERNS for m in p.finditer(text)), key=lambda m: m.start())
    for m in matches:
        if (found := date_of_match(m)) is not None:
            return found, m.group(0)
    return None


# --- Dates a page or a report labels -----------------------------------------------------------


@dataclass(frozen=True)
class FoundDate:
    """A date, the words it was written in and where it was found (发布日期 line, sidecar, signature …)."""

    value: date
    raw: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"date": self.value.isoformat(), "raw": self.raw, "source": self.source}


# The labels of each dated field, as pages and reports write them (labels spaced out in some tables).
DATE_LABELS: tuple[tuple[str, str], ...] = (
    ("published", r"发\s*布\s*(?:日\s*期|时\s*间)|發\s*布\s*(?:日\s*期|時\s*間)|公\s*开\s*(?:日\s*期|时\s*间)"),
    ("published", r"发\s*稿\s*时\s*间|上\s*网\s*时\s*间|公\s*布\s*(?:日\s*期|时\s*间)"),
    ("written", r"成\s*文\s*(?:日\s*期|时\s*间)|印\s*发\s*日\s*期|发\s*文\s*日\s*期"),
)
LABELLED_DATE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"(?:{label})\s*[:：]?\s*\[?\s*(?P<date>{DATE})")) for name, label in DATE_LABELS
)


def labelled_dates(text: str, source: str = "text") -> dict[str, FoundDate]:
    """Each dated field (published, written) the text labels, the first of each."""
    out: dict[str, FoundDate] = {}
    for name, pattern in LABELLED_DATE:
        if name in out:
            continue
        for m in pattern.finditer(text):
            if (found := parse_date(m.group("date"))) is not None:
                out[name] = FoundDate(found, m.group(0).strip(), source)
                break
    return out


SIGNATURE_LINES = 4  # the date line closes a report, below the body's name
# A line that is a date, or a body's name and a date (示例县财政局 2023年1月20日).
SIGNATURE_DATE = re.compile(rf"^\s*(?P<signer>\S*?)\s*(?P<date>{DATE})\s*$")


def signature_date(text: str) -> FoundDate | None:
    """The date a report is signed with: a date line (after the signer's name, if on the same line) at its end."""
    tail = [line for line in text.splitlines() if line.strip()][-SIGNATURE_LINES:]
    for line in reversed(tail):
        m = SIGNATURE_DATE.match(line)
        signed_by_a_body = m is not None and (not m.group("signer") or is_body_name(m.group("signer")))
        if m and signed_by_a_body and (found := parse_date(m.group("date"))) is not None:
            return FoundDate(found, m.group("date"), "signature")
    return None


# --- The due date --------------------------------------------------------------------------------

DUE_MONTH, DUE_DAY = 1, 31  # 《政府信息公开条例》第五十条: by 31 January of the following year


def due_date(covered_year: int) -> date:
    """The day a report on ``covered_year`` is due to be published."""
    return date(covered_year + 1, DUE_MONTH, DUE_DAY)


# --- The sidecar ---------------------------------------------------------------------------------

SIDECAR_SUFFIX = ".meta.json"


def sidecar_path(file: str | Path) -> Path:
    """Where ``gkaudit fetch`` keeps a file's page metadata: ``report.pdf`` → ``report.pdf.meta.json``."""
    path = Path(file)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(file: str | Path) -> dict[str, Any] | None:
    """The sidecar beside the document ``file`` as a dict; None when either is missing or it cannot be read.

    Keys written by ``gkaudit fetch``: ``url``, ``page_url``, ``title``, ``published`` and ``written``
    (ISO dates), ``published_raw`` and ``written_raw`` (as the page wrote them), ``publisher``,
    ``link_text``, ``content_type``, ``sha256``.
    """
    if not Path(file).is_file():  # an uploaded document's name is not a place on this disk
        return None
    path = sidecar_path(file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def sidecar_dates(sidecar: dict[str, Any]) -> dict[str, FoundDate]:
    """The published/written dates a sidecar holds."""
    out: dict[str, FoundDate] = {}
    for name in ("published", "written"):
        value = sidecar.get(name)
        if isinstance(value, str) and (found := parse_date(value)) is not None:
            out[name] = FoundDate(found, str(sidecar.get(f"{name}_raw") or value), f"sidecar:{name}")
    return out
