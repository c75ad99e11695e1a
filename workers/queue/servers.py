"""The broker and the database as the runner calls them: waited for, with backoff, while they are away.

A call that finds its server away (a restart, an outage) is tried again for as long as it is away, and
each wait is told (``on_wait``, by default a line on stderr), never a traceback.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from celery import Celery
from kombu.exceptions import OperationalError as BrokerError

from workers.blobs import ContentStoreAway, first_line
from workers.queue.app import TRANSIENT_ERRORS, backoff_seconds, database_away
from workers.queue.settings import Settings
from workers.store import shown_url

Notify = Callable[[str], None]
T = TypeVar("T")


def tell_stderr(message: str) -> None:
    print(f"gkaudit: {message}", file=sys.stderr, flush=True)


def error_line(exc: BaseException) -> str:
    """The exception's type and the first line of its message, as a wait is told."""
    return f"{type(exc).__name__}: {first_line(exc)}".rstrip(": ")


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
        """``action()`` on the database (and the content store, waited for the same way)."""
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
                what = exc.waiting if isinstance(exc, ContentStoreAway) else f"{server} ({error_line(exc)})"
                self.on_wait(f"waiting for {what}; trying again in {delay:.1f} s")
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
