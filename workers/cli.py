"""The ``gkaudit`` command: a thin typer layer over the library.

Commands parse arguments, call the same functions the tasks and the API call,
and format output.  Errors are values at this edge: a document that cannot be
read prints ``gkaudit: FILE: reason`` on stderr and exits 2; anything else that
goes wrong is an internal error, exit 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from extractor import ExtractError, parse_path

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Audit Chinese government information-disclosure annual reports (政府信息公开工作年度报告).",
)


@app.callback()
def cli() -> None:
    """gkaudit: extract, cross-check and score annual reports."""


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="Report files: text, DOCX, PDF or HTML.")],
    indent: Annotated[int | None, typer.Option(help="Pretty-print with this indent (one file only).")] = None,
) -> None:
    """Extract sections and canonical table fields; one JSON object per file (JSON Lines for several)."""
    status = 0
    for file in files:
        try:
            report = parse_path(file)
        except ExtractError as exc:
            typer.echo(f"gkaudit: {file}: {exc.reason}", err=True)
            status = max(status, EXIT_BAD_INPUT)
            continue
        except Exception as exc:
            typer.echo(f"gkaudit: {file}: internal error: {type(exc).__name__}: {exc}", err=True)
            status = EXIT_INTERNAL if status == 0 else status
            continue
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=indent if len(files) == 1 else None)
        typer.echo(text)
    raise typer.Exit(status)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
