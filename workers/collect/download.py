"""The HTTP side of ``gkaudit fetch``: one GET at a time over an injected ``httpx.Client``, kept to the hosts it
was given and to their robots.txt, spaced per host, retried with exponential backoff on 5xx answers, timeouts
and dropped connections, redirects followed by hand (loops and off-host targets refused), bodies cut at a size."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit

from workers.collect.politeness import HostPacer, Robots, user_agent

if TYPE_CHECKING:
    import httpx

REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchConfig:
    out: Path
    max_bytes: int = 64 * 1024 * 1024
    timeout: float = 30.0
    rate_seconds: float = 1.0  # between two requests to one host
    retries: int = 3  # after the first try, on 5xx, timeouts and dropped connections
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_redirects: int = 5
    max_list_pages: int = 200


class FetchError(Exception):
    """A URL that could not be fetched (or was not asked for: ``skipped``); ``reason`` says why in a few words."""

    def __init__(self, reason: str, *, skipped: bool = False) -> None:
        self.reason = reason
        self.skipped = skipped
        super().__init__(reason)


@dataclass
class Got:
    url: str  # after redirects
    status: int  # 200 or 304
    body: bytes
    headers: dict[str, str]


Answer = tuple[int, dict[str, str], bytes]  # status, headers (lower-cased names), body


class Downloader:
    """GETs over ``client`` by the rules of the module docstring."""

    def __init__(
        self,
        client: httpx.Client,
        config: FetchConfig,
        *,
        allowed_hosts: Iterable[str] = (),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.config = config
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.sleep = sleep
        self.pacer = HostPacer(config.rate_seconds, sleep=sleep, clock=clock)
        self.robots = Robots(self.robots_answer)

    def on_allowed_host(self, url: str) -> bool:
        return not self.allowed_hosts or (urlsplit(url).hostname or "").lower() in self.allowed_hosts

    def request_following_redirects(self, url: str, headers: dict[str, str]) -> Got:
        """A 200 or a 304 for ``url`` (``headers`` are sent to it, not to where it redirects); else FetchError."""
        seen: list[str] = []
        current = url
        for _ in range(self.config.max_redirects + 1):
            if current in seen:
                raise FetchError("redirect loop: " + " → ".join([*seen, current]))
            seen.append(current)
            if not self.on_allowed_host(current):
                raise FetchError(f"off-host URL {current}: not followed", skipped=True)
            if not self.robots.allows(current):
                raise FetchError("disallowed by robots.txt", skipped=True)
            status, response_headers, body = self.request_with_retries(current, headers if current == url else {})
            if status in REDIRECTS and "location" in response_headers:
                current = urldefrag(urljoin(current, response_headers["location"]))[0]
                continue
            if status == 304:
                return Got(current, 304, b"", response_headers)
            if status != 200:
                raise FetchError(f"HTTP {status}")
            return Got(current, 200, body, response_headers)
        raise FetchError(f"more than {self.config.max_redirects} redirects")

    def request_with_retries(self, url: str, headers: dict[str, str]) -> Answer:
        import httpx

        last = ""
        for attempt in range(self.config.retries + 1):
            if attempt:
                self.sleep(self.config.backoff * 2 ** (attempt - 1))
            try:
                status, response_headers, body = self.request_once(url, headers)
            except httpx.TimeoutException:
                last = f"timed out after {self.config.timeout:g} s"
                continue
            except httpx.TransportError as exc:
                last = f"connection failed: {type(exc).__name__}"
                continue
            if status >= 500:
                last = f"HTTP {status}"
                continue
            return status, response_headers, body
        raise FetchError(f"{last} ({self.config.retries + 1} tries)")

    def request_once(self, url: str, headers: dict[str, str]) -> Answer:
        """One GET, spaced from the last to the host, its body streamed and cut at ``max_bytes``."""
        self.pacer.wait_for_host(url)
        limit = self.config.max_bytes
        with self.client.stream("GET", url, headers=headers) as response:
            response_headers = {k.lower(): v for k, v in response.headers.items()}
            if response.status_code != 200:
                return response.status_code, response_headers, b""
            declared = response_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(f"too large: {int(declared)} bytes declared, limit {limit}")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"too large: more than {limit} bytes")
                chunks.append(chunk)
            return 200, response_headers, b"".join(chunks)

    def robots_answer(self, robots_url: str) -> tuple[int, bytes] | None:
        try:
            status, _, body = self.request_with_retries(robots_url, {})
        except FetchError:
            return None
        return status, body


def make_client(config: FetchConfig) -> httpx.Client:
    """The client the command uses: gkaudit's User-Agent, the timeout, redirects followed by the downloader."""
    import httpx

    return httpx.Client(
        headers={"User-Agent": user_agent()},
        timeout=httpx.Timeout(config.timeout),
        follow_redirects=False,
        trust_env=False,
    )
