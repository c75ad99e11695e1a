"""A corpus on the queue: ``audit`` (with its progress bar and its stop signals), ``prune`` and ``worker``."""

from __future__ import annotations

import gc
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workers.cli.common import (
    DbOption,
    collector_paused,
    existing_database,
    fail,
    open_database,
    require_model,
    service_settings,
    to_json,
)

if TYPE_CHECKING:
    from workers.queue.local import LocalStart
    from workers.queue.runner import AuditSummary
    from workers.queue.settings import Settings


def audit(
    paths: Annotated[
        list[Path], typer.Argument(help="Report files or folders (searched for .txt .docx .pdf .html …).")
    ],
    workers: Annotated[
        int | None, typer.Option(help="Local worker processes (default: one per core, none with a broker).")
    ] = None,
    db: DbOption = None,
    broker: Annotated[str | None, typer.Option(help="Broker URL (redis://, amqp://); default: embedded.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON summary line; no progress bar.")] = False,
) -> None:
    """Audit a corpus on Celery workers; a re-run re-does nothing already audited."""
    from workers.queue.local import StateFolderBusy, local_start

    # The state folder held and the local worker started first, before the runner, the content store (SQLAlchemy,
    # Celery) and the model are imported and the database opened: the worker's start (seconds: the pipeline's
    # import and load) is most of an audit's fixed start, and everything below runs beside it.
    settings = service_settings(db, broker)
    try:
        with stop_signals_interrupt(), local_start(settings, workers) as start:
            summary = audit_started(paths, settings, start, as_json)
    except StateFolderBusy as exc:
        raise fail(exc.reason) from None
    except Stopped as exc:
        raise fail(
            f"stopped by {exc.name}; run the same command again to continue where it stopped", 128 + exc.signum
        ) from None
    except KeyboardInterrupt:
        raise fail("interrupted; run the same command again to continue where it stopped", 130) from None
    typer.echo(to_json(summary.to_dict(), None) if as_json else summary_line(summary))
    # The interpreter's collections as it exits walk every object the runner still holds (SQLAlchemy, Celery,
    # kombu, the audit's bookkeeping): some 0.25 s after the summary is printed.  Frozen, they are skipped.
    gc.freeze()


def audit_started(paths: list[Path], settings: Settings, start: LocalStart, as_json: bool) -> AuditSummary:
    """The audit, once its state folder is held and its local worker started (:func:`audit`).

    The runner's imports (SQLAlchemy, Celery, kombu) live as long as the process: imported with the collector
    paused and then frozen (:func:`collector_paused`), the collections during the audit no longer walk them
    (they were a fifth of the runner's CPU at 1,000 documents, CPU the two workers on two cores want).
    """
    with collector_paused():
        from workers.blobs import ContentStoreError
        from workers.queue.runner import run_audit

        require_model(load=False)
        open_database(settings)
    try:
        if as_json:
            return run_audit(paths, settings, start=start)
        return audit_with_progress(paths, settings, start)
    except ContentStoreError as exc:
        raise fail(exc.reason) from None


def summary_line(summary: AuditSummary) -> str:
    return (
        f"审计 #{summary.audit}：文件 {summary.documents} 份，完成 {summary.done}，失败 {summary.failed}，"
        f"沿用已有结果 {summary.cached}（audit {summary.audit}: {summary.documents} documents, "
        f"{summary.done} done, {summary.failed} failed, {summary.cached} cached）"
    )


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (``kill``, systemd, ``docker stop``, a closed terminal), taken as Ctrl-C is taken:
    the audit's local workers are stopped on the way out, not orphaned."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """Within: SIGTERM and SIGHUP raise :class:`Stopped` in the main thread; the handlers before are restored."""

    def stop(signum: int, _frame: object) -> None:
        for each in STOP_SIGNALS:  # a second one must not cut short the workers' stopping
            signal.signal(each, signal.SIG_IGN)
        raise Stopped(signum)

    before = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def audit_with_progress(paths: list[Path], settings: Settings, start: LocalStart) -> AuditSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as RichProgress

    from workers.queue.runner import Progress as RunProgress
    from workers.queue.runner import run_audit

    columns = (
        TextColumn("[bold]审计"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("失败 {task.fields[failed]}"),
        TextColumn("{task.fields[rate]:.1f} 份/秒"),
        TimeRemainingColumn(),
    )
    started = time.monotonic()
    with RichProgress(*columns, transient=False) as bar:
        task = bar.add_task("audit", total=None, failed=0, rate=0.0)

        def update(p: RunProgress) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            bar.update(task, total=p.contents, completed=p.finished, failed=p.failed, rate=p.finished / elapsed)

        def tell(message: str) -> None:
            bar.console.print(f"gkaudit: {message}", markup=False, highlight=False)

        return run_audit(paths, settings, start=start, on_progress=update, on_wait=tell)


def prune(db: DbOption = None) -> None:
    """Remove stored document contents no audit still needs: those audited (their results are kept), and those
    no audit names that were stored over an hour ago (an audit removes its own once it finishes; an interrupted
    one leaves them for its re-run)."""
    from workers.blobs import ContentStoreError
    from workers.queue.runner import prune as prune_contents

    try:
        count, size = prune_contents(existing_database(db))
    except ContentStoreError as exc:
        raise fail(exc.reason) from None
    typer.echo(f"removed {count} stored contents ({size} bytes)")


def worker(
    concurrency: Annotated[int | None, typer.Option(help="Worker processes (default: one per core).")] = None,
    broker: Annotated[str | None, typer.Option(help="Broker URL; default: GKAUDIT_BROKER_URL or embedded.")] = None,
) -> None:
    """Start one Celery worker for the configured broker (run one per machine)."""
    from workers.queue.local import worker_command, worker_env

    settings = service_settings(broker=broker)
    command = worker_command(concurrency or settings.workers, f"gkaudit-{os.getpid()}", settings.queue)
    os.execvpe(command[0], command, worker_env(settings))
