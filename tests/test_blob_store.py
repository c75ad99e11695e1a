"""Contents in an S3-compatible bucket (issue 21, ``GKAUDIT_BLOB_URL``): the rows stay in the database, the bytes
go to the bucket, streamed and within the byte limit; ``gkaudit prune`` removes both; a bucket or endpoint that
cannot be used is a clear reason, not a traceback; an audit gives what it gives with the bytes in the database;
a worker that sees no file of the runner (nor of the API) audits every document once on Redis + PostgreSQL.

The bucket is a real S3-compatible server on 127.0.0.1: moto's ``moto_server`` (the ``dev`` extra), started on
a free port; skipped when it is not installed, failed with ``GKAUDIT_REQUIRE_SERVICES=1``, as are the servers
of :mod:`tests.services`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import secrets
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from corpus.generate import RENDERINGS, generate_report
from models.version import PIPELINE_VERSION
from tests.services import (
    DATABASE_KINDS,
    POSTGRES,
    REDIS,
    REQUIRE_SERVICES,
    Worker,
    free_port,
    postgres_database,
    redis_database,
    require,
    sqlite_or_postgres,
    stop_workers,
    wait_ready,
    wait_until,
    write_corpus,
)
from tests.test_api import start_server, stop_server, wait_audit, wait_for
from tests.test_content_store import audit_with_a_hidden_worker, start_hidden_worker
from workers.api.app import create_app
from workers.api.settings import ApiSettings
from workers.blobs import (
    BLOB_URL_ENV,
    BucketContents,
    ContentStoreAway,
    ContentStoreError,
    content_store,
    parse_blob_url,
    s3_client,
)
from workers.cli import app as cli_app
from workers.queue.files import hash_file
from workers.queue.runner import register_audit, run_audit, store_contents
from workers.queue.servers import Servers
from workers.queue.settings import Settings
from workers.queue.tasks import make_app, run_batch
from workers.store import Audit, Content, Result, content_hash, get_engine, session_scope

ROOT = Path(__file__).resolve().parents[1]
MOTO_SERVER = Path(sys.executable).with_name("moto_server")
LIMIT = 60.0
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "gkaudit-test", "AWS_SECRET_ACCESS_KEY": "gkaudit-test-secret"}


# ---- a real S3-compatible server on loopback -------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``moto_server`` on a free loopback port, for this module; its endpoint URL."""
    if not MOTO_SERVER.exists():
        message = f"{MOTO_SERVER} is not installed (pip install 'moto[server]', the dev extra)"
        if REQUIRE_SERVICES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    port = free_port()
    proc = start_moto(port, tmp_path_factory.mktemp("moto") / "moto.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(30)


def start_moto(port: int, log: Path) -> subprocess.Popen[bytes]:
    """``moto_server`` on ``port``, once it answers."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_until(lambda: httpx.get(f"http://127.0.0.1:{port}/", timeout=2).raise_for_status(), 60, f"moto on {port}")
    except TimeoutError:
        proc.terminate()
        raise
    return proc


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def blob_url(s3_endpoint: str, credentials: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new bucket's ``GKAUDIT_BLOB_URL``, set for the test."""
    bucket = f"gkaudit-{secrets.token_hex(4)}"
    url = f"s3://{bucket}/contents?endpoint_url={s3_endpoint}"
    s3_client(parse_blob_url(url)).create_bucket(Bucket=bucket)
    monkeypatch.setenv(BLOB_URL_ENV, url)
    return url


@pytest.fixture(params=DATABASE_KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with sqlite_or_postgres(request.param, tmp_path, "blobs") as url:
        get_engine(url)
        yield url


def bucket_objects(url: str) -> dict[str, bytes]:
    """Every object under the URL's prefix: key → bytes."""
    location = parse_blob_url(url)
    client = s3_client(location)
    listed = client.list_objects_v2(Bucket=location.bucket, Prefix=location.prefix)
    keys = [item["Key"] for item in listed.get("Contents", [])]
    return {key: client.get_object(Bucket=location.bucket, Key=key)["Body"].read() for key in keys}


def content_rows(db_url: str) -> dict[str, tuple[str, int, bytes]]:
    with session_scope(db_url) as session:
        rows = session.execute(select(Content.content_hash, Content.name, Content.size, Content.data)).all()
    return {digest: (name, size, bytes(data)) for digest, name, size, data in rows}


# ---- the store -------------------------------------------------------------------------------


def test_put_read_prune_round_trip(blob_url: str, db_url: str, tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "corpus", 3, "blobs")
    entries = [hash_file(p) for p in paths]
    audited, needed, orphan = entries
    assert store_contents(db_url, [(e.content_hash, e.path) for e in entries]) == []
    key = parse_blob_url(blob_url).key
    assert bucket_objects(blob_url) == {key(e.content_hash): Path(e.path).read_bytes() for e in entries}
    rows = content_rows(db_url)
    assert rows == {e.content_hash: (e.path, e.size, b"") for e in entries}, "a row each, its bytes in the bucket"
    assert store_contents(db_url, [(e.content_hash, e.path) for e in entries]) == [], "stored once"

    for path in paths:
        path.unlink()  # the worker reads the bucket, not the files
    outcomes = run_batch(db_url, [audited.content_hash], LIMIT)
    assert outcomes[audited.content_hash] is not None and outcomes[audited.content_hash].status == "done"

    register_audit(db_url, [audited, needed], "blobs")  # the orphan: named by no audit, kept for an hour
    run = subprocess.run(
        [sys.executable, "-m", "workers.cli", "prune", "--db", db_url],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"removed 1 stored contents ({audited.size} bytes)"
    assert set(content_rows(db_url)) == {needed.content_hash, orphan.content_hash}
    assert set(bucket_objects(blob_url)) == {key(needed.content_hash), key(orphan.content_hash)}, "object pruned"


def test_a_big_file_is_uploaded_in_parts_and_a_changed_one_leaves_nothing(
    blob_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_url = f"sqlite:///{tmp_path / 'blobs.db'}"
    get_engine(db_url)
    monkeypatch.setattr("workers.blobs.PART_BYTES", 5 << 20)  # S3's smallest part: three parts for 12 MiB
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(12 << 20))
    digest = content_hash(big.read_bytes())
    store = content_store(db_url)
    assert store.put_file(digest, "big.bin", big, 50 << 20) is None
    assert bucket_objects(blob_url)[parse_blob_url(blob_url).key(digest)] == big.read_bytes()

    wrong = "0" * 64  # the file is not the content hashed (it changed since): the upload is abandoned
    reason = store.put_file(wrong, "big.bin", big, 50 << 20)
    assert reason == "the file changed while it was being audited; run the audit again"
    location = parse_blob_url(blob_url)
    assert location.key(wrong) not in bucket_objects(blob_url)
    uploads = s3_client(location).list_multipart_uploads(Bucket=location.bucket)
    assert uploads.get("Uploads", []) == [], "no part left behind"
    assert wrong not in content_rows(db_url)


def test_sizes_are_capped_both_ways(blob_url: str, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'blobs.db'}"
    get_engine(db_url)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 100)
    refused = store_contents(db_url, [(content_hash(big.read_bytes()), str(big))], 50)
    assert [reason for _, _, reason in refused] == ["file too large (100 bytes; limit 50 bytes)"]
    assert bucket_objects(blob_url) == {} and content_rows(db_url) == {}, "nothing uploaded"

    small = tmp_path / "small.txt"
    small.write_bytes(b"y" * 40)
    digest = content_hash(small.read_bytes())
    assert store_contents(db_url, [(digest, str(small))], 50) == []
    location = parse_blob_url(blob_url)
    # the object swapped for a bigger one behind the store's back: the download stops at the limit
    s3_client(location).put_object(Bucket=location.bucket, Key=location.key(digest), Body=b"z" * 5000)
    store = content_store(db_url)
    assert store.read([digest], 1000)[digest].error == "file too large (5000 bytes; limit 1000 bytes)"
    assert store.read([digest], 50)[digest].error == "file too large (5000 bytes; limit 50 bytes)"
    assert store.read([digest], 10_000)[digest].data == b"z" * 5000


def test_a_row_whose_object_is_gone_is_stored_again(blob_url: str, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'blobs.db'}"
    (path,) = write_corpus(tmp_path / "corpus", 1, "gone")
    digest = hash_file(path).content_hash
    assert store_contents(db_url, [(digest, str(path))]) == []
    location = parse_blob_url(blob_url)
    s3_client(location).delete_object(Bucket=location.bucket, Key=location.key(digest))  # a prune cut short
    assert run_batch(db_url, [digest], LIMIT) == {}, "no outcome: left for the runner to store again"
    assert content_rows(db_url) == {}, "the dangling row is removed"
    assert store_contents(db_url, [(digest, str(path))]) == []  # the runner's re-send
    assert run_batch(db_url, [digest], LIMIT)[digest].status == "done"


def test_a_missing_bucket_or_an_endpoint_that_does_not_answer_is_a_clear_reason(
    s3_endpoint: str, credentials: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_url = f"sqlite:///{tmp_path / 'blobs.db'}"
    get_engine(db_url)
    missing = f"s3://no-such-bucket-{secrets.token_hex(3)}/x?endpoint_url={s3_endpoint}"
    with pytest.raises(ContentStoreError) as caught:
        content_store(db_url, missing).check()
    bucket = parse_blob_url(missing).bucket
    said = f"the content store s3://{bucket}/x at {s3_endpoint}: the bucket '{bucket}' does not exist"
    assert caught.value.reason == said

    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(ContentStoreError) as caught:
        content_store(db_url, f"s3://gkaudit/x?endpoint_url={closed}").check()
    assert f"the content store s3://gkaudit/x at {closed} does not answer (Could not connect" in caught.value.reason
    assert time.monotonic() - started < 10, "a store that does not answer is told at once"
    away = BucketContents(db_url, parse_blob_url(f"s3://gkaudit/x?endpoint_url={closed}"))
    with pytest.raises(ContentStoreAway):  # mid-audit, the same is waited for (a ConnectionError)
        away.call("head_object", Key="x")
    assert isinstance(ContentStoreAway("x", "y"), ConnectionError)

    for bad, said in [
        ("http://bucket/x", "must look like s3://BUCKET/PREFIX"),
        ("s3://bucket/x?endpoint=http://h", "unknown option endpoint"),
        ("s3://bucket/x?endpoint_url=ftp://h", "endpoint_url must be http:// or https://"),
    ]:
        with pytest.raises(ContentStoreError, match=said):
            content_store(db_url, bad)

    monkeypatch.setenv(BLOB_URL_ENV, missing)
    corpus = write_corpus(tmp_path / "corpus", 2, "no-bucket")
    settings = Settings(db_url=db_url, state_dir=tmp_path / "state")
    with pytest.raises(ContentStoreError, match="does not exist"):
        run_audit(corpus, settings, workers=1)
    with session_scope(db_url) as session:
        assert session.scalars(select(Audit)).all() == [], "nothing queued or recorded"


def test_a_store_that_goes_away_mid_audit_is_waited_for(
    s3_endpoint: str, credentials: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_url = f"sqlite:///{tmp_path / 'blobs.db'}"
    get_engine(db_url)
    port = free_port()
    url = f"s3://gkaudit-away/x?endpoint_url=http://127.0.0.1:{port}"
    monkeypatch.setenv(BLOB_URL_ENV, url)
    (path,) = write_corpus(tmp_path / "corpus", 1, "away")
    digest = hash_file(path).content_hash
    told: list[str] = []
    servers: list[subprocess.Popen[bytes]] = []

    def sleep(_seconds: float) -> None:  # the runner's wait: the store comes back during the first one
        if not servers:
            servers.append(start_moto(port, tmp_path / "moto.log"))
            s3_client(parse_blob_url(url)).create_bucket(Bucket="gkaudit-away")

    runner_servers = Servers("the database", "the broker", (), told.append, sleep=sleep)
    try:
        refused = runner_servers.database(lambda: store_contents(db_url, [(digest, str(path))]))
        assert refused == [] and len(told) == 1, told
        assert told[0].startswith(
            f"waiting for the content store s3://gkaudit-away/x at http://127.0.0.1:{port} (Could not connect"
        ), told
        assert bucket_objects(url) == {f"x/{digest}": path.read_bytes()}
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(30)


def test_the_cli_prints_the_reason_of_a_missing_bucket(s3_endpoint: str, credentials: None, tmp_path: Path) -> None:
    bucket = f"no-such-bucket-{secrets.token_hex(3)}"
    url = f"s3://{bucket}/x?endpoint_url={s3_endpoint}"
    corpus = write_corpus(tmp_path / "corpus", 1, "cli-no-bucket")[0].parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKAUDIT_")}
    env |= {"GKAUDIT_STATE_DIR": str(tmp_path / "state"), BLOB_URL_ENV: url}
    said = f"gkaudit: the content store s3://{bucket}/x at {s3_endpoint}: the bucket '{bucket}' does not exist"
    for command in (["audit", str(corpus), "--json"], ["prune"]):
        run = subprocess.run(
            [sys.executable, "-m", "workers.cli", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert (run.returncode, run.stderr.strip()) == (2, said), command


# ---- a whole audit ---------------------------------------------------------------------------


def audit_rows(db_url: str) -> list[tuple[Any, ...]]:
    """What an audit stored of each content, less what differs from run to run (timings, ids)."""
    with session_scope(db_url) as session:
        rows = session.execute(
            select(
                Result.content_hash, Result.status, Result.error, Result.path, Result.agency, Result.year,
                Result.quality, Result.errors, Result.warnings, Result.claims_total, Result.payload,
            ).where(Result.pipeline_version == PIPELINE_VERSION)
        ).all()  # fmt: skip
    return sorted(
        (*row[:-1], sorted((f["rule"], f.get("metric")) for f in row[-1].get("findings", []))) for row in rows
    )


def embedded_audit(corpus: Path, state: Path, blob: str | None) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKAUDIT_")}
    env.update({"GKAUDIT_STATE_DIR": str(state), **({BLOB_URL_ENV: blob} if blob else {})})
    run = subprocess.run(
        [sys.executable, "-m", "workers.cli", "audit", str(corpus), "--json", "--workers", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_an_embedded_audit_gives_the_same_results_with_the_bucket(blob_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, 6, "same-results")
    name, docx = "report.docx", RENDERINGS["docx"][1](generate_report(random.Random("docx"), 7))
    (corpus / name).write_bytes(docx)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "copy.txt").write_bytes(paths[0].read_bytes())
    in_db = embedded_audit(corpus, tmp_path / "db", None)
    in_bucket = embedded_audit(corpus, tmp_path / "bucket", blob_url)
    assert {k: v for k, v in in_db.items() if k != "audit"} == {k: v for k, v in in_bucket.items() if k != "audit"}
    assert (in_bucket["documents"], in_bucket["done"], in_bucket["failed"]) == (9, 8, 1)
    db_rows = audit_rows(f"sqlite:///{tmp_path / 'db' / 'gkaudit.db'}")
    bucket_rows = audit_rows(f"sqlite:///{tmp_path / 'bucket' / 'gkaudit.db'}")
    assert len(db_rows) == 8 and bucket_rows == db_rows
    assert bucket_objects(blob_url) == {}, "the audit prunes its contents from the bucket once audited"


# ---- the proof: workers that see no file of the runner or of the API -----------------------


def test_a_hidden_worker_audits_every_document_once_from_the_bucket(blob_url: str, tmp_path: Path) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    require(POSTGRES)
    require(REDIS)

    def told_of_the_bucket(worker: Worker) -> None:
        environ = Path(f"/proc/{worker.proc.pid}/environ").read_bytes().split(b"\0")
        assert f"{BLOB_URL_ENV}={blob_url}".encode() in environ, "the worker is told of the bucket"

    with redis_database() as broker, postgres_database("gkaudit_ns_s3") as db_url:
        audit_with_a_hidden_worker(broker, db_url, tmp_path, "namespace-s3", told_of_the_bucket)
        with session_scope(db_url) as session:
            assert session.scalars(select(Content)).all() == []
        assert bucket_objects(blob_url) == {}, "pruned once audited"


def png(width: int, height: int, seed: bytes) -> bytes:
    """A real PNG of noise (a scan does not compress much either)."""
    rows = b"".join(b"\0" + hashlib.shake_256(seed + y.to_bytes(4, "big")).digest(width * 3) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")


def twenty_megabyte_docx() -> tuple[str, bytes]:
    """A generated report as DOCX with ten scanned pages attached (``word/media``): some 20 MB."""
    report = generate_report(random.Random("twenty-mb"), 11)
    base = RENDERINGS["docx"][1](report)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for page in range(10):
            target.writestr(f"word/media/scan{page + 1}.png", png(1240, 560, bytes([page])), zipfile.ZIP_STORED)
    return "twenty-mb-report.docx", out.getvalue()


@pytest.mark.parametrize("store", ["database", "bucket"])
def test_a_20_mb_api_upload_is_audited_by_a_worker_that_cannot_see_the_api_state(
    store: str, s3_endpoint: str, credentials: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    require(POSTGRES)
    require(REDIS)
    name, data = twenty_megabyte_docx()
    assert 19 << 20 < len(data) < 21 << 20
    bucket_url = ""
    if store == "bucket":
        bucket = f"gkaudit-api-{secrets.token_hex(3)}"
        bucket_url = f"s3://{bucket}/uploads?endpoint_url={s3_endpoint}"
        s3_client(parse_blob_url(bucket_url)).create_bucket(Bucket=bucket)
        monkeypatch.setenv(BLOB_URL_ENV, bucket_url)  # for the hidden worker (worker_env passes it on)
    else:
        monkeypatch.delenv(BLOB_URL_ENV, raising=False)
    hidden = tmp_path / "api"  # the API's state folder (its uploads): not in the worker's namespace
    hidden.mkdir()
    queue = f"gkaudit-api-{secrets.token_hex(4)}"
    with redis_database() as broker, postgres_database("gkaudit_ns_api") as db_url:
        settings = Settings(broker_url=broker, db_url=db_url, state_dir=hidden / "state", queue=queue)
        worker = start_hidden_worker(settings, f"ns-api-{secrets.token_hex(3)}", hidden, tmp_path / "logs")
        extra = {"blob_url": bucket_url} if bucket_url else {}
        app = make_app(settings)
        server = None
        try:
            wait_ready(app, [worker])
            server = start_server(hidden, broker_url=broker, db_url=db_url, queue=queue, **extra)
            assert not (Path(f"/proc/{worker.proc.pid}/root") / server.state.relative_to("/")).exists()
            with server.client(timeout=120) as client:
                queued = client.post("/v1/check", files={"file": (name, data)})
                assert queued.status_code == 202, queued.text
                assert queued.json()["id"] == hashlib.sha256(data).hexdigest()
                progress = wait_audit(client, queued.json()["audit"])
                doc = wait_for(lambda: (d := client.get(queued.json()["document"]).json())["status"] != "pending" and d)
        finally:
            if server is not None:
                stop_server(server)
            stop_workers([worker])
            app.close()
        assert (progress["done"], progress["failed"]) == (1, 0), worker.log_tail()
        assert doc["status"] == "done" and doc["result"]["format_version"] is not None, doc.get("error")
        with session_scope(db_url) as session:
            assert session.scalars(select(Content)).all() == [], "pruned once audited"
        if bucket_url:
            assert bucket_objects(bucket_url) == {}


def test_serve_refuses_a_bad_blob_url_and_healthz_tells_of_a_missing_bucket(
    s3_endpoint: str, credentials: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BLOB_URL_ENV, "http://bucket/prefix")
    result = CliRunner().invoke(cli_app, ["serve", "--port", str(free_port())])
    assert result.exit_code == 2, result.output
    assert (
        "invalid settings: blob_url: Value error, GKAUDIT_BLOB_URL must look like s3://BUCKET/PREFIX" in result.output
    )

    missing = f"s3://no-such-bucket-{secrets.token_hex(3)}/x?endpoint_url={s3_endpoint}"
    monkeypatch.setenv(BLOB_URL_ENV, missing)
    api = ApiSettings(check_processes=1)
    assert api.blob_url == missing
    with TestClient(create_app(api, Settings(state_dir=tmp_path / "state"))) as client:
        health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["contents"]["ok"] is False and health.json()["contents"]["kind"] == "s3"
    assert "does not exist" in health.json()["contents"]["error"]
