"""Checks across the documents of one audit (GK6xx): what no single report can show.

- GK601: this year's 上年结转 against the same body's previous report's 结转下年度继续办理,
  per applicant column (a finding on the later report);
- GK602: a 存在的主要问题及改进情况 section nearly copied from an earlier report, another body's
  or the same body's previous year (a finding on the later report; near-copies are grouped into
  clusters, so a template pasted by many bodies is one finding per copy, not one per pair).

They read a :class:`CorpusInput`: what each document's stored result says (:class:`CorpusDoc`)
and, for GK602, a function that groups near-copies (MinHash over the section's characters,
supplied by ``models.similarity``: the library defines the rule, not the hashing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.checks.registry import RULES, Finding, Hit, rule
from extractor.formats import DEFAULT_FORMAT, FORMATS
from extractor.output import section_text

# Table 三's columns (the six applicant columns and 总计) and their headers, from the format definition.
_APPLICATIONS = FORMATS[DEFAULT_FORMAT].table("三")
APPLICANT_COLUMNS = tuple(column.key for column in _APPLICATIONS.columns)
COLUMN_ZH = {column.key: column.header for column in _APPLICATIONS.columns}
# What GK601 reads of a result's tables.
CARRIED_KEYS = tuple(
    f"applications.{row}.{column}" for row in ("carried_in", "carried_out") for column in APPLICANT_COLUMNS
)
# Sections shorter than this are not compared (无, 本年度无此类情况).
MIN_COPY_CHARS = 60
# Sections this similar (estimated Jaccard of character shingles) count as copies.
COPY_THRESHOLD = 0.8
# The LSH bands near-copies are found by, (bands, rows per band): ``models.similarity.lsh_bands(COPY_THRESHOLD,
# 128)``, written here so that the store reads them without numpy (a test holds them equal).  A result's band keys
# are stored (workers.store.CorpusBand) numbered from FIRST_BAND, which names these bands: rows written for other
# bands are never read as these.
COPY_BANDS = (9, 13)
FIRST_BAND = (COPY_BANDS[0] * 1000 + COPY_BANDS[1]) * 100


@dataclass(frozen=True, slots=True)
class CorpusDoc:
    """One audited document as the corpus rules read it (slots: the runner holds one per document of an audit)."""

    content_hash: str
    path: str
    agency: str | None
    year: int | None
    tables: Mapping[str, Any]
    raw_cells: Mapping[str, str]
    problems: str  # the problems section's text ("" when only its signature is kept)
    # models.similarity.stored_signature, made by the pipeline's workers (or its bytes, as the runner keeps it)
    problems_signature: str | bytes | None = None
    problems_length: int | None = None  # the section's length when its text is not kept

    @property
    def problems_chars(self) -> int:
        return self.problems_length if self.problems_length is not None else len(self.problems)


@dataclass(frozen=True)
class Copy:
    later: str  # content hash of the copy
    source: str  # the earliest report of its cluster it nearly copies
    similarity: float
    cluster_size: int  # reports that copy the same source, the source included


CopyFinder = Callable[[Sequence[CorpusDoc]], list[Copy]]


@dataclass(frozen=True)
class CorpusInput:
    docs: tuple[CorpusDoc, ...]
    find_copies: CopyFinder | None = None  # None: GK602 does not run
    _by_hash: dict[str, CorpusDoc] = field(default_factory=dict, compare=False, repr=False)

    def doc(self, content_hash: str) -> CorpusDoc:
        if not self._by_hash:
            self._by_hash.update((d.content_hash, d) for d in self.docs)
        return self._by_hash[content_hash]


@dataclass(frozen=True)
class CorpusFinding:
    """A finding of a corpus rule, on one document of the audit."""

    content_hash: str
    finding: Finding

    def to_row(self) -> dict[str, Any]:
        """The finding as stored (CorpusFinding rows): the document's hash and kind ``corpus``."""
        return {"content_hash": self.content_hash, **self.finding.to_dict()}


def body_key(agency: str | None) -> str | None:
    """Agencies compared without spaces and brackets' content ("某局（某办）" = "某局")."""
    if not agency:
        return None
    return re.sub(r"[（(][^）)]*[）)]|\s", "", agency)


def is_later(doc: CorpusDoc, other: CorpusDoc) -> bool:
    """The copy is the later report; between reports of one year, the one named second."""
    return report_order(doc) > report_order(other)


def report_order(doc: CorpusDoc) -> tuple[int, str]:
    return (doc.year or 0, doc.path)


# ---- GK601 -----------------------------------------------------------------------------------


