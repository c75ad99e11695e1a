"""Corpus audit throughput through the queue, with 1 and 2 workers, next to the pure function's own time.

    python bench/queue_bench.py [--documents 1000] [--repeats 3] [--backend embedded] [--workers 1]

Documents: generated reports as text files (fixed seeds, each a distinct
content), a fresh set for every timed run: neither this process nor a worker
has seen them before, so no cache (the completeness elements are cached per
section text) favours either side.  Pure time: :func:`models.stages.audit_bytes`
over the same bytes in this process (jieba and spaCy loaded beforehand), and
for N workers also in a pool of N processes forked from it (the wall time the
machine needs to run the pure function N-wide: two processes on two cores are
often each slower than one alone, which is the machine, not the queue); both
passes right before each timed queue run, so that a noisy neighbour slows all
alike, and the N-wide pass once more right after it over as many other new
documents: the baseline is the mean of the two, so that a machine whose speed
drifts at a steady pace during the run (seen here: ±20 % within minutes) moves
the baseline with it.

Queue time: ``run_audit(paths, settings, workers=0)`` against one ``celery
worker`` started beforehand with ``--concurrency`` 1 or 2 (what ``gkaudit
audit --workers N`` starts), once it answers a ping and has audited a few
warm-up documents (each pool child has loaded its models and its database
engine): worker start-up is not timed.  Results are deleted before each run so
that every run audits every document.  Backends: the embedded default
(filesystem transport, SQLite), Redis with SQLite when Redis answers, and Redis
with PostgreSQL when both answer (to tell the SQLite write lock from the rest).

    overhead = (wall time − corpus checks − pure wall time in as many processes) / the latter

per run, then the median; beside it the same against the one-process pure time
(× workers), as earlier versions of this bench reported it.  The corpus
checks (GK601/GK602, run once every document has its result) are a stage of
the audit, not a cost of the queue: they are timed apart, as the runner runs
them, and shown beside it, with the overhead they would add.  The same overhead is also
shown against ``audit_bytes`` as timed inside the workers during the run, in
wall time and in the CPU time of its thread:

    overhead (in-worker CPU) = ((wall − corpus checks) × workers − Σ audit_bytes CPU) / Σ audit_bytes CPU

Both sides are timed at once, so a drift in the machine's speed moves them
alike (seen here: three runs of one configuration, with no stolen time, read
−2 %, 21 % and 23 % by the paired pass and 14 %, 15 % and 18 % by this one);
the CPU time leaves out what preempted ``audit_bytes`` in a worker, so the
queue's own processes competing for the cores count as overhead.  Blind only
to ``audit_bytes`` costing more CPU in a worker than alone: its CPU time per
document in the pure pass is shown beside the workers'.  Goals: 2 workers ≥
1.7× one; overhead ≤ 15 %, judged on the in-worker CPU measure, the paired
pass's verdict beside it.  Then where the time goes: the span from
the first to the last stored result and the runner's share outside it; the CPU
per document of the celery main process, of its pool children (of which
``audit_bytes``: the results' ``seconds``), of the runner (this process) and of
the Redis and PostgreSQL servers; each run's overhead and drift, and the whole machine's idle
and stolen time during it and its pure passes (this machine is a virtual one: time the hypervisor gives to
another guest slows a run for reasons that are not the queue's); and storing results
timed alone in this process, one document a transaction and one batch a transaction.
"""

from __future__ import annotations

import argparse
import multiprocessing
import operator
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any, TypeVar

import redis
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for tests.services: the reachability checks and worker helpers

from benchlib import print_table  # noqa: E402

import workers.audit.corpus_checks as corpus_checks_module  # noqa: E402
from extractor.nlp.pipeline import get_nlp  # noqa: E402
from models.stages import audit_bytes  # noqa: E402
from models.version import PIPELINE_VERSION  # noqa: E402
from tests.services import (  # noqa: E402
    POSTGRES,
    REDIS,
    Worker,
    postgres_database,
    redis_database,
    start_worker,
    stop_workers,
    unreachable,
    wait_ready,
    write_corpus,
)
from workers.audit.rows import claim_rows, finding_rows, result_row  # noqa: E402
from workers.queue.runner import run_audit  # noqa: E402
from workers.queue.settings import Settings  # noqa: E402
from workers.queue.tasks import make_app  # noqa: E402
from workers.store import ClaimRow, FindingRow, Result, content_hash, session_scope, store_results  # noqa: E402

