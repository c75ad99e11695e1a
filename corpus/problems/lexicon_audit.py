"""Which lexicon entries and generator phrases lean on the seeds or copy real text.

Issue 20: a lexicon entry that matches a seed section but no other real section of the
training part (the real sections outside the held-back test third) was most likely taken
from the seed, and tunes the model to the seeds; and no phrase of the generator may copy a
run of a real section.  This module lists both, from ``../shared``:

    .venv/bin/python -m corpus.problems.lexicon_audit

The rule is applied to literal entries: every stock phrase, and every other literal entry of
MIN_PHRASE_CHARS characters or more.  Shorter markers (不及时, 没有, 公众号) and regular
expressions (a count, a date, a "由…负责") describe the language of every such report, not a
document, and are kept even when, among the few real sections here, only a seed has them.
``tests/test_completeness_real.py`` asserts both lists are empty.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

from corpus.problems.real_sections import SHARED, RealSection, real_sections
from models import element_lexicons as lexicons
from models.normalize import normalize_text
from models.real_eval import is_test

PHRASES = Path(__file__).resolve().parent / "phrases.toml"
# A generator phrase sharing this many characters in a row with a real section copies it.
COPIED_RUN = 10
SEED_PREFIX = "seeds/"
MIN_PHRASE_CHARS = 4
PLACEHOLDER = re.compile(r"\{[a-z]+\}")


def lexicon_entries() -> Iterator[tuple[str, str, bool]]:
    """(lexicon name, entry, is a regular expression) for every entry of models.element_lexicons."""
    for name, value in vars(lexicons).items():
        if not name.isupper() or name.startswith("_"):
            continue
        regex = "PATTERN" in name or name in {"NOTHING_TO_REPORT", "ANNOUNCEMENTS", "LAST_YEAR_REFERENCES"}
        if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            yield from ((name, v, regex) for v in value)
        elif isinstance(value, dict):
            for key, entry in value.items():
                if isinstance(entry, tuple):
                    yield from ((f"{name}[{key}]", v, False) for v in entry)
                elif isinstance(entry, str):
                    yield f"{name}[{key}]", entry, True


def _matches(entry: str, regex: bool, text: str) -> bool:
    return bool(re.search(entry, text)) if regex else entry in text


def seed_only_entries(sections: list[RealSection]) -> list[tuple[str, str]]:
    """Entries that match a seed and no non-seed real section of the training part."""
    seeds = [normalize_text(s.text) for s in sections if s.source.startswith(SEED_PREFIX)]
    others = [normalize_text(s.text) for s in sections if not s.source.startswith(SEED_PREFIX) and not is_test(s)]
    return [
        (name, entry)
        for name, entry, regex in lexicon_entries()
        if any(_matches(entry, regex, t) for t in seeds) and not any(_matches(entry, regex, t) for t in others)
    ]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def copied_phrases(sections: list[RealSection], run: int = COPIED_RUN) -> list[tuple[str, str]]:
    """(phrase, real source) where a generator phrase shares ``run`` characters in a row with a real section."""
    texts = {s.source: re.sub(r"\W", "", normalize_text(s.text)) for s in sections}
    found = []
    for phrase in _strings(tomllib.loads(PHRASES.read_text(encoding="utf-8"))):
        pieces = [re.sub(r"\W", "", normalize_text(piece)) for piece in PLACEHOLDER.split(phrase)]
        runs = {piece[i : i + run] for piece in pieces for i in range(len(piece) - run + 1)}
        source = next((src for src, text in texts.items() if any(r in text for r in runs)), None)
        if source:
            found.append((phrase, source))
    return found


def main() -> int:
    if not SHARED.exists():
        print(f"{SHARED} is not present: nothing to audit")
        return 0
    sections = real_sections()
    seed_only = seed_only_entries(sections)
    copied = copied_phrases(sections)
    for name, entry in seed_only:
        print(f"seed-only lexicon entry  {name}: {entry}")
    for phrase, source in copied:
        print(f"phrase copies real text  {source}: {phrase}")
    print(f"{len(seed_only)} seed-only lexicon entries, {len(copied)} copied phrases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
