"""``gkaudit fetch`` against a small invented site served on 127.0.0.1 (workers/collect/).

The site: a 年报 column of three list pages (script pagination and a 下一页 link, relative and
absolute links), report pages whose metadata is written in meta tags or in visible labels, PDF and
DOCX attachments (with and without ETag/Last-Modified), a 404, a slow page, a redirect loop, a file
larger than the limit, a page robots.txt disallows, a page that fails once with 503, and a link and a
redirect off the host.  Every request the server sees is logged, and every request the client sends
is recorded by its transport, so the tests can say what was asked, how often, and that nothing left
127.0.0.1.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from extractor.dates import read_sidecar, sidecar_path
from workers.collect.download import Downloader, FetchConfig
from workers.collect.fetch import Outcome, crawl
from workers.collect.files import local_path
from workers.collect.page_meta import extract_metadata
from workers.collect.pages import Link, decode_page, extract_links, pagination_links, report_links
from workers.collect.politeness import user_agent

SLOW_SECONDS = 1.2
TIMEOUT = 0.3
MAX_BYTES = 50_000
LAST_MODIFIED = "Tue, 30 Jan 2024 02:00:00 GMT"


def tiny_pdf(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buf.getvalue()


def tiny_docx(text: str) -> bytes:
    import docx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buf)
    return buf.getvalue()


def page(title: str, head: str = "", body: str = "") -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><div class='nav'>首页 &gt; 政务公开 &gt; 年报</div>{body}</body></html>"
    ).encode()


def list_page(items: list[tuple[str, str]], extra: str = "") -> bytes:
    lis = "".join(f"<li><a href='{href}'>{text}</a><span>2024-01-01</span></li>" for href, text in items)
    return page("政府信息公开年报", body=f"<ul class='list'>{lis}</ul>{extra}")


REPORT_2022_BODY = """
<h1>示例县财政局2022年政府信息公开工作年度报告</h1>
<div class='info'>发布时间：2023-02-15 10:00 &nbsp; 来源：示例县财政局 &nbsp; 成文日期：2023年02月10日</div>
<p>本报告由示例县财政局根据《中华人民共和国政府信息公开条例》编制。</p>
<p>一、总体情况</p>
<p>2022年，示例县财政局稳步推进政务公开。</p>
<p>二、主动公开政府信息情况</p><p>见附件。</p>
<p>三、收到和处理政府信息公开申请情况</p><p>本年度未收到申请。</p>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p>无。</p>
<p>五、存在的主要问题及改进情况</p><p>一是栏目更新不够及时。下一步将加强审核。</p>
<p>六、其他需要报告的事项</p><p>无。</p>
<p><a href='../files/2022.pdf'>附件：2022年报表.pdf</a></p>
"""

SITE: dict[str, tuple[bytes, str]] = {
    "/robots.txt": (b"User-agent: *\nDisallow: /private/\n", "text/plain"),
    "/nb/index.html": (
        list_page(
            [
                ("2023/t20240125_1.html", "示例县2023年政府信息公开工作年度报告"),
                ("./2022/t20230215_2.html", "示例县财政局2022年政府信息公开工作年度报告"),
                ("news/tree.html", "关于开展春季植树活动的通知"),
            ],
            '<script>createPageHTML(3, 0, "index", "html");</script>',
        ),
        "text/html; charset=utf-8",
    ),
    "/nb/index_1.html": (
        list_page(
            [
                ("/nb/2021/report.html", "2021年政府信息公开年报"),
                ("missing.html", "示例县2020年度政府信息公开工作报告"),
                ("index_2.html", "下一页"),
            ]
        ),
        "text/html; charset=utf-8",
    ),
    "/nb/index_2.html": (
        list_page(
            [
                ("slow.html", "2019年政府信息公开工作年度报告"),
                ("loop/a.html", "2018年政府信息公开工作年度报告"),
                ("/private/2017.html", "2017年政府信息公开工作年度报告"),
                ("files/huge.pdf", "2016年政府信息公开年报"),
                ("flaky.html", "2015年政府信息公开工作年度报告"),
                ("away.html", "2014年政府信息公开工作年度报告"),
                ("index.html", "上一页"),
            ]
        ),
        "text/html; charset=utf-8",
    ),
    "/nb/2023/t20240125_1.html": (
        page(
            "示例县2023年政府信息公开工作年度报告_示例县人民政府",
            "<meta name='ArticleTitle' content='示例县2023年政府信息公开工作年度报告'>"
            "<meta name='PubDate' content='2024-01-25 09:30'>"
            "<meta name='ContentSource' content='示例县人民政府办公室'>",
            "<h1>示例县2023年政府信息公开工作年度报告</h1><p>正文见附件。</p>"
            "<a href='files/2023.pdf'>2023年报告.pdf</a> <a href='files/2023.docx'>2023年报告.docx</a>"
            "<a href='http://example.invalid/mirror/2023.pdf'>镜像下载.pdf</a>"
            "<a href='http://other.invalid/'>其他网站</a>",
        ),
        "text/html; charset=utf-8",
    ),
    "/nb/2022/t20230215_2.html": (page("示例县财政局2022年年报", body=REPORT_2022_BODY), "text/html; charset=utf-8"),
    "/nb/2021/report.html": (
        page(
            "2021年政府信息公开年报",
            body="<h1>示例县教育局2021年政府信息公开工作年度报告</h1>"
            "<table><tr><td>发布机构：</td><td>示例县教育局</td><td>发布日期：</td><td>二〇二二年一月二十八日</td></tr></table>",
        ),
        "text/html; charset=utf-8",
    ),
    "/nb/2023/files/2023.pdf": (tiny_pdf("Example county 2023 report"), "application/pdf"),
    "/nb/2023/files/2023.docx": (
        tiny_docx("示例县2023年政府信息公开工作年度报告"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "/nb/files/2022.pdf": (tiny_pdf("Example finance bureau 2022 tables"), "application/pdf"),
    "/nb/flaky.html": (page("2015年政府信息公开工作年度报告", body="<p>2015年报告。</p>"), "text/html; charset=utf-8"),
    "/private/2017.html": (page("2017"), "text/html"),
}
NO_VALIDATORS = {"/nb/2023/files/2023.docx"}  # served without ETag or Last-Modified: unchanged by hash only
REPORTS = {"/nb/2023/t20240125_1.html", "/nb/2022/t20230215_2.html", "/nb/2021/report.html", "/nb/flaky.html"}
ATTACHMENTS = {"/nb/2023/files/2023.pdf", "/nb/2023/files/2023.docx", "/nb/files/2022.pdf"}


@dataclass
class Site:
    port: int
    log: list[tuple[str, int, str]] = field(default_factory=list)  # path, status, User-Agent
    failed_once: set[str] = field(default_factory=set)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def statuses(self, path: str) -> list[int]:
        return [status for p, status, _ in self.log if p == path]


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            site.log.append((self.path, status, self.headers.get("User-Agent", "")))
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if "Content-Length" not in (headers or {}) and status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path
            if path == "/nb/slow.html":
                time.sleep(SLOW_SECONDS)
                site.log.append((path, 0, ""))  # the client has gone
                return
            if path in ("/nb/loop/a.html", "/nb/loop/b.html"):
                self.answer(302, headers={"Location": "b.html" if path.endswith("a.html") else "a.html"})
                return
            if path == "/nb/away.html":  # a redirect off the host: reported, not followed
                self.answer(302, headers={"Location": "http://example.invalid/2014.html"})
                return
            if path == "/nb/flaky.html" and path not in site.failed_once:
                site.failed_once.add(path)
                self.answer(503)
                return
            if path == "/nb/files/huge.pdf":
                site.log.append((path, 200, self.headers.get("User-Agent", "")))
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for _ in range(40):  # 400 KB, no Content-Length: the client must count and stop
                        self.wfile.write(b"%" * 10_000)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
                return
            if path not in SITE:
                self.answer(404, b"not found")
                return
            body, content_type = SITE[path]
            headers = {"Content-Type": content_type}
            if path not in NO_VALIDATORS:
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                headers |= {"ETag": etag, "Last-Modified": LAST_MODIFIED}
                if self.headers.get("If-None-Match") == etag:
                    self.answer(304, headers=headers)
                    return
            self.answer(200, body, headers)

    return Handler


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = Site(port=server.server_address[1])
    server.RequestHandlerClass = make_handler(state)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


class RecordingTransport(httpx.HTTPTransport):
    """Every request the client sends, by host and path, before it goes out."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.url.host, request.url.path))
        return super().handle_request(request)