DOCUMENTS = 1000  # as many as the kill test: the audit's own start and end spread over a corpus
REPEATS = 3
WARM_DOCUMENTS = 8
SEED = "queue-bench"
PURE_CHUNK = 8  # documents handed to a pool process at a time in the parallel pure pass
SPEEDUP_GOAL = 1.7
OVERHEAD_GOAL = 0.15
WORKER_COUNTS = (1, 2)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
Files = list[tuple[str, bytes]]

HEADER = ("backend", "workers", "docs", "wall s", "doc/s", "ms/doc", "pure ms/doc", "pure N-wide s", "pure drift")
HEADER += ("pure speedup",)
HEADER += ("speedup", "drift-corrected speedup", "corpus checks ms/doc", "overhead ms/doc", "overhead %")
HEADER += ("with corpus checks %", "vs 1-process pure %", "vs in-worker audit %", "vs in-worker audit CPU %")
HEADER += ("speedup >= 1.7", "overhead <= 15%", "paired pass <= 15%")
WHERE_HEADER = ("backend", "workers", "before 1st result s", "1st→last s", "after last s")
WHERE_HEADER += ("1st→last × workers ms/doc", "audit_bytes in worker ms/doc", "rest of a task ms/doc")
WHERE_HEADER += ("audit_bytes CPU in worker ms/doc", "audit_bytes CPU in the pure pass ms/doc")
CPU_HEADER = ("backend", "workers", "celery main", "pool children", "of which audit_bytes", "runner", "Redis")
CPU_HEADER += ("PostgreSQL", "CPU total", "CPU total / 2 cores", "wall", "queue CPU / audit_bytes")
MACHINE_HEADER = ("backend", "workers", "wall s", "overhead %", "pure drift %", "vs in-worker audit CPU %")
MACHINE_HEADER += ("idle % in the run",)
MACHINE_HEADER += ("steal % in the run", "steal % in the pure passes")


# ---- backends ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backend:
    name: str
    settings: Callable[[Path], AbstractContextManager[Settings]]


@contextmanager
def embedded(state_dir: Path) -> Iterator[Settings]:
    yield Settings(state_dir=state_dir)


@contextmanager
def redis_sqlite(state_dir: Path) -> Iterator[Settings]:
    with redis_database() as broker:
        yield Settings(broker_url=broker, state_dir=state_dir)


@contextmanager
def redis_postgres(state_dir: Path) -> Iterator[Settings]:
    with redis_database() as broker, postgres_database("gkaudit_bench") as db_url:
        yield Settings(broker_url=broker, db_url=db_url, state_dir=state_dir)


def backends() -> list[Backend]:
    found = [Backend("embedded (filesystem + SQLite)", embedded)]
    if (why := unreachable(REDIS)) is not None:
        print(f"Redis not reachable ({why}): Redis rows left out")
        return found
    found.append(Backend("Redis + SQLite", redis_sqlite))
    if (why := unreachable(POSTGRES)) is not None:
        print(f"PostgreSQL not reachable ({why}): the Redis + PostgreSQL row left out")
        return found
    found.append(Backend("Redis + PostgreSQL", redis_postgres))
    return found


# ---- CPU accounting ------------------------------------------------------------------------

Counters = TypeVar("Counters")


def fieldwise(op: Callable[[Any, Any], Any], mine: Counters, theirs: Counters) -> Counters:
    """A dataclass of counters combined field by field (two readings subtracted, two spans added)."""
    return type(mine)(*(op(a, b) for a, b in zip(astuple(mine), astuple(theirs), strict=True)))


@dataclass(frozen=True)
class Cpu:
    """CPU seconds so far: the worker's main process, its pool children, this process, Redis, PostgreSQL."""

    main: float
    children: float
    runner: float
    redis: float
    postgres: float

    def __sub__(self, other: Cpu) -> Cpu:
        return fieldwise(operator.sub, self, other)

    def total(self) -> float:
        return sum(astuple(self))


