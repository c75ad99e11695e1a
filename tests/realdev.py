"""Scoring gkaudit against ../shared/realdev: real report pages with hand-read truth.

The same rules as ``../shared/realdev/score.py`` (which runs the CLI on each page), in process:
a truth cell is right when the key is output with the same number (null only by null); the
test part is a third of the pages chosen by a hash of the file name, never tuned on.  Claims
follow score.py too: a truth claim is found when an unused claim has its value and a text
contained in the truth's text (or the other way round), linked when its metric is the truth key.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor import ExtractError, parse_bytes

REALDEV = Path(__file__).resolve().parents[2] / "shared" / "realdev"


def split_of(name: str) -> str:
    return "test" if hashlib.sha256(name.encode()).digest()[0] % 3 == 0 else "dev"


@dataclass(frozen=True)
class Page:
    path: Path
    truth: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def split(self) -> str:
        return split_of(self.path.name)


def pages(split: str = "all", root: Path = REALDEV) -> Iterator[Page]:
    """The pages of ``root`` (folders ``pages_*`` with a ``truth.jsonl`` each) in the part asked for."""
    for truth_file in sorted(root.glob("pages_*/truth.jsonl")):
        for line in truth_file.read_text(encoding="utf-8").splitlines():
            truth = json.loads(line)
            page = Page(truth_file.parent / truth["file"], truth)
            if split in ("all", page.split):
                yield page


def same(expected: object, got: object) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    try:
        return abs(float(expected) - float(got)) < 1e-6 * max(1.0, abs(float(expected)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


@dataclass
class Score:
    cells_right: Counter[str] = field(default_factory=Counter)  # by table style, and "all"
    cells_total: Counter[str] = field(default_factory=Counter)
    format_right: int = 0
    format_total: int = 0  # pages with a visible table and a truth format
    refused: list[str] = field(default_factory=list)
    wrong: list[tuple[str, str, object, object]] = field(default_factory=list)

    def share(self, style: str = "all") -> float:
        return self.cells_right[style] / max(1, self.cells_total[style])


def score_cells(split: str) -> Score:
    score = Score()
    for page in pages(split):
        try:
            report = parse_bytes(page.path.read_bytes(), page.path.name)
            tables, version = report.tables, report.format_version
        except ExtractError:
            score.refused.append(page.name)
            tables, version = {}, None
        uncertain = set(page.truth.get("cells_uncertain") or ())
        cells = {k: v for k, v in page.truth.get("cells", {}).items() if k not in uncertain}
        style = page.truth.get("table_style") or "none"
        for key, expected in cells.items():
            right = key in tables and same(expected, tables[key])
            for bucket in (style, "all"):
                score.cells_right[bucket] += right
                score.cells_total[bucket] += 1
            if not right:
                score.wrong.append((page.name, key, expected, tables.get(key, "absent")))
        if cells and page.truth.get("format_version"):
            score.format_total += 1
            score.format_right += version == page.truth["format_version"]
    return score


@dataclass
class ClaimScore:
    found: int = 0
    total: int = 0
    keyed_right: int = 0
    keyed: int = 0  # truth claims with a key, among those found
    unkeyed_right: int = 0  # truth claims without a key, found and left unlinked
    extra: int = 0  # claims no truth claim matched
    claims: int = 0  # claims output
    missed: list[tuple[str, str]] = field(default_factory=list)
    wrong_key: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    extras: list[tuple[str, str, object]] = field(default_factory=list)  # page, text and value of each extra
    disputed: Counter[str] = field(default_factory=Counter)  # wrong keys where the truth's readers disagree

    @property
    def linked_right(self) -> float:
        """Found claims linked to the truth's key, or rightly to none (the issue's measure)."""
        return (self.keyed_right + self.unkeyed_right) / max(1, self.found)

    @property
    def linked_right_undisputed(self) -> float:
        """The same, leaving out the found claims whose truth key the readers themselves disagree on."""
        return (self.keyed_right + self.unkeyed_right) / max(1, self.found - sum(self.disputed.values()))


# Where the truth's readers key the same kind of statement two ways, as (name, test of truth key, the claim's
# metric, the page's legacy cells present, the truth text).  Reported beside the measure, never edited away.
LEGACY = "stats."
REVIEW_AND_LITIGATION = "review.total + litigation_direct.total + litigation_after_review.total"
NEW_REQUESTS = "applications.new.total"
PROCESSED = "applications.results_total.total"
DISPUTES: tuple[tuple[str, Callable[[str | None, str | None, bool, str], bool]], ...] = (
    (
        # One reader (pages_b) keys 主动公开…条 to the legacy 统计指标 table on pages that have none; the others
        # leave such counts unkeyed, as the 2019 and 2021 formats have no cell for them.
        "legacy key on a page without the legacy table",
        lambda key, metric, legacy, _: bool(key and key.startswith(LEGACY)) and metric is None and not legacy,
    ),
    (
        # "无…行政复议、行政诉讼": some readers key review.total alone, others (and gkaudit) the sum of both.
        "review and litigation named, review.total keyed",
        lambda key, metric, _, text: key == "review.total" and metric == REVIEW_AND_LITIGATION and "诉讼" in text,
    ),
    (
        # "受理…申请N件": readers of pages_a and pages_d key the year's requests (5 on the development part),
        # the reader of pages_c leaves it unkeyed (4); gkaudit keys it.
        "受理 named, the year's requests keyed or not",
        lambda key, metric, _, text: key is None and metric == NEW_REQUESTS and "受理" in text,
    ),
    (
        # "办理…申请N件": readers key the requests handled (realdev a014 and four fresh pages), the year's requests
        # (realdev b027, with those carried in, and three fresh pages) or nothing (c036); gkaudit: those handled.
        "办理 named, the requests handled or received",
        lambda key, metric, _, text: (
            "办理" in text
            and {key, metric} <= {None, NEW_REQUESTS, PROCESSED, f"{NEW_REQUESTS} + applications.carried_in.total"}
        ),
    ),
    (
        # "办结/答复N件": the reader of pages_b keys the requests processed (6 on the development part), the
        # readers of pages_c, pages_d and pages_e mostly leave it unkeyed; gkaudit keys it (table 三's 总计).
        "办结 or 答复 named, the requests processed keyed or not",
        lambda key, metric, _, text: key is None and metric == PROCESSED and any(w in text for w in ("办结", "答复")),
    ),
)


def dispute_of(key: str | None, metric: str | None, legacy: bool, text: str) -> str | None:
    return next((name for name, test in DISPUTES if test(key, metric, legacy, text)), None)


def _match(truth: dict[str, Any], claims: list[dict[str, Any]], used: set[int]) -> int | None:
    """The first unused claim with the truth's value whose text and the truth's contain one another.

    Pages in traditional characters are read converted to simplified (pinyin glosses out), and so are their
    claims' texts: the truth's text is compared converted too (score.py compares them as written)."""
    wanted = simplified(truth["text"])
    for i, claim in enumerate(claims):
        text = claim.get("text") or ""
        if i in used or claim.get("value") is None or not text:
            continue
        if same_count(truth["value"], claim["value"], text) and (
            text in wanted or wanted in text or _elided_match(wanted, text, claim.get("sentence") or "")
        ):
            return i
    return None


MYRIADS = {"万": 10**4, "亿": 10**8}


def same_count(expected: object, got: object, text: str) -> bool:
    """The same number, or the same figure in 万 or 亿 as written (6.7万条: 6.7 or 67000): readers write such
    figures both ways (realdev d048, and the fresh readers), gkaudit scales a count (6.7万条 → 67000) and keeps a
    bare 万 count as written (访问量68万 → 68, unit 万)."""
    if same(expected, got):
        return True
    scales = [scale for word, scale in MYRIADS.items() if word in text]
    return isinstance(got, int | float) and any(same(expected, got / s) or same(expected, got * s) for s in scales)


ELISION = re.compile(r"…+|\.{3,}")


def _elided_match(wanted: str, text: str, sentence: str) -> bool:
    """A truth text with words left out (我街道未收到……申请公开政府信息): its pieces in order in the claim's
    sentence, the stretch they span and the claim's text containing one another."""
    pieces = [p for p in ELISION.split(wanted) if p]
    if len(pieces) < 2:
        return False
    m = re.search(".*?".join(map(re.escape, pieces)), sentence)
    return m is not None and (text in m.group(0) or m.group(0) in text)


