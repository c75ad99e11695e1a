"""Issue 21's server outages, on loopback servers of the test's own (a redis-server and a PostgreSQL cluster
started here on free ports, stopped and started mid-audit; the machine's own servers are never touched).

- A broker outage longer than the runner's no-progress interval: the runner's re-send waits for the broker
  (it raised ``OperationalError`` and ``gkaudit audit`` exited 1 with a traceback).
- A PostgreSQL restart: the runner's progress read waits for the database (it exited 1 within seconds).
- A short database outage under a worker with no runner to re-send: every message stays on the queue
  until the database is back (three retries ran out within seconds and the messages were acknowledged
  and gone).

Each prints, or is checked for, what it waits for; each ends with exactly one result per document.
Small on purpose (80 documents, seconds-long intervals); ``bench/fault_drill.py`` runs the 1,000-document,
60-second versions.  Loopback servers need redis-server, PostgreSQL's initdb and root (to run it as the
postgres user): skipped without them, failed with ``GKAUDIT_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url

from tests.services import (
    LoopbackPostgres,
    loopback_postgres,
    loopback_redis,
    redis_unacked,
    require_loopback,
    start_worker,
    stop_workers,
    write_corpus,
)
from tests.test_faults_embedded import cli_audit, cli_env, wait_for
from workers.queue.runner import send, store_contents
from workers.queue.settings import Settings
from workers.queue.tasks import make_app
from workers.store import content_hash

DOCUMENTS = 80
BATCH = 4  # small messages: many of them, so that an outage finds some still queued
STALL_SECONDS = 6.0  # the runner's no-progress interval, shortened
DB_WAIT_SECONDS = 2.0  # how long a worker waits for the database with a message in hand, shortened
START_TIMEOUT = 180.0
OUTAGE_SEEN_TIMEOUT = 90.0
RUN_TIMEOUT = 240.0
WORKER_OUTAGE_SECONDS = 10.0  # longer than the old three retries (1 + 2 + 4 s at most)


@pytest.fixture(scope="module")
def postgres() -> Iterator[LoopbackPostgres]:
    require_loopback()
    with loopback_postgres() as server:
        yield server


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("faults-services-corpus")
    write_corpus(root, DOCUMENTS, "faults-services")
    return root


def psycopg_url(db_url: str) -> str:
    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


def result_counts(db_url: str) -> tuple[int, int, int]:
    """(results, distinct contents, done) as the database holds them; zeros before the tables exist or while
    the server is away."""
    try:
        with psycopg.connect(psycopg_url(db_url), connect_timeout=3) as conn:
            row = conn.execute(
                "SELECT count(*), count(DISTINCT content_hash), count(*) FILTER (WHERE status = 'done') FROM results"
            ).fetchone()
    except psycopg.Error:
        return 0, 0, 0
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def audit_env(tmp_path: Path) -> dict[str, str]:
    return cli_env(
        tmp_path / "state",
        GKAUDIT_STALL_SECONDS=str(STALL_SECONDS),
        GKAUDIT_DB_WAIT_SECONDS=str(DB_WAIT_SECONDS),
        GKAUDIT_BATCH_SIZE=str(BATCH),
    )


def until_results(db_url: str, least: int, proc_alive: Callable[[], bool]) -> int:
    """Wait until ``least`` results exist (the audit still running); how many there are."""
    return wait_for(
        lambda: (n if (n := result_counts(db_url)[0]) >= least else None) if proc_alive() else -1,
        START_TIMEOUT,
        f"{least} results",
    )


def assert_one_result_each(db_url: str) -> None:
    assert result_counts(db_url) == (DOCUMENTS, DOCUMENTS, DOCUMENTS)


def test_a_broker_outage_longer_than_the_stall_interval_is_waited_out(
    corpus: Path, postgres: LoopbackPostgres, tmp_path: Path
) -> None:
    db_url = postgres.database()
    err_path = tmp_path / "stderr.txt"
    with loopback_redis(tmp_path / "redis") as redis_server, err_path.open("w") as err:
        options = ("--broker", redis_server.url, "--db", db_url)
        with cli_audit(corpus, audit_env(tmp_path), *options, stderr=err) as proc:
            assert until_results(db_url, 5, lambda: proc.poll() is None) > 0, err_path.read_text()
            redis_server.stop()
            wait_for(
                lambda: "waiting for the broker" in err_path.read_text() or proc.poll() is not None,
                OUTAGE_SEEN_TIMEOUT,
                "the runner waiting for the broker, or its end",
            )
            redis_server.start()
            out, _ = proc.communicate(timeout=RUN_TIMEOUT)
    told = err_path.read_text()
    assert proc.returncode == 0, told
    assert "waiting for the broker redis://127.0.0.1" in told and "Traceback" not in told, told
    assert json.loads(out.strip().splitlines()[-1])["done"] == DOCUMENTS
    assert_one_result_each(db_url)


def test_a_database_restart_is_waited_out(corpus: Path, postgres: LoopbackPostgres, tmp_path: Path) -> None:
    db_url = postgres.database()
    err_path = tmp_path / "stderr.txt"
    with loopback_redis(tmp_path / "redis") as redis_server, err_path.open("w") as err:
        options = ("--broker", redis_server.url, "--db", db_url)
        with cli_audit(corpus, audit_env(tmp_path), *options, stderr=err) as proc:
            try:
                assert until_results(db_url, 5, lambda: proc.poll() is None) > 0, err_path.read_text()
                postgres.stop()
                wait_for(
                    lambda: "waiting for the database" in err_path.read_text() or proc.poll() is not None,
                    OUTAGE_SEEN_TIMEOUT,
                    "the runner waiting for the database, or its end",
                )
            finally:
                postgres.start()
            out, _ = proc.communicate(timeout=RUN_TIMEOUT)
    told = err_path.read_text()
    assert proc.returncode == 0, told
    assert "waiting for the database postgresql+psycopg://postgres@127.0.0.1" in told, told
    assert "Traceback" not in told, told
    assert json.loads(out.strip().splitlines()[-1])["done"] == DOCUMENTS
    assert_one_result_each(db_url)


def test_workers_keep_queued_messages_through_a_database_outage(
    corpus: Path, postgres: LoopbackPostgres, tmp_path: Path
) -> None:
    """No runner: nothing re-sends.  Every message sent must still end in a result after the outage."""
    db_url = postgres.database()
    with loopback_redis(tmp_path / "redis") as redis_server:
        settings = Settings(
            broker_url=redis_server.url, db_url=db_url, state_dir=tmp_path / "state", db_wait_seconds=DB_WAIT_SECONDS
        )
        items = [(content_hash(p.read_bytes()), str(p)) for p in sorted(corpus.iterdir())]
        app = make_app(settings)
        assert store_contents(db_url, items) == []  # as the runner does: a worker reads contents, not files
        send(app, db_url, items, settings, processes=2, most=BATCH)
        worker = start_worker(settings, "faults-db-outage", tmp_path / "logs", concurrency=2)
        try:
            until_results(db_url, 5, lambda: worker.proc.poll() is None)
            postgres.stop()
            try:
                time.sleep(WORKER_OUTAGE_SECONDS)  # the outage itself: its length is the fault, not a wait
                assert worker.proc.poll() is None, worker.log_tail()
            finally:
                postgres.start()
            try:
                wait_for(lambda: result_counts(db_url)[0] >= DOCUMENTS or None, RUN_TIMEOUT, "a result each")
            except TimeoutError:
                pytest.fail(f"{result_counts(db_url)} of {DOCUMENTS} after the outage; worker:\n{worker.log_tail()}")
            assert_one_result_each(db_url)
            assert wait_for(lambda: redis_unacked(redis_server.url) == 0 or None, 30, "every message acknowledged")
        finally:
            stop_workers([worker])
            app.close()
