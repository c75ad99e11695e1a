"""Hostile requests to ``gkaudit serve`` over real HTTP (issue 21; ``bench/api_abuse.py`` measures them beside
well-behaved clients): each gets its 4xx within a second, on a raw socket, as an attacker sends it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.test_api import TOKEN, LiveServer, report_bytes, start_server, stop_server

ANSWER_SECONDS = 1.0
LIMIT = 1 << 20  # the server's upload limit here: an oversized body is quick to send
BOUNDARY = "b0undary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
FILE_PART = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
    "Content-Type: text/plain\r\n\r\n"
).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(
        tmp_path_factory.mktemp("abuse"), api_token=TOKEN, max_upload_bytes=LIMIT, inline_max_bytes=LIMIT // 2
    )
    yield live
    stop_server(live)


def head(path: str, headers: dict[str, str], token: str | None = TOKEN) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    lines += [f"Authorization: Bearer {token}"] if token else []
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def answer(server: LiveServer, request: bytes, stream: bytes = b"", stream_bytes: int = 0) -> tuple[str, float]:
    """Send ``request``, then ``stream`` over and over (up to ``stream_bytes``) from a thread, as an attacker
    does who does not wait; the response's status line and the seconds until it came."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        stop = threading.Event()

        def send_rest() -> None:
            sent = 0
            try:
                while sent < stream_bytes and not stop.is_set():
                    sock.sendall(stream)
                    sent += len(stream)
            except OSError:
                pass  # the server closed: its answer is what counts

        start = time.monotonic()
        sock.sendall(request)
        sender = threading.Thread(target=send_rest, daemon=True)
        sender.start()
        data = b""
        while b"\r\n" not in data and (got := sock.recv(4096)):
            data += got
        seconds = time.monotonic() - start
        stop.set()
        sender.join(30)
    return data.split(b"\r\n", 1)[0].decode(errors="replace"), seconds


def test_a_declared_oversized_body_is_refused_before_it_is_read(server: LiveServer) -> None:
    request = head("/v1/check", {"Content-Type": MULTIPART, "Content-Length": str(1 << 30)}) + FILE_PART
    line, seconds = answer(server, request)  # and nothing more: the answer must not wait for the body
    assert line.startswith("HTTP/1.1 413"), line
    assert seconds < ANSWER_SECONDS


def test_a_declared_oversized_body_streamed_gets_413_at_once(server: LiveServer) -> None:
    request = head("/v1/check", {"Content-Type": MULTIPART, "Content-Length": str(1 << 30)}) + FILE_PART
    line, seconds = answer(server, request, b"x" * 65536, 200 * LIMIT)
    assert line.startswith("HTTP/1.1 413") and seconds < ANSWER_SECONDS, (line, seconds)


def test_a_wrong_token_is_answered_before_the_body_is_read(server: LiveServer) -> None:
    request = head("/v1/check", {"Content-Type": MULTIPART, "Content-Length": str(LIMIT)}, "wrong") + FILE_PART
    line, seconds = answer(server, request)
    assert line.startswith("HTTP/1.1 401") and seconds < ANSWER_SECONDS, (line, seconds)


def test_a_chunked_body_without_a_length_is_refused_at_once(server: LiveServer) -> None:
    request = head("/v1/check", {"Content-Type": MULTIPART, "Transfer-Encoding": "chunked"}) + chunk(FILE_PART)
    line, seconds = answer(server, request, chunk(b"x" * 65536), 200 * LIMIT)
    assert line.startswith("HTTP/1.1 411") and seconds < ANSWER_SECONDS, (line, seconds)


def test_a_multipart_body_of_10000_parts_is_refused(server: LiveServer) -> None:
    part = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"\r\n\r\nx\r\n'.encode()
    body = part * 10_000 + f"--{BOUNDARY}--\r\n".encode()
    assert len(body) < LIMIT
    line, seconds = answer(
        server, head("/v1/check", {"Content-Type": MULTIPART, "Content-Length": str(len(body))}) + body
    )
    assert line.startswith("HTTP/1.1 400") and seconds < ANSWER_SECONDS, (line, seconds)


def test_a_megabyte_of_headers_is_refused(server: LiveServer) -> None:
    request = head("/v1/check", {f"X-Pad-{i}": "p" * 1000 for i in range(1000)})
    line, seconds = answer(server, request)
    assert line.startswith("HTTP/1.1 4") and seconds < ANSWER_SECONDS, (line, seconds)


@pytest.mark.parametrize("path", ["/v1/check", "/v1/audits"])
def test_a_redos_shaped_content_type_is_refused_quickly(server: LiveServer, path: str) -> None:
    redos = "multipart/form-data; boundary=" + '"' + "\\\\" * 3000 + "; a=" + ";" * 3000
    line, seconds = answer(server, head(path, {"Content-Type": redos, "Content-Length": "64"}) + b"-" * 64)
    assert line.startswith("HTTP/1.1 4") and seconds < ANSWER_SECONDS, (line, seconds)


def test_a_negative_content_length_is_refused(server: LiveServer) -> None:
    line, seconds = answer(server, head("/v1/check", {"Content-Type": MULTIPART, "Content-Length": "-1"}))
    assert line.startswith("HTTP/1.1 400") and seconds < ANSWER_SECONDS, (line, seconds)


def test_the_server_still_answers_after_the_abuse(server: LiveServer) -> None:
    with server.client() as client:
        assert client.post("/v1/check", files={"file": report_bytes(3)}).status_code == 200
