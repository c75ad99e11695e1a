"""An embedded ``gkaudit audit`` at 1,000, 5,000 and 20,000 generated reports, and the same on Redis +
PostgreSQL (issue 22).

    python bench/audit_scale_bench.py [--sizes 1000,5000,20000] [--service-sizes 1000,5000] [--no-services]
                                      [--browser-size N]

The corpus: ``corpus.generate`` text reports (fixed seed; every text encoding the generator writes, no
DOCX/PDF/HTML: the bench measures how the audit grows with the corpus, not the loaders), generated
once into a temporary folder; each size audits the first N of them (hard links in a folder of its own).

Each audit is ``gkaudit audit FOLDER --workers 2 --json`` as a whole process, as a user runs it, with a
throwaway state folder (its embedded queue and SQLite).  While it runs, the process tree under it is
polled through ``/proc`` (each pid's ``VmHWM``, its peak resident memory): the runner, the Celery
worker's main process and its pool children.  Printed per size: documents/s over the whole process
and its ratio to the smallest size's (goal: within 10 %, flat: the issue's figure); the marginal rate
(the documents a size adds over the one before, over the seconds it adds: what each further document
costs, without the audit's fixed start and end); the seconds before the first result is stored (start,
hashing, queueing) and after the last one (the corpus checks, the workers' stop); the CPU milliseconds
per document of the worker's pool processes (each document's analysis, reading and storing, no process's
start: flat when it grows no more than 10 % above the smallest size's; CPU time, which what else the
machine runs moves less than wall time, though by some 10 % here), of it the analysis alone (the results'
own ``cpu_seconds``, summed by the database) and the rest as a share of it (reading, storing, the queue:
its share does not move with the machine's speed), and the runner's CPU seconds; the peak RSS of the runner
and of each worker process; the load average as each audit started (other work on the machine slows an
audit: compare sizes measured at the same load).  Below
the table, the fixed seconds and the per-document rate of a line through (documents, wall): an audit
whose start and end cost fixed seconds has a whole-process rate that grows with the corpus however flat
its per-document cost.

Then ``gkaudit rank`` of the largest store in HTML is opened in headless Chromium (playwright): the
time to load the page, and to apply a filter (goal: each within 2 s).

The services rows (when Redis and PostgreSQL answer, as ``tests/services.py`` finds them), each on a
Redis database and a PostgreSQL database of its own, at each of ``--service-sizes`` (default: the sizes up to
5,000; a cost that grows with the corpus on PostgreSQL alone shows only above the smallest): the same audit with
``--broker redis://…/N --db postgresql://…`` (it starts its own two local workers, as the embedded audit
does: their start is in its wall time), and the audit as deployed: ``gkaudit worker --broker …
--concurrency 2`` started and answering a ping before the clock starts, then ``gkaudit audit --broker …
--db …`` (no local workers) timed as a whole process, and the worker stopped after.  Beside them the pure
check rate of the same documents (``audit_bytes`` in a loop in this process, after a warm-up) measured in
the same run (once, on the smallest service size's documents).  Goal: the audit's rate >= 0.85 x (2 x the pure
rate).  Each row also prints the seconds after the last result (the corpus checks on PostgreSQL).
``--service-repeats N`` alternates the two kinds N times and prints each kind's median too (the host is noisy).

``bench/audit_start_bench.py`` alternates two checkouts on one size (an audit's fixed start, old and new).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for tests.services: the servers' reachability and throwaway databases

from benchlib import generate_corpus, print_table  # noqa: E402
from sqlalchemy import func  # noqa: E402

from models.version import PIPELINE_VERSION  # noqa: E402
from tests.services import POSTGRES, REDIS, postgres_database, redis_database, unreachable  # noqa: E402
from workers.store import Result, session_scope  # noqa: E402

# The CLI of the checkout this bench sits in (a worktree has no venv of its own; the venv's ``gkaudit`` entry point
# imports from wherever the venv was installed from): this interpreter, with the checkout first on the path.
GKAUDIT = [sys.executable, "-m", "workers.cli"]
SEED = 20240601
WORKERS = 2
FLAT_GOAL = 0.10  # each size's rate within 10 % of the smallest size's
SERVICE_GOAL = 0.85  # Redis + PostgreSQL: >= 0.85 x (workers x the pure rate)
BROWSER_GOAL_SECONDS = 2.0
POLL_SECONDS = 0.1  # the CPU seen at the last poll is what is counted: an audit's last results are stored
# a few tenths of a second before its workers are stopped
# The page marks the filter it has applied on its count line (#shown's data-q) once the table shows it.
FILTERED = "document.querySelector('#shown') && document.querySelector('#shown').dataset.q === '局'"


# ---- the process tree ------------------------------------------------------------------------


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _kib(value: str | None) -> int:
    return int(value.split()[0]) if value else 0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class ProcStat(NamedTuple):
    parent: int
    cpu_seconds: float  # user + system so far


def _proc_stats() -> dict[int, ProcStat]:
    """Each process's parent pid and CPU seconds, from one scan of /proc (no psutil)."""
    stats = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = ProcStat(int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return stats


def _role(pid: int, depth: int) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        cmdline = ""
    if depth == 0:
        return "runner"
    if depth == 1 and ("celery" in cmdline or "workers.queue.local" in cmdline):  # the worker, by either command
        return "worker main"
    return "pool child" if depth == 2 else f"depth {depth}"


@dataclass
class TreeWatch:
    """Polls the tree under one pid until stopped: each pid's role, the highest VmHWM seen and the CPU seconds
    it had used at the last poll (what a process uses in its last tenth of a second is not seen: the workers
    are idle then, the last result stored and the corpus checks running)."""

    root: int
    peaks: dict[int, tuple[str, int]] = field(default_factory=dict)  # pid -> (role, KiB)
    cpu: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds at the last poll
    _stop: threading.Event = field(default_factory=threading.Event)

    def poll(self) -> None:
        stats = _proc_stats()
        children: dict[int, list[int]] = {}
        for pid, stat in stats.items():
            children.setdefault(stat.parent, []).append(pid)
        frontier = [(self.root, 0)]
        while frontier:
            pid, depth = frontier.pop()
            hwm = _kib(_status(pid).get("VmHWM"))
            if hwm:
                role = self.peaks.get(pid, (_role(pid, depth), 0))[0]
                self.peaks[pid] = (role, max(hwm, self.peaks.get(pid, ("", 0))[1]))
            if pid in stats:
                self.cpu[pid] = stats[pid].cpu_seconds
            frontier.extend((child, depth + 1) for child in children.get(pid, []))

    def run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self.poll()

    def stop(self) -> None:
        self._stop.set()

    def peak(self, role: str) -> list[int]:
        """Peak RSS in MiB of each process of a role, largest first."""
        return sorted((kib // 1024 for r, kib in self.peaks.values() if r == role), reverse=True)

    def cpu_of(self, role: str) -> float:
        """CPU seconds of the processes of a role, together."""
        return sum(self.cpu.get(pid, 0.0) for pid, (r, _) in self.peaks.items() if r == role)


# ---- one audit ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audited:
    size: int
    label: str
    wall: float
    before_first: float  # seconds from the start to the first stored result
    after_last: float  # seconds from the last stored result to the end (the corpus checks, the workers' stop)
    done: int
    failed: int
    runner_mib: list[int]
    main_mib: list[int]
    child_mib: list[int]
    load: float = 0.0  # the machine's 1-minute load average as the audit started
    pool_cpu: float = 0.0  # CPU seconds of the worker's pool processes, together: the per-document work
    runner_cpu: float = 0.0  # CPU seconds of the runner
    analysis_cpu: float = 0.0  # CPU seconds in audit_bytes of the results stored, summed (their cpu_seconds)

    @property
    def rate(self) -> float:
        return self.size / self.wall

    @property
    def pool_ms(self) -> float:
        """CPU milliseconds per document of the pool processes: what each document costs the workers (its
        analysis, its reading and storing), without any process's start; flat when it does not grow with the
        corpus, and moved less than wall time by what else the machine runs."""
        return 1000 * self.pool_cpu / self.size

    @property
    def audit_rate(self) -> float:
        """Documents/s between the first and the last stored result."""
        return self.size / max(self.wall - self.before_first - self.after_last, 1e-9)


def link_first(corpus: list[Path], size: int, folder: Path) -> Path:
    """A folder holding the first ``size`` reports (hard links: no copy)."""
    folder.mkdir(parents=True)
    for path in corpus[:size]:
        os.link(path, folder / path.name)
    return folder


def result_stamps(db_url: str) -> tuple[datetime, datetime, float]:
    """When the first and the last result of this pipeline version were stored, and their CPU seconds in
    ``audit_bytes`` together."""
    with session_scope(db_url) as session:
        query = session.query(
            func.min(Result.created_at), func.max(Result.created_at), func.coalesce(func.sum(Result.cpu_seconds), 0)
        )
        first, last, analysis = query.filter(Result.pipeline_version == PIPELINE_VERSION).one()
    return as_utc(first), as_utc(last), float(analysis)


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives them back naive


def checkout_env(root: Path = ROOT) -> dict[str, str]:
    """This environment with the checkout first on PYTHONPATH (the runner's and its workers' imports); ``root``:
    another checkout's (``bench/audit_start_bench.py`` runs two, alternated)."""
    rest = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), *([rest] if rest else [])])}


