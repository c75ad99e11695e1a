"""The real 存在的主要问题及改进情况 sections that people label (see GUIDE.md, "Real sections").

Real text stays in ``../shared``: this module only reads it there, through the project's own
reader (``extractor.parse_path`` then ``report.section('problems')``), and gives for each
document its source path relative to ``../shared``, the sha256 of the section text exactly as
the reader returns it, its length and whether it is cut.  The label files in this folder are
keyed by (source, sha256), so a reader change that alters a section shows up as a mismatch.

    .venv/bin/python -m corpus.problems.real_sections          # the table
    .venv/bin/python -m corpus.problems.real_sections --skipped  # and what was left out, why

Exits 0 with a message when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"

# Documents under realdocs that are not annual reports; never labelled.
NOT_REPORTS = {
    "realdocs/zxj6827111-blip__govnianbao/政务公开年报模版.docx": "blank official template: section 5 is a placeholder",
}
# Files under realdocs that are descriptions or data, not documents.
NOT_DOCUMENTS = {"SOURCE.md", "README.md"}


@dataclass(frozen=True)
class RealSection:
    source: str  # path relative to ../shared
    sha256: str  # of the section text as the reader gives it (UTF-8)
    chars: int
    cut: bool  # the realdev index says so, or the reader finds the document ends inside this section
    text: str  # never written into the project

    def row(self) -> dict[str, object]:
        return {"source": self.source, "sha256": self.sha256, "chars": self.chars, "cut": self.cut}


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def candidates(shared: Path = SHARED) -> list[Path]:
    """Every document that might hold a real problems section, in a fixed order."""
    files = sorted((shared / "realdev" / "sections").glob("*.txt"))
    files += sorted((shared / "seeds").glob("*.txt"))
    realdocs = shared / "realdocs"
    if realdocs.exists():
        files += sorted(
            p for p in realdocs.rglob("*") if p.is_file() and p.name not in NOT_DOCUMENTS and p.suffix != ".json"
        )
    return files


def _cut_by_index(shared: Path) -> dict[str, bool]:
    index = shared / "realdev" / "sections" / "index.jsonl"
    if not index.exists():
        return {}
    out = {}
    for line in index.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            out[f"realdev/sections/{entry['file']}"] = bool(entry.get("cut"))
    return out


def scan(shared: Path = SHARED) -> Iterator[tuple[str, RealSection | None, str]]:
    """(source, section or None, why skipped) for every candidate document."""
    from extractor import parse_path  # only when the documents are there

    cut_index = _cut_by_index(shared)
    for path in candidates(shared):
        source = path.relative_to(shared).as_posix()
        if source in NOT_REPORTS:
            yield source, None, NOT_REPORTS[source]
            continue
        try:
            report = parse_path(path)
        except Exception as exc:  # the reader refuses the document
            yield source, None, f"reader refuses it: {str(exc).splitlines()[0][:100]}"
            continue
        section = report.section("problems")
        if section is None or not section.text.strip():
            yield source, None, "reader finds no problems section" if section is None else "problems section empty"
            continue
        truncation = report.truncation or {}
        cut = cut_index.get(source, False) or truncation.get("section") == "problems"
        text = section.text
        yield source, RealSection(source, sha256_of(text), len(text), cut, text), ""


def real_sections(shared: Path = SHARED) -> list[RealSection]:
    return [s for _, s, _ in scan(shared) if s is not None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skipped", action="store_true", help="also list the documents left out and why")
    parser.add_argument("--json", action="store_true", help="JSON Lines instead of a table")
    args = parser.parse_args(argv)
    if not SHARED.exists():
        print(f"{SHARED} is not present (../shared is not beside this checkout): no real sections to list")
        return 0
    found, skipped = [], []
    for source, section, why in scan():
        (found if section else skipped).append((source, section, why))
    if args.json:
        for _, section, _ in found:
            print(json.dumps(section.row(), ensure_ascii=False))
        return 0
    print(f"{'sha256':12}  {'chars':>5}  cut  source")
    for source, section, _ in found:
        print(f"{section.sha256[:12]}  {section.chars:>5}  {'yes' if section.cut else 'no ':3}  {source}")
    print(f"{len(found)} sections, {len(skipped)} documents skipped")
    if args.skipped:
        for source, _, why in skipped:
            print(f"  skipped {source}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
