"""The Celery app as the runner uses it: its configuration, its task's name and limits, and what says a server
is away, without the task itself.

The task (:mod:`workers.queue.tasks`) imports the audit pipeline (spaCy, jieba, the classifier: seconds of
import); the runner only sends messages by the task's name, so it imports this instead and starts its local
worker before it imports anything heavy: the worker's start overlaps the runner's own.
"""

from __future__ import annotations

import psycopg
from celery import Celery
from sqlalchemy.exc import DBAPIError, OperationalError

from workers.queue.settings import Settings

TASK_NAME = "gkaudit.audit_batch"
# psycopg's own: PostgreSQL's COPY (workers.store.copy_rows) runs on the driver's connection, past SQLAlchemy.
TRANSIENT_ERRORS = (OperationalError, psycopg.OperationalError, ConnectionError)
# Messages a pool process holds: the one it audits and the next, so that it never waits for the broker
# (the embedded transport is polled every 10 ms) between two batches.  Unacknowledged until audited, so
# a killed worker's messages are delivered again (or re-sent by the runner), like the one it was auditing.
PREFETCH_PER_PROCESS = 2
# Seconds between tries while a server is away: doubling from the first, then the last for as long as it lasts.
BACKOFF_SECONDS = (0.5, 8.0)


def database_away(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is away for now (a connection refused or cut, a server shutting
    down, SQLite busy), not that something is wrong that waiting will not mend (a missing table, a full disk)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    cause = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(cause, (psycopg.OperationalError, ConnectionError)):
        return True
    return "database is locked" in str(cause)


def backoff_seconds(attempt: int) -> float:
    """The wait before try ``attempt + 1`` of a call whose server is away."""
    first, last = BACKOFF_SECONDS
    return min(last, first * 2 ** min(attempt, 16))


def queue_app(settings: Settings) -> Celery:
    """The app with the queue's configuration and no task registered: enough to send and purge messages."""
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
