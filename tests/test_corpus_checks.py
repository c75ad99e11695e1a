"""Corpus-level checks: carry-over between a body's consecutive reports, copied problems sections."""

from __future__ import annotations

import glob
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.similarity import stored_signature
from models.stages import audit_bytes
from tests.conftest import REALDOCS
from tests.services import DATABASE_KINDS, sqlite_or_postgres
from workers.audit.corpus_checks import Doc, body_key, carried_over_mismatches, copied_sections, section_text


def doc(name: str, agency: str, year: int, carried_in: int | None, carried_out: int | None) -> Doc:
    tables = {"applications.carried_in.total": carried_in, "applications.carried_out.total": carried_out}
    return Doc(name, f"{name}.txt", agency, year, tables, {k: str(v) for k, v in tables.items()}, "")


def test_carry_over_mismatch_is_a_finding_on_the_later_report() -> None:
    docs = [
        doc("a2021", "青川区某局", 2021, 0, 3),
        doc("a2022", "青川区某局", 2022, 2, 0),
        doc("b2022", "凤栖县某局", 2022, 5, 0),
    ]
    findings = list(carried_over_mismatches(docs))
    assert [(f["content_hash"], f["rule"], f["metric"]) for f in findings] == [
        ("a2022", "GK601", "applications.carried_in.total")
    ]
    assert "2021年报告的“结转下年度继续办理”为3" in findings[0]["message_zh"]
    assert findings[0]["evidence"]["previous"]["path"] == "a2021.txt"


def test_matching_carry_over_and_unrelated_bodies_are_silent() -> None:
    docs = [doc("a2021", "青川区某局", 2021, 0, 3), doc("a2022", "青川区某局（区某办）", 2022, 3, 0)]
    assert list(carried_over_mismatches(docs)) == []
    assert body_key("青川区某局（区某办）") == body_key("青川区 某局")


def test_pingtan_seven_years_carry_over_is_consistent() -> None:
    """Read by hand: each year's 上年结转 equals the previous report's 结转下年度 (2021: 1 → 2022: 1)."""
    files = sorted(glob.glob(str(REALDOCS / "changwu__pingtan-gov-zwgk-archive" / "**" / "page.txt"), recursive=True))
    if len(files) < 7:
        pytest.skip("../shared/realdocs not present")
    docs = []
    for f in files:
        r = audit_bytes(Path(f).read_bytes(), f).result
        docs.append(Doc(f, f, r["agency"], r["year"], r["tables"], r["raw_cells"], ""))
    assert sorted(d.year for d in docs) == list(range(2019, 2026))
    assert list(carried_over_mismatches(docs)) == []
    broken = [
        d
        if d.year != 2022
        else Doc(
            d.content_hash, d.path, d.agency, d.year, {**d.tables, "applications.carried_in.total": 0}, d.raw_cells, ""
        )
        for d in docs
    ]
    assert [f["metric"] for f in carried_over_mismatches(broken)] == ["applications.carried_in.total"]


def test_copied_problems_section_is_a_finding_on_the_later_report() -> None:
    text = (
        "一是政务公开目录更新不及时，部分栏目超过三个月未更新；二是政策解读形式单一。"
        "下一步，办公室将于6月底前完成目录梳理，每季度开展一次栏目巡查，并增加图解和视频解读。"
    )
    docs = [
        Doc("a2022", "a2022.txt", "青川区某局", 2022, {}, {}, text),
        Doc("a2023", "a2023.txt", "青川区某局", 2023, {}, {}, text + "继续抓好落实。"),
        Doc("b2023", "b2023.txt", "凤栖县某局", 2023, {}, {}, "本年度未发现需要报告的问题。" * 5),
    ]
    findings = list(copied_sections(docs))
    assert [(f["content_hash"], f["rule"]) for f in findings] == [("a2023", "GK602")]
    assert "本机关2022年报告" in findings[0]["message_zh"]


