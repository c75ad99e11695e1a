"""gkaudit's HTTP API and review page (FastAPI), started by ``gkaudit serve``.

One code path, two front doors: ``POST /v1/check`` runs the CLI's pure function
(:func:`models.stages.audit_bytes`), ``POST /v1/audits`` runs the CLI's
:func:`workers.queue.runner.run_audit` in a background thread, and everything is
stored in the CLI's database (:mod:`workers.store`).

Endpoints (all JSON unless said otherwise; the OpenAPI document is ``/openapi.json``):

* ``POST /v1/check`` (multipart field ``file``): a report up to ``inline_max_bytes``
  (2 MiB) is checked in the request, on a warm worker process with a hard time
  limit (:mod:`workers.api.pool`), and answered 200 with the JSON of
  ``gkaudit check`` (plus the quality score); a larger one (up to
  ``max_upload_bytes``, 50 MiB) goes through the task queue as a one-document
  audit and is answered 202 with its id.  Either way the response carries
  ``X-Document-Id`` (the content hash) and the result is stored.
* ``POST /v1/audits`` (multipart ``file`` = a zip of reports, or JSON
  ``{"paths": [...]}`` under ``GKAUDIT_CORPUS_ROOT``) → 202 ``{id, …}``;
  ``GET /v1/audits/{id}`` → progress; ``GET /v1/audits/{id}/ranking?format=json|csv|html``.
* ``GET /v1/documents/{id}`` → one document's findings (id: content hash or a prefix of 8+).
* ``GET /healthz`` → 200 when the database, the broker and the content store answer, else 503.
* ``GET /`` → the review page; ``GET /review/{id}`` → one document, findings beside their cells.

Errors: every refusal is ``{"detail": {"file": …, "reason": …, "code": …}}`` with a 4xx
status; for a document the reason is the one the CLI prints (``gkaudit: FILE: reason``).
Writes need ``Authorization: Bearer $GKAUDIT_API_TOKEN`` when that is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from fastapi.security import HTTPBearer
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from extractor.errors import Errors, ExtractError
from extractor.loaders import SNIFF_BYTES
from extractor.stages import Outcome
from models.version import PIPELINE_VERSION
from workers.api import store as api_store
from workers.api.audits import AuditNotStarted, TooManyAudits
from workers.api.errors import EXCEPTION_HANDLERS, JSON, summarize_errors
from workers.api.guard import BodyLimit, Guard
from workers.api.models import (
    CHECK_BODY,
    AuditPaths,
    AuditProgress,
    AuditStarted,
    CheckResult,
    DocumentFindings,
    Health,
    QueuedCheck,
    TriageDone,
    TriageRequest,
    audits_body,
    errors,
    json_errors,
)
from workers.api.pool import CheckCrashed, CheckTimeout, PoolBusy
from workers.api.review import content_security_policy, document_context, render
from workers.api.services import Services, Svc, build_services, health, off_loop
from workers.api.settings import ApiSettings, load_settings, require_model
from workers.api.uploads import (
    STATUS_BY_CODE,
    Rejected,
    corpus_files,
    extract_zip,
    precheck,
    safe_name,
    save_stream,
)
from workers.audit.output_schema import check_output_schema
from workers.audit.triage import TriageError
from workers.queue.settings import Settings
from workers.store import content_hash

log = logging.getLogger("gkaudit.api")
T = TypeVar("T")
MULTIPART_SLACK = 64 * 1024  # boundaries and part headers around the file
DOCUMENT_ID = r"^[0-9a-fA-F]{8,64}$"
MAX_AUDIT_ID = 2**63 - 1


# ---- reading a request body ------------------------------------------------------------------


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


@contextlib.asynccontextmanager
async def uploaded_file(request: Request, what: str) -> AsyncIterator[UploadFile]:
    """The multipart field ``file``; 415 when the body is not multipart, 422 when the field is missing."""
    if _media_type(request) != "multipart/form-data":
        raise Rejected(415, f"send {what} as multipart/form-data in the field 'file'")
    form = await request.form(max_files=1, max_fields=8)
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise Rejected(422, f"the multipart field 'file' ({what}) is missing or is not a file")
        yield file
    finally:
        await form.close()


async def upload_size(file: UploadFile) -> int:
    if file.size is not None:
        return file.size
    await file.seek(0, os.SEEK_END)
    size = file.file.tell()
    await file.seek(0)
    return size


# ---- POST /v1/check ------------------------------------------------------------------------

# Outcome reasons → the extractor's codes, read off the templates (data, not branches).
REASON_PREFIXES = {code: getattr(Errors, code).split("{")[0] for code in dir(Errors) if code.startswith("E")}
INTERNAL = "internal error"


def reason_code(reason: str) -> str | None:
    return next((code for code, prefix in REASON_PREFIXES.items() if prefix and reason.startswith(prefix)), None)


def rejected_outcome(outcome: Outcome, api: ApiSettings) -> Rejected:
    """A failed outcome as a refusal: the extractor's reason as is, 500 only for a genuine internal error."""
    reason = outcome.error or "unknown failure"
    if outcome.internal and reason.startswith(f"{INTERNAL}: MemoryError"):
        return Rejected(422, f"reading the document needs too much memory (limit {api.check_memory_bytes} bytes)")
    if outcome.internal:
        log.error("internal error checking %s: %s", outcome.name, reason)
        return Rejected(500, reason, outcome.name)
    code = reason_code(reason)
    return Rejected(STATUS_BY_CODE.get(code or "", 422), reason, outcome.name, code)


