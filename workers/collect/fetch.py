"""``gkaudit fetch``: download report pages and their attachments, with the page's metadata beside each.

The parts are small functions over bytes and URLs (:mod:`pages`: links and pagination; :mod:`page_meta`: what
a page says of its report; :mod:`files`: file naming, the sidecar and the resume state) and, over an injected
``httpx.Client``, a :class:`~workers.collect.download.Downloader` (HTTP, politely: :mod:`politeness`) that the
:class:`Crawler` here drives, so tests run it against a local server and count what it asked.

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
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from workers.collect.download import Downloader, FetchConfig, FetchError, Got
from workers.collect.files import (
    FetchState,
    conditional_headers,
    local_path,
    sidecar_record,
    stored_body,
    write_sidecar,
)
from workers.collect.page_meta import PageMeta, extract_metadata
from workers.collect.pages import (
    attachment_links,
    decode_page,
    extract_links,
    is_attachment,
    pagination_links,
    report_links,
)

if TYPE_CHECKING:
    import httpx

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Outcome:
    """What became of one URL: fetched, unchanged, failed or skipped, and why."""

    url: str
    kind: str  # page, attachment, index
    status: str
    reason: str = ""
    path: str | None = None
    size: int = 0


def failure(exc: FetchError, url: str, kind: str) -> Outcome:
    return Outcome(url, kind, "skipped" if exc.skipped else "failed", exc.reason)


class Crawler:
    """Fetches pages and files through ``http`` into its ``config.out``; see the module docstring."""

    def __init__(self, http: Downloader) -> None:
        self.config = http.config
        self.http = http
        self.state = FetchState(http.config.out)
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
            self.outcomes.append(failure(exc, url, "page"))
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
                self.outcomes.append(failure(exc, url, "index"))
                continue
            unchanged = got.status == 304
            self.outcomes.append(
                Outcome(url, "index", "unchanged" if unchanged else "fetched", size=0 if unchanged else len(got.body))
            )
            page = decode_page(got.body, got.headers.get("content-type", ""))
            links = extract_links(page, got.url)
            for link in report_links(links):
                self.fetch_report(link.url, link.text)
            for page_url in pagination_links(page, links, got.url):
                if page_url not in seen and self.http.on_allowed_host(page_url):
                    seen.add(page_url)
                    queue.append(page_url)
        self.state.save()

    # -- one file --

    def fetch_file(self, url: str, meta: PageMeta, *, page_url: str, link_text: str | None) -> None:
        try:
            got = self.get(url)
        except FetchError as exc:
            self.outcomes.append(failure(exc, url, "attachment"))
            return
        self.save_file(url, got, meta, "attachment", page_url=page_url, link_text=link_text)

    def save_file(self, url: str, got: Got, meta: PageMeta, kind: str, *, page_url: str, link_text: str | None) -> None:
        """Write the body (unless unchanged) and its sidecar; record the outcome."""
        entry = self.state.entry(url)
        path = Path(entry["path"]) if got.status == 304 else local_path(self.config.out, url, is_page=kind == "page")
        digest = hashlib.sha256(got.body).hexdigest()
        unchanged = got.status == 304 or (entry.get("sha256") == digest and path.exists())
        if not unchanged:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(got.body)
        self.state.remember(url, got.headers, path, digest)
        content_type = got.headers.get("content-type")
        record = sidecar_record(
            url, meta, page_url=page_url, link_text=link_text, sha256=digest, content_type=content_type
        )
        write_sidecar(path, record)
        size = 0 if unchanged else len(got.body)
        self.outcomes.append(Outcome(url, kind, "unchanged" if unchanged else "fetched", path=str(path), size=size))
        self.state.save()

    def get(self, url: str, *, cache_body: bool = False) -> Got:
        """GET with robots, host, rate, retry, redirect and size rules; a 304 gives the stored body back."""
        entry = self.state.entry(url)
        headers = conditional_headers(entry) if stored_body(entry) is not None else {}
        got = self.http.request_following_redirects(url, headers)
        if got.status == 304:
            body = stored_body(entry)
            if body is None:
                raise FetchError("304 without a stored copy")
            return Got(got.url, 304, body, {"content-type": entry.get("content-type", ""), **got.headers})
        if cache_body:
            self.state.keep_page(url, got.body, got.headers)
        return got


def is_html(got: Got) -> bool:
    content_type = got.headers.get("content-type", "").lower()
    if content_type:
        return content_type.startswith(HTML_TYPES)
    head = got.body[:1024].lower()
    return b"<html" in head or b"<!doctype html" in head


# --- Running it ----------------------------------------------------------------------------------------


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
    crawler = Crawler(Downloader(client, config, allowed_hosts=hosts_of([*urls, *indexes]), sleep=sleep))
    for index in indexes:
        crawler.follow_index(index)
    for url in urls:
        crawler.fetch_report(url)
    crawler.state.save()
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
