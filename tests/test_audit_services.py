"""Corpus audits on real servers: 1,000 documents, 2 worker processes, one SIGKILLed mid-run.

Each variant starts two ``celery worker`` processes itself, runs
``run_audit(..., workers=0)`` in a thread, and once 10 % of the results exist
kills one worker's whole process group.  The task it held must come back (a
redelivery by the broker, or the runner's stall sweep) and the surviving worker
finishes the run: exactly one result per content, no duplicates, every
document of the audit with a result.

Servers: Redis, PostgreSQL and RabbitMQ on 127.0.0.1 (``tests/services.py``);
a variant whose server is down is skipped, or fails with
``GKAUDIT_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from celery import Celery
from sqlalchemy import func, select, text

import workers.queue.runner
from models.version import PIPELINE_VERSION
from tests.services import (
    AMQP_URL,
    POSTGRES,
    RABBITMQ,
    REDIS,
    Service,
    Worker,
    kill_group,
    postgres_database,
    purge_queue,
    redis_database,
    redis_unacked,
    require,
    start_worker,
    stop_workers,
    wait_ready,
    write_corpus,
)
from workers.queue.runner import AuditSummary, run_audit
from workers.queue.settings import Settings
from workers.queue.tasks import make_app
from workers.store import (
    COLUMN_COMPRESSION,
    LZ4_AVAILABLE,
    AuditDocument,
    Result,
    compress_payloads_with_lz4,
    get_engine,
    session_scope,
)

DOCUMENTS = 1_000
KILL_AT = 0.10  # fraction of results that exist when one worker is killed
# Redis: an unacked task may come back after this, but kombu 5.7 looks only every 10 s × 10 (its restore
# interval × throttle), so within a run it is the runner's stall sweep that re-sends the killed worker's task.
VISIBILITY_TIMEOUT = 5.0
STALL_SECONDS = 5.0  # the runner re-sends what has no result after this long without progress
RUN_TIMEOUT = 240.0
WATCH_SECONDS = 0.02
THREADS = 4


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("services_corpus")
    write_corpus(root, DOCUMENTS, "services")
    return root


# ---- one variant --------------------------------------------------------------------------


@dataclass
class Run:
    """What happened in one audit with a killed worker, for the assertions and the log."""

    summary: AuditSummary | None = None
    error: BaseException | None = None
    sends: list[int] = field(default_factory=list)  # documents per send(): the first batch, then any sweep
    results_at_kill: int = 0
    seconds_to_kill: float = 0.0
    seconds: float = 0.0
    unacked_after: int | None = None  # Redis: deliveries never acknowledged nor restored by the end


def count_results(db_url: str) -> int:
    with session_scope(db_url) as session:
        query = select(func.count()).select_from(Result).where(Result.pipeline_version == PIPELINE_VERSION)
        return session.scalar(query) or 0


@contextmanager
def counting_sends(monkeypatch: pytest.MonkeyPatch, run: Run) -> Iterator[None]:
    """Record how many documents each ``send`` of the runner queues (the sweep is a second send)."""
    original = workers.queue.runner.send

    def send(app: Celery, db_url: str, items: Iterable[tuple[str, str]], settings: Settings, **sizes: int) -> int:
        n = original(app, db_url, list(items), settings, **sizes)
        run.sends.append(n)
        return n

    monkeypatch.setattr(workers.queue.runner, "send", send)
    yield


def audit_in_thread(corpus: Path, settings: Settings, run: Run) -> threading.Thread:
    def target() -> None:
        try:
            run.summary = run_audit([corpus], settings, workers=0, label="services-test")
        except BaseException as exc:
            run.error = exc

    thread = threading.Thread(target=target, name="run_audit", daemon=True)
    thread.start()
    return thread


def kill_one_when(db_url: str, threshold: int, victim: Worker, thread: threading.Thread, run: Run) -> None:
    """SIGKILL ``victim``'s process group as soon as ``threshold`` results exist."""
    start = time.monotonic()
    while (n := count_results(db_url)) < threshold:
        assert thread.is_alive(), f"the audit ended before {threshold} results: {run.error!r}"
        assert time.monotonic() - start < RUN_TIMEOUT, f"only {n} results after {RUN_TIMEOUT:.0f} s"
        time.sleep(WATCH_SECONDS)
    kill_group(victim)
    run.results_at_kill = count_results(db_url)
    run.seconds_to_kill = time.monotonic() - start


