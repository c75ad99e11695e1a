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
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# Defaults shown by --help: plain values, importable without scikit-learn.
from models import ARTIFACT_DIR, DEFAULT_TRAINING_DATA, DEFAULT_TRAINING_SEED

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workers.queue.runner import AuditSummary
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
    from workers.audit.stages import audit_bytes
    from workers.report.check_text import render_check_text

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
    from workers.queue.runner import StateFolderBusy, run_audit

    require_model()
    settings = service_settings(db, broker)
    open_database(settings)
    try:
        with stop_signals_interrupt():
            if as_json:
                summary = run_audit(paths, settings, workers=workers)
            else:
                summary = audit_with_progress(paths, settings, workers)
    except StateFolderBusy as exc:
        typer.echo(f"gkaudit: {exc.reason}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Stopped as exc:
        typer.echo(f"gkaudit: stopped by {exc.name}; run the same command again to continue where it stopped", err=True)
        raise typer.Exit(128 + exc.signum) from None
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


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (``kill``, systemd, ``docker stop``, a closed terminal), taken as Ctrl-C is taken:
    the audit's local workers are stopped on the way out, not orphaned."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """Within: SIGTERM and SIGHUP raise :class:`Stopped` in the main thread; the handlers before are restored."""

    def stop(signum: int, _frame: object) -> None:
        for each in STOP_SIGNALS:  # a second one must not cut short the workers' stopping
            signal.signal(each, signal.SIG_IGN)
        raise Stopped(signum)

    before = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def audit_with_progress(paths: list[Path], settings: Settings, workers: int | None) -> AuditSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as RichProgress

    from workers.queue.runner import Progress as RunProgress
    from workers.queue.runner import run_audit

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

        def tell(message: str) -> None:
            bar.console.print(f"gkaudit: {message}", markup=False, highlight=False)

        return run_audit(paths, settings, workers=workers, on_progress=update, on_wait=tell)


@app.command()
def prune(db: DbOption = None) -> None:
    """Remove stored document contents no audit still needs: those audited (their results are kept), and those
    no audit names that were stored over an hour ago (an audit removes its own once it finishes; an interrupted
    one leaves them for its re-run)."""
    from workers.queue.runner import prune as prune_contents

    count, size = prune_contents(open_database(service_settings(db), existing=True))
    typer.echo(f"removed {count} stored contents ({size} bytes)")


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(help="Worker processes (default: one per core).")] = None,
    broker: Annotated[str | None, typer.Option(help="Broker URL; default: GKAUDIT_BROKER_URL or embedded.")] = None,
) -> None:
    """Start one Celery worker for the configured broker (run one per machine)."""
    from workers.queue.runner import worker_command, worker_env

    settings = service_settings(broker=broker)
    command = worker_command(concurrency or settings.workers, f"gkaudit-{os.getpid()}", settings.queue)
    os.execvpe(command[0], command, worker_env(settings))


class ShowFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


@app.command()
def show(
    doc: Annotated[
        str,
        typer.Argument(
            help="A document's path as audited, or its content hash (a prefix will do); a body with --years."
        ),
    ],
    db: DbOption = None,
    output_format: Annotated[ShowFormat, typer.Option("--format", help="text, json, or html (--years)")] = (
        ShowFormat.text
    ),
    years: Annotated[
        bool, typer.Option("--years", help="DOC names a body: its reports across years, side by side.")
    ] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of printing.")] = None,
) -> None:
    """Print one audited document's findings, or (--years) one body's reports across years."""
    from workers.store import find_result, session_scope

    if years:
        text = show_years(doc, db, output_format)
    else:
        from workers.report.check_text import render_check_text

        with session_scope(open_database(service_settings(db), existing=True)) as session:
            result = find_result(session, doc)
            if result is None:
                typer.echo(f"gkaudit: {doc}: no audited document with that path or hash", err=True)
                raise typer.Exit(EXIT_BAD_INPUT)
            if result.status == "failed":
                typer.echo(f"gkaudit: {result.path}: failed: {result.error}", err=True)
                raise typer.Exit(EXIT_BAD_INPUT)
            payload = dict(result.payload) | {"file": result.path}
        text = render_check_text(payload) if output_format is not ShowFormat.json else to_json(payload, 1)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")


