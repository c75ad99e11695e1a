"""``gkaudit audit`` starts its local worker first (issue 22): with its state folder held, before it imports the
runner, the content store, SQLAlchemy or Celery and before it opens the database, so the worker's start (the
pipeline's import and load: most of an audit's fixed start) runs beside all of that.  A worker started for an
audit that then cannot run (a database that does not open) is stopped, and two audits still cannot share a
state folder: the second starts no worker."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.generate import generate_report, render_text
from workers.queue.local import state_folder_lock

ROOT = Path(__file__).resolve().parents[1]
# What is imported when the worker is started: nothing of these may be.
HEAVY = ("workers.blobs", "workers.queue.runner", "workers.store", "sqlalchemy", "celery", "models.artifact")
# Runs the CLI as ``python -m workers.cli`` does, and prints, as the local worker is started, its pid and which
# of HEAVY were imported by then.
PROBE = f"""
import runpy, sys
import workers.queue.local as local
real = local.start_local_worker
def start(*args, **kwargs):
    proc = real(*args, **kwargs)
    print("WORKER", proc.pid, [m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr, flush=True)
    return proc
local.start_local_worker = start
sys.argv = ["gkaudit", *sys.argv[1:]]
runpy.run_module("workers.cli", run_name="__main__")
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("start-corpus")
    for i in range(3):
        report = generate_report(random.Random(f"audit-start:{i}"), i)
        (root / f"report_{i}.txt").write_bytes(render_text(report).encode(report.style.text_encoding))
    return root


def probe(state: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[tuple[int, list[str]]]]:
    """The CLI run with :data:`PROBE`; its run and the (pid, heavy modules imported) of each worker started."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKAUDIT_")}
    env["GKAUDIT_STATE_DIR"] = str(state)
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    started = []
    for line in run.stderr.splitlines():
        if line.startswith("WORKER "):
            _, pid, imported = line.split(" ", 2)
            started.append((int(pid), json.loads(imported.replace("'", '"'))))
    return run, started


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_worker_starts_before_the_runner_and_the_content_store_are_imported(corpus: Path, tmp_path: Path) -> None:
    run, started = probe(tmp_path / "state", "audit", str(corpus), "--workers=1", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[-1])["done"] == 3
    [(pid, imported)] = started
    assert imported == [], f"imported before the worker's start: {imported}"
    assert gone(pid), "the local worker is stopped at the end"


def test_a_worker_started_for_an_audit_that_cannot_open_its_database_is_stopped(corpus: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the database's folder should be")
    db = f"sqlite:///{blocked / 'gkaudit.db'}"
    run, started = probe(tmp_path / "state", "audit", str(corpus), "--workers=1", "--json", "--db", db)
    assert run.returncode == 2, run.stderr
    assert "cannot open the database" in run.stderr
    [(pid, _)] = started
    assert gone(pid), "the worker started before the database was opened is stopped"


def test_a_second_audit_in_a_held_state_folder_starts_no_worker(corpus: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    with state_folder_lock(state):  # as the first audit holds it
        run, started = probe(state, "audit", str(corpus), "--workers=1", "--json")
    assert run.returncode == 2
    assert "another gkaudit audit" in run.stderr, run.stderr
    assert started == []


def test_the_worker_environment_names_the_content_store_as_workers_blobs_reads_it() -> None:
    from workers import blobs
    from workers.queue import local

    assert local.BLOB_URL_ENV == blobs.BLOB_URL_ENV
