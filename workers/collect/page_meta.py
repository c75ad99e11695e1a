"""What a report's page says about the report: its title, 发布日期, 成文日期 and 发布机构, from the page's meta
tags first and its visible labels (发布日期：…, 来源：…) after."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from extractor.dates import DATE, labelled_dates, parse_date
from extractor.metadata import METADATA_FIELD, is_body_name
from workers.collect.pages import parse_html

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