def test_copies_are_found_by_the_signatures_the_workers_stored() -> None:
    """The runner compares the stored signatures, not the texts again: two texts that differ, stored with one
    text's signature, are a copy."""
    text = "一是政务公开目录更新不及时，部分栏目超过三个月未更新；二是政策解读形式单一，图解和视频较少。" * 2
    other = "本机关本年度依申请公开答复期限偏长，个别答复说理不充分；下一步将修订答复模板，每月抽查答复质量。" * 2
    docs = [
        Doc("a2022", "a2022.txt", "青川区某局", 2022, {}, {}, text, stored_signature(text)),
        Doc("a2023", "a2023.txt", "青川区某局", 2023, {}, {}, other, stored_signature(text)),
    ]
    assert [f["content_hash"] for f in copied_sections(docs)] == ["a2023"]
    docs[1] = Doc("a2023", "a2023.txt", "青川区某局", 2023, {}, {}, other, stored_signature(other))
    assert list(copied_sections(docs)) == []


TEMPLATES = (
    "一是政务公开目录更新不及时，部分栏目超过三个月未更新；二是政策解读形式单一，图解和视频较少。下一步将每季度巡查栏目。",
    "本机关本年度依申请公开答复期限偏长，个别答复说理不充分；下一步将修订答复模板，每月抽查答复质量并通报结果。",
    "基层政务公开标准化工作推进不平衡，村级公开栏内容陈旧；明年将组织专项培训，年底前完成全部村级公开栏的更新。",
)


def test_near_copies_are_grouped_one_finding_per_later_copy() -> None:
    """A template pasted by many bodies is one cluster with its earliest report as the source: each later
    copy gets one finding naming it (not one per pair), and reports of other templates stay apart."""
    copies = 12
    docs = [
        Doc(f"t{t}-{i:02d}", f"t{t}-{i:02d}.txt", f"第{i}局", 2023, {}, {}, f"{template * 2}{i}")
        for t, template in enumerate(TEMPLATES)
        for i in range(copies)
    ]
    findings = list(copied_sections(docs))
    assert len(findings) == len(TEMPLATES) * (copies - 1)
    for finding in findings:
        template = finding["content_hash"].split("-")[0]
        assert finding["evidence"]["other"]["path"] == f"{template}-00.txt"
        assert finding["evidence"]["cluster_size"] == copies


def test_the_pipeline_stores_the_problems_signature() -> None:
    sample = sorted(Path(__file__).resolve().parents[1].joinpath("corpus", "sample").rglob("*.txt"))[0]
    result = audit_bytes(sample.read_bytes(), str(sample)).result
    problems = section_text(result, "problems")
    assert len(problems) >= 30
    assert result["problems_signature"] == stored_signature(problems) is not None


def test_the_lsh_bands_are_datasketch_s() -> None:
    """The numpy index takes its bands from a table for the thresholds in use: they are what datasketch picks."""
    from datasketch.lsh import _optimal_param

    from models.similarity import LSH_BANDS, lsh_bands

    for (threshold, num_perm), bands in LSH_BANDS.items():
        assert bands == _optimal_param(threshold, num_perm, 0.5, 0.5)
    assert lsh_bands(0.7, 128) == _optimal_param(0.7, 128, 0.5, 0.5)


def mutated(text: str, rng: random.Random, changes: int) -> str:
    """``text`` with ``changes`` characters replaced by others drawn from it: similarities on both sides of a
    threshold, as a section edited more or less."""
    chars = list(text)
    for _ in range(changes):
        chars[rng.randrange(len(chars))] = rng.choice(text)
    return "".join(chars)


@pytest.mark.parametrize("threshold", [0.6, 0.8])
def test_the_numpy_index_finds_what_datasketch_s_lsh_finds(threshold: float) -> None:
    """Candidates, similarities and the threshold as datasketch's MinHashLSH and MinHash.jaccard give them, on
    sections edited a little or much (near the threshold from both sides) and unrelated ones."""
    from datasketch import MinHashLSH

    from models.similarity import index_signatures, read_signature, similar_to_indexed

    rng = random.Random(7)
    sections = {}
    for t, template in enumerate(TEMPLATES):
        for i in range(40):
            sections[f"t{t}-{i}"] = mutated(template * 2, rng, rng.randrange(0, 40))
    stored = {key: s for key, text in sections.items() if (s := stored_signature(text))}
    minhashes = {key: read_signature(s) for key, s in stored.items()}
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    for key, minhash in minhashes.items():
        lsh.insert(key, minhash)
    index = index_signatures(stored, threshold)
    found = 0
    for key, minhash in minhashes.items():
        pairs = ((o, round(float(minhash.jaccard(minhashes[o])), 3)) for o in lsh.query(minhash) if o != key)
        expected = sorted(p for p in pairs if p[1] >= threshold)
        assert sorted(similar_to_indexed(index, key)) == expected, key
        found += len(expected)
    assert found > 0
    assert any(0 < len(similar_to_indexed(index, key)) < 39 for key in stored)  # some pairs fall below it


