"""One body's reports side by side across years (issue 24 item 4): what a reviewer reads before writing
to a body about its report.

From the store (every audit): the body's latest result for each year, its table fields across the
years with each year's change, the carry-over mismatches of GK601 between consecutive years, and
the 存在的主要问题及改进情况 section of each year with the passages it shares with the year before
marked (GK602's evidence, as text: the longest common runs of characters).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from extractor.checks.corpus import body_key
from extractor.checks.keys import describe_cell, format_number
from extractor.formats import FORMAT_IDS, load_format
from extractor.output import section_text
from workers.store import CorpusFinding, Result

# A passage shared with last year's section counts from this many characters (a phrase, not a word).
MIN_COPIED_CHARS = 12
TEMPLATES = Path(__file__).resolve().parent / "templates"
CORPUS_RULES_SHOWN = ("GK601", "GK602")


@dataclass(frozen=True)
class YearReport:
    year: int
    path: str
    content_hash: str
    agency: str | None
    tables: dict[str, Any]
    problems: str
    findings: tuple[dict[str, Any], ...] = ()  # the corpus findings on this report (GK601, GK602)


@dataclass(frozen=True)
class FieldRow:
    key: str
    label: str
    values: tuple[Any, ...]  # one per year, None where absent
    changes: tuple[Any, ...]  # one per year after the first: this year's value less last year's

    @property
    def all_zero(self) -> bool:
        return all(v == 0 for v in self.values)


@dataclass(frozen=True)
class Passage:
    text: str
    copied: bool  # shared with the year before


@dataclass(frozen=True)
class YearsView:
    body: str
    years: tuple[int, ...]
    reports: tuple[YearReport, ...]
    fields: tuple[FieldRow, ...]
    problems: tuple[tuple[Passage, ...], ...]  # each year's section, cut into copied and own passages
    copied_share: tuple[float | None, ...] = field(default=())  # of each year's section, shared with the year before

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "years": list(self.years),
            "reports": [
                {"year": r.year, "path": r.path, "content_hash": r.content_hash, "findings": list(r.findings)}
                for r in self.reports
            ],
            "fields": [
                {"key": f.key, "label": f.label, "values": list(f.values), "changes": list(f.changes)}
                for f in self.fields
            ],
            "problems": [
                {"year": y, "copied_share": share, "passages": [{"text": p.text, "copied": p.copied} for p in passages]}
                for y, share, passages in zip(self.years, self.copied_share, self.problems, strict=True)
            ],
        }


# ---- reading the store -------------------------------------------------------------------------


def body_years(session: Session, body: str) -> list[YearReport]:
    """The body's latest done result of each year, oldest year first (matched by body key)."""
    wanted = body_key(body)
    rows = session.execute(
        select(Result.id, Result.content_hash, Result.path, Result.agency, Result.year, Result.payload)
        .where(Result.status == "done", Result.year.is_not(None), Result.agency.is_not(None))
        .order_by(Result.id.desc())
    )
    latest: dict[int, YearReport] = {}
    for _, digest, path, agency, year, payload in rows:
        if body_key(agency) != wanted or year in latest:
            continue
        latest[year] = YearReport(
            year, path, digest, agency, payload.get("tables", {}), section_text(payload, "problems")
        )
    reports = [latest[y] for y in sorted(latest)]
    return with_corpus_findings(session, reports)


def with_corpus_findings(session: Session, reports: list[YearReport]) -> list[YearReport]:
    hashes = [r.content_hash for r in reports]
    found: dict[str, list[dict[str, Any]]] = {h: [] for h in hashes}
    seen: set[tuple[str, str, str | None]] = set()
    query = select(CorpusFinding).where(
        CorpusFinding.content_hash.in_(hashes), CorpusFinding.rule.in_(CORPUS_RULES_SHOWN)
    )
    for row in session.scalars(query.order_by(CorpusFinding.id)):
        identity = (row.content_hash, row.rule, row.metric)
        if identity in seen:  # the same finding stored by several audits
            continue
        seen.add(identity)
        found[row.content_hash].append(
            {"rule": row.rule, "severity": row.severity, "metric": row.metric, "message_zh": row.message_zh}
        )
    return [replace(r, findings=tuple(found[r.content_hash])) for r in reports]


