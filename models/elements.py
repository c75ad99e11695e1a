"""What a 存在的主要问题及改进情况 section contains: problems, measures and their specifics.

The text is cut into *units*: an enumerated item (一是… / (一)… / 1.…) is one
unit, whatever its length, because a writer who numbers things tells us where
one thing ends; running prose is cut into sentences, and a sentence that lists
several shortcomings ("渠道不够畅通,宣传力度不够") into one unit per listed
shortcoming.  Each unit is a problem, a measure, a follow-up of last year's
problems, or neither, decided by the markers of :mod:`models.element_lexicons`.  The
counts and flags that come out are both model features and the reasons a person
reads, which is why they are computed by rules rather than learnt.

Input is normalised text (:func:`models.normalize.normalize_text`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from models import element_lexicons as lexicons

PROBLEM, MEASURE, FOLLOW_UP = "problem", "measure", "followup"
# An enumerated item this short that names a heading word heads a half of the section.
MAX_HEADING_CHARS = 16
# An item whose first sentence is this short is a headline; the next paragraph is its body.
MAX_HEADLINE_CHARS = 30
# How far into a clause a measure verb may start for the clause to "open with" it.
VERB_WINDOW = 4
# Cached per text: the model and the reasons ask for the same section, and training asks for each of its ~1,000
# texts in every fold.  Large enough for the training set, small enough that a worker auditing 20,000 reports
# does not grow by its cache (8,192 entries grew each pool process by ~55 MiB).
ELEMENTS_CACHE_SIZE = 1024
# Share of problems a concrete measure must answer for the measures to count as answering them.
PAIRED_ENOUGH = 0.5
# A problem or measure is boilerplate when at least this share of its clauses is.
STOCK_UNIT_SHARE = 0.5
MIN_STOCK_CLAUSE_CHARS = 4
# Characters before a closing announcement beyond which they are a subject, not a lead-in.
MAX_ANNOUNCED_LEAD = 8


@dataclass(frozen=True)
class Unit:
    kind: str
    text: str
    topics: frozenset[str]
    markers: frozenset[str]
    stock: bool  # boilerplate: a stock phrase and nothing specific

    @property
    def specific(self) -> bool:
        return bool(self.markers)


@dataclass(frozen=True)
class Elements:
    """The interpretable elements of one section."""

    problems: int
    measures: int
    paired: bool
    paired_ratio: float
    concretely_paired_ratio: float
    specific: int
    specific_problems: int
    specific_measures: int
    stock_problems: int
    stock_measures: int
    dated_measures: int
    follows_up_last_year: bool
    stock_phrase_ratio: float
    deadlines: int
    responsible: int
    numbers: int
    length: int
    nothing_to_report: bool

    # The rubric's three questions, answered from the elements.  Features of their own
    # because a linear model cannot form "specific AND paired AND dated" by itself.
    @property
    def diagnosis(self) -> int:
        """0 no problems, 1 only stock ones, 2 named, 3 mostly specific (with evidence)."""
        named = self.problems - self.stock_problems
        if not self.problems:
            return 0
        if not named:
            return 1
        return 3 if self.specific_problems and 2 * self.specific_problems >= named else 2

    @property
    def remedy(self) -> int:
        """0 no measures, 1 only stock ones, 2 some named, 3 concrete ones answering the problems."""
        if not self.measures:
            return 0
        if self.specific_measures and (not self.problems or self.concretely_paired_ratio >= PAIRED_ENOUGH):
            return 3
        return 2 if self.measures > self.stock_measures else 1

    @property
    def followed(self) -> bool:
        """Last year's problems followed up, or a plan with dates."""
        return self.follows_up_last_year or self.dated_measures > 0

    @property
    def complete(self) -> bool:
        return self.diagnosis == 3 and self.remedy == 3 and self.followed

    def to_dict(self) -> dict[str, int | float | bool]:
        """The elements a reader is shown (the rest are model features)."""
        return {key: getattr(self, key) for key in PUBLIC_ELEMENTS}

    def features(self) -> list[float]:
        return [FEATURE_TRANSFORMS.get(name, float)(getattr(self, name)) for name in FEATURE_NAMES]


