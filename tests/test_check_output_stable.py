"""``gkaudit check`` prints the same bytes, before and after a change, for every seed and every real document.

Issue 23 moves code, it must not move output.  ``tests/golden/check_output/NAME.json`` holds, for each report
of ``../shared/seeds`` and each one ``gkaudit audit`` would take from ``../shared/realdocs`` (its suffixes;
the folders' README.md and SOURCE.md describe the documents and are none), what ``gkaudit check`` printed for
it: the JSON line with the document's own text swapped for its length and SHA-256 (each section's ``text``, each
claim's and finding's ``sentence``, the extra tables' titles and cells: real text stays in ../shared) and
``problems_signature`` (a MinHash in base64) for its SHA-256, and the SHA-256 of the whole line as printed. So
the test says in words which cell, claim or finding moved, and the hash catches anything else to the byte
(key order, number formatting, the texts). Nothing in the output varies from run to run (three runs under
different PYTHONHASHSEEDs print the same bytes; timings are kept in the database's rows, never printed): the
only field fixed here is ``file``, the path as given, which is the path below ``../shared`` because the check
runs there.

Regenerate with ``.venv/bin/python tests/golden/regen_check_output.py``: it prints, per document, each
finding, claim and cell that changed, for the reviewer to say why each change is right.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REALDOCS, ROOT, SEEDS, SHARED

GOLDEN_DIR = Path(__file__).parent / "golden" / "check_output"
GOLDENS = sorted(GOLDEN_DIR.glob("*.json"))
NOT_REPORTS = frozenset({"README.md", "SOURCE.md"})  # what each folder of realdocs holds, in words


# ---- what is checked, and how it is run --------------------------------------------------------------


def documents() -> list[str]:
    """Every seed and every real document ``gkaudit audit`` takes, as paths below ../shared, in a stable order."""
    from workers.queue.files import discover

    found = [*sorted(SEEDS.glob("*.txt")), *(p for p in discover([REALDOCS]) if p.name not in NOT_REPORTS)]
    return [p.relative_to(SHARED).as_posix() for p in found]


def golden_name(source: str) -> str:
    """The golden's file name: the document's name with its suffix (a web page's folder, for ``page.txt``)."""
    path = Path(source)
    stem = path.parent.name if path.stem == "page" else path.stem
    return f"{stem}{path.suffix}.json"


def run_check(sources: list[str]) -> dict[str, str]:
    """Each document's line as ``gkaudit check`` prints it (run in ../shared, one process for all of them),
    or, for a document it refuses, its line on stderr."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "workers.cli", "check", *sources],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=SHARED,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode in (0, 2), proc.stderr  # 2: a document refused, which the goldens then show
    printed = {json.loads(line)["file"]: line for line in proc.stdout.splitlines()}
    refused = {s: line for s in sources for line in proc.stderr.splitlines() if line.startswith(f"gkaudit: {s}: ")}
    return {source: printed.get(source) or refused.get(source, "(nothing printed)") for source in sources}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hashed(text: str) -> dict[str, Any]:
    """A passage of the document as a golden keeps it: its length and hash, not its words."""
    return {"chars": len(text), "sha256": sha256(text)}


def golden_of(source: str, line: str) -> dict[str, Any]:
    """What the golden keeps of one printed line: the output with the document's text and the blobs hashed, and
    the line's hash."""
    if not line.startswith("{"):
        return {"file": source, "refused": line, "printed_sha256": sha256(line)}
    output = json.loads(line)
    for section in output.get("sections", []):
        text = section.pop("text")
        section["text_chars"], section["text_sha256"] = len(text), sha256(text)
    for item in [*output.get("claims", []), *(f.get("evidence") or {} for f in output.get("findings", []))]:
        if isinstance(item.get("sentence"), str):
            item["sentence"] = hashed(item["sentence"])
    output["extra_tables"] = [
        {"title": hashed(t["title"]), "rows": hashed(json.dumps(t["rows"], ensure_ascii=False))}
        for t in output.get("extra_tables", [])
    ]
    if isinstance(output.get("problems_signature"), str):
        output["problems_signature"] = {"sha256": sha256(output["problems_signature"])}
    return output | {"printed_sha256": sha256(line)}


def golden_text(golden: dict[str, Any]) -> str:
    return json.dumps(golden, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_golden(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# ---- the tests -------------------------------------------------------------------------------------


@cache
def checked() -> dict[str, dict[str, Any]]:
    """Every document checked once for the whole module: its golden-shaped output, by source path."""
    return {source: golden_of(source, line) for source, line in run_check(documents()).items()}


def require_shared() -> None:
    if not (SEEDS.is_dir() and REALDOCS.is_dir()):
        pytest.skip(f"{SHARED}/seeds or realdocs not present (../shared is not beside this checkout)")


def test_every_document_has_a_golden_and_every_golden_a_document() -> None:
    require_shared()
    sources = documents()
    assert len({golden_name(s) for s in sources}) == len(sources), "two documents would share a golden's name"
    goldens = {read_golden(p)["file"]: p.name for p in GOLDENS}
    assert sorted(goldens) == sorted(sources), "run tests/golden/regen_check_output.py and review what it reports"
    assert all(goldens[s] == golden_name(s) for s in sources)


@pytest.mark.parametrize("golden", GOLDENS, ids=[p.stem for p in GOLDENS])
def test_check_output_is_unchanged(golden: Path) -> None:
    require_shared()
    expected = read_golden(golden)
    source = expected["file"]
    if source not in checked():
        pytest.fail(f"{source}: no longer a document of ../shared; regenerate the goldens")
    got = checked()[source]
    for field in sorted(set(expected) | set(got)):  # field by field, so a failure names what moved
        assert got.get(field) == expected.get(field), f"{source}: {field} (see regen_check_output.py --dry-run)"
    assert golden_text(got) == golden.read_text(encoding="utf-8")


def test_the_golden_keeps_what_was_printed_to_the_byte() -> None:
    """The reduction loses nothing the hash does not hold: a changed character of a section's text, a key
    printed in another order, or a number written otherwise, gives another golden."""
    output = {
        "file": "a.txt",
        "sections": [{"id": None, "title": "一", "text": "共收到申请5件"}],
        "claims": [{"text": "5件", "sentence": "共收到申请5件"}],
        "extra_tables": [{"title": "附表", "rows": [["甲", "1"]]}],
        "quality": 1.0,
    }
    line = json.dumps(output, ensure_ascii=False)  # as gkaudit prints it
    golden = golden_of("a.txt", line)
    assert golden["sections"] == [{"id": None, "title": "一", "text_chars": 7, "text_sha256": sha256("共收到申请5件")}]
    assert golden["claims"] == [{"text": "5件", "sentence": {"chars": 7, "sha256": sha256("共收到申请5件")}}]
    assert "附表" not in json.dumps(golden, ensure_ascii=False) and "甲" not in json.dumps(golden, ensure_ascii=False)
    for changed in (
        line.replace("5件", "6件"),
        json.dumps(dict(reversed(output.items())), ensure_ascii=False),
        line.replace("1.0", "1"),
        json.dumps(output),  # escaped
    ):
        assert changed != line and golden_of("a.txt", changed) != golden
    assert golden_of("x.txt", "gkaudit: x.txt: empty file")["refused"] == "gkaudit: x.txt: empty file"
