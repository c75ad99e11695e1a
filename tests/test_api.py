"""The HTTP API over real HTTP: ``gkaudit serve`` in a subprocess on a free loopback port, driven with httpx.

Also the helpers the other API test modules share (:func:`start_server`, :func:`stop_server`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import signal
import socket
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from corpus.generate import RENDERINGS, generate_report
from models.stages import audit_bytes
from tests.conftest import ROOT, SEEDS
from tests.test_cli_bad_input import BAD_INPUTS
from workers.cli import app as cli_app

TOKEN = "test-token-7f3a-b9c1"
START_SECONDS = 90.0
AUDIT_SECONDS = 120.0
UPLOAD_CASES = sorted(set(BAD_INPUTS) - {"directory", "missing path"})  # the two a client cannot upload


# ---- a live server -------------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    proc: subprocess.Popen[bytes]
    state: Path
    log: Path
    token: str | None

    def client(self, token: str | None = "default", timeout: float = 60.0) -> httpx.Client:
        """A client; with the server's token unless another (or None) is given."""
        token = self.token if token == "default" else token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(state: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKAUDIT_") or k == "GKAUDIT_REQUIRE_SERVICES"}
    env.update(
        {
            "GKAUDIT_STATE_DIR": str(state),
            "GKAUDIT_WORKERS": "1",
            "GKAUDIT_CHECK_PROCESSES": "2",
            "GKAUDIT_STALL_SECONDS": "10",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def start_server(tmp: Path, **settings: str | int) -> LiveServer:
    """``gkaudit serve`` on a free port with GKAUDIT_<KEY>=value settings; returns once /healthz says ok."""
    port = free_port()
    state = tmp / "state"
    log = tmp / "server.log"
    extra = {f"GKAUDIT_{k.upper()}": str(v) for k, v in settings.items()}
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "workers.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=server_env(state, extra),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    token = settings.get("api_token")
    server = LiveServer(f"http://127.0.0.1:{port}", proc, state, log, str(token) if token else None)
    wait_healthy(server)
    return server


def wait_healthy(server: LiveServer) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"gkaudit serve exited with {server.proc.returncode}:\n{server.log_tail()}")
        with suppress(httpx.TransportError):
            if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    stop_server(server)
    raise TimeoutError(f"gkaudit serve not healthy within {START_SECONDS:.0f} s:\n{server.log_tail()}")


def stop_server(server: LiveServer) -> None:
    """SIGTERM (uvicorn's graceful shutdown: check processes and audits stopped), SIGKILL if it hangs."""
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait()
    # anything left in the server's session (a local worker of an interrupted audit) goes too
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(server.proc.pid, signal.SIGKILL)


# ---- documents -----------------------------------------------------------------------------


def report_bytes(index: int, kind: str = "text", seed: str = "api") -> tuple[str, bytes]:
    """A generated report (name, bytes), the same on every run."""
    report = generate_report(random.Random(f"{seed}:{index}"), index)
    suffix, render = RENDERINGS[kind]
    return f"{report.stem}{suffix}", render(report)


def seed_or_generated() -> tuple[str, bytes]:
    matches = sorted(SEEDS.glob("001_*.txt")) if SEEDS.exists() else []
    return (matches[0].name, matches[0].read_bytes()) if matches else report_bytes(1)


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def wait_for(fn: Callable[[], Any], timeout: float = AUDIT_SECONDS, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.3)
    raise TimeoutError(f"{what} not reached within {timeout:.0f} s")


def wait_audit(client: httpx.Client, audit_id: int) -> dict[str, Any]:
    def finished() -> dict[str, Any] | None:
        body = client.get(f"/v1/audits/{audit_id}").json()
        assert body["status"] != "failed", body
        return body if body["status"] == "finished" else None

    return wait_for(finished, what=f"audit {audit_id} finished")


def reason_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"detail"}, body
    assert set(body["detail"]) == {"file", "reason", "code"}, body
    return body["detail"]["reason"]


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's GKAUDIT_CORPUS_ROOT: two reports, an empty folder, and a symlink pointing outside."""
    root = tmp_path_factory.mktemp("corpus")
    reports = root / "reports"
    reports.mkdir()
    for i in range(2):
        name, data = report_bytes(10 + i)
        (reports / name).write_bytes(data)
    (root / "empty").mkdir()
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text("一、总体情况\n不该被读到。\n", encoding="utf-8")
    (root / "escape").symlink_to(outside, target_is_directory=True)
    (reports / "leak.txt").symlink_to(outside / "secret.txt")
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, corpus_root: Path) -> Iterator[LiveServer]:
    live = start_server(
        tmp_path_factory.mktemp("api"),
        api_token=TOKEN,
        corpus_root=str(corpus_root),
        zip_max_members=20,
        zip_max_ratio=50,
        zip_max_total_bytes=str(8 * 1024 * 1024),
        max_json_bytes="4096",
        body_timeout="3",
    )
    yield live
    stop_server(live)


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


