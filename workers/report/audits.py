"""Which audit, and its documents: what every report of an audit starts from."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from workers.store import Audit, AuditDocument

CHUNK = 500  # values in one IN list


def chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def resolve_audit(session: Session, audit_id: int | None = None) -> Audit:
    """The audit asked for, or the latest one (highest id); LookupError when there is none."""
    if audit_id is None:
        audit = session.scalars(select(Audit).order_by(Audit.id.desc()).limit(1)).first()
        if audit is None:
            raise LookupError("no audit in the database")
        return audit
    audit = session.get(Audit, audit_id)
    if audit is None:
        raise LookupError(f"no audit with id {audit_id}")
    return audit


def audit_contents(session: Session, audit_id: int) -> dict[str, list[str]]:
    """Content hash → the paths it had in the audit (sorted), in order of first path."""
    rows = session.execute(
        select(AuditDocument.content_hash, AuditDocument.path)
        .where(AuditDocument.audit_id == audit_id)
        .order_by(AuditDocument.path)
    )
    contents: dict[str, list[str]] = {}
    for digest, path in rows:
        contents.setdefault(digest, []).append(path)
    return contents
