"""Run a corpus audit: find the files, skip what is cached, queue the rest, watch them finish.

The runner owns nothing but bookkeeping: it hashes each file, stores the
contents that have no result yet in the content store (:mod:`workers.blobs`: the
database's content table, or an S3 bucket with ``GKAUDIT_BLOB_URL``; once each;
a worker reads them there, so it shares no file system with the runner),
queues their hashes (in batches) and removes them again once audited, records the audit and its
documents, starts local workers when no broker is configured, and polls the
database for progress.  When progress stalls while some documents still have
no result (a worker was killed and its transport does not redeliver, a message
was lost with a broker restart), it sends those documents again; idempotent
writes make that safe.  Ctrl-C stops the local workers; a re-run continues
where it stopped.

A server away mid-audit (the broker or the database restarted) is waited for:
each call to it is tried again with backoff for as long as it is away, and
what the runner waits for is told (``on_wait``), never a traceback.  An
embedded audit holds its state folder's lock: a second one in the same folder
stops at once with the reason, instead of emptying the first one's queue.
"""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from celery import Celery
from sqlalchemy import case, func, select

from extractor.settings import DEFAULT_LIMITS
from models.version import PIPELINE_VERSION
from workers.blobs import FileToStore, content_store, file_bytes
from workers.queue.app import TASK_NAME, batch_sizes, batch_time_limits, queue_app
from workers.queue.files import FileEntry, hash_file, iter_files
from workers.queue.listen import results_listener
from workers.queue.local import (
    LocalStart,
    local_concurrency,
    start_local_worker,
    state_folder_lock,
    stop_worker,
    worker_log,
)
from workers.queue.servers import Notify, Servers
from workers.queue.settings import Settings
from workers.store import (
    Audit,
    AuditDocument,
    Result,
    audit_progress,
    cached_hashes,
    insert_rows,
    now,
    result_statuses,
    results_after,
    session_scope,
    store_results,
)

# Progress is read often near the end (the audit ends at most this late) and less often before: each read
# costs the database a query and this process CPU that two busy workers on two cores would otherwise use.
POLL_SECONDS = (0.05, 1.0)
POLLS_PER_REMAINING = 4  # a read at least every fourth of the time the documents left should take
MAX_RESENDS = 2  # a document still without a result after this many re-sends is recorded as failed


@dataclass
class Progress:
    contents: int
    done: int
    failed: int

    @property
    def finished(self) -> int:
        return self.done + self.failed


@dataclass(frozen=True)
class AuditSummary:
    audit: int
    documents: int
    done: int
    failed: int
    cached: int

    def to_dict(self) -> dict[str, int]:
        return {
            "audit": self.audit,
            "documents": self.documents,
            "done": self.done,
            "failed": self.failed,
            "cached": self.cached,
        }


# ---- bookkeeping --------------------------------------------------------------------------


def audited_contents(db_url: str, entries: list[FileEntry]) -> set[str]:
    """The contents among ``entries`` that already have a result (done or failed)."""
    with session_scope(db_url) as session:
        return cached_hashes(session, (e.content_hash for e in entries), PIPELINE_VERSION)


def unaudited(entries: list[FileEntry], audited: set[str]) -> list[tuple[str, str]]:
    """(content hash, first path) of each readable content without a result, in the order found."""
    return first_paths((e.content_hash, e.path) for e in entries if e.error is None and e.content_hash not in audited)


