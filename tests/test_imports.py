"""The command line imports only what a command uses (see workers/cli/; bench/cli_bench.py times it).

Each case is a fresh interpreter that runs ``workers.cli.main`` with the arguments and, at exit, writes
the names in ``sys.modules`` to a file: whatever imports a heavy library, at any module's top, shows here.
``check`` also counts, through an audit hook on ``open``, how often the model's files and the domain
lexicon (read by each segmenter as it is built) are opened: once per process, not once per file.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from corpus.generate import generate_report, render_text
from models import ARTIFACT_DIR

# Nothing of the analysis or the service: what --help and a mistyped flag must not import.
HEAVY = {"spacy", "sklearn", "celery", "sqlalchemy", "fastapi", "jieba", "kombu", "numpy", "scipy"}
# Every command of ``gkaudit --help``, whichever module of workers/cli/ defines it.
COMMANDS = (
    "parse",
    "check",
    "audit",
    "prune",
    "worker",
    "show",
    "rank",
    "notice",
    "train",
    "completeness",
    "fetch",
    "schema",
    "rules",
    "serve",
    "triage",  # a group: typer lists it after the commands
)
# parse reads and extracts: no NLP, no model, no queue, no database, no web server; no pydantic (typer 0.29
# builds a pydantic adapter for each parameter as a command runs, a tenth of a second: pyproject keeps < 0.29).
NOT_FOR_PARSE = {"spacy", "sklearn", "celery", "sqlalchemy", "fastapi", "kombu", "pydantic"}
# check segments and scores, and that is all it loads: not the queue, the database or the web server; not
# scikit-learn, Python's jieba or datasketch (the model and the signatures are applied with numpy); not
# cn2an (its import compiles regular expressions for a fifth of a second: the usual numerals are read without
# it); not spaCy's command line, whose import brings weasel, httpx, requests and jinja2 (a third of spaCy's);
# not rich (only the text report prints tables).
NOT_FOR_CHECK = {
    *("celery", "kombu", "sqlalchemy", "fastapi", "sklearn", "scipy", "jieba", "datasketch", "cn2an"),
    *("weasel", "httpx", "requests", "jinja2", "rich"),
}
# Modules of the packages check does import that it has no use for on reports in the seeds' layout.
NOT_FOR_CHECK_MODULES = ("spacy.cli", "extractor.loaders.flattened")

RUN_CLI = """
import atexit, json, os, sys

report_path, *args = sys.argv[1:]
opened = []


def on_open(event, details):
    if event == "open" and isinstance(details[0], (str, bytes, os.PathLike)):
        opened.append(os.fsdecode(details[0]))


def report():
    import gc

    with open(report_path, "w", encoding="utf-8") as out:
        json.dump({"modules": sorted(sys.modules), "opened": opened, "gc_enabled": gc.isenabled()}, out)


atexit.register(report)
sys.addaudithook(on_open)
sys.argv = ["gkaudit", *args]
from workers.cli import main

