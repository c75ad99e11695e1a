"""The shape of what the library outputs, defined once: a report (``gkaudit parse``), its claims and its
findings (``gkaudit check``).

These dataclasses are the one definition: ``Report.to_dict``, ``LinkedClaim.to_dict`` and
``AuditResult.to_dict`` build their JSON through them, the API's models and the published JSON
Schema (``docs/check-output.schema.json``) are derived from them, and the stored findings use
their field names.  A field's ``description`` (dataclass metadata) is carried into the schema.
Bump :data:`OUTPUT_VERSION` when a field is added, removed or changes meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from extractor.checks.registry import Finding
from extractor.document import ExtraTable, Report, Section

OUTPUT_VERSION = "1"


def plain(record: Any) -> dict[str, Any]:
    """A record as JSON-ready dicts: nested records and lists of them converted, other values shared, not
    copied (``dataclasses.asdict`` deep-copies every dict, the most of a report's output time)."""
    return {f.name: _plain_value(getattr(record, f.name)) for f in fields(record)}


def _plain_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return plain(value)
    return value


def doc(description: str) -> dict[str, str]:
    """A dataclass field's metadata: its description for the schema."""
    return {"description": description}


@dataclass(frozen=True)
class SectionOut:
    id: str | None = field(metadata=doc("canonical section id (fields.md), null for a non-standard section"))
    title: str = field(metadata=doc("the heading as written"))
    text: str = field(metadata=doc("the section's text, headings of its items kept"))


@dataclass(frozen=True)
class ExtraTableOut:
    title: str = field(metadata=doc("the table's title or first label"))
    rows: list[list[str]] = field(metadata=doc("label paths and values, as read"))


@dataclass(frozen=True)
class ReportOut:
    """What ``gkaudit parse`` prints for one report."""

    file: str = field(metadata=doc("the file as given"))
    format_version: str | None = field(metadata=doc('"2019", "2021", or null when the report has no standard tables'))
    agency: str | None = field(metadata=doc("the reporting body, as stated"))
    year: int | None = field(metadata=doc("the year the report covers"))
    sections: list[SectionOut] = field(metadata=doc("top-level sections in order"))
    tables: dict[str, int | float | None] = field(metadata=doc("canonical key → number, null for a blank cell"))
    units: dict[str, str] = field(metadata=doc("canonical key → unit, where a cell states one (万元)"))
    raw_cells: dict[str, str] = field(metadata=doc("canonical key → the cell as written"))
    extra_tables: list[ExtraTableOut] = field(metadata=doc("tables the format does not have"))
    warnings: list[str] = field(metadata=doc("what the reader noticed, Chinese / English"))
    guessed: list[str] = field(
        metadata=doc(
            "keys whose column the reader inferred (a layout that hid empty cells, a digit run with several "
            "splits); findings citing them are one step less severe and name them in evidence.guessed_cells"
        )
    )
    truncation: dict[str, Any] | None = field(
        default=None, metadata=doc("where a cut-off document ends; absent for a document that reads as whole")
    )

    def to_dict(self) -> dict[str, Any]:
        out = plain(self)
        if out["truncation"] is None:  # only for a cut-off document: whole documents' outputs stay as they were
            del out["truncation"]
        return out


@dataclass(frozen=True)
class ClaimOut:
    """A counted quantity of the narrative, linked and verified."""

    text: str = field(metadata=doc("the claim as written (29件, 较上年增加85件, 未收到…申请)"))
    value: int | float = field(metadata=doc("its value (signed for a change; 0 for a zero statement)"))
    unit: str | None = field(metadata=doc("measure word or unit (件, 条, 万元, %), null for a zero statement"))
    approx: str | None = field(metadata=doc('"over" (余, 多), "above" (超过), "under" (近), "about" (约), or null'))
    start: int = field(metadata=doc("offset in its section's text"))
    end: int = field(metadata=doc("end offset in its section's text"))
    section: str | None = field(metadata=doc("the section's id"))
    sentence: str = field(metadata=doc("the sentence it stands in"))
    metric: str | None = field(metadata=doc("the canonical key it counts, when one"))
    metric_expr: str | None = field(metadata=doc("the key, or keys summed (a + b), it counts"))
    table_value: int | float | None = field(metadata=doc("the table's value for it"))
    status: str = field(metadata=doc("match, reconciled, mismatch or unverifiable"))
    reconciliation: str | None = field(metadata=doc("the reading that reconciles it, when reconciled"))


@dataclass(frozen=True)
class CheckOut(ReportOut):
    """What ``gkaudit check`` prints for one report, before the workers' stages add their fields."""

    claims: list[ClaimOut] = field(default_factory=list, metadata=doc("every counted quantity of the narrative"))
    findings: list[Finding] = field(default_factory=list, metadata=doc("every rule's findings, errors first"))


def report_out(report: Report) -> ReportOut:
    return ReportOut(
        file=report.file,
        format_version=report.format_version,
        agency=report.agency,
        year=report.year,
        sections=[SectionOut(s.id, s.title, s.text) for s in report.sections],
        tables=report.tables,
        units=report.units,
        raw_cells=report.raw_cells,
        extra_tables=[ExtraTableOut(t.title, [list(r) for r in t.rows]) for t in report.extra_tables],
        warnings=report.warnings,
        guessed=report.guessed,
        truncation=report.truncation,
    )


def report_from_dict(data: Mapping[str, Any], file: str | None = None) -> Report:
    """A report from its JSON (:meth:`ReportOut.to_dict`, a stored payload, a rule's fixture): the inverse of
    :func:`report_out`.  Its tables and lists are copies, so changing the report leaves ``data`` alone."""
    return Report(
        file=file if file is not None else data.get("file", ""),
        format_version=data.get("format_version"),
        agency=data.get("agency"),
        year=data.get("year"),
        sections=[Section(s.get("id"), s.get("title", ""), s.get("text", "")) for s in data.get("sections", [])],
        tables=dict(data.get("tables", {})),
        units=dict(data.get("units", {})),
        raw_cells=dict(data.get("raw_cells", {})),
        extra_tables=[
            ExtraTable(t.get("title", ""), tuple(tuple(r) for r in t.get("rows", [])))
            for t in data.get("extra_tables", [])
        ],
        warnings=list(data.get("warnings", [])),
        guessed=list(data.get("guessed", [])),
        truncation=data.get("truncation"),
    )


def section_text(data: Mapping[str, Any], section_id: str) -> str:
    """A section's text in a report's JSON ("" when the report has no such section)."""
    return next((s["text"] for s in data.get("sections", []) if s.get("id") == section_id), "")


FINDING_FIELDS = tuple(f.name for f in fields(Finding))
CLAIM_FIELDS = tuple(f.name for f in fields(ClaimOut))


def sentence_span(evidence: dict[str, Any], sections: dict[str, str]) -> list[int] | None:
    """Where the finding's claim sits in its sentence: [start, end), or None.

    The claim's offsets are in its section's text; the sentence is located there so
    that a number written twice in one sentence is highlighted at the right place.
    """
    sentence, claim = evidence.get("sentence"), evidence.get("claim")
    if not sentence or not isinstance(claim, dict) or not claim.get("text"):
        return None
    text, start = claim["text"], claim.get("start")
    section = sections.get(claim.get("section") or "", "")
    if isinstance(start, int):
        at = section.find(sentence)
        while 0 <= at <= start:
            local = start - at
            if sentence[local : local + len(text)] == text:
                return [local, local + len(text)]
            at = section.find(sentence, at + 1)
    at = sentence.find(text)
    return [at, at + len(text)] if at >= 0 else None


def finding_spans(payload: dict[str, Any]) -> list[list[int] | None]:
    """:func:`sentence_span` of each of the payload's findings, in order."""
    sections = {s.get("id") or "": s.get("text") or "" for s in payload.get("sections", [])}
    return [sentence_span(f.get("evidence") or {}, sections) for f in payload.get("findings", [])]