def _stat(pid: str) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def worker_cpu(pgid: int) -> tuple[float, float]:
    """(main, children) CPU seconds of a worker's process group; reaped children count for the main's."""
    main = children = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        fields = _stat(pid)
        if fields is None or int(fields[2]) != pgid:  # fields[2]: the process group
            continue
        utime, stime, cutime, cstime = (int(v) / CLOCK_TICKS for v in fields[11:15])
        if int(pid) == pgid:
            main += utime + stime
            children += cutime + cstime
        else:
            children += utime + stime
    return main, children


def redis_cpu(settings: Settings) -> float:
    if not settings.broker_url or not settings.broker_url.startswith("redis"):
        return 0.0
    client = redis.Redis.from_url(settings.broker_url)
    try:
        info = client.info("cpu")
    finally:
        client.close()
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def postgres_cpu(settings: Settings) -> float:
    """The PostgreSQL server's CPU seconds: its processes by name, ended backends through the postmaster's reaped
    children (a local server, as the integration tests use)."""
    if not settings.database_url().startswith("postgresql"):
        return 0.0
    seconds = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        if name == "postgres" and (fields := _stat(pid)) is not None:
            seconds += sum(int(v) for v in fields[11:15]) / CLOCK_TICKS
    return seconds


@dataclass(frozen=True)
class Machine:
    """The machine's CPU time by state so far, in clock ticks summed over its cores (``/proc/stat``).

    Steal: time the hypervisor gave this virtual machine's cores to another guest.  It
    slows whatever runs at the time, so a run with much of it is slower for reasons
    that are not the queue's.
    """

    busy: int
    idle: int
    steal: int

    def __sub__(self, other: Machine) -> Machine:
        return fieldwise(operator.sub, self, other)

    def __add__(self, other: Machine) -> Machine:
        return fieldwise(operator.add, self, other)

    def share(self, ticks: int) -> float:
        return ticks / max(1, sum(astuple(self)))


def machine_times() -> Machine:
    """/proc/stat's first line: user nice system idle iowait irq softirq steal … (ticks, all cores)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    return Machine(user + nice + system + irq + softirq, idle + iowait, steal)


def read_cpu(worker: Worker, settings: Settings) -> Cpu:
    main, children = worker_cpu(worker.proc.pid)
    return Cpu(main, children, time.process_time(), redis_cpu(settings), postgres_cpu(settings))


# ---- timings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One timed queue run with its paired pure pass, split at the first and the last stored result."""

    pure: float
    pure_cpu: float  # the thread's CPU time in that pass
    pure_before: float  # the same pure pass in as many processes as the worker has, wall seconds, right before
    pure_after: float  # ... and right after the run, over as many other new documents
    wall: float
    before_first: float
    span: float
    after_last: float
    worker_audit: float  # sum of the results' audit_bytes seconds, measured in the workers
    worker_audit_cpu: float  # ... and their CPU seconds: less what preempted audit_bytes in a worker
    cpu: Cpu
    corpus_checks: float  # GK6xx across the audit's documents, once all have a result: not the queue
    machine: Machine  # the whole machine during the queue run
    pure_machine: Machine  # ... and during the pure passes before and after it

    @property
    def pure_parallel(self) -> float:
        """The pure function N-wide, bracketing the run: a machine drifting at a steady pace drifts out."""
        return (self.pure_before + self.pure_after) / 2

    @property
    def drift(self) -> float:
        return self.pure_after / self.pure_before - 1