def test_copy_clusters_group_as_before_on_edited_copies() -> None:
    """Clusters of copies edited more or less: each later report once, its source earlier than it, and the
    similarity what the stored signatures give."""
    from models.similarity import read_signature
    from workers.audit.corpus_checks import COPY_THRESHOLD, copy_clusters

    rng = random.Random(11)
    docs = [
        Doc(f"h{t}-{i:03d}", f"r{t}-{i:03d}.txt", f"某局{i}", 2020 + i % 4, {}, {}, "", stored_signature(text))
        for t, template in enumerate(TEMPLATES)
        for i in range(30)
        if (text := mutated(template * 2, rng, rng.randrange(0, 30)))
    ]
    copies = copy_clusters(docs)
    by_hash = {d.content_hash: d for d in docs}
    later = [c.later for c in copies]
    assert len(later) == len(set(later)) and later
    for c in copies:
        assert (by_hash[c.source].year, by_hash[c.source].path) < (by_hash[c.later].year, by_hash[c.later].path)
        one, two = (read_signature(by_hash[k].problems_signature) for k in (c.later, c.source))
        assert c.similarity == round(float(one.jaccard(two)), 3) >= COPY_THRESHOLD


# ---- the corpus checks over a store, in chunks ----------------------------------------------------------------

# Characters the generated sections are drawn from (our own; any mix of them reads as a distinct section).
SECTION_CHARS = "公开目录栏目更新解读图视频答复期限模板抽查质量培训基层标准村级内容年底完成专项推进平衡说理通报巡查季度"


def generated_payloads(seed: int, bodies: int = 14) -> list[tuple[str, dict]]:
    """(content hash, payload) of a generated corpus: each body's reports of three years, their carried-over
    cells matching last year's or not, some bodies named with a bracketed office, one body with two reports of one
    year; problems sections copied from a few templates (edited a little or much), distinct ones, short ones, and
    some stored without a signature (a result from before signatures)."""
    from extractor.checks.corpus import APPLICANT_COLUMNS

    rng = random.Random(seed)
    templates = ["".join(rng.choice(SECTION_CHARS) for _ in range(90)) for _ in range(3)]
    found = []
    for b in range(bodies):
        carried = {column: rng.randrange(4) for column in APPLICANT_COLUMNS}
        for year in (2021, 2022, 2023, 2023) if b == 5 else (2021, 2022, 2023):
            carried_in = {c: v if rng.random() < 0.8 else v + 1 for c, v in carried.items()}
            carried = {column: rng.randrange(4) for column in APPLICANT_COLUMNS}
            tables = {f"applications.carried_in.{c}": v for c, v in carried_in.items()}
            tables |= {f"applications.carried_out.{c}": v for c, v in carried.items()}
            kind = rng.randrange(4)
            if kind == 0:
                text = "".join(rng.choice(SECTION_CHARS) for _ in range(rng.randrange(70, 120)))
            elif kind == 1:
                text = "本年度无此类问题。"
            else:
                text = mutated(rng.choice(templates), rng, rng.randrange(0, 4))
            payload = {
                "agency": f"凤栖县第{b}局" + ("（办公室）" if b % 3 == 0 and year == 2022 else ""),
                "year": year if b != 7 else None,
                "tables": tables,
                "raw_cells": {key: str(value) for key, value in tables.items()},
                "sections": [{"id": "problems", "text": text}],
                "problems_signature": stored_signature(text) if rng.random() < 0.85 else None,
            }
            found.append((f"{b:02d}{year}{len(found):04d}".ljust(64, "0"), payload))
    return found[::-1]  # stored against the order of their hashes


