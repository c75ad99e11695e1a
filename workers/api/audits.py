"""Audits started over the API: the CLI's :func:`workers.queue.runner.run_audit` in a background thread.

One code path, two front doors: the thread calls ``run_audit`` exactly as
``gkaudit audit`` does, so the files are hashed, recorded, queued, audited by the
same Celery task and stored in the same database.  With no broker configured it
starts its own local workers and stops them at the end, like the CLI.

Each API audit gets a state directory of its own (``<state_dir>/api-runs/<token>``)
for the embedded queue and the worker log, and the server's database URL
explicitly: two audits running at once then never share an embedded queue
(``run_audit`` purges the embedded queue when it starts).

``run_audit`` creates the audit row itself and returns only at the end, so the
manager labels the run with a unique token and waits for the row with that label
to learn the id (hashing the files comes first: about a second per GB).
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from workers.queue.runner import Progress, run_audit
from workers.queue.settings import Settings
from workers.store import Audit, session_scope

log = logging.getLogger(__name__)
REGISTER_POLL_SECONDS = 0.05
REGISTER_TIMEOUT_SECONDS = 120.0
JOIN_SECONDS = 30.0


class TooManyAudits(Exception):
    pass


class AuditNotStarted(Exception):
    pass


class AuditStopped(Exception):
    """Raised from the progress callback when the server shuts down: run_audit then stops its workers."""


@dataclass
class Run:
    token: str
    label: str
    paths: list[Path]
    cleanup: list[Path]
    state_dir: Path
    thread: threading.Thread | None = None
    audit_id: int | None = None
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)


class AuditManager:
    def __init__(self, service: Settings, db_url: str, max_running: int) -> None:
        self._service = service
        self._db_url = db_url
        self._max_running = max_running
        self._runs: dict[str, Run] = {}
        self._errors: dict[int, str] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    # ---- starting ----------------------------------------------------------------------

    def start(self, paths: list[Path], label: str, cleanup: list[Path] | None = None) -> tuple[int, str]:
        """Start an audit of ``paths`` in the background; its id and label once it is recorded (blocking)."""
        with self._lock:
            self.ensure_capacity()
            token = secrets.token_hex(8)
            run = Run(
                token=token,
                label=f"{label} [api {token}]",
                paths=paths,
                cleanup=cleanup or [],
                state_dir=self._service.state_dir / "api-runs" / token,
            )
            run.thread = threading.Thread(target=self._run, args=(run,), name=f"gkaudit-audit-{token}", daemon=True)
            self._runs[token] = run
            run.thread.start()
        return self._wait_registered(run), run.label

    def _wait_registered(self, run: Run) -> int:
        deadline = time.monotonic() + REGISTER_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            audit_id = self._find_id(run.label)
            if audit_id is not None:
                run.audit_id = audit_id
                return audit_id
            if run.finished.is_set():
                raise AuditNotStarted(run.error or "the audit stopped before it was recorded")
            time.sleep(REGISTER_POLL_SECONDS)
        raise AuditNotStarted(f"the audit was not recorded within {REGISTER_TIMEOUT_SECONDS:.0f} s")

    def _find_id(self, label: str) -> int | None:
        with session_scope(self._db_url) as session:
            return session.scalar(select(Audit.id).where(Audit.label == label).limit(1))

    # ---- running -----------------------------------------------------------------------

    def _settings(self, run: Run) -> Settings:
        return self._service.model_copy(update={"db_url": self._db_url, "state_dir": run.state_dir})

    def _check_stop(self, _progress: Progress) -> None:
        if self._stopping.is_set():
            raise AuditStopped

    def _run(self, run: Run) -> None:
        try:
            run_audit(run.paths, self._settings(run), label=run.label, on_progress=self._check_stop)
        except AuditStopped:
            run.error = "stopped: the server shut down before the audit finished"
        except Exception as exc:  # the thread's last resort: record the failure, never lose it silently
            log.exception("audit %s failed", run.label)
            run.error = f"{type(exc).__name__}: {exc} (worker log: {run.state_dir / 'worker.log'})"
        finally:
            self._finish(run)

    def _finish(self, run: Run) -> None:
        if run.error is None:
            shutil.rmtree(run.state_dir, ignore_errors=True)
            for path in run.cleanup:
                shutil.rmtree(path, ignore_errors=True)
        with self._lock:
            if run.audit_id is None:
                run.audit_id = self._find_id(run.label)
            if run.error is not None and run.audit_id is not None:
                self._errors[run.audit_id] = run.error
            self._runs.pop(run.token, None)
        run.finished.set()

    # ---- state -------------------------------------------------------------------------

    def ensure_capacity(self) -> None:
        if self.running() >= self._max_running:
            raise TooManyAudits(f"{self._max_running} audits are running already; try again later")

    def running(self) -> int:
        return sum(1 for run in self._runs.values() if not run.finished.is_set())

    def is_running(self, audit_id: int) -> bool:
        return any(run.audit_id == audit_id and not run.finished.is_set() for run in list(self._runs.values()))

    def error(self, audit_id: int) -> str | None:
        return self._errors.get(audit_id)

    def shutdown(self, timeout: float = JOIN_SECONDS) -> None:
        """Stop every running audit (their local workers are stopped by run_audit) and wait for them."""
        self._stopping.set()
        for run in list(self._runs.values()):
            if run.thread is not None:
                run.thread.join(timeout)
