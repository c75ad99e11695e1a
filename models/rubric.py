"""The rubric of GUIDE.md ("Real sections"): six elements a person marks, and the level they give.

People label a real 存在的主要问题及改进情况 section by marking six elements and reading the
level off a table.  This module does the same with rules: each element has a detector over
the units of :mod:`models.elements` and the patterns of :mod:`models.element_lexicons`, and the level
is the table :data:`LEVELS`, applied in order.  Each detector is measured against the
annotators' marks on the real sections (``models.real_eval``); nothing here is fitted.

Input is normalised text (:func:`models.normalize.normalize_text`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cache, lru_cache

from models import element_lexicons as lexicons
from models.elements import FOLLOW_UP, MEASURE, PROBLEM, Unit, default_rules, units_of

ELEMENT_NAMES = ("problems_specific", "measures", "paired", "owners_deadlines", "follow_up", "evidence")
RUBRIC_CACHE_SIZE = 1024  # as models.elements.ELEMENTS_CACHE_SIZE, for the same reasons
PAIRED_SHARE = 2 / 3


@dataclass(frozen=True)
class RubricElements:
    """The six elements of the annotators, plus what the level table also asks."""

    problems_specific: bool
    measures: bool  # a concrete measure: something a reader could check
    paired: bool
    owners_deadlines: bool
    follow_up: bool
    evidence: bool
    any_problem: bool  # some problem, even a stock one
    any_measure: bool  # some measure, even a stock intention
    dated_measure: bool
    nothing_said: bool  # says there is nothing to report ("本年度未发现存在的主要问题")

    def marks(self) -> dict[str, bool]:
        """The six elements as the annotators' files hold them."""
        return {name: getattr(self, name) for name in ELEMENT_NAMES}


@dataclass(frozen=True)
class Patterns:
    failure: re.Pattern[str]
    number: re.Pattern[str]
    channels: tuple[str, ...]
    generic: re.Pattern[str]
    checkable: re.Pattern[str]  # a concrete tool or routine, an owner, a deadline or a figure
    owner: re.Pattern[str]
    deadline: re.Pattern[str]


