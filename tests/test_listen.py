"""Waiting for results: PostgreSQL wakes the runner when a worker's results commit; elsewhere it sleeps."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from extractor.stages import Outcome
from tests.services import POSTGRES, postgres_database, require
from workers.audit.rows import result_row
from workers.queue.listen import ResultsListener, results_listener, results_told
from workers.store import get_engine, store_results

LONG_WAIT = 30.0  # seconds: a wait that ends well before this was woken


def store_later(db_url: str, digests: list[str], delay: float) -> threading.Thread:
    """Store a failed result for each of ``digests`` in one transaction, ``delay`` seconds from now."""

    def store() -> None:
        time.sleep(delay)
        store_results(
            db_url, [(result_row(Outcome("failed", f"{d[:4]}.txt", error="bad"), d), [], []) for d in digests]
        )

    thread = threading.Thread(target=store)
    thread.start()
    return thread


def timed_wait(listener: ResultsListener, results: int, seconds: float) -> float:
    started = time.monotonic()
    listener.wait(results, seconds)
    return time.monotonic() - started


def test_on_postgresql_a_waiting_runner_wakes_once_as_many_results_as_it_misses_commit() -> None:
    require(POSTGRES)
    with postgres_database() as db_url, results_listener(db_url) as listener:
        assert listener.connection is not None
        thread = store_later(db_url, ["aa" * 32, "bb" * 32], delay=0.2)
        waited = timed_wait(listener, 2, LONG_WAIT)
        thread.join()
        assert 0.15 <= waited < LONG_WAIT / 3, "woken by the commit of both, not by the timeout"

        store_later(db_url, ["cc" * 32], delay=0.0).join()
        assert timed_wait(listener, 2, 0.5) >= 0.45, "one result told of, two missing: the interval is waited out"
        store_later(db_url, ["dd" * 32], delay=0.0).join()
        assert timed_wait(listener, 1, LONG_WAIT) < LONG_WAIT / 3, "a notice that came between waits still counts"

        store_later(db_url, ["dd" * 32], delay=0.0).join()  # the same content again: nothing new stored
        assert timed_wait(listener, 1, 0.5) >= 0.45, "no notice for a store that added nothing"


def test_a_listener_whose_connection_dies_sleeps_out_its_waits_instead_of_failing() -> None:
    require(POSTGRES)
    with postgres_database() as db_url, results_listener(db_url) as listener:
        assert listener.connection is not None
        backend = listener.connection.info.backend_pid
        with get_engine(db_url).begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        assert 0.25 <= timed_wait(listener, 1, 0.3) < LONG_WAIT
        assert listener.connection is None
        assert timed_wait(listener, 1, 0.3) >= 0.25, "polling from now on: the whole interval"


def test_on_sqlite_waiting_is_sleeping(tmp_path: Path) -> None:
    with results_listener(f"sqlite:///{tmp_path / 'r.db'}") as listener:
        assert listener.connection is None
        assert timed_wait(listener, 1, 0.2) >= 0.19


def test_a_notice_tells_how_many_results_and_one_at_least() -> None:
    assert results_told("64") == 64
    assert results_told("") == 1
