"""Labelled 存在的主要问题及改进情况 sections for the completeness classifier.

    python -m corpus.problems_gen                       # writes corpus/problems/sections.jsonl
    python -m corpus.problems_gen --count 80 --seed 3 --out /tmp/small.jsonl

Each section is drawn in two steps.  First a *spec*: which problems (stock,
named or specific, each on a topic), which measures (stock, named or concrete,
dated or not), whether last year's problems are followed up.  Then the spec is
written out in one of several layouts and enumeration styles, with intros,
closings and stock filler around it.  The label is decided from the spec alone by
:func:`decide_label` (the rubric as rules, see ``corpus/problems/GUIDE.md``), so
it follows what the text says, never how it looks.  Section *i* of seed *s*
depends only on ``(s, i)``.  All phrases are this project's own
(``corpus/problems/phrases.toml``).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from corpus.names import make_agency, place, self_reference

HERE = Path(__file__).resolve().parent / "problems"
PHRASES_FILE = HERE / "phrases.toml"
DEFAULT_OUT = HERE / "sections.jsonl"
DEFAULT_COUNT = 1000
DEFAULT_SEED = 2024

LEVELS: dict[str, tuple[str, ...]] = {
    "街道": ("street",),
    "区县局": ("district_bureau", "county_gov"),
    "市级部门": ("city_dept",),
    "省级": ("province_dept",),
}
UNIT_BANK = {"街道": "street", "区县局": "district", "市级部门": "city", "省级": "province"}
COUNT_RANGE = {"街道": (8, 40), "区县局": (15, 120), "市级部门": (40, 300), "省级": (80, 800)}
STYLES = ("一是", "（一）", "1.", "prose")
ORDINALS = "一二三四五六七八九十"
YEARS = (2019, 2020, 2021, 2022, 2023, 2024)
STOCK, NAMED, SPECIFIC, CONCRETE = "stock", "named", "specific", "concrete"
CHANCE_PREV_YEAR_TEXT = 0.2
# Any section with measures may carry them in a following 下一步工作计划 section, whatever
# its label, so that the heading says nothing about the label.
CHANCE_SEPARATE_PLAN = 0.12


@cache
def phrases() -> dict:
    return tomllib.loads(PHRASES_FILE.read_text(encoding="utf-8"))


def topics() -> list[str]:
    return sorted(phrases()["topics"])


# ---------------------------------------------------------------- specs and labels


@dataclass(frozen=True)
class Problem:
    topic: str | None
    degree: str  # stock | named | specific


@dataclass(frozen=True)
class Measure:
    topic: str | None
    degree: str  # stock | named | concrete
    dated: bool = False


@dataclass(frozen=True)
class Spec:
    problems: tuple[Problem, ...] = ()
    measures: tuple[Measure, ...] = ()
    follow_up: str | None = None  # None | "generic" | "specific"
    nothing: str | None = None  # None | "short" | "praise"
    promise: bool = False  # a vague "将认真研究，加以解决" (counts as a stock measure)
    layout: str = "halves"  # halves | headers | interleaved | prose | separate_plan
    intro: str | None = None  # None | "stock" | "numeric"
    closing: bool = False


def decide_label(spec: Spec) -> int:
    """The rubric as rules over what the section contains (see GUIDE.md)."""
    measures = list(spec.measures) + ([Measure(None, STOCK)] if spec.promise else [])
    if not spec.problems and not measures and spec.follow_up is None:
        return 0
    degrees = {p.degree for p in spec.problems}
    diagnosis = 3 if SPECIFIC in degrees and NAMED not in degrees else 2 if degrees - {STOCK} else 1 if degrees else 0
    concrete = [m for m in measures if m.degree == CONCRETE]
    named_problems = [p for p in spec.problems if p.degree != STOCK]
    each_paired = all(any(m.topic == p.topic for m in concrete) for p in named_problems)
    remedy = 3 if concrete and each_paired else 2 if any(m.degree != STOCK for m in measures) else 1 if measures else 0
    followed = spec.follow_up is not None or any(m.dated for m in concrete)
    if diagnosis == 3 and remedy == 3 and followed:
        return 3
    if (diagnosis >= 2 and remedy >= 1) or diagnosis == 3 or remedy == 3:
        return 2
    return 1


def _topics(rng: random.Random, count: int) -> list[str]:
    return rng.sample(topics(), count)


def _stock_problems(rng: random.Random, count: int) -> list[Problem]:
    """Stock problems, some with a topic word ("政策解读工作有待加强"), some with none."""
    return [Problem(rng.choice(topics()) if rng.random() < 0.4 else None, STOCK) for _ in range(count)]


def _stock_measures(rng: random.Random, count: int) -> list[Measure]:
    return [Measure(None, STOCK) for _ in range(count)]


def _paired(rng: random.Random, count: int, degree: str, measure: str, dated: float) -> tuple[list, list]:
    chosen = _topics(rng, count)
    return (
        [Problem(t, degree) for t in chosen],
        [Measure(t, measure, rng.random() < dated) for t in chosen],
    )


# Each case draws a spec; the label comes from decide_label, the case only names the recipe.
def case_nil(rng: random.Random) -> Spec:
    return Spec(nothing="short")


def case_praise(rng: random.Random) -> Spec:
    return Spec(nothing="praise")


def case_stock(rng: random.Random) -> Spec:
    measures = _stock_measures(rng, rng.randint(0, 2))
    return Spec(
        problems=tuple(_stock_problems(rng, rng.randint(1, 4))),
        measures=tuple(measures),
        promise=not measures and rng.random() < 0.6,
        layout=rng.choice(("halves", "prose", "headers")),
        intro=rng.choice((None, "stock", "numeric")),
    )


def case_stock_long(rng: random.Random) -> Spec:
    """Hard case: long, enumerated, confident, and says nothing checkable (= 1)."""
    return Spec(
        problems=tuple(_stock_problems(rng, rng.randint(4, 8))),
        measures=tuple(_stock_measures(rng, rng.randint(3, 7))),
        follow_up=None,
        layout=rng.choice(("halves", "headers")),
        intro=rng.choice(("stock", "numeric")),
        closing=True,
    )


def case_measures_only_generic(rng: random.Random) -> Spec:
    return Spec(
        measures=tuple(_stock_measures(rng, rng.randint(2, 5))), layout="halves", intro=rng.choice((None, "stock"))
    )


def case_named_no_measures(rng: random.Random) -> Spec:
    """Hard case: problems named but nothing done about them (= 1)."""
    return Spec(problems=tuple(Problem(t, NAMED) for t in _topics(rng, rng.randint(1, 3))), intro="stock")


def case_named_stock_measures(rng: random.Random) -> Spec:
    problems = [Problem(t, NAMED) for t in _topics(rng, rng.randint(2, 4))]
    return Spec(
        problems=tuple(problems + _stock_problems(rng, rng.randint(0, 2))),
        measures=tuple(_stock_measures(rng, rng.randint(1, 4))),
        layout=rng.choice(("halves", "headers", "prose")),
        intro=rng.choice((None, "stock", "numeric")),
        closing=rng.random() < 0.5,
    )


def case_named_named(rng: random.Random) -> Spec:
    problems, measures = _paired(rng, rng.randint(1, 4), NAMED, NAMED, 0)
    return Spec(
        problems=tuple(problems),
        measures=tuple(measures + _stock_measures(rng, rng.randint(0, 2))),
        layout=rng.choice(("halves", "headers", "interleaved", "prose")),
        intro=rng.choice((None, "stock")),
        closing=rng.random() < 0.4,
    )


def case_named_concrete(rng: random.Random) -> Spec:
    """Named problems with concrete, dated measures and a follow-up: still no evidence (= 2)."""
    problems, measures = _paired(rng, rng.randint(2, 3), NAMED, CONCRETE, 0.8)
    return Spec(
        problems=tuple(problems),
        measures=tuple(measures),
        follow_up=rng.choice((None, "generic")),
        layout=rng.choice(("halves", "headers")),
        intro=rng.choice((None, "stock")),
    )


def case_specific_no_measures(rng: random.Random) -> Spec:
    """Hard case: a careful diagnosis with no remedy (= 2)."""
    return Spec(
        problems=tuple(Problem(t, SPECIFIC) for t in _topics(rng, rng.randint(1, 3))),
        promise=rng.random() < 0.3,
        intro=rng.choice((None, "stock")),
    )


def case_measures_only_concrete(rng: random.Random) -> Spec:
    """Hard case: a dated plan without the problems it answers (= 2)."""
    return Spec(
        measures=tuple(Measure(t, CONCRETE, True) for t in _topics(rng, rng.randint(1, 3))),
        layout="halves",
        intro=rng.choice((None, "stock")),
    )


def case_specific_unpaired(rng: random.Random) -> Spec:
    chosen = _topics(rng, rng.randint(3, 5))
    cut = rng.randint(1, len(chosen) - 2)
    return Spec(
        problems=tuple(Problem(t, SPECIFIC) for t in chosen[: cut + 1]),
        measures=tuple(Measure(t, CONCRETE, True) for t in chosen[cut + 1 :]),
        layout=rng.choice(("halves", "headers")),
        intro=rng.choice((None, "stock", "numeric")),
    )


def case_specific_undated(rng: random.Random) -> Spec:
    """Specific and paired, but no deadline and no follow-up (= 2)."""
    problems, measures = _paired(rng, rng.randint(1, 3), SPECIFIC, CONCRETE, 0)
    return Spec(
        problems=tuple(problems),
        measures=tuple(measures),
        layout=rng.choice(("halves", "interleaved")),
        intro=rng.choice((None, "stock")),
    )


def case_stock_concrete(rng: random.Random) -> Spec:
    return Spec(
        problems=tuple(_stock_problems(rng, rng.randint(1, 3))),
        measures=tuple(Measure(t, CONCRETE, rng.random() < 0.7) for t in _topics(rng, rng.randint(1, 3))),
        layout=rng.choice(("halves", "headers", "prose")),
        intro=rng.choice((None, "stock")),
    )


def case_copy_prev(rng: random.Random) -> Spec:
    """Hard case: last year's text again (label from its content; prev_year_text beside it)."""
    return rng.choice((case_named_stock_measures, case_named_named, case_stock))(rng)


