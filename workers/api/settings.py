"""The HTTP API's settings (``GKAUDIT_*``), validated in one place; the queue and database ones are in
:mod:`workers.queue.settings`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from extractor.settings import MAX_FILE_BYTES, Limits
from workers.api.pool import PoolConfig
from workers.api.uploads import ZipLimits
from workers.blobs import ContentStoreError, parse_blob_url
from workers.queue.settings import Settings

MIB = 1024 * 1024


class ApiSettings(BaseSettings):
    """The API's own settings (``GKAUDIT_*``); the queue and database ones are
    :class:`workers.queue.settings.Settings`."""

    model_config = SettingsConfigDict(env_prefix="GKAUDIT_", extra="ignore")

    api_token: SecretStr | None = Field(None, description="bearer token every write must carry; empty: no token")
    corpus_root: Path | None = Field(None, description="folder that POST /v1/audits {paths} may read; empty: none")
    max_upload_bytes: int = Field(MAX_FILE_BYTES, gt=0, description="one report (the extractor's own limit)")
    inline_max_bytes: int = Field(2 * MIB, gt=0, description="reports up to this size are checked in the request")
    max_zip_bytes: int = Field(200 * MIB, gt=0, description="a zip of reports, as uploaded")
    zip_max_members: int = Field(2000, gt=0)
    zip_max_total_bytes: int = Field(1024 * MIB, gt=0, description="a zip's members, expanded")
    zip_max_ratio: int = Field(100, gt=1, description="expanded / compressed size of a member (zip bombs)")
    max_json_bytes: int = Field(1 * MIB, gt=0, description="a JSON request body")
    max_paths: int = Field(1000, gt=0, description="entries of POST /v1/audits {paths}")
    max_documents: int = Field(100_000, gt=0, description="files one audit may take")
    check_timeout: float = Field(30.0, gt=0, le=600, description="seconds one in-request check may take")
    check_processes: int = Field(default_factory=lambda: min(os.cpu_count() or 1, 4), gt=0, le=64)
    check_memory_bytes: int = Field(2048 * MIB, ge=0, description="address space of a check process; 0: no limit")
    queue_wait: float = Field(30.0, gt=0, description="seconds a check may wait for a free check process (then 503)")
    body_timeout: float = Field(60.0, gt=0, description="seconds a client may take to send a request body (then 408)")
    db_timeout: float = Field(30.0, gt=0, description="seconds the API waits for the database (then 503)")
    max_running_audits: int = Field(4, gt=0, description="audits running at once (then 429)")
    max_connections: int = Field(256, gt=0, description="uvicorn's limit_concurrency (then 503)")
    blob_url: str | None = Field(
        None,
        description="s3://BUCKET/PREFIX?endpoint_url=…: uploads wait for the workers in this bucket (credentials "
        "from AWS_*); empty: in the database (read by workers.blobs; checked here so that serve refuses a bad one)",
    )

    @field_validator("api_token", mode="before")
    @classmethod
    def empty_token_is_none(cls, value: Any) -> Any:
        return None if value is None or (isinstance(value, str) and not value.strip()) else value

    @field_validator("blob_url")
    @classmethod
    def blob_url_parses(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            parse_blob_url(value.strip())
        except ContentStoreError as exc:
            raise ValueError(exc.reason) from None
        return value.strip()

    @field_validator("corpus_root", mode="before")
    @classmethod
    def empty_root_is_none(cls, value: Any) -> Any:
        return None if value is None or (isinstance(value, str) and not value.strip()) else value

    @field_validator("corpus_root")
    @classmethod
    def root_is_a_folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"GKAUDIT_CORPUS_ROOT is not a folder: {value}")
        return value.resolve() if value is not None else None

    @model_validator(mode="after")
    def inline_within_upload(self) -> ApiSettings:
        if self.inline_max_bytes > self.max_upload_bytes:
            raise ValueError("inline_max_bytes must not exceed max_upload_bytes")
        return self

    def token(self) -> str | None:
        return self.api_token.get_secret_value() if self.api_token else None

    def zip_limits(self) -> ZipLimits:
        return ZipLimits(self.zip_max_members, self.zip_max_total_bytes, self.max_upload_bytes, self.zip_max_ratio)

    def pool_config(self) -> PoolConfig:
        limits = Limits(max_file_bytes=self.max_upload_bytes, parse_timeout_seconds=self.check_timeout)
        return PoolConfig(self.check_processes, limits, self.queue_wait, self.check_memory_bytes)


class SettingsError(Exception):
    """The environment holds settings that do not validate."""


def load_settings() -> tuple[ApiSettings, Settings]:
    try:
        return ApiSettings(), Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid settings: {problems}") from None


def require_model() -> None:
    """Refuse to start, like ``gkaudit check``, when the completeness model cannot be loaded."""
    from models.artifact import ModelNotTrainedError, load_model

    try:
        load_model()
    except ModelNotTrainedError as exc:
        raise SettingsError(exc.reason) from None
