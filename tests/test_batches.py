"""Documents travel in batches: one message and one commit each, every document still on its own.

Real files, a real SQLite database and the real embedded (filesystem) transport;
no worker is started: the task's pure function is called directly, and the
runner's re-send path is read back from the queue folder it writes to.
"""

from __future__ import annotations

import random
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from corpus.generate import generate_report, render_text
from extractor import ExtractError
from extractor.timeouts import time_limit
from workers.queue.app import BATCHES_PER_PROCESS, SMALLEST_BATCH, batch_sizes, batch_time_limits
from workers.queue.runner import (
    MAX_RESENDS,
    POLL_SECONDS,
    poll_interval,
    resend_or_give_up,
    send,
    store_contents,
)
from workers.queue.settings import Settings
from workers.queue.tasks import batch_summary, make_app, preload, run_batch
from workers.store import ClaimRow, Result, content_hash, session_scope

LIMIT = 60.0


def write_reports(root: Path, count: int) -> list[tuple[str, str]]:
    """(path, content hash) of ``count`` generated reports written under ``root``."""
    items = []
    for i in range(count):
        report = generate_report(random.Random(f"batch:{i}"), i)
        path = root / f"report_{i}.txt"
        path.write_bytes(render_text(report).encode(report.style.text_encoding))
        items.append((str(path), content_hash(path.read_bytes())))
    return items


def stored_reports(db_url: str, root: Path, count: int) -> list[str]:
    """The content hashes of ``count`` generated reports, their contents stored as the runner stores them."""
    items = write_reports(root, count)
    assert store_contents(db_url, [(digest, path) for path, digest in items]) == []
    return [digest for _, digest in items]


def stored(db_url: str) -> dict[str, tuple[str, str | None]]:
    with session_scope(db_url) as session:
        rows = session.execute(select(Result.content_hash, Result.status, Result.error)).all()
    return {digest: (status, error) for digest, status, error in rows}


# ---- the task's pure function --------------------------------------------------------------


def test_a_batch_stores_each_document_once_and_skips_what_has_a_result(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'batch.db'}"
    items = stored_reports(db_url, tmp_path, 3)
    missing = "f" * 64  # a content the table does not hold: no result, left for the runner to store again
    first = run_batch(db_url, [items[0], items[1], items[0], missing], LIMIT)
    assert batch_summary(first) == {"done": 2, "failed": 0, "cached": 0}
    assert missing not in stored(db_url)

    again = run_batch(db_url, items, LIMIT)  # a redelivered message with one new document
    assert batch_summary(again) == {"done": 1, "failed": 0, "cached": 2}
    assert sorted(stored(db_url)) == sorted(items)
    outcomes = {digest: o for run in (first, again) for digest, o in run.items() if o is not None}
    expected = {d: len(o.result["claims"]) for d, o in outcomes.items() if o.result.get("claims")}
    assert claims_by_result(db_url) == expected
    assert sum(claims_by_result(db_url).values()) > 0


def spin(stop: threading.Event) -> None:
    while not stop.is_set():
        pass