def first_paths(found: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(content hash, path) once per content, with the first path it was found at."""
    first: dict[str, str] = {}
    for digest, path in found:
        first.setdefault(digest, path)
    return list(first.items())


# Documents recorded per statement: a bulk insert of every document at once built a row (a dict) for each, and
# the driver its parameters, for all 20,000 of a large audit together.
REGISTER_ROWS = 2000


def register_audit(db_url: str, entries: Sequence[FileEntry], label: str) -> int:
    """Record the audit and its documents (one transaction); return its id."""
    with session_scope(db_url) as session:
        audit = Audit(pipeline_version=PIPELINE_VERSION, label=label)
        session.add(audit)
        session.flush()
        for start in range(0, len(entries), REGISTER_ROWS):
            rows = [
                {"audit_id": audit.id, "path": e.path, "content_hash": e.content_hash, "size": e.size}
                for e in entries[start : start + REGISTER_ROWS]
            ]
            insert_rows(session, AuditDocument.__table__, rows)  # a bulk insert: no object per document
        return audit.id


def store_contents(
    db_url: str, items: Iterable[tuple[str, str]], most_bytes: int = DEFAULT_LIMITS.max_file_bytes
) -> list[tuple[str, str, str]]:
    """Store the content of each (content hash, path) that the content store lacks (a transaction per
    megabyte of files, not per file); the (hash, path, reason) of each that cannot travel: over ``most_bytes``,
    or gone or changed since hashed."""
    todo = first_paths(items)
    store = content_store(db_url)
    have = store.stored(digest for digest, _ in todo)
    files = [FileToStore(digest, path, Path(path)) for digest, path in todo if digest not in have]
    paths = dict(todo)
    return [(digest, paths[digest], reason) for digest, reason in store.put_files(files, most_bytes)]


def content_of(path: Path, digest: str, most_bytes: int) -> tuple[bytes | None, str]:
    """The file's bytes if they are still the content hashed and within ``most_bytes``; else None and why."""
    return file_bytes(path, digest, most_bytes)


def record_failures(db_url: str, failures: Iterable[tuple[str, str, str]]) -> None:
    """Store (content hash, path, reason) as failed documents, like any other result.

    Nothing to store, nothing imported: ``workers.audit.rows`` imports the pipeline (spaCy and the rest, some
    60 MiB and half a second), which an audit whose every file was readable never needs in the runner.
    """
    failures = list(failures)
    if not failures:
        return
    from extractor.stages import Outcome
    from workers.audit.rows import result_row

    rows = [(result_row(Outcome("failed", path, error=reason), digest), [], []) for digest, path, reason in failures]
    store_results(db_url, rows)


def missing_contents(db_url: str, audit_id: int) -> list[tuple[str, str]]:
    """(content hash, first path) of the audit's documents that have no result yet."""
    with session_scope(db_url) as session:
        done = select(Result.content_hash).where(Result.pipeline_version == PIPELINE_VERSION)
        rows = session.execute(
            select(AuditDocument.content_hash, AuditDocument.path)
            .where(AuditDocument.audit_id == audit_id, AuditDocument.content_hash.not_in(done))
            .order_by(AuditDocument.id)
        ).all()
    return first_paths(rows)


def read_progress(db_url: str, audit_id: int) -> Progress:
    with session_scope(db_url) as session:
        counts = audit_progress(session, audit_id, PIPELINE_VERSION)
    return Progress(counts["contents"], counts["done"], counts["failed"])


# Seconds between two reads that ask about every content still without a result (see ProgressReader).
FULL_READ_SECONDS = 10.0


@dataclass
class ProgressReader:
    """An audit's progress, polled again and again, at a cost in proportion to what arrived since the last read.

    A result is never taken back, so a content found finished stays finished.
    A read asks for the results stored since the last one (by id: :func:`results_after`),
    not about every content still without one: at 20,000 documents that was 0.1 s of the
    runner's CPU a read early in the audit, a cost per document that grew with the corpus.
    A read that finds nothing new, and one at least every :data:`FULL_READ_SECONDS`, asks
    about the contents still without a result (:func:`result_statuses`), as the first
    read does: it finds the results stored before the audit, and one that a transaction
    begun earlier committed after a later one's (PostgreSQL gives ids at insert time).
    """

    db_url: str
    contents: int
    pending: set[str]
    statuses: Counter[str] = field(default_factory=Counter)
    last_id: int = 0
    full_read_at: float = -FULL_READ_SECONDS  # time.monotonic() of the last read about every pending content

    @classmethod
    def of_audit(cls, db_url: str, audit_id: int) -> ProgressReader:
        with session_scope(db_url) as session:
            hashes = set(session.scalars(select(AuditDocument.content_hash).where(AuditDocument.audit_id == audit_id)))
        return cls.of_contents(db_url, hashes)

    @classmethod
    def of_contents(cls, db_url: str, hashes: set[str]) -> ProgressReader:
        """A reader of these contents (taken over: the reader empties the set as results arrive).  The reads by
        id start at the newest result stored before: the first read asks about every content anyway, and the
        database's older results (other audits') are not read back at all."""
        with session_scope(db_url) as session:
            newest = session.scalar(select(func.max(Result.id))) or 0
        return cls(db_url, len(hashes), hashes, last_id=newest)

    def read(self) -> Progress:
        if self.pending:
            with session_scope(self.db_url) as session:
                arrived, self.last_id = results_after(session, self.last_id, PIPELINE_VERSION)
                found = {digest: status for digest, status in arrived.items() if digest in self.pending}
                if not found or time.monotonic() - self.full_read_at >= FULL_READ_SECONDS:
                    self.full_read_at = time.monotonic()
                    found = result_statuses(session, self.pending, PIPELINE_VERSION)
            self.pending -= found.keys()
            self.statuses.update(found.values())
        return Progress(self.contents, self.statuses["done"], self.statuses["failed"])


def finish_audit(db_url: str, audit_id: int) -> None:
    with session_scope(db_url) as session:
        audit = session.get(Audit, audit_id)
        if audit is not None:
            audit.finished_at = now()


def summarize(db_url: str, audit_id: int, cached: int) -> AuditSummary:
    """Counts per document (a file seen twice counts twice, as the user named it twice), counted by the
    database; ``cached``: the documents whose content had its result before the audit."""
    with session_scope(db_url) as session:
        documents, done, failed = session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((Result.status == "done", 1), else_=0)), 0),
                func.coalesce(func.sum(case((Result.status == "failed", 1), else_=0)), 0),
            )
            .select_from(AuditDocument)
            .join(
                Result,
                (Result.content_hash == AuditDocument.content_hash) & (Result.pipeline_version == PIPELINE_VERSION),
                isouter=True,
            )
            .where(AuditDocument.audit_id == audit_id)
        ).one()
    return AuditSummary(audit=audit_id, documents=documents, done=int(done), failed=int(failed), cached=cached)


