"""Run a corpus audit: find the files, skip what is cached, queue the rest, watch them finish.

The runner owns nothing but bookkeeping: it hashes each file, stores the
contents that have no result yet in the database's content table (once each;
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

import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from celery import Celery
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import select

from extractor.errors import ExtractError
from extractor.settings import DEFAULT_LIMITS
from workers.audit.corpus_checks import run_corpus_checks
from workers.audit.stages import PIPELINE_VERSION, Outcome, result_row
from workers.queue.listen import results_listener
from workers.queue.settings import Settings
from workers.queue.tasks import TASK_NAME, TRANSIENT_ERRORS, backoff_seconds, batch_time_limits, database_away, make_app
from workers.store import (
    Audit,
    AuditDocument,
    Result,
    audit_progress,
    cached_hashes,
    insert_rows,
    now,
    prune_contents,
    result_statuses,
    session_scope,
    shown_url,
    store_content,
    store_results,
    stored_contents,
)

# Files taken from a folder; a file named on the command line is always taken.
REPORT_SUFFIXES = frozenset({".txt", ".text", ".md", ".docx", ".pdf", ".html", ".htm"})
# Progress is read often near the end (the audit ends at most this late) and less often before: each read
# costs the database a query and this process CPU that two busy workers on two cores would otherwise use.
POLL_SECONDS = (0.05, 1.0)
POLLS_PER_REMAINING = 4  # a read at least every fourth of the time the documents left should take
HASH_CHUNK = 1 << 20
WORKER_STOP_SECONDS = 20
# A batch is at most half of what is left per process, so that a slow batch at the end leaves the other
# processes little to wait for, but no smaller than SMALLEST_BATCH: each message costs a worker about as much
# as auditing one text report (its delivery and acknowledgement, a lookup, a commit).  bench/batch_schedule.py
# simulates both costs (1,000 text reports, 2 processes): waiting plus messages cost 3.7 % of the audit at a
# quarter and 4 (38 messages of at most 64), 2.5 % at a half and 8 (24), 1.9 % with at most 128 (18).
BATCHES_PER_PROCESS = 2
SMALLEST_BATCH = 8
MAX_RESENDS = 2  # a document still without a result after this many re-sends is recorded as failed
STATE_LOCK = "audit.lock"  # in the state folder: held by the embedded audit that uses its queue


@dataclass(frozen=True)
class FileEntry:
    path: str
    content_hash: str
    size: int
    error: str | None = None  # the file could not be read at all


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


# ---- servers away --------------------------------------------------------------------------

Notify = Callable[[str], None]
T = TypeVar("T")


def tell_stderr(message: str) -> None:
    print(f"gkaudit: {message}", file=sys.stderr, flush=True)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


@dataclass
class Servers:
    """The broker and the database as the runner calls them: a call that finds its server away is tried
    again, with backoff, for as long as it is away, and each wait is told (``on_wait``)."""

    database_name: str
    broker_name: str
    broker_errors: tuple[type[BaseException], ...]
    on_wait: Notify = tell_stderr
    waits: int = 0  # how many waits so far: the runner does not count a wait as a stall
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def of(cls, app: Celery, db_url: str, settings: Settings, on_wait: Notify | None) -> Servers:
        broker = "the embedded queue" if settings.embedded else f"the broker {shown_broker(settings.broker())}"
        return cls(f"the database {shown_url(db_url)}", broker, broker_errors(app), on_wait or tell_stderr)

    def database(self, action: Callable[[], T]) -> T:
        return self.keep_trying(action, self.database_name, TRANSIENT_ERRORS, database_away)

    def broker(self, action: Callable[[], T]) -> T:
        return self.keep_trying(action, self.broker_name, self.broker_errors)

    def keep_trying(
        self,
        action: Callable[[], T],
        server: str,
        errors: tuple[type[BaseException], ...],
        away: Callable[[BaseException], bool] = lambda _: True,
    ) -> T:
        attempt = 0
        while True:
            try:
                return action()
            except errors as exc:
                if not away(exc):
                    raise
                delay = backoff_seconds(attempt)
                attempt += 1
                self.waits += 1
                self.on_wait(f"waiting for {server} ({first_line(exc)}); trying again in {delay:.1f} s")
                self.sleep(delay)


def broker_errors(app: Celery) -> tuple[type[BaseException], ...]:
    """What a send raises while the broker is away: kombu's wrapper, socket errors, the transport's own."""
    connection = app.connection_for_write()
    try:
        return (BrokerError, OSError, *connection.connection_errors)
    finally:
        connection.release()


def shown_broker(url: str) -> str:
    """A broker URL fit to print: its password hidden."""
    from kombu.utils.url import maybe_sanitize_url

    return str(maybe_sanitize_url(url))


# ---- the state folder ----------------------------------------------------------------------


class StateFolderBusy(Exception):
    """Another embedded audit holds the state folder; ``reason`` says which and what to do."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@contextmanager
