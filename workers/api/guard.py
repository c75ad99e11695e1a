"""The gate in front of every write: the bearer token, the body size and the time to send it.

A pure ASGI middleware, so that a refused request is refused before its body is
parsed or spooled: a missing or wrong token (when ``GKAUDIT_API_TOKEN`` is set)
gets 401, a declared ``Content-Length`` over the route's limit gets 413, a body
sent without a length (``Transfer-Encoding: chunked``) gets 411, a body that grows
past the limit while it streams gets 413, and a body that takes longer than
``body_timeout`` seconds to arrive gets 408.  Every client that uploads a file
(browsers, curl, httpx) sends its length; a chunked body of 50 MB kept the server
parsing multipart for 1-2 s before its 413 on two busy cores (``bench/api_abuse.py``).
The token is compared in constant time (:func:`hmac.compare_digest`).

A refused body is read and thrown away (up to :data:`DRAIN_CAP` bytes, within
the time limit), because an HTTP/1.1 client that is still sending would
otherwise see a reset connection instead of the reason.  The answer goes out
first, its last (empty) part only once the body is drained: a client that
reads while it sends has its 413 at once, not after the server has read
hundreds of megabytes (a declared 1 GB body was answered after 2.7 s).
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What a refused body may still make the server read before it closes the connection: enough for a client that
# reads only once it has sent (httpx reads the answer when a send fails) to find the answer, not a reset.  An
# attacker repeating a declared 1 GB body kept two busy cores reading 400 MB/s with a cap of 64 MiB.
DRAIN_CAP = 1024 * 1024


@dataclass(frozen=True)
class BodyLimit:
    max_bytes: int
    reason: Callable[[int], str]  # the refusal, given the size seen


LimitFor = Callable[[str, str], BodyLimit]  # (path, content type) → the limit


def error_body(reason: str, file: str | None = None, code: str | None = None) -> bytes:
    return json.dumps({"detail": {"file": file, "reason": reason, "code": code}}, ensure_ascii=False).encode()


def bearer_token(headers: Headers) -> str | None:
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" and credentials.strip() else None


def token_matches(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class BodyTooLarge(HTTPException):
    def __init__(self, reason: str) -> None:
        super().__init__(413, detail={"file": None, "reason": reason, "code": "E004"})


class BodyTimeout(HTTPException):
    def __init__(self, seconds: float) -> None:
        reason = f"the request body took too long to arrive (limit {seconds:g} s)"
        super().__init__(408, detail={"file": None, "reason": reason, "code": None}, headers={"Connection": "close"})


class Guard:
    def __init__(self, app: ASGIApp, token: str | None, limit_for: LimitFor, body_timeout: float) -> None:
        self.app = app
        self.token = token
        self.limit_for = limit_for
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        deadline = asyncio.get_running_loop().time() + self.body_timeout
        limit = self.limit_for(scope["path"], headers.get("content-type", ""))
        if self.token is not None and not token_matches(bearer_token(headers), self.token):
            reason = "missing or wrong bearer token (Authorization: Bearer …); writes need GKAUDIT_API_TOKEN"
            challenge = {"www-authenticate": 'Bearer realm="gkaudit"'}
            await reply(send, 401, error_body(reason), challenge, finish=False)
            await drain(receive, deadline, DRAIN_CAP)  # an anonymous client is not owed more reading
            await send({"type": "http.response.body", "body": b""})
            return
        declared = _content_length(headers)
        if declared is not None and declared > limit.max_bytes:
            await reply(send, 413, error_body(limit.reason(declared), code="E004"), finish=False)
            await drain(receive, deadline, DRAIN_CAP)
            await send({"type": "http.response.body", "body": b""})
            return
        if declared is None and "transfer-encoding" in headers:
            reason = (
                f"send the body with a Content-Length (one of unknown length is refused; limit {limit.max_bytes} bytes)"
            )
            await reply(send, 411, error_body(reason), finish=False)
            await drain(receive, deadline, DRAIN_CAP)
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, limited_receive(receive, limit, deadline, self.body_timeout), send)


def _content_length(headers: Headers) -> int | None:
    value = headers.get("content-length")
    return int(value) if value is not None and value.isdigit() else None


def limited_receive(receive: Receive, limit: BodyLimit, deadline: float, timeout: float) -> Receive:
    """``receive`` that raises 413 past the size limit and 408 past the deadline, until the body is complete."""
    seen = 0
    complete = False

    async def wrapped() -> Message:
        nonlocal seen, complete
        if complete:  # after the body: waiting for a disconnect is not bounded here
            return await receive()
        remaining = deadline - asyncio.get_running_loop().time()
        try:
            message = await asyncio.wait_for(receive(), max(remaining, 0.001))
        except TimeoutError:
            raise BodyTimeout(timeout) from None
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit.max_bytes:
                raise BodyTooLarge(limit.reason(seen))
            complete = not message.get("more_body", False)
        return message

    return wrapped


async def drain(receive: Receive, deadline: float, cap: int) -> None:
    """Read and drop the request body, up to ``cap`` bytes and until the deadline."""
    loop = asyncio.get_running_loop()
    seen = 0
    while seen <= cap:
        try:
            message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0.001))
        except TimeoutError:
            return
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def reply(
    send: Send, status: int, body: bytes, extra: dict[str, str] | None = None, *, finish: bool = True
) -> None:
    """The whole answer; ``finish`` False: all its bytes but the response left open (an empty part ends it)."""
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": not finish})