def audit_with_a_killed_worker(
    corpus: Path, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Run:
    run = Run()
    db_url = settings.database_url()
    get_engine(db_url)  # tables now: a fresh database first used by two threads at once races (see below)
    app = make_app(settings)
    purge_queue(settings)
    tag = secrets.token_hex(3)
    pair = [start_worker(settings, f"it-{tag}-{i}", tmp_path / "logs") for i in (1, 2)]
    try:
        ready = wait_ready(app, pair)
        with counting_sends(monkeypatch, run):
            start = time.monotonic()
            thread = audit_in_thread(corpus, settings, run)
            kill_one_when(db_url, int(DOCUMENTS * KILL_AT), pair[0], thread, run)
            thread.join(RUN_TIMEOUT)
            run.seconds = time.monotonic() - start
        assert not thread.is_alive(), (
            f"the audit did not finish within {RUN_TIMEOUT:.0f} s: {count_results(db_url)} results;\n"
            f"survivor's log:\n{pair[1].log_tail()}"
        )
        assert pair[1].proc.poll() is None, f"the surviving worker died:\n{pair[1].log_tail()}"
    finally:
        stop_workers(pair)
        if settings.broker().startswith("redis"):
            run.unacked_after = redis_unacked(settings.broker())
        purge_queue(settings)  # sweep duplicates nobody took: they name this run's database
        app.close()
    print(
        f"\n[{settings.broker()} | {db_url.split(':')[0]}] workers ready in {ready:.1f} s; "
        f"killed {pair[0].name} at {run.results_at_kill} results ({run.seconds_to_kill:.1f} s); "
        f"sends {run.sends}; audit {run.seconds:.1f} s; Redis unacked left: {run.unacked_after}"
    )
    return run


# ---- assertions ---------------------------------------------------------------------------


def assert_one_result_each(db_url: str, run: Run) -> None:
    assert run.error is None, f"run_audit raised {run.error!r}"
    assert run.summary is not None
    assert (run.summary.documents, run.summary.done, run.summary.failed) == (DOCUMENTS, DOCUMENTS, 0)
    with session_scope(db_url) as session:
        of_audit = AuditDocument.audit_id == run.summary.audit
        contents = select(func.count(func.distinct(AuditDocument.content_hash))).where(of_audit)
        assert session.scalar(contents) == DOCUMENTS
        hashes = select(AuditDocument.content_hash).where(of_audit)
        results = select(func.count()).where(Result.pipeline_version == PIPELINE_VERSION)
        assert session.scalar(results.where(Result.content_hash.in_(hashes))) == DOCUMENTS
        twice = (
            select(Result.content_hash, Result.pipeline_version)
            .group_by(Result.content_hash, Result.pipeline_version)
            .having(func.count() > 1)
        )
        assert session.execute(twice).all() == []
        without = (
            select(AuditDocument.path)
            .join(
                Result,
                (Result.content_hash == AuditDocument.content_hash) & (Result.pipeline_version == PIPELINE_VERSION),
                isouter=True,
            )
            .where(of_audit, Result.id.is_(None))
        )
        assert session.scalars(without).all() == []
    assert 0 < run.results_at_kill < DOCUMENTS, "the worker was not killed mid-run"


# ---- the variants -------------------------------------------------------------------------


def settings_for(tmp_path: Path, broker_url: str, db_url: str | None = None) -> Settings:
    return Settings(
        broker_url=broker_url,
        db_url=db_url,
        state_dir=tmp_path / "state",
        visibility_timeout=VISIBILITY_TIMEOUT,
        stall_seconds=STALL_SECONDS,
    )


@contextmanager
def broker_and_database(kind: str) -> Iterator[tuple[str, str | None]]:
    """(broker URL, database URL or None for SQLite) of a variant, isolated for this run."""
    with ExitStack() as stack:
        broker = AMQP_URL if kind.startswith("rabbitmq") else stack.enter_context(redis_database())
        db_url = stack.enter_context(postgres_database()) if kind.endswith("postgres") else None
        yield broker, db_url


VARIANTS: dict[str, tuple[Service, ...]] = {
    "redis+sqlite": (REDIS,),
    "redis+postgres": (REDIS, POSTGRES),
    "rabbitmq+sqlite": (RABBITMQ,),
}


@pytest.mark.parametrize("kind", list(VARIANTS))
def test_killed_worker_leaves_exactly_one_result_per_document(
    kind: str, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for service in VARIANTS[kind]:
        require(service)
    with broker_and_database(kind) as (broker, db_url):
        settings = settings_for(tmp_path, broker, db_url)
        run = audit_with_a_killed_worker(corpus, settings, tmp_path, monkeypatch)
        assert_one_result_each(settings.database_url(), run)


# ---- a known race ---------------------------------------------------------------------------


def test_concurrent_first_use_of_a_fresh_database_creates_the_tables_once() -> None:
    require(POSTGRES)
    with postgres_database() as db_url:
        errors: list[BaseException] = []
        barrier = threading.Barrier(THREADS)

        def first_use() -> None:
            barrier.wait()
            try:
                get_engine(db_url)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=first_use) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]


def test_postgresql_compresses_result_payloads_with_lz4_once_per_database() -> None:
    require(POSTGRES)
    with postgres_database() as db_url:
        engine = get_engine(db_url)
        with engine.connect() as conn:
            if not conn.scalar(LZ4_AVAILABLE):
                pytest.skip("this PostgreSQL was built without lz4")
            assert conn.scalar(COLUMN_COMPRESSION, {"table": "results", "column": "payload"}) == "l"
        # Another process's first use finds it done: no ALTER TABLE, which would wait for every writer.
        with engine.connect() as writer, writer.begin():
            writer.execute(text("LOCK TABLE results IN ROW EXCLUSIVE MODE"))  # as an INSERT holds it
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '200ms'"))
                compress_payloads_with_lz4(conn)