PUBLIC_ELEMENTS = ("problems", "measures", "paired", "specific", "follows_up_last_year", "stock_phrase_ratio")
FEATURE_NAMES: tuple[str, ...] = (*Elements.__dataclass_fields__, "diagnosis", "remedy", "followed", "complete")
# Counts grow without bound; their logarithm keeps one long section from dominating the scaler.
FEATURE_TRANSFORMS = {
    name: (lambda v: math.log1p(float(v)))
    for name in (
        "problems",
        "measures",
        "specific",
        "specific_problems",
        "specific_measures",
        "stock_problems",
        "stock_measures",
        "dated_measures",
        "length",
        "numbers",
    )
}


@dataclass(frozen=True)
class Rules:
    """The lexicons compiled once."""

    stock: re.Pattern[str]
    problem: re.Pattern[str]
    future: re.Pattern[str]
    commitment: re.Pattern[str]
    verb_start: re.Pattern[str]
    heading: re.Pattern[str]
    problem_heading: re.Pattern[str]
    announcement: re.Pattern[str]
    specificity: dict[str, re.Pattern[str]]
    any_specific: re.Pattern[str]  # all of them as named groups: one pass finds which are present
    last_year: re.Pattern[str]
    rectified: re.Pattern[str]
    nothing: re.Pattern[str]
    topics: re.Pattern[str]  # every topic word in one alternation (one pass per unit)
    topic_of: dict[str, frozenset[str]]  # topic word -> the topics it names
    enumeration: re.Pattern[str]


