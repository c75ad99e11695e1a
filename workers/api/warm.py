"""Imported once by the check pool's fork server (``forkserver`` preload), never by the API process.

Importing it loads what every check needs: the pipeline, every loader (pdfplumber,
python-docx, lxml) and jieba's dictionary with the spaCy pipeline, by checking one
generated report in each format, so that each child forked from the server starts
warm and shares those pages copy-on-write.  Warming is best effort: if it fails,
the children load what they need on their first check instead.
"""

from __future__ import annotations

import logging

import extractor.loaders.docx
import extractor.loaders.html
import extractor.loaders.pdf
import extractor.loaders.text
import extractor.stages
import models.stages

LOADERS = (extractor.loaders.docx, extractor.loaders.html, extractor.loaders.pdf, extractor.loaders.text)


WARM_UP_INDEX = 0


def warm_up() -> None:
    """One check of a generated report in every format: loads jieba, spaCy and each loader's lazy parts."""
    import random

    from corpus.generate import RENDERINGS, generate_report

    report = generate_report(random.Random("api-warm-up"), WARM_UP_INDEX)
    for suffix, render in RENDERINGS.values():
        try:
            outcome = models.stages.audit_bytes(render(report), f"warm-up{suffix}")
        except (OSError, RuntimeError, ValueError) as exc:
            outcome = extractor.stages.Outcome("failed", suffix, error=str(exc))
        if outcome.status != "done":
            logging.getLogger(__name__).warning("warm-up of %s: %s", suffix, outcome.error)


warm_up()
