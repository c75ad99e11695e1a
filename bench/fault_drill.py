"""Issue 21's fault drills at full size, on loopback servers of their own; prints what happened.

    .venv/bin/python bench/fault_drill.py                      # all three drills, 1,000 documents each
    .venv/bin/python bench/fault_drill.py --only broker --broker-outage 60

- ``broker``: ``gkaudit audit`` (2 local worker processes) on a loopback Redis and PostgreSQL; Redis is
  stopped once a tenth of the results exist and started again ``--broker-outage`` seconds later (60: twice
  the default no-progress interval, so the runner re-sends while the broker is away).
- ``database``: the same audit; PostgreSQL is stopped (``pg_ctl stop -m fast``) for ``--db-outage`` seconds.
- ``worker``: no runner (nothing re-sends): the documents are queued, one worker (2 processes) audits them,
  PostgreSQL is stopped for ``--db-outage`` seconds; every message must still end in a result.
- ``namespace``: on the machine's own Redis, RabbitMQ and PostgreSQL (skipped where one is down), a worker
  (2 processes) in a mount namespace of its own, the corpus and the runner's state hidden from it behind an
  empty tmpfs, audits the documents: each must have exactly one result (issue 21's proof, at full size).
- ``bucket``: the same on Redis and PostgreSQL with the contents in an S3 bucket (``GKAUDIT_BLOB_URL``) of
  moto's S3 server started on a free loopback port; the bucket must be empty at the end (pruned).

Each drill prints its exit status, its seconds, the results (rows, distinct contents, done) against the
documents, and what the CLI said it waited for.  The tests of the same faults, small and fast, are in
``tests/test_faults_services.py``.  The machine's own servers are not touched.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for tests.services: the loopback servers and the corpus

from tests.services import (  # noqa: E402
    AMQP_URL,
    POSTGRES,
    RABBITMQ,
    REDIS,
    LoopbackPostgres,
    free_port,
    loopback_postgres,
    loopback_redis,
    postgres_database,
    purge_queue,
    redis_database,
    start_worker,
    stop_workers,
    unreachable,
    wait_ready,
    write_corpus,
)
from tests.test_content_store import start_hidden_worker  # noqa: E402
from tests.test_faults_embedded import cli_audit, cli_env, wait_for  # noqa: E402
from tests.test_faults_services import psycopg_url, result_counts  # noqa: E402
from workers.queue.runner import run_audit, send, store_contents  # noqa: E402
from workers.queue.settings import Settings  # noqa: E402
from workers.queue.tasks import make_app  # noqa: E402
from workers.store import content_hash  # noqa: E402

START_TIMEOUT = 300.0
RUN_TIMEOUT = 1800.0


def waiting_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "waiting for" in line]


def failure_reasons(db_url: str) -> list[tuple[str, int]]:
    with psycopg.connect(psycopg_url(db_url)) as conn:
        rows = conn.execute(
            "SELECT coalesce(error, ''), count(*) FROM results WHERE status = 'failed' GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    return [(str(error), int(count)) for error, count in rows]


def report(name: str, documents: int, status: object, seconds: float, db_url: str, told: str) -> None:
    rows, distinct, done = result_counts(db_url)
    ok = (rows, distinct, done) == (documents, documents, documents) and status in (0, "finished")
    waits = waiting_lines(told)
    print(f"{name}: {'OK' if ok else 'FAILED'}  status {status}  {seconds:.0f} s  results {rows} rows, "
          f"{distinct} contents, {done} done of {documents}  waits told {len(waits)}")  # fmt: skip
    for line in waits[:1] + waits[-1:] if len(waits) > 1 else waits:
        print(f"    {line.strip()}")
    for error, count in failure_reasons(db_url):
        print(f"    failed {count}: {error}")
    if "Traceback" in told:
        print("    a traceback was printed:\n" + "\n".join("    " + line for line in told.splitlines()[-15:]))


def cli_drill(
    name: str, corpus: Path, documents: int, postgres: LoopbackPostgres, work: Path, outage: Callable[..., None]
) -> None:
    """``gkaudit audit`` on loopback servers; ``outage(redis, postgres)`` once a tenth of the results exist."""
    db_url = postgres.database()
    err_path = work / f"{name}.stderr"
    env = cli_env(work / f"{name}-state")
    with loopback_redis(work / f"{name}-redis") as redis_server, err_path.open("w") as err:
        started = time.monotonic()
        with cli_audit(corpus, env, "--broker", redis_server.url, "--db", db_url, stderr=err) as proc:
            wait_for(
                lambda: result_counts(db_url)[0] >= documents // 10 or proc.poll() is not None,
                START_TIMEOUT,
                "a tenth of the results",
            )
            if proc.poll() is None:
                outage(redis_server, postgres)
            out, _ = proc.communicate(timeout=RUN_TIMEOUT)
        seconds = time.monotonic() - started
    if out.strip():
        print(f"    summary: {json.loads(out.strip().splitlines()[-1])}")
    report(name, documents, proc.returncode, seconds, db_url, err_path.read_text())


def worker_drill(corpus: Path, documents: int, postgres: LoopbackPostgres, work: Path, seconds_down: float) -> None:
    db_url = postgres.database()
    with loopback_redis(work / "worker-redis") as redis_server:
        settings = Settings(broker_url=redis_server.url, db_url=db_url, state_dir=work / "worker-state")
        items = [(content_hash(p.read_bytes()), str(p)) for p in sorted(corpus.iterdir())]
        app = make_app(settings)
        started = time.monotonic()
        assert store_contents(db_url, items) == []  # as the runner does: a worker reads contents, not files
        send(app, db_url, items, settings, processes=2, most=settings.batch_size)
        worker = start_worker(settings, "fault-drill", work / "logs", concurrency=2)
        status = "finished"
        try:
            wait_for(lambda: result_counts(db_url)[0] >= documents // 10 or None, START_TIMEOUT, "a tenth")
            postgres.stop()
            time.sleep(seconds_down)
            postgres.start()
            try:
                wait_for(lambda: result_counts(db_url)[0] >= documents or None, RUN_TIMEOUT, "every result")
            except TimeoutError:
                status = "timed out"
        finally:
            stop_workers([worker])
            app.close()
        report("worker", documents, status, time.monotonic() - started, db_url, worker.log.read_text())


def namespace_drill(documents: int, work: Path) -> None:
    hidden = work / "hidden"
    corpus = hidden / "corpus"
    write_corpus(corpus, documents, "namespace-drill")
    for kind, broker_service in (("redis", REDIS), ("rabbitmq", RABBITMQ)):
        if reason := unreachable(broker_service) or unreachable(POSTGRES):
            print(f"namespace {kind}: skipped ({reason})")
            continue
        with ExitStack() as stack:
            broker = AMQP_URL if kind == "rabbitmq" else stack.enter_context(redis_database())
            db_url = stack.enter_context(postgres_database("gkaudit_drill"))
            settings = Settings(
                broker_url=broker, db_url=db_url, state_dir=hidden / f"state-{kind}", queue=f"gkaudit-drill-{kind}"
            )
            worker = start_hidden_worker(settings, f"drill-ns-{kind}", hidden, work / "logs")
            app = make_app(settings)
            started = time.monotonic()
            status: object = "finished"
            try:
                wait_ready(app, [worker])
                summary = run_audit([corpus], settings, workers=0, label=f"namespace-drill-{kind}")
                print(f"    summary: {summary.to_dict()}")
            except Exception as exc:
                status = f"{type(exc).__name__}: {exc}"
            finally:
                stop_workers([worker])
                if kind == "rabbitmq":
                    purge_queue(settings)
                app.close()
            report(f"namespace {kind}", documents, status, time.monotonic() - started, db_url, "")


def bucket_drill(documents: int, work: Path) -> None:
    """The namespace drill on Redis + PostgreSQL with the contents in a bucket of a loopback S3 server."""
    from tests.test_blob_store import CREDENTIALS, MOTO_SERVER, bucket_objects, start_moto
    from workers.blobs import BLOB_URL_ENV, parse_blob_url, s3_client

    if reason := unreachable(REDIS) or unreachable(POSTGRES) or (not MOTO_SERVER.exists() and "no moto_server"):
        print(f"bucket: skipped ({reason})")
        return
    hidden = work / "hidden-bucket"
    corpus = hidden / "corpus"
    write_corpus(corpus, documents, "bucket-drill")
    port = free_port()
    moto = start_moto(port, work / "moto.log")
    url = f"s3://gkaudit-drill/contents?endpoint_url=http://127.0.0.1:{port}"
    for name, value in CREDENTIALS.items():
        os.environ.setdefault(name, value)
    os.environ[BLOB_URL_ENV] = url  # the runner's, and the hidden worker's through worker_env
    s3_client(parse_blob_url(url)).create_bucket(Bucket="gkaudit-drill")
    try:
        with redis_database() as broker, postgres_database("gkaudit_drill") as db_url:
            settings = Settings(broker_url=broker, db_url=db_url, state_dir=hidden / "state", queue="gkaudit-drill-s3")
            worker = start_hidden_worker(settings, "drill-bucket", hidden, work / "logs")
            app = make_app(settings)
            started = time.monotonic()
            status: object = "finished"
            try:
                wait_ready(app, [worker])
                summary = run_audit([corpus], settings, workers=0, label="bucket-drill")
                print(f"    summary: {summary.to_dict()}; objects left in the bucket: {len(bucket_objects(url))}")
            except Exception as exc:
                status = f"{type(exc).__name__}: {exc}"
            finally:
                stop_workers([worker])
                app.close()
            report("bucket (S3 store)", documents, status, time.monotonic() - started, db_url, "")
    finally:
        del os.environ[BLOB_URL_ENV]
        moto.terminate()
        moto.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--broker-outage", type=float, default=60.0, help="seconds Redis is down")
    parser.add_argument("--db-outage", type=float, default=15.0, help="seconds PostgreSQL is down")
    parser.add_argument("--only", choices=("broker", "database", "worker", "namespace", "bucket"), action="append")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the servers and workers are stopped on the way out
    drills = args.only or ["broker", "database", "worker", "namespace", "bucket"]

    def broker_outage(redis_server, _postgres) -> None:
        redis_server.stop()
        time.sleep(args.broker_outage)
        redis_server.start()

    def database_outage(_redis, postgres) -> None:
        postgres.stop()
        time.sleep(args.db_outage)
        postgres.start()

    with tempfile.TemporaryDirectory(prefix="gkaudit-drill-") as tmp, loopback_postgres() as postgres:
        work = Path(tmp)
        corpus = work / "corpus"
        write_corpus(corpus, args.documents, "fault-drill")
        print(f"{args.documents} documents, loopback PostgreSQL on port {postgres.port}", flush=True)
        if "broker" in drills:
            cli_drill("broker", corpus, args.documents, postgres, work, broker_outage)
        if "database" in drills:
            cli_drill("database", corpus, args.documents, postgres, work, database_outage)
        if "worker" in drills:
            worker_drill(corpus, args.documents, postgres, work, args.db_outage)
        if "namespace" in drills:
            namespace_drill(args.documents, work)
        if "bucket" in drills:
            bucket_drill(args.documents, work)


if __name__ == "__main__":
    main()
