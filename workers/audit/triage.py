"""A reviewer's triage (issue 24 item 3): each finding marked confirmed, dismissed (with a reason) or
open, and misread cells corrected, on top of the stored results.

A mark is kept against the finding's *identity*: the document's content hash, the rule, the metric
and the evidence a reader would recognise it by (the sentence, the cells, the relation) — not the
message or the pipeline version, so it survives re-runs and upgrades for as long as the finding
still appears.  Dismissed findings stop counting in the quality score.  A corrected cell is stored
beside the extracted one (both kept, the correction marked in ``corrections``) and the report is
re-checked with it: its claims and findings are those of the corrected tables.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractor.output import report_from_dict
from extractor.quality import quality_components, quality_score
from workers.store import CellCorrection, TriageMark, insert_statement, now

STATES = ("open", "confirmed", "dismissed")
STATE_ZH = {"open": "待处理", "confirmed": "已确认", "dismissed": "已排除"}
# What of a finding's evidence identifies it to a reader (the first present, then the cells it cites).
IDENTITY_EVIDENCE = ("sentence", "relation", "total")
SHORT_ID = 12


class TriageError(ValueError):
    """A mark that cannot be taken; the message says why."""


@dataclass(frozen=True)
class Mark:
    state: str
    reason: str | None = None


# ---- identity ------------------------------------------------------------------------------------


def finding_identity(content_hash: str, finding: Mapping[str, Any]) -> str:
    """The finding's identity: sha256 over the content, rule, metric and the evidence a reader knows it by."""
    evidence = finding.get("evidence") or {}
    anchor = next((evidence[k] for k in IDENTITY_EVIDENCE if evidence.get(k)), None)
    cells = sorted(evidence.get("cells") or {}) if isinstance(evidence.get("cells"), dict) else []
    claim = (evidence.get("claim") or {}).get("text") if isinstance(evidence.get("claim"), dict) else None
    parts = [content_hash, finding.get("rule"), finding.get("metric") or "", anchor, cells, claim]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


# ---- marks ---------------------------------------------------------------------------------------


def set_mark(session: Session, content_hash: str, finding: Mapping[str, Any], state: str, reason: str | None) -> str:
    """Mark one finding; dismissing needs a reason.  Returns the finding's identity."""
    if state not in STATES:
        raise TriageError(f"unknown state {state!r}: one of {', '.join(STATES)}")
    reason = (reason or "").strip() or None
    if state == "dismissed" and reason is None:
        raise TriageError("排除一项发现须写明理由 dismissing a finding needs a reason (--reason)")
    identity = finding_identity(content_hash, finding)
    values = {
        "content_hash": content_hash,
        "rule": finding.get("rule") or "",
        "metric": finding.get("metric") or "",
        "state": state,
        "reason": reason,
        "updated_at": now(),
    }
    statement = insert_statement(session, TriageMark).values(identity=identity, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["identity"], set_=values))
    return identity


def marks_for(session: Session, hashes: Iterable[str]) -> dict[str, Mark]:
    """Every mark on the documents' findings, by identity."""
    hashes = list(hashes)
    if not hashes:
        return {}
    rows = session.scalars(select(TriageMark).where(TriageMark.content_hash.in_(hashes)))
    return {row.identity: Mark(row.state, row.reason) for row in rows}


def with_marks(content_hash: str, findings: Iterable[Mapping[str, Any]], marks: Mapping[str, Mark]) -> list[dict]:
    """The findings, each with its identity, triage state and reason (open when unmarked)."""
    out = []
    for finding in findings:
        identity = finding_identity(content_hash, finding)
        mark = marks.get(identity, Mark("open"))
        out.append({**finding, "id": identity, "triage": mark.state, "triage_reason": mark.reason})
    return out


def triage_counts(findings: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    for finding in findings:
        counts[finding.get("triage", "open")] += 1
    return counts


def find_by_id(findings: Iterable[Mapping[str, Any]], ident: str) -> Mapping[str, Any] | None:
    """The finding whose identity starts with ``ident`` (a prefix will do, as with content hashes)."""
    matches = [f for f in findings if str(f.get("id", "")).startswith(ident.lower())]
    if len(matches) > 1:
        raise TriageError(f"{ident}: more than one finding has an id starting so; give more characters")
    return matches[0] if matches else None


# ---- the score and the re-check -----------------------------------------------------------------


def triaged(content_hash: str, payload: Mapping[str, Any], marks: Mapping[str, Mark], corrections: list) -> dict:
    """The stored payload as the reviewer now sees it: re-checked with the corrected cells, findings marked,
    and the quality score without the dismissed findings."""
    result = recheck(payload, corrections) if corrections else dict(payload)
    findings = with_marks(content_hash, result.get("findings", []), marks)
    counted = [f for f in findings if f["triage"] != "dismissed"]
    scored = {**result, "findings": counted}
    return {
        **result,
        "findings": findings,
        "quality": quality_score(scored),
        "quality_components": quality_components(scored),
        "triage": triage_counts(findings),
    }


def reviewed(session: Session, content_hash: str, payload: Mapping[str, Any]) -> dict:
    """One stored result as the reviewers left it: :func:`triaged` with its own marks and corrections."""
    return triaged(
        content_hash,
        payload,
        marks_for(session, [content_hash]),
        corrections_for(session, [content_hash])[content_hash],
    )


def corrections_for(session: Session, hashes: Iterable[str]) -> dict[str, list[CellCorrection]]:
    hashes = list(hashes)
    found: dict[str, list[CellCorrection]] = {h: [] for h in hashes}
    if hashes:
        for row in session.scalars(select(CellCorrection).where(CellCorrection.content_hash.in_(hashes))):
            found[row.content_hash].append(row)
    return found


def correct_cell(session: Session, content_hash: str, key: str, value: float | None, note: str | None) -> None:
    values = {"value": value, "note": note, "created_at": now()}
    statement = insert_statement(session, CellCorrection).values(content_hash=content_hash, key=key, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["content_hash", "key"], set_=values))


def recheck(payload: Mapping[str, Any], corrections: Iterable[CellCorrection]) -> dict[str, Any]:
    """The report re-audited with the corrected cells; ``corrections`` keeps each extracted value beside
    the reviewer's.  The rules are imported here, not at the top: ranking and showing stored results read
    the marks and corrections of this module and need the analysis (spaCy) only for a corrected report."""
    from extractor.audit import audit_report

    report = report_from_dict(payload)
    marked = {}
    for c in corrections:
        value = int(c.value) if c.value is not None and float(c.value).is_integer() else c.value
        marked[c.key] = {"extracted": report.tables.get(c.key), "corrected": value, "note": c.note}
        report.tables[c.key] = value
    audited = audit_report(report).to_dict()
    return {**payload, "claims": audited["claims"], "findings": audited["findings"], "corrections": marked}