def run_crawl(site: Site, out: Path) -> tuple[list[Outcome], RecordingTransport]:
    config = FetchConfig(out=out, max_bytes=MAX_BYTES, timeout=TIMEOUT, rate_seconds=0.0, retries=1, backoff=0.01)
    transport = RecordingTransport()
    client = httpx.Client(transport=transport, timeout=TIMEOUT, headers={"User-Agent": user_agent()}, trust_env=False)
    with client:
        outcomes = crawl(client, config, indexes=[site.url("/nb/index.html")])
    return outcomes, transport


def by_path(outcomes: list[Outcome], site: Site) -> dict[str, Outcome]:
    prefix = site.url("")
    return {o.url.removeprefix(prefix): o for o in outcomes}


@dataclass
class FirstRun:
    site: Site
    out: Path
    outcomes: list[Outcome]
    transport: RecordingTransport
    log: list[tuple[str, int, str]]  # what the server saw during this run

    def statuses(self, path: str) -> list[int]:
        return [status for p, status, _ in self.log if p == path]


@pytest.fixture(scope="module")
def first_run(site: Site, tmp_path_factory: pytest.TempPathFactory) -> FirstRun:
    """One crawl of the site into a fresh folder, shared by the tests that read what it did."""
    out = tmp_path_factory.mktemp("fetch") / "out"
    start = len(site.log)
    outcomes, transport = run_crawl(site, out)
    return FirstRun(site, out, outcomes, transport, site.log[start:])