# ---- queue and workers ---------------------------------------------------------------------


def send(
    app: Celery,
    db_url: str,
    items: Iterable[tuple[str, str]],
    settings: Settings,
    *,
    processes: int,
    most: int,
    file_sizes: Mapping[str, int] | None = None,
) -> int:
    """Queue the content hashes of (content hash, path) pairs in batches for ``processes``; how many were sent.

    A message carries hashes only: the contents are in the content store (:func:`store_contents`).
    """
    return send_batches(app, db_url, plan_batches(items, settings, processes, most, file_sizes), settings)


def plan_batches(
    items: Iterable[tuple[str, str]],
    settings: Settings,
    processes: int,
    most: int,
    file_sizes: Mapping[str, int] | None = None,
) -> list[list[tuple[str, str]]]:
    """The messages for these (content hash, path) pairs: at most ``most`` documents each, and at most
    ``settings.batch_bytes`` of files by ``file_sizes`` (bytes by content hash; a file not in it counts none)."""
    todo = list(items)
    known = file_sizes or {}
    planned, start = [], 0
    for size in batch_sizes([known.get(digest, 0) for digest, _ in todo], processes, most, settings.batch_bytes):
        planned.append(todo[start : start + size])
        start += size
    return planned


def send_batches(app: Celery, db_url: str, batches: Iterable[list[tuple[str, str]]], settings: Settings) -> int:
    """One message per batch; how many documents were sent."""
    sent = 0
    with app.producer_or_acquire() as producer:
        for items in batches:
            batch = [digest for digest, _ in items]
            limits = batch_time_limits(settings, len(batch))
            # argsrepr: Celery would otherwise write out the batch's hashes (and the database URL,
            # with any password in it) for its logs, at some cost per message.
            argsrepr = f"(<database>, <{len(batch)} documents>)"
            app.send_task(TASK_NAME, args=(db_url, batch), producer=producer, argsrepr=argsrepr, **limits)
            sent += len(batch)
    return sent


