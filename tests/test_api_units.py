"""The API's parts without a server: zip and path guards, settings, the token, the check pool's limits, tables."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import stat
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

from extractor.errors import Errors, ExtractError
from extractor.settings import Limits
from extractor.stages import Outcome
from tests.test_api import report_bytes, zip_bytes
from workers.api.app import ApiSettings, Rejected, reason_code, rejected_outcome, run_check
from workers.api.guard import bearer_token, token_matches
from workers.api.pool import CheckCrashed, CheckPool, CheckTimeout, PoolConfig
from workers.api.review import finding_marks, finding_tables, full_tables
from workers.api.uploads import (
    ZipLimits,
    confine,
    corpus_files,
    extract_zip,
    member_name,
    member_path,
    plan_extraction,
    precheck,
    safe_name,
)

LIMITS = ZipLimits(max_members=10, max_total_bytes=4 * 1024 * 1024, max_member_bytes=2 * 1024 * 1024, max_ratio=50)


# ---- names and paths ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\报告.pdf", "报告.pdf"),
        ("a\x00b\nc.txt", "abc.txt"),
        ("", "upload"),
        (None, "upload"),
        ("..", "upload"),
    ],
)
def test_safe_name(given: str | None, expected: str) -> None:
    assert safe_name(given) == expected


def test_safe_name_fits_a_file_system_name() -> None:
    name = safe_name("政" * 300 + ".txt")
    assert len(name.encode()) <= 180 and name.startswith("政")


@pytest.mark.parametrize(
    "name", ["../x", "a/../../x", "/abs", "\\abs", "..\\x", "C:/x", "c:x", "a/\0/b", "", "./", "a/..//../b"]
)
def test_member_path_refuses_escapes(name: str) -> None:
    with pytest.raises(Rejected, match="unsafe path"):
        member_path(name)


def test_member_path_normalises_harmless_names() -> None:
    assert str(member_path("./reports//2023/a.txt")) == "reports/2023/a.txt"


def test_gbk_member_names_are_decoded() -> None:
    info = zipfile.ZipInfo("x")
    info.filename = "年报.txt".encode("gbk").decode("cp437")  # what zipfile gives for a GBK name without the flag
    assert member_name(info) == "年报.txt"


def test_confine_keeps_paths_inside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "r.txt").write_text("x")
    (tmp_path / "outside.txt").write_text("x")
    (root / "link.txt").symlink_to(tmp_path / "outside.txt")
    assert confine(root, "a/r.txt") == (root / "a" / "r.txt").resolve()
    for bad in ("../outside.txt", str(tmp_path / "outside.txt"), "link.txt", "a/../../outside.txt"):
        with pytest.raises(Rejected) as refused:
            confine(root, bad)
        assert refused.value.status == 403
    with pytest.raises(Rejected, match="file not found"):
        confine(root, "a/missing.txt")
    with pytest.raises(Rejected):
        confine(root, "a\0b")
    assert corpus_files(root, ["a"], 10) == [root / "a" / "r.txt"]
    with pytest.raises(Rejected, match="too many files"):
        corpus_files(root, ["a", "a/r.txt"], 1)


# ---- zips --------------------------------------------------------------------------------------


def test_plan_refuses_bombs_and_oddities() -> None:
    def plan(members: dict[str, bytes]) -> list[Any]:
        with zipfile.ZipFile(io.BytesIO(zip_bytes(members))) as zf:
            return plan_extraction(zf, LIMITS)

    with pytest.raises(Rejected, match="zip bomb"):
        plan({"a.txt": b"\0" * (1024 * 1024)})
    with pytest.raises(Rejected, match="too many members"):
        plan({f"{i}.txt": b"x" for i in range(11)})
    with pytest.raises(Rejected, match="too large"):
        plan({"big.txt": os.urandom(3 * 1024 * 1024)})
    with pytest.raises(Rejected, match="twice"):
        plan({"A.txt": b"x", "a.txt": b"y"})
    with pytest.raises(Rejected, match="no files"):
        plan({"folder/": b"", "__MACOSX/._a.txt": b"x", ".DS_Store": b"x"})
    assert [str(p) for _, p in plan({"dir/": b"", "dir/r.txt": b"x", "s.txt": b"y"})] == ["dir/r.txt", "s.txt"]


def test_symlink_and_encrypted_members_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link.txt")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with zipfile.ZipFile(buf) as zf, pytest.raises(Rejected, match="symbolic link"):
        plan_extraction(zf, LIMITS)
    data = bytearray(zip_bytes({"a.txt": b"x"}))
    data[6] |= 0x1  # the local header's "encrypted" flag …
    at = data.index(b"PK\x01\x02")
    data[at + 8] |= 0x1  # … and the central directory's
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf, pytest.raises(Rejected, match="encrypted"):
        plan_extraction(zf, LIMITS)


def test_extract_writes_inside_its_folder_and_cleans_up_on_refusal(tmp_path: Path) -> None:
    good = zip_bytes({"年报/a.txt": b"one", "b.txt": b"two"}, zipfile.ZIP_STORED)
    files = extract_zip(io.BytesIO(good), tmp_path / "ok", LIMITS)
    assert [f.relative_to(tmp_path / "ok").as_posix() for f in files] == ["年报/a.txt", "b.txt"]
    assert files[0].read_bytes() == b"one"
    corrupt = bytearray(good)
    at = corrupt.index(b"two")
    corrupt[at : at + 3] = b"TWO"  # the last member's bytes no longer match its CRC
    with pytest.raises(Rejected, match="not a valid zip"):
        extract_zip(io.BytesIO(bytes(corrupt)), tmp_path / "bad", LIMITS)
    assert not (tmp_path / "bad").exists()
    with pytest.raises(Rejected) as not_zip:
        extract_zip(io.BytesIO(b"just text"), tmp_path / "text", LIMITS)
    assert not_zip.value.status == 415


# ---- reasons, settings, token ---------------------------------------------------------------------


SAMPLE_PARAMS = {"size": 1, "limit": 2, "tried": "utf-8", "detail": "x", "pages": 3, "chars": 4}


@pytest.mark.parametrize("code", sorted(c for c in dir(Errors) if c.startswith("E")))
def test_every_extractor_reason_maps_back_to_its_code(code: str) -> None:
    assert reason_code(ExtractError(code, **SAMPLE_PARAMS).reason) == code


def test_failed_outcomes_become_4xx_and_only_internal_errors_5xx() -> None:
    api = ApiSettings()
    binary = rejected_outcome(Outcome("failed", "a.bin", error="binary data, not text"), api)
    assert (binary.status, binary.code, binary.file) == (415, "E007", "a.bin")
    assert rejected_outcome(Outcome("failed", "a", error="PDF is encrypted"), api).status == 422
    memory = rejected_outcome(Outcome("failed", "a", error="internal error: MemoryError: ", internal=True), api)
    assert memory.status == 422 and "memory" in memory.reason
    internal = Outcome("failed", "a", error="internal error: KeyError: 'x'", internal=True)
    assert rejected_outcome(internal, api).status == 500


def test_api_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GKAUDIT_API_TOKEN", "  ")
    monkeypatch.setenv("GKAUDIT_CORPUS_ROOT", str(tmp_path))
    monkeypatch.setenv("GKAUDIT_INLINE_MAX_BYTES", "1000")
    settings = ApiSettings()
    assert settings.token() is None and settings.corpus_root == tmp_path.resolve()
    assert settings.inline_max_bytes == 1000
    monkeypatch.setenv("GKAUDIT_API_TOKEN", "s3cret")
    assert ApiSettings().token() == "s3cret" and "s3cret" not in repr(ApiSettings())
    monkeypatch.setenv("GKAUDIT_CORPUS_ROOT", str(tmp_path / "missing"))
    with pytest.raises(ValidationError, match="not a folder"):
        ApiSettings()
    monkeypatch.delenv("GKAUDIT_CORPUS_ROOT")
    monkeypatch.setenv("GKAUDIT_INLINE_MAX_BYTES", str(10**12))
    with pytest.raises(ValidationError, match="inline_max_bytes"):
        ApiSettings()
    monkeypatch.setenv("GKAUDIT_INLINE_MAX_BYTES", "-1")
    with pytest.raises(ValidationError):
        ApiSettings()


def test_bearer_token() -> None:
    assert bearer_token_of("Bearer abc") == "abc"
    assert bearer_token_of("bearer  abc ") == "abc"
    assert bearer_token_of("Basic abc") is None and bearer_token_of("abc") is None and bearer_token_of("") is None
    assert token_matches("abc", "abc") and not token_matches("abd", "abc") and not token_matches(None, "abc")
    assert not token_matches("ab", "abc") and not token_matches("abcd", "abc")


def bearer_token_of(value: str) -> str | None:
    from starlette.datastructures import Headers

    return bearer_token(Headers({"authorization": value}))


def test_precheck_by_content() -> None:
    assert precheck(b"%PDF-1.7 ...", 100, "x.txt", 1000) == "pdf"
    assert precheck(b"PK\x03\x04...", 100, "x.pdf", 1000) == "docx"
    with pytest.raises(Rejected) as ole:
        precheck(b"\xd0\xcf\x11\xe0 old word", 100, "x.docx", 1000)
    assert (ole.value.status, ole.value.code) == (415, "E005")
    with pytest.raises(Rejected, match="empty file"):
        precheck(b"", 0, "x.txt", 1000)
    with pytest.raises(Rejected) as big:
        precheck(b"text", 2000, "x.txt", 1000)
    assert big.value.status == 413 and "too large" in big.value.reason


# ---- the check pool: hard time limit, crashes ------------------------------------------------------


@pytest.fixture(scope="module")
def pool() -> Any:
    pool = CheckPool(PoolConfig(size=1, limits=Limits(parse_timeout_seconds=1.0), queue_wait=30, memory_bytes=0))
    pool.start()
    yield pool
    pool.close()


def test_pool_checks_like_audit_bytes(pool: CheckPool) -> None:
    name, data = report_bytes(40)
    outcome = asyncio.run(pool.run(data, name))
    assert outcome.status == "done" and outcome.result["file"] == name
    assert asyncio.run(pool.run(b"", "e.txt")).error == "empty file"


def test_pool_kills_a_child_that_does_not_answer(pool: CheckPool) -> None:
    """A child stuck where SIGALRM cannot reach (here: stopped) is killed after the hard limit and replaced."""
    name, data = report_bytes(41)
    child = pool._slots[0].proc
    os.kill(child.pid, signal.SIGSTOP)
    start = time.monotonic()
    with pytest.raises(CheckTimeout):
        asyncio.run(pool.run(data, name))
    assert pool.config.hard_timeout - 0.5 < time.monotonic() - start < pool.config.hard_timeout + 5
    assert not child.is_alive() and pool._slots[0].proc is not child
    assert asyncio.run(pool.run(data, name)).status == "done"


def test_pool_replaces_a_child_that_died(pool: CheckPool) -> None:
    name, data = report_bytes(42)
    child = pool._slots[0].proc
    os.kill(child.pid, signal.SIGKILL)
    child.join(5)
    with pytest.raises(CheckCrashed):
        asyncio.run(pool.run(data, name))
    assert asyncio.run(pool.run(data, name)).status == "done" and pool.alive() == 1


def test_check_errors_map_to_4xx_with_the_cli_reason() -> None:
    def services(error: Exception) -> Any:
        async def run(_data: bytes, _name: str) -> Outcome:
            raise error

        return SimpleNamespace(pool=SimpleNamespace(run=run), api=ApiSettings(check_timeout=7))

    with pytest.raises(Rejected) as timeout:
        asyncio.run(run_check(services(CheckTimeout()), b"x", "slow.pdf"))
    assert (timeout.value.status, timeout.value.reason) == (422, "parsing took too long (limit 7.0 s)")
    with pytest.raises(Rejected) as crashed:
        asyncio.run(run_check(services(CheckCrashed(-11)), b"x", "crash.pdf"))
    assert crashed.value.status == 422 and crashed.value.file == "crash.pdf"


# ---- the review page's tables ------------------------------------------------------------------


PAYLOAD: dict[str, Any] = {
    "tables": {
        "applications.granted.natural_person": 8,
        "applications.granted.total": 8,
        "applications.partial.natural_person": 1,
        "applications.partial.total": 2,
        "applications.new.total": 29,
        "review.upheld": 0,
        "stats.active.total": 500,
    },
    "raw_cells": {"applications.granted.total": "8", "applications.partial.total": "2"},
}
FINDING = {
    "rule": "GK102",
    "severity": "warning",
    "metric": "applications.granted.total",
    "evidence": {"cells": {"applications.granted.total": {}, "applications.partial.total": {}}},
}


def test_finding_tables_mark_the_cited_cells() -> None:
    assert finding_marks(FINDING) == {"applications.granted.total": "primary", "applications.partial.total": "related"}
    (grid,) = finding_tables(FINDING, PAYLOAD)
    assert grid["id"] == "applications" and [r["zh"] for r in grid["rows"]] == ["予以公开", "部分公开"]
    assert [c["id"] for c in grid["columns"]] == ["natural_person", "total"]
    granted = grid["rows"][0]["cells"]
    assert [(c["value"], c["mark"]) for c in granted] == [("8", ""), ("8", "primary")]
    assert grid["rows"][1]["cells"][1]["mark"] == "related"


def test_full_tables_cover_every_table() -> None:
    grids = {g["id"]: g for g in full_tables([FINDING], PAYLOAD)}
    assert set(grids) == {"applications", "review", "stats"}
    assert grids["stats"]["rows"][0]["zh"] == "主动公开政府信息数"
    assert grids["review"]["columns"][0]["zh"] == "结果维持"
    marked = [c["key"] for r in grids["applications"]["rows"] for c in r["cells"] if c and c["mark"] == "cited"]
    assert marked == ["applications.granted.total", "applications.partial.total"]


# ---- health probes -----------------------------------------------------------------------------


def test_health_probes_name_what_does_not_answer(tmp_path: Path) -> None:
    from workers.api.services import broker_ok, probe
    from workers.queue.settings import Settings

    embedded = Settings(state_dir=tmp_path / "state")
    assert asyncio.run(probe("embedded", lambda: broker_ok(embedded))).ok
    down = Settings(broker_url="redis://127.0.0.1:1/0", state_dir=tmp_path / "state")
    result = asyncio.run(probe("redis", lambda: broker_ok(down)))
    assert not result.ok and result.kind == "redis" and "OperationalError" in (result.error or "")
