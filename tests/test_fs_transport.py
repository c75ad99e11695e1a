"""The embedded broker's messages appear whole, even to a consumer polling while they are written."""

from __future__ import annotations

import multiprocessing
import tempfile
from pathlib import Path
from typing import Any

from kombu import Connection
from kombu.transport import resolve_transport

from workers.queue.fs_transport import Transport
from workers.queue.settings import Settings

MESSAGES = 1000
PAYLOAD = "文" * 50_000  # big enough that writing a file takes a while


def consume(transport: type, options: dict[str, Any], results: Any) -> None:
    """In its own process, as a worker is: every message's number, or the error that stopped it."""
    seen: list[int] = []
    try:
        with Connection(transport=transport, transport_options=options) as conn:
            queue = conn.SimpleQueue("race")
            while len(seen) < MESSAGES:
                message = queue.get(timeout=20)
                number, _, body = message.payload.partition(":")
                assert body == PAYLOAD, f"message {number} came {len(body)} characters long"
                seen.append(int(number))
                message.ack()
        results.put(seen)
    except BaseException as exc:  # any failure is the outcome the test reads
        results.put(f"{type(exc).__name__}: {exc}")


def race_one_consumer(transport: type, options: dict[str, Any]) -> list[int] | str:
    """Publish every message while one consumer polls in another process; what it received, or its error."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    consumer = context.Process(target=consume, args=(transport, options, results))
    consumer.start()
    with Connection(transport=transport, transport_options=options) as conn:
        queue = conn.SimpleQueue("race")
        for i in range(MESSAGES):
            queue.put(f"{i}:{PAYLOAD}")
    outcome = results.get(timeout=60)
    consumer.join(timeout=10)
    return outcome


def test_embedded_settings_name_the_atomic_transport(tmp_path: Path) -> None:
    assert resolve_transport(Settings(state_dir=tmp_path).broker_transport()) is Transport
    assert Settings(broker_url="redis://localhost:6379/0").broker_transport() is None


def test_a_consumer_polling_while_messages_are_written_reads_each_whole(tmp_path: Path) -> None:
    options = Settings(state_dir=tmp_path).broker_transport_options()
    outcome = race_one_consumer(Transport, options)
    assert sorted(outcome) == list(range(MESSAGES)), outcome  # kombu orders by the millisecond only
    assert not list(Path(options["data_folder_in"]).iterdir())  # no partial file left behind


def drain(transport: type, options: dict[str, Any], start: Any, results: Any) -> None:
    """In its own process: every message's number until the queue stays empty, or the error that stopped it.

    The system's temporary folder is put on another file system when there is one
    (``/dev/shm``), where kombu's own transport copied the files it took.
    """
    if Path("/dev/shm").is_dir():
        tempfile.tempdir = "/dev/shm"
    seen: list[int] = []
    try:
        with Connection(transport=transport, transport_options=options) as conn:
            queue = conn.SimpleQueue("race")
            start.wait()
            while True:
                try:
                    message = queue.get(timeout=1)
                except queue.Empty:
                    break
                seen.append(int(message.payload.partition(":")[0]))
                message.ack()
        results.put(seen)
    except BaseException as exc:  # any failure is the outcome the test reads
        results.put(f"{type(exc).__name__}: {exc}")


def test_two_consumers_take_each_message_once(tmp_path: Path) -> None:
    options = Settings(state_dir=tmp_path).broker_transport_options()
    with Connection(transport=Transport, transport_options=options) as conn:
        queue = conn.SimpleQueue("race")
        for i in range(MESSAGES):
            queue.put(f"{i}:{PAYLOAD}")
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    consumers = [context.Process(target=drain, args=(Transport, options, start, results)) for _ in range(2)]
    for consumer in consumers:
        consumer.start()
    start.set()
    outcomes = [results.get(timeout=60) for _ in consumers]
    for consumer in consumers:
        consumer.join(timeout=10)
    assert all(isinstance(o, list) for o in outcomes), outcomes
    assert all(outcomes), "both consumers took messages"
    assert sorted(outcomes[0] + outcomes[1]) == list(range(MESSAGES))


def test_queues_in_two_state_folders_of_one_process_both_deliver(tmp_path: Path) -> None:
    for folder in ("first", "second"):
        options = Settings(state_dir=tmp_path / folder).broker_transport_options()
        with Connection(transport=Transport, transport_options=options) as conn:
            queue = conn.SimpleQueue("twice")
            queue.put(folder)
            assert queue.get(timeout=5).payload == folder
