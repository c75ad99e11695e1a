"""The quality ranking: order and fields, groups, the JSON/CSV/HTML writers, and the page in headless Chromium."""

from __future__ import annotations

import csv
import dataclasses
import html
import itertools
import json
import random
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from corpus.generate import generate_report, render_text
from extractor.checks.keys import describe_cell
from extractor.quality import WEIGHTS
from models.stages import audit_bytes
from models.version import PIPELINE_VERSION
from tests.conftest import CHROMIUM_FLAGS, REQUIRE_SERVICES, SEEDS
from workers.audit.rows import claim_rows, finding_rows, result_row
from workers.report.rank import (
    PAGE_ROWS,
    group_ranking,
    histogram,
    ranking,
    render_html,
    write_csv,
    write_html,
    write_json,
)
from workers.store import (
    Audit,
    AuditDocument,
    CorpusFinding,
    Result,
    ResultSummary,
    content_hash,
    get_engine,
    session_scope,
    store_result,
)

GENERATED = 4
BROKEN_CELL = "applications.new.total"


@dataclass
class Corpus:
    url: str
    audit_id: int
    docs: dict[str, bytes]  # path → bytes, as the audit saw them
    broken: str  # the path of the generated report with a wrong table total
    failed: str
    duplicate: tuple[str, str]  # two paths, one content


def generated(i: int, break_total: bool = False) -> bytes:
    report = generate_report(random.Random(i), i)
    if break_total:
        cells = dict(report.cells)
        cells[BROKEN_CELL] = str(int(cells[BROKEN_CELL]) + 7) if cells[BROKEN_CELL].isdigit() else "99"
        report = dataclasses.replace(report, cells=cells)
    return render_text(report).encode(report.style.text_encoding)


def corpus_documents() -> dict[str, bytes]:
    docs = {f"gen/report_{i}.txt": generated(i) for i in range(GENERATED)}
    docs["gen/broken_total.txt"] = generated(0, break_total=True)  # report 0 with a wrong total: same agency
    docs["copies/report_0.txt"] = docs["gen/report_0.txt"]
    docs["bad/empty.txt"] = b""
    if SEEDS.exists():
        docs.update({f"seeds/{p.name}": p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))})
    return docs


def store_corpus(url: str, docs: dict[str, bytes]) -> int:
    for name, data in docs.items():
        outcome = audit_bytes(data, name)
        store_result(url, result_row(outcome, content_hash(data)), finding_rows(outcome), claim_rows(outcome))
    with session_scope(url) as session:
        old = Audit(pipeline_version=PIPELINE_VERSION, label="an older audit")
        audit = Audit(pipeline_version=PIPELINE_VERSION, label="测试审计")
        session.add_all([old, audit])
        session.flush()
        session.add(AuditDocument(audit_id=old.id, path="gen/report_1.txt", content_hash="x" * 64, size=1))
        session.add_all(
            AuditDocument(audit_id=audit.id, path=p, content_hash=content_hash(d), size=len(d)) for p, d in docs.items()
        )
        session.add(
            CorpusFinding(
                audit_id=audit.id,
                content_hash=content_hash(docs["gen/report_1.txt"]),
                rule="GK901",
                kind="corpus",
                severity="warning",
                metric="applications.carried_in.total",
                message_zh="上年结转<与上年报告不符>",
                message_en="carried over <differs from last year's report>",
                evidence={"cells": {"applications.carried_in.total": {"value": 3, "raw": "3"}}},
            )
        )
        return audit.id


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    url = f"sqlite:///{tmp_path_factory.mktemp('rank') / 'gkaudit.db'}"
    docs = corpus_documents()
    audit_id = store_corpus(url, docs)
    return Corpus(
        url, audit_id, docs, "gen/broken_total.txt", "bad/empty.txt", ("copies/report_0.txt", "gen/report_0.txt")
    )


@pytest.fixture(scope="module")
def rows(corpus: Corpus) -> list[dict]:
    with session_scope(corpus.url) as session:
        return ranking(session)


