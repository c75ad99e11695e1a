"""``gkaudit serve`` under abuse (issue 21): hostile requests beside well-behaved clients, over loopback.

    .venv/bin/python bench/api_abuse.py                   # its own server on a free loopback port
    .venv/bin/python bench/api_abuse.py --seconds 10 --windows 3 --json out.json
    .venv/bin/python bench/api_abuse.py --only "chunked"  # one hostile request alone

The script starts ``gkaudit serve`` (a throwaway state folder, a token) and runs ``--windows`` pairs
of windows of ``--seconds`` each, quiet and attacked in turn (the machine's drift then weighs on
both alike), with the same ``--clients`` well-behaved clients posting small reports to
``POST /v1/check`` (every answer must be the 200 and the JSON that ``audit_bytes`` gives in this
process, as in ``bench/api_load.py``):

* quiet: the clients alone, the baseline;
* attacked: the clients, while an attacker sends each hostile request of :func:`attacks` in turn on
  a raw socket, over and over for the whole window: bodies over the limit streamed with a declared
  length and chunked without one, a multipart body of 10,000 parts, 1 MB of headers, a Content-Type
  shaped for ReDoS, a negative Content-Length.

Printed: each hostile request's status and the seconds to its status line (goal: a 4xx within 1 s);
the clients' p50/p99 in each phase (goal: p99 under attack within 2x of the quiet one) and their
errors (goal: none).  Exit 1 when a goal is missed.  Bounded: each request has a timeout, each
attack a byte cap, the whole run ends by itself; traffic goes to 127.0.0.1 only.  The server,
the clients and the attacker share this machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import Doc, Tally, documents, expected_results, local_server, one_request, percentile

ATTACK_TIMEOUT = 30.0  # seconds an attack waits for its status line
GOAL_SECONDS = 1.0
GOAL_RATIO = 2.0
SEND_CHUNK = 256 * 1024
MiB = 1 << 20


# ---- hostile requests --------------------------------------------------------------------------


@dataclass
class Attack:
    """A hostile request: its head, and the body sent after it (``body_bytes`` of it, as fast as it goes)."""

    name: str
    head: bytes
    body: Callable[[], bytes] | None = None  # the whole body, sent at once; or the start of a streamed one
    stream_bytes: int = 0  # then this many bytes streamed in chunks
    chunked: bool = False


@dataclass
class Answer:
    attack: str
    status: int | None
    seconds: float
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 400 <= self.status < 500 and self.seconds <= GOAL_SECONDS


def request_head(token: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {token}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def many_parts(count: int, boundary: str) -> bytes:
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\nx\r\n'.encode()
    return part * count + f"--{boundary}--\r\n".encode()


FILE_PART = (
    b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'
)


def attacks(token: str) -> list[Attack]:
    """The issue's hostile requests, each aimed at the route that reads the most."""
    multipart = "multipart/form-data; boundary=b0undary"
    parts = many_parts(10_000, "b0undary")
    redos = "multipart/form-data; " + "boundary=" + '"' + "\\\\" * 3000 + "; a=" + ";" * 3000  # ~12 KB, one header
    return [
        Attack(
            "oversized body, Content-Length 1 GB, streamed",
            request_head(token, "/v1/check", {"Content-Type": multipart, "Content-Length": str(1 << 30)}),
            body=lambda: FILE_PART,
            stream_bytes=300 * MiB,
        ),
        Attack(
            "oversized body, chunked, no length, streamed",
            request_head(token, "/v1/check", {"Content-Type": multipart, "Transfer-Encoding": "chunked"}),
            body=lambda: chunk_frame(FILE_PART),
            stream_bytes=300 * MiB,
            chunked=True,
        ),
        Attack(
            "multipart body of 10,000 parts",
            request_head(token, "/v1/check", {"Content-Type": multipart, "Content-Length": str(len(parts))}),
            body=lambda: parts,
        ),
        Attack(
            "1 MB of headers",
            request_head(token, "/v1/check", {f"X-Pad-{i}": "p" * 1000 for i in range(1000)}),
        ),
        Attack(
            "ReDoS-shaped Content-Type",
            request_head(token, "/v1/check", {"Content-Type": redos, "Content-Length": "64"}),
            body=lambda: b"-" * 64,
        ),
        Attack(
            "ReDoS-shaped Content-Type, zip audit",
            request_head(token, "/v1/audits", {"Content-Type": redos, "Content-Length": "64"}),
            body=lambda: b"-" * 64,
        ),
        Attack(
            "negative Content-Length",
            request_head(token, "/v1/check", {"Content-Type": multipart, "Content-Length": "-1"}),
            body=lambda: b"--b0undary--\r\n",
        ),
    ]


