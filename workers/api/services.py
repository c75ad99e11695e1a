"""The API server's parts, built once at start-up: the database, the warm check pool, the audit manager.

Route handlers get them through FastAPI's dependency injection (``Svc``), and
run blocking database calls through :func:`off_loop`, which bounds them in time
and turns a database failure into a 503.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.exc import SQLAlchemyError

from workers.api.audits import AuditManager
from workers.api.pool import CheckPool
from workers.api.settings import ApiSettings
from workers.api.uploads import Rejected
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