main()
"""


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    packages: set[str]  # top-level names of every imported module
    opened: list[str]  # paths opened, in order
    modules: set[str]  # every imported module
    gc_enabled: bool  # the cyclic garbage collector, at exit

    def opens_of(self, name: str) -> int:
        return sum(Path(path).name == name for path in self.opened)


def gkaudit(tmp_path: Path, *args: str) -> Run:
    report = tmp_path / "imports.json"
    proc = subprocess.run(
        [sys.executable, "-c", RUN_CLI, str(report), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    seen = json.loads(report.read_text(encoding="utf-8"))
    packages = {name.partition(".")[0] for name in seen["modules"]}
    modules, gc_enabled = set(seen["modules"]), seen["gc_enabled"]
    return Run(proc.returncode, proc.stdout, proc.stderr, packages, seen["opened"], modules, gc_enabled)


def text_reports(folder: Path, count: int) -> list[Path]:
    """Small generated text reports (fixed seed), as ``corpus.generate`` writes them."""
    folder.mkdir(exist_ok=True)
    rng = random.Random(20240611)
    paths = []
    for index in range(count):
        report = generate_report(rng, index)
        path = folder / f"report_{index}.txt"
        path.write_bytes(render_text(report).encode(report.style.text_encoding))
        paths.append(path)
    return paths


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        [],  # no command: the help, exit 2
        ["--no-such-flag"],
        ["parse", "--no-such-flag"],
        ["parse"],  # a missing argument
        ["check", "--format", "xml", "a.txt"],
        *([command, "--help"] for command in COMMANDS),
        ["triage", "set", "--help"],
        ["rank", "--format", "pdf", "--out", "x"],
    ],
    ids=lambda args: " ".join(args) or "(none)",
)
def test_help_and_argument_errors_import_nothing_heavy(tmp_path: Path, args: list[str]) -> None:
    run = gkaudit(tmp_path, *args)
    assert run.returncode in (0, 2), run.stderr
    assert "Usage" in run.stdout + run.stderr
    assert not run.packages & HEAVY


def test_parse_imports_no_model_queue_database_or_server(tmp_path: Path) -> None:
    [path] = text_reports(tmp_path / "reports", 1)
    run = gkaudit(tmp_path, "parse", str(path))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["file"] == str(path)
    assert not run.packages & NOT_FOR_PARSE


def test_parse_of_a_bad_file_imports_no_model_queue_database_or_server(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    run = gkaudit(tmp_path, "parse", str(empty))
    assert run.returncode == 2
    assert run.stderr == f"gkaudit: {empty}: empty file\n"
    assert not run.packages & NOT_FOR_PARSE


def test_check_loads_the_model_and_the_segmenters_once(tmp_path: Path) -> None:
    paths = text_reports(tmp_path / "reports", 3)
    run = gkaudit(tmp_path, "check", *map(str, paths))
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == len(paths)
    # The model's files (meta.json, and the pickle where scoring needs it) are each read once, not once per file.
    model_files = Counter(Path(p).name for p in run.opened if Path(p).parent == ARTIFACT_DIR)
    assert model_files and max(model_files.values()) == 1, model_files
    # Read once, as the segmenter is built (jieba-rs; the model's words need no segmenter when it scores).
    assert run.opens_of("lexicon_terms.txt") == 1
    assert not run.packages & NOT_FOR_CHECK
    assert not [m for m in run.modules if m.startswith(NOT_FOR_CHECK_MODULES)]
    assert run.gc_enabled  # paused while the analysis is imported, and back on for the audits


def test_check_of_a_report_with_chinese_numerals_imports_cn2an_only_for_the_unusual_ones(tmp_path: Path) -> None:
    """二十九 and 一百零五 are read without cn2an; 一百五 (a spoken 150) is cn2an's, imported for it."""
    usual, unusual = tmp_path / "usual.txt", tmp_path / "unusual.txt"
    text = render_text(generate_report(random.Random(20240611), 0))
    usual.write_text(text + "\n本年度共开展培训二十九次，发放资料一百零五份。\n", encoding="utf-8")
    unusual.write_text(text + "\n本年度共发放资料一百五份。\n", encoding="utf-8")
    plain = gkaudit(tmp_path, "check", str(usual))
    assert plain.returncode == 0, plain.stderr
    assert "cn2an" not in plain.packages
    run = gkaudit(tmp_path, "check", str(unusual))
    assert run.returncode == 0, run.stderr
    assert "cn2an" in run.packages


def test_spacy_without_its_command_line_is_the_whole_spacy_once_that_is_asked_for() -> None:
    """The pipeline imports spaCy without spacy.cli; ``spacy.info`` and a later ``import spacy.cli`` still work."""
    script = """
import json, sys
from extractor.nlp.pipeline import segment
words = [w for w, _ in segment("本机关共收到政府信息公开申请29件")]
before = "spacy.cli" in sys.modules
import spacy
from spacy.cli import download
print(json.dumps({"words": words, "cli_before": before, "download": callable(download),
                  "info": sorted(spacy.info(markdown=False, silent=True))[:3]}))
"""
    seen = python_json(script)
    assert "政府信息公开" in seen["words"] and "29" in seen["words"]
    assert seen["cli_before"] is False
    assert seen["download"] is True
    assert seen["info"]  # spacy.info, the real one, answers


def python_json(script: str) -> dict:
    """What a fresh ``python -c script`` run in the checkout prints, as JSON."""
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return json.loads(proc.stdout)


IMPORT_CLI_MODULES = """
import importlib, json, pkgutil, sys

import workers.cli

found = pkgutil.iter_modules(workers.cli.__path__, "workers.cli.")
names = sorted(m.name for m in found if not m.name.endswith("__main__"))
for name in names:
    importlib.import_module(name)
print(json.dumps({"cli_modules": names, "modules": sorted(sys.modules)}))
"""


def test_every_module_of_the_command_imports_nothing_heavy() -> None:
    """Whichever module of workers/cli/ a command lives in, importing it (as --help does) pays for typer only."""
    seen = python_json(IMPORT_CLI_MODULES)
    assert len(seen["cli_modules"]) >= 6, seen["cli_modules"]  # common, documents, corpus, results, triage, services
    assert not {name.partition(".")[0] for name in seen["modules"]} & HEAVY


def test_help_lists_every_command_in_its_order(tmp_path: Path) -> None:
    run = gkaudit(tmp_path, "--help")
    listed = [line.split()[1] for line in run.stdout.splitlines() if line.startswith("│ ") and len(line.split()) > 2]
    assert [name for name in listed if name in COMMANDS] == list(COMMANDS)


def test_what_starts_an_audits_worker_imports_nothing_heavy() -> None:
    """``gkaudit audit`` holds its state folder and starts its local worker with ``workers.queue.local`` and
    the settings alone (tests/test_audit_start.py), before it imports the runner: neither may import SQLAlchemy,
    Celery, kombu or the content store at its top."""
    seen = python_json("import json, sys, workers.queue.local; print(json.dumps({'modules': sorted(sys.modules)}))")
    assert not {name.partition(".")[0] for name in seen["modules"]} & HEAVY
    assert not {"workers.blobs", "workers.store", "workers.queue.runner"} & set(seen["modules"])
