"""How the runner and a worker wait for a server that is away (issue 21), without servers: the calls fail
as a refused connection does, and the waits are recorded (the outages themselves: test_faults_services.py)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

import psycopg
import pytest
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import OperationalError

from workers.queue.app import backoff_seconds, database_away
from workers.queue.servers import Servers
from workers.queue.tasks import DatabaseAway, DatabasePatience

REFUSED = OperationalError("SELECT 1", {}, psycopg.OperationalError("connection refused"))
NO_TABLE = OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: results"))


def failing(times: int, error: BaseException) -> Callable[[], str]:
    """A call that raises ``error`` ``times`` times, then answers."""
    left = [times]

    def call() -> str:
        if left[0] > 0:
            left[0] -= 1
            raise error
        return "answered"

    return call


def servers(told: list[str], slept: list[float]) -> Servers:
    return Servers("the database db", "the broker redis://x", (BrokerError, OSError), told.append, sleep=slept.append)


def test_the_runner_waits_for_the_database_with_backoff_and_says_so() -> None:
    told: list[str] = []
    slept: list[float] = []
    assert servers(told, slept).database(failing(6, REFUSED)) == "answered"
    assert slept == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert len(told) == 6 and all(line.startswith("waiting for the database db (OperationalError") for line in told)


def test_the_runner_waits_for_the_broker_and_says_so() -> None:
    told: list[str] = []
    slept: list[float] = []
    error = BrokerError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
    assert servers(told, slept).broker(failing(2, error)) == "answered"
    assert told[0] == (
        "waiting for the broker redis://x (OperationalError: Error 111 connecting to 127.0.0.1:6390. "
        "Connection refused.); trying again in 0.5 s"
    )


def test_an_error_that_waiting_will_not_mend_is_raised_at_once() -> None:
    told: list[str] = []
    with pytest.raises(OperationalError):
        servers(told, []).database(failing(1, NO_TABLE))
    assert told == []
    assert not database_away(NO_TABLE) and database_away(REFUSED)


def test_a_worker_waits_its_time_with_a_message_then_gives_it_back() -> None:
    patience = DatabasePatience()
    start = time.monotonic()
    with pytest.raises(DatabaseAway):
        patience.call(failing(1_000, REFUSED), wait_seconds=0.3)
    assert 0.3 <= time.monotonic() - start < 5.0, "it waited its time out, not less"
    assert patience.call(failing(1, REFUSED), wait_seconds=5.0) == "answered"
    assert patience.attempt == 0, "the backoff starts again once the database answers"


def test_backoff_doubles_up_to_its_ceiling() -> None:
    assert [backoff_seconds(n) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
