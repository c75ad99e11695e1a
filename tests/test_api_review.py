"""The review page in Debian's headless Chromium, driven by playwright (no ``playwright install``: the system browser).

Seed 001 is dropped on the page; its 予以公开 finding (GK102 on applications.granted.total)
must show the sentence with the claim marked beside table 三's row with the cell marked.
A screenshot is written to the test's tmp_path and its path printed.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CHROMIUM_FLAGS, REQUIRE_SERVICES, seed_path
from tests.test_api import LiveServer, start_server, stop_server

TOKEN = "review-token-5e0c"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = list(CHROMIUM_FLAGS)
INSTALL = "install Debian's chromium (apt-get install -y chromium fonts-noto-cjk) and pip install playwright"


def unavailable(message: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}: {INSTALL}", pytrace=False)
    pytest.skip(message)


def browser_path() -> str:
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if path is None:
        unavailable("chromium not found")
    return str(path)


@pytest.fixture(scope="module")
def sync_api() -> Any:
    try:
        from playwright import sync_api
    except ImportError:
        unavailable("the playwright package is not installed")
    return sync_api


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("review"), api_token=TOKEN)
    yield live
    stop_server(live)


@pytest.fixture
def page(sync_api: Any, server: LiveServer) -> Iterator[Any]:
    executable = browser_path()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=LAUNCH_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 1000}, locale="zh-CN")
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def drop_file(page: Any, selector: str, name: str, data: bytes) -> None:
    """A real drop event on the drop zone, carrying the file in a DataTransfer."""
    transfer = page.evaluate_handle(
        """([name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "text/plain" }));
            return transfer;
        }""",
        [name, base64.b64encode(data).decode()],
    )
    page.dispatch_event(selector, "dragenter", {"dataTransfer": transfer})
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def open_upload(page: Any, server: LiveServer, token: str | None = TOKEN) -> None:
    page.goto(f"{server.url}/")
    if token:
        page.click("details.token summary")
        page.fill("#token", token)


def test_review_page_shows_the_granted_finding_beside_its_cell(page: Any, server: LiveServer, tmp_path: Path) -> None:
    seed = seed_path("001")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    open_upload(page, server)
    drop_file(page, "#drop", seed.name, seed.read_bytes())
    page.wait_for_url("**/review/*")

    assert page.locator("#file-name").inner_text() == seed.name
    finding = page.locator('article.finding[data-rule="GK102"][data-metric="applications.granted.total"]')
    assert finding.count() == 1
    assert finding.locator("xpath=ancestor::section[1]").get_attribute("data-severity") == "warning"
    sentence = finding.locator("blockquote.sentence")
    assert "答复予以公开的10件" in sentence.inner_text()
    assert finding.locator("blockquote.sentence mark").inner_text() == "10件"
    cell = finding.locator('td.cell.mark-primary[data-key="applications.granted.total"]')
    assert cell.inner_text() == "8"
    assert finding.locator('td.cell.mark-related[data-key="applications.partial.total"]').inner_text() == "2"
    row = cell.locator("xpath=ancestor::tr[1]/th")
    assert "予以公开" in row.inner_text()
    column = finding.locator("table.grid thead th").last
    assert "总计" in column.inner_text()
    # sentence and table side by side: the table starts to the right of the sentence
    assert finding.locator(".tables").bounding_box()["x"] > sentence.bounding_box()["x"] + 200
    assert page.locator('#tables td.mark-cited[data-key="applications.granted.total"]').count() == 1
    doc_id = page.locator("#document").get_attribute("data-id")
    completeness = httpx.get(f"{server.url}/v1/documents/{doc_id}").json()["result"].get("completeness")
    if completeness:  # the score with its reasons, when the pipeline scores the problems section
        box = page.locator("#completeness")
        assert str(completeness["score"]) in box.inner_text()
        assert box.locator("li").all_inner_texts() == completeness["reasons_zh"]

    finding.scroll_into_view_if_needed()
    shot = tmp_path / "review-seed-001.png"
    page.screenshot(path=str(shot))
    page.screenshot(path=str(tmp_path / "review-seed-001-full.png"), full_page=True)
    print(f"\nreview page screenshot: {shot}")
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 30_000

    ranking = page.locator("a.ranking").first.get_attribute("href")
    assert ranking is not None and ranking.endswith("/ranking?format=html")
    response = page.goto(f"{server.url}{ranking}")
    assert response is not None and response.status == 200
    assert seed.name in page.content()
    assert not errors, errors


def test_review_page_shows_the_reason_of_a_refused_upload(page: Any, server: LiveServer, tmp_path: Path) -> None:
    open_upload(page, server)
    drop_file(page, "#drop", "empty.txt", b"")
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert "empty file" in error.inner_text() and "422" in error.inner_text()
    page.screenshot(path=str(tmp_path / "review-refused.png"))
    open_upload(page, server, token=None)
    page.evaluate("sessionStorage.clear()")
    page.reload()
    drop_file(page, "#drop", "report.txt", "一、总体情况\n".encode())
    error.wait_for(state="visible")
    assert "401" in error.inner_text() and "bearer token" in error.inner_text()


def test_the_review_page_shows_and_sets_a_finding_s_triage(page: Any, server: LiveServer, tmp_path: Path) -> None:
    """Issue 24 item 3: a finding is dismissed from the page (a reason is asked for first), the page then shows
    it dismissed with its reason, and the API's document says the same."""
    import json

    district = Path(__file__).resolve().parents[1] / "corpus" / "district"
    manifest = json.loads((district / "manifest.json").read_text(encoding="utf-8"))
    body = next(b for b in manifest["bodies"] if b["cell_typo"])
    ((year, _),) = body["cell_typo"].items()
    report = district / body["files"][year]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_upload(page, server)
    drop_file(page, "#drop", report.name, report.read_bytes())
    page.wait_for_url("**/review/*")
    bar = page.locator("article.finding div.triage").first
    finding_id = bar.get_attribute("data-finding")
    assert bar.get_attribute("data-state") == "open"
    bar.locator('button[data-set="dismissed"]').click()
    assert "理由" in bar.locator(".triage-error").inner_text()  # nothing sent without a reason
    bar.locator("input.why").fill("核对原件，表格转换误读")
    with page.expect_navigation():
        bar.locator('button[data-set="dismissed"]').click()
    marked = page.locator(f'div.triage[data-finding="{finding_id}"]')
    assert marked.get_attribute("data-state") == "dismissed"
    assert "核对原件，表格转换误读" in marked.inner_text()
    shot = tmp_path / "review-triage.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"\nreview page triage screenshot: {shot}")
    doc_id = page.locator("#document").get_attribute("data-id")
    with server.client() as client:
        findings = client.get(f"/v1/documents/{doc_id}").json()["findings"]
    assert [f["triage"] for f in findings if f["id"] == finding_id] == ["dismissed"]
    assert errors == []
