"""Waiting for results: woken once the workers have stored as many as are missing, where the database can tell.

PostgreSQL tells each listener when a transaction that ran ``pg_notify``
commits: :func:`workers.store.store_results` says on :data:`RESULTS_CHANNEL`
how many results it stored.  The runner waits until the notices add up to what
its audit still misses, then reads its progress: the end of an audit is seen a
few milliseconds after the last batch commits, not up to a poll's interval
later (with a poll every 50 ms near the end, the last results were seen some
25 ms after they were stored, both cores idle meanwhile), and no read is spent
on a batch in the middle.  A notice is only a hint: progress is always read
from the results, at the poll's interval at the latest, so a notice missed (a
dropped connection) costs at most that interval, and another audit's notices
at most an early read.  Other databases (SQLite) have no such notice: waiting
there is sleeping out the interval.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from workers.store import RESULTS_CHANNEL

CONNECT_SECONDS = 10


def results_told(payload: str) -> int:
    """A notice's count of stored results (one if it says none it can be read as)."""
    return int(payload) if payload.isdigit() else 1


class ResultsListener:
    """A connection of its own that LISTENs on the results channel; without one (another database, or once it
    has failed) every wait sleeps out its interval."""

    def __init__(self, connection: psycopg.Connection[Any] | None) -> None:
        self.connection = connection

    def wait(self, results: int, seconds: float) -> None:
        """Return once notices tell of at least ``results`` new results, or after ``seconds``."""
        deadline = time.monotonic() + seconds
        told = 0
        try:
            while self.connection is not None and told < results and (left := deadline - time.monotonic()) > 0:
                for notice in self.connection.notifies(timeout=left, stop_after=1):
                    told += results_told(notice.payload)
        except psycopg.Error:  # the server went away: the rest of the audit polls
            self.close()
        if self.connection is None:
            time.sleep(max(0.0, deadline - time.monotonic()))

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def listening_connection(db_url: str) -> psycopg.Connection[Any] | None:
    """A connection of its own (not the pool's: it stays in LISTEN for the whole audit); None for a database
    other than PostgreSQL, or when it cannot be had (polling still finds every result)."""
    url = make_url(db_url)
    if url.get_backend_name() != "postgresql":
        return None
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        connection = psycopg.connect(conninfo, autocommit=True, connect_timeout=CONNECT_SECONDS)
        connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(RESULTS_CHANNEL)))
    except psycopg.Error:
        return None
    return connection


@contextmanager
def results_listener(db_url: str) -> Iterator[ResultsListener]:
    """What to wait on for the results of ``db_url``'s workers, closed at the end."""
    listener = ResultsListener(listening_connection(db_url))
    try:
        yield listener
    finally:
        listener.close()
