"""The runner's bookkeeping at corpus scale (issue 22): the files found as a stream, in the order and with the
choices of the former ``sorted(folder.rglob("*"))``; what the runner keeps per document while it waits."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from extractor.stages import Outcome
from models.version import PIPELINE_VERSION
from tests.services import DATABASE_KINDS, sqlite_or_postgres
from workers.audit.rows import result_row
from workers.queue import runner
from workers.queue.files import REPORT_SUFFIXES, FileEntry, discover, iter_files
from workers.store import IN_LIST_MOST, get_engine, session_scope, store_results


def rglob_discover(paths: list[Path]) -> list[Path]:
    """The former ``discover``: every path of each folder from rglob, sorted, then filtered."""
    seen: dict[str, Path] = {}
    for p in paths:
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in REPORT_SUFFIXES and not child.name.startswith("."):
                    seen.setdefault(str(child.resolve()), child)
        else:
            seen.setdefault(str(p.resolve()) if p.exists() else str(p), p)
    return list(seen.values())


def tree(root: Path) -> Path:
    """Names whose order as strings and as path parts could differ, links, hidden and odd entries."""
    corpus = root / "corpus"
    for name in (
        "a.txt",
        "a b.txt",
        "a-b.txt",
        "a/x.txt",
        "a/b/y.PDF",
        "a.d/z.html",
        "ab.txt",
        "A.txt",
        "b/.hidden.txt",
        ".hid/inside.txt",
        "b/notes.csv",
        "b/c.docx",
        "b/c/d.md",
        "b/c/d/e.htm",
        "b/c0.text",
        "z/zz/zzz/deep.txt",
        "报告/某局2023年报告.txt",
        "报告2/甲.txt",
    ):
        path = corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
    (corpus / "folder.txt").mkdir()  # a directory named like a report
    (corpus / "folder.txt" / "in.txt").write_text("in")
    outside = root / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "sub" / "o.txt").write_text("o")
    (corpus / "linked-dir").symlink_to(outside / "sub", target_is_directory=True)  # not followed
    (corpus / "m-link.txt").symlink_to(corpus / "a.txt")  # the same file again: found once
    (corpus / "n-link.txt").symlink_to(outside / "sub" / "o.txt")
    (corpus / "broken.txt").symlink_to(root / "nowhere.txt")
    return corpus


def test_files_are_found_as_rglob_found_them(tmp_path: Path) -> None:
    corpus = tree(tmp_path)
    for args in (
        [corpus],
        [corpus / "b", corpus, tmp_path / "outside" / "sub" / "o.txt"],
        [corpus / "a.txt", tmp_path / "missing.txt", corpus / "a", corpus / "linked-dir"],
        [tmp_path / "outside", corpus / "n-link.txt"],
    ):
        expected = rglob_discover(args)
        assert discover(args) == expected, args
        assert list(iter_files(args)) == expected
    assert len(discover([corpus])) > 15


def test_file_entries_carry_no_dict() -> None:
    entry = FileEntry("a.txt", "0" * 64, 1)
    assert not hasattr(entry, "__dict__")
    assert os.fspath(entry.path) == "a.txt"


@pytest.fixture(params=DATABASE_KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with sqlite_or_postgres(request.param, tmp_path, "runner_scale") as url:
        yield url


def test_statuses_are_read_with_one_statement_per_list_length_on_sqlite(db_url: str) -> None:
    """The reads of which contents have results (the runner's, each worker's per batch) give the stored
    statuses; on SQLite two reads of different hashes send the same statements (bound parameters: one compiled
    statement each in the driver's cache, not one per list of literals), on PostgreSQL the hashes are written
    in (literals)."""
    digests = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(2 * IN_LIST_MOST + 30)]
    store_results(db_url, [(result_row(Outcome("failed", f"{d}.txt", error="x"), d), [], []) for d in digests[::3]])
    engine = get_engine(db_url)
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

    answers = []
    for asked in (digests[: 2 * IN_LIST_MOST], digests[30:]):  # two lists of one length, other hashes
        with session_scope(db_url) as session:
            event.listen(engine, "before_cursor_execute", record)
            try:
                answers.append(runner.result_statuses(session, asked, PIPELINE_VERSION))
            finally:
                event.remove(engine, "before_cursor_execute", record)
            assert answers[-1] == {d: "failed" for d in digests[::3] if d in set(asked)}
    assert answers[0] and answers[1] and len(sent) == 4
    if engine.dialect.name == "sqlite":
        assert len(set(sent)) == 1 and not any(d in sent[0] for d in digests)
    else:
        assert all(any(d in statement for d in digests) for statement in sent)