def show_years(body: str, db: str | None, output_format: ShowFormat) -> str:
    from workers.report.years import body_years, render_html, render_text, years_view
    from workers.store import session_scope

    with session_scope(open_database(service_settings(db), existing=True)) as session:
        reports = body_years(session, body)
    if not reports:
        typer.echo(f"gkaudit: {body}: 没有该机关的已审核报告 no audited report of this body", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    view = years_view(reports, body)
    renderers = {ShowFormat.text: render_text, ShowFormat.html: render_html}
    return renderers[output_format](view) if output_format in renderers else to_json(view.to_dict(), 1)


class RankFormat(StrEnum):
    csv = "csv"
    json = "json"
    html = "html"
    xlsx = "xlsx"


class RankBy(StrEnum):
    body = "body"
    year = "year"
    parent = "parent"
    region = "region"
    type = "type"


GroupsOption = Annotated[
    Path | None, typer.Option("--groups", help="CSV: body,parent,region,type (机关,上级,地区,类型); any encoding.")
]


def load_groups(path: Path) -> dict[str, dict[str, str]]:
    """The groups file, or its name and what is wrong with it, and exit 2."""
    from workers.report.rank import GroupFileError, read_groups

    try:
        return read_groups(path)
    except GroupFileError as exc:
        typer.echo(f"gkaudit: 分组文件 groups file {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


@app.command()
def rank(
    output_format: Annotated[RankFormat, typer.Option("--format", help="csv, json, html or xlsx")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    db: DbOption = None,
    audit_id: Annotated[int | None, typer.Option("--audit", help="Audit id (default: the latest).")] = None,
    by: Annotated[
        RankBy | None,
        typer.Option("--by", help="csv/json: one row per body, year or group (parent/region/type need --groups)."),
    ] = None,
    groups: GroupsOption = None,
) -> None:
    """Rank the documents of an audit by quality: CSV, JSON, XLSX or one self-contained HTML page."""
    from workers.report.rank import (
        attach_groups,
        group_columns,
        group_ranking,
        group_warnings,
        ranking,
        write_csv,
        write_html,
        write_json,
    )
    from workers.store import session_scope

    group_map = load_groups(groups) if groups else None
    if by and by.value in ("parent", "region", "type") and not group_map:
        typer.echo(f"gkaudit: --by {by.value} needs --groups FILE", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    db_url = open_database(service_settings(db), existing=True)
    try:
        with session_scope(db_url) as session:
            rows = ranking(session, audit_id)
            if group_map is not None:
                attach_groups(rows, group_map)
                for warning in group_warnings(rows, group_map):
                    typer.echo(f"gkaudit: 警告 warning: {groups}: {warning}", err=True)
            if by and by.value not in ("body", "year", *group_columns(rows)):
                typer.echo(f"gkaudit: 分组文件 groups file {groups}: 没有 no {by.value} column", err=True)
                raise typer.Exit(EXIT_BAD_INPUT)
            if output_format is RankFormat.html:
                write_html(session, rows, out, audit_id=audit_id)
            elif output_format is RankFormat.xlsx:
                from workers.report.exports import write_xlsx

                write_xlsx(rows, out, by.value if by else None)
            else:
                data = group_ranking(rows, by.value) if by else rows
                (write_csv if output_format is RankFormat.csv else write_json)(data, out)
    except LookupError as exc:  # no such audit, or no audit at all
        typer.echo(f"gkaudit: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    typer.echo(f"{out}: {len(rows)} documents", err=True)


class NoticeFormat(StrEnum):
    docx = "docx"


@app.command()
def notice(
    body: Annotated[str, typer.Argument(help="The body (机关) as its reports name it.")],
    out: Annotated[Path, typer.Option("--out", help="The .docx file to write.")],
    db: DbOption = None,
    output_format: Annotated[NoticeFormat, typer.Option("--format", help="docx")] = NoticeFormat.docx,
    year: Annotated[int | None, typer.Option("--year", help="The report's year (default: the latest).")] = None,
    audit_id: Annotated[int | None, typer.Option("--audit", help="Audit id (default: the latest).")] = None,
) -> None:
    """Write one body's 整改 list (its errors and warnings, numbered, with what to correct), ready to send."""
    from workers.report.exports import audit_date, select_report, write_notice
    from workers.report.rank import audit_view, ranking
    from workers.store import session_scope

    db_url = open_database(service_settings(db), existing=True)
    try:
        with session_scope(db_url) as session:
            rows = ranking(session, audit_id)
            row = select_report(rows, body, year)
            items = write_notice(row, audit_date(audit_view(session, row["audit_id"])), out)
    except LookupError as exc:
        typer.echo(f"gkaudit: {body}: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    typer.echo(f"{out}: {row['agency']} {row['year']}: {items} items", err=True)


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
    from models.real_eval import format_copies, format_report

    cv = result.cv
    typer.echo("generated sections (the classifier that places a section inside its label's band):")
    typer.echo(f"  cv macro-F1 (stratified {len(cv.macro_f1)}-fold): {cv.macro_f1_mean:.3f}  folds {cv.macro_f1}")
    typer.echo(f"  cv Spearman (score vs label): {cv.spearman:.3f}")
    if result.real is None:
        typer.echo("real sections: ../shared is absent, so the real figures are not measured (the committed")
        typer.echo("  artifact's meta.json and MODEL_CARD.md hold the figures measured where it was present)")
    else:
        for line in [*format_report(result.real), *format_copies(result.real["gk602"])]:
            typer.echo(line)
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
def fetch(
    urls: Annotated[list[str] | None, typer.Argument(help="Report pages (or report files) to download.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to download into (host/path below it).")] = Path("fetched"),
    from_file: Annotated[Path | None, typer.Option("--from", help="A file of URLs, one a line.")] = None,
    index: Annotated[
        list[str] | None, typer.Option("--index", help="A 年报 column's list page: follow its pages to every report.")
    ] = None,
    max_bytes: Annotated[int, typer.Option(min=1, help="Skip a file larger than this.")] = 64 * 1024 * 1024,
    timeout: Annotated[float, typer.Option(min=0.01, help="Seconds to wait for a server.")] = 30.0,
    rate: Annotated[float, typer.Option(min=0.0, help="Seconds between two requests to one host.")] = 1.0,
    retries: Annotated[int, typer.Option(min=0, help="Retries on 5xx answers and timeouts.")] = 3,
) -> None:
    """Download report pages and their PDF/DOCX/WPS attachments, with the page's metadata beside each file."""
    from rich.console import Console
    from rich.table import Table

    from workers.collect.fetch import FetchConfig, any_fetched, crawl, make_client, read_url_list, summary_rows

    try:
        targets = list(urls or []) + (read_url_list(from_file) if from_file else [])
    except OSError as exc:
        typer.echo(f"gkaudit: {from_file}: {exc.strerror or exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    bad = [u for u in [*targets, *(index or [])] if not u.startswith(("http://", "https://"))]
    if bad or not (targets or index):
        typer.echo(f"gkaudit: not an http(s) URL: {bad[0]}" if bad else "gkaudit: no URL given", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    config = FetchConfig(out=out, max_bytes=max_bytes, timeout=timeout, rate_seconds=rate, retries=retries)
    with make_client(config) as client:
        outcomes = crawl(client, config, targets, index or [])
    table = Table("status", "kind", "URL", "bytes", "file / reason", title=f"gkaudit fetch → {out}")
    for row in summary_rows(outcomes):
        table.add_row(*row)
    console = Console(stderr=True)
    console.print(table)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("fetched", "unchanged", "skipped", "failed")}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items()))
    if not any_fetched(outcomes):
        raise typer.Exit(EXIT_INTERNAL)


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", help="Write the schema here instead of printing it.")] = None,
) -> None:
    """The JSON Schema of `gkaudit check`'s output for one report (versioned; docs/check-output.schema.json)."""
    from workers.audit.output_schema import schema_text

    text = schema_text()
    if out is None:
        typer.echo(text.rstrip("\n"))
    else:
        out.write_text(text, encoding="utf-8")


triage_app = typer.Typer(
    help="Mark findings confirmed, dismissed or open, and correct misread cells.", no_args_is_help=True
)
app.add_typer(triage_app, name="triage")


class TriageState(StrEnum):
    open = "open"
    confirmed = "confirmed"
    dismissed = "dismissed"


def reviewed_document(session: Session, doc: str) -> tuple[str, dict]:
    """(content hash, the result as the reviewers left it) of an audited document, or exit 2 naming it."""
    from workers.audit.triage import reviewed
    from workers.store import find_result

    result = find_result(session, doc)
    if result is None or result.status != "done":
        reason = "no audited document with that path or hash" if result is None else f"failed: {result.error}"
        typer.echo(f"gkaudit: {doc}: {reason}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    return result.content_hash, reviewed(session, result.content_hash, result.payload)


@triage_app.command("list")
def triage_list(
    doc: Annotated[str, typer.Argument(help="A document's path as audited, or its content hash.")], db: DbOption = None
) -> None:
    """Each finding of a document: its id (for `triage set`), state, rule and message."""
    from workers.audit.triage import SHORT_ID, STATE_ZH
    from workers.store import session_scope

    with session_scope(open_database(service_settings(db), existing=True)) as session:
        _, seen = reviewed_document(session, doc)
    for f in seen["findings"]:
        reason = f"（{f['triage_reason']}）" if f.get("triage_reason") else ""
        typer.echo(
            f"{f['id'][:SHORT_ID]}  {STATE_ZH[f['triage']]}{reason}  {f['rule']} {f['severity']}  {f['message_zh']}"
        )
    for key, c in (seen.get("corrections") or {}).items():
        typer.echo(
            f"更正 corrected  {key}: {c['extracted']} → {c['corrected']}{'（' + c['note'] + '）' if c['note'] else ''}"
        )
    typer.echo(
        f"质量分 quality {seen['quality']}  " + "  ".join(f"{STATE_ZH[k]} {v}" for k, v in seen["triage"].items())
    )


@triage_app.command("set")
def triage_set(
    doc: Annotated[str, typer.Argument(help="A document's path as audited, or its content hash.")],
    finding: Annotated[str, typer.Argument(help="The finding's id from `triage list` (a prefix will do).")],
    state: Annotated[TriageState, typer.Option("--state", help="confirmed, dismissed (needs --reason) or open.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why: required to dismiss.")] = None,
    db: DbOption = None,
) -> None:
    """Mark one finding; the mark stays through re-runs and pipeline upgrades while the finding appears."""
    from workers.audit.triage import TriageError, find_by_id, set_mark
    from workers.store import session_scope

    with session_scope(open_database(service_settings(db), existing=True)) as session:
        digest, seen = reviewed_document(session, doc)
        try:
            chosen = find_by_id(seen["findings"], finding)
            if chosen is None:
                raise TriageError(f"{finding}: no finding of this document has that id (see `gkaudit triage list`)")
            set_mark(session, digest, chosen, state.value, reason)
        except TriageError as exc:
            typer.echo(f"gkaudit: {doc}: {exc}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
    typer.echo(f"{chosen['rule']} {chosen['id'][:12]} → {state.value}")


@triage_app.command("correct")
def triage_correct(
    doc: Annotated[str, typer.Argument(help="A document's path as audited, or its content hash.")],
    key: Annotated[str, typer.Argument(help="The cell's canonical key (applications.new.total …).")],
    value: Annotated[str, typer.Argument(help="The cell's value as the document has it; 'blank' for an empty cell.")],
    note: Annotated[str | None, typer.Option("--note", help="Why, for the record.")] = None,
    db: DbOption = None,
) -> None:
    """Correct a misread cell: the extracted value is kept beside it, and the document is re-checked with it."""
    from extractor.checks.keys import describe_cell
    from workers.audit.triage import correct_cell
    from workers.store import session_scope

    try:
        number = None if value.strip().lower() in ("blank", "null", "") else float(value)
    except ValueError:
        typer.echo(f"gkaudit: {value!r}: not a number (or 'blank')", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    with session_scope(open_database(service_settings(db), existing=True)) as session:
        digest, seen = reviewed_document(session, doc)
        if key not in seen.get("tables", {}):
            typer.echo(f"gkaudit: {doc}: {key}: not a cell this report has", err=True)
            raise typer.Exit(EXIT_BAD_INPUT)
        correct_cell(session, digest, key, number, note)
        _, after = reviewed_document(session, doc)
    errors = sum(f["severity"] == "error" for f in after["findings"] if f["triage"] != "dismissed")
    typer.echo(f"{describe_cell(key)[0]}: {seen['tables'].get(key)} → {value}; re-checked: {errors} errors")


class RulesFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def rules(
    output: Annotated[RulesFormat, typer.Option("--format", help="text, json, or the docs page (markdown).")] = (
        RulesFormat.text
    ),
    examples: Annotated[bool, typer.Option(help="Run each rule on its fixture for an example message.")] = True,
) -> None:
    """Every rule, GK1xx-GK6xx: id, severity, kind, what fires it, its messages and an example."""
    from extractor.checks.catalogue import FORMATTERS, catalogue, fixture_examples

    finder = None
    if examples:
        from workers.audit.rule_fixtures import FIXTURES, fixture_messages

        finder = fixture_examples(FIXTURES, fixture_messages) if FIXTURES.is_dir() else None
    typer.echo(FORMATTERS[output.value](catalogue(finder)).rstrip("\n"))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Serve the HTTP API and the review page (uvicorn); settings from GKAUDIT_* (see workers/api/app.py)."""
    from workers.api.app import serve as serve_api
    from workers.api.settings import SettingsError

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