def run_audit(
    folder: Path,
    state: Path,
    label: str,
    size: int,
    extra: list[str],
    db_url: str,
    root: Path = ROOT,
    workers: int | None = WORKERS,
) -> Audited:
    """``gkaudit audit FOLDER --json`` timed as a whole process, with ``--workers`` local workers (None: the
    option left out, so an audit on a broker starts none and the workers already up serve it)."""
    env = {**checkout_env(root), "GKAUDIT_STATE_DIR": str(state)}
    local = [] if workers is None else ["--workers", str(workers)]
    command = [*GKAUDIT, "audit", str(folder), *local, "--json", *extra]
    load = os.getloadavg()[0]
    started = datetime.now(UTC)
    start = time.perf_counter()
    # cwd: ``python -m`` puts the working folder first on the path, before PYTHONPATH
    proc = subprocess.Popen(command, env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watch = TreeWatch(proc.pid)
    poller = threading.Thread(target=watch.run, daemon=True)
    poller.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    watch.stop()
    poller.join()
    if proc.returncode != 0:
        raise RuntimeError(f"gkaudit audit exited {proc.returncode}: {err.decode(errors='replace')[-2000:]}")
    summary = json.loads(out.decode().strip().splitlines()[-1])
    first, last, analysis = result_stamps(db_url)
    return Audited(
        size=size,
        label=label,
        wall=wall,
        before_first=(first - started).total_seconds(),
        after_last=wall - (last - started).total_seconds(),
        done=summary["done"],
        failed=summary["failed"],
        runner_mib=watch.peak("runner"),
        main_mib=watch.peak("worker main"),
        child_mib=watch.peak("pool child"),
        load=load,
        pool_cpu=watch.cpu_of("pool child"),
        runner_cpu=watch.cpu_of("runner"),
        analysis_cpu=analysis,
    )


def embedded_audit(corpus: list[Path], size: int, tmp: Path, root: Path = ROOT) -> Audited:
    folder = link_first(corpus, size, tmp / f"docs-{size}")
    state = tmp / f"state-{size}"
    return run_audit(folder, state, "embedded", size, [], f"sqlite:///{state / 'gkaudit.db'}", root)


# ---- the pure check rate and the services row ----------------------------------------------------


def pure_rate(paths: list[Path]) -> float:
    """Documents/s of ``audit_bytes`` in a loop in this process, after a warm-up on a few of them."""
    from models.stages import audit_bytes

    files = [(p.name, p.read_bytes()) for p in paths]
    for name, data in files[:8]:
        audit_bytes(data, name)
    start = time.perf_counter()
    for name, data in files:
        audit_bytes(data, name)
    return len(files) / (time.perf_counter() - start)


@dataclass(frozen=True)
class Deployed:
    """An audit served by a worker already up (as deployed): the audit, the worker's peak RSS per process
    (main, pool children) and the seconds it took to answer a ping (before the clock started)."""

    audited: Audited
    worker_mib: list[int]
    ready: float


@dataclass(frozen=True)
class ServicesRows:
    """The services figures of one run: audits that start their own workers and audits served by a worker
    already up, alternated (``--service-repeats``), and the pure rate of the same documents."""

    own_workers: list[Audited]
    deployed: list[Deployed]
    pure: float


def services_audit(
    corpus: list[Path], size: int, tmp: Path, repeats: int = 1, root: Path = ROOT, pure: float | None = None
) -> ServicesRows | str:
    """The services rows of one size; ``pure``: the pure rate measured already (else on these documents)."""
    for service in (REDIS, POSTGRES):
        if (why := unreachable(service)) is not None:
            return f"{service.name} not reachable ({why})"
    folder = tmp / f"docs-{size}"
    if not folder.exists():
        link_first(corpus, size, folder)
    own, deployed = [], []
    for repeat in range(repeats):
        with redis_database() as broker, postgres_database("gkaudit_scale") as db_url:
            state, extra = tmp / f"state-services-{repeat}", ["--broker", broker, "--db", db_url]
            own.append(run_audit(folder, state, "Redis + PostgreSQL", size, extra, db_url, root))
        with redis_database() as broker, postgres_database("gkaudit_scale") as db_url:
            deployed.append(deployed_audit(folder, tmp / f"state-deployed-{repeat}", size, broker, db_url, root))
    return ServicesRows(own, deployed, pure if pure is not None else pure_rate(corpus[:size]))


def deployed_audit(folder: Path, state: Path, size: int, broker: str, db_url: str, root: Path = ROOT) -> Deployed:
    """``gkaudit audit --broker … --db …`` (no local workers) served by ``gkaudit worker --concurrency 2``
    started and answering pings before the clock starts, as a deployment runs it; the worker stopped after."""
    from workers.queue.app import queue_app
    from workers.queue.local import stop_worker
    from workers.queue.settings import Settings

    state.mkdir(parents=True, exist_ok=True)
    env = {**checkout_env(root), "GKAUDIT_STATE_DIR": str(state)}
    command = [*GKAUDIT, "worker", "--broker", broker, "--concurrency", str(WORKERS)]
    with (state / "worker.log").open("ab") as log:
        worker = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=log, start_new_session=True)
    watch = TreeWatch(worker.pid)
    poller = threading.Thread(target=watch.run, daemon=True)
    poller.start()
    app = queue_app(Settings(broker_url=broker))
    try:
        start = time.perf_counter()
        while not app.control.ping(timeout=0.5):
            if worker.poll() is not None:
                raise RuntimeError(f"gkaudit worker exited {worker.returncode}; see {state / 'worker.log'}")
            if time.perf_counter() - start > 120:
                raise TimeoutError("gkaudit worker did not answer a ping within 120 s")
        ready = time.perf_counter() - start
        extra = ["--broker", broker, "--db", db_url]
        audited = run_audit(folder, state, "deployed worker", size, extra, db_url, root, workers=None)
    finally:
        watch.stop()
        poller.join()
        stop_worker(worker)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        app.close()
    return Deployed(audited, sorted((kib // 1024 for _, kib in watch.peaks.values()), reverse=True), ready)


# ---- the HTML ranking in Chromium ------------------------------------------------------------------


def browser_times(db_url: str, out: Path) -> tuple[float, float, float, float] | str:
    """(seconds to write the page with ``gkaudit rank``, its MB, seconds to load it, seconds to filter)."""
    start = time.perf_counter()
    subprocess.run(
        [*GKAUDIT, "rank", "--db", db_url, "--format", "html", "--out", str(out)],
        check=True,
        env=checkout_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    written = time.perf_counter() - start
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "playwright is not installed"
    loads, filters = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path())
        for _ in range(3):
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(out.as_uri(), wait_until="load")
            page.wait_for_selector("#ranking tbody tr")
            loads.append(time.perf_counter() - start)
            start = time.perf_counter()
            page.fill("#filter", "局")
            page.wait_for_function(FILTERED)
            filters.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return written, out.stat().st_size / 1e6, statistics.median(loads), statistics.median(filters)


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    return None


# ---- report --------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def mib(values: list[int]) -> str:
    return " ".join(map(str, values)) or "-"


def print_sizes(runs: list[Audited]) -> None:
    base = runs[0]
    rows = []
    for before, r in zip([None, *runs], runs, strict=False):
        ratio, cpu_ratio = r.rate / base.rate, r.pool_ms / base.pool_ms
        # What each further document cost: the fixed start and end of an audit left out.
        marginal = (r.size - before.size) / (r.wall - before.wall) if before and r.wall > before.wall else None
        rows.append(
            [
                str(r.size),
                f"{r.wall:.1f}",
                f"{r.rate:.1f}",
                f"{ratio:.2f}",
                verdict(abs(ratio - 1) <= FLAT_GOAL),
                "-" if marginal is None else f"{marginal:.1f}",
                f"{r.before_first:.1f}",
                f"{r.after_last:.1f}",
                f"{r.pool_ms:.2f}",
                f"{cpu_ratio:.2f}",
                verdict(cpu_ratio <= 1 + FLAT_GOAL),
                f"{1000 * r.analysis_cpu / r.size:.2f}",
                f"{r.pool_cpu / r.analysis_cpu - 1:.0%}" if r.analysis_cpu else "-",
                f"{r.runner_cpu:.1f}",
                f"{r.done}/{r.failed}",
                mib(r.runner_mib),
                mib(r.main_mib),
                mib(r.child_mib),
                f"{r.load:.1f}",
            ]
        )
    print_table(
        f"embedded gkaudit audit --workers {WORKERS}, whole process: doc/s within {FLAT_GOAL:.0%} of the"
        f" {base.size} rate (flat); the pool's CPU per document no more than {FLAT_GOAL:.0%} above the {base.size}'s"
        " (rest: its CPU beyond the analysis, as a share of it); peak RSS (VmHWM) of each process must not grow"
        " with the corpus",
        [
            "documents",
            "wall s",
            "doc/s",
            f"vs {base.size}",
            "flat",
            "marginal doc/s",
            "to 1st result s",
            "after last s",
            "pool CPU ms/doc",
            f"vs {base.size}",
            "flat",
            "in audit_bytes ms/doc",
            "rest",
            "runner CPU s",
            "done/failed",
            "runner MiB",
            "worker main MiB",
            "pool children MiB",
            "load",
        ],
        rows,
    )
    if len(runs) > 1:
        fixed, rate = fixed_and_rate(runs)
        print(
            f"wall ≈ {fixed:.1f} s + documents / {rate:.1f} doc/s (least squares over the sizes): the fixed part is"
            f" {fixed / base.wall:.0%} of the {base.size}'s wall time and {fixed / runs[-1].wall:.0%} of the"
            f" {runs[-1].size}'s, which is what makes the whole-process rate grow with the corpus; the pool's CPU per"
            f" document is the per-document cost alone"
        )


def fixed_and_rate(runs: list[Audited]) -> tuple[float, float]:
    """The least-squares line through (documents, wall seconds): its intercept (seconds every audit costs
    whatever its size: the start before the first result, the end after the last) and the inverse of its slope."""
    sizes, walls = [r.size for r in runs], [r.wall for r in runs]
    slope, intercept = statistics.linear_regression(sizes, walls)
    return intercept, 1 / slope if slope > 0 else float("inf")


def print_services(found: ServicesRows) -> None:
    goal = SERVICE_GOAL * WORKERS * found.pure
    runs: list[tuple[str, Audited, list[int], list[int]]] = []
    for own, deployed in zip(found.own_workers, found.deployed, strict=True):
        runs.append((f"--workers {WORKERS} (started by the audit)", own, own.main_mib, own.child_mib))
        worker = deployed.worker_mib
        label = f"a worker already up (--concurrency {WORKERS}, ready in {deployed.ready:.1f} s)"
        runs.append((label, deployed.audited, worker[:1], worker[1:]))
    rows = [
        [
            label,
            str(a.size),
            f"{a.wall:.1f}",
            f"{a.rate:.1f}",
            f"{a.before_first:.1f}",
            f"{a.after_last:.1f}",
            f"{a.audit_rate:.1f}",
            f"{found.pure:.1f}",
            f"{goal:.1f}",
            verdict(a.rate >= goal),
            verdict(a.audit_rate >= goal),
            f"{a.done}/{a.failed}",
            mib(a.runner_mib),
            mib(main),
            mib(children),
            f"{a.load:.1f}",
        ]
        for label, a, main, children in runs
    ]
    if len(found.own_workers) > 1:
        for label, audits in (
            ("started by the audit", found.own_workers),
            ("already up", [d.audited for d in found.deployed]),
        ):
            wall = statistics.median(a.wall for a in audits)
            rate = audits[0].size / wall
            between = statistics.median(a.audit_rate for a in audits)
            first = statistics.median(a.before_first for a in audits)
            last = statistics.median(a.after_last for a in audits)
            rows.append(
                [f"median, {label}", str(audits[0].size), f"{wall:.1f}", f"{rate:.1f}", f"{first:.1f}", f"{last:.1f}"]
                + [
                    f"{between:.1f}",
                    f"{found.pure:.1f}",
                    f"{goal:.1f}",
                    verdict(rate >= goal),
                    verdict(between >= goal),
                ]
                + ["", "", "", "", ""]
            )
    print_table(
        f"gkaudit audit on Redis + PostgreSQL, whole process; goal >= {SERVICE_GOAL} x ({WORKERS} x the pure"
        " audit_bytes rate: one process, same documents, same run)",
        ["workers", "documents", "wall s", "doc/s", "to 1st result s", "after last s", "1st→last doc/s", "pure doc/s"]
        + ["goal doc/s"]
        + ["whole", "1st→last", "done/failed", "runner MiB", "worker main MiB", "pool children MiB", "load"],
        rows,
    )


SERVICE_LARGEST = 5000  # the default services sizes: those of the embedded audit up to this one


def service_default(sizes: list[int]) -> list[int]:
    return [size for size in sizes if size <= SERVICE_LARGEST] or sizes[:1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated corpus sizes")
    parser.add_argument(
        "--service-sizes", default=None, help=f"Redis + PostgreSQL sizes (default: the sizes up to {SERVICE_LARGEST})"
    )
    parser.add_argument("--no-services", action="store_true", help="leave out the Redis + PostgreSQL row")
    parser.add_argument(
        "--service-repeats", type=int, default=1, help="Redis + PostgreSQL audits of each kind, alternated"
    )
    parser.add_argument("--no-browser", action="store_true", help="leave out the HTML ranking in Chromium")
    parser.add_argument(
        "--checkout", type=Path, default=ROOT, help="the checkout whose gkaudit is run (default: this bench's)"
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    service_sizes = sorted(
        [int(s) for s in args.service_sizes.split(",")] if args.service_sizes else service_default(sizes)
    )
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    print(f"gkaudit of {args.checkout.resolve()}")
    with tempfile.TemporaryDirectory(prefix="gkaudit-scale-") as name:
        tmp = Path(name)
        started = time.perf_counter()
        generate_corpus(tmp / "gen", ["text"], count=max(sizes + service_sizes), seed=SEED)
        corpus = sorted((tmp / "gen").glob("report_*.txt"))
        print(f"generated {len(corpus)} text reports in {time.perf_counter() - started:.0f} s")
        runs = []
        for size in sizes:
            runs.append(embedded_audit(corpus, size, tmp, args.checkout.resolve()))
            print(f"  {size}: {runs[-1].wall:.1f} s", flush=True)
        print_sizes(runs)
        if not args.no_browser:
            largest = runs[-1].size
            shown = browser_times(f"sqlite:///{tmp / f'state-{largest}' / 'gkaudit.db'}", tmp / "ranking.html")
            if isinstance(shown, str):
                print(f"HTML ranking in Chromium left out: {shown}")
            else:
                written, size_mb, load, filtered = shown
                print_table(
                    f"gkaudit rank --format html of the {largest} in headless Chromium (median of 3);"
                    f" goal <= {BROWSER_GOAL_SECONDS:.0f} s each",
                    ["documents", "rank s", "MB", "load s", "load goal", "filter s", "filter goal"],
                    [
                        [
                            str(largest),
                            f"{written:.1f}",
                            f"{size_mb:.1f}",
                            f"{load:.2f}",
                            verdict(load <= BROWSER_GOAL_SECONDS),
                            f"{filtered:.2f}",
                            verdict(filtered <= BROWSER_GOAL_SECONDS),
                        ]
                    ],
                )
        if not args.no_services:
            pure = None
            for size in service_sizes:
                found = services_audit(corpus, size, tmp, args.service_repeats, args.checkout.resolve(), pure)
                if isinstance(found, str):
                    print(f"Redis + PostgreSQL row left out: {found}")
                    break
                pure = found.pure
                print_services(found)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
