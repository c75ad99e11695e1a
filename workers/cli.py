"""The ``gkaudit`` command: a thin typer layer over the library.

Commands parse arguments, call the same functions the tasks and the API call,
and format output.  Errors are values at this edge: a document that cannot be
read prints ``gkaudit: FILE: reason`` on stderr and exits 2; anything else that
goes wrong is an internal error, exit 1.  With several files, every file is
tried and the worst status is returned.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from extractor import ExtractError, parse_path
from extractor.audit import audit_path
from workers.render_text import render_check_text

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Audit Chinese government information-disclosure annual reports (政府信息公开工作年度报告).",
)

Files = Annotated[list[Path], typer.Argument(help="Report files: text, DOCX, PDF or HTML.")]
Indent = Annotated[int | None, typer.Option(help="Pretty-print JSON with this indent (one file only).")]


class OutputFormat(StrEnum):
    json = "json"
    text = "text"


@app.callback()
def cli() -> None:
    """gkaudit: extract, cross-check and score annual reports."""


def for_each_file(files: list[Path], work: Callable[[Path], str]) -> int:
    """Run ``work`` on each file and print what it returns; a bad file is one line on stderr, never a traceback."""
    status = 0
    for file in files:
        try:
            typer.echo(work(file))
        except ExtractError as exc:
            typer.echo(f"gkaudit: {file}: {exc.reason}", err=True)
            status = EXIT_BAD_INPUT
        except Exception as exc:
            typer.echo(f"gkaudit: {file}: internal error: {type(exc).__name__}: {exc}", err=True)
            status = status or EXIT_INTERNAL
    return status


def to_json(obj: object, indent: int | None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent)


@app.command()
def parse(files: Files, indent: Indent = None) -> None:
    """Extract sections and canonical table fields; one JSON object per file (JSON Lines for several)."""
    indent = indent if len(files) == 1 else None
    raise typer.Exit(for_each_file(files, lambda f: to_json(parse_path(f).to_dict(), indent)))


@app.command()
def check(
    files: Files,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="json, or text: a readable Chinese report")
    ] = OutputFormat.json,
    indent: Indent = None,
) -> None:
    """Parse, then cross-check the narrative against the tables and the tables' own arithmetic."""
    indent = indent if len(files) == 1 else None

    def work(file: Path) -> str:
        result = audit_path(file).to_dict()
        return render_check_text(result) if output_format is OutputFormat.text else to_json(result, indent)

    raise typer.Exit(for_each_file(files, work))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
