"""The API's reads and writes of the shared database (:mod:`workers.store`); all blocking, run off the loop.

A report checked in the request is stored like a task stores it (the same
``store_result`` rows, one per content hash and pipeline version) and recorded as
a document of a standing audit labelled :data:`UPLOADS_LABEL`, so that
``GET /v1/documents/{id}``, the review page and the ranking of uploads find it.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from extractor.output import FINDING_FIELDS
from extractor.stages import Outcome
from models.version import PIPELINE_VERSION
from workers.audit.rows import claim_rows, finding_rows, result_row
from workers.queue.runner import read_progress
from workers.report.rank import Row, group_ranking, payload_findings, ranking, render_html, write_csv, write_json
from workers.store import (
    Audit,
    AuditDocument,
    CorpusFinding,
    Result,
    insert_statement,
    session_scope,
    store_result,
)

UPLOADS_LABEL = "api uploads（接口上传的报告）"
_uploads_lock = threading.Lock()
_uploads_ids: dict[str, int] = {}


# ---- writes -------------------------------------------------------------------------------


def uploads_audit(db_url: str) -> int:
    """The standing audit of uploaded reports for this pipeline version (created on first use)."""
    with _uploads_lock:
        if db_url in _uploads_ids:
            return _uploads_ids[db_url]
        with session_scope(db_url) as session:
            query = select(Audit.id).where(Audit.label == UPLOADS_LABEL, Audit.pipeline_version == PIPELINE_VERSION)
            audit_id = session.scalar(query.order_by(Audit.id).limit(1))
            if audit_id is None:
                audit = Audit(pipeline_version=PIPELINE_VERSION, label=UPLOADS_LABEL)
                session.add(audit)
                session.flush()
                audit_id = audit.id
        _uploads_ids[db_url] = audit_id
        return audit_id


def upload_path(digest: str, name: str) -> str:
    return f"upload/{digest[:12]}/{name}"


def store_check(db_url: str, outcome: Outcome, digest: str, size: int) -> int:
    """Store a checked upload (idempotent) and record it in the uploads audit; that audit's id."""
    store_result(db_url, result_row(outcome, digest, PIPELINE_VERSION), finding_rows(outcome), claim_rows(outcome))
    audit_id = uploads_audit(db_url)
    row = {"audit_id": audit_id, "path": upload_path(digest, outcome.name), "content_hash": digest, "size": size}
    with session_scope(db_url) as session:
        stmt = (
            insert_statement(session, AuditDocument)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["audit_id", "path"])
        )
        session.execute(stmt)
    return audit_id


# ---- documents ----------------------------------------------------------------------------


def _corpus_findings(session: Any, digest: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(CorpusFinding).where(CorpusFinding.content_hash == digest).order_by(CorpusFinding.id))
    return [{k: getattr(f, k) for k in ("audit_id", *FINDING_FIELDS)} for f in rows]


def _audits_of(session: Any, digest: str) -> list[int]:
    query = select(AuditDocument.audit_id).where(AuditDocument.content_hash == digest).distinct()
    return sorted(session.scalars(query), reverse=True)


def document(db_url: str, ident: str) -> dict[str, Any] | None:
    """One document by content hash (or a prefix of it): its result and findings, pending, or None."""
    ident = ident.lower()
    with session_scope(db_url) as session:
        newest_first = (Result.pipeline_version == PIPELINE_VERSION).desc(), Result.id.desc()
        query = select(Result).where(Result.content_hash.startswith(ident)).order_by(*newest_first)
        result = session.scalars(query.limit(1)).first()
        if result is None:
            return _pending(session, ident)
        payload = dict(result.payload or {})
        seen = reviewed_payload(session, result.content_hash, payload, result.status)
        return {
            "id": result.content_hash,
            "status": result.status,
            "file": result.path,
            "error": result.error,
            "pipeline_version": result.pipeline_version,
            "audits": _audits_of(session, result.content_hash),
            "findings": payload_findings(seen),
            "corpus_findings": _corpus_findings(session, result.content_hash),
            "result": payload,
            "review": review_summary(seen) if result.status == "done" else None,
        }


def _pending(session: Any, ident: str) -> dict[str, Any] | None:
    query = select(AuditDocument).where(AuditDocument.content_hash.startswith(ident)).order_by(AuditDocument.id.desc())
    doc = session.scalars(query.limit(1)).first()
    if doc is None:
        return None
    return {
        "id": doc.content_hash,
        "status": "pending",
        "file": doc.path,
        "error": None,
        "pipeline_version": PIPELINE_VERSION,
        "audits": _audits_of(session, doc.content_hash),
        "findings": [],
        "corpus_findings": [],
        "result": {},
    }


