"""The shapes of the API's requests and responses, for validation and for the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from workers.audit.output_schema import check_result_model

MAX_PATH_CHARS = 4096
CorpusPath = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PATH_CHARS)]


class ErrorDetail(BaseModel):
    file: str | None = Field(None, description="the file (or corpus path) the error is about, when there is one")
    reason: str = Field(description="one line: for a document, the reason `gkaudit check` prints after `FILE:`")
    code: str | None = Field(None, description="the extractor's reason code (E003 empty file, E004 too large …)")


class ErrorResponse(BaseModel):
    detail: ErrorDetail


# What ``gkaudit check`` prints for one report: the model derived from the library's dataclasses
# (workers.audit.output_schema), so the OpenAPI document and the published schema are one definition.
CheckResult = check_result_model()


class QueuedCheck(BaseModel):
    id: str = Field(description="the content hash (SHA-256) of the upload: GET /v1/documents/{id}")
    status: Literal["queued"]
    file: str
    audit: int = Field(description="the one-document audit that runs the check")
    document: str
    progress: str


class AuditPaths(BaseModel):
    paths: list[CorpusPath] = Field(min_length=1, description="files or folders, relative to GKAUDIT_CORPUS_ROOT")


class AuditStarted(BaseModel):
    id: int
    label: str
    documents: int = Field(description="files queued (each report file found)")
    progress: str
    ranking: str


class AuditProgress(BaseModel):
    id: int
    label: str
    status: Literal["running", "finished", "failed", "open"] = Field(
        description="open: the standing audit of single uploads; failed: the run stopped (see error)"
    )
    error: str | None
    created_at: datetime | None
    finished_at: datetime | None
    documents: int = Field(description="files of the audit (a duplicate file counts twice)")
    contents: int = Field(description="distinct contents (content hashes)")
    done: int
    failed: int
    pending: int
    elapsed_seconds: float
    rate: float = Field(description="contents finished per second since the audit started")
    ranking: str


class DocumentFindings(BaseModel):
    id: str
    status: Literal["done", "failed", "pending"]
    file: str
    error: str | None
    pipeline_version: str
    audits: list[int]
    findings: list[dict[str, Any]]
    corpus_findings: list[dict[str, Any]]
    result: dict[str, Any] = Field(description="the stored result: what `gkaudit check` printed")
    review: dict[str, Any] | None = Field(
        None, description="the reviewers' triage counts, corrected cells and the score without dismissed findings"
    )


class Probe(BaseModel):
    ok: bool
    kind: str
    error: str | None = None


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Probe
    broker: Probe
    checkers: Probe
    contents: Probe = Field(description="where uploads wait for the workers: the database, or an S3 bucket")


# ---- OpenAPI fragments the handlers cannot derive (they read the body themselves) -------------


def _upload_schema(description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary", "description": description}},
    }


CHECK_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": _upload_schema("one report: text, DOCX, PDF or HTML")}},
    }
}


def audits_body(max_paths: int) -> dict[str, Any]:
    paths = {
        "type": "array",
        "minItems": 1,
        "maxItems": max_paths,
        "items": {"type": "string", "minLength": 1, "maxLength": MAX_PATH_CHARS},
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": _upload_schema("a zip archive of reports")},
                "application/json": {
                    "schema": {"type": "object", "required": ["paths"], "properties": {"paths": paths}}
                },
            },
        }
    }


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorResponse, "description": ERROR_TEXT.get(status, "refused")} for status in statuses}


def json_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Error responses of a route whose own responses are HTML (FastAPI would file a model under text/html)."""
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    return {status: {"description": ERROR_TEXT.get(status, "refused"), "content": content} for status in statuses}


ERROR_TEXT = {
    400: "malformed request (multipart or JSON that cannot be parsed)",
    401: "missing or wrong bearer token (writes, when GKAUDIT_API_TOKEN is set)",
    403: "a corpus path outside GKAUDIT_CORPUS_ROOT, or corpus paths disabled",
    404: "no such audit or document",
    408: "the request body took too long to arrive",
    413: "too large: the upload, a zip member, or the zip's expanded size",
    415: "not a type this endpoint takes (decided by content, not by name)",
    422: "a document that cannot be read, an unsafe zip, or invalid parameters; the reason says which",
    429: "too many audits running; retry later",
    503: "the server is busy or a backing service does not answer",
}


class TriageRequest(BaseModel):
    state: Literal["open", "confirmed", "dismissed"] = Field(description="the reviewer's mark")
    reason: str | None = Field(None, max_length=1000, description="why: required to dismiss")


class TriageDone(BaseModel):
    id: str = Field(description="the finding's identity (content hash, rule, metric, evidence): the mark's key")
    document: str
    state: str
    reason: str | None
