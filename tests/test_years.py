"""One body's reports across years (issue 24 item 4): `gkaudit show --years` and its page.

Four reports of the bundled district (corpus/district, invented bodies): 商务局, whose 2025
存在的主要问题 pastes 2024's, and 应急管理局, whose 2025 上年结转 differs from 2024's 结转下年度
(both planted, manifest.json says so), audited for real, then shown side by side.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM_FLAGS
from workers.report.years import FieldRow, YearReport, copied_passages, field_rows

ROOT = Path(__file__).resolve().parents[1]
DISTRICT = ROOT / "corpus" / "district"
GKAUDIT = [sys.executable, "-m", "workers.cli"]
COPIER, CARRIER = "凤栖市澄川区商务局", "凤栖市澄川区应急管理局"


def manifest_body(agency: str) -> dict:
    manifest = json.loads((DISTRICT / "manifest.json").read_text(encoding="utf-8"))
    return next(b for b in manifest["bodies"] if b["agency"] == agency)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    assert manifest_body(COPIER)["copied_problems"] and manifest_body(CARRIER)["carry_mismatch"]
    folder = tmp_path_factory.mktemp("district")
    for agency in (COPIER, CARRIER):
        for year, name in manifest_body(agency)["files"].items():
            target = folder / year / Path(name).name
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(DISTRICT / name, target)
    db = f"sqlite:///{folder / 'gkaudit.db'}"
    done = subprocess.run([*GKAUDIT, "audit", str(folder), "--db", db, "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return db


def show(db: str, body: str, fmt: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GKAUDIT, "show", "--years", body, "--db", db, "--format", fmt, *extra], capture_output=True, text=True
    )


def test_years_json_has_each_year_fields_changes_and_the_corpus_findings(store: str) -> None:
    done = show(store, CARRIER, "json")
    assert done.returncode == 0, done.stderr
    view = json.loads(done.stdout)
    assert view["years"] == [2024, 2025]
    carried_in = next(f for f in view["fields"] if f["key"] == "applications.carried_in.total")
    carried_out = next(f for f in view["fields"] if f["key"] == "applications.carried_out.total")
    assert carried_in["values"][1] != carried_out["values"][0]  # the planted mismatch
    assert carried_in["changes"] == [carried_in["values"][1] - carried_in["values"][0]]
    rules = [f["rule"] for r in view["reports"] for f in r["findings"]]
    assert "GK601" in rules


def test_a_pasted_section_is_marked_as_copied(store: str) -> None:
    view = json.loads(show(store, COPIER, "json").stdout)
    last = view["problems"][1]
    assert last["copied_share"] > 0.8
    assert any(p["copied"] for p in last["passages"])
    assert "GK602" in [f["rule"] for r in view["reports"] for f in r["findings"]]


def test_an_unknown_body_exits_2_with_a_reason(store: str) -> None:
    done = show(store, "凤栖市不存在局", "text")
    assert done.returncode == 2
    assert "凤栖市不存在局" in done.stderr


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_the_text_and_page_name_the_body_and_years(store: str, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"years.{fmt}"
    assert show(store, COPIER, fmt, "--out", str(out)).returncode == 0
    written = out.read_text(encoding="utf-8")
    assert COPIER in written and "2024" in written and "2025" in written
    if fmt == "html":
        assert "<mark>" in written


def test_the_page_renders_in_headless_chromium(store: str, tmp_path: Path) -> None:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    page = tmp_path / "years.html"
    assert show(store, COPIER, "html", "--out", str(page)).returncode == 0
    flags = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=60).stdout
    assert 'id="fields"' in dom and "<mark>" in dom and "GK602" in dom
    shot = tmp_path / "years.png"
    subprocess.run([*flags, "--window-size=1300,1300", f"--screenshot={shot}", page.as_uri()], timeout=60, check=True)
    assert shot.stat().st_size > 10_000
    print(f"years page screenshot: {shot}")


def test_copied_passages_mark_the_shared_runs_only() -> None:
    earlier = "一是栏目更新不及时，部分栏目三个月未更新；二是政策解读形式单一。"
    later = "一是栏目更新不及时，部分栏目三个月未更新；二是依申请公开答复偏慢。"
    passages = copied_passages(earlier, later)
    assert "".join(p.text for p in passages) == later
    assert [p.copied for p in passages] == [True, False]
    assert copied_passages("", later)[0].copied is False


def test_field_rows_follow_the_table_order_with_each_year_s_change() -> None:
    reports = [
        YearReport(2024, "a", "h1", "某局", {"applications.new.total": 3, "active.regulations.issued": 0}, ""),
        YearReport(2025, "b", "h2", "某局", {"applications.new.total": 5, "active.regulations.issued": None}, ""),
    ]
    rows = field_rows(reports)
    assert [r.key for r in rows] == ["active.regulations.issued", "applications.new.total"]
    assert rows[1] == FieldRow("applications.new.total", rows[1].label, (3, 5), (2,))
    assert rows[0].changes == (None,)


def test_the_review_app_serves_the_years_page(store: str, tmp_path: Path) -> None:
    """GET /review/years?body=… on a live `gkaudit serve` over the same database; 404 for an unknown body."""
    from tests.test_api import start_server, stop_server

    server = start_server(tmp_path, db_url=store)
    try:
        with server.client() as client:
            found = client.get("/review/years", params={"body": COPIER})
            missing = client.get("/review/years", params={"body": "凤栖市不存在局"})
    finally:
        stop_server(server)
    assert found.status_code == 200 and "<mark>" in found.text and COPIER in found.text
    assert missing.status_code == 404 and "凤栖市不存在局" in missing.text
