"""The one error type loaders and parsers raise, with stable reason codes.

The edges (CLI, task, API) turn an :class:`ExtractError` into an exit code 2,
a failed-document row or a 4xx; its ``reason`` is the text a person reads.
"""

from __future__ import annotations


class Errors:
    """Reason codes and their message templates, in one place (cf. spaCy's Errors)."""

    E001 = "file not found"
    E002 = "is a directory, not a file"
    E003 = "empty file"
    E004 = "file too large ({size} bytes; limit {limit} bytes)"
    E005 = "unrecognised file type (not text, DOCX, PDF or HTML)"
    E006 = "cannot decode text (tried {tried})"
    E007 = "binary data, not text"
    E008 = "text too long ({chars} characters; limit {limit} characters)"
    E010 = "not a valid DOCX file: {detail}"
    E011 = "DOCX expands too much (zip bomb?): {detail}"
    E020 = "not a valid PDF file: {detail}"
    E021 = "PDF is encrypted"
    E022 = "PDF has no text layer (scanned images?); OCR it first"
    E023 = "PDF has too many pages ({pages}; limit {limit})"
    E030 = "not a valid HTML file: {detail}"
    E040 = "not an annual report: {detail}"
    E050 = "parsing took too long (limit {limit} s)"
    E051 = "auditing took too long (limit {limit} s)"
    E060 = "cannot read file: {detail}"


class ExtractError(Exception):
    """A document could not be read; ``reason`` says why in one line."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        template = getattr(Errors, code)
        self.reason = template.format(**params)
        super().__init__(f"{code}: {self.reason}")
