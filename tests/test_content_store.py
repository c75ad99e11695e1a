"""Documents travel by content (issue 21): the runner stores each content once in the database, a message
carries hashes only, a worker audits what the database holds, and ``gkaudit prune`` removes what no audit
still needs.  On SQLite, and on PostgreSQL (127.0.0.1, skipped when down, failed with
``GKAUDIT_REQUIRE_SERVICES=1``)."""

from __future__ import annotations

import base64
import json
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from models.version import PIPELINE_VERSION
from tests.services import (
    AMQP_URL,
    DATABASE_KINDS,
    POSTGRES,
    RABBITMQ,
    REDIS,
    Worker,
    postgres_database,
    purge_queue,
    redis_database,
    require,
    sqlite_or_postgres,
    stop_workers,
    wait_ready,
    write_corpus,
)
from workers.blobs import prune_contents
from workers.queue.files import hash_file
from workers.queue.local import worker_command, worker_env
from workers.queue.runner import register_audit, run_audit, send, store_contents
from workers.queue.settings import Settings
from workers.queue.tasks import make_app, run_batch
from workers.store import Content, Result, content_hash, session_scope

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 60.0


@pytest.fixture(params=DATABASE_KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with sqlite_or_postgres(request.param, tmp_path, "contents") as url:
        yield url


def contents_stored(db_url: str) -> dict[str, tuple[str, int]]:
    with session_scope(db_url) as session:
        rows = session.execute(select(Content.content_hash, Content.name, Content.size)).all()
    return {digest: (name, size) for digest, name, size in rows}


def test_each_content_is_stored_once_and_audited_with_its_file_gone(db_url: str, tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "corpus", 3, "contents")
    copy = tmp_path / "copy.txt"
    copy.write_bytes(paths[0].read_bytes())
    items = [(content_hash(p.read_bytes()), str(p)) for p in [*paths, copy]]
    assert store_contents(db_url, items) == []
    stored = contents_stored(db_url)
    assert stored == {digest: (str(path), Path(path).stat().st_size) for digest, path in items[:3]}
    assert store_contents(db_url, items) == [] and contents_stored(db_url) == stored, "stored once"

    for path in [*paths, copy]:
        path.unlink()  # the worker must not need the files
    hashes = [digest for digest, _ in items]
    outcomes = run_batch(db_url, hashes, LIMIT)
    assert {o.status for o in outcomes.values() if o} == {"done"}, [o.error for o in outcomes.values() if o]
    assert len(outcomes) == 3
    with session_scope(db_url) as session:
        rows = session.execute(select(Result.content_hash, Result.path, Result.status)).all()
    assert sorted(rows) == sorted((digest, str(path), "done") for digest, path in items[:3])


def test_a_file_over_the_limit_or_changed_since_hashed_does_not_travel(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'contents.db'}"
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 100)
    changed = tmp_path / "changed.txt"
    changed.write_text("before")
    before = hash_file(changed).content_hash
    changed.write_text("after")
    refused = store_contents(db_url, [(hash_file(big).content_hash, str(big)), (before, str(changed))], 50)
    assert [(path, reason) for _, path, reason in refused] == [
        (str(big), "file too large (100 bytes; limit 50 bytes)"),
        (str(changed), "the file changed while it was being audited; run the audit again"),
    ]
    assert contents_stored(db_url) == {}


def test_a_message_carries_hashes_and_no_path(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path / "state")
    paths = write_corpus(tmp_path / "corpus", 3, "messages")
    items = [(content_hash(p.read_bytes()), str(p)) for p in paths]
    app = make_app(settings)
    try:
        send(app, settings.database_url(), items, settings, processes=1, most=8)
    finally:
        app.close()
    (message,) = [p for p in (settings.state_dir / "queue" / "in").iterdir() if p.is_file()]
    text = message.read_text()
    assert not any(str(p) in text or p.name in text for p in paths), "a path travelled in the message"
    body = json.loads(base64.b64decode(json.loads(text)["body"]))
    assert body[0][1] == [digest for digest, _ in items]