def store_and_send(
    app: Celery, db_url: str, batches: list[list[tuple[str, str]]], settings: Settings, servers: Servers
) -> list[tuple[str, str, str]]:
    """Each batch's contents stored, then its message sent, batch by batch: the workers start on the first
    while the runner stores the rest (storing every content first kept them idle for most of a minute at
    20,000 documents).  The (hash, path, reason) of each content that could not be stored."""
    refused: list[tuple[str, str, str]] = []
    for batch in batches:
        not_stored = servers.database(lambda batch=batch: store_contents(db_url, batch))
        refused += not_stored
        dropped = {digest for digest, _, _ in not_stored}
        if kept := [item for item in batch if item[0] not in dropped]:
            servers.broker(lambda kept=kept: send_batches(app, db_url, [kept], settings))
    return refused


def resend_or_give_up(
    app: Celery,
    db_url: str,
    missing: list[tuple[str, str]],
    settings: Settings,
    resent: Counter[str],
    servers: Servers | None = None,
    *,
    counted: bool = True,
) -> None:
    """Send again what has no result; a document sent too often without one is recorded as failed.

    A document that kills its worker (a crash, the hard time limit in code a
    signal cannot interrupt) would otherwise be sent forever.  Its batch-mates
    are sent again one per message, so one bad document cannot sink the rest.
    ``counted`` False: a re-send soon after a server was away does not count as
    a try (the workers may still be reconnecting, its messages may have been lost).
    """
    if counted:
        resent.update(digest for digest, _ in missing)
    error = f"no worker finished auditing it in {MAX_RESENDS + 1} tries (a crash, or the hard time limit)"
    failed = [(digest, path, error) for digest, path in missing if resent[digest] > MAX_RESENDS]
    again = [item for item in missing if resent[item[0]] <= MAX_RESENDS]
    if servers is None:
        record_failures(db_url, failed + store_contents(db_url, again))
        send(app, db_url, again, settings, processes=1, most=1)
        return
    refused = servers.database(lambda: store_contents(db_url, again))  # a content pruned meanwhile
    servers.database(lambda: record_failures(db_url, failed + refused))
    servers.broker(lambda: send(app, db_url, again, settings, processes=1, most=1))


# ---- the audit ------------------------------------------------------------------------------


ProgressCallback = Callable[[Progress], None]


def run_audit(
    paths: Iterable[str | Path],
    settings: Settings,
    *,
    workers: int | None = None,
    label: str = "",
    on_progress: ProgressCallback | None = None,
    on_wait: Notify | None = None,
    start: LocalStart | None = None,
) -> AuditSummary:
    """Audit every document under ``paths``; returns the summary once each has a result.

    The documents are queued before the audit and its documents are recorded:
    a worker needs only a content's hash (its bytes are stored first), and starts on them at once.
    ``on_wait`` is told what the audit waits for while a server is away (default: stderr).
    An embedded audit holds its state folder (:func:`state_folder_lock`).  ``start``: the folder is held and
    the local worker started already (``gkaudit audit``, by :func:`workers.queue.local.local_start`, before
    it imported this module); its worker is taken over, and ``workers`` is the start's.
    """
    if start is not None:
        return audit_corpus(paths, settings, start, label=label, on_progress=on_progress, on_wait=on_wait)
    with state_folder_lock(settings.state_dir) if settings.embedded else nullcontext():
        own = LocalStart(local_concurrency(settings, workers))
        return audit_corpus(paths, settings, own, label=label, on_progress=on_progress, on_wait=on_wait)


