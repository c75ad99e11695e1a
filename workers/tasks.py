"""The Celery app and its one task: a thin wrapper over :func:`workers.pipeline.audit_bytes`.

Delivery is at least once (``acks_late`` with ``reject_on_worker_lost``: a task
whose worker dies is delivered again), writes are idempotent (one result per
content hash and pipeline version), so a killed worker, a restarted broker or a
re-run leaves exactly one result per document.  Only transient failures (the
database unreachable) are retried, with backoff; a bad document is a stored
failure, not a retry.  jieba, spaCy and the classifier are loaded once per
worker process by :func:`warm_up`, not per task.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from celery import Celery, Task, signals
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError

from workers.pipeline import PIPELINE_VERSION, Outcome, audit_bytes, claim_rows, finding_rows, result_row
from workers.settings import Settings, get_settings
from workers.storage import cached_hashes, content_hash, session_scope, store_result

log = logging.getLogger(__name__)
TASK_NAME = "gkaudit.audit_document"
TRANSIENT_ERRORS = (OperationalError, ConnectionError)


def make_app(settings: Settings) -> Celery:
    app = Celery("gkaudit", broker=settings.broker(), set_as_current=False)
    app.conf.update(
        broker_transport_options=settings.broker_transport_options(),
        broker_connection_retry_on_startup=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        task_ignore_result=True,
        task_soft_time_limit=settings.soft_time_limit,
        task_time_limit=settings.hard_time_limit,
        worker_prefetch_multiplier=1,
        worker_max_tasks_per_child=settings.max_tasks_per_child,
        worker_hijack_root_logger=False,
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=settings.queue,
    )
    app.register_task(AuditDocument())
    return app


def run_document(db_url: str, path: str, expected_hash: str | None = None) -> Outcome | None:
    """Read one file, audit it and store the outcome; None when its content already has a result."""
    if expected_hash and already_done(db_url, expected_hash):
        return None  # a re-sent or redelivered task: nothing to redo
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        outcome = Outcome("failed", path, error=f"cannot read file: {exc.strerror or exc}")
        data = b""
    else:
        outcome = audit_bytes(data, path)
    digest = expected_hash or content_hash(data)
    store_result(db_url, result_row(outcome, digest, PIPELINE_VERSION), finding_rows(outcome), claim_rows(outcome))
    return outcome


def already_done(db_url: str, digest: str) -> bool:
    with session_scope(db_url) as session:
        return bool(cached_hashes(session, [digest], PIPELINE_VERSION))


class AuditDocument(Task):
    name = TASK_NAME
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = True
    retry_backoff_max = 60
    retry_jitter = True
    acks_late = True
    reject_on_worker_lost = True

    def run(self, db_url: str, path: str, digest: str | None = None) -> dict[str, Any]:
        self.max_retries = get_settings().max_retries
        try:
            outcome = run_document(db_url, path, digest)
        except SoftTimeLimitExceeded:
            limit = get_settings().soft_time_limit
            outcome = Outcome("failed", path, error=f"auditing took too long (limit {limit} s)")
            digest = digest or content_hash(Path(path).read_bytes())
            store_result(db_url, result_row(outcome, digest, PIPELINE_VERSION), [], [])
        if outcome is None:
            return {"path": path, "status": "cached", "error": None}
        return {"path": path, "status": outcome.status, "error": outcome.error}


app = make_app(get_settings())


@signals.worker_process_init.connect
def warm_up(**_: Any) -> None:
    """Load jieba's dictionary, the spaCy pipeline and the classifier once per worker process."""
    from extractor.nlp.pipeline import get_nlp
    from models.artifact import load_model

    get_nlp()("预热")
    load_model()
