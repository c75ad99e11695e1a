"""Load on the HTTP API over loopback: POST /v1/check from concurrent clients, next to the in-process cost.

    .venv/bin/python bench/api_load.py                      # 2,000 requests, 16 clients, its own server
    .venv/bin/python bench/api_load.py --requests 200 --concurrency 4
    .venv/bin/python bench/api_load.py --url http://127.0.0.1:8000 --token T   # an already running server

Documents: the seeds under /work/shared/seeds, or generated text reports when that folder
is absent.  Unless ``--url`` is given, the script starts ``gkaudit serve`` on a free
loopback port with a throwaway state directory and a token, and stops it at the end.

Every response must be a 200 whose ``X-Document-Id`` is the SHA-256 of the uploaded
bytes and whose JSON equals what :func:`models.stages.audit_bytes` returns for the
same bytes in this process; anything else, a transport error or a request that never
got an answer counts as an error, and the script exits 1.  Bounded: ``--requests``
requests, each with a ``--timeout``, the whole run within ``--deadline`` seconds.

Printed: wall time, requests/s, client-side latency p50/p90/p99/max, and beside them
the in-process cost of the same checks (``audit_bytes`` timed in a loop over the same
documents, one process, one thread).  The server and the clients share this machine's
cores, so the figures say how the API's overhead compares with the check itself, not
what a dedicated server would do.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
GENERATED = 20
START_SECONDS = 120.0

Doc = tuple[str, bytes]


# ---- documents and expectations ----------------------------------------------------------------


def documents() -> tuple[list[Doc], str]:
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if seeds:
        return [(p.name, p.read_bytes()) for p in seeds], f"{len(seeds)} seeds ({SEEDS})"
    from corpus.generate import RENDERINGS, generate_report

    suffix, render = RENDERINGS["text"]
    docs = []
    for i in range(GENERATED):
        report = generate_report(random.Random(f"api-load:{i}"), i)
        docs.append((f"{report.stem}{suffix}", render(report)))
    return docs, f"{GENERATED} generated text reports (no {SEEDS})"


def expected_results(docs: Sequence[Doc]) -> dict[str, Any]:
    """SHA-256 → the JSON the API must answer (the pipeline's result, through a JSON round trip)."""
    from models.stages import audit_bytes

    return {
        hashlib.sha256(data).hexdigest(): json.loads(json.dumps(audit_bytes(data, name).result, ensure_ascii=False))
        for name, data in docs
    }


def time_in_process(docs: Sequence[Doc], count: int) -> list[float]:
    """Seconds of each of ``count`` audit_bytes calls over the documents, warm (after one pass)."""
    from models.stages import audit_bytes

    for name, data in docs:
        audit_bytes(data, name)
    seconds = []
    for i in range(count):
        name, data = docs[i % len(docs)]
        start = time.perf_counter()
        audit_bytes(data, name)
        seconds.append(time.perf_counter() - start)
    return seconds


# ---- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_server(token: str) -> Iterator[str]:
    """``gkaudit serve`` on a free port with a throwaway state directory; its URL."""
    with tempfile.TemporaryDirectory(prefix="gkaudit-api-load-") as state:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GKAUDIT_")}
        env |= {"GKAUDIT_STATE_DIR": state, "GKAUDIT_API_TOKEN": token}
        log = Path(state) / "server.log"
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "workers.cli", "serve", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc, log)
            yield url
        finally:
            stop(proc)


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gkaudit serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        with suppress(httpx.TransportError):
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"gkaudit serve did not become healthy within {START_SECONDS:.0f} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# ---- the load ----------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    answered: int = 0


async def one_request(client: httpx.AsyncClient, doc: Doc, expected: dict[str, Any], tally: Tally) -> None:
    name, data = doc
    digest = hashlib.sha256(data).hexdigest()
    start = time.perf_counter()
    try:
        response = await client.post("/v1/check", files={"file": (name, data)})
        body = response.json() if response.status_code == 200 else response.text
    except (httpx.HTTPError, json.JSONDecodeError) as exc:
        tally.errors.append(f"{name}: {type(exc).__name__}: {exc}")
        return
    tally.latencies.append(time.perf_counter() - start)
    tally.answered += 1
    if response.status_code != 200:
        tally.errors.append(f"{name}: HTTP {response.status_code}: {str(body)[:200]}")
    elif response.headers.get("X-Document-Id") != digest:
        tally.errors.append(f"{name}: X-Document-Id {response.headers.get('X-Document-Id')} != {digest}")
    elif body != expected[digest]:
        tally.errors.append(f"{name}: the JSON differs from audit_bytes in process")


