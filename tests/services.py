"""Shared helpers of the tests (and the queue bench) that talk to real servers.

Reachability: each server is checked with a real connection (Redis PING, a
psycopg connection, kombu's ``ensure_connection``).  :func:`require` skips a
test when its server is down, or fails it, naming the server and the command
that starts it, when ``GKAUDIT_REQUIRE_SERVICES=1``.

Isolation: the workers' queue is always named ``gkaudit`` (``make_app`` and
``worker_command`` fix it), so a run gets a Redis database of its own
(:func:`redis_database`), a throwaway PostgreSQL database
(:func:`postgres_database`), and on RabbitMQ the queue is purged before and
after (:func:`purge_queue`).

Workers: :func:`start_worker` starts one ``celery worker`` process in a
session of its own (so that :func:`kill_group` can SIGKILL it with its pool
children), :func:`wait_ready` pings them until they answer.

Outages: :func:`loopback_redis` and :func:`loopback_postgres` start servers of
the test's own on free ports (a redis-server without persistence; a PostgreSQL
cluster made by initdb under /tmp, run as the postgres user), which a test may
stop and start mid-audit; the machine's own servers are never touched.
:func:`require_loopback` skips, or fails with ``GKAUDIT_REQUIRE_SERVICES=1``,
where they cannot be started.
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis
from celery import Celery
from kombu import Connection
from sqlalchemy import create_engine, make_url, text

from corpus.generate import generate_report, render_text
from workers.queue.local import stop_worker, worker_command, worker_env
from workers.queue.settings import Settings
from workers.queue.tasks import make_app
from workers.store import content_hash, get_engine

REQUIRE_SERVICES = os.environ.get("GKAUDIT_REQUIRE_SERVICES") == "1"
REDIS_URL = os.environ.get("GKAUDIT_TEST_REDIS_URL", "redis://127.0.0.1:6379")
POSTGRES_URL = os.environ.get("GKAUDIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("GKAUDIT_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
CONNECT_TIMEOUT = 3.0
READY_TIMEOUT = 90.0
REDIS_DATABASES = range(1, 16)  # 0 is left to whoever runs gkaudit by hand on this machine
REDIS_CLAIM_KEY = "gkaudit:test:claimed"


# ---- reachability ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    name: str
    url: str
    check: Callable[[str], None]  # raises when the server does not answer
    start: str  # the command that starts it on this machine


def check_redis(url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()


def _psycopg_kwargs(url: str, database: str | None = None) -> dict[str, object]:
    parsed = make_url(url)
    kwargs: dict[str, object] = {
        "host": parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "dbname": database or parsed.database or "postgres",
        "connect_timeout": int(CONNECT_TIMEOUT),
    }
    if parsed.password:
        kwargs["password"] = parsed.password
    return kwargs


def check_postgres(url: str) -> None:
    with psycopg.connect(**_psycopg_kwargs(url)) as conn:
        conn.execute("SELECT 1")


def check_amqp(url: str) -> None:
    with Connection(url, connect_timeout=CONNECT_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, timeout=CONNECT_TIMEOUT)


REDIS = Service(
    "Redis",
    REDIS_URL,
    check_redis,
    "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no "
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log",
)
POSTGRES = Service(
    "PostgreSQL",
    POSTGRES_URL,
    check_postgres,
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
)
RABBITMQ = Service("RabbitMQ", AMQP_URL, check_amqp, "rabbitmq-server -detached")


def unreachable(service: Service) -> str | None:
    """Why the server does not answer, or None when it does."""
    try:
        service.check(service.url)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def require(service: Service) -> None:
    """Skip (or, with GKAUDIT_REQUIRE_SERVICES=1, fail) when the server does not answer."""
    reason = unreachable(service)
    if reason is None:
        return
    message = f"{service.name} is not reachable at {service.url} ({reason}); start it with: {service.start}"
    if REQUIRE_SERVICES:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# ---- isolation ------------------------------------------------------------------------------


def _redis_db_url(index: int) -> str:
    return f"{REDIS_URL.rstrip('/')}/{index}"


@contextmanager
def redis_database() -> Iterator[str]:
    """A broker URL on an empty Redis database claimed for this run; flushed afterwards."""
    token = secrets.token_hex(8)
    for index in random.sample(list(REDIS_DATABASES), len(REDIS_DATABASES)):
        url = _redis_db_url(index)
        client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT)
        try:
            if client.dbsize() == 0 and client.set(REDIS_CLAIM_KEY, token, nx=True, ex=3600):
                break
        except redis.ResponseError:  # the server has fewer databases
            client.close()
            continue
        client.close()
    else:
        raise RuntimeError(f"no empty Redis database among {list(REDIS_DATABASES)} at {REDIS_URL}")
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@contextmanager
def postgres_database(prefix: str = "gkaudit_it") -> Iterator[str]:
    """A throwaway database (``<prefix>_<random>``): its SQLAlchemy URL, dropped afterwards."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        get_engine(url).dispose()  # this process's pooled connections, or the drop would wait for them
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


DATABASE_KINDS = ["sqlite", "postgresql"]


