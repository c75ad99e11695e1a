"""The ``gkaudit`` command: a thin typer layer over the library.

Commands parse arguments, call the same functions the tasks and the API call,
and format output.  Errors are values at this edge: a document that cannot be
read prints ``gkaudit: FILE: reason`` on stderr and exits 2; anything else that
goes wrong is an internal error, exit 1.  With several files, every file is
tried and the worst status is returned.

Imports are layered so that a command pays only for what it uses: this module
imports typer and nothing of gkaudit's heavy parts, so ``--help`` and a
mistyped flag are instant; each command imports its own dependencies inside
its function (``parse``: the extractor; ``check``: spaCy and the model;
``audit``/``worker``: Celery; ``show``/``rank``: SQLAlchemy; ``serve``:
FastAPI).  ``tests/test_imports.py`` holds this; ``bench/cli_bench.py`` times it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# Defaults shown by --help: plain values, importable without scikit-learn.
from models import ARTIFACT_DIR, DEFAULT_TRAINING_DATA, DEFAULT_TRAINING_SEED

if TYPE_CHECKING:
    from workers.runner import AuditSummary
    from workers.settings import Settings

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


@app.command()
def parse(files: Files, indent: Indent = None) -> None:
    """Extract sections and canonical table fields; one JSON object per file (JSON Lines for several)."""
    from extractor import parse_path

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
    from extractor.loaders import read_file_bytes
    from workers.pipeline import audit_bytes
    from workers.render_text import render_check_text

    indent = indent if len(files) == 1 else None
    require_model()  # loads the model once, before any file (cached, as is the segmenter the first file builds)

    def work(file: Path) -> str:
        outcome = audit_bytes(read_file_bytes(file), str(file))
        if outcome.internal:
            raise RuntimeError(outcome.error)
        if outcome.status == "failed":
            raise BadDocument(outcome.error or "cannot be audited")
        result = outcome.result
        return render_check_text(result) if output_format is OutputFormat.text else to_json(result, indent)

    raise typer.Exit(for_each_file(files, work))


class BadDocument(Exception):
    """A document the pipeline could not read; ``reason`` is what the user is told."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def require_model() -> None:
    """Stop early, with the reason and what to do, when the completeness model cannot be loaded."""
    from models.artifact import ModelNotTrainedError, load_model

    try:
        load_model()
    except ModelNotTrainedError as exc:
        typer.echo(f"gkaudit: {exc.reason}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


# ---- corpus audits ---------------------------------------------------------------------------


def service_settings(db: str | None = None, broker: str | None = None) -> Settings:
    """Environment settings, with the command line's --db / --broker on top."""
    from workers.settings import Settings

    overrides = {k: v for k, v in {"db_url": db, "broker_url": broker}.items() if v}
    return Settings(**overrides)


def open_database(settings: Settings, *, existing: bool = False) -> str:
    """The database URL, once it opens (tables created); else the reason, and exit 2.

    ``existing``: a command that only reads (show, rank) does not create a SQLite file at a mistyped path.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from workers.storage import get_engine, shown_url, sqlite_file

    url = settings.database_url()
    if existing and (path := sqlite_file(url)) and not path.exists():
        typer.echo(f"gkaudit: no database at {path} (gkaudit audit makes one)", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        get_engine(url)
    except (SQLAlchemyError, OSError) as exc:
        reason = getattr(exc, "orig", None) or exc
        typer.echo(f"gkaudit: cannot open the database {shown_url(url)}: {reason}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    return url


DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: SQLite under .gkaudit/).")]


@app.command()
def audit(
    paths: Annotated[
        list[Path], typer.Argument(help="Report files or folders (searched for .txt .docx .pdf .html …).")
    ],
    workers: Annotated[
        int | None, typer.Option(help="Local worker processes (default: one per core, none with a broker).")
    ] = None,
    db: DbOption = None,
    broker: Annotated[str | None, typer.Option(help="Broker URL (redis://, amqp://); default: embedded.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON summary line; no progress bar.")] = False,
) -> None:
    """Audit a corpus on Celery workers; a re-run re-does nothing already audited."""
    from workers.runner import run_audit

    require_model()
    settings = service_settings(db, broker)
    open_database(settings)
    try:
        if as_json:
            summary = run_audit(paths, settings, workers=workers)
        else:
            summary = audit_with_progress(paths, settings, workers)
    except KeyboardInterrupt:
        typer.echo("gkaudit: interrupted; run the same command again to continue where it stopped", err=True)
        raise typer.Exit(130) from None
    if as_json:
        typer.echo(to_json(summary.to_dict(), None))
    else:
        typer.echo(
            f"审计 #{summary.audit}：文件 {summary.documents} 份，完成 {summary.done}，失败 {summary.failed}，"
            f"沿用已有结果 {summary.cached}（audit {summary.audit}: {summary.documents} documents, "
            f"{summary.done} done, {summary.failed} failed, {summary.cached} cached）"
        )


def audit_with_progress(paths: list[Path], settings: Settings, workers: int | None) -> AuditSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as RichProgress

    from workers.runner import Progress as RunProgress
    from workers.runner import run_audit

    columns = (
        TextColumn("[bold]审计"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("失败 {task.fields[failed]}"),
        TextColumn("{task.fields[rate]:.1f} 份/秒"),
        TimeRemainingColumn(),
    )
    started = time.monotonic()
    with RichProgress(*columns, transient=False) as bar:
        task = bar.add_task("audit", total=None, failed=0, rate=0.0)

        def update(p: RunProgress) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            bar.update(task, total=p.contents, completed=p.finished, failed=p.failed, rate=p.finished / elapsed)

        return run_audit(paths, settings, workers=workers, on_progress=update)


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(help="Worker processes (default: one per core).")] = None,
    broker: Annotated[str | None, typer.Option(help="Broker URL; default: GKAUDIT_BROKER_URL or embedded.")] = None,
) -> None:
    """Start one Celery worker for the configured broker (run one per machine)."""
    from workers.runner import worker_command, worker_env

    settings = service_settings(broker=broker)
    command = worker_command(concurrency or settings.workers, f"gkaudit-{os.getpid()}", settings.queue)
    os.execvpe(command[0], command, worker_env(settings))


@app.command()
def show(
    doc: Annotated[str, typer.Argument(help="A document's path as audited, or its content hash (a prefix will do).")],
    db: DbOption = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.text,
) -> None:
    """Print one audited document's findings."""
    from workers.render_text import render_check_text
    from workers.storage import find_result, session_scope

    with session_scope(open_database(service_settings(db), existing=True)) as session:
        result = find_result(session, doc)
        if result is None:
            typer.echo(f"gkaudit: {doc}: no audited document with that path or hash", err=True)
            raise typer.Exit(EXIT_BAD_INPUT)
        if result.status == "failed":
            typer.echo(f"gkaudit: {result.path}: failed: {result.error}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT)
        payload = dict(result.payload) | {"file": result.path}
    typer.echo(render_check_text(payload) if output_format is OutputFormat.text else to_json(payload, 1))


class RankFormat(StrEnum):
    csv = "csv"
    json = "json"
    html = "html"


class RankBy(StrEnum):
    body = "body"
    year = "year"


@app.command()
def rank(
    output_format: Annotated[RankFormat, typer.Option("--format", help="csv, json or html")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    db: DbOption = None,
    audit_id: Annotated[int | None, typer.Option("--audit", help="Audit id (default: the latest).")] = None,
    by: Annotated[RankBy | None, typer.Option("--by", help="csv/json: one row per body or year.")] = None,
) -> None:
    """Rank the documents of an audit by quality: CSV, JSON or one self-contained HTML page."""
    from workers.rank import group_ranking, ranking, write_csv, write_html, write_json
    from workers.storage import session_scope

    db_url = open_database(service_settings(db), existing=True)
    try:
        with session_scope(db_url) as session:
            rows = ranking(session, audit_id)
            if output_format is RankFormat.html:
                write_html(session, rows, out, audit_id=audit_id)
            else:
                data = group_ranking(rows, by.value) if by else rows
                (write_csv if output_format is RankFormat.csv else write_json)(data, out)
    except LookupError as exc:  # no such audit, or no audit at all
        typer.echo(f"gkaudit: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    typer.echo(f"{out}: {len(rows)} documents", err=True)


@app.command()
def train(
    data: Annotated[Path, typer.Option(help="Labelled sections, JSON Lines.")] = DEFAULT_TRAINING_DATA,
    out: Annotated[Path, typer.Option(help="Where to write completeness.joblib and meta.json.")] = ARTIFACT_DIR,
    seed: Annotated[int, typer.Option(help="Seed of the folds and the calibration.")] = DEFAULT_TRAINING_SEED,
) -> None:
    """Train the completeness classifier: stratified 5-fold CV figures, then the artifact."""
    from models.train import train as train_model

    try:
        result = train_model(data, out, seed)
    except (OSError, ValueError) as exc:
        typer.echo(f"gkaudit: {data}: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    cv = result.cv
    typer.echo(f"cv macro-F1 (stratified {len(cv.macro_f1)}-fold): {cv.macro_f1_mean:.3f}  folds {cv.macro_f1}")
    typer.echo(f"cv Spearman (score vs label): {cv.spearman:.3f}")
    typer.echo(f"wrote {result.out}")


@app.command()
def completeness(
    files: Annotated[list[Path], typer.Argument(help="Files, each the body of one 存在的主要问题及改进情况 section.")],
    indent: Indent = None,
    model_dir: Annotated[Path, typer.Option("--model", help="Directory of the trained model.")] = ARTIFACT_DIR,
) -> None:
    """Score how complete each 存在的主要问题及改进情况 section is; one JSON object per file (JSON Lines for many)."""
    from models.artifact import ModelNotTrainedError, load_model
    from models.completeness import read_section_file, score_section

    indent = indent if len(files) == 1 else None
    try:
        model = load_model(model_dir)
    except ModelNotTrainedError as exc:
        typer.echo(f"gkaudit: {exc.reason}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None

    def work(file: Path) -> str:
        return to_json({"file": str(file)} | score_section(read_section_file(file), model).to_dict(), indent)

    raise typer.Exit(for_each_file(files, work))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Serve the HTTP API and the review page (uvicorn); settings from GKAUDIT_* (see workers/api.py)."""
    from workers.api import serve as serve_api
    from workers.api_settings import SettingsError

    try:
        serve_api(host, port)
    except SettingsError as exc:
        typer.echo(f"gkaudit: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
