"""The API server's parts, built once at start-up: the database, the warm check pool, the audit manager.

Route handlers get them through FastAPI's dependency injection (``Svc``), and
run blocking database calls through :func:`off_loop`, which bounds them in time
and turns a database failure into a 503.  :func:`health` probes them (and the
broker and the content store) for ``GET /healthz``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from kombu import Connection
from kombu.exceptions import KombuError
from sqlalchemy.exc import SQLAlchemyError

from workers.api import store as api_store
from workers.api.audits import AuditManager
from workers.api.models import Health, Probe
from workers.api.pool import CheckPool
from workers.api.settings import ApiSettings
from workers.api.uploads import Rejected
from workers.blobs import ContentStoreError, content_store
from workers.queue.settings import Settings
from workers.store import get_engine

log = logging.getLogger("gkaudit.api")
T = TypeVar("T")
STORED_MEMORY = 10_000  # (hash, name) this process has stored: a repeated upload skips the database


@dataclass
class Services:
    api: ApiSettings
    service: Settings
    db_url: str
    pool: CheckPool
    audits: AuditManager
    stored: OrderedDict[str, None] = field(default_factory=OrderedDict)

    def remember_stored(self, key: str) -> None:
        self.stored[key] = None
        self.stored.move_to_end(key)
        while len(self.stored) > STORED_MEMORY:
            self.stored.popitem(last=False)

    @property
    def uploads(self) -> Path:
        return self.service.state_dir.resolve() / "uploads"

    def close(self) -> None:
        self.audits.shutdown()
        self.pool.close()


def build_services(api: ApiSettings, service: Settings) -> Services:
    """Blocking: the database (tables created), the warm check processes, the audit manager."""
    db_url = service.database_url()
    get_engine(db_url)
    pool = CheckPool(api.pool_config())
    pool.start()
    return Services(api, service, db_url, pool, AuditManager(service, db_url, api.max_running_audits))


def services(request: Request) -> Services:
    return request.app.state.services


Svc = Annotated[Services, Depends(services)]


async def off_loop(svc: Services, fn: Callable[..., T], *args: Any) -> T:
    """A blocking database call in a thread, bounded by ``db_timeout``; 503 when the database fails."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(fn, *args), svc.api.db_timeout)
    except TimeoutError:
        raise Rejected(503, f"the database did not answer within {svc.api.db_timeout:g} s") from None
    except SQLAlchemyError as exc:
        log.error("database error: %s", exc)
        raise Rejected(503, f"the database is unavailable ({type(exc).__name__})") from None


# ---- health ----------------------------------------------------------------------------------

PROBE_SECONDS = 3.0


def broker_ok(service: Settings) -> None:
    """Raises when the broker does not answer (embedded: when its folders are not writable)."""
    if service.embedded:
        for folder in ("data_folder_in", "processed_folder", "control_folder"):
            path = str(service.broker_transport_options()[folder])
            if not os.access(path, os.W_OK):
                raise OSError(f"{path} is not writable")
        return
    with Connection(service.broker(), connect_timeout=PROBE_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, timeout=PROBE_SECONDS)


async def probe(kind: str, check_fn: Callable[[], None]) -> Probe:
    try:
        await asyncio.wait_for(asyncio.to_thread(check_fn), PROBE_SECONDS + 1)
    except TimeoutError:
        return Probe(ok=False, kind=kind, error=f"no answer within {PROBE_SECONDS + 1:g} s")
    except ContentStoreError as exc:
        return Probe(ok=False, kind=kind, error=exc.reason)
    except (OSError, SQLAlchemyError, KombuError) as exc:
        return Probe(ok=False, kind=kind, error=f"{type(exc).__name__}: {exc}")
    return Probe(ok=True, kind=kind)


def _kind(url: str | None, default: str) -> str:
    return url.split(":", 1)[0] if url else default


async def health(svc: Services) -> Health:
    """The database, the broker and the content store probed, the check processes counted."""
    store = content_store(svc.db_url, svc.api.blob_url or "")
    alive = svc.pool.alive()
    probes = {
        "database": await probe(_kind(svc.service.db_url, "sqlite"), lambda: api_store.database_ok(svc.db_url)),
        "broker": await probe(_kind(svc.service.broker_url, "embedded"), lambda: broker_ok(svc.service)),
        "contents": await probe("s3" if svc.api.blob_url else "database", store.check),
        "checkers": Probe(ok=alive > 0, kind=f"{alive}/{svc.pool.config.size} processes"),
    }
    return Health(status="ok" if all(p.ok for p in probes.values()) else "unavailable", **probes)
