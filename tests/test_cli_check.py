"""``gkaudit check``: the parse output plus claims and findings, as JSON or a readable Chinese report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import seed_path

CLAIM_FIELDS = {
    "text",
    "value",
    "unit",
    "approx",
    "start",
    "end",
    "section",
    "metric",
    "metric_expr",
    "table_value",
    "status",
}
FINDING_FIELDS = {"rule", "kind", "severity", "metric", "message_zh", "message_en", "evidence"}
KINDS = {"narrative_mismatch", "table_arithmetic", "narrative_arithmetic", "structure"}
STATUSES = {"match", "mismatch", "reconciled", "unverifiable"}


def gkaudit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workers.cli", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_check_json_on_seed_001() -> None:
    proc = gkaudit("check", str(seed_path("001")))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert {"file", "format_version", "sections", "tables", "claims", "findings"} <= set(result)
    assert all(set(c) >= CLAIM_FIELDS for c in result["claims"])
    assert {c["status"] for c in result["claims"]} <= STATUSES
    assert all(set(f) >= FINDING_FIELDS and f["kind"] in KINDS for f in result["findings"])
    granted = [f for f in result["findings"] if f["metric"] == "applications.granted.total"]
    assert [(f["rule"], f["severity"]) for f in granted] == [("GK102", "warning")]
    evidence = granted[0]["evidence"]
    assert "予以公开的10件" in evidence["sentence"]
    assert evidence["cells"]["applications.granted.total"]["value"] == 8
    assert evidence["cells"]["applications.partial.total"]["value"] == 2
    section = next(s for s in result["sections"] if s["id"] == evidence["claim"]["section"])
    assert section["text"][evidence["claim"]["start"] : evidence["claim"]["end"]] == "10件"


def test_several_files_give_json_lines_in_argument_order(tmp_path: Path) -> None:
    files = [seed_path("003"), seed_path("001")]
    proc = gkaudit("check", *map(str, files))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert [json.loads(line)["file"] for line in lines] == [str(f) for f in files]


def test_text_format_puts_sentence_beside_cell() -> None:
    proc = gkaudit("check", "--format", "text", str(seed_path("001")))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "GK102" in out and "提示" in out
    assert "表三“予以公开”行“总计”列：8" in out
    assert "予以公开的10件" in out


def test_check_reports_a_bad_file_and_goes_on(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = gkaudit("check", str(empty), str(seed_path("003")))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"gkaudit: {empty}: empty file"
    assert json.loads(proc.stdout)["agency"] == "拱墅区湖墅街道"
