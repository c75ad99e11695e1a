"""Corpus audits through the embedded default: no server, SQLite, local workers started by the runner."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from sqlalchemy import func, select

from corpus.generate import generate_report, render_text
from models.version import PIPELINE_VERSION
from tests.test_cli_bad_input import BAD_INPUTS
from workers.queue.files import REPORT_SUFFIXES, discover
from workers.queue.runner import run_audit
from workers.queue.settings import Settings
from workers.store import Audit, FindingRow, Result, session_scope

GOOD = 12


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Generated reports, a duplicate, and every bad input of the extraction issue, in one folder."""
    root = tmp_path_factory.mktemp("corpus")
    for i in range(GOOD):
        report = generate_report(random.Random(f"embedded:{i}"), i)
        (root / f"report_{i:02d}.txt").write_bytes(render_text(report).encode(report.style.text_encoding))
    (root / "copy_of_report_00.txt").write_bytes((root / "report_00.txt").read_bytes())
    bad = root / "bad"
    bad.mkdir()
    reasons = {}
    for case, (make, reason) in BAD_INPUTS.items():
        if case in ("directory", "missing path", "80 MB text"):
            continue
        path = make(bad)
        if path.suffix not in REPORT_SUFFIXES:  # a corrupt file still named like a report
            path = path.rename(path.with_suffix(".txt"))
        reasons[path.name] = reason
    (bad / "fake.pdf").write_bytes(b"%PDF-1.4 garbage")
    reasons["fake.pdf"] = "not a valid PDF"
    return root, reasons


def settings_for(tmp_path: Path) -> Settings:
    return Settings(state_dir=tmp_path / "state", workers=2, stall_seconds=10)


def test_a_file_named_twice_or_reached_through_a_link_is_found_once(tmp_path: Path) -> None:
    real = tmp_path / "real" / "2020"
    real.mkdir(parents=True)
    for name in ("a.txt", "b.pdf", ".hidden.txt", "notes.csv"):
        (real / name).write_text("x")
    (tmp_path / "linked").symlink_to(tmp_path / "real")  # the same folder under another name
    (real / "c.txt").symlink_to(real / "a.txt")  # a link to a file: the same file
    files = discover([tmp_path / "real", tmp_path / "linked" / "2020", real / "b.pdf", tmp_path / "none.txt"])
    assert [p.name for p in files] == ["a.txt", "b.pdf", "none.txt"]
    assert files[0] == real / "a.txt", "a file keeps the path it was first found by"


def test_bad_documents_fail_with_their_reason_and_the_rest_finish(corpus, tmp_path: Path) -> None:
    root, reasons = corpus
    settings = settings_for(tmp_path)
    files = discover([root, root / "missing.pdf"])
    summary = run_audit([root, root / "missing.pdf"], settings)
    assert summary.documents == len(files) == GOOD + 1 + len(reasons) + 1
    assert summary.done == GOOD + 1  # the duplicate file counts as a document …
    assert summary.failed == len(reasons) + 1
    with session_scope(settings.database_url()) as session:
        results = session.scalars(select(Result).where(Result.pipeline_version == PIPELINE_VERSION)).all()
        assert len(results) == GOOD + len(reasons) + 1  # … but has one result
        errors = {Path(r.path).name: r.error for r in results if r.status == "failed"}
        assert session.scalar(select(func.count()).select_from(FindingRow)) > 0
    for name, reason in reasons.items():
        assert reason in errors[name], (name, errors.get(name))
    assert errors["missing.pdf"] == "file not found"

    again = run_audit([root, root / "missing.pdf"], settings)
    assert (again.documents, again.cached, again.done, again.failed) == (
        summary.documents,
        summary.documents,
        summary.done,
        summary.failed,
    )
    with session_scope(settings.database_url()) as session:
        assert session.scalar(select(func.count()).select_from(Result)) == len(results)