def trie_pattern(words: Iterable[str]) -> str:
    """An alternation of literal words as a prefix tree ("不够(?:及时|全面)"): the same matches,
    longest first, but Python's re tests one branch per character instead of every word."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branch(trie)


def _branch(node: dict[str, dict]) -> str:
    ends = "" in node
    options = [re.escape(char) + _branch(child) for char, child in sorted(node.items()) if char]
    if not options:
        return ""
    body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
    if not ends:
        return body
    return f"(?:{body})?" if len(options) > 1 or len(body) > 1 else f"{body}?"


def _any(words: tuple[str, ...], escape: bool = True) -> re.Pattern[str]:
    if escape:
        return re.compile(trie_pattern(words))
    return re.compile("|".join(sorted(words, key=len, reverse=True)))


def _future() -> re.Pattern[str]:
    words = trie_pattern(lexicons.FUTURE_MARKERS)
    actions = trie_pattern(lexicons.MEASURE_VERBS + lexicons.WILL_ADVERBS)
    return re.compile(rf"{words}|{lexicons.WILL}(?=.{{0,{lexicons.WILL_REACH}}}?(?:{actions}))")


def _topic_of() -> dict[str, frozenset[str]]:
    """Each topic word, and each shorter topic word inside it, to its topics: one regex pass then
    finds what a search per topic would ("超期答复" also names what "答复" names)."""
    words = {w for ws in lexicons.TOPICS.values() for w in ws}
    return {w: frozenset(name for name, ws in lexicons.TOPICS.items() for other in ws if other in w) for w in words}


@cache
def default_rules() -> Rules:
    verbs = trie_pattern(lexicons.MEASURE_VERBS + lexicons.FUTURE_MARKERS)
    return Rules(
        stock=_any(lexicons.STOCK_PHRASES),
        problem=re.compile(
            "|".join([_any(lexicons.PROBLEM_MARKERS).pattern, *lexicons.PROBLEM_PATTERNS, *lexicons.FAILURE_PATTERNS])
        ),
        future=_future(),
        # Who and by when make a clause a commitment even when it names the fault it mends.
        commitment=re.compile(
            "|".join(
                [
                    lexicons.SPECIFICITY_PATTERNS["responsible"],
                    lexicons.SPECIFICITY_PATTERNS["deadline"],
                    *lexicons.OWNER_PATTERNS,
                ]
            )
        ),
        verb_start=re.compile(rf"^.{{0,{VERB_WINDOW}}}?(?:{verbs})"),
        heading=_any(lexicons.MEASURE_HEADINGS),
        problem_heading=_any(lexicons.PROBLEM_HEADINGS),
        announcement=_any(lexicons.ANNOUNCEMENTS, escape=False),
        specificity={name: re.compile(p) for name, p in lexicons.SPECIFICITY_PATTERNS.items()},
        any_specific=re.compile("|".join(f"(?P<{name}>{p})" for name, p in lexicons.SPECIFICITY_PATTERNS.items())),
        last_year=_any(lexicons.LAST_YEAR_REFERENCES, escape=False),
        rectified=_any(lexicons.RECTIFICATION_WORDS),
        nothing=re.compile("|".join(lexicons.NOTHING_TO_REPORT)),
        topics=re.compile(
            f"(?:{trie_pattern(tuple({w for words in lexicons.TOPICS.values() for w in words}))})"
            f"(?!{lexicons.TOPIC_NOT_BEFORE})"
        ),
        topic_of=_topic_of(),
        enumeration=re.compile(lexicons.ENUMERATION),
    )


SENTENCE_END = re.compile(r"(?<=[。!?;])")
CLAUSE_SPLIT = re.compile(r"[,:]")
LIST_SPLIT = re.compile(r"、")
STOCK_CLAUSE_SPLIT = re.compile(r"[,。;!?:\n]")
CJK = re.compile(r"[\u4e00-\u9fff]")
# "Has n Chinese characters" without counting them all (the stock checks ask it of every clause).
AT_LEAST_TWO_CJK = re.compile(r"[\u4e00-\u9fff][^\u4e00-\u9fff]*[\u4e00-\u9fff]")
STOCK_CLAUSE_CJK = re.compile(rf"(?:[\u4e00-\u9fff][^\u4e00-\u9fff]*){{{MIN_STOCK_CLAUSE_CHARS - 1}}}[\u4e00-\u9fff]")
YEAR_START = re.compile(r"\d{4}年")
CHAPTER_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")


# ---------------------------------------------------------------- splitting


@dataclass
class _Block:
    """A stretch of the text: one enumerated item, or prose."""

    text: str
    enumerated: bool
    measures_half: bool


def _blocks(text: str, rules: Rules) -> list[_Block]:
    """Items and prose paragraphs in order, each knowing whether it is past a measures heading."""
    blocks: list[_Block] = []
    measures_half = False
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        pieces = _split_items(line, rules)
        for enumerated, piece in pieces:
            body = rules.enumeration.sub("", piece, count=1) if enumerated else piece
            if _is_heading(body, rules):
                measures_half = bool(rules.heading.search(body)) and not rules.problem_heading.search(body)
                continue
            if not enumerated and blocks and _continues_headline(blocks[-1], body, rules):
                blocks[-1].text += body
                continue
            blocks.append(_Block(body, enumerated, measures_half))
            measures_half = measures_half or bool(rules.heading.search(body))
    return blocks


def _split_items(line: str, rules: Rules) -> list[tuple[bool, str]]:
    starts = [m.start() for m in rules.enumeration.finditer(line) if _marker_opens_item(line, m.start())]
    if not starts:
        return [(False, line)]
    pieces: list[tuple[bool, str]] = []
    if starts[0] > 0:
        pieces.append((False, line[: starts[0]]))
    for start, end in zip(starts, [*starts[1:], len(line)], strict=True):
        pieces.append((True, line[start:end]))
    return pieces


def _marker_opens_item(line: str, start: int) -> bool:
    """A marker opens an item at the start of a line or after a sentence or clause break."""
    return start == 0 or line[start - 1] in "。;:!?,)\u201d "


def _is_heading(body: str, rules: Rules) -> bool:
    """A short line such as "(二)改进措施:" or "六、下一步工作计划"; "整改措施:分设发布账号。"
    is a measure under its label, not a heading."""
    if AT_LEAST_TWO_CJK.search(body.partition(":")[2]):
        return False
    stripped = CHAPTER_NUMBER.sub("", body).strip(" :;,。")
    return len(stripped) <= MAX_HEADING_CHARS and bool(
        rules.heading.search(stripped) or rules.problem_heading.search(stripped)
    )


def _continues_headline(block: _Block, paragraph: str, rules: Rules) -> bool:
    """A paragraph under a short numbered headline is the headline's body, unless it opens a new part."""
    sentences = [s for s in SENTENCE_END.split(block.text) if s.strip()]
    opens_part = bool(rules.heading.search(paragraph[: VERB_WINDOW * 2]) or YEAR_START.match(paragraph))
    return block.enumerated and len(sentences) == 1 and len(block.text) <= MAX_HEADLINE_CHARS and not opens_part