def test_a_stored_result_keeps_the_cpu_time_of_its_audit_apart_from_what_ran_meanwhile(tmp_path: Path) -> None:
    """A thread spinning beside the audits takes the GIL about half the time: their wall time grows, the CPU
    time of their own thread does not (the queue bench charges that gap to the queue, where wall time hid it)."""
    db_url = f"sqlite:///{tmp_path / 'cpu.db'}"
    # Twelve reports a side: an audit takes 10-30 ms, a few of the interpreter's 5 ms switches, so three a side
    # left the busy share to chance (0.22-0.61 of the quiet one over four runs; 0.81 once in a full suite).
    items = stored_reports(db_url, tmp_path, 24)
    quiet, busy = items[:12], items[12:]
    # As a worker is before its pool forks: the pipeline loaded and warm, so that the quiet audits' wall time
    # holds no first audit's imports (spaCy's language modules, the rules) read from disk.
    preload()
    run_batch(db_url, quiet, LIMIT)
    stop = threading.Event()
    spinner = threading.Thread(target=spin, args=(stop,))
    # The spinner holds the GIL 20 ms at a turn (not the interpreter's 5 ms): its effect on the audits' wall time
    # stands well above what other processes on a busy host do to both sides.
    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.02)
    spinner.start()
    try:
        run_batch(db_url, busy, LIMIT)
    finally:
        stop.set()
        spinner.join()
        sys.setswitchinterval(switch)
    with session_scope(db_url) as session:
        rows = session.execute(select(Result.content_hash, Result.seconds, Result.cpu_seconds)).all()
    timed = {digest: (wall, cpu) for digest, wall, cpu in rows}

    def cpu_share(batch: list[str]) -> float:
        return sum(timed[d][1] for d in batch) / sum(timed[d][0] for d in batch)

    assert all(0 < cpu <= wall * 1.01 for wall, cpu in timed.values())
    # Alone on a quiet machine the share is about 0.95; other processes on the machine (a busy CI host) lower
    # it for both sides alike, so only the spinner's own effect is held: the busy side's share well below.
    assert cpu_share(quiet) > 0.25
    assert cpu_share(busy) < 0.8 * cpu_share(quiet)


def claims_by_result(db_url: str) -> dict[str, int]:
    """Each result's claim rows, counted through their foreign key."""
    with session_scope(db_url) as session:
        query = select(Result.content_hash, func.count(ClaimRow.id)).join(ClaimRow).group_by(Result.content_hash)
        return dict(session.execute(query).all())


def test_a_document_over_its_own_limit_fails_and_its_batch_mates_finish(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'batch.db'}"
    items = stored_reports(db_url, tmp_path, 2)
    outcomes = run_batch(db_url, items, limit=1e-4)  # no document is audited in 0.1 ms
    assert {o.error for o in outcomes.values() if o} == {"auditing took too long (limit 0.0001 s)"}
    assert len(stored(db_url)) == 2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), "the alarm outlived the batch"


def test_celery_limits_of_a_message_grow_with_its_documents() -> None:
    settings = Settings(soft_time_limit=60, hard_time_limit=90)
    one, sixteen = batch_time_limits(settings, 1), batch_time_limits(settings, 16)
    assert one == {"soft_time_limit": 75, "time_limit": 90}  # a message of one: the document's own limits
    assert sixteen == {"soft_time_limit": 15 * 60 + 75, "time_limit": 15 * 60 + 90}


TEXT_REPORT = 10_000  # bytes: a text report, about as the generated ones


def text_reports(documents: int) -> list[int]:
    return [TEXT_REPORT] * documents


