"""How complete a report's 存在的主要问题及改进情况 section is: a 0-3 label, a 0-100 score, and reasons.

The label is what a person would give (corpus/problems/GUIDE.md, "Real sections"): the six
elements people mark (specific problems, concrete measures, pairing, owners or deadlines,
follow-up of last year, evidence) are detected by rule (:mod:`models.rubric`) and the level
table turns them into 0-3.  The score 0-100 keeps that level as its band (label k scores
in [25k, 25k + 25)) and places the section inside the band by its evidence: the share of the
six elements present, averaged with the classifier's expected label (trained on generated
sections, :mod:`models.train`).  So sorting by score never puts a lower label above a higher
one, and sections of one label still differ.  The reasons are read off the elements, not off
the model.  A cut section is judged on what is visible, and its reasons say so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from extractor.document import Report, Section
from extractor.loaders import read_file_bytes
from extractor.loaders.text import decode_text
from extractor.settings import DEFAULT_LIMITS, Limits
from models import element_lexicons as lexicons
from models.artifact import LoadedModel, load_model
from models.elements import Elements, elements_of, extract_elements
from models.normalize import normalize_text
from models.rubric import RubricElements, detect_cached, level_of, present

LABELS = (0, 1, 2, 3)
SECTION_ID = "problems"
# Non-standard sections right after the problems section that carry its plan.
PLAN_TITLE = re.compile(r"下一步|工作计划|改进措施|整改措施|工作打算|努力方向")
SCORE_DECIMALS = 1
HAS_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
EMPTY_ELEMENTS = elements_of("")
EMPTY_RUBRIC = detect_cached("")
# Width of one label's band of the score; a section's place in it is below 1, so bands never overlap.
BAND = 100.0 / len(LABELS)
MAX_POSITION = 0.996
SIX = 6


@dataclass(frozen=True)
class Completeness:
    score: float
    label: int
    elements: Elements
    reasons_zh: tuple[str, ...]
    rubric: RubricElements = EMPTY_RUBRIC

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "label": self.label,
            "elements": self.elements.to_dict() | self.rubric.marks(),
            "reasons_zh": list(self.reasons_zh),
        }


# ---------------------------------------------------------------- reasons


def _problem_reason(e: Elements, r: RubricElements, cut: bool) -> str:
    if not e.problems:
        return "可见部分未列出问题" if cut else "未列出存在的问题"
    if r.problems_specific:
        return f"列出{e.problems}个问题，写明了工作中具体哪里出了问题"
    return f"列出{e.problems}个问题，均为套话，未说明具体哪里出了问题"


def _measure_reason(e: Elements, r: RubricElements, cut: bool) -> str:
    if not e.measures:
        return "可见部分未见改进措施" if cut else "未提出改进措施"
    if r.measures:
        return f"提出{e.measures}项措施，其中有可核查的具体做法"
    if cut:
        return f"可见部分的{e.measures}项措施均为表态，未见可核查的具体做法"
    return f"提出{e.measures}项措施，均为表态，未见可核查的具体做法"


def reasons_for(e: Elements, r: RubricElements | None = None, cut: bool = False) -> tuple[str, ...]:
    """What is present and what is missing, in the order a reader checks them (the rubric's
    elements, GUIDE.md); a cut section is judged on what is visible and says so rather than
    guessing at the rest."""
    r = r or EMPTY_RUBRIC
    if e.nothing_to_report:
        return ("内容为空或称无问题可报告",)
    reasons = [_problem_reason(e, r, cut)]
    if e.problems:
        reasons.append("问题有数据或可核查的系统、栏目等事实" if r.evidence else "问题缺少数据或可核查的事实")
    reasons.append(_measure_reason(e, r, cut))
    if e.measures:
        reasons.append("措施明确了责任单位或完成时限" if r.owners_deadlines else "措施未明确责任单位和完成时限")
    if e.problems and e.measures:
        reasons.append("措施与问题一一对应" if r.paired else "措施未与问题一一对应")
    reasons.append("说明了上年问题整改情况" if r.follow_up else "未提及上年问题整改情况")
    if e.stock_phrase_ratio >= lexicons.HIGH_STOCK_RATIO:
        reasons.append(f"套话比例高（{round(100 * e.stock_phrase_ratio)}%）")
    if cut:
        reasons.append("原文截断，仅就可见部分评分")
    return tuple(reasons)


# ---------------------------------------------------------------- scoring


def expected_score(probabilities: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """0-100: the expected label under the calibrated probabilities, times 100/3."""
    return probabilities @ classes.astype(float) * (100.0 / LABELS[-1])


def fine_score(label: int, rubric: RubricElements, classifier_score: float) -> float:
    """The label's band, and a place in it: the six elements present and the classifier, equally."""
    position = (present(rubric) / SIX + classifier_score / 100.0) / 2
    return round(BAND * (label + MAX_POSITION * min(max(position, 0.0), 1.0)), SCORE_DECIMALS)


def _empty() -> Completeness:
    return Completeness(0.0, 0, EMPTY_ELEMENTS, ("内容为空",))


def score_sections(
    texts: Sequence[str], model: LoadedModel | None = None, cut: Sequence[bool] | None = None
) -> list[Completeness]:
    """Score many sections in one pass of the model (the fast path for batches); ``cut`` says which
    texts are known to be cut off (judged on what is visible)."""
    model = model or load_model()
    cuts = list(cut) if cut is not None else [False] * len(texts)
    normalised = [normalize_text(t) for t in texts]
    results: list[Completeness | None] = [None if HAS_CONTENT.search(t) else _empty() for t in normalised]
    todo = [i for i, r in enumerate(results) if r is None]
    if todo:
        probabilities = model.predict_proba([normalised[i] for i in todo])
        scores = expected_score(probabilities, np.asarray(model.classes))
        for row, i in enumerate(todo):
            results[i] = _scored(normalised[i], float(scores[row]), cuts[i])
    return [r for r in results if r is not None]


def _scored(text: str, classifier_score: float, cut: bool) -> Completeness:
    elements = extract_elements(text)
    rubric = detect_cached(text)
    label = level_of(rubric)
    return Completeness(
        fine_score(label, rubric, classifier_score), label, elements, reasons_for(elements, rubric, cut), rubric
    )


def score_section(text: str, model: LoadedModel | None = None, cut: bool = False) -> Completeness:
    """Score the body of one 存在的主要问题及改进情况 section."""
    return score_sections([text], model, [cut])[0]


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
    return score_section(text, model, cut=is_cut(report))


def is_cut(report: Report) -> bool:
    """The reader found the document ends inside the problems section."""
    return (report.truncation or {}).get("section") == SECTION_ID


def read_section_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """The text of a file holding one section's body; unreadable files raise ExtractError."""
    text, _ = decode_text(read_file_bytes(path, limits), limits)
    return text
