"""``gkaudit fetch``: download report pages and their attachments, with the page's metadata beside each.

The parts are small functions over bytes and URLs (link extraction, metadata extraction, file naming,
the sidecar) and a :class:`Crawler` over an injected ``httpx.Client``, so tests run it against a local
server and count what it asked.

Politeness: robots.txt (urllib.robotparser) is read once per host and obeyed; requests to one host
are spaced by ``rate_seconds``; 5xx answers, timeouts and dropped connections are retried with
exponential backoff; the User-Agent names gkaudit and its version.  The crawl stays on the hosts of
the URLs it was given: a link or a redirect to another host is reported and not followed.

Resuming: ``<out>/.gkaudit-fetch/state.json`` keeps each URL's ETag, Last-Modified, SHA-256 and file.
A URL fetched before is asked for conditionally (If-None-Match / If-Modified-Since); a 304, or a body
with the same hash, leaves the file alone.  Index pages are cached there too (as ``.index`` files, which
``gkaudit audit DIR`` does not take for reports), so that a re-run that gets 304s still finds their links.
URLs that failed are tried again on the next run.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.robotparser
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from extractor.dates import DATE, labelled_dates, parse_date, sidecar_path
from extractor.metadata import METADATA_FIELD, is_body_name

if TYPE_CHECKING:
    import httpx

STATE_DIR = ".gkaudit-fetch"
ATTACHMENT_EXTENSIONS = (".pdf", ".docx", ".doc", ".wps")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def user_agent() -> str:
    """gkaudit/<version>, as installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("gkaudit")
    except PackageNotFoundError:
        v = "0"
    return f"gkaudit/{v} (government information-disclosure report auditor)"


# --- Links ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    url: str
    text: str


CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
# Chinese pages often declare a narrower charset than they use; gb18030 is a superset.
WIDER_CHARSET = {"gb2312": "gb18030", "gbk": "gb18030"}
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def decode_page(body: bytes, content_type: str = "") -> str:
    """A page's text: by the charset its server or its meta tag declares, else UTF-8, else GB18030."""
    declared = [
        m.group(1).lower()
        for m in (CHARSET.search(content_type), CHARSET.search(body[:2048].decode("ascii", "replace")))
        if m
    ]
    for encoding in [*(WIDER_CHARSET.get(e, e) for e in declared), "utf-8", "gb18030"]:
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")


def parse_html(page: bytes | str) -> Any:
    """An lxml tree of a page (bytes are decoded by :func:`decode_page`)."""
    import lxml.html

    text = decode_page(page) if isinstance(page, bytes) else page
    text = XML_DECLARATION.sub("", text)
    return lxml.html.fromstring(text) if text.strip() else lxml.html.fromstring("<html></html>")


def extract_links(body: bytes | str, base_url: str) -> list[Link]:
    """Every <a href> of a page as an absolute URL without its fragment, with its text; in page order."""
    root = parse_html(body)
    base = next(iter(root.xpath("//base/@href")), None)
    base_url = urljoin(base_url, base) if base else base_url
    out: list[Link] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        out.append(Link(url, " ".join(a.text_content().split()) or (a.get("title") or "").strip()))
    return out


def is_attachment(url: str) -> bool:
    """A link to a document file (PDF, DOCX, DOC, WPS), by its path or a file name in its query."""
    parts = urlsplit(url)
    return unquote(parts.path).lower().endswith(ATTACHMENT_EXTENSIONS) or any(
        unquote(v).lower().endswith(ATTACHMENT_EXTENSIONS) for v in re.split(r"[&=]", parts.query) if v
    )


def attachment_links(links: Iterable[Link]) -> list[Link]:
    return [link for link in links if is_attachment(link.url)]


# A link on a 年报 column's list page that leads to a report, by its text.
REPORT_LINK_TEXT = re.compile(
    r"(?:政府信息公开|政务公开|信息公开|政府信息公開|政務公開).{0,8}?(?:年度)?(?:工作)?(?:情况)?(?:報告|报告)|年报|年報"
)
# Links to the next list page, by their text (pagination bars).
NEXT_PAGE_TEXT = re.compile(r"^(?:下一?页|下頁|后一?页|next|›|»|>|\d{1,3})$", re.I)
# Pagination written by script, as many CMSs do: createPageHTML(pages, current, "index", "html").
SCRIPT_PAGINATION = re.compile(
    r"createPageHTML\(\s*(?P<pages>\d+)\s*,\s*\d+\s*,\s*[\"'](?P<stem>[\w-]+)[\"']\s*,\s*[\"'](?P<ext>\w+)[\"']"
)