def state_folder_lock(state_dir: Path) -> Iterator[None]:
    """Hold the state folder for one embedded audit, or raise :class:`StateFolderBusy` naming its holder.

    Its queue and its local worker are the audit's own: a second audit in the
    same folder emptied the queue at its start and its worker, stopped at its
    end, took the first one's messages with it.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / STATE_LOCK
    with path.open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "unknown"
            raise StateFolderBusy(
                f"another gkaudit audit (pid {holder}) is running with the state folder {state_dir.resolve()}: "
                "wait for it to finish, or give this one a folder of its own (GKAUDIT_STATE_DIR)"
            ) from None
        try:
            lock.truncate(0)
            lock.write(str(os.getpid()))
            lock.flush()
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# ---- files ---------------------------------------------------------------------------------


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and report files below folders named, in a stable order, each once."""
    seen: dict[str, Path] = {}
    folders: dict[Path, Path] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in REPORT_SUFFIXES and not child.name.startswith("."):
                    seen.setdefault(resolved(child, folders), child)
        else:
            seen.setdefault(resolved(p, folders) if p.exists() else str(p), p)
    return list(seen.values())


def resolved(path: Path, folders: dict[Path, Path]) -> str:
    """``path.resolve()``, each folder resolved once (``folders`` keeps them): over half of finding a
    thousand files was resolving each one's folders again; a file that is a link is resolved itself."""
    if path.is_symlink():
        return str(path.resolve())
    if (folder := folders.get(path.parent)) is None:
        folder = folders[path.parent] = path.parent.resolve()
    return str(folder / path.name)


def hash_file(path: Path) -> FileEntry:
    """The content hash, streamed; an unreadable path gets a hash of its name and the reason."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as f:
            while chunk := f.read(HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        reason = "file not found" if isinstance(exc, FileNotFoundError) else f"cannot read file: {exc.strerror or exc}"
        if path.is_dir():
            reason = "is a directory, not a file"
        marker = hashlib.sha256(f"unreadable:{path}".encode()).hexdigest()
        return FileEntry(str(path), marker, 0, reason)
    return FileEntry(str(path), digest.hexdigest(), size)


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


def register_audit(db_url: str, entries: list[FileEntry], label: str) -> int:
    """Record the audit and its documents; return its id."""
    with session_scope(db_url) as session:
        audit = Audit(pipeline_version=PIPELINE_VERSION, label=label)
        session.add(audit)
        session.flush()
        rows = [{"audit_id": audit.id, "path": e.path, "content_hash": e.content_hash, "size": e.size} for e in entries]
        if rows:
            insert_rows(session, AuditDocument.__table__, rows)  # a bulk insert: no object per document
        return audit.id


def store_contents(
    db_url: str, items: Iterable[tuple[str, str]], most_bytes: int = DEFAULT_LIMITS.max_file_bytes
) -> list[tuple[str, str, str]]:
    """Store the content of each (content hash, path) that the content table lacks, one file at a time; the
    (hash, path, reason) of each that cannot travel: over ``most_bytes``, or gone or changed since hashed."""
    todo = list(items)
    with session_scope(db_url) as session:
        have = stored_contents(session, (digest for digest, _ in todo))
    refused: list[tuple[str, str, str]] = []
    for digest, path in todo:
        if digest in have:
            continue
        data, reason = content_of(Path(path), digest, most_bytes)
        if data is None:
            refused.append((digest, path, reason))
            continue
        store_content(db_url, digest, path, data)
        have.add(digest)
    return refused


def content_of(path: Path, digest: str, most_bytes: int) -> tuple[bytes | None, str]:
    """The file's bytes if they are still the content hashed and within ``most_bytes``; else None and why."""
    try:
        size = path.stat().st_size
        if size > most_bytes:
            return None, ExtractError("E004", size=size, limit=most_bytes).reason
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}"
    if hashlib.sha256(data).hexdigest() != digest:
        return None, "the file changed while it was being audited; run the audit again"
    return data, ""