# ---- audits -------------------------------------------------------------------------------


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def audit_progress(db_url: str, audit_id: int) -> dict[str, Any] | None:
    """Progress of one audit (None when there is no such audit): counts, rate and times."""
    with session_scope(db_url) as session:
        audit = session.get(Audit, audit_id)
        if audit is None:
            return None
        documents = session.scalar(select(func.count()).where(AuditDocument.audit_id == audit_id)) or 0
        created, finished_at = _aware(audit.created_at), _aware(audit.finished_at)
        label = audit.label
    progress = read_progress(db_url, audit_id)
    elapsed = max(((finished_at or datetime.now(UTC)) - created).total_seconds(), 1e-6) if created else 0.0
    return {
        "id": audit_id,
        "label": label,
        "created_at": created,
        "finished_at": finished_at,
        "documents": documents,
        "contents": progress.contents,
        "done": progress.done,
        "failed": progress.failed,
        "pending": progress.contents - progress.finished,
        "elapsed_seconds": round(elapsed, 3),
        "rate": round(progress.finished / elapsed, 3) if elapsed else 0.0,
    }


def _written(writer: Callable[[Sequence[Row], Path], None], rows: Sequence[Row]) -> bytes:
    """What the CLI's writer puts in a file, as bytes (the same function, so the same output)."""
    with tempfile.TemporaryDirectory(prefix="gkaudit-rank-") as folder:
        out = Path(folder) / "ranking"
        writer(rows, out)
        return out.read_bytes()


def ranking_bytes(db_url: str, audit_id: int, fmt: str, by: str | None) -> bytes:
    """The ranking of an audit as ``gkaudit rank --format fmt [--by by]`` writes it; LookupError if no audit."""
    with session_scope(db_url) as session:
        rows = ranking(session, audit_id)
        if fmt == "html":
            return render_html(session, rows, audit_id=audit_id).encode()
    data = group_ranking(rows, by) if by else rows  # type: ignore[arg-type]
    return _written(write_csv if fmt == "csv" else write_json, data)


def database_ok(db_url: str) -> None:
    """Raises when the database does not answer."""
    with session_scope(db_url) as session:
        session.execute(text("SELECT 1"))


def body_years_page(db_url: str, body: str) -> str | None:
    """One body's reports across years as an HTML page (workers.report.years), or None when none is stored."""
    from workers.report.years import body_years, render_html, years_view

    with session_scope(db_url) as session:
        reports = body_years(session, body)
    return render_html(years_view(reports, body)) if reports else None


def review_summary(seen: dict[str, Any]) -> dict[str, Any]:
    """What the reviewers changed: the counts of open, confirmed and dismissed findings, the corrected
    cells (extracted and corrected values), and the quality score without the dismissed findings."""
    return {"triage": seen.get("triage"), "corrections": seen.get("corrections") or {}, "quality": seen.get("quality")}


def reviewed_payload(session: Any, digest: str, payload: dict[str, Any], status: str) -> dict[str, Any]:
    """The stored payload as the reviewers left it (workers.audit.triage): findings marked, cells corrected."""
    if status != "done":
        return payload
    from workers.audit.triage import reviewed

    return reviewed(session, digest, payload)


def set_triage(db_url: str, doc: str, finding: str, state: str, reason: str | None) -> dict[str, Any] | None:
    """Mark one finding of one document (each by its id or a prefix of it); None when either is unknown.
    A mark that cannot be taken (dismissed without a reason) raises workers.audit.triage.TriageError."""
    from workers.audit.triage import find_by_id, set_mark

    with session_scope(db_url) as session:
        newest_first = (Result.pipeline_version == PIPELINE_VERSION).desc(), Result.id.desc()
        query = select(Result).where(Result.content_hash.startswith(doc.lower()), Result.status == "done")
        result = session.scalars(query.order_by(*newest_first).limit(1)).first()
        if result is None:
            return None
        seen = reviewed_payload(session, result.content_hash, dict(result.payload or {}), result.status)
        chosen = find_by_id(seen.get("findings", []), finding)
        if chosen is None:
            return None
        identity = set_mark(session, result.content_hash, chosen, state, reason)
        return {
            "id": identity,
            "document": result.content_hash,
            "state": state,
            "reason": (reason or "").strip() or None,
        }
