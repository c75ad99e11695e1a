"""List pages and report pages as HTML: their text, their links, which links lead to reports and which to the
next list page (a pagination bar, or the pages a CMS's script writes)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

ATTACHMENT_EXTENSIONS = (".pdf", ".docx", ".doc", ".wps")


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