async def run_check(svc: Services, data: bytes, name: str) -> Outcome:
    try:
        return await svc.pool.run(data, name)
    except PoolBusy:
        raise Rejected(503, f"every check process stayed busy for {svc.api.queue_wait:g} s; try again") from None
    except CheckTimeout:
        raise Rejected.from_extract(ExtractError("E050", limit=svc.api.check_timeout), name) from None
    except CheckCrashed as exc:
        log.error("check process died on %s: %s", name, exc)
        raise Rejected(422, f"cannot read file: the reader crashed on it ({exc})", name) from None


def document_headers(digest: str) -> dict[str, str]:
    return {"X-Document-Id": digest, "Content-Location": f"/v1/documents/{digest}"}


async def check_inline(svc: Services, file: UploadFile, name: str) -> Response:
    data = await file.read()
    outcome = await run_check(svc, data, name)
    if outcome.status != "done":
        raise rejected_outcome(outcome, svc.api)
    digest = content_hash(data)
    key = f"{digest}/{name}"
    if key not in svc.stored:  # the rows of a content under a name are the same every time: stored once
        await off_loop(svc, api_store.store_check, svc.db_url, outcome, digest, len(data))
        svc.remember_stored(key)
    return JSON(outcome.result, headers=document_headers(digest))


async def check_queued(svc: Services, file: UploadFile, name: str) -> Response:
    ensure_capacity(svc)
    folder = svc.uploads / "checks" / secrets.token_hex(8)
    digest, _ = await asyncio.to_thread(save_stream, file.file, folder / name, svc.api.max_upload_bytes)
    audit_id, _ = await start_audit(svc, [folder / name], f"check {name}", [folder])
    body = QueuedCheck(
        id=digest,
        status="queued",
        file=name,
        audit=audit_id,
        document=f"/v1/documents/{digest}",
        progress=f"/v1/audits/{audit_id}",
    )
    return JSON(body.model_dump(), status_code=202, headers=document_headers(digest))


async def check(request: Request, svc: Svc) -> Response:
    """Check one report: 200 with the result (small files), 202 with the document id (large files, queued)."""
    async with uploaded_file(request, "one report") as file:
        name = safe_name(file.filename)
        size = await upload_size(file)
        head = await file.read(SNIFF_BYTES)
        await file.seek(0)
        precheck(head, size, name, svc.api.max_upload_bytes)
        if size <= svc.api.inline_max_bytes:
            return await check_inline(svc, file, name)
        return await check_queued(svc, file, name)


# ---- audits --------------------------------------------------------------------------------


def ensure_capacity(svc: Services) -> None:
    """429 before any upload is unpacked or saved, when the server runs as many audits as it may."""
    try:
        svc.audits.ensure_capacity()
    except TooManyAudits as exc:
        raise Rejected(429, str(exc)) from None


async def start_audit(svc: Services, files: list[Path], label: str, cleanup: list[Path]) -> tuple[int, str]:
    """Start ``run_audit`` in the background; its id and label.  The uploads go if it cannot start."""
    try:
        return await asyncio.to_thread(svc.audits.start, files, label, cleanup)
    except (TooManyAudits, AuditNotStarted) as exc:
        for folder in cleanup:
            await asyncio.to_thread(shutil.rmtree, folder, True)
        if isinstance(exc, TooManyAudits):
            raise Rejected(429, str(exc)) from None
        raise Rejected(503, f"the audit could not start: {exc}") from None