def case_full(rng: random.Random) -> Spec:
    problems, measures = _paired(rng, rng.randint(2, 4), SPECIFIC, CONCRETE, 0.85)
    follow_up = rng.choice((None, "specific", "generic"))
    if follow_up is None and not any(m.dated for m in measures):
        measures[0] = replace(measures[0], dated=True)
    return Spec(
        problems=tuple(problems + _stock_problems(rng, rng.randint(0, 1))),
        measures=tuple(measures + _stock_measures(rng, rng.randint(0, 1))),
        follow_up=follow_up,
        layout=rng.choice(("halves", "headers", "interleaved", "prose")),
        intro=rng.choice((None, "stock", "numeric")),
        closing=rng.random() < 0.3,
    )


def case_short_specific(rng: random.Random) -> Spec:
    """Hard case: two sentences, one specific problem and its dated measure (= 3)."""
    problems, measures = _paired(rng, 1, SPECIFIC, CONCRETE, 1.0)
    return Spec(problems=tuple(problems), measures=tuple(measures), layout=rng.choice(("prose", "interleaved")))


def case_follow_up(rng: random.Random) -> Spec:
    problems, measures = _paired(rng, rng.randint(1, 3), SPECIFIC, CONCRETE, 0.3)
    return Spec(
        problems=tuple(problems),
        measures=tuple(measures),
        follow_up="specific",
        layout=rng.choice(("halves", "headers")),
        intro=rng.choice((None, "stock")),
    )