def report_links(links: Iterable[Link]) -> list[Link]:
    """Links on a list page that lead to a report page or straight to a report's file."""
    return [link for link in links if REPORT_LINK_TEXT.search(link.text) or is_attachment(link.url)]


def pagination_links(body: bytes | str, links: Iterable[Link], base_url: str) -> list[str]:
    """The other list pages a list page links to: its pagination bar, or the pages its script writes."""
    pages = [link.url for link in links if NEXT_PAGE_TEXT.match(link.text)]
    text = decode_page(body) if isinstance(body, bytes) else body
    for m in SCRIPT_PAGINATION.finditer(text):
        stem, ext = m.group("stem"), m.group("ext")
        pages += [urljoin(base_url, f"{stem}_{n}.{ext}") for n in range(1, int(m.group("pages")))]
    return list(dict.fromkeys(pages))


# --- Metadata ------------------------------------------------------------------------------------------

# <meta name=…> of each field, as government sites name them (first found wins).
META_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("title", ("ArticleTitle", "og:title", "dc.title", "title")),
    (
        "published",
        (
            "PubDate",
            "pubdate",
            "publishdate",
            "firstpublishedtime",
            "article:published_time",
            "dcterms.issued",
            "dc.date",
        ),
    ),
    ("written", ("maketime", "writtendate", "dcterms.created")),
    ("publisher", ("ContentSource", "source", "publisher", "dc.publisher", "SiteName")),
)
DATE_IN_META = re.compile(DATE)
DATE_FIELDS = ("published", "written")


@dataclass
class PageMeta:
    """What a report's page says about it; dates as ISO strings, with the words the page used."""

    title: str | None = None
    published: str | None = None
    published_raw: str | None = None
    written: str | None = None
    written_raw: str | None = None
    publisher: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # field → where it was read (meta:PubDate, text)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def meta_tags(root: Any) -> dict[str, str]:
    """<meta name|property=… content=…> by lower-cased name."""
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if name and content and name not in out:
            out[name] = content
    return out


def visible_text(root: Any) -> str:
    """The page's words, one line per block; no scripts or styles."""
    for el in root.xpath("//script|//style|//noscript"):
        el.drop_tree()
    return "\n".join(line for line in (" ".join(t.split()) for t in root.itertext()) if line)


def extract_metadata(body: bytes | str) -> PageMeta:
    """Title, 发布日期, 成文日期 and 发布机构 of a page: its meta tags first, then its visible labels."""
    root = parse_html(body)
    meta = PageMeta()
    tags = meta_tags(root)
    for name, candidates in META_NAMES:
        for candidate in candidates:
            value = tags.get(candidate.lower())
            if value and set_field(meta, name, value, f"meta:{candidate}"):
                break
    if meta.title is None:
        title = next((" ".join(t.text_content().split()) for t in root.iter("title")), "")
        if title:
            set_field(meta, "title", title, "title")
    text = visible_text(root)
    for name, found in labelled_dates(text).items():
        if getattr(meta, name) is None:
            set_field(meta, name, found.raw, "text")
    if meta.publisher is None:
        name = next((m.group("name") for m in METADATA_FIELD.finditer(text) if is_body_name(m.group("name"))), None)
        if name:
            set_field(meta, "publisher", name, "text")
    return meta


def set_field(meta: PageMeta, name: str, value: str, source: str) -> bool:
    """Set one field; a date field keeps its words and is set only when a date can be read from them."""
    if name in DATE_FIELDS:
        m = DATE_IN_META.search(value)
        found = parse_date(m.group(0)) if m else None
        if found is None:
            return False
        setattr(meta, name, found.isoformat())
        setattr(meta, f"{name}_raw", value)
    else:
        setattr(meta, name, value)
    meta.sources[name] = source
    return True


# --- Files and sidecars -----------------------------------------------------------------------------

UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def local_path(out: Path, url: str, *, is_page: bool = False) -> Path:
    """Where a URL's file goes under ``out``: host/path, each part made safe, never outside ``out``."""
    parts = urlsplit(url)
    host = UNSAFE.sub("_", parts.netloc) or "_"
    segments = [UNSAFE.sub("_", unquote(s)) for s in PurePosixPath(parts.path).parts if s not in ("/", ".", "..")]
    segments = [s for s in segments if s.strip("._")] or ["index.html"]
    if parts.path.endswith("/"):
        segments.append("index.html")
    name = segments[-1]
    if parts.query:
        stem, dot, ext = name.rpartition(".")
        digest = hashlib.sha256(parts.query.encode()).hexdigest()[:8]
        name = f"{stem}_{digest}.{ext}" if dot else f"{name}_{digest}"
    if is_page and not name.lower().endswith((".html", ".htm", ".shtml", ".xhtml")):
        name += ".html"
    return out.joinpath(host, *segments[:-1], name)