def started(audit_id: int, label: str, documents: int) -> Response:
    body = AuditStarted(
        id=audit_id,
        label=label,
        documents=documents,
        progress=f"/v1/audits/{audit_id}",
        ranking=f"/v1/audits/{audit_id}/ranking",
    )
    return JSON(body.model_dump(), status_code=202, headers={"Location": f"/v1/audits/{audit_id}"})


async def audit_zip(request: Request, svc: Services) -> Response:
    async with uploaded_file(request, "a zip archive of reports") as file:
        name = safe_name(file.filename)
        ensure_capacity(svc)
        folder = svc.uploads / "audits" / secrets.token_hex(8)
        try:
            files = await asyncio.to_thread(extract_zip, file.file, folder, svc.api.zip_limits())
        except Rejected as exc:
            exc.file = exc.file or name
            raise
    audit_id, label = await start_audit(svc, files, f"zip {name}", [folder])
    return started(audit_id, label, len(files))


async def read_paths(request: Request, max_paths: int) -> list[str]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Rejected(422, f"invalid JSON: {exc}") from None
    except RecursionError:
        raise Rejected(422, "invalid JSON: nested too deeply") from None
    try:
        paths = AuditPaths.model_validate(body).paths
    except ValidationError as exc:
        raise Rejected(422, f'expected {{"paths": [...]}}: {summarize_errors(exc.errors())}') from None
    if len(paths) > max_paths:
        raise Rejected(422, f"too many paths ({len(paths)}; limit {max_paths})")
    return paths


async def audit_paths(request: Request, svc: Services) -> Response:
    paths = await read_paths(request, svc.api.max_paths)
    root = svc.api.corpus_root
    if root is None:
        raise Rejected(403, "corpus paths are disabled: the server has no GKAUDIT_CORPUS_ROOT")
    ensure_capacity(svc)
    files = await asyncio.to_thread(corpus_files, root, paths, svc.api.max_documents)
    label = f"paths {', '.join(paths[:3])}{' …' if len(paths) > 3 else ''}"
    audit_id, label = await start_audit(svc, files, label, [])
    return started(audit_id, label, len(files))


async def create_audit(request: Request, svc: Svc) -> Response:
    """Start an audit of a zip of reports (multipart ``file``) or of corpus paths (JSON ``{"paths": [...]}``)."""
    media = _media_type(request)
    if media == "multipart/form-data":
        return await audit_zip(request, svc)
    if media == "application/json" or media.endswith("+json"):
        return await audit_paths(request, svc)
    raise Rejected(415, "send a zip as multipart/form-data (field 'file') or JSON {\"paths\": [...]}")


AuditId = Annotated[int, PathParam(ge=1, le=MAX_AUDIT_ID, description="the audit's id")]


def audit_status(svc: Services, progress: dict[str, Any]) -> tuple[str, str | None]:
    audit_id = progress["id"]
    error = svc.audits.error(audit_id)
    if error is not None:
        return "failed", error
    if progress["finished_at"] is not None:
        return "finished", None
    if progress["label"] == api_store.UPLOADS_LABEL:
        return "open", None
    return "running", None


async def get_audit(audit_id: AuditId, svc: Svc) -> Response:
    """Progress of an audit: documents done and failed, and the rate."""
    progress = await off_loop(svc, api_store.audit_progress, svc.db_url, audit_id)
    if progress is None:
        raise Rejected(404, f"no audit with id {audit_id}")
    status, error = audit_status(svc, progress)
    body = AuditProgress(status=status, error=error, ranking=f"/v1/audits/{audit_id}/ranking", **progress)
    return JSON(body.model_dump(mode="json"))


RANK_MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


async def get_ranking(
    audit_id: AuditId,
    svc: Svc,
    fmt: Annotated[Literal["json", "csv", "html"], Query(alias="format", description="json, csv or html")] = "json",
    by: Annotated[Literal["body", "year"] | None, Query(description="json/csv: one row per body or year")] = None,
) -> Response:
    """The quality ranking of an audit, as ``gkaudit rank --format`` writes it."""
    try:
        content = await off_loop(svc, api_store.ranking_bytes, svc.db_url, audit_id, fmt, by)
    except LookupError as exc:
        raise Rejected(404, str(exc).strip("'\"")) from None
    headers = {"Content-Disposition": f'inline; filename="audit-{audit_id}.{fmt}"'}
    return Response(content, media_type=RANK_MEDIA[fmt], headers=headers)


DocumentId = Annotated[
    str, PathParam(pattern=DOCUMENT_ID, description="content hash (SHA-256), or 8+ of its first digits")
]


FindingId = Annotated[
    str, PathParam(pattern=r"^[0-9a-f]{8,64}$", description="a finding's id, or 8+ of its first digits")
]