def case_padded(rng: random.Random) -> Spec:
    """Hard case: specific and complete, wrapped in stock phrases (= 3)."""
    spec = case_full(rng)
    return replace(
        spec,
        problems=spec.problems + tuple(_stock_problems(rng, 2)),
        measures=spec.measures + tuple(_stock_measures(rng, 2)),
        intro="stock",
        closing=True,
        layout=rng.choice(("halves", "headers")),
    )


CASES: tuple[tuple[Callable[[random.Random], Spec], float], ...] = (
    (case_nil, 3),
    (case_praise, 3.5),
    (case_stock, 3.5),
    (case_stock_long, 2.5),
    (case_measures_only_generic, 1.5),
    (case_named_no_measures, 1.5),
    (case_named_stock_measures, 1.5),
    (case_named_named, 1.5),
    (case_named_concrete, 1),
    (case_specific_no_measures, 1),
    (case_measures_only_concrete, 1),
    (case_specific_unpaired, 1),
    (case_specific_undated, 1),
    (case_stock_concrete, 1),
    (case_copy_prev, 1),
    (case_full, 3),
    (case_short_specific, 1.5),
    (case_follow_up, 1.5),
    (case_padded, 1.5),
)


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class Context:
    """Who writes, when, and the numbers of its sentences."""

    level: str
    agency: str
    self_ref: str
    superior: str
    year: int
    place: str

    def slots(self, rng: random.Random) -> dict[str, object]:
        low, high = COUNT_RANGE[self.level]
        n = rng.randint(low, high)
        k = rng.randint(2, max(2, n // 3))
        m = rng.randint(1, min(k, 6))
        bank = phrases()["slots"]
        return {
            "n": n,
            "k": k,
            "m": m,
            "pct": f"{100 * k / n:.1f}",
            "d": rng.randint(5, 40),
            "mm": rng.randint(1, 9),
            "col": rng.choice(bank["columns"]),
            "sys": rng.choice(bank["accounts"]).format(place=self.place),
            "unit": rng.choice(bank["units"][UNIT_BANK[self.level]]),
            "date": f"{self.year}年{rng.randint(2, 11)}月",
            "self": self.self_ref,
            "year": self.year,
            "prev": self.year - 1,
            "next": self.year + 1,
            "superior": self.superior,
            "when": "",
        }


def _deadline(rng: random.Random, ctx: Context) -> str:
    return rng.choice(
        (
            f"{ctx.year + 1}年{rng.randint(3, 10)}月底前",
            f"{rng.randint(3, 10)}月{rng.choice((15, 20, 30))}日前",
            "年底前",
            f"{ctx.year + 1}年第{rng.choice('一二三')}季度",
            f"{ctx.year + 1}年上半年",
        )
    )


def make_context(rng: random.Random, level: str, year: int) -> Context:
    agency = make_agency(rng)
    while agency.level not in LEVELS[level]:
        agency = make_agency(rng)
    return Context(level, agency.name, self_reference(rng, agency), agency.superior, year, place(rng))


def _fill(template: str, slots: dict[str, object]) -> str:
    return template.format(**slots)


def _sentence(text: str) -> str:
    return text if text.endswith(("。", "：", "；")) else text + "。"


def problem_text(rng: random.Random, p: Problem, slots: dict[str, object]) -> str:
    bank = phrases()
    if p.degree == STOCK:
        if p.topic and rng.random() < 0.7:
            return rng.choice(bank["topics"][p.topic]["stock"])
        return rng.choice(bank["generic"]["problem_subjects"]) + rng.choice(bank["generic"]["problems"])
    key = "specific" if p.degree == SPECIFIC else "named"
    return _fill(rng.choice(bank["topics"][p.topic][key]), slots)


def measure_text(rng: random.Random, m: Measure, slots: dict[str, object], ctx: Context) -> str:
    bank = phrases()
    if m.degree == STOCK:
        padding = rng.sample(bank["generic"]["elaborations"], rng.choice((0, 0, 1, 2)))
        return "，".join([rng.choice(bank["generic"]["measures"]), *padding])
    topic = bank["topics"][m.topic]
    if m.degree == NAMED:
        return rng.choice(topic["named_measures"])
    text = _fill(rng.choice(topic["concrete"]), slots | {"when": _deadline(rng, ctx) if m.dated else ""})
    if rng.random() < 0.4:  # a headline borrowed from the named measure, as many reports write it
        text = rng.choice(topic["named_measures"]).split("，")[0] + "。" + text
    return text


def follow_up_text(rng: random.Random, kind: str, topic: str, slots: dict[str, object]) -> str:
    if kind == "generic":
        return rng.choice(phrases()["generic"]["follow_up"])
    return _sentence(_fill(rng.choice(phrases()["topics"][topic]["follow_up"]), slots))


def enumerate_items(rng: random.Random, items: Sequence[str], style: str) -> str:
    """Items in the section's enumeration style; prose joins them with semicolons."""
    items = [i.rstrip("。；") for i in items]
    if not items:
        return ""
    if style == "prose" or len(items) == 1:
        return "；".join(items) + "。"
    if style == "一是":
        parts = [f"{ORDINALS[i]}是{item}" for i, item in enumerate(items)]
        return ("\n" if rng.random() < 0.4 else "").join(p + ("。" if rng.random() < 0.6 else "；") for p in parts)
    if style == "（一）":
        return "\n".join(f"（{ORDINALS[i]}）{item}。" for i, item in enumerate(items))
    mark = rng.choice((".", "、", "．"))
    return "\n".join(f"{i + 1}{mark}{item}。" for i, item in enumerate(items))


def _frame(rng: random.Random, key: str, slots: dict[str, object]) -> str:
    return _fill(rng.choice(phrases()["frame"][key]), slots)


def write_section(rng: random.Random, spec: Spec, ctx: Context, style: str) -> str:
    slots = ctx.slots(rng)
    if spec.nothing == "short":
        return _fill(rng.choice(phrases()["nothing"]["short"]), slots)
    if spec.nothing == "praise":
        picked = rng.sample(phrases()["nothing"]["praise"], rng.randint(2, 7))
        picked.append(rng.choice(phrases()["nothing"]["praise_endings"]))
        return "".join(_fill(s, slots) for s in picked)
    topic_slots = {t: ctx.slots(rng) for t in topics()}
    problems = _unique(problem_text(rng, p, topic_slots.get(p.topic, slots)) for p in spec.problems)
    measures = _unique(measure_text(rng, m, topic_slots.get(m.topic, slots), ctx) for m in spec.measures)
    if spec.promise:
        measures.append(_fill(rng.choice(phrases()["generic"]["promises"]), slots))
    paragraphs = _layout(rng, spec, style, problems, measures, slots)
    if spec.follow_up:
        topic = next((p.topic for p in spec.problems if p.topic), rng.choice(topics()))
        paragraphs.insert(
            0 if rng.random() < 0.5 else len(paragraphs), follow_up_text(rng, spec.follow_up, topic, topic_slots[topic])
        )
    if spec.intro:
        paragraphs.insert(0, _frame(rng, "numeric_intros" if spec.intro == "numeric" else "intros", slots))
    if spec.closing:
        paragraphs[-1] = paragraphs[-1].rstrip("。") + "，" + _frame(rng, "closings", slots)
    return "\n".join(p for p in paragraphs if p)


def _unique(texts: Iterable[str]) -> list[str]:
    """A stock phrase drawn twice is written once (the label does not depend on how often)."""
    return list(dict.fromkeys(texts))


def _layout(
    rng: random.Random, spec: Spec, style: str, problems: list[str], measures: list[str], slots: dict[str, object]
) -> list[str]:
    inner = style if style != "（一）" else rng.choice(("一是", "1."))
    if spec.layout == "interleaved" and problems and measures:
        return [enumerate_items(rng, _interleave(rng, problems, measures, slots), style)]
    if spec.layout == "headers" and problems and measures:
        heads = rng.choice(phrases()["frame"]["headers"])
        return [
            f"（一）{heads[0]}",
            enumerate_items(rng, problems, inner),
            f"（二）{heads[1]}",
            enumerate_items(rng, measures, inner),
        ]
    if spec.layout == "separate_plan" and measures:
        return [
            enumerate_items(rng, problems, style),
            _frame(rng, "plan_headings", slots),
            enumerate_items(rng, measures, style),
        ]
    if spec.layout == "prose":
        return [enumerate_items(rng, problems, "prose"), enumerate_items(rng, measures, "prose")]
    transition = _frame(rng, "transitions", slots) if problems and measures else ""
    return [enumerate_items(rng, problems, style), transition + enumerate_items(rng, measures, style)]


def _interleave(rng: random.Random, problems: list[str], measures: list[str], slots: dict[str, object]) -> list[str]:
    """Problem i then its measure; extra problems or measures follow on their own."""
    link = _fill(rng.choice(phrases()["frame"]["interleave_links"]), slots)
    pairs = [f"{p.rstrip('。')}。{link}{m}" for p, m in zip(problems, measures, strict=False)]
    rest = problems[len(pairs) :] + measures[len(pairs) :]
    return pairs + rest


# ---------------------------------------------------------------- the data set


def bump_years(text: str, year: int) -> str:
    """Last year's text dated this year, as a copy usually is."""
    return re.sub(r"20\d\d", lambda m: str(int(m.group()) + 1) if int(m.group()) >= year - 2 else m.group(), text)


def draw_section(seed: int, index: int) -> dict[str, object]:
    rng = random.Random(f"gkaudit-problems:{seed}:{index}")
    makers, weights = zip(*CASES, strict=True)
    maker = rng.choices(makers, weights)[0]
    spec = maker(rng)
    level = rng.choice(list(LEVELS))
    style = rng.choice(STYLES)
    year = rng.choice(YEARS)
    ctx = make_context(rng, level, year)
    case = maker.__name__.removeprefix("case_")
    if spec.measures and rng.random() < CHANCE_SEPARATE_PLAN:
        spec = replace(spec, layout="separate_plan")
        case += "+separate_plan"
    row: dict[str, object] = {"id": f"problems-{seed}-{index:04d}"}
    if case.startswith("copy_prev"):
        prev = write_section(rng, replace(spec, follow_up=None), replace(ctx, year=year - 1), style)
        text = bump_years(prev, year - 1) if rng.random() < 0.6 else prev
        row |= {"text": text, "prev_year_text": prev}
    else:
        row["text"] = write_section(rng, spec, ctx, style)
        if rng.random() < CHANCE_PREV_YEAR_TEXT:
            other = maker(rng)
            row["prev_year_text"] = write_section(rng, other, replace(ctx, year=year - 1), style)
    row |= {"label": decide_label(spec), "level": level, "style": style, "case": case, "year": year}
    return row


def generate(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[dict[str, object]]:
    return [draw_section(seed, i) for i in range(count)]


def write_jsonl(rows: Sequence[dict[str, object]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    rows = generate(args.count, args.seed)
    write_jsonl(rows, args.out)
    labels = [r["label"] for r in rows]
    print(f"wrote {len(rows)} sections to {args.out}; labels " + ", ".join(f"{k}: {labels.count(k)}" for k in range(4)))


if __name__ == "__main__":
    main()