# ---- health and the OpenAPI document ---------------------------------------------------------


def test_healthz_reports_database_broker_and_checkers(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "kind": "sqlite", "error": None}
    assert body["broker"] == {"ok": True, "kind": "embedded", "error": None}
    assert body["contents"] == {"ok": True, "kind": "database", "error": None}
    assert body["checkers"]["ok"] and body["checkers"]["kind"] == "2/2 processes"


def test_openapi_document_lists_every_endpoint_and_the_token(server: LiveServer) -> None:
    spec = httpx.get(f"{server.url}/openapi.json").json()
    assert {
        "/v1/check",
        "/v1/audits",
        "/v1/audits/{audit_id}",
        "/v1/audits/{audit_id}/ranking",
        "/v1/documents/{doc_id}",
        "/healthz",
        "/",
        "/review/{doc_id}",
    } <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "security" in spec["paths"]["/v1/check"]["post"]
    assert "security" not in spec["paths"]["/v1/documents/{doc_id}"]["get"]
    audits = spec["paths"]["/v1/audits"]["post"]["requestBody"]["content"]
    assert set(audits) == {"multipart/form-data", "application/json"}
    assert httpx.get(f"{server.url}/docs").status_code == 200


# ---- POST /v1/check -----------------------------------------------------------------------