def record_failures(db_url: str, failures: Iterable[tuple[str, str, str]]) -> None:
    """Store (content hash, path, reason) as failed documents, like any other result."""
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


@dataclass
class ProgressReader:
    """An audit's progress, polled again and again: each read asks only about the contents still without a result.

    A result is never taken back, so a content found finished stays finished.
    The polls come closest together at the end of an audit (:func:`poll_interval`),
    when few contents are left: its reads cost about a dozen lookups a content in
    all (simulated with poll_interval: 11,700 for 1,000 documents over 20 s), not
    one a content a read (:func:`read_progress`, 4.5 ms of PostgreSQL's CPU a read
    at 1,000 documents, some fifty reads an audit).
    """

    db_url: str
    contents: int
    pending: set[str]
    statuses: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of_audit(cls, db_url: str, audit_id: int) -> ProgressReader:
        with session_scope(db_url) as session:
            hashes = set(session.scalars(select(AuditDocument.content_hash).where(AuditDocument.audit_id == audit_id)))
        return cls(db_url, len(hashes), hashes)

    def read(self) -> Progress:
        if self.pending:
            with session_scope(self.db_url) as session:
                found = result_statuses(session, self.pending, PIPELINE_VERSION)
            self.pending -= found.keys()
            self.statuses.update(found.values())
        return Progress(self.contents, self.statuses["done"], self.statuses["failed"])


def finish_audit(db_url: str, audit_id: int) -> None:
    with session_scope(db_url) as session:
        audit = session.get(Audit, audit_id)
        if audit is not None:
            audit.finished_at = now()


def summarize(db_url: str, audit_id: int, cached: set[str]) -> AuditSummary:
    """Counts per document (a file seen twice counts twice, as the user named it twice)."""
    with session_scope(db_url) as session:
        rows = session.execute(
            select(AuditDocument.content_hash, Result.status)
            .join(
                Result,
                (Result.content_hash == AuditDocument.content_hash) & (Result.pipeline_version == PIPELINE_VERSION),
                isouter=True,
            )
            .where(AuditDocument.audit_id == audit_id)
        ).all()
    return AuditSummary(
        audit=audit_id,
        documents=len(rows),
        done=sum(status == "done" for _, status in rows),
        failed=sum(status == "failed" for _, status in rows),
        cached=sum(digest in cached for digest, _ in rows),
    )


# ---- queue and workers ---------------------------------------------------------------------


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

    A message carries hashes only: the contents are in the database (:func:`store_contents`).
    A batch holds at most ``most`` documents, and at most ``settings.batch_bytes``
    of files by ``file_sizes`` (bytes by content hash; a file not in it counts none).
    """
    todo = [digest for digest, _ in items]
    known = file_sizes or {}
    start = 0
    with app.producer_or_acquire() as producer:
        for size in batch_sizes([known.get(digest, 0) for digest in todo], processes, most, settings.batch_bytes):
            batch = todo[start : start + size]
            start += size
            limits = batch_time_limits(settings, len(batch))
            # argsrepr: Celery would otherwise write out the batch's hashes (and the database URL,
            # with any password in it) for its logs, at some cost per message.
            argsrepr = f"(<database>, <{len(batch)} documents>)"
            app.send_task(TASK_NAME, args=(db_url, batch), producer=producer, argsrepr=argsrepr, **limits)
    return len(todo)


WORKER_SETTINGS = (
    "soft_time_limit",
    "hard_time_limit",
    "max_tasks_per_child",
    "visibility_timeout",
    "db_wait_seconds",
    "worker_memory_bytes",
    "queue",
    "batch_size",
)


def worker_env(settings: Settings) -> dict[str, str]:
    """The worker's environment: these settings exactly, never a GKAUDIT_* inherited from the shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKAUDIT_")}
    env["GKAUDIT_STATE_DIR"] = str(settings.state_dir.resolve())
    if settings.broker_url:
        env["GKAUDIT_BROKER_URL"] = settings.broker_url
    if settings.db_url:
        env["GKAUDIT_DB_URL"] = settings.db_url
    for name in WORKER_SETTINGS:
        env[f"GKAUDIT_{name.upper()}"] = str(getattr(settings, name))
    return env


def worker_command(concurrency: int, name: str, queue: str = "gkaudit") -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers.queue.tasks",
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        f"--queues={queue}",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        f"--hostname={name}@%h",
    ]