def audit_corpus(
    paths: Iterable[str | Path],
    settings: Settings,
    start: LocalStart,
    *,
    label: str,
    on_progress: ProgressCallback | None,
    on_wait: Notify | None,
) -> AuditSummary:
    db_url = settings.database_url()
    local = start.concurrency
    procs = start.procs  # the workers started and restarted: the start's list, so its end sees them all
    finished = sending = False  # a worker that was sent nothing holds nothing worth a warm shutdown

    def start_worker() -> subprocess.Popen[bytes]:
        return start_local_worker(settings, local, worker_log(settings))

    try:
        # First of all: the worker's start (importing and loading the pipeline, seconds) overlaps everything the
        # runner does before its first message, the checks and the purge below included.  A leftover message the
        # worker might take before the purge is only a document audited once more (writes are idempotent).
        if local and not procs:
            procs.append(start_worker())
        content_store(db_url).check()  # a mistyped bucket or endpoint stops the audit here, with the reason
        app = queue_app(settings)
        servers = Servers.of(app, db_url, settings, on_wait)
        if settings.embedded:
            # leftovers of an interrupted embedded run: their documents are re-sent below
            servers.broker(app.control.purge)

        def now_sending() -> None:  # from here, a worker may hold a message: stopped warm
            nonlocal sending
            sending = True

        processes = local or settings.workers
        queued = queue_corpus(app, db_url, paths, settings, servers, label, processes, procs, now_sending)
        restart = start_worker if local else None
        wait_for_audit(app, db_url, queued.audit_id, settings, on_progress, procs, servers, restart, queued.contents)
        finished = True
    finally:
        stop_workers(procs, idle=finished or not sending)
    audit_id = queued.audit_id
    servers.database(lambda: corpus_checks(db_url, audit_id))
    servers.database(lambda: finish_audit(db_url, audit_id))
    servers.database(lambda: prune(db_url))  # every content of this audit has its result now
    return servers.database(lambda: summarize(db_url, audit_id, queued.cached))


@dataclass(frozen=True)
class Queued:
    """What the runner keeps of an audit once it is queued and recorded: no path, no batch, no row."""

    audit_id: int
    contents: set[str]  # the audit's distinct contents: what the wait is for (the progress reader's)
    cached: int  # documents whose content had its result before the audit (the summary's count)


def queue_corpus(
    app: Celery,
    db_url: str,
    paths: Iterable[str | Path],
    settings: Settings,
    servers: Servers,
    label: str,
    processes: int,
    procs: list[subprocess.Popen[bytes]],
    sending: Callable[[], None],
) -> Queued:
    """Find and hash the files, store and send what has no result, record the audit and its documents and the
    failures known so far.  Every contents' hash is kept for the wait; what else is held per document (the
    files' paths and sizes, the batches, the audit's rows) goes when this returns: at 20,000 documents, held
    through the wait, these were some 2 KB a document of the runner's peak.  ``sending`` is called before the
    first message; a cached re-run stops the local workers (``procs``), started for nothing."""
    entries = [hash_file(p) for p in iter_files(paths)]
    cached = servers.database(lambda: audited_contents(db_url, entries))
    todo = unaudited(entries, cached)
    if not todo:  # every content is cached: the worker started for nothing
        stop_workers(procs, idle=True)
        procs.clear()
    sizes = {e.content_hash: e.size for e in entries}
    batches = plan_batches(todo, settings, processes, settings.batch_size, sizes)
    del todo, sizes
    sending()
    refused = store_and_send(app, db_url, batches, settings, servers)
    del batches
    audit_id = servers.database(lambda: register_audit(db_url, entries, label))
    unreadable = [(e.content_hash, e.path, e.error) for e in entries if e.error and e.content_hash not in cached]
    servers.database(lambda: record_failures(db_url, unreadable + refused))
    contents = {e.content_hash for e in entries}
    return Queued(audit_id, contents, sum(e.content_hash in cached for e in entries))


def stop_workers(procs: list[subprocess.Popen[bytes]], *, idle: bool) -> None:
    for proc in procs:
        stop_worker(proc, idle=idle)


def prune(db_url: str) -> tuple[int, int]:
    """Remove the stored contents no audit still needs (``gkaudit prune``), their rows and, in a bucket, their
    objects; (contents, bytes) removed."""
    return content_store(db_url).prune(PIPELINE_VERSION)


def corpus_checks(db_url: str, audit_id: int) -> None:
    from workers.audit.corpus_checks import run_corpus_checks

    with session_scope(db_url) as session:
        run_corpus_checks(session, audit_id)