def _join(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@cache
def patterns() -> Patterns:
    return Patterns(
        failure=_join(lexicons.FAILURE_PATTERNS),
        number=re.compile(lexicons.EVIDENCE_NUMBER),
        channels=lexicons.EVIDENCE_CHANNELS,
        generic=re.compile(lexicons.GENERIC_QUANTIFIER),
        checkable=_join(
            (
                *lexicons.CONCRETE_MEASURE_PATTERNS,
                *lexicons.OWNER_PATTERNS,
                *lexicons.DEADLINE_PATTERNS,
                lexicons.EVIDENCE_NUMBER,
            )
        ),
        owner=_join(lexicons.OWNER_PATTERNS),
        deadline=_join(lexicons.DEADLINE_PATTERNS),
    )


# ---------------------------------------------------------------- the detectors


def _named(channel: str, text: str, p: Patterns) -> bool:
    """The channel is named somewhere in the text, not only gestured at ("部分栏目")."""
    return any(not p.generic.search(text[: m.start()]) for m in re.finditer(re.escape(channel), text))


def _channels(text: str, p: Patterns) -> int:
    """Distinct named channels; a longer name counts once ("政府网站" is not also "网站")."""
    found = [c for c in p.channels if c in text and _named(c, text, p)]
    return sum(1 for c in found if not any(c != other and c in other for other in found))


def has_evidence(units: list[Unit], p: Patterns) -> bool:
    """Figures, or at least two named channels, in the problems or the follow-up."""
    text = "".join(u.text for u in units if u.kind in (PROBLEM, FOLLOW_UP))
    return bool(p.number.search(text)) or _channels(text, p) >= lexicons.MIN_EVIDENCE_CHANNELS


def places_the_fault(problem: Unit, p: Patterns) -> bool:
    """A problem that puts its fault in a channel or column, or gives a figure: specific (GUIDE.md:
    "a particular step, channel, column … and how it fails") even where "部分栏目" names none a
    reader could check, which is what evidence asks."""
    return bool(p.number.search(problem.text)) or any(c in problem.text for c in p.channels)


def specific_problems(units: list[Unit], p: Patterns) -> list[Unit]:
    """Problems that say how the work fails."""
    return [u for u in units if u.kind == PROBLEM and p.failure.search(u.text)]


def concrete_measures(units: list[Unit], p: Patterns) -> list[Unit]:
    """Measures a reader could check: a named tool or routine, or who does how much by when."""
    return [u for u in units if u.kind == MEASURE and p.checkable.search(u.text)]


def says_something(problem: Unit, p: Patterns) -> bool:
    """A problem that says how the work fails, or rests on a figure or a named channel: never filler."""
    return bool(p.failure.search(problem.text) or p.number.search(problem.text)) or _channels(problem.text, p) > 0


def _paired(problems: list[Unit], measures: list[Unit], p: Patterns) -> bool:
    """Every problem that says something (says_something) and has a topic has a measure on one of
    its topics, and so do most stock problems on a topic (PAIRED_SHARE); problems without a topic
    are filler.  Most, not all, stock ones: a stock problem's clauses are often cut apart at a comma,
    and the second half ("互动效果有待加强") may carry a topic the measure answers under the first.
    A specific problem is one thing said in full, and the GUIDE wants it answered."""
    topical = [u for u in problems if u.topics]
    if not topical or not measures:
        return False
    answered = frozenset().union(*(m.topics for m in measures))
    if any(not u.topics & answered for u in topical if says_something(u, p)):
        return False
    return sum(1 for u in topical if u.topics & answered) >= PAIRED_SHARE * len(topical)


def detect(text: str) -> RubricElements:
    """The six elements of a normalised section, by rule."""
    p = patterns()
    units = list(units_of(text))
    problems = [u for u in units if u.kind == PROBLEM]
    measures = [u for u in units if u.kind == MEASURE]
    concrete = concrete_measures(units, p)
    evidence = has_evidence(units, p)
    committed = " ".join(m.text for m in measures)
    dated = bool(p.deadline.search(committed))
    return RubricElements(
        problems_specific=bool(specific_problems(units, p)) or any(places_the_fault(u, p) for u in problems),
        measures=bool(concrete),
        paired=bool(concrete) and _paired(problems, measures, p),
        owners_deadlines=dated or bool(p.owner.search(committed)),
        follow_up=any(u.kind == FOLLOW_UP for u in units),
        evidence=evidence,
        any_problem=bool(problems),
        any_measure=bool(measures),
        dated_measure=dated,
        nothing_said=bool(default_rules().nothing.search(text)),
    )


@lru_cache(maxsize=RUBRIC_CACHE_SIZE)
def detect_cached(text: str) -> RubricElements:
    return detect(text)


# ---------------------------------------------------------------- the level table

Rule = Callable[[RubricElements], bool]

# GUIDE.md's level table, tried top to bottom; the first rule that holds gives the level.
LEVELS: tuple[tuple[int, str, Rule], ...] = (
    (0, "no problem and no measure", lambda e: not e.any_problem and not e.any_measure),
    (
        0,
        "says there is nothing to report and names no specific problem",
        lambda e: e.nothing_said and not e.problems_specific,
    ),
    (
        3,
        "specific problems with evidence, concrete paired measures with owners or dates, followed up or dated",
        lambda e: (
            e.problems_specific
            and e.evidence
            and e.measures
            and e.paired
            and e.owners_deadlines
            and (e.follow_up or e.dated_measure)
        ),
    ),
    (2, "specific problems and some measure", lambda e: e.problems_specific and e.any_measure),
    (2, "specific problems with evidence, no measure", lambda e: e.problems_specific and e.evidence),
    (
        2,
        "concrete paired measures with owners or dates, stock problems",
        lambda e: e.measures and e.paired and e.owners_deadlines,
    ),
    (1, "anything else: stock problems, or problems without any measure, or measures alone", lambda e: True),
)


def level_of(e: RubricElements) -> int:
    return next(level for level, _, rule in LEVELS if rule(e))


def present(e: RubricElements) -> int:
    """How many of the six elements are present."""
    return sum(bool(getattr(e, f.name)) for f in fields(e) if f.name in ELEMENT_NAMES)
