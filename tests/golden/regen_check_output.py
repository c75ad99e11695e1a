"""Rewrite tests/golden/check_output/ from the current tree, and say what changed, document by document.

    .venv/bin/python tests/golden/regen_check_output.py           # write, and report each change
    .venv/bin/python tests/golden/regen_check_output.py --dry-run # report only; exit 1 if anything changed

For each document whose output moved it prints the findings added, removed or changed (by rule and metric),
the claims whose link, value or status changed (by where they stand: section and offsets), the table cells
(value, cell as written, guessed) and any other field, so that the reviewer can say why each change is right.
Goldens are what tests/test_check_output_stable.py compares; see its docstring for what they keep.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.test_check_output_stable import (  # noqa: E402
    GOLDEN_DIR,
    documents,
    golden_name,
    golden_of,
    golden_text,
    read_golden,
    run_check,
)

Item = dict[str, Any]
# Fields reported item by item below; every other field is reported whole when it differs.
ITEM_FIELDS = ("findings", "claims", "tables", "raw_cells", "guessed", "sections", "printed_sha256")


def short(value: object, width: int = 90) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= width else text[: width - 1] + "…"


def changed_fields(old: Item, new: Item, prefix: str = "") -> list[str]:
    """``field: before → after`` for each field that differs; a field that is an object on both sides, key by key."""
    lines = []
    for k in sorted(set(old) | set(new)):
        before, after = old.get(k), new.get(k)
        if before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            lines += changed_fields(before, after, f"{prefix}{k}.")
        else:
            lines.append(f"{prefix}{k}: {short(before)} → {short(after)}")
    return lines


def paired(old: list[Item], new: list[Item], key: tuple[str, ...]) -> Iterator[tuple[Item | None, Item | None]]:
    """Items only one side has, paired by ``key`` where both sides have one (in order), else alone."""
    gone = [item for item in old if item not in new]
    came = [item for item in new if item not in old]
    for item in gone:
        match = next((c for c in came if all(c.get(k) == item.get(k) for k in key)), None)
        if match is not None:
            came.remove(match)
        yield item, match
    for item in came:
        yield None, item


def item_lines(
    kind: str, old: list[Item], new: list[Item], key: tuple[str, ...], summary: Callable[[Item], str]
) -> Iterator[str]:
    """One line for each item added (+), removed (-) or changed (~, with its fields before and after)."""

    def name(item: Item) -> str:
        return " ".join(str(item[k]) if k != "text" else repr(item[k]) for k in key)

    for before, after in paired(old, new, key):
        if before is None:
            yield f"  {kind} + {name(after)}: {summary(after)}"
        elif after is None:
            yield f"  {kind} - {name(before)}: {summary(before)}"
        else:
            yield f"  {kind} ~ {name(before)}: " + "; ".join(changed_fields(before, after))


def finding_lines(old: list[Item], new: list[Item]) -> Iterator[str]:
    yield from item_lines("finding", old, new, ("rule", "metric"), lambda f: f"{f['severity']} {f['message_en']}")


def claim_lines(old: list[Item], new: list[Item]) -> Iterator[str]:
    """Claims by where they stand (section, offsets, text as written)."""
    key = ("section", "start", "end", "text")
    yield from item_lines("claim", old, new, key, lambda c: f"{c['metric'] or c['metric_expr']} {c['status']}")


def cell_lines(old: Item, new: Item) -> Iterator[str]:
    for field in ("tables", "raw_cells"):
        before, after = old.get(field) or {}, new.get(field) or {}
        for key in sorted(set(before) | set(after)):
            if before.get(key, "absent") != after.get(key, "absent"):
                yield f"  {field} {key}: {short(before.get(key, 'absent'))} → {short(after.get(key, 'absent'))}"
    before, after = set(old.get("guessed") or []), set(new.get("guessed") or [])
    yield from (f"  guessed + {key}" for key in sorted(after - before))
    yield from (f"  guessed - {key}" for key in sorted(before - after))


def section_lines(old: list[Item], new: list[Item]) -> Iterator[str]:
    if [(s["id"], s["title"]) for s in old] != [(s["id"], s["title"]) for s in new]:
        yield f"  sections: {short([s['id'] for s in old])} → {short([s['id'] for s in new])}"
    for before, after in zip(old, new, strict=False):
        if before != after and (before["id"], before["title"]) == (after["id"], after["title"]):
            chars = f"{before['text_chars']} → {after['text_chars']} chars"
            yield f"  section {before['id']} {before['title']!r}: its text changed ({chars})"


def written_otherwise(old: object, new: object, path: str = "") -> Iterator[str]:
    """Values equal in Python but printed otherwise: ``459000.0`` against ``459000``, ``True`` against ``1``."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old.keys() & new.keys():
            yield from written_otherwise(old[key], new[key], f"{path}.{key}" if path else key)
    elif isinstance(old, list) and isinstance(new, list):
        for index, (a, b) in enumerate(zip(old, new, strict=False)):
            yield from written_otherwise(a, b, f"{path}[{index}]")
    elif old == new and type(old) is not type(new):
        yield f"  {path}: {json.dumps(old)} → {json.dumps(new)} (the same number, printed otherwise)"


def without_items(output: Item) -> Item:
    return {k: v for k, v in output.items() if k not in ITEM_FIELDS}


def changes(old: Item, new: Item) -> list[str]:
    """What a reviewer reads for one document: each finding, claim, cell and other field that moved."""
    lines = [
        *finding_lines(old.get("findings") or [], new.get("findings") or []),
        *claim_lines(old.get("claims") or [], new.get("claims") or []),
        *cell_lines(old, new),
        *section_lines(old.get("sections") or [], new.get("sections") or []),
    ]
    lines += [f"  {line}" for line in changed_fields(without_items(old), without_items(new))]
    lines += written_otherwise(old, new)
    if not lines and old.get("printed_sha256") != new.get("printed_sha256"):
        lines.append("  the printed line differs only in its bytes (key order or escaping)")
    return lines


def regenerate(write: bool) -> int:
    """Check every document, report what moved against the goldens, write the new ones; how many moved."""
    sources = documents()
    printed = run_check(sources)
    moved = 0
    for source in sources:
        path = GOLDEN_DIR / golden_name(source)
        new = golden_of(source, printed[source])
        old = read_golden(path) if path.exists() else None
        if old == new:
            continue
        moved += 1
        print(f"{source}  ({path.name})")
        print("  new golden" if old is None else "\n".join(changes(old, new)))
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(golden_text(new), encoding="utf-8")
    for stale in sorted(set(GOLDEN_DIR.glob("*.json")) - {GOLDEN_DIR / golden_name(s) for s in sources}):
        moved += 1
        print(f"{stale.name}: its document is gone from ../shared" + ("; removed" if write else ""))
        if write:
            stale.unlink()
    print(f"{len(sources)} documents, {moved} changed" + ("" if write else " (dry run: nothing written)"))
    return moved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="report what changed, write nothing; exit 1 if any")
    args = parser.parse_args()
    moved = regenerate(write=not args.dry_run)
    sys.exit(1 if args.dry_run and moved else 0)


if __name__ == "__main__":
    main()
