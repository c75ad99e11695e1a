"""The embedded audit's own things: its state folder's lock and the local Celery worker it starts and stops.

Also what every worker is started with (its command and its environment), for ``gkaudit worker`` and the
tests' workers on other machines' behalf.

Light on purpose (the standard library and the settings): ``gkaudit audit`` takes the lock and starts its
worker with this module alone (:func:`local_start`), before it imports the runner and the content store
(SQLAlchemy, psycopg, Celery: some 0.6 s), so that the worker's own start (importing and loading the
pipeline, the longest part of an audit's fixed start) begins that much sooner.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from workers.queue.settings import Settings

# workers.blobs.BLOB_URL_ENV, not imported from there: workers.blobs imports SQLAlchemy and the store, which the
# worker's start must not wait for (tests/test_audit_start.py checks the two agree).
BLOB_URL_ENV = "GKAUDIT_BLOB_URL"
STATE_LOCK = "audit.lock"  # in the state folder: held by the embedded audit that uses its queue
WORKER_STOP_SECONDS = 20


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
    if url := os.environ.get(BLOB_URL_ENV, "").strip():  # the content store is this process's: its workers read there
        env[BLOB_URL_ENV] = url
    if settings.broker_url:
        env["GKAUDIT_BROKER_URL"] = settings.broker_url
    if settings.db_url:
        env["GKAUDIT_DB_URL"] = settings.db_url
    for name in WORKER_SETTINGS:
        env[f"GKAUDIT_{name.upper()}"] = str(getattr(settings, name))
    return env


def worker_command(concurrency: int, name: str, queue: str = "gkaudit") -> list[str]:
    """A Celery worker's command: this module run as a program (:func:`main`), not ``celery worker``."""
    return [
        sys.executable,
        "-m",
        "workers.queue.local",
        f"--concurrency={concurrency}",
        f"--queues={queue}",
        f"--hostname={name}@%h",
    ]


# What every worker runs with, as ``celery worker`` was given it: prefork, warnings only, no gossip, mingle or
# heartbeat (a worker on its own queue asks no other worker anything).
WORKER_OPTIONS: dict[str, object] = {
    "pool_cls": "prefork",
    "loglevel": "WARNING",
    "without_gossip": True,
    "without_mingle": True,
    "without_heartbeat": True,
    "quiet": True,
}


def worker_options(argv: list[str]) -> dict[str, object]:
    """The options of :func:`worker_command`'s arguments (``--name=value`` each), as ``app.Worker`` takes them."""
    given = dict(arg.removeprefix("--").split("=", 1) for arg in argv)
    return {
        **WORKER_OPTIONS,
        "concurrency": int(given["concurrency"]),
        "queues": given["queues"].split(","),
        "hostname": given["hostname"],
    }


def main(argv: list[str]) -> int:
    """Run a Celery worker of ``workers.queue.tasks``' app with :func:`worker_command`'s arguments.

    Celery's own command line (``celery -A … worker``) imports click, click_repl, prompt_toolkit and the amqp
    shell before the app: some 0.5 s of every worker's start, before it loads the pipeline.  This starts the
    same worker (``app.Worker``, what that command builds) without them.
    """
    from celery.utils.nodenames import default_nodename, host_format

    from workers.queue.tasks import app

    options = worker_options(argv)
    options["hostname"] = host_format(default_nodename(options["hostname"]))
    worker = app.Worker(**options)
    worker.start()
    return worker.exitcode or 0


def local_concurrency(settings: Settings, workers: int | None) -> int:
    """Local worker processes of an audit: ``workers`` when given, else one per core embedded and none with a
    broker (the deployment's workers serve it)."""
    return workers if workers is not None else (settings.workers if settings.embedded else 0)


def worker_log(settings: Settings) -> Path:
    return settings.state_dir / "worker.log"


@dataclass
class LocalStart:
    """An audit's start made before the runner is imported: its state folder held (embedded) and its local
    worker started (when it has one).  The runner takes the worker over (:attr:`procs`); what it has not
    stopped when :func:`local_start` ends (an audit that stopped before it ran) is killed there."""

    concurrency: int
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)


@contextmanager
def local_start(settings: Settings, workers: int | None) -> Iterator[LocalStart]:
    """Hold the state folder (embedded: :class:`StateFolderBusy` when another audit has it), then start the
    local worker at once; within, the audit runs (``run_audit(…, start=…)``).  On the way out, a worker still
    running is killed: the runner stops its workers itself, so one left is one it never took over (a missing
    model, a database that does not open, Ctrl-C before the first message), which holds nothing."""
    with state_folder_lock(settings.state_dir) if settings.embedded else nullcontext():
        start = LocalStart(local_concurrency(settings, workers))
        if start.concurrency:
            start.procs.append(start_local_worker(settings, start.concurrency, worker_log(settings)))
        try:
            yield start
        finally:
            for proc in start.procs:
                stop_worker(proc, idle=True)


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


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