def test_prune_removes_the_contents_no_audit_still_needs(db_url: str, tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "corpus", 3, "prune")
    entries = [hash_file(p) for p in paths]
    audited, needed, orphan = entries
    store_contents(db_url, [(e.content_hash, e.path) for e in entries])
    register_audit(db_url, [audited, needed], "prune-test")  # the orphan: stored, named by no audit
    run_batch(db_url, [audited.content_hash], LIMIT)
    with session_scope(db_url) as session:
        assert prune_contents(session, PIPELINE_VERSION) == (1, audited.size), "an orphan is kept for an hour"
    with session_scope(db_url) as session:
        hours_ago = datetime.now(UTC) - timedelta(hours=2)
        session.execute(update(Content).where(Content.content_hash == orphan.content_hash).values(created_at=hours_ago))
    run = subprocess.run(
        [sys.executable, "-m", "workers.cli", "prune", "--db", db_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"removed 1 stored contents ({orphan.size} bytes)"
    assert set(contents_stored(db_url)) == {needed.content_hash}
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count()).select_from(Result)) == 1, "results are kept"


# ---- the proof: a worker that sees none of the runner's files ------------------------------

NAMESPACE_DOCUMENTS = 50
# Run in a mount namespace of its own: the folder given is hidden behind an empty tmpfs, checked empty, then
# the worker runs there.  ``unshare`` execs the shell and the shell execs the worker: its pid is the worker's.
HIDDEN_WORKER = 'mount -t tmpfs -o size=1m gkaudit-hidden "$0" && test -z "$(ls -A "$0")" && exec "$@"'


def start_hidden_worker(settings: Settings, name: str, hidden: Path, log_dir: Path) -> Worker:
    """A ``celery worker`` (2 processes) that cannot see ``hidden`` (the corpus and the runner's state)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    command = ["unshare", "--mount", "--propagation", "private", "sh", "-c", HIDDEN_WORKER, str(hidden)]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command + worker_command(2, name, settings.queue),
            cwd=ROOT,
            env=worker_env(settings),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Worker(name, proc, log)


@contextmanager
def namespace_backends(kind: str) -> Iterator[tuple[str, str]]:
    """(broker URL, PostgreSQL URL) of a variant, isolated for this run (RabbitMQ: a queue of its own)."""
    require(POSTGRES)
    require(RABBITMQ if kind == "rabbitmq" else REDIS)
    with ExitStack() as stack:
        broker = AMQP_URL if kind == "rabbitmq" else stack.enter_context(redis_database())
        yield broker, stack.enter_context(postgres_database("gkaudit_ns"))


def audit_with_a_hidden_worker(
    broker: str, db_url: str, tmp_path: Path, label: str, check_worker: Callable[[Worker], None] | None = None
) -> None:
    """Audit NAMESPACE_DOCUMENTS reports through a worker that cannot see them (nor the runner's state), on
    ``broker`` and ``db_url``; every document ends with one result, under its own path.  ``check_worker`` is
    asked about the worker once it is ready, before the audit."""
    hidden = tmp_path / "runner"  # the corpus and the runner's state folder: not in the worker's namespace
    corpus = hidden / "corpus"
    paths = write_corpus(corpus, NAMESPACE_DOCUMENTS, label)
    settings = Settings(
        broker_url=broker,
        db_url=db_url,
        state_dir=hidden / "state",
        stall_seconds=10,
        queue=f"gkaudit-{label}-{secrets.token_hex(4)}",
    )
    worker = start_hidden_worker(settings, f"{label}-{secrets.token_hex(3)}", hidden, tmp_path / "logs")
    app = make_app(settings)
    try:
        wait_ready(app, [worker])
        seen_by_worker = Path(f"/proc/{worker.proc.pid}/root") / paths[0].relative_to("/")
        assert not seen_by_worker.exists(), "the worker can see the corpus"
        if check_worker is not None:
            check_worker(worker)
        summary = run_audit([corpus], settings, workers=0, label=label)
    finally:
        stop_workers([worker])
        if broker.startswith("amqp"):
            purge_queue(settings)
        app.close()
    assert (summary.documents, summary.done, summary.failed) == (NAMESPACE_DOCUMENTS, NAMESPACE_DOCUMENTS, 0), (
        worker.log_tail()
    )
    with session_scope(db_url) as session:
        rows = session.execute(select(Result.content_hash, Result.path)).all()
    assert sorted(rows) == sorted((content_hash(p.read_bytes()), str(p)) for p in paths)


@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare (util-linux) is not installed")
@pytest.mark.parametrize("kind", ["redis", "rabbitmq"])
def test_a_worker_that_sees_none_of_the_files_audits_every_document_once(kind: str, tmp_path: Path) -> None:
    with namespace_backends(kind) as (broker, db_url):
        audit_with_a_hidden_worker(broker, db_url, tmp_path, f"namespace-{kind}")
        assert contents_stored(db_url) == {}, "an audit removes its contents once each has its result"