SUM_OF = re.compile(r"^sum\((.+)\)$")


def same_keys(truth_key: str, metric: str | None) -> bool:
    """The claim's key(s) are the truth's: one key, a sum written ``a + b``, or ``sum(a.*.total)``.

    A ``sum(…)`` term stands for every key its pattern matches; the claim must hold at least one
    key for each term and no key outside them."""
    if not metric:
        return False
    got = set(metric.split(" + "))
    terms = truth_key.split(" + ")
    patterns = [re.compile(fnmatch.translate(m.group(1))) if (m := SUM_OF.match(t)) else None for t in terms]
    covered = set()
    for term, pattern in zip(terms, patterns, strict=True):
        hits = {k for k in got if pattern.match(k)} if pattern else ({term} & got)
        if not hits:
            return False
        covered |= hits
    return covered == got


def simplified(text: str) -> str:
    """As the loader reads it: pinyin glosses out (申請(qǐng)), traditional characters converted."""
    import opencc

    from extractor.loaders.script import PINYIN_GLOSS

    return opencc.OpenCC("t2s").convert(PINYIN_GLOSS.sub("", text))


def score_claims(split: str, root: Path = REALDEV) -> ClaimScore:
    """Narrative claims found and linked, as score.py counts them (refused pages count as missed)."""
    from extractor.audit import audit_report  # the segmenter loads only for this

    score = ClaimScore()
    for page in pages(split, root):
        truth_claims = page.truth.get("claims") or []
        try:
            audited = audit_report(parse_bytes(page.path.read_bytes(), page.path.name))
            claims = [c.to_dict() for c in audited.claims]
            legacy = any(key.startswith(LEGACY) for key in audited.report.tables)
        except ExtractError:
            claims, legacy = [], False
        used: set[int] = set()
        for truth in truth_claims:
            score.total += 1
            hit = _match(truth, claims, used)
            if hit is None:
                score.missed.append((page.name, truth["text"]))
                continue
            used.add(hit)
            score.found += 1
            if not truth.get("key"):
                metric = claims[hit].get("metric") or claims[hit].get("metric_expr")
                score.unkeyed_right += metric is None
                if metric is not None:
                    score.wrong_key.append((page.name, truth["text"], None, metric))
                    if dispute := dispute_of(None, metric, legacy, truth["text"]):
                        score.disputed[dispute] += 1
            else:
                score.keyed += 1
                # A sum of cells is the claim's metric_expr ("review.total + litigation_direct.total"),
                # written as the truth writes it; score.py compares `metric` alone, null for sums.
                metric = claims[hit].get("metric") or claims[hit].get("metric_expr")
                if same_keys(truth["key"], metric):
                    score.keyed_right += 1
                else:
                    score.wrong_key.append((page.name, truth["text"], truth["key"], metric))
                    if dispute := dispute_of(truth["key"], metric, legacy, truth["text"]):
                        score.disputed[dispute] += 1
        score.claims += len(claims)
        score.extra += len(claims) - len(used)
        score.extras.extend((page.name, c["text"], c["value"]) for i, c in enumerate(claims) if i not in used)
    return score


