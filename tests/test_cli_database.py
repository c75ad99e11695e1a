"""A database that cannot be opened is a one-line reason and exit 2, never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

EXIT_BAD_INPUT = 2


def gkaudit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "workers.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd, check=False)


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_reading_commands_do_not_create_a_database_at_a_mistyped_path(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such.db"
    for command in (["rank", "--format", "csv", "--out", str(tmp_path / "r.csv")], ["show", "abc"]):
        proc = gkaudit(*command, "--db", f"sqlite:///{missing}", cwd=tmp_path)
        assert proc.returncode == EXIT_BAD_INPUT, proc.stderr
        assert proc.stderr.strip() == f"gkaudit: no database at {missing} (gkaudit audit makes one)"
    assert not missing.parent.exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+psycopg://bob:hunter2@127.0.0.1:{port}/x", "postgresql+psycopg://bob:***@127.0.0.1:{port}/x"),
        ("nosuchdb://x", "nosuchdb://x: Can't load plugin"),
    ],
)
def test_an_unusable_database_url_is_named_with_its_password_hidden(tmp_path: Path, url: str, expected: str) -> None:
    port = closed_port()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    proc = gkaudit("audit", str(corpus), "--json", "--db", url.format(port=port), cwd=tmp_path)
    assert proc.returncode == EXIT_BAD_INPUT, proc.stderr
    assert proc.stderr.startswith(f"gkaudit: cannot open the database {expected.format(port=port)}")
    assert "hunter2" not in proc.stderr and "Traceback" not in proc.stderr


def test_audit_makes_the_folder_of_a_new_sqlite_database(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    db = tmp_path / "out" / "deeper" / "gkaudit.db"
    proc = gkaudit("audit", str(corpus), "--json", "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert db.is_file()
    assert proc.stdout.strip().endswith('"cached": 0}')
