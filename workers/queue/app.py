"""The Celery app as the runner uses it: its configuration, its task's name and limits, what says a server
is away, and how a corpus is cut into messages (:func:`batch_sizes`), without the task itself.

The task (:mod:`workers.queue.tasks`) imports the audit pipeline (spaCy, jieba, the classifier: seconds of
import); the runner only sends messages by the task's name, so it imports this instead and starts its local
worker before it imports anything heavy: the worker's start overlaps the runner's own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

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


# ---- batches --------------------------------------------------------------------------------

# A batch is at most half of what is left per process, so that a slow batch at the end leaves the other
# processes little to wait for, but no smaller than SMALLEST_BATCH: each message costs a worker about as much
# as auditing one text report (its delivery and acknowledgement, a lookup, a commit).  bench/batch_schedule.py
# simulates both costs (1,000 text reports, 2 processes): waiting plus messages cost 3.7 % of the audit at a
# quarter and 4 (38 messages of at most 64), 2.5 % at a half and 8 (24), 1.9 % with at most 128 (18).
BATCHES_PER_PROCESS = 2
SMALLEST_BATCH = 8


def batch_sizes(
    file_sizes: Sequence[int],
    processes: int,
    most: int,
    most_bytes: int | None = None,
    *,
    per_process: int = BATCHES_PER_PROCESS,
    smallest: int = SMALLEST_BATCH,
) -> Iterator[int]:
    """Documents per message, in order, shrinking as the queue drains (guided self-scheduling).

    Each batch is at most ``most`` and a ``per_process``-th of what is left per
    process, but at least ``smallest`` (or what is left), so the last messages
    are small and no process waits long for another's last batch; and it holds
    at most ``most_bytes`` of files, unless it is a single file.
    """
    start = 0
    while (left := len(file_sizes) - start) > 0:
        size = min(left, max(min(smallest, most), min(most, left // (per_process * processes))))
        size = files_within(file_sizes[start : start + size], most_bytes)
        yield size
        start += size


def files_within(file_sizes: Sequence[int], most_bytes: int | None) -> int:
    """How many of these files, from the first, hold at most ``most_bytes`` together (always the first)."""
    if most_bytes is None:
        return len(file_sizes)
    total = 0
    for count, size in enumerate(file_sizes):
        total += size
        if total > most_bytes and count > 0:
            return count
    return len(file_sizes)