@rule(
    "GK601",
    kind="corpus",
    severity="error",
    zh="表三“{column_zh}”列：本年“上年结转”为{now_value}，但{previous_year}年报告的“结转下年度继续办理”为{then_value}",
    en="Table 3, column {column}: carried in {now_value}, but the {previous_year} report carried {then_value} forward",
)
def carried_in_differs_from_last_years_carried_out(data: CorpusInput) -> Iterator[Hit]:
    by_body_year = {(body_key(d.agency), d.year): d for d in data.docs if body_key(d.agency) and d.year}
    for (body, year), doc in sorted(by_body_year.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or 0)):
        previous = by_body_year.get((body, year - 1))
        if previous is None:
            continue
        for column in APPLICANT_COLUMNS:
            now_key, then_key = f"applications.carried_in.{column}", f"applications.carried_out.{column}"
            now_value, then_value = doc.tables.get(now_key), previous.tables.get(then_key)
            if now_value is None or then_value is None or now_value == then_value:
                continue
            params = {
                "column": column,
                "column_zh": COLUMN_ZH[column],
                "now_value": now_value,
                "then_value": then_value,
                "previous_year": year - 1,
            }
            evidence = {
                "cells": {now_key: {"value": now_value, "raw": doc.raw_cells.get(now_key)}},
                "previous": {
                    "path": previous.path,
                    "year": previous.year,
                    "cells": {then_key: {"value": then_value, "raw": previous.raw_cells.get(then_key)}},
                },
            }
            yield Hit(now_key, params, evidence, document=doc.content_hash)


# ---- GK602 -----------------------------------------------------------------------------------


@rule(
    "GK602",
    kind="corpus",
    severity="warning",
    zh="“存在的主要问题及改进情况”与{source_zh}高度相似（相似度{percent}），疑为照抄{shared_zh}",
    en="The problems section is a near copy ({percent}) of {source_en}{shared_en}",
)
def problems_section_copied(data: CorpusInput) -> Iterator[Hit]:
    if data.find_copies is None:
        return
    for copy in data.find_copies([d for d in data.docs if d.problems_chars >= MIN_COPY_CHARS]):
        doc, other = data.doc(copy.later), data.doc(copy.source)
        yield Hit(
            f"sections.problems~{other.content_hash[:12]}",
            copy_params(doc, other, copy),
            {
                "other": {"path": other.path, "agency": other.agency, "year": other.year},
                "similarity": copy.similarity,
                "cluster_size": copy.cluster_size,
            },
            document=doc.content_hash,
        )


def copy_params(doc: CorpusDoc, other: CorpusDoc, copy: Copy) -> dict[str, Any]:
    same_body = body_key(doc.agency) == body_key(other.agency)
    shared = copy.cluster_size > 2
    return {
        "percent": f"{copy.similarity:.0%}",
        "source_zh": f"本机关{other.year}年报告" if same_body else f"{other.agency or other.path}的报告",
        "source_en": "this body's previous report" if same_body else f"the report of {other.agency or other.path}",
        "shared_zh": f"；共有{copy.cluster_size}份报告使用近乎相同的内容" if shared else "",
        "shared_en": f"; {copy.cluster_size} reports share nearly the same text" if shared else "",
    }


def run_corpus_rules(data: CorpusInput, only: str | None = None) -> list[CorpusFinding]:
    """Every corpus rule over the audit's documents, in rule order (``only``: that rule alone).

    The corpus rules are this module's (a test holds it so): the registry's other modules are not loaded for
    them (``load_rules`` imports the report rules and with them the NLP pipeline: some 60 MiB and a second of
    the runner's, after the audit's last result)."""
    return [
        CorpusFinding(hit.document or "", rule.finding(hit))
        for rule_id, rule in RULES.items()
        if rule.scope == "corpus" and only in (None, rule_id)
        for hit in rule.func(data)  # type: ignore[arg-type]
    ]


def corpus_inputs(payload: dict[str, Any]) -> dict[str, Any]:
    """What the corpus checks (workers.audit.corpus_checks) read of a payload: the carried-over cells, the
    problems section's MinHash signature (its text only when it has none) and its length."""
    tables, raw = payload.get("tables") or {}, payload.get("raw_cells") or {}
    signature = payload.get("problems_signature")
    problems = section_text(payload, "problems")
    return {
        "tables": {k: tables[k] for k in CARRIED_KEYS if k in tables},
        "raw": {k: raw[k] for k in CARRIED_KEYS if k in raw},
        "signature": signature,
        "problems": "" if signature else problems,
        "problems_length": len(problems),
    }