# ---------------------------------------------------------------- classifying


def _is_follow_up(sentence: str, rules: Rules) -> bool:
    return bool(rules.last_year.search(sentence) and rules.rectified.search(sentence))


def without_announcement(clause: str, rules: Rules) -> str:
    """The clause less what only announces problems ("但也存在一些不足").  A closing "仍有不足"
    after a long subject ("人员专业知识和公开意识仍有不足") names a problem, and stays."""
    matches = list(rules.announcement.finditer(clause))
    if not matches:
        return clause
    closing = matches[-1] if matches[-1].end() == len(clause) else None
    if closing is not None and len(CJK.findall(clause[: closing.start()])) > MAX_ANNOUNCED_LEAD:
        return clause
    return rules.announcement.sub("", clause)


def _clause_kind(clause: str, measures_half: bool, rules: Rules) -> str | None:
    """Problem, measure or neither; a problem word loses to a commitment ("针对…不足,将…")."""
    bare = clause.strip(" 。;!?")
    commits = bool(rules.future.search(bare) or rules.commitment.search(bare))
    if not commits and rules.problem.search(without_announcement(bare, rules)):
        if not measures_half or not rules.verb_start.search(bare):
            return PROBLEM
        return MEASURE  # in the measures half, a clause opening with a verb
    if commits or rules.verb_start.search(bare):
        return MEASURE
    return None


def _unit(kind: str, text: str, rules: Rules) -> Unit:
    topics = frozenset().union(*(rules.topic_of[m] for m in rules.topics.findall(text)))
    markers = _markers(text, rules)
    return Unit(kind, text, topics, markers, stock=not markers and _mostly_stock(text, rules))


def _markers(text: str, rules: Rules) -> frozenset[str]:
    """Which kinds of specificity the text carries.  One pass finds them all; a kind whose match
    overlaps another's is looked for on its own, so the answer is that of one search per kind."""
    found = {m.lastgroup for m in rules.any_specific.finditer(text)}
    missing = (n for n in rules.specificity if n not in found)
    return frozenset(found | {n for n in missing if found and rules.specificity[n].search(text)})


def _mostly_stock(text: str, rules: Rules) -> bool:
    """At least half of the unit's clauses (of a few characters or more) are stock phrasing."""
    clauses = [c for c in STOCK_CLAUSE_SPLIT.split(text) if STOCK_CLAUSE_CJK.search(c)]
    stock = sum(1 for c in clauses if rules.stock.search(c))
    return stock > 0 and stock >= STOCK_UNIT_SHARE * len(clauses)


def _sentences(text: str, rules: Rules) -> list[str]:
    """Sentences, without those that are only a heading ("针对上述问题," "整改措施:")."""
    return [s for s in SENTENCE_END.split(text) if s.strip() and not _is_heading(s, rules)]


def _clauses(sentence: str) -> list[str]:
    return [c for c in CLAUSE_SPLIT.split(sentence) if c.strip()]