@dataclass(frozen=True)
class Measured:
    backend: str
    workers: int
    documents: int
    runs: list[Run]

    def median(self, value: Callable[[Run], float]) -> float:
        return statistics.median(value(run) for run in self.runs)

    def queue_wall(self, run: Run, with_corpus_checks: bool = False) -> float:
        """The run's wall time; the corpus checks (GK6xx, once every document has its result: a stage of
        the audit, not a cost of the queue) left out unless asked."""
        return run.wall if with_corpus_checks else run.wall - run.corpus_checks

    def overhead(self, run: Run) -> float:
        """Seconds per document beyond the pure function run as wide, all workers' time counted."""
        return (self.queue_wall(run) - run.pure_parallel) * self.workers / self.documents

    def overhead_share(self, run: Run, with_corpus_checks: bool = False) -> float:
        return self.queue_wall(run, with_corpus_checks) / run.pure_parallel - 1

    def slowness(self, run: Run) -> float:
        """The run's wall time in units of its paired one-process pure pass: how the machine ran at the time."""
        return self.queue_wall(run) / run.pure

    def one_process_share(self, run: Run) -> float:
        """Against the pure function in one process: blind to how much slower each of N processes runs."""
        return self.queue_wall(run) * self.workers / run.pure - 1

    def in_worker_share(self, run: Run) -> float:
        """The overhead against audit_bytes as timed inside the workers in the same run.

        Steadier than the paired pass on a machine whose speed drifts, but blind to
        anything that slows audit_bytes itself inside a worker.
        """
        return self.over_in_worker(run, run.worker_audit)

    def in_worker_cpu_share(self, run: Run) -> float:
        """The overhead against audit_bytes's CPU time inside the workers in the same run.

        Both sides timed at once, on the machine as it ran then: a drift in its speed moves both alike.  The
        CPU time leaves out what another process ran while audit_bytes waited for a core (the queue's own
        processes on a machine with as many cores as workers): that counts as overhead here, where the
        in-worker wall time hid it.  Blind only to audit_bytes costing more CPU in a worker than alone,
        which the pure pass's CPU time per document, beside it in the second table, would show.
        """
        return self.over_in_worker(run, run.worker_audit_cpu)

    def over_in_worker(self, run: Run, audited: float) -> float:
        """(The queue's wall time × workers − ``audited``, audit_bytes's seconds in the workers) / ``audited``."""
        return (self.queue_wall(run) * self.workers - audited) / audited


@dataclass
class Inputs:
    documents: int
    warm: list[Path]
    tmp: Path
    repeats: int
    pools: dict[int, Pool]  # processes → a pool of them, forked once jieba, spaCy and the model are loaded
    runs: int = 0

    def fresh_corpus(self) -> tuple[list[Path], Files]:
        """Documents no process of the bench has audited yet."""
        self.runs += 1
        corpus = write_corpus(self.tmp / f"run-{self.runs}", self.documents, f"{SEED}-{self.runs}")
        return corpus, [(str(p), p.read_bytes()) for p in corpus]


def audit_quietly(item: tuple[str, bytes]) -> None:
    """audit_bytes in a pool process, its outcome dropped (sending it back would be the bench's own cost)."""
    audit_bytes(item[1], item[0])


def time_pure_parallel(files: Files, pools: dict[int, Pool], processes: int) -> float:
    """Wall seconds of one pass of audit_bytes over every document in ``processes`` processes."""
    if processes == 1:
        return time_pure(files)
    start = time.perf_counter()
    for _ in pools[processes].imap_unordered(audit_quietly, files, chunksize=PURE_CHUNK):
        pass
    return time.perf_counter() - start


def start_pools(counts: Sequence[int], warm: Files) -> dict[int, Pool]:
    """A pool per worker count above one, each process warmed on the warm-up documents."""
    pools: dict[int, Pool] = {}
    for n in sorted({c for c in counts if c > 1}):
        pools[n] = multiprocessing.get_context("fork").Pool(n)
        pools[n].map(audit_quietly, warm * n, chunksize=1)
    return pools


def time_pure(files: Files) -> float:
    """Seconds of one pass of audit_bytes over every document, in this process."""
    start = time.perf_counter()
    for name, data in files:
        audit_bytes(data, name)
    return time.perf_counter() - start


def time_store(files: Files, db_url: str, batch: int) -> float:
    """Seconds per document stored (rows prepared beforehand), ``batch`` documents a transaction."""
    rows = []
    for name, data in files:
        outcome = audit_bytes(data, name)
        rows.append((result_row(outcome, content_hash(data)), finding_rows(outcome), claim_rows(outcome)))
    store_results(db_url, rows[:1])  # engine and tables
    clear_results(db_url)
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        store_results(db_url, rows[i : i + batch])
    return (time.perf_counter() - start) / len(rows)


def clear_results(db_url: str) -> None:
    with session_scope(db_url) as session:
        for table in (FindingRow, ClaimRow, Result):
            session.query(table).delete()


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Stamp:
    created: datetime
    seconds: float  # audit_bytes in the worker, wall
    cpu_seconds: float  # ... and the CPU time of its thread


