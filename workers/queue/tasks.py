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
are loaded once, in the worker's main process before it forks its pool
(:func:`preload`), not per task; each pool process's address space is capped
(``worker_memory_bytes``) as it starts.
"""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from celery import Celery, Task, signals
from celery.exceptions import Reject

from extractor import ExtractError
from extractor.settings import DEFAULT_LIMITS
from extractor.stages import Outcome
from extractor.timeouts import time_limit
from models.stages import audit_bytes
from models.version import PIPELINE_VERSION
from workers.audit.rows import claim_rows, finding_rows, result_row
from workers.blobs import Blob, content_store
from workers.queue.app import TASK_NAME, TRANSIENT_ERRORS, backoff_seconds, database_away, queue_app
from workers.queue.settings import Settings, get_settings
from workers.store import cached_hashes, session_scope, store_results

log = logging.getLogger(__name__)

Item = str  # a document to audit: its content hash
T = TypeVar("T")


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
    """The queue's app with the audit task registered (a worker's; the runner needs only :func:`queue_app`)."""
    app = queue_app(settings)
    app.register_task(AuditBatch())
    return app


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


# A short report written for this warm-up (no real document's text): auditing it once fills what the first
# document would otherwise fill (jieba's dictionary, the spaCy pipeline, compiled patterns, the model's tables).
WARM_UP_REPORT = """某县示例局2023年政府信息公开工作年度报告
一、总体情况
本年度，本局主动公开政府信息12条，收到政府信息公开申请3件，均已按期答复。
二、主动公开政府信息情况
本年新制作规章0件，现行有效规范性文件2件。
三、收到和处理政府信息公开申请情况
本年新收政府信息公开申请3件，上年结转1件，结转下年度继续办理0件。
四、政府信息公开行政复议、行政诉讼情况
本年度未发生政府信息公开行政复议和行政诉讼。
五、存在的主要问题及改进情况
公开内容还不够全面，解读材料偏少。下一步将完善发布流程，加强培训，提升公开质量。
六、其他需要报告的事项
本年度未收取信息处理费。
"""


@signals.worker_init.connect
def preload(**_: Any) -> None:
    """Load the pipeline in the worker's main process, before it forks its pool: each pool process starts with
    it loaded and warm (one short report audited), sharing its pages, instead of loading it again itself."""
    from extractor.nlp.pipeline import get_nlp
    from models.artifact import load_model

    get_nlp()("预热")
    load_model()
    audit_bytes(WARM_UP_REPORT.encode(), "warm-up.txt")


@signals.worker_process_init.connect
def warm_up(**_: Any) -> None:
    """Cap the pool process's memory; jieba's dictionary, the spaCy pipeline and the classifier are loaded once
    (by :func:`preload` before the fork, or here in a process that did not run it)."""
    cap_memory(get_settings().worker_memory_bytes)
    from extractor.nlp.pipeline import get_nlp
    from models.artifact import load_model

    get_nlp()("预热")
    load_model()