def sidecar_record(
    url: str, meta: PageMeta, *, page_url: str, link_text: str | None, sha256: str, content_type: str | None
) -> dict[str, Any]:
    """What is kept beside a file: where it came from and what its page says (see extractor.dates.read_sidecar)."""
    record = {"url": url, "page_url": page_url, "link_text": link_text, "sha256": sha256, "content_type": content_type}
    return record | {k: v for k, v in meta.to_dict().items() if k != "sources"} | {"meta_sources": meta.sources}


def write_sidecar(file: Path, record: dict[str, Any]) -> Path:
    """Write ``<file>.meta.json`` (sorted keys, UTF-8) unless it already holds the same record; its path."""
    path = sidecar_path(file)
    text = json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


# --- The crawl -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchConfig:
    out: Path
    max_bytes: int = 64 * 1024 * 1024
    timeout: float = 30.0
    rate_seconds: float = 1.0  # between two requests to one host
    retries: int = 3  # after the first try, on 5xx, timeouts and dropped connections
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_redirects: int = 5
    max_list_pages: int = 200


@dataclass
class Outcome:
    """What became of one URL: fetched, unchanged, failed or skipped, and why."""

    url: str
    kind: str  # page, attachment, index
    status: str
    reason: str = ""
    path: str | None = None
    size: int = 0


class FetchError(Exception):
    """A URL that could not be fetched (or was not asked for: ``skipped``); ``reason`` says why in a few words."""

    def __init__(self, reason: str, *, skipped: bool = False) -> None:
        self.reason = reason
        self.skipped = skipped
        super().__init__(reason)

    def outcome(self, url: str, kind: str) -> Outcome:
        return Outcome(url, kind, "skipped" if self.skipped else "failed", self.reason)


@dataclass
class Got:
    url: str  # after redirects
    status: int  # 200 or 304
    body: bytes
    headers: dict[str, str]


