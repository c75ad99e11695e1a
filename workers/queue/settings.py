"""Service settings, read from the environment (``GKAUDIT_*``) and validated in one place.

With no ``GKAUDIT_BROKER_URL`` the audit runs embedded: a kombu filesystem
transport under ``GKAUDIT_STATE_DIR`` and local worker processes started by the
``gkaudit audit`` command itself.  With no ``GKAUDIT_DB_URL`` results go to
SQLite in the same directory.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_STATE_DIR = Path(".gkaudit")
MIB = 1 << 20
# kombu's virtual transports poll once a second by default: too slow for documents that take milliseconds.
EMBEDDED_POLL_SECONDS = 0.01
EMBEDDED_TRANSPORT = "workers.queue.fs_transport:Transport"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GKAUDIT_", extra="ignore")

    broker_url: str | None = Field(None, description="redis://, amqp://…; empty: the embedded filesystem transport")
    db_url: str | None = Field(None, description="sqlite:///… or postgresql+psycopg://…; empty: SQLite in state_dir")
    state_dir: Path = Field(DEFAULT_STATE_DIR, description="embedded broker folders and the default database")
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=64)
    soft_time_limit: float = Field(60.0, gt=0, description="seconds per document before SoftTimeLimitExceeded")
    hard_time_limit: float = Field(90.0, gt=0, description="seconds per document before the child is killed")
    max_tasks_per_child: int = Field(500, ge=1)
    visibility_timeout: float = Field(300.0, gt=0, description="Redis: seconds before an unacked task is redelivered")
    stall_seconds: float = Field(30.0, gt=0, description="no progress for this long: re-queue what has no result")
    db_wait_seconds: float = Field(
        20.0, ge=0, description="a worker waits this long for a database away, then puts the message back on the queue"
    )
    worker_memory_bytes: int = Field(
        3072 * MIB, ge=0, description="address space of each worker pool process; 0: no limit"
    )
    # A message costs a worker some 8 ms (its delivery, a lookup, a commit, its acknowledgement), about one text
    # report's audit: under 1 % of a message of 128.  The last messages are smaller (workers.queue.app.batch_sizes;
    # bench/batch_schedule.py weighs both).  Big files (PDFs, far slower a document) go a few a message by their
    # bytes, so that a message stays short and progress still shows.
    batch_size: int = Field(128, ge=1, le=1000, description="documents per queue message, at most")
    batch_bytes: int = Field(
        1 << 20, ge=1, description="bytes of files per queue message, at most (a bigger file travels alone)"
    )
    queue: str = Field(
        "gkaudit", pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="broker queue: separate audits sharing a broker"
    )

    @field_validator("hard_time_limit")
    @classmethod
    def hard_after_soft(cls, value: float, info) -> float:
        soft = info.data.get("soft_time_limit", 0)
        if value <= soft:
            raise ValueError(f"hard_time_limit ({value}) must be greater than soft_time_limit ({soft})")
        return value

    @property
    def embedded(self) -> bool:
        return not self.broker_url

    def database_url(self) -> str:
        if self.db_url:
            return self.db_url
        self.state_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.state_dir / 'gkaudit.db').resolve()}"

    def broker(self) -> str:
        return self.broker_url or "filesystem://"

    def broker_transport(self) -> str | None:
        """The embedded transport's class: kombu's filesystem transport, its messages written atomically."""
        return None if self.broker_url else EMBEDDED_TRANSPORT

    def broker_transport_options(self) -> dict[str, object]:
        if not self.embedded:
            # kombu's Redis transport looks for unacked messages only every interval × throttle
            # seconds (about 100 s by default): make that follow the visibility timeout.
            return {
                "visibility_timeout": self.visibility_timeout,
                "unacked_restore_interval": max(1, min(10, int(self.visibility_timeout // 2))),
                "unacked_restore_throttle": 1,
            }
        queue = (self.state_dir / "queue").resolve()
        for sub in ("in", "processed", "control"):
            (queue / sub).mkdir(parents=True, exist_ok=True)
        return {
            "data_folder_in": str(queue / "in"),
            "data_folder_out": str(queue / "in"),
            "processed_folder": str(queue / "processed"),
            "control_folder": str(queue / "control"),
            "store_processed": False,
            "polling_interval": EMBEDDED_POLL_SECONDS,
        }


@cache
def get_settings() -> Settings:
    return Settings()
