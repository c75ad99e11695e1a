"""schemathesis against the live server's own OpenAPI document: no 5xx, no response outside the schema.

Every check runs except ``positive_data_acceptance``: a schema-valid file is not
necessarily an annual report, so a 4xx for random bytes is the right answer, not a
failure.  The server is seeded with one checked report and its audit, and
schemathesis is told to use their ids half of the time (a dictionary binding), so
the 200 responses of the read endpoints are validated too, not only their 404s.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.test_api import LiveServer, report_bytes, start_server, stop_server

pytest.importorskip("schemathesis", reason="pip install schemathesis (a dev dependency)")

TOKEN = "schema-token-41d2"
MAX_EXAMPLES = 40
SEED = 20240601
RUN_TIMEOUT = 120
CHECKS = "all"
EXCLUDED_CHECKS = "positive_data_acceptance"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("schema"), api_token=TOKEN, max_running_audits=1)
    yield live
    stop_server(live)


def seed_data(server: LiveServer) -> tuple[str, int]:
    """A checked report's content hash and the id of the audit it is in."""
    with server.client() as client:
        response = client.post("/v1/check", files={"file": report_bytes(30)})
        assert response.status_code == 200, response.text
        digest = response.headers["X-Document-Id"]
        return digest, client.get(f"/v1/documents/{digest}").json()["audits"][0]


def config(digest: str, audit_id: int) -> str:
    return f"""
[dictionaries.documents]
values = ["{digest}", "{digest[:12]}"]

[dictionaries.audits]
values = [{audit_id}]

[parameters]
"path.doc_id" = {{ dictionary = "documents", probability = 0.5 }}
"path.audit_id" = {{ dictionary = "audits", probability = 0.5 }}
"""


def st_command(server: LiveServer, config_file: Path) -> list[str]:
    st = Path(sys.executable).with_name("st")
    return [
        str(st) if st.exists() else shutil.which("st") or "st",
        "--config-file",
        str(config_file),
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        CHECKS,
        "--exclude-checks",
        EXCLUDED_CHECKS,
        "--header",
        f"Authorization: Bearer {TOKEN}",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--request-timeout",
        "30",
        # One worker: with two threads, CPython 3.11.7's ast.parse (hypothesis describing a filter) can fail with
        # "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905), an error of the
        # interpreter that schemathesis reports as a runtime error of the run.
        "--workers",
        "1",
        "--no-color",
    ]


def test_schemathesis_finds_no_server_error_and_no_schema_violation(server: LiveServer, tmp_path: Path) -> None:
    digest, audit_id = seed_data(server)
    config_file = tmp_path / "schemathesis.toml"
    config_file.write_text(config(digest, audit_id))
    proc = subprocess.run(
        st_command(server, config_file), cwd=tmp_path, capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    report = proc.stdout[-6000:] + proc.stderr[-2000:]
    print(report)
    assert proc.returncode == 0, report
    assert " passed" in proc.stdout and "failed" not in proc.stdout.split("SUMMARY")[-1]
    log = server.log.read_text(errors="replace")
    assert '" 500 ' not in log and "Traceback" not in log, server.log_tail(80)
    assert httpx.get(f"{server.url}/healthz").status_code == 200
