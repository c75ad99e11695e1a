"""Triage (issue 24 item 3): findings marked confirmed, dismissed (with a reason) or open, and misread
cells corrected, on top of the stored results.

The document is the bundled district's 发展和改革局 2025 report, whose 本年新收 total was planted
mistyped (manifest.json): its findings are real, and correcting the cell re-checks it clean.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from models.stages import audit_bytes
from models.version import PIPELINE_VERSION
from workers.audit.rows import claim_rows, finding_rows, result_row
from workers.audit.triage import TriageError, finding_identity, marks_for, set_mark, with_marks
from workers.report.rank import ranking
from workers.store import (
    Audit,
    AuditDocument,
    content_hash,
    create_tables,
    get_engine,
    session_scope,
    store_result,
)

ROOT = Path(__file__).resolve().parents[1]
DISTRICT = ROOT / "corpus" / "district"
GKAUDIT = [sys.executable, "-m", "workers.cli"]
TYPO_BODY = "凤栖市澄川区发展和改革局"


def typo_file() -> tuple[Path, str]:
    manifest = json.loads((DISTRICT / "manifest.json").read_text(encoding="utf-8"))
    body = next(b for b in manifest["bodies"] if b["agency"] == TYPO_BODY)
    ((year, key),) = body["cell_typo"].items()
    return DISTRICT / body["files"][year], key


def store(url: str, path: Path, version: str = PIPELINE_VERSION) -> tuple[int, str]:
    """The document audited and stored under ``version``, in an audit of its own."""
    data = path.read_bytes()
    outcome = audit_bytes(data, str(path))
    digest = content_hash(data)
    store_result(url, result_row(outcome, digest, version), finding_rows(outcome), claim_rows(outcome))
    with session_scope(url) as session:
        audit = Audit(pipeline_version=version, label="triage")
        session.add(audit)
        session.flush()
        session.add(AuditDocument(audit_id=audit.id, path=str(path), content_hash=digest, size=len(data)))
        return audit.id, digest


def row_of(url: str, audit_id: int) -> dict:
    with session_scope(url) as session:
        (row,) = ranking(session, audit_id)
    return row


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'gkaudit.db'}"
    create_tables(get_engine(url))
    return url


def test_a_dismissed_finding_stops_counting_and_survives_a_rerun_and_an_upgrade(url: str) -> None:
    path, _ = typo_file()
    audit_id, digest = store(url, path)
    before = row_of(url, audit_id)
    error = next(f for f in before["findings"] if f["severity"] == "error" and f["kind"] == "table_arithmetic")
    assert before["triage"] == {"open": len(before["findings"]), "confirmed": 0, "dismissed": 0}
    with session_scope(url) as session:
        set_mark(session, digest, error, "dismissed", "表格转换误读，已核对原件")
    after = row_of(url, audit_id)
    assert after["triage"]["dismissed"] == 1
    assert after["quality"] > before["quality"]
    assert after["errors"] == before["errors"] - 1
    # The same content stored again by a newer pipeline: the mark follows the finding, not the version.
    upgraded_id, _ = store(url, path, version=PIPELINE_VERSION + "-next")
    upgraded = row_of(url, upgraded_id)
    dismissed = [f for f in upgraded["findings"] if f["triage"] == "dismissed"]
    assert [(f["rule"], f["triage_reason"]) for f in dismissed] == [(error["rule"], "表格转换误读，已核对原件")]


def test_dismissing_needs_a_reason_and_states_are_checked(url: str) -> None:
    path, _ = typo_file()
    audit_id, digest = store(url, path)
    finding = row_of(url, audit_id)["findings"][0]
    with session_scope(url) as session:
        with pytest.raises(TriageError, match="理由"):
            set_mark(session, digest, finding, "dismissed", "  ")
        with pytest.raises(TriageError, match="unknown state"):
            set_mark(session, digest, finding, "ignored", None)
        set_mark(session, digest, finding, "confirmed", None)
        set_mark(session, digest, finding, "open", None)  # reopened: one mark, the latest
        marks = marks_for(session, [digest])
    assert [m.state for m in marks.values()] == ["open"]


def test_identity_keeps_to_what_a_reader_knows_a_finding_by() -> None:
    finding = {"rule": "GK101", "metric": "m", "message_zh": "一", "evidence": {"sentence": "共收到申请9件。"}}
    same = finding | {"message_zh": "措辞改了", "severity": "warning"}
    other = finding | {"evidence": {"sentence": "共收到申请8件。"}}
    assert finding_identity("h", finding) == finding_identity("h", same)
    assert finding_identity("h", finding) != finding_identity("h", other)
    assert finding_identity("h", finding) != finding_identity("g", finding)
    assert with_marks("h", [finding], {})[0]["triage"] == "open"


def test_the_cli_marks_and_corrects_and_the_document_is_rechecked(tmp_path: Path) -> None:
    path, key = typo_file()
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / path.name).write_bytes(path.read_bytes())
    db = f"sqlite:///{tmp_path / 'gkaudit.db'}"
    assert subprocess.run([*GKAUDIT, "audit", str(folder), "--db", db, "--json"], capture_output=True).returncode == 0
    doc = str(folder / path.name)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*GKAUDIT, "triage", *args, "--db", db], capture_output=True, text=True)

    listed = cli("list", doc)
    assert listed.returncode == 0, listed.stderr
    errors = [line for line in listed.stdout.splitlines() if " error " in line]
    assert errors, listed.stdout
    assert cli("set", doc, errors[0].split()[0], "--state", "dismissed").returncode == 2  # no reason
    assert cli("set", doc, errors[0].split()[0], "--state", "confirmed").returncode == 0
    assert cli("correct", doc, key, "not-a-number").returncode == 2
    shown = json.loads(
        subprocess.run([*GKAUDIT, "show", doc, "--db", db, "--format", "json"], capture_output=True).stdout
    )
    extracted = shown["tables"][key]
    true_value = sum(
        v or 0 for k, v in shown["tables"].items() if k.startswith(key.rsplit(".", 1)[0] + ".") and k != key
    )
    corrected = cli("correct", doc, key, str(true_value), "--note", "转换误读")
    assert corrected.returncode == 0, corrected.stderr
    assert "re-checked: 0 errors" in corrected.stdout
    relisted = cli("list", doc).stdout
    assert f"{key}: {extracted} → {true_value}（转换误读）" in relisted
    out = tmp_path / "ranking.json"
    ranked = subprocess.run([*GKAUDIT, "rank", "--db", db, "--format", "json", "--out", str(out)], capture_output=True)
    assert ranked.returncode == 0, ranked.stderr
    (row,) = json.loads(out.read_text(encoding="utf-8"))
    assert row["corrected_cells"] == [key] and row["errors"] == 0