def test_every_report_and_attachment_is_fetched_once(first_run: FirstRun) -> None:
    site, run = first_run.site, first_run
    got = by_path(run.outcomes, site)
    for path in REPORTS | ATTACHMENTS:
        assert got[path].status == "fetched", (path, got[path])
        assert run.statuses(path).count(200) == 1, (path, run.statuses(path))
        assert Path(got[path].path).read_bytes() == SITE[path][0]
    assert run.statuses("/nb/flaky.html") == [503, 200]  # retried after a 5xx
    assert "/nb/news/tree.html" not in got and not run.statuses("/nb/news/tree.html")  # not a report link
    assert [got[p].status for p in ("/nb/index.html", "/nb/index_1.html", "/nb/index_2.html")] == ["fetched"] * 3
    assert all(run.statuses(p) == [200] for p in ("/nb/index.html", "/nb/index_1.html", "/nb/index_2.html"))

    # What `gkaudit audit DIR` would take for reports: the reports and attachments, no list page or cut-off file.
    documents = {p for p in run.out.rglob("*") if p.suffix in (".html", ".pdf", ".docx") and p.is_file()}
    assert documents == {Path(got[path].path) for path in REPORTS | ATTACHMENTS}


def test_bad_pages_are_reported_and_skipped(first_run: FirstRun) -> None:
    site, run = first_run.site, first_run
    got = by_path(run.outcomes, site)
    assert (got["/nb/missing.html"].status, got["/nb/missing.html"].reason) == ("failed", "HTTP 404")
    assert got["/nb/slow.html"].status == "failed" and "timed out" in got["/nb/slow.html"].reason
    assert got["/nb/loop/a.html"].status == "failed" and got["/nb/loop/a.html"].reason.startswith("redirect loop")
    assert got["/nb/files/huge.pdf"].status == "failed" and "too large" in got["/nb/files/huge.pdf"].reason
    assert got["/private/2017.html"].status == "skipped" and "robots.txt" in got["/private/2017.html"].reason
    assert run.statuses("/private/2017.html") == []  # robots.txt obeyed: never asked
    assert got["http://example.invalid/mirror/2023.pdf"].status == "skipped"
    assert got["/nb/away.html"].status == "skipped" and "off-host" in got["/nb/away.html"].reason
    assert not list(first_run.out.rglob("huge.pdf"))  # nothing kept of a file cut off


def test_no_request_leaves_the_local_server(first_run: FirstRun) -> None:
    sent = first_run.transport.sent
    assert sent and {host for host, _ in sent} == {"127.0.0.1"}
    assert {ua for _, status, ua in first_run.log if status} == {user_agent()}
    assert user_agent().startswith("gkaudit/")


def sidecar_has(outcome: Outcome, **expected: str) -> dict:
    """The sidecar beside an outcome's file, once its fields ``expected`` are found there."""
    record = read_sidecar(outcome.path)
    assert record is not None, outcome
    assert {name: record.get(name) for name in expected} == expected
    return record