def chunk_frame(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def send_body(sock: socket.socket, attack: Attack, stop: threading.Event) -> None:
    """Send the attack's body (whole, or streamed up to its cap) until done, refused or told to stop."""
    try:
        if attack.body is not None:
            sock.sendall(attack.body())
        chunk = os.urandom(SEND_CHUNK)
        framed = chunk_frame(chunk) if attack.chunked else chunk
        sent = 0
        while sent < attack.stream_bytes and not stop.is_set():
            sock.sendall(framed)
            sent += len(chunk)
    except OSError:
        pass  # the server closed the connection: the answer is what counts


def status_line(sock: socket.socket) -> tuple[int | None, str]:
    """The status of the first response line, and its reason text (None: closed or reset before one)."""
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                return None, "closed without an answer"
            data += chunk
    except TimeoutError:
        return None, f"no answer within {ATTACK_TIMEOUT:g} s"
    except OSError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    first = data.split(b"\r\n", 1)[0].decode(errors="replace")
    parts = first.split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    return status, first


def run_attack(host: str, port: int, attack: Attack) -> Answer:
    """One hostile request on a new connection; the seconds from its first byte to the status line."""
    with socket.create_connection((host, port), timeout=ATTACK_TIMEOUT) as sock:
        stop = threading.Event()
        start = time.perf_counter()
        try:
            sock.sendall(attack.head)
        except OSError as exc:
            note = f"head refused: {exc}"
            return Answer(attack.name, None, time.perf_counter() - start, note)
        sender = threading.Thread(target=send_body, args=(sock, attack, stop), daemon=True)
        sender.start()
        status, note = status_line(sock)
        seconds = time.perf_counter() - start
        stop.set()
        with_shutdown(sock)
        sender.join(ATTACK_TIMEOUT)
    return Answer(attack.name, status, seconds, note)


def with_shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def attacker(url: str, token: str, only: str, until: float, answers: list[Answer], done: threading.Event) -> None:
    """Each chosen hostile request in turn, over and over until ``until`` (monotonic), at least once each."""
    host, port = url.removeprefix("http://").split(":")
    chosen = [attack for attack in attacks(token) if only in attack.name]
    try:
        while True:
            for attack in chosen:
                answers.append(run_attack(host, int(port), attack))
            if time.monotonic() > until:
                return
    finally:
        done.set()


# ---- well-behaved clients ----------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Until when the clients keep sending: ``end`` (monotonic) passed and the attacker, if any, done."""

    end: float
    attacker_done: threading.Event | None = None

    def over(self) -> bool:
        return time.monotonic() > self.end and (self.attacker_done is None or self.attacker_done.is_set())


async def good_client(
    url: str, token: str, docs: Sequence[Doc], expected: dict[str, Any], tally: Tally, window: Window
) -> None:
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        i = secrets.randbelow(len(docs))
        while not window.over():
            await one_request(client, docs[i % len(docs)], expected, tally)
            i += 1


async def phase(
    url: str, token: str, clients: int, docs: Sequence[Doc], expected: dict[str, Any], window: Window
) -> Tally:
    tally = Tally()
    await asyncio.gather(*(good_client(url, token, docs, expected, tally, window) for _ in range(clients)))
    return tally


@dataclass
class Figures:
    clients: int
    quiet: dict[str, float] = field(default_factory=dict)
    attacked: dict[str, float] = field(default_factory=dict)
    quiet_errors: int = 0
    attacked_errors: int = 0
    answers: list[dict[str, Any]] = field(default_factory=list)


def merge(into: Tally, window: Tally) -> None:
    into.latencies += window.latencies
    into.errors += window.errors
    into.answered += window.answered


def latency(tally: Tally) -> dict[str, float]:
    lat = tally.latencies or [0.0]
    return {
        "requests": len(tally.latencies),
        "p50_ms": round(1000 * percentile(lat, 50), 1),
        "p99_ms": round(1000 * percentile(lat, 99), 1),
    }


def measure(args: argparse.Namespace, url: str, token: str) -> tuple[Figures, list[str]]:
    docs, _ = documents()
    expected = expected_results(docs)

    def run(window: Window) -> Tally:
        return asyncio.run(phase(url, token, args.clients, docs, expected, window))

    run(Window(time.monotonic() + 5))  # warm-up
    quiet, attacked = Tally(), Tally()
    answers: list[Answer] = []
    for _ in range(args.windows):  # quiet and attacked windows in turn: the machine's drift hits both alike
        merge(quiet, run(Window(time.monotonic() + args.seconds)))
        window = Window(time.monotonic() + args.seconds, threading.Event())
        thread = threading.Thread(
            target=attacker, args=(url, token, args.only, window.end, answers, window.attacker_done), daemon=True
        )
        thread.start()
        merge(attacked, run(window))
        thread.join()
    figures = Figures(args.clients, latency(quiet), latency(attacked), len(quiet.errors), len(attacked.errors))
    figures.answers = [asdict(a) | {"ok": a.ok} for a in answers]
    return figures, quiet.errors + attacked.errors


def report(figures: Figures, errors: list[str]) -> bool:
    print(f"\nhostile requests ({os.cpu_count()} cores shared with the server and the clients):")
    names = list(dict.fromkeys(answer["attack"] for answer in figures.answers))
    print(f"  {'':3} {'sent':>4}  {'statuses':<10} {'median':>8} {'max':>8}")
    for name in names:
        mine = [answer for answer in figures.answers if answer["attack"] == name]
        seconds = sorted(answer["seconds"] for answer in mine)
        statuses = ",".join(sorted({str(answer["status"]) for answer in mine}))
        mark = "ok " if all(answer["ok"] for answer in mine) else "BAD"
        median, most = seconds[len(seconds) // 2], seconds[-1]
        print(f"  {mark} {len(mine):4}  {statuses:<10} {median:7.3f}s {most:7.3f}s  {name}")
    for answer in figures.answers:
        if not answer["ok"]:
            print(
                f"  missed: {answer['attack']}: {answer['status']} after {answer['seconds']:.3f} s ({answer['note']})"
            )
    q, a = figures.quiet, figures.attacked
    ratio = a["p99_ms"] / q["p99_ms"] if q["p99_ms"] else float("inf")
    print(f"\n{figures.clients} well-behaved clients, POST /v1/check:")
    print(f"  quiet         {q['requests']:5.0f} requests  p50 {q['p50_ms']:7.1f} ms  p99 {q['p99_ms']:7.1f} ms")
    print(f"  under attack  {a['requests']:5.0f} requests  p50 {a['p50_ms']:7.1f} ms  p99 {a['p99_ms']:7.1f} ms")
    print(f"  p99 under attack / quiet: {ratio:.2f}x (goal <= {GOAL_RATIO:g}x)")
    print(f"  errors: quiet {figures.quiet_errors}, under attack {figures.attacked_errors} (goal 0)")
    for error in errors[:10]:
        print(f"  error: {error}", file=sys.stderr)
    hostile_ok = all(answer["ok"] for answer in figures.answers)
    return hostile_ok and ratio <= GOAL_RATIO and not errors


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="well-behaved clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each window (at least)")
    parser.add_argument("--windows", type=int, default=3, help="quiet and attacked windows, in turn")
    parser.add_argument("--only", default="", help="only the hostile requests whose name holds this text")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    token = secrets.token_urlsafe(16)
    with local_server(token) as url:
        figures, errors = measure(args, url, token)
    passed = report(figures, errors)
    if args.json:
        args.json.write_text(json.dumps(asdict(figures), ensure_ascii=False, indent=1) + "\n")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
