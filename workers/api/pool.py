"""In-request checks: a few warm worker processes, each call bounded in time.

Why processes and not threads: the extractor's own wall-clock limit
(:mod:`extractor.timeouts`) is SIGALRM, which only fires in a process's main
thread, and a thread that loops in a hostile document can never be stopped.
Each child here runs :func:`models.stages.audit_bytes` in its main thread, so
the extractor's limit works there (set to ``check_timeout``), and the parent
waits ``check_timeout + KILL_GRACE`` seconds at most before it SIGKILLs the child
and forks a fresh one.  A killed or crashed child costs that one request only.

Why not the Celery queue for small files: a check takes 5–400 ms, while a round
trip through the queue and the database costs more than that (the embedded
transport polls every 50 ms) and needs a worker running; the queue takes the
large files instead (see ``inline_max_bytes`` in :mod:`workers.api.app`).

The children are forked from a ``forkserver`` that has imported the pipeline and
loaded jieba and spaCy once (:mod:`workers.api.warm`), so a child starts warm in
milliseconds and shares that memory copy-on-write; forking the server process
itself is avoided because it runs threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import resource
import signal
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess

from extractor.settings import Limits
from extractor.stages import Outcome

WARM_MODULE = "workers.api.warm"
KILL_GRACE = 2.0  # seconds after check_timeout before the child is killed
JOIN_SECONDS = 5.0


class CheckTimeout(Exception):
    """The child did not answer in time and was killed."""


class CheckCrashed(Exception):
    """The child died while checking (killed by the OS, out of memory, a crash in C code)."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"the checking process died (exit code {exitcode})")
        self.exitcode = exitcode


class PoolBusy(Exception):
    """Every child stayed busy for longer than the allowed wait."""


@dataclass(frozen=True)
class PoolConfig:
    size: int
    limits: Limits
    queue_wait: float  # seconds a request may wait for a free child
    memory_bytes: int  # address-space limit of each child; 0: none

    @property
    def hard_timeout(self) -> float:
        return self.limits.parse_timeout_seconds + KILL_GRACE


def child_main(conn: Connection, limits: Limits, memory_bytes: int) -> None:
    """A child's loop: receive (bytes, name), send back the Outcome; stop at EOF or None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on the server is the parent's business
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from models.stages import audit_bytes

    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        data, name = job
        conn.send(audit_bytes(data, name, limits))


class Slot:
    """One child process and the parent's end of its pipe; calls are serialised by the pool."""

    def __init__(self, ctx: ForkServerContext, config: PoolConfig) -> None:
        self._ctx = ctx
        self._config = config
        self.conn, self.proc = self._spawn()

    def _spawn(self) -> tuple[Connection, BaseProcess]:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=child_main, args=(child, self._config.limits, self._config.memory_bytes), daemon=True
        )
        proc.start()
        child.close()
        return parent, proc

    def call(self, data: bytes, name: str) -> Outcome:
        """Blocking (run it in a thread): the child's Outcome, or CheckTimeout / CheckCrashed."""
        try:
            self.conn.send((data, name))
            if not self.conn.poll(self._config.hard_timeout):
                self.restart()
                raise CheckTimeout
            return self.conn.recv()
        except (EOFError, OSError) as exc:
            exitcode = self.proc.exitcode
            self.restart()
            raise CheckCrashed(exitcode) from exc

    def restart(self) -> None:
        self.kill()
        self.conn, self.proc = self._spawn()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(JOIN_SECONDS)
        self.conn.close()

    def stop(self) -> None:
        """Ask the child to finish, then make sure it has."""
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.proc.join(1.0)
        self.kill()

    @property
    def alive(self) -> bool:
        return self.proc.is_alive()


class CheckPool:
    """``size`` warm children; :meth:`run` awaits one call without blocking the event loop."""

    def __init__(self, config: PoolConfig) -> None:
        self.config = config
        self._slots: list[Slot] = []
        self._idle: asyncio.Queue[Slot] = asyncio.Queue()
        self._threads = ThreadPoolExecutor(max(config.size, 1), thread_name_prefix="gkaudit-check")

    def start(self) -> None:
        """Start the fork server (it warms up once, about 3 s) and the children; blocking."""
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([WARM_MODULE])
        self._slots = [Slot(ctx, self.config) for _ in range(self.config.size)]
        for slot in self._slots:
            self._idle.put_nowait(slot)

    def close(self) -> None:
        for slot in self._slots:
            slot.stop()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def alive(self) -> int:
        return sum(slot.alive for slot in self._slots)

    async def run(self, data: bytes, name: str) -> Outcome:
        """The Outcome of ``audit_bytes(data, name)`` in a child; PoolBusy, CheckTimeout or CheckCrashed."""
        try:
            slot = await asyncio.wait_for(self._idle.get(), self.config.queue_wait)
        except TimeoutError:
            raise PoolBusy from None
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._threads, slot.call, data, name)
        # The slot goes back when the child has answered, even if this request was cancelled meanwhile.
        future.add_done_callback(lambda done: self._release(slot, done))
        return await asyncio.shield(future)

    def _release(self, slot: Slot, done: Future[Outcome] | asyncio.Future[Outcome]) -> None:
        if not done.cancelled():
            done.exception()  # retrieved here, so a cancelled request leaves no "never retrieved" warning
        self._idle.put_nowait(slot)
