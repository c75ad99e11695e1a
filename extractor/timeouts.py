"""A wall-clock limit on parsing, so a hostile file cannot hold a process forever.

Uses SIGALRM, which only works in the main thread of a POSIX process; elsewhere
(threads of a web server) the limit is the caller's job (Celery time limits, a
request timeout) and this context manager does nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from extractor.errors import ExtractError


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise ExtractError("E050", limit=seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