class Crawler:
    """Fetches pages and files over ``client`` into ``config.out``, politely; see the module docstring."""

    def __init__(
        self,
        client: httpx.Client,
        config: FetchConfig,
        *,
        allowed_hosts: Iterable[str] = (),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.config = config
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.sleep = sleep
        self.clock = clock
        self.last_request: dict[str, float] = {}
        self.robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self.state_file = config.out / STATE_DIR / "state.json"
        self.state: dict[str, dict[str, Any]] = load_state(self.state_file)
        self.outcomes: list[Outcome] = []
        self.done: set[str] = set()

    # -- entry points --

    def fetch_report(self, url: str, link_text: str | None = None) -> None:
        """A report page and its attachments, or a report file itself."""
        if url in self.done:
            return
        self.done.add(url)
        if is_attachment(url):
            self.fetch_file(url, PageMeta(title=link_text), page_url=url, link_text=link_text)
            return
        try:
            got = self.get(url)
        except FetchError as exc:
            self.outcomes.append(exc.outcome(url, "page"))
            return
        if not is_html(got):  # a report file served at a URL without an extension
            self.save_file(url, got, PageMeta(title=link_text), "attachment", page_url=url, link_text=link_text)
            return
        page = decode_page(got.body, got.headers.get("content-type", ""))
        meta = extract_metadata(page)
        self.save_file(url, got, meta, "page", page_url=url, link_text=link_text)
        for link in attachment_links(extract_links(page, got.url)):
            if link.url not in self.done:
                self.done.add(link.url)
                self.fetch_file(link.url, meta, page_url=url, link_text=link.text)

    def follow_index(self, index_url: str) -> None:
        """A 年报 column: its list pages, page by page, and every report they link to."""
        queue, seen = [index_url], {index_url}
        while queue and len(seen) <= self.config.max_list_pages:
            url = queue.pop(0)
            try:
                got = self.get(url, cache_body=True)
            except FetchError as exc:
                self.outcomes.append(exc.outcome(url, "index"))
                continue
            self.outcomes.append(
                Outcome(
                    url,
                    "index",
                    "unchanged" if got.status == 304 else "fetched",
                    size=len(got.body) if got.status == 200 else 0,
                )
            )
            page = decode_page(got.body, got.headers.get("content-type", ""))
            links = extract_links(page, got.url)
            for link in report_links(links):
                self.fetch_report(link.url, link.text)
            for page_url in pagination_links(page, links, got.url):
                if page_url not in seen and self.on_allowed_host(page_url):
                    seen.add(page_url)
                    queue.append(page_url)
        self.save_state()

    # -- one file --

    def fetch_file(self, url: str, meta: PageMeta, *, page_url: str, link_text: str | None) -> None:
        try:
            got = self.get(url)
        except FetchError as exc:
            self.outcomes.append(exc.outcome(url, "attachment"))
            return
        self.save_file(url, got, meta, "attachment", page_url=page_url, link_text=link_text)

    def save_file(self, url: str, got: Got, meta: PageMeta, kind: str, *, page_url: str, link_text: str | None) -> None:
        """Write the body (unless unchanged) and its sidecar; record the outcome."""
        entry = self.state.get(url, {})
        path = Path(entry["path"]) if got.status == 304 else local_path(self.config.out, url, is_page=kind == "page")
        digest = hashlib.sha256(got.body).hexdigest()
        unchanged = got.status == 304 or (entry.get("sha256") == digest and path.exists())
        if not unchanged:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(got.body)
        self.remember(url, got, path, digest)
        record = sidecar_record(
            url,
            meta,
            page_url=page_url,
            link_text=link_text,
            sha256=digest,
            content_type=got.headers.get("content-type"),
        )
        write_sidecar(path, record)
        self.outcomes.append(
            Outcome(
                url,
                kind,
                "unchanged" if unchanged else "fetched",
                path=str(path),
                size=0 if unchanged else len(got.body),
            )
        )
        self.save_state()

    # -- HTTP --

    def on_allowed_host(self, url: str) -> bool:
        return not self.allowed_hosts or (urlsplit(url).hostname or "").lower() in self.allowed_hosts

    def get(self, url: str, *, cache_body: bool = False) -> Got:
        """GET with robots, host, rate, retry, redirect and size rules; a 304 gives the stored body back."""
        entry = self.state.get(url, {})
        headers = conditional_headers(entry) if stored_body(entry) is not None else {}
        got = self.request_following_redirects(url, headers)
        if got.status == 304:
            body = stored_body(entry)
            if body is None:
                raise FetchError("304 without a stored copy")
            return Got(got.url, 304, body, {"content-type": entry.get("content-type", ""), **got.headers})
        if cache_body:
            cache = self.config.out / STATE_DIR / "pages" / (hashlib.sha256(url.encode()).hexdigest()[:16] + ".index")
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(got.body)
            self.remember(url, got, cache, hashlib.sha256(got.body).hexdigest())
        return got

    def request_following_redirects(self, url: str, headers: dict[str, str]) -> Got:
        seen: list[str] = []
        current = url
        for _ in range(self.config.max_redirects + 1):
            if current in seen:
                raise FetchError("redirect loop: " + " → ".join([*seen, current]))
            seen.append(current)
            if not self.on_allowed_host(current):
                raise FetchError(f"off-host URL {current}: not followed", skipped=True)
            if not self.allowed_by_robots(current):
                raise FetchError("disallowed by robots.txt", skipped=True)
            status, response_headers, body = self.request_with_retries(current, headers if current == url else {})
            if status in (301, 302, 303, 307, 308) and "location" in response_headers:
                current = urldefrag(urljoin(current, response_headers["location"]))[0]
                continue
            if status == 304:
                return Got(current, 304, b"", response_headers)
            if status != 200:
                raise FetchError(f"HTTP {status}")
            return Got(current, 200, body, response_headers)
        raise FetchError(f"more than {self.config.max_redirects} redirects")

    def request_with_retries(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        import httpx

        last = ""
        for attempt in range(self.config.retries + 1):
            if attempt:
                self.sleep(self.config.backoff * 2 ** (attempt - 1))
            try:
                status, response_headers, body = self.request_once(url, headers)
            except httpx.TimeoutException:
                last = f"timed out after {self.config.timeout:g} s"
                continue
            except httpx.TransportError as exc:
                last = f"connection failed: {type(exc).__name__}"
                continue
            if status >= 500:
                last = f"HTTP {status}"
                continue
            return status, response_headers, body
        raise FetchError(f"{last} ({self.config.retries + 1} tries)")

    def request_once(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """One GET, spaced from the last to the host, its body streamed and cut at ``max_bytes``."""
        self.wait_for_host(url)
        limit = self.config.max_bytes
        with self.client.stream("GET", url, headers=headers) as response:
            response_headers = {k.lower(): v for k, v in response.headers.items()}
            if response.status_code != 200:
                return response.status_code, response_headers, b""
            declared = response_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(f"too large: {int(declared)} bytes declared, limit {limit}")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"too large: more than {limit} bytes")
                chunks.append(chunk)
            return 200, response_headers, b"".join(chunks)

    def wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        if host in self.last_request:
            wait = self.config.rate_seconds - (self.clock() - self.last_request[host])
            if wait > 0:
                self.sleep(wait)
        self.last_request[host] = self.clock()

    def allowed_by_robots(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            self.robots[origin] = self.read_robots(origin + "/robots.txt")
        parser = self.robots[origin]
        return parser is None or parser.can_fetch(user_agent(), url)

    def read_robots(self, robots_url: str) -> urllib.robotparser.RobotFileParser | None:
        """The host's robots.txt; None (everything allowed) when it has none or it cannot be read."""
        try:
            status, _, body = self.request_with_retries(robots_url, {})
        except FetchError:
            return None
        parser = urllib.robotparser.RobotFileParser(robots_url)
        if status in (401, 403):
            parser.disallow_all = True
        elif status == 200:
            parser.parse(body.decode("utf-8", "replace").splitlines())
        else:
            return None
        return parser

    # -- state --

    def remember(self, url: str, got: Got, path: Path, digest: str) -> None:
        entry = self.state.setdefault(url, {})
        entry.update(path=str(path), sha256=digest)
        for header in ("etag", "last-modified", "content-type"):
            if header in got.headers:
                entry[header] = got.headers[header]

    def save_state(self) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(
            json.dumps(self.state, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )


def is_html(got: Got) -> bool:
    content_type = got.headers.get("content-type", "").lower()
    if content_type:
        return content_type.startswith(HTML_TYPES)
    head = got.body[:1024].lower()
    return b"<html" in head or b"<!doctype html" in head


def load_state(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def stored_body(entry: dict[str, Any]) -> bytes | None:
    """The copy kept of a URL fetched before, if it is still there."""
    path = entry.get("path")
    try:
        return Path(path).read_bytes() if path else None
    except OSError:
        return None


def conditional_headers(entry: dict[str, Any]) -> dict[str, str]:
    headers = {}
    if entry.get("etag"):
        headers["If-None-Match"] = entry["etag"]
    if entry.get("last-modified"):
        headers["If-Modified-Since"] = entry["last-modified"]
    return headers


# --- Running it ----------------------------------------------------------------------------------------


def make_client(config: FetchConfig) -> httpx.Client:
    """The client the command uses: gkaudit's User-Agent, the timeout, redirects followed by the crawler."""
    import httpx

    return httpx.Client(
        headers={"User-Agent": user_agent()},
        timeout=httpx.Timeout(config.timeout),
        follow_redirects=False,
        trust_env=False,
    )


def hosts_of(urls: Iterable[str]) -> set[str]:
    return {(urlsplit(u).hostname or "").lower() for u in urls if urlsplit(u).hostname}


def crawl(
    client: httpx.Client,
    config: FetchConfig,
    urls: Iterable[str] = (),
    indexes: Iterable[str] = (),
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Outcome]:
    """Fetch every report URL and follow every index; the outcome of each URL, in order."""
    urls, indexes = list(urls), list(indexes)
    crawler = Crawler(client, config, allowed_hosts=hosts_of([*urls, *indexes]), sleep=sleep)
    for index in indexes:
        crawler.follow_index(index)
    for url in urls:
        crawler.fetch_report(url)
    crawler.save_state()
    return crawler.outcomes


def read_url_list(path: Path) -> list[str]:
    """URLs from a file, one a line; blank lines and # comments skipped."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def any_fetched(outcomes: Iterable[Outcome]) -> bool:
    """Whether any report page or file was fetched or found unchanged (index pages alone do not count)."""
    return any(o.status in ("fetched", "unchanged") and o.kind != "index" for o in outcomes)


def summary_rows(outcomes: Iterable[Outcome]) -> Iterator[tuple[str, str, str, str, str]]:
    for o in outcomes:
        yield o.status, o.kind, o.url, str(o.size) if o.size else "", o.reason or (o.path or "")
