"""The typer app and what every command shares: its options, exit codes and error edges.

Light on purpose: typer and the models' default paths only, so that ``--help`` and a mistyped flag stay
instant; whatever a helper needs beyond that (the extractor, SQLAlchemy, the queue's settings) it
imports inside its body.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from workers.queue.settings import Settings

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Audit Chinese government information-disclosure annual reports (政府信息公开工作年度报告).",
)

Files = Annotated[list[Path], typer.Argument(help="Report files: text, DOCX, PDF or HTML.")]
Indent = Annotated[int | None, typer.Option(help="Pretty-print JSON with this indent (one file only).")]
DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: SQLite under .gkaudit/).")]


@app.callback()
def cli() -> None:
    """gkaudit: extract, cross-check and score annual reports."""


class BadDocument(Exception):
    """A document the pipeline could not read; ``reason`` is what the user is told."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print ``gkaudit: message`` on stderr; the exit to raise (``raise fail(…) from None``)."""
    typer.echo(f"gkaudit: {message}", err=True)
    return typer.Exit(code)


def for_each_file(files: list[Path], work: Callable[[Path], str]) -> int:
    """Run ``work`` on each file and print what it returns; a bad file is one line on stderr, never a traceback."""
    from extractor import ExtractError

    status = 0
    for file in files:
        try:
            typer.echo(work(file))
        except (ExtractError, BadDocument) as exc:
            typer.echo(f"gkaudit: {file}: {exc.reason}", err=True)
            status = EXIT_BAD_INPUT
        except Exception as exc:
            typer.echo(f"gkaudit: {file}: internal error: {type(exc).__name__}: {exc}", err=True)
            status = status or EXIT_INTERNAL
    return status


def to_json(obj: object, indent: int | None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent)


def write_or_print(text: str, out: Path | None) -> None:
    """``text`` to the file ``out``, or printed when there is none."""
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a command imports the analysis and loads its model.

    Those objects (spaCy, numpy, pydantic's schemas, the lexicons) live as long as the process, so the
    collections their allocation triggers find nothing (some 50 ms of ``gkaudit check``'s second of start).
    After, they are frozen (:func:`gc.freeze`): the collections during the audits no longer walk them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


def require_model(*, load: bool = True) -> None:
    """Stop early, with the reason and what to do, when the completeness model cannot be used.  ``load``:
    loaded here (a command that scores); else its metadata checked as loading checks it first, without
    loading numpy and the model (an audit, whose workers score)."""
    from models.meta import ModelNotTrainedError, check_artifact

    try:
        if load:
            from models.artifact import load_model

            load_model()
        else:
            check_artifact()
    except ModelNotTrainedError as exc:
        raise fail(exc.reason) from None


# ---- the database ----------------------------------------------------------------------------


def service_settings(db: str | None = None, broker: str | None = None) -> Settings:
    """Environment settings, with the command line's --db / --broker on top."""
    from workers.queue.settings import Settings

    overrides = {k: v for k, v in {"db_url": db, "broker_url": broker}.items() if v}
    return Settings(**overrides)


def open_database(settings: Settings, *, existing: bool = False) -> str:
    """The database URL, once it opens (tables created); else the reason, and exit 2.

    ``existing``: a command that only reads (show, rank) does not create a SQLite file at a mistyped path.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from workers.store import get_engine, shown_url, sqlite_file

    url = settings.database_url()
    if existing and (path := sqlite_file(url)) and not path.exists():
        raise fail(f"no database at {path} (gkaudit audit makes one)")
    try:
        get_engine(url)
    except (SQLAlchemyError, OSError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise fail(f"cannot open the database {shown_url(url)}: {reason}") from None
    return url


def existing_database(db: str | None) -> str:
    """The URL of the database a reading command opens (``--db`` or the settings'), which must exist."""
    return open_database(service_settings(db), existing=True)