def stored_stamps(db_url: str) -> list[Stamp]:
    columns = (Result.created_at, Result.seconds, Result.cpu_seconds)
    with session_scope(db_url) as session:
        rows = session.query(*columns).filter(Result.pipeline_version == PIPELINE_VERSION)
        return [Stamp(as_utc(created), seconds, cpu) for created, seconds, cpu in rows]


def timed_run(inputs: Inputs, settings: Settings, worker: Worker, processes: int) -> Run:
    db_url = settings.database_url()
    clear_results(db_url)
    corpus, files = inputs.fresh_corpus()
    machine_before_pure = machine_times()
    cpu_start = time.thread_time()
    pure = time_pure(files)
    pure_cpu = time.thread_time() - cpu_start
    pure_before = pure if processes == 1 else time_pure_parallel(files, inputs.pools, processes)
    cpu_before = read_cpu(worker, settings)
    machine_before = machine_times()
    started = datetime.now(UTC)
    with corpus_checks_timed() as corpus_checks:
        summary = run_audit(corpus, settings, workers=0, label="queue-bench")
    ended = datetime.now(UTC)
    machine = machine_times() - machine_before
    cpu = read_cpu(worker, settings) - cpu_before
    if summary.done != len(corpus):
        raise RuntimeError(f"{summary.done} of {len(corpus)} documents done: {summary}")
    stamps = stored_stamps(db_url)
    first, last = min(s.created for s in stamps), max(s.created for s in stamps)
    # Other new documents: this process and the pool's have seen these, and caches keyed by a section's text
    # would favour a second pass over them.
    after_files = inputs.fresh_corpus()[1]
    machine_before_after = machine_times()
    pure_after = time_pure_parallel(after_files, inputs.pools, processes)
    pure_machine = (machine_before - machine_before_pure) + (machine_times() - machine_before_after)
    return Run(
        pure=pure,
        pure_cpu=pure_cpu,
        pure_before=pure_before,
        pure_after=pure_after,
        wall=(ended - started).total_seconds(),
        before_first=(first - started).total_seconds(),
        span=(last - first).total_seconds(),
        after_last=(ended - last).total_seconds(),
        worker_audit=sum(s.seconds for s in stamps),
        worker_audit_cpu=sum(s.cpu_seconds for s in stamps),
        cpu=cpu,
        corpus_checks=sum(corpus_checks),
        machine=machine,
        pure_machine=pure_machine,
    )


@contextmanager
def corpus_checks_timed() -> Iterator[list[float]]:
    """The seconds of run_audit's own corpus checks, as they run.

    Timed again after the run instead, they came out between 0.08 s slower and 0.14 s faster than in it
    (1,000 documents on PostgreSQL): a difference the overhead, from which they are taken out, then absorbed.
    """
    seconds: list[float] = []

    def timed(session: Session, audit_id: int) -> int:
        start = time.perf_counter()
        try:
            return run_corpus_checks(session, audit_id)
        finally:
            seconds.append(time.perf_counter() - start)

    run_corpus_checks = corpus_checks_module.run_corpus_checks
    corpus_checks_module.run_corpus_checks = timed  # the runner imports it when the checks run
    try:
        yield seconds
    finally:
        corpus_checks_module.run_corpus_checks = run_corpus_checks


def measure(backend: Backend, workers: int, inputs: Inputs) -> Measured:
    state_dir = inputs.tmp / f"{backend.settings.__name__}-{workers}"
    with backend.settings(state_dir) as settings:
        name = f"bench-{state_dir.name}-{os.getpid()}"
        worker = start_worker(settings, name, inputs.tmp / "logs", concurrency=workers)
        app = make_app(settings)
        try:
            wait_ready(app, [worker])
            run_audit(inputs.warm, settings, workers=0, label="warm-up")
            runs = [timed_run(inputs, settings, worker, workers) for _ in range(inputs.repeats)]
        except BaseException:
            print(f"worker {worker.name} (exit {worker.proc.poll()}), its log:\n{worker.log_tail()}", file=sys.stderr)
            raise
        finally:
            stop_workers([worker])
            app.close()
    print(f"  {backend.name}, {workers} worker(s): {', '.join(f'{r.wall:.2f}' for r in runs)} s", flush=True)
    return Measured(backend.name, workers, inputs.documents, runs)


# ---- tables --------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.2f}"


