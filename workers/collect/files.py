"""Where downloads go and what is kept beside them: each file's place under the output folder, its sidecar
(``FILE.meta.json``: where it came from and what its page says), and the state a re-run resumes from."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from extractor.dates import sidecar_path
from workers.collect.page_meta import PageMeta

STATE_DIR = ".gkaudit-fetch"
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


# --- Resuming ----------------------------------------------------------------------------------------------


class FetchState:
    """Each URL's ETag, Last-Modified, content type, SHA-256 and file, in ``<out>/.gkaudit-fetch/state.json``;
    list pages are kept there too (``pages/*.index``), so that a re-run that gets 304s still finds their links."""

    def __init__(self, out: Path) -> None:
        self.folder = out / STATE_DIR
        self.file = self.folder / "state.json"
        self.entries: dict[str, dict[str, Any]] = load_state(self.file)

    def entry(self, url: str) -> dict[str, Any]:
        return self.entries.get(url, {})

    def remember(self, url: str, headers: dict[str, str], path: Path, digest: str) -> None:
        entry = self.entries.setdefault(url, {})
        entry.update(path=str(path), sha256=digest)
        for header in ("etag", "last-modified", "content-type"):
            if header in headers:
                entry[header] = headers[header]

    def keep_page(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        """Keep a list page's body (``gkaudit audit DIR`` does not take ``.index`` files for reports)."""
        cache = self.folder / "pages" / (hashlib.sha256(url.encode()).hexdigest()[:16] + ".index")
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(body)
        self.remember(url, headers, cache, hashlib.sha256(body).hexdigest())

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.file.write_text(json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")


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