# Each broken breakdown status and the rule that must flag it; those rules, all the breakdown rules.
BREAKDOWN_RULES = ("GK301", "GK304", "GK305", "GK306")
BROKEN = {"exceeds": "GK301", "short_exhaustive": "GK304", "wrong_share": "GK305", "near_miss": "GK306"}
FIXTURES = Path(__file__).parent / "fixtures"
# Hand-read total-and-parts relations of each part's narratives (the test part's read to report only).
BREAKDOWN_FACTS = {"dev": FIXTURES / "realdev_breakdowns.jsonl", "test": FIXTURES / "realdev_test_breakdowns.jsonl"}


def breakdown_facts(split: str) -> list[dict[str, Any]]:
    path = BREAKDOWN_FACTS[split]
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line.strip()]


def breakdown_findings(path: Path) -> list[tuple[str, float, float]]:
    """Each breakdown finding of a page: its rule and the range of the total it names."""
    from extractor.audit import audit_report

    findings = audit_report(parse_bytes(path.read_bytes(), path.name)).findings
    return [(f.rule, *f.evidence["total_range"]) for f in findings if f.rule in BREAKDOWN_RULES]


def names_fact(fact: dict[str, Any], finding: tuple[str, float, float]) -> bool:
    rule, low, high = finding
    return rule == BROKEN.get(fact["status"]) and low <= fact["total"] <= high