def test_sidecars_keep_the_pages_metadata(first_run: FirstRun) -> None:
    site = first_run.site
    got = by_path(first_run.outcomes, site)
    title = "示例县2023年政府信息公开工作年度报告"
    pdf = sidecar_has(
        got["/nb/2023/files/2023.pdf"], title=title, published="2024-01-25", publisher="示例县人民政府办公室"
    )
    assert pdf["page_url"] == site.url("/nb/2023/t20240125_1.html")
    assert pdf["link_text"] == "2023年报告.pdf"
    assert pdf["sha256"] == hashlib.sha256(SITE["/nb/2023/files/2023.pdf"][0]).hexdigest()
    sidecar_has(
        got["/nb/2022/t20230215_2.html"], published="2023-02-15", written="2023-02-10", publisher="示例县财政局"
    )
    sidecar_has(got["/nb/files/2022.pdf"], published_raw="发布时间：2023-02-15")
    sidecar_has(got["/nb/2021/report.html"], published="2022-01-28", publisher="示例县教育局")


def test_a_rerun_downloads_nothing(first_run: FirstRun) -> None:
    site, out = first_run.site, first_run.out
    files = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and ".gkaudit-fetch" not in p.parts}
    start = len(site.log)
    outcomes, transport = run_crawl(site, out)
    log = site.log[start:]
    got = by_path(outcomes, site)
    for path in REPORTS | ATTACHMENTS:
        assert got[path].status == "unchanged", (path, got[path])
    served = [(path, status) for path, status, _ in log if path in REPORTS | ATTACHMENTS]
    assert sorted(p for p, s in served if s == 200) == sorted(NO_VALIDATORS)  # the rest answered 304
    assert sorted(p for p, s in served if s == 304) == sorted(REPORTS | ATTACHMENTS - NO_VALIDATORS)
    for index in ("/nb/index.html", "/nb/index_1.html", "/nb/index_2.html"):
        assert [s for p, s, _ in log if p == index] == [304]
    assert {p: p.stat().st_mtime_ns for p in files} == files  # nothing rewritten
    assert {host for host, _ in transport.sent} == {"127.0.0.1"}


def test_a_fetched_page_and_its_sidecar_feed_the_timeliness_check(first_run: FirstRun) -> None:
    """The 2022 page says 发布时间：2023-02-15: after 31 January 2023, so GK408 fires on it."""
    from extractor import parse_path
    from extractor.audit import audit_report

    report = parse_path(by_path(first_run.outcomes, first_run.site)["/nb/2022/t20230215_2.html"].path)
    assert report.year == 2022
    (late,) = [f for f in audit_report(report).findings if f.rule == "GK408"]
    assert late.evidence["date"] == {"date": "2023-02-15", "raw": "发布时间：2023-02-15", "source": "sidecar:published"}
    assert "网页发布日期为2023年2月15日（原文“发布时间：2023-02-15”）" in late.message_zh
    assert late.message_zh.endswith("晚于期限15天")


# --- The parts, directly --------------------------------------------------------------------------------


def test_links_are_absolute_and_reports_are_told_from_other_links() -> None:
    html = (
        "<base href='http://h.test/a/'><a href='x/1.html'>示例局2023年政府信息公开工作年度报告</a>"
        "<a href='/b/2.pdf#page=2'>附件</a><a href='javascript:void(0)'>打印</a><a href='n.html'>工作动态</a>"
        "<a href='dl.jsp?file=%E6%8A%A5%E5%91%8A.docx'>下载</a>"
    )
    links = extract_links(html, "http://h.test/ignored/")
    assert [link.url for link in links] == [
        "http://h.test/a/x/1.html",
        "http://h.test/b/2.pdf",
        "http://h.test/a/n.html",
        "http://h.test/a/dl.jsp?file=%E6%8A%A5%E5%91%8A.docx",
    ]
    assert [link.url for link in report_links(links)] == [links[0].url, links[1].url, links[3].url]