@pytest.mark.parametrize(
    ("documents", "processes", "most"), [(1000, 2, 16), (1000, 2, 64), (40, 2, 16), (3, 2, 16), (1000, 64, 16)]
)
def test_batches_cover_every_document_and_shrink_as_the_queue_drains(documents: int, processes: int, most: int) -> None:
    sizes = list(batch_sizes(text_reports(documents), processes, most, 1 << 20))
    assert sum(sizes) == documents
    assert max(sizes) <= most and min(sizes) >= 1
    assert sizes == sorted(sizes, reverse=True), "never a bigger batch after a smaller one"
    assert all(size <= SMALLEST_BATCH for size in sizes[-processes:]), "the last messages are small"
    assert len(sizes) >= min(documents // SMALLEST_BATCH, BATCHES_PER_PROCESS * processes), "every process gets several"


def test_a_message_holds_a_few_documents_at_least() -> None:
    assert list(batch_sizes(text_reports(2 * SMALLEST_BATCH + 2), 2, 16)) == [SMALLEST_BATCH, SMALLEST_BATCH, 2]
    assert list(batch_sizes(text_reports(3), 2, 16)) == [3]
    assert list(batch_sizes(text_reports(5), 1, 1)) == [1] * 5  # a batch size of one is kept


def test_no_document_no_batch() -> None:
    assert list(batch_sizes([], 2, 16)) == []


def test_big_files_go_a_few_a_message_and_a_file_over_the_budget_alone() -> None:
    pdf = 400_000
    files = [pdf] * 10 + [3 * (1 << 20)] + text_reports(200)
    sizes = list(batch_sizes(files, 2, 64, 1 << 20))
    assert sum(sizes) == len(files)
    assert sizes[:5] == [2, 2, 2, 2, 2], "two 400 KB files a message under a 1 MiB budget"
    assert sizes[5] == 1, "a file bigger than the budget travels alone"
    assert max(sizes) > 2 * SMALLEST_BATCH, "small files after big ones still travel many a message"
    start = 0
    for size in sizes:
        assert size == 1 or sum(files[start : start + size]) <= 1 << 20
        start += size


def test_without_a_budget_bytes_do_not_matter() -> None:
    assert list(batch_sizes([5 << 20] * 40, 2, 16)) == list(batch_sizes(text_reports(40), 2, 16))


# ---- nested time limits ---------------------------------------------------------------------


def test_an_inner_limit_fires_and_gives_the_outer_one_back() -> None:
    with time_limit(5.0, lambda s: TimeoutError(f"outer {s}")):
        with pytest.raises(ExtractError, match="E050"), time_limit(0.01):
            time.sleep(1)
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 4.0 < left <= 5.0
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_outer_deadline_that_comes_first_still_fires_inside_an_inner_limit() -> None:
    outer = time_limit(0.05, lambda s: TimeoutError(f"outer {s}"))
    with pytest.raises(TimeoutError, match="outer"), outer, time_limit(10.0):
        time.sleep(2)


# ---- the runner's re-send ------------------------------------------------------------------


def queued_messages(settings: Settings) -> int:
    return sum(1 for p in (settings.state_dir / "queue" / "in").iterdir() if p.is_file())


def test_the_runner_sends_big_files_in_messages_of_their_own(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path / "state", batch_bytes=1 << 20)
    app = make_app(settings)
    items = [(d, p) for p, d in write_reports(tmp_path, 4)]
    as_pdfs = {digest: 600_000 for digest, _ in items}  # what run_audit passes: each file's size by its hash
    send(app, settings.database_url(), items, settings, processes=2, most=64)
    assert queued_messages(settings) == 1, "four text reports: one message"
    send(app, settings.database_url(), items, settings, processes=2, most=64, file_sizes=as_pdfs)
    assert queued_messages(settings) == 1 + 4, "four 600 KB files under a 1 MiB budget: one a message"
    app.close()


def test_a_document_no_worker_finishes_is_recorded_as_failed_after_its_resends(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path / "state")
    db_url = settings.database_url()
    app = make_app(settings)
    missing = [(d, p) for p, d in write_reports(tmp_path, 2)]
    resent: Counter[str] = Counter()
    for sweep in range(MAX_RESENDS):
        resend_or_give_up(app, db_url, missing, settings, resent)
        assert queued_messages(settings) == 2 * (sweep + 1), "each re-sent document travels alone"
        assert stored(db_url) == {}
    resend_or_give_up(app, db_url, missing, settings, resent)
    assert queued_messages(settings) == 2 * MAX_RESENDS, "nothing is sent after the last try"
    errors = {error for _, error in stored(db_url).values()}
    assert errors == {f"no worker finished auditing it in {MAX_RESENDS + 1} tries (a crash, or the hard time limit)"}
    app.close()


def test_progress_is_read_often_near_the_end_and_seldom_before() -> None:
    shortest, longest = POLL_SECONDS
    assert poll_interval(0, 1000, 0.0) == shortest  # no rate yet: the first read soon ...
    assert poll_interval(0, 1000, 0.3) == pytest.approx(0.3)  # ... then as long again as waited so far
    assert poll_interval(0, 1000, 5.0) == longest
    assert poll_interval(100, 10_000, 10.0) == longest  # 100 s to go
    assert poll_interval(100, 1, 10.0) == shortest  # the last document: the end is seen at once
    middle = poll_interval(100, 16, 10.0)  # 1.6 s to go: a read every 0.4 s
    assert middle == pytest.approx(0.4)
    waits = [poll_interval(100, left, 10.0) for left in range(1000, 0, -10)]
    assert waits == sorted(waits, reverse=True)  # never longer as the audit nears its end