# ---- the view ----------------------------------------------------------------------------------


def table_order() -> dict[str, int]:
    """Every canonical key's place in the formats' table order (2021 first, then keys only 2019 has)."""
    order: dict[str, int] = {}
    for format_id in sorted(FORMAT_IDS, reverse=True):
        for key in load_format(format_id).cell_keys():
            order.setdefault(key, len(order))
    return order


def field_rows(reports: Sequence[YearReport]) -> list[FieldRow]:
    """Each table field some year states a number for, in table order, with its change year on year."""
    order = table_order()
    keys = sorted(
        {k for r in reports for k, v in r.tables.items() if isinstance(v, int | float)},
        key=lambda k: (order.get(k, len(order)), k),
    )
    rows = []
    for key in keys:
        values = tuple(r.tables.get(key) for r in reports)
        changes = tuple(_change(a, b) for a, b in itertools.pairwise(values))
        rows.append(FieldRow(key, describe_cell(key)[0], values, changes))
    return rows


def _change(before: Any, after: Any) -> Any:
    if isinstance(before, int | float) and isinstance(after, int | float):
        return round(after - before, 4)
    return None


def copied_passages(earlier: str, later: str, min_chars: int = MIN_COPIED_CHARS) -> list[Passage]:
    """The later text cut into passages, those it shares with the earlier one (runs of at least
    ``min_chars`` characters) marked copied."""
    if not later:
        return []
    matcher = difflib.SequenceMatcher(None, earlier, later, autojunk=False)
    spans = [(b, b + size) for _, b, size in matcher.get_matching_blocks() if size >= min_chars]
    passages, at = [], 0
    for start, end in spans:
        if start > at:
            passages.append(Passage(later[at:start], False))
        passages.append(Passage(later[start:end], True))
        at = end
    if at < len(later):
        passages.append(Passage(later[at:], False))
    return passages


def copied_share(passages: Sequence[Passage]) -> float | None:
    total = sum(len(p.text) for p in passages)
    return round(sum(len(p.text) for p in passages if p.copied) / total, 3) if total else None


def years_view(reports: Sequence[YearReport], body: str) -> YearsView:
    sections = [
        copied_passages(reports[i - 1].problems, r.problems) if i else [Passage(r.problems, False)] * bool(r.problems)
        for i, r in enumerate(reports)
    ]
    shares = tuple(copied_share(p) if i else None for i, p in enumerate(sections))
    name = next((r.agency for r in reversed(reports) if r.agency), body)
    return YearsView(
        name or body,
        tuple(r.year for r in reports),
        tuple(reports),
        tuple(field_rows(reports)),
        tuple(tuple(p) for p in sections),
        shares,
    )


# ---- output ------------------------------------------------------------------------------------


def render_text(view: YearsView) -> str:
    lines = [f"{view.body}：{'、'.join(str(y) for y in view.years)}年度报告对照", ""]
    header = "字段".ljust(28) + "".join(f"{y:>10}" for y in view.years)
    lines += [header, "-" * len(header)]
    for row in view.fields:
        cells = "".join(f"{_show(v):>10}" for v in row.values)
        change = "  变化 " + "、".join(f"{c:+g}" for c in row.changes if c is not None) if any(row.changes) else ""
        lines.append(f"{row.label[:26]:<28}{cells}{change}")
    for report in view.reports:
        for finding in report.findings:
            lines.append(f"{report.year} {finding['rule']} {finding['message_zh']}")
    for year, share in zip(view.years, view.copied_share, strict=True):
        if share is not None:
            lines.append(f"{year}年“存在的主要问题及改进情况”与上年相同的文字占{share:.0%}")
    return "\n".join(lines)


def _show(value: Any) -> str:
    return "—" if value is None else format_number(value)


def render_html(view: YearsView) -> str:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return environment.get_template("years.html").render(view=view, show=_show)