def throughput_row(m: Measured, one_worker: Measured | None) -> list[str]:
    n = m.documents
    wall = m.median(lambda r: r.wall)
    share = m.median(m.overhead_share)
    speedup = one_worker.median(lambda r: r.wall) / wall if one_worker and m.workers > 1 else None
    # Each run's wall over the pure pass timed just before it: the 1- and 2-worker runs are minutes apart.
    corrected = one_worker.median(one_worker.slowness) / m.median(m.slowness) if speedup else None
    return [
        m.backend,
        str(m.workers),
        str(n),
        f"{wall:.2f}",
        f"{n / wall:.1f}",
        ms(wall / n),
        ms(m.median(lambda r: r.pure) / n),
        f"{m.median(lambda r: r.pure_parallel):.2f}",
        f"{100 * m.median(lambda r: r.drift):+.0f}%",
        f"{m.median(lambda r: r.pure / r.pure_before):.2f}×" if m.workers > 1 else "",
        f"{speedup:.2f}×" if speedup else "",
        f"{corrected:.2f}×" if corrected else "",
        ms(m.median(lambda r: r.corpus_checks) / n),
        ms(m.median(m.overhead)),
        f"{100 * share:.0f}%",
        f"{100 * m.median(lambda r: m.overhead_share(r, with_corpus_checks=True)):.0f}%",
        f"{100 * m.median(m.one_process_share):.0f}%",
        f"{100 * m.median(m.in_worker_share):.0f}%",
        f"{100 * m.median(m.in_worker_cpu_share):.0f}%",
        verdict(speedup >= SPEEDUP_GOAL) if speedup else "",
        verdict(m.median(m.in_worker_cpu_share) <= OVERHEAD_GOAL),
        verdict(share <= OVERHEAD_GOAL),
    ]


def where_row(m: Measured) -> list[str]:
    n = m.documents
    span_each = m.median(lambda r: r.span) * m.workers / n
    audit_each = m.median(lambda r: r.worker_audit) / n
    return [
        m.backend,
        str(m.workers),
        f"{m.median(lambda r: r.before_first):.2f}",
        f"{m.median(lambda r: r.span):.2f}",
        f"{m.median(lambda r: r.after_last):.2f}",
        ms(span_each),
        ms(audit_each),
        ms(span_each - audit_each),
        ms(m.median(lambda r: r.worker_audit_cpu) / n),
        ms(m.median(lambda r: r.pure_cpu) / n),
    ]


def cpu_row(m: Measured) -> list[str]:
    n = m.documents

    def each(value: Callable[[Run], float]) -> str:
        return ms(m.median(value) / n)

    def total(r: Run) -> float:
        return r.cpu.total()

    return [
        m.backend,
        str(m.workers),
        each(lambda r: r.cpu.main),
        each(lambda r: r.cpu.children),
        each(lambda r: r.worker_audit),
        each(lambda r: r.cpu.runner),
        each(lambda r: r.cpu.redis),
        each(lambda r: r.cpu.postgres),
        each(total),
        each(lambda r: total(r) / 2),
        each(lambda r: r.wall),
        f"{100 * m.median(lambda r: (total(r) - r.corpus_checks - r.worker_audit) / r.worker_audit):.0f}%",
    ]


def machine_row(m: Measured) -> list[str]:
    """Each run's figures beside its wall, run by run: the spread behind a median, and a run the machine slowed."""

    def each(value: Callable[[Run], float], form: str = "{:.0f}") -> str:
        return ", ".join(form.format(value(run)) for run in m.runs)

    return [
        m.backend,
        str(m.workers),
        each(lambda r: r.wall, "{:.2f}"),
        each(lambda r: 100 * m.overhead_share(r)),
        each(lambda r: 100 * r.drift, "{:+.0f}"),
        each(lambda r: 100 * m.in_worker_cpu_share(r)),
        each(lambda r: 100 * r.machine.share(r.machine.idle)),
        each(lambda r: 100 * r.machine.share(r.machine.steal)),
        each(lambda r: 100 * r.pure_machine.share(r.pure_machine.steal)),
    ]