def _item_units(block: _Block, rules: Rules) -> list[Unit]:
    """An enumerated item is one unit, of the kind of its first telling clause.

    Only the interleaved style adds a second unit: an item that opens with a
    problem and goes on, in a later sentence, to a commitment ("…不及时。今后将…").
    A measure item that mentions a problem in passing stays one measure.
    """
    sentences = _sentences(block.text, rules)
    follow_ups = [s for s in sentences if _is_follow_up(s, rules)]
    if follow_ups:
        return [_unit(FOLLOW_UP, block.text, rules)]
    kinds = [
        next((k for c in _clauses(s) if (k := _clause_kind(c, block.measures_half, rules))), None) for s in sentences
    ]
    first = next((k for k in kinds if k), MEASURE if block.measures_half else None)
    if first is None:
        return []
    if first == MEASURE and _reports_a_fault(block, sentences, rules):
        first = PROBLEM
    if first == PROBLEM:
        turn = next((i for i, s in enumerate(sentences) if i and kinds[i] == MEASURE and _commits(s, rules)), None)
        if turn is not None:
            return [
                _unit(PROBLEM, "".join(sentences[:turn]), rules),
                _unit(MEASURE, "".join(sentences[turn:]), rules),
            ]
    return [_unit(first, block.text, rules)]


def _commits(text: str, rules: Rules) -> bool:
    """A future, or who does it by when: "今后将…", "由办公室负责…", "信息中心牵头…年底前"."""
    return bool(rules.future.search(text) or rules.commitment.search(text))


def _reports_a_fault(block: _Block, sentences: list[str], rules: Rules) -> bool:
    """An item before any measures heading that names a fault and commits to nothing is a problem,
    even when its first clause opens with a verb-like word ("受人员编制限制,…兼职经办")."""
    if block.measures_half or any(_commits(s, rules) for s in sentences):
        return False
    return any(rules.problem.search(without_announcement(c, rules)) for s in sentences for c in _clauses(s))


def _prose_units(block: _Block, rules: Rules) -> list[Unit]:
    """Prose, clause by clause: each shortcoming named is a problem of its own; a run of
    commitment clauses in one sentence is one measure; a clause that is neither (evidence,
    context) belongs to the unit before it in its sentence, or, opening a sentence, to the
    sentence's first unit ("局官网、省政务服务网…之间的协同有待加强": the systems are that
    problem's); a sentence with no unit at all belongs to the unit before it."""
    runs: list[tuple[str, list[str]]] = []
    waiting: list[str] = []  # neutral clauses before the first unit of the block or of the sentence
    measures_half = block.measures_half
    for sentence in _sentences(block.text, rules):
        if _is_follow_up(sentence, rules):
            runs.append((FOLLOW_UP, [sentence]))
            continue
        sentence_start = len(runs)
        clauses = [p for c in _clauses(sentence) for p in LIST_SPLIT.split(c) if p.strip()]
        halves = _halves(clauses, measures_half, rules)
        kinds = _sentence_kinds(clauses, halves, rules)
        for clause, kind, half in zip(clauses, kinds, halves, strict=True):
            if kind == PROBLEM and half and len(runs) > sentence_start and runs[-1][0] == MEASURE:
                kind = None  # the fault the measure mends ("由…负责…运维,回复全部积压留言")
            same_measure = kind == MEASURE and len(runs) > sentence_start and runs[-1][0] == MEASURE
            if kind and not same_measure:
                runs.append((kind, [*waiting, clause]))
                waiting = []
            elif len(runs) > sentence_start:
                runs[-1][1].append(clause)
            else:
                waiting.append(clause)
        if waiting and runs:
            runs[-1][1].extend(waiting)
            waiting = []
        measures_half = measures_half or bool(rules.heading.search(sentence))
    return [_unit(kind, ",".join(parts), rules) for kind, parts in runs]


def _halves(clauses: list[str], measures_half: bool, rules: Rules) -> list[bool]:
    """Whether each clause is past a measures heading, which may open mid-sentence
    ("下一步,…从以下几点改进:由…负责")."""
    halves = []
    for clause in clauses:
        halves.append(measures_half)
        measures_half = measures_half or bool(rules.heading.search(clause))
    return halves


