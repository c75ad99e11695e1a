"""Sniff a file's type from its bytes and hand it to the matching loader.

Every loader has the signature ``load_<kind>(data: bytes, limits: Limits) -> Document``
and raises :class:`~extractor.errors.ExtractError` for anything it cannot read.
The type is decided by content, never by the file name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from extractor.document import Document
from extractor.errors import ExtractError
from extractor.settings import DEFAULT_LIMITS, Limits

Loader = Callable[[bytes, Limits], Document]

HTML_SNIFF = re.compile(rb"<\s*(!doctype\s+html|html|head|body|table|p|div)[\s>]", re.IGNORECASE)
SNIFF_BYTES = 2048


def sniff_kind(data: bytes) -> str:
    """Name the loader for these bytes: "pdf", "docx", "html" or "text"."""
    head = data[:SNIFF_BYTES]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExtractError("E005")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<") and HTML_SNIFF.search(head):
        return "html"
    return "text"


def _loader(kind: str) -> Loader:
    # Imported on demand: reading a text file should not pay for pdfplumber.
    if kind == "pdf":
        from extractor.loaders.pdf import load_pdf

        return load_pdf
    if kind == "docx":
        from extractor.loaders.docx import load_docx

        return load_docx
    if kind == "html":
        from extractor.loaders.html import load_html

        return load_html
    from extractor.loaders.text import load_text

    return load_text


def load_bytes(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a document from its bytes."""
    if not data.strip():
        raise ExtractError("E003")
    if len(data) > limits.max_file_bytes:
        raise ExtractError("E004", size=len(data), limit=limits.max_file_bytes)
    return _loader(sniff_kind(data))(data, limits)


def read_file_bytes(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read a file's bytes, refusing what is missing, a directory or too large before reading it."""
    p = Path(path)
    if p.is_dir():
        raise ExtractError("E002")
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ExtractError("E001") from None
    except OSError as exc:
        raise ExtractError("E060", detail=exc.strerror or str(exc)) from None
    if size == 0:
        raise ExtractError("E003")
    if size > limits.max_file_bytes:
        raise ExtractError("E004", size=size, limit=limits.max_file_bytes)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise ExtractError("E060", detail=exc.strerror or str(exc)) from None


def load_path(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a document from a file."""
    return load_bytes(read_file_bytes(path, limits), limits)
