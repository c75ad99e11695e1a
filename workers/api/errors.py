"""The API's error responses: one JSON shape for every refusal, one handler per kind of error.

Every refusal is ``{"detail": {"file": …, "reason": …, "code": …}}``; 429 and
503 say when to come back (``Retry-After``).
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect, Request

from workers.api.uploads import Rejected

log = logging.getLogger("gkaudit.api")
RETRY_AFTER = {429: "30", 503: "5"}


class JSON(JSONResponse):
    """UTF-8 JSON, Chinese as is; a NaN or infinity (never expected) becomes null instead of a 500."""

    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(content, ensure_ascii=False, allow_nan=False, default=str).encode()
        except ValueError:
            return json.dumps(_finite(content), ensure_ascii=False, default=str).encode()


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def error_response(status: int, detail: dict[str, Any], headers: dict[str, str] | None = None) -> JSON:
    extra = dict(headers or {})
    if status in RETRY_AFTER:
        extra.setdefault("Retry-After", RETRY_AFTER[status])
    return JSON({"detail": detail}, status_code=status, headers=extra)


def not_about_a_file(reason: str) -> dict[str, Any]:
    return {"file": None, "reason": reason, "code": None}


def summarize_errors(items: Any) -> str:
    """The first few validation errors of pydantic, one line: `loc: msg; …`."""
    parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in list(items)[:5]]
    return "; ".join(parts) or "invalid request"


async def on_rejected(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Rejected)
    return error_response(exc.status, exc.detail())


async def on_http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, dict) else not_about_a_file(str(exc.detail))
    return error_response(exc.status_code, detail, dict(exc.headers or {}))


async def on_invalid(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, not_about_a_file(f"invalid request: {summarize_errors(exc.errors())}"))


async def on_disconnect(request: Request, _exc: Exception) -> Response:
    """The client went away while sending: nobody will read the answer, and it is not our fault."""
    log.info("client disconnected during %s %s", request.method, request.url.path)
    return error_response(400, not_about_a_file("the client disconnected"))


async def on_internal(request: Request, exc: Exception) -> Response:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, not_about_a_file("internal error (logged on the server)"))


# Most specific first: Starlette looks a handler up by the exception's class and its bases.
EXCEPTION_HANDLERS = (
    (Rejected, on_rejected),
    (StarletteHTTPException, on_http_error),
    (RequestValidationError, on_invalid),
    (ClientDisconnect, on_disconnect),
    (Exception, on_internal),
)