def test_pagination_by_link_text_and_by_script() -> None:
    links = [Link("http://h.test/l/index_1.html", "下一页"), Link("http://h.test/l/a.html", "示例")]
    assert pagination_links("", links, "http://h.test/l/index.html") == ["http://h.test/l/index_1.html"]
    script = '<script>createPageHTML(3, 0, "index", "shtml");</script>'
    assert pagination_links(script, [], "http://h.test/l/index.shtml") == [
        "http://h.test/l/index_1.shtml",
        "http://h.test/l/index_2.shtml",
    ]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<meta name='PubDate' content='2024-01-30 08:00'><meta name='ContentSource' content='示例市生态环境局'>",
            {"published": "2024-01-30", "publisher": "示例市生态环境局"},
        ),
        (
            "<p>发布日期：2024/1/30</p><p>来源：示例区人民政府</p>",
            {"published": "2024-01-30", "publisher": "示例区人民政府"},
        ),
        ("<span>成文日期:</span><span>2024年1月29日</span>", {"written": "2024-01-29"}),
        ("<p>发布时间：二〇二四年一月三十日</p>", {"published": "2024-01-30"}),
        ("<p>发布日期：未知</p><p>来源：本网</p>", {}),  # no date, no body's name: nothing invented
    ],
)
def test_metadata_from_meta_tags_or_visible_labels(html: str, expected: dict[str, str]) -> None:
    meta = extract_metadata(f"<html><head><title>T</title></head><body>{html}</body></html>")
    assert {k: getattr(meta, k) for k in ("published", "written", "publisher") if getattr(meta, k)} == expected


def test_local_paths_stay_inside_the_output_folder(tmp_path: Path) -> None:
    path = local_path(tmp_path, "http://h.test:8080/a/../../etc/passwd")
    assert path.is_relative_to(tmp_path) and path.name == "passwd"
    assert local_path(tmp_path, "http://h.test/nb/", is_page=True).name == "index.html"
    assert local_path(tmp_path, "http://h.test/show?id=7", is_page=True).suffix == ".html"
    assert sidecar_path(tmp_path / "a.pdf").name == "a.pdf.meta.json"


def test_requests_to_one_host_are_spaced() -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    config = FetchConfig(out=Path("unused"), rate_seconds=2.0)
    pacer = Downloader(httpx.Client(), config, sleep=sleep, clock=lambda: now[0]).pacer
    pacer.wait_for_host("http://a.test/1")
    now[0] += 0.5
    pacer.wait_for_host("http://a.test/2")
    pacer.wait_for_host("http://b.test/1")  # another host: no wait
    assert waits == [1.5]


# --- The command ------------------------------------------------------------------------------------------


def test_command_fetches_and_prints_a_summary(site: Site, tmp_path: Path) -> None:
    from workers.cli import app

    urls = tmp_path / "urls.txt"
    urls.write_text(
        f"# reports\n{site.url('/nb/2021/report.html')}\n\n{site.url('/nb/missing.html')}\n", encoding="utf-8"
    )
    args = ["fetch", "--from", str(urls), "--out", str(tmp_path / "out"), "--rate", "0", "--timeout", str(TIMEOUT)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "HTTP 404" in result.output and "1 fetched" in result.output and "1 failed" in result.output
    assert json.loads(sidecar_path(next((tmp_path / "out").rglob("report.html"))).read_text("utf-8"))["title"]


def test_command_exits_non_zero_when_nothing_could_be_fetched_or_on_bad_usage(site: Site, tmp_path: Path) -> None:
    from workers.cli import app

    out = str(tmp_path / "out")
    nothing = CliRunner().invoke(app, ["fetch", site.url("/nb/missing.html"), "--out", out, "--rate", "0"])
    assert nothing.exit_code == 1, nothing.output
    assert CliRunner().invoke(app, ["fetch", "--out", out]).exit_code == 2
    assert CliRunner().invoke(app, ["fetch", "ftp://127.0.0.1/x", "--out", out]).exit_code == 2


def test_pages_in_gbk_are_read_by_their_declared_charset() -> None:
    html = (
        "<html><head><title>示例镇2023年政府信息公开工作年度报告</title></head><body>来源：示例镇人民政府</body></html>"
    )
    body = html.encode("gbk")
    assert decode_page(body, "text/html; charset=GBK") == html
    assert decode_page(body) == html  # no declaration: not UTF-8, so GB18030
    meta = extract_metadata(decode_page(body, "text/html; charset=gb2312"))
    assert (meta.title, meta.publisher) == ("示例镇2023年政府信息公开工作年度报告", "示例镇人民政府")


def test_a_meta_tag_without_a_date_gives_way_to_the_next() -> None:
    meta = extract_metadata("<meta name='PubDate' content='待定'><meta name='publishdate' content='2024-01-29'>")
    assert (meta.published, meta.sources["published"]) == ("2024-01-29", "meta:publishdate")
