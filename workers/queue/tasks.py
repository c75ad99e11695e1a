"""The Celery app and its one task: a thin wrapper over :func:`models.stages.audit_bytes`.

A message carries a batch of documents (content hashes, never paths), not one:
each document's bytes and name are read from the content store
(:mod:`workers.blobs`: the database's content table, or an S3 bucket with
``GKAUDIT_BLOB_URL``; stored there by the runner), so a worker needs only the
broker, the database (and the bucket), no file system shared with the runner;
the per-message cost of the queue (delivery, acknowledgement, a commit) is
paid once per batch, which ``bench/queue_bench.py`` shows matters when a
document takes tens of milliseconds.  Each document of a batch still has its
own time limit (``soft_time_limit``, an alarm in the worker's pool process);
Celery's own limits on the message, scaled by its size, are the backstop.

Delivery is at least once (``acks_late`` with ``reject_on_worker_lost``: a task
whose worker dies is delivered again), writes are idempotent (one result per
content hash and pipeline version), so a killed worker, a restarted broker or a
re-run leaves exactly one result per document.  A database away is waited
for, with backoff (:class:`DatabasePatience`), and when it stays away the message
goes back on the queue (rejected, never acknowledged), delivered again for as
long as the outage lasts: a database outage never drops queued work.  A bad
document is a stored failure, not a retry.  jieba, spaCy and the classifier
are loaded once per worker process by :func:`warm_up`, not per task, after
the process's address space is capped (``worker_memory_bytes``).
"""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from celery import Celery, Task, signals
from celery.exceptions import Reject
from sqlalchemy.exc import DBAPIError, OperationalError

from extractor import ExtractError
from extractor.settings import DEFAULT_LIMITS
from extractor.stages import Outcome
from extractor.timeouts import time_limit
from models.stages import PIPELINE_VERSION, audit_bytes
from workers.audit.rows import claim_rows, finding_rows, result_row
from workers.blobs import Blob, content_store
from workers.queue.settings import Settings, get_settings
from workers.store import cached_hashes, session_scope, store_results

log = logging.getLogger(__name__)
TASK_NAME = "gkaudit.audit_batch"
# psycopg's own: PostgreSQL's COPY (workers.store.copy_rows) runs on the driver's connection, past SQLAlchemy.
TRANSIENT_ERRORS = (OperationalError, psycopg.OperationalError, ConnectionError)