async def set_finding_triage(doc_id: DocumentId, finding_id: FindingId, body: TriageRequest, svc: Svc) -> Response:
    """Mark a finding confirmed, dismissed (with a reason) or open; it stays through re-runs and upgrades."""
    try:
        done = await off_loop(svc, api_store.set_triage, svc.db_url, doc_id, finding_id, body.state, body.reason)
    except TriageError as exc:
        raise Rejected(422, str(exc)) from None
    if done is None:
        raise Rejected(404, f"no finding {finding_id} on an audited document {doc_id}")
    return JSON(TriageDone(**done).model_dump())


async def get_document(doc_id: DocumentId, svc: Svc) -> Response:
    """One document's findings (and its whole result), by content hash."""
    doc = await off_loop(svc, api_store.document, svc.db_url, doc_id)
    if doc is None:
        raise Rejected(404, f"no audited document with content hash {doc_id}")
    return JSON(doc)


# ---- health --------------------------------------------------------------------------------


async def get_check_schema() -> Response:
    """The JSON Schema of `gkaudit check`'s output (and of POST /v1/check's 200), versioned."""
    return JSON(check_output_schema())


async def healthz(svc: Svc) -> Response:
    """200 when the database, the broker and the content store answer and the check processes live; else 503."""
    body = await health(svc)
    return JSON(body.model_dump(), status_code=200 if body.status == "ok" else 503)


# ---- the review page -----------------------------------------------------------------------


def page(mode: str, status: int = 200, **context: Any) -> HTMLResponse:
    html, nonce = render(mode, **context)
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": content_security_policy(nonce)})


async def favicon() -> Response:
    """No icon (the ranking page asks for one): 204 rather than a 404 in the browser's console."""
    return Response(status_code=204)


async def review_upload() -> HTMLResponse:
    """The review page: drop a report, then read its findings."""
    return page("upload")


async def review_document(doc_id: DocumentId, svc: Svc) -> HTMLResponse:
    """One document's findings by severity, each sentence beside its table cells, with the ranking links."""
    doc = await off_loop(svc, api_store.document, svc.db_url, doc_id)
    if doc is None:
        return page("missing", 404, ident=doc_id, doc=None)
    uploads = await off_loop(svc, api_store.uploads_audit, svc.db_url)
    mode = {"done": "document", "failed": "failed", "pending": "pending"}[doc["status"]]
    return page(mode, **document_context(doc, uploads))


BodyName = Annotated[str, Query(min_length=1, max_length=200, description="the body's name as its reports state it")]


async def review_years(body: BodyName, svc: Svc) -> HTMLResponse:
    """One body's reports across years: table fields and their changes, GK601/GK602, copied passages marked."""
    html = await off_loop(svc, api_store.body_years_page, svc.db_url, body)
    if html is None:
        return HTMLResponse(f"<p>没有“{escape(body)}”的已审核报告 no audited report of this body</p>", status_code=404)
    return HTMLResponse(html, headers={"Content-Security-Policy": content_security_policy("")})


# ---- the app -------------------------------------------------------------------------------

Handler = Callable[..., Awaitable[Response]]


@dataclass(frozen=True)
class Route:
    path: str
    endpoint: Handler
    method: str
    responses: dict[int | str, dict[str, Any]]
    write: bool = False
    status_code: int = 200
    response_class: type[Response] = JSON
    openapi_extra: dict[str, Any] | None = None
    tags: tuple[str, ...] = ("api",)


def _json_schema(model: Any, description: str) -> dict[str, Any]:
    return {"model": model, "description": description}