def start_local_worker(settings: Settings, concurrency: int, log_path: Path) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    name = f"gkaudit-local-{os.getpid()}-{uuid.uuid4().hex[:6]}"  # unique: workers share control queues
    with log_path.open("ab") as log:
        return subprocess.Popen(
            worker_command(concurrency, name, settings.queue),
            env=worker_env(settings),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )


def stop_worker(proc: subprocess.Popen[bytes], *, idle: bool = False) -> None:
    """Warm shutdown (SIGTERM: finish the current task), then SIGKILL the group if it hangs.

    ``idle``: every document of the audit has its result, so nothing the worker
    holds is worth a warm shutdown, which takes seconds (Celery's loop looks at
    its stop flag only every 2 s on the embedded transport): its process group
    is killed at once.  Writes are transactions, so nothing stored is harmed.
    """
    if proc.poll() is not None:
        return
    if idle:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return
    proc.send_signal(signal.SIGTERM)  # the main process stops its pool children itself
    try:
        proc.wait(WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


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
) -> AuditSummary:
    """Audit every document under ``paths``; returns the summary once each has a result.

    The documents are queued before the audit and its documents are recorded:
    a worker needs only a content's hash (its bytes are stored first), and starts on them at once.
    ``on_wait`` is told what the audit waits for while a server is away (default: stderr).
    An embedded audit holds its state folder (:func:`state_folder_lock`).
    """
    with state_folder_lock(settings.state_dir) if settings.embedded else nullcontext():
        return audit_corpus(paths, settings, workers=workers, label=label, on_progress=on_progress, on_wait=on_wait)


def audit_corpus(
    paths: Iterable[str | Path],
    settings: Settings,
    *,
    workers: int | None,
    label: str,
    on_progress: ProgressCallback | None,
    on_wait: Notify | None,
) -> AuditSummary:
    db_url = settings.database_url()
    entries = [hash_file(p) for p in discover(paths)]
    app = make_app(settings)
    servers = Servers.of(app, db_url, settings, on_wait)
    cached = servers.database(lambda: audited_contents(db_url, entries))
    local = workers if workers is not None else (settings.workers if settings.embedded else 0)
    procs: list[subprocess.Popen[bytes]] = []
    finished = False
    try:
        if settings.embedded:
            # leftovers of an interrupted embedded run: their documents are re-sent below
            servers.broker(app.control.purge)
        todo = unaudited(entries, cached)
        refused = servers.database(lambda: store_contents(db_url, todo))
        todo = [item for item in todo if item[0] not in {digest for digest, _, _ in refused}]
        sizes = {e.content_hash: e.size for e in entries}
        processes = local or settings.workers
        servers.broker(
            lambda: send(app, db_url, todo, settings, processes=processes, most=settings.batch_size, file_sizes=sizes)
        )
        audit_id = servers.database(lambda: register_audit(db_url, entries, label))
        unreadable = [(e.content_hash, e.path, e.error) for e in entries if e.error and e.content_hash not in cached]
        servers.database(lambda: record_failures(db_url, unreadable + refused))
        if local and todo:
            procs.append(start_local_worker(settings, local, settings.state_dir / "worker.log"))
        wait_for_audit(app, db_url, audit_id, settings, on_progress, procs, servers)
        finished = True
    finally:
        for proc in procs:
            stop_worker(proc, idle=finished)
    servers.database(lambda: corpus_checks(db_url, audit_id))
    servers.database(lambda: finish_audit(db_url, audit_id))
    servers.database(lambda: prune(db_url))  # every content of this audit has its result now
    return servers.database(lambda: summarize(db_url, audit_id, cached))


def prune(db_url: str) -> tuple[int, int]:
    """Remove the stored contents no audit still needs (``gkaudit prune``); (contents, bytes) removed."""
    with session_scope(db_url) as session:
        return prune_contents(session, PIPELINE_VERSION)


def corpus_checks(db_url: str, audit_id: int) -> None:
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


def wait_for_audit(
    app: Celery,
    db_url: str,
    audit_id: int,
    settings: Settings,
    on_progress: ProgressCallback | None,
    procs: list[subprocess.Popen[bytes]],
    servers: Servers,
) -> None:
    """Read the progress until every content has a result: at the poll's interval, and on PostgreSQL as soon
    as the workers tell of as many new results as are missing (:mod:`workers.queue.listen`); re-send what is
    missing when it stalls.  A wait for a server away is not a stall: the clock starts again after it."""
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
                raise RuntimeError(f"the local worker stopped (see {settings.state_dir / 'worker.log'})")
    if on_progress:
        on_progress(progress)