def database_away(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is away for now (a connection refused or cut, a server shutting
    down, SQLite busy), not that something is wrong that waiting will not mend (a missing table, a full disk)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    cause = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(cause, (psycopg.OperationalError, ConnectionError)):
        return True
    return "database is locked" in str(cause)


Item = str  # a document to audit: its content hash
# Messages a pool process holds: the one it audits and the next, so that it never waits for the broker
# (the embedded transport is polled every 10 ms) between two batches.  Unacknowledged until audited, so
# a killed worker's messages are delivered again (or re-sent by the runner), like the one it was auditing.
PREFETCH_PER_PROCESS = 2
# Seconds between tries while a server is away: doubling from the first, then the last for as long as it lasts.
BACKOFF_SECONDS = (0.5, 8.0)
T = TypeVar("T")


def backoff_seconds(attempt: int) -> float:
    """The wait before try ``attempt + 1`` of a call whose server is away."""
    first, last = BACKOFF_SECONDS
    return min(last, first * 2 ** min(attempt, 16))


class DatabaseAway(Exception):
    """The database stayed away longer than a worker waits with a message in hand."""


class DatabasePatience:
    """A pool process's waits for the database: the backoff goes on from one message to the next while it is
    away (a message put back comes straight back), and starts again once it answers."""

    def __init__(self) -> None:
        self.attempt = 0

    def call(self, action: Callable[[], T], wait_seconds: float, sleep: Callable[[float], None] = time.sleep) -> T:
        """``action()``, tried again while the database is away; :class:`DatabaseAway` after ``wait_seconds``
        (each message waits them out before it goes back on the queue: no message spins through the broker)."""
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                result = action()
            except TRANSIENT_ERRORS as exc:
                if not database_away(exc):
                    raise
                if (left := deadline - time.monotonic()) <= 0:
                    raise DatabaseAway(f"the database is away ({type(exc).__name__}: {exc})") from exc
                delay = min(backoff_seconds(self.attempt), left)
                self.attempt += 1
                log.warning("waiting for the database (%s); trying again in %.1f s", exc, delay)
                sleep(delay)
            else:
                self.attempt = 0
                return result


PATIENCE = DatabasePatience()


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


def audit_content(name: str, data: bytes, limit: float) -> Outcome:
    """Audit one document's bytes within ``limit`` seconds; never raises for a bad document."""
    try:
        with time_limit(limit, audit_took_too_long):
            return audit_bytes(data, name)
    except ExtractError as exc:  # the alarm went off between two stages' own error handling
        return Outcome("failed", name, error=exc.reason)


def audit_file(path: str, limit: float) -> Outcome:
    """Read and audit one file within ``limit`` seconds (a worker reads contents, not files: for tools)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Outcome("failed", path, error=f"cannot read file: {exc.strerror or exc}")
    return audit_content(path, data, limit)


def failed(name: str, error: str | None) -> Outcome:
    return Outcome("failed", name, error=error or "cannot read the stored content")


def audited_already(db_url: str, items: Sequence[Item]) -> set[str]:
    with session_scope(db_url) as session:
        return cached_hashes(session, items, PIPELINE_VERSION)


def stored_documents(db_url: str, hashes: Sequence[str]) -> dict[str, Blob]:
    """The stored contents among ``hashes``, each read no further than a document's byte limit."""
    return content_store(db_url).read(hashes, DEFAULT_LIMITS.max_file_bytes)


def run_batch(db_url: str, items: Sequence[Item], limit: float, wait_seconds: float = 0.0) -> dict[str, Outcome | None]:
    """Audit the documents that have no result yet and store them in one transaction.

    Returns each content hash's outcome, None for one that already had a result
    (a re-sent or redelivered message, or the same content twice in a batch).
    A content the store does not hold (pruned meanwhile) gets no outcome and no
    result: the runner stores it again when it re-sends it.  The database (and
    the content store) is waited for up to ``wait_seconds`` at each of its uses (then
    :class:`DatabaseAway`): the audits done are not lost to a short outage.
    """
    done = PATIENCE.call(lambda: audited_already(db_url, items), wait_seconds)
    wanted = [digest for digest in dict.fromkeys(items) if digest not in done]
    contents = PATIENCE.call(lambda: stored_documents(db_url, wanted), wait_seconds)
    outcomes: dict[str, Outcome | None] = {}
    for digest in items:
        if digest in outcomes or digest in done:
            outcomes.setdefault(digest, None)
        elif digest not in contents:
            log.warning("content %s is not in the content store (pruned?): left for the runner to store again", digest)
        else:
            name, data, error = contents.pop(digest)  # its bytes freed once audited
            outcomes[digest] = audit_content(name, data, limit) if data is not None else failed(name, error)
    rows = [
        (result_row(outcome, digest, PIPELINE_VERSION), finding_rows(outcome), claim_rows(outcome))
        for digest, outcome in outcomes.items()
        if outcome is not None
    ]
    PATIENCE.call(lambda: store_results(db_url, rows), wait_seconds)
    return outcomes


def batch_summary(outcomes: dict[str, Outcome | None]) -> dict[str, int]:
    statuses = ["cached" if o is None else o.status for o in outcomes.values()]
    return {status: statuses.count(status) for status in ("done", "failed", "cached")}


class AuditBatch(Task):
    """No autoretry: a retry is a new message and the old one acknowledged, and once the retries ran out
    (three within seconds) the message was acknowledged and gone.  A database away puts the message back."""

    name = TASK_NAME
    acks_late = True
    reject_on_worker_lost = True

    def run(self, db_url: str, items: list[str]) -> dict[str, int]:
        settings = get_settings()
        batch = [item if isinstance(item, str) else item[-1] for item in items]  # [path, hash]: an older runner's
        try:
            outcomes = run_batch(db_url, batch, settings.soft_time_limit, settings.db_wait_seconds)
        except DatabaseAway as exc:
            log.warning("%s: the message goes back on the queue", exc)
            raise Reject(str(exc), requeue=True) from exc
        return batch_summary(outcomes)


app = make_app(get_settings())


def cap_memory(memory_bytes: int) -> None:
    """Cap this process's address space (0: no cap), as the API's check processes are capped: a document that
    asks for more fails with MemoryError in its own audit instead of taking the machine's memory."""
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


@signals.worker_process_init.connect
def warm_up(**_: Any) -> None:
    """Cap the pool process's memory, then load jieba's dictionary, the spaCy pipeline and the classifier once."""
    cap_memory(get_settings().worker_memory_bytes)
    from extractor.nlp.pipeline import get_nlp
    from models.artifact import load_model

    get_nlp()("预热")
    load_model()
