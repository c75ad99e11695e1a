"""Keeping to a host's rules: a User-Agent that names gkaudit, robots.txt read once per host and obeyed, and
requests to one host spaced by the rate limit."""

from __future__ import annotations

import urllib.robotparser
from collections.abc import Callable
from urllib.parse import urlsplit

# What the host answered for its robots.txt (status, body), or None when it could not be asked.
RobotsReader = Callable[[str], tuple[int, bytes] | None]


def user_agent() -> str:
    """gkaudit/<version>, as installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("gkaudit")
    except PackageNotFoundError:
        v = "0"
    return f"gkaudit/{v} (government information-disclosure report auditor)"


class HostPacer:
    """Spaces two requests to one host by ``rate_seconds`` (``sleep`` and ``clock`` are injected for tests)."""

    def __init__(self, rate_seconds: float, *, sleep: Callable[[float], None], clock: Callable[[], float]) -> None:
        self.rate_seconds = rate_seconds
        self.sleep = sleep
        self.clock = clock
        self.last_request: dict[str, float] = {}

    def wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        if host in self.last_request:
            wait = self.rate_seconds - (self.clock() - self.last_request[host])
            if wait > 0:
                self.sleep(wait)
        self.last_request[host] = self.clock()


class Robots:
    """Each origin's robots.txt, read once through ``read``: none, or one that cannot be read, allows everything;
    a 401 or 403 for it allows nothing."""

    def __init__(self, read: RobotsReader) -> None:
        self.read = read
        self.parsers: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.parsers:
            self.parsers[origin] = self.parser(origin + "/robots.txt")
        parser = self.parsers[origin]
        return parser is None or parser.can_fetch(user_agent(), url)

    def parser(self, robots_url: str) -> urllib.robotparser.RobotFileParser | None:
        answer = self.read(robots_url)
        if answer is None:
            return None
        status, body = answer
        parser = urllib.robotparser.RobotFileParser(robots_url)
        if status in (401, 403):
            parser.disallow_all = True
        elif status == 200:
            parser.parse(body.decode("utf-8", "replace").splitlines())
        else:
            return None
        return parser
