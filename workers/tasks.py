"""The Celery app and its one task: a thin wrapper over :func:`workers.pipeline.audit_bytes`.

A message carries a batch of documents (paths and content hashes), not one:
the per-message cost of the queue (delivery, acknowledgement, a commit) is
paid once per batch, which ``bench/queue_bench.py`` shows matters when a
document takes tens of milliseconds.  Each document of a batch still has its
own time limit (``soft_time_limit``, an alarm in the worker's pool process);
Celery's own limits on the message, scaled by its size, are the backstop.

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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg
from celery import Celery, Task, signals
from sqlalchemy.exc import OperationalError

from extractor import ExtractError
from extractor.timeouts import time_limit
from workers.pipeline import PIPELINE_VERSION, Outcome, audit_bytes, claim_rows, finding_rows, result_row
from workers.settings import Settings, get_settings
from workers.storage import cached_hashes, session_scope, store_results

log = logging.getLogger(__name__)
TASK_NAME = "gkaudit.audit_batch"
# psycopg's own: PostgreSQL's COPY (workers.storage.copy_rows) runs on the driver's connection, past SQLAlchemy.
TRANSIENT_ERRORS = (OperationalError, psycopg.OperationalError, ConnectionError)

Item = tuple[str, str]  # a document to audit: (path, content hash)
# Messages a pool process holds: the one it audits and the next, so that it never waits for the broker
# (the embedded transport is polled every 10 ms) between two batches.  Unacknowledged until audited, so
# a killed worker's messages are delivered again (or re-sent by the runner), like the one it was auditing.
PREFETCH_PER_PROCESS = 2


def make_app(settings: Settings) -> Celery:
    app = Celery("gkaudit", broker=settings.broker(), set_as_current=False)
    app.conf.update(
        broker_transport=settings.broker_transport(),
        broker_transport_options=settings.broker_transport_options(),
        broker_connection_retry_on_startup=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=PREFETCH_PER_PROCESS,
        worker_max_tasks_per_child=settings.max_tasks_per_child,
        worker_hijack_root_logger=False,
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=settings.queue,
    )
    app.register_task(AuditBatch())
    return app


def batch_time_limits(settings: Settings, documents: int) -> dict[str, float]:
    """Celery's limits for a message of ``documents``, as if each document but the last used its soft limit.

    Hard: the last document still gets the whole hard limit before the pool
    process is killed (a document stuck where no alarm reaches).  Soft: half-way
    from there, a backstop for the documents' own alarms.
    """
    hard = settings.soft_time_limit * (documents - 1) + settings.hard_time_limit
    margin = settings.hard_time_limit - settings.soft_time_limit
    return {"soft_time_limit": hard - margin / 2, "time_limit": hard}


def audit_took_too_long(seconds: float) -> BaseException:
    return ExtractError("E051", limit=seconds)


def audit_file(path: str, limit: float) -> Outcome:
    """Read and audit one file within ``limit`` seconds; never raises for a bad document."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Outcome("failed", path, error=f"cannot read file: {exc.strerror or exc}")
    try:
        with time_limit(limit, audit_took_too_long):
            return audit_bytes(data, path)
    except ExtractError as exc:  # the alarm went off between two stages' own error handling
        return Outcome("failed", path, error=exc.reason)


def run_batch(db_url: str, items: Sequence[Item], limit: float) -> dict[str, Outcome | None]:
    """Audit the documents that have no result yet and store them in one transaction.

    Returns each content hash's outcome, None for one that already had a result
    (a re-sent or redelivered message, or the same content twice in a batch).
    """
    with session_scope(db_url) as session:
        done = cached_hashes(session, (digest for _, digest in items), PIPELINE_VERSION)
    outcomes: dict[str, Outcome | None] = {}
    for path, digest in items:
        if digest in outcomes or digest in done:
            outcomes.setdefault(digest, None)
            continue
        outcomes[digest] = audit_file(path, limit)
    rows = [
        (result_row(outcome, digest, PIPELINE_VERSION), finding_rows(outcome), claim_rows(outcome))
        for digest, outcome in outcomes.items()
        if outcome is not None
    ]
    store_results(db_url, rows)
    return outcomes


def batch_summary(outcomes: dict[str, Outcome | None]) -> dict[str, int]:
    statuses = ["cached" if o is None else o.status for o in outcomes.values()]
    return {status: statuses.count(status) for status in ("done", "failed", "cached")}


class AuditBatch(Task):
    name = TASK_NAME
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = True
    retry_backoff_max = 60
    retry_jitter = True
    acks_late = True
    reject_on_worker_lost = True

    def run(self, db_url: str, items: list[list[str]]) -> dict[str, int]:
        settings = get_settings()
        self.max_retries = settings.max_retries
        outcomes = run_batch(db_url, [(path, digest) for path, digest in items], settings.soft_time_limit)
        return batch_summary(outcomes)


app = make_app(get_settings())


@signals.worker_process_init.connect
def warm_up(**_: Any) -> None:
    """Load jieba's dictionary, the spaCy pipeline and the classifier once per worker process."""
    from extractor.nlp.pipeline import get_nlp
    from models.artifact import load_model

    get_nlp()("预热")
    load_model()