RANKING_CONTENT = {
    "description": "the ranking: a JSON list, CSV (UTF-8 with BOM) or one self-contained HTML page",
    "content": {
        "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        "text/csv": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
    },
}
HTML_CONTENT = {"description": "an HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}


def routes(api: ApiSettings) -> list[Route]:
    writes = (401, 408, 413, 415, 422, 400)
    return [
        Route(
            "/v1/check",
            check,
            "POST",
            {
                200: _json_schema(CheckResult, "the JSON of `gkaudit check` (checked in the request)"),
                202: _json_schema(QueuedCheck, "queued: the file is larger than inline_max_bytes"),
                **errors(*writes, 429, 503),
            },
            write=True,
            openapi_extra=CHECK_BODY,
        ),
        Route(
            "/v1/audits",
            create_audit,
            "POST",
            {202: _json_schema(AuditStarted, "the audit started"), **errors(*writes, 403, 429, 503)},
            write=True,
            status_code=202,
            openapi_extra=audits_body(api.max_paths),
        ),
        Route(
            "/v1/audits/{audit_id}",
            get_audit,
            "GET",
            {200: _json_schema(AuditProgress, "progress"), **errors(404, 422, 503)},
        ),
        Route("/v1/audits/{audit_id}/ranking", get_ranking, "GET", {200: RANKING_CONTENT, **errors(404, 422, 503)}),
        Route(
            "/v1/documents/{doc_id}",
            get_document,
            "GET",
            {200: _json_schema(DocumentFindings, "the document"), **errors(404, 422, 503)},
        ),
        Route(
            "/v1/documents/{doc_id}/findings/{finding_id}/triage",
            set_finding_triage,
            "POST",
            {200: _json_schema(TriageDone, "the mark, stored"), **errors(*writes, 404, 503)},
            write=True,
        ),
        Route(
            "/v1/schema/check-output",
            get_check_schema,
            "GET",
            {200: {"description": "the JSON Schema (draft 2020-12) of one report's check output"}},
        ),
        Route(
            "/healthz",
            healthz,
            "GET",
            {200: _json_schema(Health, "healthy"), 503: _json_schema(Health, "unhealthy")},
            tags=("health",),
        ),
        Route("/", review_upload, "GET", {200: HTML_CONTENT}, response_class=HTMLResponse, tags=("review",)),
        Route(
            "/review/years",
            review_years,
            "GET",
            {200: HTML_CONTENT, 404: HTML_CONTENT, **json_errors(422, 503)},
            response_class=HTMLResponse,
            tags=("review",),
        ),
        Route(
            "/review/{doc_id}",
            review_document,
            "GET",
            {200: HTML_CONTENT, 404: HTML_CONTENT, **json_errors(422, 503)},
            response_class=HTMLResponse,
            tags=("review",),
        ),
    ]


def build_router(api: ApiSettings) -> APIRouter:
    router = APIRouter()
    # Declared in the OpenAPI document when a token is set; enforced by the Guard middleware, before any body is read.
    bearer = HTTPBearer(auto_error=False, description="GKAUDIT_API_TOKEN")
    for r in routes(api):
        router.add_api_route(
            r.path,
            r.endpoint,
            methods=[r.method],
            responses=r.responses,
            status_code=r.status_code,
            response_class=r.response_class,
            openapi_extra=r.openapi_extra,
            dependencies=[Depends(bearer)] if r.write and api.token() else None,
            tags=list(r.tags),
        )
    return router


def body_limits(api: ApiSettings) -> Callable[[str, str], BodyLimit]:
    def too_large(limit: int) -> Callable[[int], str]:
        return lambda size: ExtractError("E004", size=size, limit=limit).reason

    check = BodyLimit(api.max_upload_bytes + MULTIPART_SLACK, too_large(api.max_upload_bytes))
    zipped = BodyLimit(api.max_zip_bytes + MULTIPART_SLACK, too_large(api.max_zip_bytes))
    other = BodyLimit(
        api.max_json_bytes, lambda size: f"request body too large ({size} bytes; limit {api.max_json_bytes} bytes)"
    )

    def limit_for(path: str, content_type: str) -> BodyLimit:
        if path == "/v1/check":
            return check
        if path == "/v1/audits" and content_type.lower().startswith("multipart/"):
            return zipped
        return other

    return limit_for


def create_app(api: ApiSettings | None = None, service: Settings | None = None) -> FastAPI:
    api = api or ApiSettings()
    service = service or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = await asyncio.to_thread(build_services, api, service)
        try:
            yield
        finally:
            await asyncio.to_thread(app.state.services.close)

    app = FastAPI(
        title="gkaudit",
        version=PIPELINE_VERSION,
        summary="Audit Chinese government information-disclosure annual reports (政府信息公开工作年度报告)",
        description=__doc__,
        lifespan=lifespan,
    )
    app.add_middleware(Guard, token=api.token(), limit_for=body_limits(api), body_timeout=api.body_timeout)
    for exc_class, handler in EXCEPTION_HANDLERS:
        app.add_exception_handler(exc_class, handler)
    app.include_router(build_router(api))
    app.add_api_route("/favicon.ico", favicon, methods=["GET"], include_in_schema=False)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the API with uvicorn until interrupted; SettingsError when the environment does not validate."""
    import uvicorn

    api, service = load_settings()
    require_model()
    uvicorn.run(
        create_app(api, service),
        host=host,
        port=port,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
        limit_concurrency=api.max_connections,
        server_header=False,
        log_level="info",
    )