def test_check_is_the_cli_json(client: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name, data = seed_or_generated()
    response = client.post("/v1/check", files={"file": (name, data)})
    assert response.status_code == 200, response.text
    result = response.json()
    (tmp_path / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)  # so that the CLI names the file as the upload did
    cli = CliRunner().invoke(cli_app, ["check", name])
    assert cli.exit_code == 0, cli.output
    assert result == json.loads(cli.stdout)
    digest = hashlib.sha256(data).hexdigest()
    assert response.headers["X-Document-Id"] == digest
    assert response.headers["Content-Location"] == f"/v1/documents/{digest}"


def test_checked_document_is_stored_and_found_by_hash(client: httpx.Client) -> None:
    _, data = report_bytes(2, "docx")
    checked = client.post("/v1/check", files={"file": ("报告 2023.docx", data)})
    assert checked.status_code == 200, checked.text
    digest = checked.headers["X-Document-Id"]
    doc = httpx.get(f"{client.base_url}/v1/documents/{digest}").json()  # a read needs no token
    assert doc["id"] == digest and doc["status"] == "done" and doc["file"] == "报告 2023.docx"
    assert doc["result"] == checked.json()
    assert [f["rule"] for f in doc["findings"]] == [f["rule"] for f in checked.json()["findings"]]
    assert all("sentence_span" in f for f in doc["findings"])
    assert httpx.get(f"{client.base_url}/v1/documents/{digest[:10].upper()}").json()["id"] == digest
    uploads = doc["audits"][0]
    progress = client.get(f"/v1/audits/{uploads}").json()
    assert progress["status"] == "open" and progress["done"] >= 1
    rows = client.get(f"/v1/audits/{uploads}/ranking").json()
    assert digest in {r["content_hash"] for r in rows}


def test_same_type_by_content_not_by_name(client: httpx.Client) -> None:
    """A DOCX named .txt is read as DOCX, and a text file named .pdf as text."""
    _, docx = report_bytes(3, "docx")
    _, text = report_bytes(3, "text")
    as_txt = client.post("/v1/check", files={"file": ("renamed.txt", docx)})
    as_pdf = client.post("/v1/check", files={"file": ("renamed.pdf", text)})
    assert as_txt.status_code == as_pdf.status_code == 200
    assert as_txt.json()["tables"] == as_pdf.json()["tables"]


@pytest.mark.parametrize("case", UPLOAD_CASES)
def test_bad_upload_gets_4xx_with_the_cli_reason(case: str, client: httpx.Client, tmp_path: Path) -> None:
    make, reason = BAD_INPUTS[case]
    path = make(tmp_path)
    with path.open("rb") as f:
        response = client.post("/v1/check", files={"file": (path.name, f)})
    assert 400 <= response.status_code < 500, response.text
    assert reason in reason_of(response)
    if case != "80 MB text":  # refused from its Content-Length, before the name is read
        assert response.json()["detail"]["file"] == path.name
        # exactly the text the CLI prints after "gkaudit: FILE: " (the pipeline's failed outcome)
        assert reason_of(response) == audit_bytes(path.read_bytes(), path.name).error


def test_missing_or_wrong_multipart_field(client: httpx.Client) -> None:
    assert client.post("/v1/check", files={"report": ("a.txt", b"x")}).status_code == 422
    text_field = client.post("/v1/check", data={"file": "not a file"}, files={"other": ("a.txt", b"x")})
    assert text_field.status_code == 422 and "'file'" in reason_of(text_field)
    not_multipart = client.post("/v1/check", content=b"plain", headers={"Content-Type": "text/plain"})
    assert not_multipart.status_code == 415
    assert "multipart/form-data" in reason_of(not_multipart)
    broken = client.post("/v1/check", content=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data"})
    assert 400 <= broken.status_code < 500


# ---- audits -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def started_audits(server: LiveServer) -> dict[str, httpx.Response]:
    """A zip audit and a corpus-paths audit, started together so that their local workers start at once."""
    members = {f"年报/{name}": data for name, data in (report_bytes(20 + i) for i in range(3))}
    members["年报/empty.txt"] = b""
    members["__MACOSX/._junk"] = b"\0\1"
    with server.client() as client:
        return {
            "zip": client.post("/v1/audits", files={"file": ("reports.zip", zip_bytes(members))}),
            "paths": client.post("/v1/audits", json={"paths": ["reports"]}),
        }


def test_zip_audit_progress_ranking_and_documents(client: httpx.Client, started_audits: dict) -> None:
    response = started_audits["zip"]
    assert response.status_code == 202, response.text
    started = response.json()
    assert started["documents"] == 4
    assert response.headers["Location"] == f"/v1/audits/{started['id']}"
    progress = wait_audit(client, started["id"])
    assert (progress["contents"], progress["done"], progress["failed"], progress["pending"]) == (4, 3, 1, 0)
    assert progress["rate"] > 0 and progress["finished_at"] is not None
    rows = client.get(f"/v1/audits/{started['id']}/ranking", params={"format": "json"}).json()
    assert [r["status"] for r in rows] == ["done", "done", "done", "failed"]
    assert rows[-1]["error"] == "empty file"
    by_year = client.get(f"/v1/audits/{started['id']}/ranking", params={"format": "json", "by": "year"}).json()
    assert sum(g["documents"] for g in by_year) == 4
    csv = client.get(f"/v1/audits/{started['id']}/ranking", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.content.startswith(b"\xef\xbb\xbfrank,")
    html = client.get(f"/v1/audits/{started['id']}/ranking", params={"format": "html"})
    assert html.headers["content-type"].startswith("text/html") and "<html" in html.text
    doc = client.get(f"/v1/documents/{rows[0]['content_hash']}").json()
    assert doc["status"] == "done" and started["id"] in doc["audits"]


def test_corpus_paths_audit_confined_to_the_root(client: httpx.Client, corpus_root: Path, started_audits: dict) -> None:
    response = started_audits["paths"]
    assert response.status_code == 202, response.text
    assert response.json()["documents"] == 2  # reports/leak.txt points outside the root: not taken
    progress = wait_audit(client, response.json()["id"])
    assert (progress["done"], progress["failed"]) == (2, 0)
    for outside in ("../", "/etc/passwd", "escape/secret.txt", "reports/leak.txt", str(corpus_root.parent)):
        refused = client.post("/v1/audits", json={"paths": [outside]})
        assert refused.status_code == 403, (outside, refused.text)
        assert "outside the corpus root" in reason_of(refused)
    missing = client.post("/v1/audits", json={"paths": ["no-such-report.pdf"]})
    assert missing.status_code == 422 and "not found" in reason_of(missing)
    assert missing.json()["detail"]["file"] == "no-such-report.pdf"
    folder = client.post("/v1/audits", json={"paths": ["empty"]})
    assert folder.status_code == 422 and "directory" in reason_of(folder)


@pytest.mark.parametrize("case", sorted(set(BAD_INPUTS) - set(UPLOAD_CASES)))
def test_bad_corpus_path_gets_4xx_with_the_cli_reason(case: str, client: httpx.Client, corpus_root: Path) -> None:
    """The two bad inputs a client cannot upload, named as corpus paths instead."""
    make, reason = BAD_INPUTS[case]
    folder = corpus_root / "bad-inputs"
    folder.mkdir(exist_ok=True)
    path = make(folder)
    relative = str(path.relative_to(corpus_root))
    response = client.post("/v1/audits", json={"paths": [relative]})
    assert response.status_code == 422, response.text
    assert reason in reason_of(response) and response.json()["detail"]["file"] == relative


@pytest.mark.parametrize(
    ("body", "status"),
    [({"paths": []}, 422), ({"paths": "reports"}, 422), ({"files": ["reports"]}, 422), ([1, 2], 422)],
)
def test_bad_paths_body(client: httpx.Client, body: Any, status: int) -> None:
    assert client.post("/v1/audits", json=body).status_code == status


def test_bad_json_and_media_type(client: httpx.Client) -> None:
    bad = client.post("/v1/audits", content=b"{not json", headers={"Content-Type": "application/json"})
    assert bad.status_code == 422 and "invalid JSON" in reason_of(bad)
    text = client.post("/v1/audits", content=b"paths", headers={"Content-Type": "text/plain"})
    assert text.status_code == 415
    big = client.post("/v1/audits", json={"paths": ["x" * 4000, "y" * 4000]})
    assert big.status_code == 413 and "too large" in reason_of(big)
    deep = client.post("/v1/audits", content=b"[" * 4000, headers={"Content-Type": "application/json"})
    assert deep.status_code == 422
    long_name = client.post("/v1/audits", json={"paths": ["a" * 3000]})
    assert long_name.status_code == 422 and "cannot read file" in reason_of(long_name)


def test_zip_bomb_refused(client: httpx.Client, server: LiveServer) -> None:
    before = set((server.state / "uploads" / "audits").glob("*"))
    ratio = client.post("/v1/audits", files={"file": ("bomb.zip", zip_bytes({"a.txt": b"0" * (6 * 1024 * 1024)}))})
    assert ratio.status_code == 422 and "zip bomb" in reason_of(ratio)
    many = {f"r{i}.txt": b"1" * (1024 * 1024) for i in range(9)}  # 9 MiB expanded: over the 8 MiB total
    total = client.post("/v1/audits", files={"file": ("big.zip", zip_bytes(many, zipfile.ZIP_STORED))})
    assert total.status_code == 413 and "zip bomb" in reason_of(total)
    members = client.post("/v1/audits", files={"file": ("many.zip", zip_bytes({f"{i}.txt": b"x" for i in range(30)}))})
    assert members.status_code == 422 and "too many members" in reason_of(members)
    assert set((server.state / "uploads" / "audits").glob("*")) <= before, "refused zips leave nothing behind"


def _zip_with_raw_name(name: str, data: bytes = b"text", symlink: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("placeholder")
        info.filename = name  # ZipInfo would normalise the name; a hostile tool does not
        if symlink:
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "symlink", "reason"),
    [
        ("../evil.txt", False, "unsafe path"),
        ("reports/../../evil.txt", False, "unsafe path"),
        ("/tmp/evil.txt", False, "unsafe path"),
        ("..\\evil.txt", False, "unsafe path"),
        ("C:/evil.txt", False, "unsafe path"),
        ("link.txt", True, "symbolic link"),
    ],
)
def test_zip_path_escape_refused(
    name: str, symlink: bool, reason: str, client: httpx.Client, server: LiveServer
) -> None:
    data = _zip_with_raw_name(name, b"/etc/passwd" if symlink else "一、总体情况\n".encode(), symlink)
    response = client.post("/v1/audits", files={"file": ("evil.zip", data)})
    assert response.status_code == 422, response.text
    assert reason in reason_of(response)
    assert not list(server.state.parent.rglob("evil.txt")) and not Path("/tmp/evil.txt").exists()


def test_not_a_zip_is_refused_by_content(client: httpx.Client) -> None:
    _, text = report_bytes(4)
    as_zip = client.post("/v1/audits", files={"file": ("reports.zip", text)})
    assert as_zip.status_code == 415 and "not a zip" in reason_of(as_zip)
    _, docx = report_bytes(4, "docx")
    assert "DOCX" in reason_of(client.post("/v1/audits", files={"file": ("reports.zip", docx)}))
    corrupt = client.post("/v1/audits", files={"file": ("c.zip", b"PK\x03\x04" + b"\0" * 64)})
    assert corrupt.status_code == 422 and "zip" in reason_of(corrupt)
    empty = client.post("/v1/audits", files={"file": ("e.zip", zip_bytes({}))})
    assert empty.status_code == 422 and "no files" in reason_of(empty)


def test_unknown_ids(client: httpx.Client) -> None:
    assert client.get("/v1/audits/999999").status_code == 404
    assert client.get("/v1/audits/999999/ranking").status_code == 404
    assert client.get(f"/v1/audits/{2**70}").status_code == 422
    assert client.get("/v1/audits/0").status_code == 422
    assert client.get("/v1/audits/1/ranking", params={"format": "xml"}).status_code == 422
    assert client.get("/v1/documents/" + "0" * 64).status_code == 404
    assert client.get("/v1/documents/not-a-hash").status_code == 422
    assert client.get("/review/" + "0" * 64).status_code == 404
    missing = client.get("/no/such/route")
    assert missing.status_code == 404 and reason_of(missing) == "Not Found"


# ---- safety -------------------------------------------------------------------------------


def test_writes_need_the_token(server: LiveServer) -> None:
    _, data = report_bytes(5)
    for token in (None, "wrong", TOKEN + "x", TOKEN[:-1]):
        with server.client(token=token) as anonymous:
            check = anonymous.post("/v1/check", files={"file": ("r.txt", data)})
            audit = anonymous.post("/v1/audits", json={"paths": ["reports"]})
            for response in (check, audit):
                assert response.status_code == 401, response.text
                assert response.headers["WWW-Authenticate"].startswith("Bearer")
                assert "bearer token" in reason_of(response)
            assert anonymous.get("/healthz").status_code == 200
    with server.client(token=None) as anonymous:
        raw = anonymous.post("/v1/check", files={"file": ("r.txt", data)}, headers={"Authorization": TOKEN})
        assert raw.status_code == 401  # the scheme is required


def test_slow_body_gets_408(server: LiveServer) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=15) as sock:
        head = (
            "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            f"Authorization: Bearer {TOKEN}\r\nContent-Length: 10000\r\n\r\n--b\r\n"
        )
        sock.sendall(head.encode())
        start = time.monotonic()
        chunks = []
        while chunk := sock.recv(4096):  # the server closes the connection after a 408
            chunks.append(chunk)
        answer = b"".join(chunks).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 408"), answer
    assert "took too long" in answer and time.monotonic() - start < 10


def test_serve_refuses_invalid_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GKAUDIT_CORPUS_ROOT", str(tmp_path / "missing"))
    result = CliRunner().invoke(cli_app, ["serve", "--port", str(free_port())])
    assert result.exit_code == 2
    assert "gkaudit: invalid settings: corpus_root: Value error, GKAUDIT_CORPUS_ROOT is not a folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# ---- large files through the queue ----------------------------------------------------------


@pytest.fixture(scope="module")
def queued_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("queued"), inline_max_bytes="16384", max_running_audits=2)
    yield live
    stop_server(live)


