"""Limits and thresholds, named and validated in one place (cf. pdfplumber's TableSettings)."""

from __future__ import annotations

from dataclasses import dataclass, fields

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TEXT_CHARS = 5_000_000
MAX_PDF_PAGES = 200
MAX_DOCX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_DOCX_COMPRESSION_RATIO = 200
MAX_DOCX_MEMBERS = 2_000
PARSE_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class Limits:
    """Resource limits applied while reading one document."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_text_chars: int = MAX_TEXT_CHARS
    max_pdf_pages: int = MAX_PDF_PAGES
    max_docx_uncompressed_bytes: int = MAX_DOCX_UNCOMPRESSED_BYTES
    max_docx_compression_ratio: int = MAX_DOCX_COMPRESSION_RATIO
    max_docx_members: int = MAX_DOCX_MEMBERS
    parse_timeout_seconds: float = PARSE_TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"Limits.{f.name} must be a positive number, got {value!r}")


DEFAULT_LIMITS = Limits()
