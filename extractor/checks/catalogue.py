"""The rule catalogue, made from the registry: what ``gkaudit rules`` prints and ``docs/rules.md`` holds.

For each rule: its id, severity, kind, what fires it (the rule function's name, in words), the
message templates, and an example: the note of its ``fires`` fixture and the message the rule
gives on it (when the fixtures are at hand: they live under ``tests/fixtures/checks``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from extractor.checks.registry import Rule, load_rules

Example = tuple[str, str]  # (what the fixture changed, the message the rule gives on it)
ExampleFinder = Callable[[Rule], Example | None]

KIND_ZH = {
    "narrative_mismatch": "正文与表格不符",
    "table_arithmetic": "表格勾稽关系",
    "narrative_arithmetic": "正文自身的算术",
    "structure": "结构与格式",
    "corpus": "跨报告",
}


@dataclass(frozen=True)
class Entry:
    id: str
    severity: str
    kind: str
    fires_when: str
    message_zh: str
    message_en: str
    example_note: str | None = None
    example_message: str | None = None


def fires_when(rule: Rule) -> str:
    """What fires the rule, from its function's name (narrative_differs_from_table → narrative differs from table)."""
    return rule.func.__name__.replace("_", " ")


def catalogue(find_example: ExampleFinder | None = None) -> list[Entry]:
    """Every registered rule, in id order."""
    entries = []
    for rule_id, rule in sorted(load_rules().items()):
        example = find_example(rule) if find_example else None
        entries.append(
            Entry(
                rule_id,
                rule.severity,
                rule.kind,
                fires_when(rule),
                rule.message_zh,
                rule.message_en,
                *(example or (None, None)),
            )
        )
    return entries


def fixture_examples(fixtures: Path, run: Callable[[Rule, Path], list[str]]) -> ExampleFinder:
    """Examples from the rules' ``fires.json`` fixtures: its note, and the first message ``run`` gives on it."""

    def find(rule: Rule) -> Example | None:
        path = fixtures / rule.id / "fires.json"
        if not path.exists():
            return None
        messages = run(rule, path)
        note = json.loads(path.read_text(encoding="utf-8")).get("note", "")
        return (note, messages[0]) if messages else None

    return find


def as_json(entries: Iterable[Entry]) -> str:
    return json.dumps([asdict(e) for e in entries], ensure_ascii=False, indent=1)


def as_text(entries: Iterable[Entry]) -> str:
    lines = []
    for e in entries:
        lines.append(f"{e.id}  {e.severity:<7}  {e.kind:<20}  {e.fires_when}")
        lines.append(f"       {e.message_zh}")
    return "\n".join(lines)


def as_markdown(entries: Iterable[Entry]) -> str:
    entries = list(entries)
    out = [
        "# gkaudit rules",
        "",
        "Made from the rule registry by `gkaudit rules --format markdown` (a test keeps this page in step with",
        "it). Ids are permanent; a retired id is never reused. Messages are `str.format` templates over the",
        "finding's parameters; each example is a rule's `fires` fixture (`tests/fixtures/checks/<id>/`): what",
        "it holds, and the message the rule gives on it.",
        "",
        "| id | severity | kind | fires when |",
        "|---|---|---|---|",
        *(
            f"| [{e.id}](#{e.id.lower()}) | {e.severity} | {KIND_ZH[e.kind]} ({e.kind}) | {e.fires_when} |"
            for e in entries
        ),
    ]
    for e in entries:
        out += ["", f"## {e.id}", "", f"**{e.severity}**, {e.kind}: {e.fires_when}.", ""]
        out += [f"- message (zh): `{e.message_zh}`", f"- message (en): `{e.message_en}`"]
        if e.example_note:
            out += [f"- example: {e.example_note}", f"  → {e.example_message}"]
    return "\n".join(out) + "\n"


FORMATTERS: dict[str, Callable[[Iterable[Entry]], str]] = {"text": as_text, "json": as_json, "markdown": as_markdown}