async def client_loop(
    url: str, token: str | None, jobs: asyncio.Queue[Doc], expected: dict[str, Any], tally: Tally, timeout: float
) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout) as client:
        while True:
            try:
                doc = jobs.get_nowait()
            except asyncio.QueueEmpty:
                return
            await one_request(client, doc, expected, tally)


async def run_load(args: argparse.Namespace, url: str, docs: Sequence[Doc], expected: dict[str, Any]) -> Tally:
    jobs: asyncio.Queue[Doc] = asyncio.Queue()
    for i in range(args.requests):
        jobs.put_nowait(docs[i % len(docs)])
    tally = Tally()
    clients = [client_loop(url, args.token, jobs, expected, tally, args.timeout) for _ in range(args.concurrency)]
    try:
        await asyncio.wait_for(asyncio.gather(*clients), args.deadline)
    except TimeoutError:
        tally.errors.append(f"the run did not finish within {args.deadline:.0f} s")
    return tally


# ---- report ------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f}"


def report(args: argparse.Namespace, label: str, tally: Tally, wall: float, local: list[float]) -> dict[str, Any]:
    lat = tally.latencies or [0.0]
    summary = {
        "documents": label,
        "requests": args.requests,
        "concurrency": args.concurrency,
        "answered": tally.answered,
        "lost": args.requests - tally.answered,
        "errors": len(tally.errors),
        "wall_seconds": round(wall, 2),
        "requests_per_second": round(tally.answered / wall, 1),
        "latency_ms": {q: round(1000 * percentile(lat, n), 1) for q, n in (("p50", 50), ("p90", 90), ("p99", 99))}
        | {"max": round(1000 * max(lat), 1)},
        "in_process": {
            "checks": len(local),
            "p50_ms": round(1000 * statistics.median(local), 2),
            "p99_ms": round(1000 * percentile(local, 99), 2),
            "checks_per_second": round(len(local) / sum(local), 1),
        },
        "cores": os.cpu_count(),
    }
    print(f"\nPOST /v1/check over loopback: {label}, {args.concurrency} clients, {os.cpu_count()} cores")
    print(f"  requests {args.requests}, answered {tally.answered}, lost {summary['lost']}, errors {len(tally.errors)}")
    print(f"  wall {wall:.1f} s, {summary['requests_per_second']} requests/s")
    print(
        f"  latency  p50 {ms(percentile(lat, 50))} ms  p90 {ms(percentile(lat, 90))} ms  "
        f"p99 {ms(percentile(lat, 99))} ms  max {ms(max(lat))} ms"
    )
    print(
        f"in process (audit_bytes, one thread, same documents): p50 {ms(statistics.median(local))} ms  "
        f"p99 {ms(percentile(local, 99))} ms  {summary['in_process']['checks_per_second']} checks/s"
    )
    throughput = summary["requests_per_second"] / summary["in_process"]["checks_per_second"]
    print(
        f"  API p50 / in-process p50: {percentile(lat, 50) / statistics.median(local):.1f}×; "
        f"API requests/s / in-process checks/s: {throughput:.2f}"
    )
    for error in tally.errors[:10]:
        print(f"  error: {error}", file=sys.stderr)
    return summary


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds for the whole run")
    parser.add_argument("--in-process", type=int, default=500, help="audit_bytes calls timed in this process")
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--token", help="its GKAUDIT_API_TOKEN (with --url)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    docs, label = documents()
    expected = expected_results(docs)
    local = time_in_process(docs, args.in_process)
    if args.url:
        url = args.url
        tally, wall = measure(args, url, docs, expected)
    else:
        args.token = args.token or secrets.token_urlsafe(16)
        with local_server(args.token) as url:
            tally, wall = measure(args, url, docs, expected)
    summary = report(args, label, tally, wall, local)
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    return 0 if not tally.errors and tally.answered == args.requests else 1


def measure(args: argparse.Namespace, url: str, docs: Sequence[Doc], expected: dict[str, Any]) -> tuple[Tally, float]:
    start = time.perf_counter()
    tally = asyncio.run(run_load(args, url, docs, expected))
    return tally, time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