@dataclass
class BreakdownScore:
    broken: int = 0
    flagged: int = 0
    missed: list[tuple[str, float]] = field(default_factory=list)  # page, total
    false: list[tuple[str, str, float]] = field(default_factory=list)  # page, rule, total's low end


def score_breakdowns(split: str, root: Path = REALDEV) -> BreakdownScore:
    """Broken relations flagged by their rule, and breakdown findings no broken relation explains."""
    facts = breakdown_facts(split)
    score = BreakdownScore()
    for page in pages(split, root):
        broken = [f for f in facts if f["file"] == page.name and f["status"] in BROKEN]
        found = breakdown_findings(page.path)
        for fact in broken:
            score.broken += 1
            if any(names_fact(fact, finding) for finding in found):
                score.flagged += 1
            else:
                score.missed.append((page.name, fact["total"]))
        score.false += [(page.name, f[0], f[1]) for f in found if not any(names_fact(b, f) for b in broken)]
    return score


def main(argv: list[str] | None = None) -> None:
    """``python -m tests.realdev [--root DIR] [--show]``: the claim figures of both parts, with the readers'
    disputes beside them.  ``--root`` scores another folder of pages in realdev's layout (all of it, as one
    part); ``--show`` lists the misses and wrong keys too (never for the test part of realdev)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.realdev")
    parser.add_argument("--root", type=Path, help="a folder of pages_*/truth.jsonl (default: ../shared/realdev)")
    parser.add_argument("--show", action="store_true", help="list misses and wrong keys (dev part or --root only)")
    parser.add_argument("--part", choices=("dev", "test"), help="one part of realdev only")
    args = parser.parse_args(argv)
    splits = ("all",) if args.root else (args.part,) if args.part else ("dev", "test")
    for split in splits:
        s = score_claims(split, args.root or REALDEV)
        print(
            f"{split}: found {s.found}/{s.total} ({s.found / max(1, s.total):.1%}), "
            f"linked right or rightly none {s.keyed_right + s.unkeyed_right}/{s.found} ({s.linked_right:.1%}), "
            f"extras {s.extra}/{s.claims} ({s.extra / max(1, s.claims):.2%}); "
            f"without the disputed keys {s.linked_right_undisputed:.1%}"
        )
        for name, count in s.disputed.most_common():
            print(f"  disputed: {count:3d}  {name}")
        if not args.root and breakdown_facts(split):
            b = score_breakdowns(split)
            print(f"{split}: broken breakdowns flagged {b.flagged}/{b.broken}, findings on none of them {len(b.false)}")
            if args.show and split != "test":
                for page, total in b.missed:
                    print(f"  breakdown missed: {page} | {total}")
                for page, rule, total in b.false:
                    print(f"  breakdown false: {page} | {rule} | {total}")
        if args.show and split != "test":
            for page, text in s.missed:
                print(f"  missed: {page} | {text}")
            for page, text, key, metric in s.wrong_key:
                print(f"  wrong key: {page} | {text} | truth {key} | gkaudit {metric}")
            for page, text, value in s.extras:
                print(f"  extra: {page} | {text} | {value}")


if __name__ == "__main__":
    main()