def test_large_file_goes_through_the_queue(queued_server: LiveServer, tmp_path: Path) -> None:
    name, data = report_bytes(6, "docx")
    assert len(data) > 16384
    bomb = BAD_INPUTS["docx zip bomb"][0](tmp_path).read_bytes()
    assert len(bomb) > 16384
    with queued_server.client() as client:
        good = client.post("/v1/check", files={"file": (name, data)})
        bad = client.post("/v1/check", files={"file": ("bomb.docx", bomb)}).json()  # both audits run at once
        third = client.post("/v1/check", files={"file": ("third.docx", data)})
        assert third.status_code == 429 and third.headers["Retry-After"] == "30", third.text
        assert "audits are running" in reason_of(third)
        assert len(list((queued_server.state / "uploads" / "checks").iterdir())) == 2  # nothing saved for it
        assert good.status_code == 202, good.text
        queued = good.json()
        assert queued["status"] == "queued" and queued["id"] == hashlib.sha256(data).hexdigest()
        assert good.headers["X-Document-Id"] == queued["id"]
        doc = wait_for(
            lambda: (d := client.get(queued["document"]).json())["status"] != "pending" and d,
            what="the queued document",
        )
        assert doc["status"] == "done"
        assert doc["result"]["tables"] == audit_bytes(data, name).result["tables"]
        assert wait_audit(client, queued["audit"])["done"] == 1
        failed = wait_for(lambda: (d := client.get(bad["document"]).json())["status"] != "pending" and d)
        assert failed["status"] == "failed" and "zip bomb" in failed["error"]
        assert wait_audit(client, bad["audit"])["failed"] == 1
        small = client.post("/v1/check", files={"file": report_bytes(7)})
        assert small.status_code == 200