def _sentence_kinds(clauses: list[str], halves: list[bool], rules: Rules) -> list[str | None]:
    """Each clause's kind; before the measures, a clause that only opens with a verb ("抽查的40个
    社区中") and commits to nothing is the setting of a problem later in its sentence."""
    kinds = [_clause_kind(c, half, rules) for c, half in zip(clauses, halves, strict=True)]
    return [
        None if k == MEASURE and not half and PROBLEM in kinds[i + 1 :] and not _commits(clauses[i], rules) else k
        for i, (k, half) in enumerate(zip(kinds, halves, strict=True))
    ]


def split_units(text: str, rules: Rules | None = None) -> list[Unit]:
    rules = rules or default_rules()
    units: list[Unit] = []
    for block in _blocks(text, rules):
        units.extend(_item_units(block, rules) if block.enumerated else _prose_units(block, rules))
    return units


# ---------------------------------------------------------------- elements


def _pairing(problems: list[Unit], measures: list[Unit]) -> tuple[bool, float]:
    """Whether every problem with a topic has a measure on that topic, and the share of problems that do.

    A problem with no topic ("意识不强") cannot be paired and lowers the share.
    """
    if not problems or not measures:
        return False, 0.0
    measure_topics = frozenset().union(*(m.topics for m in measures))
    paired = sum(1 for p in problems if p.topics & measure_topics)
    topical = sum(1 for p in problems if p.topics)
    return topical > 0 and paired == topical and len(measures) >= min(topical, 2), paired / len(problems)


def stock_ratio(text: str, rules: Rules) -> float:
    """Share of clauses that are boilerplate: a stock phrase and nothing specific."""
    clauses = [c for c in STOCK_CLAUSE_SPLIT.split(text) if AT_LEAST_TWO_CJK.search(c)]
    if not clauses:
        return 0.0
    stock = sum(1 for c in clauses if rules.stock.search(c) and not rules.any_specific.search(c))
    return round(stock / len(clauses), 3)


@lru_cache(maxsize=ELEMENTS_CACHE_SIZE)
def units_of(text: str) -> tuple[Unit, ...]:
    """The units of a normalised text with the default lexicons, cached: the elements and the
    rubric (models.rubric) both read them."""
    return tuple(split_units(text))


def elements_of(text: str, rules: Rules | None = None) -> Elements:
    units = list(units_of(text)) if rules is None else split_units(text, rules)
    rules = rules or default_rules()
    problems = [u for u in units if u.kind == PROBLEM]
    measures = [u for u in units if u.kind == MEASURE]
    paired, paired_ratio = _pairing(problems, measures)
    _, concretely_paired = _pairing(problems, [m for m in measures if m.specific])
    all_text = "".join(u.text for u in units)
    return Elements(
        problems=len(problems),
        measures=len(measures),
        paired=paired,
        paired_ratio=round(paired_ratio, 3),
        concretely_paired_ratio=round(concretely_paired, 3),
        specific=sum(u.specific for u in units),
        specific_problems=sum(u.specific for u in problems),
        specific_measures=sum(u.specific for u in measures),
        stock_problems=sum(u.stock for u in problems),
        stock_measures=sum(u.stock for u in measures),
        dated_measures=sum("deadline" in u.markers for u in measures),
        follows_up_last_year=any(u.kind == FOLLOW_UP for u in units),
        stock_phrase_ratio=stock_ratio(text, rules),
        deadlines=len(rules.specificity["deadline"].findall(all_text)),
        responsible=len(rules.specificity["responsible"].findall(all_text)),
        numbers=len(rules.specificity["number"].findall(all_text)),
        length=len(CJK.findall(text)),
        nothing_to_report=not problems and not measures and bool(rules.nothing.search(text) or not text.strip()),
    )


@lru_cache(maxsize=ELEMENTS_CACHE_SIZE)
def extract_elements(text: str) -> Elements:
    """Elements of a normalised text with the default lexicons, cached: the model and the reasons both ask."""
    return elements_of(text)


def clear_caches() -> None:
    """Forget every cached text (benchmarks time the work, not the cache)."""
    extract_elements.cache_clear()
    units_of.cache_clear()