def test_cli_audit_json_summary(corpus, tmp_path: Path) -> None:
    root, _ = corpus
    env = {"GKAUDIT_STATE_DIR": str(tmp_path / "state"), "PATH": "/usr/bin:/bin"}
    args = [
        sys.executable,
        "-m",
        "workers.cli",
        "audit",
        str(root / "report_01.txt"),
        str(root / "report_02.txt"),
        "--json",
    ]
    first = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout.strip().splitlines()[-1]) == {
        "audit": 1,
        "documents": 2,
        "done": 2,
        "failed": 0,
        "cached": 0,
    }
    second = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert json.loads(second.stdout.strip().splitlines()[-1])["cached"] == 2
    show = subprocess.run(
        [sys.executable, "-m", "workers.cli", "show", str(root / "report_01.txt")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert show.returncode == 0, show.stderr
    assert "年度报告" in show.stdout


def test_cli_audit_progress_shows_the_rate_over_the_run(corpus, tmp_path: Path) -> None:
    """The bar's documents per second is what finished over the time the audit has run: at most the documents
    over the span from the audit's start to its last result (it once divided by the time since the last poll)."""
    root, _ = corpus
    env = {"GKAUDIT_STATE_DIR": str(tmp_path / "state"), "PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    args = [sys.executable, "-m", "workers.cli", "audit", str(root / "report_03.txt"), str(root / "report_04.txt")]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    rates = [float(rate) for rate in re.findall(r"([\d.]+) 份/秒", proc.stdout + proc.stderr)]
    assert rates, proc.stdout + proc.stderr
    with session_scope(Settings(state_dir=tmp_path / "state").database_url()) as session:
        audit_started = session.scalar(select(Audit.created_at))
        last_result = session.scalar(select(func.max(Result.created_at)))
    span = (last_result - audit_started).total_seconds()
    assert 0 < rates[-1] <= 2 / span + 0.05  # the bar rounds to a tenth


def test_the_runner_imports_no_pipeline() -> None:
    """``gkaudit audit`` starts its local worker before it imports the pipeline (spaCy, jieba, the classifier:
    seconds), so that the worker's start overlaps the runner's: importing the runner imports none of it."""
    heavy = ("spacy", "sklearn", "datasketch", "scipy", "models.stages", "workers.queue.tasks")
    code = f"import sys, workers.queue.runner; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_worker_starts_before_the_files_are_hashed_and_a_cached_rerun_stops_it(
    corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workers.queue.runner as runner

    events: list[str] = []
    started: list[subprocess.Popen[bytes]] = []
    real_start, real_hash = runner.start_local_worker, runner.hash_file

    def start(*args, **kwargs):
        events.append("worker")
        started.append(real_start(*args, **kwargs))
        return started[-1]

    def hashed(path):
        events.append("hash")
        return real_hash(path)

    monkeypatch.setattr(runner, "start_local_worker", start)
    monkeypatch.setattr(runner, "hash_file", hashed)
    root, _ = corpus
    settings = settings_for(tmp_path)
    first = run_audit([root / "report_00.txt", root / "report_01.txt"], settings)
    assert first.done == 2
    assert events[0] == "worker" and events.count("hash") == 2
    events.clear()
    again = run_audit([root / "report_00.txt", root / "report_01.txt"], settings)
    assert (again.done, again.cached) == (2, 2)
    assert events[0] == "worker"
    assert all(proc.poll() is not None for proc in started), "the worker started for nothing is stopped"


def test_the_worker_preloads_the_pipeline_before_its_pool_forks() -> None:
    """The warm-up report is audited in the worker's main process (Celery's worker_init, before the fork)."""
    from celery import signals

    from models.stages import audit_bytes
    from workers.queue.tasks import WARM_UP_REPORT, preload

    receivers = [r() if isinstance(r, weakref.ref) else r for _, r in signals.worker_init.receivers]
    assert preload in receivers
    outcome = audit_bytes(WARM_UP_REPORT.encode(), "warm-up.txt")
    assert outcome.status == "done", outcome.error


def test_the_runner_records_no_failures_without_importing_the_pipeline(tmp_path: Path) -> None:
    """An audit whose every file was readable stores no failure in the runner, and imports nothing for one
    (``workers.audit.rows`` imports the pipeline: some 60 MiB and half a second of the runner's)."""
    url = f"sqlite:///{tmp_path / 'none.db'}"
    code = (
        f"import sys, workers.queue.runner as r; r.record_failures({url!r}, []);"
        "print([m for m in ('spacy', 'workers.audit.rows', 'models.stages') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_worker_runs_as_celery_worker_ran_without_its_command_line() -> None:
    """``worker_command`` runs ``workers.queue.local`` (app.Worker, as ``celery worker`` builds it) with the
    options the command line gave it; Celery's command line (click_repl, prompt_toolkit) is not imported."""
    from workers.queue.local import worker_command, worker_options

    command = worker_command(3, "gkaudit-x", "q1")
    assert command[1:3] == ["-m", "workers.queue.local"]
    assert worker_options(command[3:]) == {
        "pool_cls": "prefork",
        "loglevel": "WARNING",
        "without_gossip": True,
        "without_mingle": True,
        "without_heartbeat": True,
        "quiet": True,
        "concurrency": 3,
        "queues": ["q1"],
        "hostname": "gkaudit-x@%h",
    }
    code = "import sys, workers.queue.local as l, workers.queue.tasks; print('click_repl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