def poll_interval(finished: int, remaining: int, elapsed: float) -> float:
    """Seconds until the next read: a fourth of the time the ``remaining`` documents should take, within bounds.

    The rate is what the ``elapsed`` seconds of waiting finished.  Nothing finished yet: as long again as
    waited so far (a first batch of 128 text reports takes a worker about a second, and each read before
    it asks about every document of the audit: every 50 ms, that was most of what the reads cost).
    """
    shortest, longest = POLL_SECONDS
    if finished <= 0:
        return min(longest, max(shortest, elapsed))
    return min(longest, max(shortest, elapsed / finished * remaining / POLLS_PER_REMAINING))


# Celery's worker retries a lost broker connection ever less often (2, 4, 6 … seconds apart): after a
# server was away, re-sends do not count as tries for this long (or twice the stall interval, if longer).
RECOVERY_SECONDS = 60.0


def recovery_seconds(settings: Settings) -> float:
    return max(RECOVERY_SECONDS, 2 * settings.stall_seconds)


# A local worker that stops on its own this many times in one audit is a fault to report, not a blip: Celery's
# Redis transport can end a worker ("Unrecoverable error") when the broker drops the connection during an ack.
MAX_WORKER_RESTARTS = 3


def replace_stopped_worker(
    procs: list[subprocess.Popen[bytes]], restart: Callable[[], subprocess.Popen[bytes]] | None, servers: Servers
) -> None:
    """Start another local worker in place of one that stopped (its unacknowledged messages come back, and the
    stall sweep re-sends the rest), telling so; raise once it has stopped :data:`MAX_WORKER_RESTARTS` times."""
    stopped = sum(p.poll() is not None for p in procs)
    if restart is None or stopped > MAX_WORKER_RESTARTS:
        raise RuntimeError(f"the local worker stopped {stopped} times; see its log, worker.log in the state folder")
    servers.on_wait(f"the local worker stopped (exit {procs[-1].returncode}); starting another")
    procs.append(restart())


def wait_for_audit(
    app: Celery,
    db_url: str,
    audit_id: int,
    settings: Settings,
    on_progress: ProgressCallback | None,
    procs: list[subprocess.Popen[bytes]],
    servers: Servers,
    restart_worker: Callable[[], subprocess.Popen[bytes]] | None = None,
    contents: set[str] | None = None,
) -> None:
    """Read the progress until every content has a result: at the poll's interval, and on PostgreSQL as soon
    as the workers tell of as many new results as are missing (:mod:`workers.queue.listen`); re-send what is
    missing when it stalls.  A wait for a server away is not a stall: the clock starts again after it.
    ``contents``: the audit's distinct contents, when the runner has them (else read from the database)."""
    if contents is not None:
        reader = servers.database(lambda: ProgressReader.of_contents(db_url, contents))
    else:
        reader = servers.database(lambda: ProgressReader.of_audit(db_url, audit_id))
    resent: Counter[str] = Counter()
    grace = recovery_seconds(settings)
    with results_listener(db_url) as listener:  # before the first read: a notice after it counts
        progress = servers.database(reader.read)
        last_change, last_finished = time.monotonic(), progress.finished
        waiting_since, finished_before = last_change, progress.finished
        server_back = -grace  # when a server last came back (monotonic seconds)
        while progress.finished < progress.contents:
            finished = progress.finished - finished_before
            remaining = progress.contents - progress.finished
            listener.wait(remaining, poll_interval(finished, remaining, time.monotonic() - waiting_since))
            waits = servers.waits
            progress = servers.database(reader.read)
            if on_progress:
                on_progress(progress)
            if servers.waits != waits:
                server_back = time.monotonic()
            if progress.finished != last_finished or servers.waits != waits:
                last_change, last_finished = time.monotonic(), progress.finished
            elif time.monotonic() - last_change > settings.stall_seconds:
                missing = servers.database(lambda: missing_contents(db_url, audit_id))
                counted = time.monotonic() - server_back > grace
                waits = servers.waits
                resend_or_give_up(app, db_url, missing, settings, resent, servers, counted=counted)
                if servers.waits != waits:
                    server_back = time.monotonic()
                last_change = time.monotonic()
            if procs and all(p.poll() is not None for p in procs):
                replace_stopped_worker(procs, restart_worker, servers)
                last_change = time.monotonic()
    if on_progress:
        on_progress(progress)