def store_generated(db_url: str, payloads: list[tuple[str, dict]]) -> int:
    """The payloads stored as done results (and one failed), and an audit of them; the audit's id."""
    from extractor.stages import Outcome
    from workers.audit.rows import result_row
    from workers.store import Audit, AuditDocument, session_scope, store_results

    rows = [
        (result_row(Outcome("done", f"r{i:03d}.txt", result=p), digest), [], [])
        for i, (digest, p) in enumerate(payloads)
    ]
    rows.append((result_row(Outcome("failed", "bad.txt", error="empty"), "f" * 64), [], []))
    store_results(db_url, rows[: len(rows) // 2])
    store_results(db_url, rows[len(rows) // 2 :])
    with session_scope(db_url) as session:
        audit = Audit(pipeline_version="p", label="generated")
        session.add(audit)
        session.flush()
        digests = [digest for digest, _ in payloads] + ["f" * 64]
        session.add_all(AuditDocument(audit_id=audit.id, path=f"{d}.txt", content_hash=d, size=1) for d in digests)
        return audit.id


def in_memory_findings(payloads: list[tuple[str, dict]]) -> list[tuple]:
    """The rules over every document at once, as the runner ran them before it read in chunks: the reference.
    They were read in the order of their hashes (SQLite's), which decides between two reports of one body and
    year (GK601 compares the one read last)."""
    from extractor.checks.corpus import CorpusInput, run_corpus_rules
    from workers.audit.corpus_checks import copy_clusters

    docs = [
        Doc(
            digest,
            f"r{i:03d}.txt",
            p["agency"],
            p["year"],
            p["tables"],
            p["raw_cells"],
            section_text(p, "problems"),
            p["problems_signature"],
        )
        for i, (digest, p) in enumerate(payloads)
    ]
    docs.sort(key=lambda doc: doc.content_hash)
    return sorted(finding_key(f.to_row()) for f in run_corpus_rules(CorpusInput(tuple(docs), copy_clusters)))


def finding_key(row: dict) -> tuple:
    return (
        row["content_hash"],
        row["rule"],
        row["metric"],
        row["message_zh"],
        row["message_en"],
        repr(row["evidence"]),
    )


def stored_findings(db_url: str, audit_id: int) -> list[tuple]:
    from sqlalchemy import select

    from workers.store import CorpusFinding, session_scope

    with session_scope(db_url) as session:
        stored = session.scalars(select(CorpusFinding).where(CorpusFinding.audit_id == audit_id))
        return sorted(
            finding_key(
                {c: getattr(f, c) for c in ("content_hash", "rule", "metric", "message_zh", "message_en", "evidence")}
            )
            for f in stored
        )


@pytest.fixture(params=DATABASE_KINDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with sqlite_or_postgres(request.param, tmp_path, "corpus") as url:
        yield url


def test_the_checks_read_in_chunks_find_what_they_found_over_every_document_at_once(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Body by body (GK601) and over the candidates of the stored band keys (GK602), with chunks smaller than a
    body's reports: the same findings as the rules over every document in memory, on either database."""
    from workers.audit import corpus_checks
    from workers.audit.corpus_checks import run_corpus_checks
    from workers.store import session_scope

    monkeypatch.setattr(corpus_checks, "LOAD_CHUNK", 2)
    payloads = generated_payloads(5)
    expected = in_memory_findings(payloads)
    assert {key[1] for key in expected} == {"GK601", "GK602"}
    assert sum(key[1] == "GK602" for key in expected) >= 5
    audit_id = store_generated(store_url, payloads)
    with session_scope(store_url) as session:
        assert run_corpus_checks(session, audit_id) == len(expected)
    assert stored_findings(store_url, audit_id) == expected


def test_results_without_band_keys_get_them_and_the_same_findings(store_url: str) -> None:
    """A database from before the band keys and the bodies (no band rows, summaries with no body), holding rows of
    other bands: the checks write what they read from the results first, and read no other bands' rows."""
    from sqlalchemy import delete, func, insert, select, update

    from extractor.checks.corpus import FIRST_BAND
    from workers.audit.corpus_checks import run_corpus_checks
    from workers.store import CorpusBand, ResultSummary, session_scope

    payloads = generated_payloads(9, bodies=8)
    audit_id = store_generated(store_url, payloads)
    with session_scope(store_url) as session:
        bands = session.scalar(select(func.count()).select_from(CorpusBand))
        session.execute(delete(CorpusBand))
        session.execute(update(ResultSummary).values(body=None))
        other = [{"band": 1, "key": 0, "result_id": rid} for rid in session.scalars(select(ResultSummary.result_id))]
        session.execute(insert(CorpusBand), other)  # every result alike in another scheme's band
    with session_scope(store_url) as session:
        run_corpus_checks(session, audit_id)
        ours = select(func.count()).select_from(CorpusBand).where(CorpusBand.band >= FIRST_BAND)
        assert session.scalar(ours) == bands > 0
    assert stored_findings(store_url, audit_id) == in_memory_findings(payloads)


def test_postgresql_plans_the_checks_on_what_the_audit_stored(tmp_path: Path) -> None:
    """Right after an audit PostgreSQL's statistics still describe the tables as they were before it (a plan that
    scanned every band row once per result); the checks have it gather them again first: afterwards each checked
    table's row estimate is its row count."""
    from sqlalchemy import create_engine, func, select, table, text

    from workers.audit.corpus_checks import CHECKED_TABLES, REFRESH_STATISTICS, run_corpus_checks
    from workers.store import session_scope

    estimate = text("SELECT reltuples FROM pg_class WHERE relname = :name")
    with sqlite_or_postgres("postgresql", tmp_path, "planned") as url:
        audit_id = store_generated(url, generated_payloads(5))
        with session_scope(url) as session:
            rows = {name: session.scalar(select(func.count()).select_from(table(name))) for name in CHECKED_TABLES}
            assert all(rows.values())
            assert all(session.scalar(estimate, {"name": name}) != rows[name] for name in CHECKED_TABLES)
            run_corpus_checks(session, audit_id)
            # The checks' transaction is still open: it holds no lock that another audit's checks would wait for.
            another = create_engine(url, isolation_level="AUTOCOMMIT")
            with another.connect() as other:
                other.execute(text("SET lock_timeout = '2s'"))
                other.execute(REFRESH_STATISTICS["postgresql"])
            another.dispose()
        with session_scope(url) as session:
            assert {name: session.scalar(estimate, {"name": name}) for name in CHECKED_TABLES} == rows


def test_only_reports_sharing_a_band_key_are_read_for_near_copies(tmp_path: Path) -> None:
    """GK602 reads the signatures of the candidates the database groups, not of every report."""
    from workers.audit import corpus_checks
    from workers.store import session_scope

    rng = random.Random(2)
    texts = [TEMPLATES[0] * 2] * 3 + ["".join(rng.choice(SECTION_CHARS) for _ in range(90)) for _ in range(6)]
    payloads = [
        (
            f"{i:064d}",
            {
                "agency": f"第{i}局",
                "year": 2023,
                "tables": {},
                "raw_cells": {},
                "sections": [{"id": "problems", "text": text}],
                "problems_signature": stored_signature(text),
            },
        )
        for i, text in enumerate(texts)
    ]
    url = f"sqlite:///{tmp_path / 'few.db'}"
    audit_id = store_generated(url, payloads)
    with session_scope(url) as session:
        groups = corpus_checks.copy_groups(session, audit_id)
        assert len(groups) == 1
        candidates = corpus_checks.docs_by_id(session, groups[0]).values()
    assert sorted(d.content_hash for d in candidates) == [f"{i:064d}" for i in range(3)]
    assert all(d.tables == {} and d.problems_signature for d in candidates)


def test_the_stored_bands_are_those_of_the_copy_threshold() -> None:
    from extractor.checks.corpus import COPY_BANDS, COPY_THRESHOLD
    from models.signature import NUM_PERM
    from models.similarity import lsh_bands

    assert lsh_bands(COPY_THRESHOLD, NUM_PERM) == COPY_BANDS


def test_every_corpus_rule_is_defined_beside_the_function_that_runs_them() -> None:
    """run_corpus_rules does not load the report rules (the pipeline): a corpus rule elsewhere would be missed."""
    from extractor.checks.registry import load_rules

    corpus_rules = {r.id: r.func.__module__ for r in load_rules().values() if r.scope == "corpus"}
    assert corpus_rules == {"GK601": "extractor.checks.corpus", "GK602": "extractor.checks.corpus"}


def test_the_corpus_checks_import_no_pipeline() -> None:
    """The runner imports them after the audit's last result: not spaCy, jieba or the report rules."""
    import subprocess
    import sys

    code = (
        "import sys, workers.audit.corpus_checks as c; from extractor.checks.corpus import run_corpus_rules;"
        "run_corpus_rules(c.CorpusInput(()));"
        "heavy = ('spacy', 'rjieba', 'jieba', 'extractor.checks.narrative', 'sklearn');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
