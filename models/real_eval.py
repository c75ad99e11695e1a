"""How the completeness score holds on real sections, against the people's labels.

The real texts stay in ``../shared`` (read through ``corpus.problems.real_sections``); the
labels are ``corpus/problems/real_labels.jsonl`` (resolved) and the two annotators' files,
keyed by (source, sha256).  A section whose text no longer matches its sha256 is left out
and counted, never scored against a stale label.

Two views, both printed by ``gkaudit train``:

- **grouped cross-validation** over every real section, one fold per body (the 平潭 archive
  is one body over seven years, the two 洪泽 reports another; every other file is its own
  body).  The label is a rule over detected elements and nothing is fitted on real text, so
  a fold's model is the same as the whole's and the out-of-fold figures equal the pooled
  ones; the folds are kept so that anything fitted on real text later is measured honestly.
- **the test third**: sections with ``sha256(source)[0] % 3 == 0`` (the project's rule),
  never read while the detectors were written (they were written reading the other two
  thirds, the "development part", printed too).  Its figures at the first measurement are
  in MODEL_CARD.md; later runs print it again, but it is no longer untouched.

Beside each: label accuracy, macro-F1, Spearman(score, label), the majority-class baseline,
the two annotators' own agreement on the same sections, and per-element precision/recall.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score, f1_score

from models.rubric import ELEMENT_NAMES

PROBLEMS_DIR = Path(__file__).resolve().parents[1] / "corpus" / "problems"
RESOLVED = PROBLEMS_DIR / "real_labels.jsonl"
ANNOTATORS = {
    "a": PROBLEMS_DIR / "real_annotations" / "annotator_a.jsonl",
    "b": PROBLEMS_DIR / "real_annotations" / "annotator_b.jsonl",
}
TEST_MODULUS = 3
# Bodies that publish more than one labelled section: (pattern on the source, body).
BODIES: tuple[tuple[str, str], ...] = (
    (r"pingtan-gov-zwgk-archive", "平潭综合实验区"),
    (r"/hzq\d{4}", "洪泽区"),
)
DECIMALS = 3


def is_test(section: Any) -> bool:
    """The held-back third: the first byte of sha256(source) is divisible by 3."""
    source = section if isinstance(section, str) else section.source
    return hashlib.sha256(source.encode("utf-8")).digest()[0] % TEST_MODULUS == 0


def body_of(source: str) -> str:
    return next((body for pattern, body in BODIES if re.search(pattern, source)), source)


def read_labels(path: Path) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["source"]: r for r in rows}


@dataclass(frozen=True)
class RealRow:
    source: str
    body: str
    test: bool
    cut: bool
    gold: int
    gold_marks: dict[str, bool]
    annotator_labels: tuple[int, int]
    score: float
    label: int
    marks: dict[str, bool]


@dataclass(frozen=True)
class RealData:
    rows: list[RealRow]
    stale: list[str]  # labelled sections whose text changed since (left out)


def evaluate(sections: Iterable[Any], model: Any = None) -> RealData:
    """Score every labelled real section (``RealSection``s from corpus.problems.real_sections)."""
    from models.completeness import score_sections

    resolved = read_labels(RESOLVED)
    a, b = (read_labels(ANNOTATORS[k]) for k in ("a", "b"))
    labelled = [s for s in sections if s.source in resolved]
    fresh = [s for s in labelled if resolved[s.source]["sha256"] == s.sha256]
    results = score_sections([s.text for s in fresh], model, [s.cut for s in fresh])
    rows = [
        RealRow(
            source=s.source,
            body=body_of(s.source),
            test=is_test(s),
            cut=s.cut,
            gold=int(resolved[s.source]["label"]),
            gold_marks=dict(resolved[s.source]["elements"]),
            annotator_labels=(int(a[s.source]["label"]), int(b[s.source]["label"])),
            score=r.score,
            label=r.label,
            marks=r.rubric.marks(),
        )
        for s, r in zip(fresh, results, strict=True)
    ]
    return RealData(rows, sorted(s.source for s in labelled if s not in fresh))


# ---------------------------------------------------------------- figures


def _spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    if len(set(x)) < 2 or len(set(y)) < 2:
        return None
    return round(float(spearmanr(x, y)[0]), DECIMALS)


def _accuracy(pred: Sequence[int], gold: Sequence[int]) -> float:
    return round(float(np.mean(np.asarray(pred) == np.asarray(gold))), DECIMALS)


def _macro_f1(pred: Sequence[int], gold: Sequence[int]) -> float:
    """Macro-F1 over the labels people gave (a label nobody gave is not averaged in)."""
    return round(float(f1_score(gold, pred, labels=sorted(set(gold)), average="macro", zero_division=0)), DECIMALS)


def element_counts(rows: Sequence[RealRow]) -> dict[str, dict[str, Any]]:
    """Per element: true/false positives and negatives, precision and recall (None when undefined)."""
    out = {}
    for name in ELEMENT_NAMES:
        pairs = [(r.marks[name], r.gold_marks[name]) for r in rows]
        tp = sum(p and g for p, g in pairs)
        fp = sum(p and not g for p, g in pairs)
        fn = sum(g and not p for p, g in pairs)
        tn = len(pairs) - tp - fp - fn
        out[name] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
            "precision": round(tp / (tp + fp), DECIMALS) if tp + fp else None,
            "recall": round(tp / (tp + fn), DECIMALS) if tp + fn else None,
            "agreement": round((tp + tn) / len(pairs), DECIMALS) if pairs else None,
        }
    return out


def summarize(rows: Sequence[RealRow]) -> dict[str, Any]:
    """The figures of one set of real sections, the baseline and the annotators beside them."""
    gold = [r.gold for r in rows]
    pred = [r.label for r in rows]
    majority = Counter(gold).most_common(1)[0][0] if gold else 0
    a = [r.annotator_labels[0] for r in rows]
    b = [r.annotator_labels[1] for r in rows]
    return {
        "sections": len(rows),
        "bodies": len({r.body for r in rows}),
        "labels": {str(k): v for k, v in sorted(Counter(gold).items())},
        "model": {
            "spearman_score_label": _spearman([r.score for r in rows], gold),
            "accuracy": _accuracy(pred, gold),
            "macro_f1": _macro_f1(pred, gold),
        },
        "majority_baseline": {
            "label": majority,
            "accuracy": _accuracy([majority] * len(gold), gold),
            "macro_f1": _macro_f1([majority] * len(gold), gold),
        },
        "annotators": {
            "spearman_a_b": _spearman(a, b),
            "accuracy_a_vs_b": _accuracy(a, b),
            "kappa_a_b": round(float(cohen_kappa_score(a, b)), DECIMALS) if len(set(a) | set(b)) > 1 else None,
            "macro_f1_a_vs_resolved": _macro_f1(a, gold),
            "macro_f1_b_vs_resolved": _macro_f1(b, gold),
        },
        "elements": element_counts(rows),
    }


def grouped_cv(rows: Sequence[RealRow]) -> dict[str, Any]:
    """Leave one body out.  Nothing is fitted on real text, so each fold predicts with the same
    rules and the pooled out-of-fold figures are those of all sections; per-fold accuracy is kept."""
    folds = sorted({r.body for r in rows})
    per_fold = {
        body: _accuracy([r.label for r in rows if r.body == body], [r.gold for r in rows if r.body == body])
        for body in folds
    }
    return {"folds": len(folds), "fitted_on_real": False, "fold_accuracy": per_fold, **summarize(rows)}


def real_report(data: RealData) -> dict[str, Any]:
    return {
        "grouped_cv": grouped_cv(data.rows),
        "development": summarize([r for r in data.rows if not r.test]),
        "test_third": summarize([r for r in data.rows if r.test]),
        "stale": data.stale,
    }


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def format_summary(title: str, s: dict[str, Any]) -> list[str]:
    m, base, ann = s["model"], s["majority_baseline"], s["annotators"]
    lines = [
        f"{title}: {s['sections']} sections, {s['bodies']} bodies, labels {s['labels']}",
        f"  model       Spearman(score,label) {_f(m['spearman_score_label'])}  accuracy {_f(m['accuracy'])}"
        f"  macro-F1 {_f(m['macro_f1'])}",
        f"  majority    (always {base['label']})            accuracy {_f(base['accuracy'])}"
        f"  macro-F1 {_f(base['macro_f1'])}",
        f"  annotators  Spearman(A,B) {_f(ann['spearman_a_b'])}  accuracy A vs B {_f(ann['accuracy_a_vs_b'])}"
        f"  κ {_f(ann['kappa_a_b'])}",
        "  elements    precision / recall (tp fp fn tn) against the resolved marks:",
    ]
    for name, e in s["elements"].items():
        lines.append(
            f"    {name:18} P {_f(e['precision'])}  R {_f(e['recall'])}  ({e['tp']} {e['fp']} {e['fn']} {e['tn']})"
        )
    return lines


def format_report(report: dict[str, Any]) -> list[str]:
    cv = report["grouped_cv"]
    lines = format_summary(
        f"real, grouped CV ({cv['folds']} bodies as folds; nothing fitted on real text, so = all sections)", cv
    )
    lines += format_summary("real, development part (the detectors were written reading these)", report["development"])
    lines += format_summary("real, held-back test third", report["test_third"])
    if report["stale"]:
        lines.append(f"  left out (text changed since labelled; relabel): {report['stale']}")
    lines.append("  the model is only as good as the annotators' agreement printed beside it")
    return lines


# ---------------------------------------------------------------- GK602 on real text


def copy_figures(sections: Sequence[Any]) -> dict[str, Any]:
    """GK602's similarity (MinHash estimate of the Jaccard of 5-character shingles) between real
    sections: pairs of one body across years, and pairs of different bodies, which all follow the
    same official template of the report.  Flagged = at or above the detector's threshold."""
    from itertools import combinations

    from models.signature import long_enough
    from models.similarity import DEFAULT_THRESHOLD, signature

    kept = [s for s in sections if long_enough(s.text)]
    signatures = {s.source: signature(s.text) for s in kept}
    groups: dict[str, list[float]] = {"same_body": [], "different_bodies": []}
    for x, y in combinations(kept, 2):
        kind = "same_body" if body_of(x.source) == body_of(y.source) else "different_bodies"
        groups[kind].append(float(signatures[x.source].jaccard(signatures[y.source])))
    return {
        "threshold": DEFAULT_THRESHOLD,
        **{
            kind: {
                "pairs": len(values),
                "max": round(max(values), DECIMALS) if values else None,
                "mean": round(float(np.mean(values)), DECIMALS) if values else None,
                "flagged": sum(v >= DEFAULT_THRESHOLD for v in values),
            }
            for kind, values in groups.items()
        },
    }


def format_copies(figures: dict[str, Any]) -> list[str]:
    lines = [f"GK602 on real sections (threshold {figures['threshold']}):"]
    for kind in ("same_body", "different_bodies"):
        g = figures[kind]
        lines.append(
            f"  {kind.replace('_', ' '):16} {g['pairs']:4} pairs  max {_f(g['max'])}  mean {_f(g['mean'])}"
            f"  flagged {g['flagged']}"
        )
    return lines
