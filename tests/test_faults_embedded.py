"""Issue 21's faults of the embedded audit, each on a real ``gkaudit audit`` process with its local worker.

- SIGTERM (``kill``, systemd, ``docker stop``) is taken like Ctrl-C: the CLI
  stops its local worker and the worker's pool on the way out, and says how to
  go on; it used to die at once and leave them running under PID 1.  The pool
  processes run with their address space capped, like the API's check processes.
- A second embedded audit in the same state folder stops at once with the
  reason; it used to empty the first one's queue and take its messages away.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TypeVar

import pytest

from tests.services import write_corpus
from workers.queue.local import stop_worker

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 180.0  # the CLI's imports, the model, the worker's start: slow on a loaded machine
STOP_TIMEOUT = 60.0
CAP_TIMEOUT = 60.0  # the cap is set as a pool process starts, before it loads anything
T = TypeVar("T")
WORKERS_SEEN: set[int] = set()  # every local worker found: an orphan is killed too (its own process group)


def wait_for(condition: Callable[[], T | None], timeout: float, what: str) -> T:
    """``condition()``'s first true value, polled; a TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s")


def children(pid: int) -> list[int]:
    found: list[int] = []
    with suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def address_space_limit(pid: int) -> str:
    """The soft limit as /proc shows it: bytes, "unlimited", or "gone" once the process is."""
    try:
        lines = Path(f"/proc/{pid}/limits").read_text().splitlines()
    except OSError:
        return "gone"
    return next((line.split()[3] for line in lines if line.startswith("Max address space")), "unknown")


def cli_env(state: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKAUDIT_")}
    return env | {"GKAUDIT_STATE_DIR": str(state), "GKAUDIT_STALL_SECONDS": "5"} | extra


def audit_command(corpus: Path, *options: str, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "workers.cli", "audit", str(corpus), "--json", f"--workers={workers}", *options]


@contextmanager
def cli_audit(
    corpus: Path, env: dict[str, str], *options: str, stderr: IO[str] | int = subprocess.PIPE, workers: int = 2
) -> Iterator[subprocess.Popen[str]]:
    """``gkaudit audit`` running; whatever it and the workers :func:`local_worker` found left is SIGKILLed."""
    proc = subprocess.Popen(
        audit_command(corpus, *options, workers=workers),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        WORKERS_SEEN.update(children(proc.pid))
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in WORKERS_SEEN:  # a worker runs in a session (and process group) of its own
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        proc.communicate(timeout=STOP_TIMEOUT)


def local_worker(cli_pid: int, pool: int) -> tuple[int, list[int]] | None:
    """The CLI's worker and its pool processes, once it has ``pool`` of them."""
    for worker in children(cli_pid):
        WORKERS_SEEN.add(worker)
        kids = children(worker)
        if len(kids) >= pool:
            return worker, kids
    return None


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("faults-corpus")
    write_corpus(root, 150, "faults-embedded")
    return root


def test_sigterm_stops_the_audit_and_its_local_worker_with_its_pool(corpus: Path, tmp_path: Path) -> None:
    with cli_audit(corpus, cli_env(tmp_path / "state")) as proc:
        worker, pool = wait_for(lambda: local_worker(proc.pid, 2), START_TIMEOUT, "the local worker's pool")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=STOP_TIMEOUT)
        survivors = [p for p in (worker, *pool) if running(p)]
        assert not survivors, f"left running after the CLI exited ({proc.returncode}): {survivors}"
        assert proc.returncode == 128 + signal.SIGTERM, err
        assert "stopped by SIGTERM; run the same command again" in err, err
        assert "Traceback" not in err, err


def capped(pids: list[int]) -> list[int] | None:
    """Each process's address-space limit in bytes, once every one has one."""
    limits = [address_space_limit(p) for p in pids]
    return [int(limit) for limit in limits] if all(limit.isdigit() for limit in limits) else None


def test_the_local_worker_pool_processes_run_with_a_memory_cap(corpus: Path, tmp_path: Path) -> None:
    cap = 3 << 30
    env = cli_env(tmp_path / "state", GKAUDIT_WORKER_MEMORY_BYTES=str(cap))
    with cli_audit(corpus, env) as proc:
        _, pool = wait_for(lambda: local_worker(proc.pid, 2), START_TIMEOUT, "the local worker's pool")
        limits = wait_for(lambda: capped(pool), CAP_TIMEOUT, f"an address-space cap on each of {pool}")
    assert limits == [cap] * len(pool), limits


def queued_messages(state: Path) -> int:
    folder = state / "queue" / "in"
    return sum(1 for _ in folder.glob("*.msg")) if folder.exists() else 0


@contextmanager
def embedded_worker(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """``gkaudit worker`` on the embedded queue of ``env``'s state folder; stopped (its group killed) at the end."""
    command = [sys.executable, "-m", "workers.cli", "worker", "--concurrency=2"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        yield proc
    finally:
        stop_worker(proc)
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def test_a_second_embedded_audit_in_the_same_state_folder_stops_with_the_reason(corpus: Path, tmp_path: Path) -> None:
    """The first audit runs without local workers (``--workers=0``: its documents wait in its queue for a
    ``gkaudit worker``), so it is surely in flight when the second starts, however fast the machine."""
    state = tmp_path / "state"
    other = tmp_path / "other"
    write_corpus(other, 5, "faults-embedded-second")
    with cli_audit(corpus, cli_env(state), workers=0) as first:
        wait_for(lambda: queued_messages(state) or None, START_TIMEOUT, "the first audit's queued messages")
        second = subprocess.run(
            audit_command(other), cwd=ROOT, env=cli_env(state), capture_output=True, text=True, timeout=300
        )
        with embedded_worker(cli_env(state)):
            out, err = first.communicate(timeout=300)
    assert second.returncode == 2, (second.returncode, second.stdout, second.stderr)
    assert "another gkaudit audit" in second.stderr and str(state) in second.stderr, second.stderr
    assert "Traceback" not in second.stderr, second.stderr
    assert first.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert (summary["documents"], summary["done"], summary["failed"]) == (150, 150, 0), summary


def test_a_local_worker_that_stops_mid_audit_is_replaced(corpus: Path, tmp_path: Path) -> None:
    """The local worker ended under the audit (Celery's Redis transport ends a worker when the broker drops a
    connection during an ack; here SIGKILL of its whole process group): the runner starts another, says so,
    and every document ends with its result, once."""
    err_path = tmp_path / "stderr.txt"
    with err_path.open("w") as err, cli_audit(corpus, cli_env(tmp_path / "state"), stderr=err) as proc:
        worker, _ = wait_for(lambda: local_worker(proc.pid, 2), START_TIMEOUT, "the local worker and its pool")
        os.killpg(worker, signal.SIGKILL)
        out, _ = proc.communicate(timeout=START_TIMEOUT + STOP_TIMEOUT)
    told = err_path.read_text()
    assert proc.returncode == 0, told
    assert "the local worker stopped" in told and "starting another" in told and "Traceback" not in told, told
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["documents"] == summary["done"] == 150, summary