@contextmanager
def sqlite_or_postgres(kind: str, tmp_path: Path, name: str) -> Iterator[str]:
    """A throwaway store of each kind a test runs on (a fixture's ``params=DATABASE_KINDS``): a SQLite file
    ``<name>.db`` in ``tmp_path``, or a PostgreSQL database ``gkaudit_<name>_<random>`` (required)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / f'{name}.db'}"
        return
    require(POSTGRES)
    with postgres_database(f"gkaudit_{name}") as url:
        yield url


def redis_unacked(broker_url: str) -> int:
    """Messages a Redis broker still holds as delivered but never acknowledged (kombu's ``unacked`` hash)."""
    client = redis.Redis.from_url(broker_url, socket_connect_timeout=CONNECT_TIMEOUT)
    try:
        return int(client.hlen("unacked"))
    finally:
        client.close()


def purge_queue(settings: Settings) -> int:
    """Drop every message waiting in the workers' queue (``gkaudit``) on this broker."""
    app = make_app(settings)
    try:
        return app.control.purge()
    finally:
        app.close()


# ---- corpus --------------------------------------------------------------------------------


def write_corpus(root: Path, count: int, seed: str) -> list[Path]:
    """``count`` generated reports as text files, each a distinct content."""
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        report = generate_report(random.Random(f"{seed}:{i}"), i)
        path = root / f"report_{i:04d}.txt"
        path.write_bytes(render_text(report).encode(report.style.text_encoding))
        paths.append(path)
    hashes = {content_hash(p.read_bytes()) for p in paths}
    assert len(hashes) == count, f"the generator repeated a document: {count - len(hashes)} duplicates"
    return paths


# ---- workers -------------------------------------------------------------------------------


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def nodename(self) -> str:
        return f"{self.name}@{socket.gethostname()}"

    def log_tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def start_worker(settings: Settings, name: str, log_dir: Path, concurrency: int = 1) -> Worker:
    """One ``celery worker`` process (its own session: SIGKILL of its group takes its pool too)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            worker_command(concurrency, name, settings.queue),
            env=worker_env(settings),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Worker(name, proc, log)


def wait_ready(app: Celery, workers: list[Worker], timeout: float = READY_TIMEOUT) -> float:
    """Ping until every worker answers; the seconds it took."""
    start = time.monotonic()
    waiting = {w.nodename for w in workers}
    while waiting:
        for w in workers:
            if w.proc.poll() is not None:
                raise RuntimeError(f"worker {w.name} exited with {w.proc.returncode}:\n{w.log_tail()}")
        replies = app.control.ping(destination=sorted(waiting), timeout=0.5) or []
        for reply in replies:
            waiting -= set(reply)
        if waiting and time.monotonic() - start > timeout:
            raise TimeoutError(f"workers {sorted(waiting)} did not answer a ping within {timeout:.0f} s")
    return time.monotonic() - start


def kill_group(worker: Worker) -> None:
    """SIGKILL the worker and its pool children at once: no warm shutdown, no ack, no reject."""
    with suppress(ProcessLookupError):
        os.killpg(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait()


def stop_workers(workers: list[Worker]) -> None:
    """Warm shutdown of each (the runner's own ``stop_worker``), then nothing of its group left."""
    for w in workers:
        stop_worker(w.proc)
        with suppress(ProcessLookupError):
            os.killpg(w.proc.pid, signal.SIGKILL)


# ---- loopback servers of a test's own (outages) -------------------------------------------

LOOPBACK_START_TIMEOUT = 60.0
POSTGRES_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), Path("/usr/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], None], timeout: float, what: str) -> None:
    """Call ``check`` until it stops raising; TimeoutError naming ``what`` and the last error."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not answer within {timeout:.0f} s: {exc}") from exc
            time.sleep(0.1)


@dataclass
class LoopbackRedis:
    """A redis-server of the test's own on a free port (no persistence: a restart empties it, as a crash of a
    server without persistence does); :meth:`stop` and :meth:`start` make an outage."""

    folder: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self.folder / "redis.log").open("ab")
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "no", "--dir", str(self.folder)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_until(lambda: check_redis(self.url), LOOPBACK_START_TIMEOUT, f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@contextmanager
def loopback_redis(folder: Path) -> Iterator[LoopbackRedis]:
    folder.mkdir(parents=True, exist_ok=True)
    server = LoopbackRedis(folder, free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()


def as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    """A PostgreSQL tool run as the postgres user (initdb and the server refuse root)."""
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True, timeout=120, check=True
    )


@dataclass
class LoopbackPostgres:
    """A PostgreSQL cluster of the test's own (initdb in a folder under /tmp that the postgres user owns), on
    a free port with its socket in that folder, trust authentication; :meth:`stop` and :meth:`start` make an
    outage (``pg_ctl stop -m fast``: every connection is cut, as in a restart)."""

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        as_postgres(str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        as_postgres(
            str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-o", options, "-w", "-t", str(int(LOOPBACK_START_TIMEOUT)), "start",
        )  # fmt: skip
        wait_until(lambda: check_postgres(self.admin_url), LOOPBACK_START_TIMEOUT, f"PostgreSQL on port {self.port}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            as_postgres(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def database(self) -> str:
        """A new empty database's SQLAlchemy URL."""
        name = f"gkaudit_fault_{secrets.token_hex(4)}"
        with psycopg.connect(**_psycopg_kwargs(self.admin_url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)


@contextmanager
def loopback_postgres() -> Iterator[LoopbackPostgres]:
    folder = Path(tempfile.mkdtemp(prefix="gkaudit-pg-"))
    shutil.chown(folder, "postgres", "postgres")
    server = LoopbackPostgres(folder, free_port())
    try:
        server.init()
        server.start()
        yield server
    finally:
        with suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def loopback_tools_missing() -> str | None:
    """Why loopback servers cannot be started here, or None."""
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    if not (POSTGRES_BIN / "initdb").exists() or shutil.which("runuser") is None:
        return f"PostgreSQL's initdb ({POSTGRES_BIN}) or runuser is missing"
    if os.geteuid() != 0:
        return "starting a PostgreSQL cluster as the postgres user needs root"
    return None


def require_loopback() -> None:
    """Skip (or, with GKAUDIT_REQUIRE_SERVICES=1, fail) when loopback servers cannot be started."""
    if (reason := loopback_tools_missing()) is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"loopback servers for the outage tests: {reason}", pytrace=False)
    pytest.skip(reason)