def print_results(measured: list[Measured], repeats: int) -> None:
    ones = {m.backend: m for m in measured if m.workers == 1}
    title = f"Corpus audit through the queue (median of {repeats} runs; worker start-up and warm-up not timed)"
    print_table(title, HEADER, [throughput_row(m, ones.get(m.backend)) for m in measured])
    print("pure = audit_bytes in this process, right before each run; pure N-wide = the same in a pool of as many")
    print("processes as workers, the mean of a pass right before and one right after each run (other new documents)")
    print("pure drift = the pass after over the pass before − 1: how far the machine moved during the run")
    print("pure speedup = pure / pure N-wide before the run: what the machine gives two processes")
    print("overhead % = (wall − corpus checks) / pure N-wide − 1; overhead ms/doc = that difference × workers / docs")
    print("vs 1-process pure = (wall − corpus checks) × workers / pure − 1")
    print("drift-corrected speedup = the same ratio of walls, each wall (less corpus checks) over its run's pure pass")
    print(
        "corpus checks = GK601/GK602 across the audit once every document has its result (timed as run_audit runs them)"
    )
    print("vs in-worker audit = ((wall − corpus checks) × workers − audit_bytes as timed in the workers) / the latter")
    print("vs in-worker audit CPU = the same against audit_bytes's CPU time in the workers (its thread's): the")
    print("overhead the goal is judged on; paired pass = the verdict on overhead %, at the machine's drift's mercy")
    title = "Where the wall time goes (results' created_at and seconds; medians)"
    print_table(title, WHERE_HEADER, [where_row(m) for m in measured])
    print("rest of a task = 1st→last × workers / documents − audit_bytes in the worker: broker, pool, store_result")
    title = "CPU per document, ms (celery main: consumer and pool dispatch; runner: this process; medians)"
    print_table(title, CPU_HEADER, [cpu_row(m) for m in measured])
    print("queue CPU = CPU total − corpus checks − audit_bytes, all measured in the same run: steadier than wall")
    print("time on a noisy machine, whose speed drifts between the pure pass and the queue run")
    title = "Each run and the machine during it (/proc/stat, all cores; per run, not medians)"
    print_table(title, MACHINE_HEADER, [machine_row(m) for m in measured])
    print("overhead and pure drift as in the first table, run by run: how far one run's verdict can move")
    print("idle = cores with nothing to run (1 worker on 2 cores: about half); steal = cores the hypervisor gave to")
    print("another guest: a run with more steal than its pure passes was slowed by the machine, not by the queue")


def store_row(name: str, files: Files, db_url: str) -> list[str]:
    return [name, ms(time_store(files, db_url, 1)), ms(time_store(files, db_url, Settings().batch_size))]


def print_store(files: Files, tmp: Path) -> None:
    rows = [store_row("SQLite (WAL)", files, f"sqlite:///{tmp / 'store.db'}")]
    if unreachable(POSTGRES) is None:
        with postgres_database("gkaudit_bench") as url:
            rows.append(store_row("PostgreSQL", files, url))
    header = ("database", "ms/doc, 1 a transaction", f"ms/doc, {Settings().batch_size} a transaction (a batch)")
    print_table("Storing results alone, in this process", header, rows)


# ---- main ----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--backend", action="append", help="only backends whose name holds this (repeatable)")
    parser.add_argument("--workers", type=int, action="append", help="only these worker counts (repeatable)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    get_nlp()("预热")  # jieba and spaCy, as the workers' warm_up does
    with tempfile.TemporaryDirectory(prefix="gkaudit-queue-bench-") as name:
        tmp = Path(name)
        warm = write_corpus(tmp / "warm", WARM_DOCUMENTS, f"{SEED}-warm")
        warm_files = [(str(p), p.read_bytes()) for p in warm]
        time_pure(warm_files)  # first-call costs of the pure function
        counts = args.workers or WORKER_COUNTS
        pools = start_pools(counts, warm_files)  # forked before any database engine or broker client exists
        try:
            inputs = Inputs(args.documents, warm, tmp, args.repeats, pools)
            print(f"queue bench: {args.documents} documents, {args.repeats} runs each, each run on new documents")
            chosen = [b for b in backends() if not args.backend or any(w in b.name for w in args.backend)]
            measured = [measure(backend, n, inputs) for backend in chosen for n in counts]
        finally:
            for pool in pools.values():
                pool.terminate()
        print_results(measured, args.repeats)
        print_store(inputs.fresh_corpus()[1], tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
