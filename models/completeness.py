"""How complete a report's 存在的主要问题及改进情况 section is: a 0-3 label, a 0-100 score, and reasons.

Rubric: 0 missing, empty or "nothing to report"; 1 stock problems and no concrete
measure; 2 named problems and some measures, but generic, unpaired or without
follow-up; 3 specific problems with evidence, a concrete measure for each, and
last year's problems followed up or a dated plan.

``label`` is the most probable class under the calibrated probabilities; ``score``
is the expected label under them, times 100/3, so 0 means surely missing and 100
surely complete, and two sections of the same label still differ by how sure the
model is.  The reasons are read off the elements (:mod:`models.elements`), not off
the model, so they name what a reader can check in the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from extractor.loaders import read_file_bytes
from extractor.loaders.text import decode_text
from extractor.model import Report, Section
from extractor.settings import DEFAULT_LIMITS, Limits
from models import lexicons
from models.artifact import LoadedModel, load_model
from models.elements import Elements, elements_of, extract_elements
from models.normalize import normalize_text

LABELS = (0, 1, 2, 3)
SECTION_ID = "problems"
# Non-standard sections right after the problems section that carry its plan.
PLAN_TITLE = re.compile(r"下一步|工作计划|改进措施|整改措施|工作打算|努力方向")
SCORE_DECIMALS = 1
HAS_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
EMPTY_ELEMENTS = elements_of("")


@dataclass(frozen=True)
class Completeness:
    score: float
    label: int
    elements: Elements
    reasons_zh: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "label": self.label,
            "elements": self.elements.to_dict(),
            "reasons_zh": list(self.reasons_zh),
        }


# ---------------------------------------------------------------- reasons


def _problem_reason(e: Elements) -> str:
    if not e.problems:
        return "未列出存在的问题"
    if e.specific_problems == e.problems:
        return f"列出{e.problems}个具体问题"
    if e.specific_problems:
        return f"列出{e.problems}个问题，其中{e.specific_problems}个有具体事实或数据"
    return f"列出{e.problems}个问题，但均未说明具体事实或数据"


def _measure_reason(e: Elements) -> str:
    if not e.measures:
        return "未提出改进措施"
    if e.specific_measures == e.measures:
        return f"提出{e.measures}项措施，均明确了责任主体或完成时限"
    if e.specific_measures:
        return f"提出{e.measures}项措施，其中{e.specific_measures}项明确了责任主体或完成时限"
    return f"提出{e.measures}项措施，但未明确责任主体和完成时限"


def reasons_for(e: Elements) -> tuple[str, ...]:
    """What is present and what is missing, in the order a reader checks them."""
    if e.nothing_to_report:
        return ("内容为空或称无问题可报告",)
    reasons = [_problem_reason(e), _measure_reason(e)]
    if e.problems and e.measures:
        reasons.append("措施与问题一一对应" if e.paired else "措施未与问题一一对应")
    if e.measures:
        reasons.append("改进计划有明确时限" if e.dated_measures else "改进计划无明确时限")
    reasons.append("说明了上年问题整改情况" if e.follows_up_last_year else "未提及上年问题整改情况")
    if e.stock_phrase_ratio >= lexicons.HIGH_STOCK_RATIO:
        reasons.append(f"套话比例高（{round(100 * e.stock_phrase_ratio)}%）")
    return tuple(reasons)


# ---------------------------------------------------------------- scoring


def expected_score(probabilities: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """0-100: the expected label under the calibrated probabilities, times 100/3."""
    return probabilities @ classes.astype(float) * (100.0 / LABELS[-1])


def _empty() -> Completeness:
    return Completeness(0.0, 0, EMPTY_ELEMENTS, ("内容为空",))


def score_sections(texts: Sequence[str], model: LoadedModel | None = None) -> list[Completeness]:
    """Score many sections in one pass of the model (the fast path for batches)."""
    model = model or load_model()
    normalised = [normalize_text(t) for t in texts]
    results: list[Completeness | None] = [None if HAS_CONTENT.search(t) else _empty() for t in normalised]
    todo = [i for i, r in enumerate(results) if r is None]
    if todo:
        probabilities = model.pipeline.predict_proba(np.asarray([normalised[i] for i in todo], dtype=object))
        classes = np.asarray(model.classes)
        scores = expected_score(probabilities, classes)
        for row, i in enumerate(todo):
            elements = extract_elements(normalised[i])
            label = int(classes[probabilities[row].argmax()])
            results[i] = Completeness(round(float(scores[row]), SCORE_DECIMALS), label, elements, reasons_for(elements))
    return [r for r in results if r is not None]


def score_section(text: str, model: LoadedModel | None = None) -> Completeness:
    """Score the body of one 存在的主要问题及改进情况 section."""
    return score_sections([text], model)[0]


def section_with_plan(report: Report) -> str | None:
    """The problems section's text, followed by any non-standard plan section right after it
    (下一步工作计划, 改进措施 …), title included so that its measures read as measures."""
    index = next((i for i, s in enumerate(report.sections) if s.id == SECTION_ID), None)
    if index is None:
        return None
    parts = [report.sections[index].text]
    for section in report.sections[index + 1 :]:
        if not _is_plan(section):
            break
        parts.append(f"{section.title}\n{section.text}")
    return "\n".join(parts)


def _is_plan(section: Section) -> bool:
    return section.id is None and bool(PLAN_TITLE.search(section.title))


def score_report(report: Report, model: LoadedModel | None = None) -> Completeness:
    """Score a parsed report's problems section (with its plan); a report without one scores 0."""
    text = section_with_plan(report)
    if text is None:
        return Completeness(0.0, 0, EMPTY_ELEMENTS, ("缺少“存在的主要问题及改进情况”部分",))
    return score_section(text, model)


def read_section_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """The text of a file holding one section's body; unreadable files raise ExtractError."""
    text, _ = decode_text(read_file_bytes(path, limits), limits)
    return text
