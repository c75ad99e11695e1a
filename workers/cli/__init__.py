"""The ``gkaudit`` command: a thin typer layer over the library.

Commands parse arguments, call the same functions the tasks and the API call,
and format output.  Errors are values at this edge: a document that cannot be
read prints ``gkaudit: FILE: reason`` on stderr and exits 2; anything else that
goes wrong is an internal error, exit 1.  With several files, every file is
tried and the worst status is returned.

The commands live by concern: :mod:`.common` (the typer app, shared options, exit
codes, the database edge), :mod:`.documents` (parse, check, train,
completeness, schema, rules), :mod:`.corpus` (audit, prune, worker),
:mod:`.results` (show, rank, notice), :mod:`.triage` and :mod:`.services`
(fetch, serve).  They are registered here, in the order ``--help`` lists them.

Imports are layered so that a command pays only for what it uses: these modules
import typer and nothing of gkaudit's heavy parts, so ``--help`` and a
mistyped flag are instant; each command imports its own dependencies inside
its function (``parse``: the extractor; ``check``: spaCy and the model;
``audit``/``worker``: Celery; ``show``/``rank``: SQLAlchemy; ``serve``:
FastAPI).  ``tests/test_imports.py`` holds this; ``bench/cli_bench.py`` times it.
"""

from __future__ import annotations

import sys

from workers.cli.common import app
from workers.cli.corpus import audit, prune, worker
from workers.cli.documents import check, completeness, parse, rules, schema, train
from workers.cli.results import notice, rank, show
from workers.cli.services import fetch, serve
from workers.cli.triage import triage_app

# In the order --help lists them (typer lists the triage group after the commands, wherever it is added).
COMMANDS = (parse, check, audit, prune, worker, show, rank, notice, train, completeness, fetch, schema, rules, serve)


def register() -> None:
    for command in COMMANDS:
        app.command()(command)
    app.add_typer(triage_app, name="triage")


register()

__all__ = ["app", "main"]


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
