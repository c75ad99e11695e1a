"""A wall-clock limit on a block of code, so a hostile file cannot hold a process forever.

Uses SIGALRM, which only works in the main thread of a POSIX process; elsewhere
(threads of a web server) the limit is the caller's job (Celery time limits, a
request timeout) and this context manager does nothing.

Limits nest: a worker limits each document of a batch, and parsing inside it
has a limit of its own.  The inner one never outlives or cancels the outer
one: when the outer deadline comes first the inner limit is left out, and on
leaving, the outer timer and handler are put back with the time they had left.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from extractor.errors import ExtractError

# The least delay a timer is given back with: a deadline already past still fires, at once.
MIN_DELAY = 0.001


def parse_took_too_long(seconds: float) -> BaseException:
    return ExtractError("E050", limit=seconds)


def can_use_alarm() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextmanager
def time_limit(seconds: float, expired: Callable[[float], BaseException] = parse_took_too_long) -> Iterator[None]:
    """Raise ``expired(seconds)`` inside the block once it has run ``seconds`` of wall time."""
    outer_left = signal.getitimer(signal.ITIMER_REAL)[0] if can_use_alarm() else None
    if outer_left is None or 0 < outer_left <= seconds:  # no alarm here, or the outer deadline comes first
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise expired(seconds)

    started = time.monotonic()
    outer_handler = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer_handler)
        if outer_left > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), MIN_DELAY))