def by_path(rows: list[dict], path: str) -> dict:
    return next(r for r in rows if path in r["paths"])


# ---- ranking -------------------------------------------------------------------------------


def test_latest_audit_has_one_row_per_content(corpus: Corpus, rows: list[dict]) -> None:
    assert len(rows) == len({content_hash(d) for d in corpus.docs.values()})
    assert {p for r in rows for p in r["paths"]} == set(corpus.docs)
    assert {r["audit_id"] for r in rows} == {corpus.audit_id}
    with session_scope(corpus.url) as session:
        assert [r["content_hash"] for r in ranking(session, corpus.audit_id)] == [r["content_hash"] for r in rows]
        with pytest.raises(LookupError):
            ranking(session, 999)


def statements_of(url: str, read: Callable[[Session], object]) -> list[str]:
    """The SQL ``read`` sends (in a session of its own)."""
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    engine = get_engine(url)
    event.listen(engine, "before_cursor_execute", record)
    try:
        with session_scope(url) as session:
            read(session)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent


def test_the_ranking_reads_no_payload(corpus: Corpus) -> None:
    sent = statements_of(corpus.url, ranking)
    assert sent and not [s for s in sent if "payload" in s]


def older_copy(corpus: Corpus, tmp_path: Path, *changes: str) -> str:
    """The corpus's database as an earlier gkaudit (or a writer without findings rows) left it."""
    copy = tmp_path / "older.db"
    with sqlite3.connect(corpus.url.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as conn:
        source.backup(conn)  # with what is still in the write-ahead log
        for change in changes:
            conn.execute(change)
    return f"sqlite:///{copy}"


def test_a_database_from_before_the_summaries_ranks_the_same_and_gains_them(
    corpus: Corpus, rows: list[dict], tmp_path: Path
) -> None:
    url = older_copy(corpus, tmp_path, "DROP TABLE result_summaries", "DROP INDEX ix_results_path")
    with session_scope(url) as session:
        assert ranking(session) == rows
        assert session.scalar(select(func.count()).select_from(ResultSummary)) == session.scalar(
            select(func.count()).select_from(Result)
        )
    assert not [s for s in statements_of(url, ranking) if "payload" in s], "written once, then read by index"


def test_rows_read_from_payloads_equal_rows_read_by_index(corpus: Corpus, rows: list[dict], tmp_path: Path) -> None:
    url = older_copy(corpus, tmp_path, "DELETE FROM findings")  # every done result falls back to its payload
    sent = statements_of(url, ranking)
    assert [s for s in sent if "payload" in s]
    with session_scope(url) as session:
        assert ranking(session) == rows
    assert any(r["findings"] for r in rows)


def test_same_content_under_two_paths_shares_a_row(corpus: Corpus, rows: list[dict]) -> None:
    row = by_path(rows, corpus.duplicate[0])
    assert row["paths"] == sorted(corpus.duplicate)
    assert row["path"] == row["paths"][0]


def test_order_is_by_quality_with_failed_last(corpus: Corpus, rows: list[dict]) -> None:
    done = [r for r in rows if r["status"] == "done"]
    assert rows[: len(done)] == done
    assert [r["quality"] for r in done] == sorted((r["quality"] for r in done), reverse=True)
    failed = rows[-1]
    assert failed["status"] == "failed" and corpus.failed in failed["paths"]
    assert failed["error"] and failed["rank"] is None and failed["quality"] is None
    assert done[0]["rank"] == 1
    for previous, row in itertools.pairwise(done):
        tied = row["quality"] == previous["quality"]
        assert row["rank"] == previous["rank"] if tied else row["rank"] > previous["rank"]


def test_row_fields(corpus: Corpus, rows: list[dict]) -> None:
    broken = by_path(rows, corpus.broken)
    assert broken["errors"] >= 1 and broken["quality"] < 100
    assert set(broken["quality_components"]) == set(WEIGHTS)
    assert broken["claims_total"] >= broken["claims_verified"] > 0
    assert broken["agency"] and broken["year"] and broken["format_version"] in ("2019", "2021")
    assert len(broken["content_hash"]) == 64
    mismatch = next(f for f in broken["findings"] if f["kind"] == "narrative_mismatch")
    start, end = mismatch["sentence_span"]
    assert mismatch["evidence"]["sentence"][start:end] == mismatch["evidence"]["claim"]["text"]
    corpus_row = by_path(rows, "gen/report_1.txt")
    assert [f["rule"] for f in corpus_row["corpus_findings"]] == ["GK901"]
    assert all(not r["corpus_findings"] for r in rows if r is not corpus_row)


# ---- groups --------------------------------------------------------------------------------


def test_group_by_body(rows: list[dict]) -> None:
    groups = group_ranking(rows, "body")
    assert sum(g["documents"] for g in groups) == len(rows)
    assert len(groups) == len({r["agency"] for r in rows})
    means = [g["mean_quality"] for g in groups if g["mean_quality"] is not None]
    assert means == sorted(means, reverse=True)
    unnamed = next(g for g in groups if g["agency"] is None)
    assert unnamed["failed"] == 1  # the failed document has no agency
    twice = next(g for g in groups if g["agency"] == by_path(rows, "gen/broken_total.txt")["agency"])
    # the consistent one ranks above the broken one (not 100: the problems section is scored too)
    assert twice["documents"] == 2 and twice["min_quality"] < twice["max_quality"] <= 100
    assert next(g["rank"] for g in groups if g["mean_quality"] is not None) == 1
    assert sum(g["errors"] for g in groups) == sum(r["errors"] for r in rows)


def test_group_by_year(rows: list[dict]) -> None:
    groups = group_ranking(rows, "year")
    known = [g["year"] for g in groups if g["year"] is not None]
    assert known == sorted(known) and len(known) == len(set(known))
    assert sum(g["documents"] for g in groups) == len(rows)
    for g in groups:
        scores = [r["quality"] for r in rows if r["year"] == g["year"] and r["quality"] is not None]
        if scores:
            assert g["mean_quality"] == round(sum(scores) / len(scores), 1)
            assert g["min_quality"] <= g["median_quality"] <= g["max_quality"]
    with pytest.raises(ValueError):
        group_ranking(rows, "agency")  # type: ignore[arg-type]


# ---- JSON and CSV --------------------------------------------------------------------------


def test_json_is_a_list_of_documents(rows: list[dict], tmp_path: Path) -> None:
    out = tmp_path / "ranking.json"
    write_json(rows, out)
    text = out.read_text(encoding="utf-8")
    loaded = json.loads(text)
    assert isinstance(loaded, list) and len(loaded) == len(rows)
    assert [r["content_hash"] for r in loaded] == [r["content_hash"] for r in rows]
    assert rows[0]["agency"] in text  # Chinese as is, not \u escapes


def test_csv_opens_with_one_row_per_document(rows: list[dict], tmp_path: Path) -> None:
    out = tmp_path / "ranking.csv"
    write_csv(rows, out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(out, encoding="utf-8-sig", newline="") as f:
        lines = list(csv.DictReader(f))
    assert len(lines) == len(rows)
    assert lines[0]["agency"] == rows[0]["agency"] and lines[0]["rank"] == "1"
    assert {f"quality_components.{name}" for name in WEIGHTS} <= set(lines[0])
    duplicate = next(line for line in lines if " | " in line["paths"])
    assert len(duplicate["paths"].split(" | ")) == 2
    groups = tmp_path / "by_body.csv"
    write_csv(group_ranking(rows, "body"), groups)
    with open(groups, encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.DictReader(f))) == len(group_ranking(rows, "body"))


# ---- HTML ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(corpus: Corpus, rows: list[dict], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "ranking.html"
    with session_scope(corpus.url) as session:
        write_html(session, rows, out, title="质量排名 <测试>")
    return out


def test_html_has_every_document_and_the_histogram(page: Path, rows: list[dict]) -> None:
    text = page.read_text(encoding="utf-8")
    assert text.count('<details class="doc"') == len(rows)
    for row in rows:
        for path in row["paths"]:
            assert html.escape(path) in text
    assert '<svg id="histogram"' in text and text.count('<rect class="bar"') == 10
    assert "质量排名 &lt;测试&gt;" in text and "<测试>" not in text
    assert "上年结转&lt;与上年报告不符&gt;" in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text
    for name in ("排名", "机关", "年度", "质量分", "错误", "提示"):
        assert f"{name}<br>" in text
    assert "empty" in text and by_path(rows, "bad/empty.txt")["error"] in text


def test_html_shows_sentence_with_claim_marked_and_cells(corpus: Corpus, page: Path, rows: list[dict]) -> None:
    text = page.read_text(encoding="utf-8")
    finding = next(f for f in by_path(rows, corpus.broken)["findings"] if f["kind"] == "narrative_mismatch")
    sentence, claim = finding["evidence"]["sentence"], finding["evidence"]["claim"]["text"]
    start, end = finding["sentence_span"]
    marked = f"{html.escape(sentence[:start])}<mark>{html.escape(claim)}</mark>{html.escape(sentence[end:])}"
    assert marked in text
    assert html.escape(finding["message_zh"]) in text and html.escape(finding["message_en"]) in text
    zh, _en = describe_cell(BROKEN_CELL)
    assert html.escape(zh) in text


def test_histogram_bins(rows: list[dict]) -> None:
    counts = histogram(rows)
    assert len(counts) == 10 and sum(counts) == sum(r["status"] == "done" for r in rows)
    assert counts[9] == sum(r["quality"] is not None and r["quality"] >= 90 for r in rows)
    assert histogram([{"status": "done", "quality": q} for q in (0.0, 9.9, 10.0, 55.5, 100.0)]) == [
        2, 1, 0, 0, 0, 1, 0, 0, 0, 1
    ]  # fmt: skip


def test_an_empty_audit_renders(corpus: Corpus) -> None:
    with session_scope(corpus.url) as session:
        audit = Audit(pipeline_version=PIPELINE_VERSION, label="empty")
        session.add(audit)
        session.flush()
        assert ranking(session, audit.id) == []
        text = render_html(session, [], audit_id=audit.id)
        session.delete(audit)
    assert '<svg id="histogram"' in text and "document.body.dataset.ready" in text


def test_html_escapes_what_it_shows(corpus: Corpus, rows: list[dict]) -> None:
    row = dict(rows[0])
    row["agency"] = "<script>alert(1)</script>机关"
    row["findings"] = [
        {
            "rule": "GK101",
            "kind": "narrative_mismatch",
            "severity": "error",
            "metric": BROKEN_CELL,
            "message_zh": "正文称“<b>5件</b>”",
            "message_en": "The text says <b>",
            "evidence": {
                "sentence": "收到申请<i>5件</i>，办结5件",
                "claim": {"text": "5件", "section": "overview", "start": 7, "end": 9},
                "cells": {BROKEN_CELL: {"value": 6, "raw": "6<br>"}},
            },
            "sentence_span": [7, 9],
        }
    ]
    with session_scope(corpus.url) as session:
        text = render_html(session, [row])
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;机关" in text
    assert "收到申请&lt;i&gt;<mark>5件</mark>&lt;/i&gt;，办结5件" in text
    assert "6&lt;br&gt;" in text and "&lt;b&gt;5件&lt;/b&gt;" in text


def test_html_caps_the_details_of_a_document(corpus: Corpus, rows: list[dict]) -> None:
    row = dict(by_path(rows, corpus.broken))
    finding = row["findings"][0]
    row["findings"] = [finding] * 60
    with session_scope(corpus.url) as session:
        text = render_html(session, [row])
    assert text.count('<li class="finding') == 50
    assert "另有 10 项发现未在此显示" in text


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        message = "chromium not found: install Debian's chromium (apt-get install -y chromium)"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_html_renders_in_headless_chromium(page: Path, rows: list[dict], tmp_path: Path) -> None:
    binary = chromium()
    dom = run_chromium(binary, tmp_path / "profile-dom", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<body data-ready="1">' in dom.stdout, "the page's script did not finish"
    assert f"显示 {len(rows)} / {len(rows)} 份" in dom.stdout
    png = tmp_path / "ranking.png"
    shot = run_chromium(
        binary, tmp_path / "profile-png", f"--screenshot={png}", "--window-size=1400,1000", page.as_uri()
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png.exists() and png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 20_000


def many(rows: list[dict], count: int) -> list[dict]:
    """``count`` documents made of the first row, each of another body and path."""
    return [dict(rows[0], agency=f"某局{i:03d}", path=f"x/{i:03d}.txt", paths=[f"x/{i:03d}.txt"]) for i in range(count)]


def ranking_table(dom: str) -> str:
    return dom.split('<table id="ranking"', 1)[1].split("</table>", 1)[0]


def test_html_pages_a_large_ranking_and_filters_all_of_it(corpus: Corpus, rows: list[dict], tmp_path: Path) -> None:
    binary = chromium()
    page = tmp_path / "many.html"
    with session_scope(corpus.url) as session:
        page.write_text(render_html(session, many(rows, 250)), encoding="utf-8")
    text = page.read_text(encoding="utf-8")
    assert ranking_table(text).count("<tr") == 1, "the documents are data, not rows of the page's source"
    assert "x/249.txt" in text and text.count('<details class="doc"') == 250
    dom = run_chromium(binary, tmp_path / "profile", "--dump-dom", page.as_uri()).stdout
    assert '<body data-ready="1">' in dom and "显示 250 / 250 份" in dom and "第 1 / 3 页" in dom
    table = ranking_table(dom)
    assert table.count("<tr class=") == PAGE_ROWS and "某局000" in table and "某局100" not in table
    dom = run_chromium(binary, tmp_path / "profile", "--dump-dom", page.as_uri() + "?q=某局01").stdout
    assert "显示 10 / 250 份" in dom and ranking_table(dom).count("<tr class=") == 10


def test_ranking_and_showing_stored_results_import_no_analysis(tmp_path: Path) -> None:
    """``rank`` and ``show`` read the stored results, marks included: no spaCy, no model (issue 22: they answer
    from the database); a report with a corrected cell is checked again, and that one imports the rules."""
    from tests.test_imports import gkaudit
    from workers.audit.triage import correct_cell, set_mark

    url = f"sqlite:///{tmp_path / 'gkaudit.db'}"
    docs = {f"gen/report_{i}.txt": generated(i) for i in range(2)} | {"gen/broken_total.txt": generated(0, True)}
    store_corpus(url, docs)
    broken = content_hash(docs["gen/broken_total.txt"])
    with session_scope(url) as session:
        payload = session.scalar(select(Result.payload).where(Result.content_hash == broken))
        set_mark(session, broken, payload["findings"][0], "confirmed", None)
    analysis = {"spacy", "sklearn", "rjieba", "extractor.audit"}
    for args in (["rank", "--format", "json", "--out", str(tmp_path / "r.json")], ["show", "gen/broken_total.txt"]):
        run = gkaudit(tmp_path, *args, "--db", url)
        assert run.returncode == 0, run.stderr
        assert not (run.packages | run.modules) & analysis, args
    with session_scope(url) as session:
        correct_cell(session, broken, BROKEN_CELL, 3, "原件为3")
    run = gkaudit(tmp_path, "rank", "--format", "json", "--out", str(tmp_path / "r.json"), "--db", url)
    assert run.returncode == 0, run.stderr
    assert "extractor.audit" in run.modules
