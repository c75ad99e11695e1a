"""What an audit found, read back from the database: ``show``, ``rank`` and ``notice``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from workers.cli.common import DbOption, existing_database, fail, to_json, write_or_print


class ShowFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


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
    text = show_years(doc, db, output_format) if years else show_document(doc, db, output_format)
    write_or_print(text, out)


def show_document(doc: str, db: str | None, output_format: ShowFormat) -> str:
    from workers.report.check_text import render_check_text
    from workers.store import find_result, session_scope

    with session_scope(existing_database(db)) as session:
        result = find_result(session, doc)
        if result is None:
            raise fail(f"{doc}: no audited document with that path or hash")
        if result.status == "failed":
            raise fail(f"{result.path}: failed: {result.error}")
        payload = dict(result.payload) | {"file": result.path}
    return render_check_text(payload) if output_format is not ShowFormat.json else to_json(payload, 1)


def show_years(body: str, db: str | None, output_format: ShowFormat) -> str:
    from workers.report.years import body_years, render_html, render_text, years_view
    from workers.store import session_scope

    with session_scope(existing_database(db)) as session:
        reports = body_years(session, body)
    if not reports:
        raise fail(f"{body}: 没有该机关的已审核报告 no audited report of this body")
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
AuditOption = Annotated[int | None, typer.Option("--audit", help="Audit id (default: the latest).")]


def load_groups(path: Path) -> dict[str, dict[str, str]]:
    """The groups file, or its name and what is wrong with it, and exit 2."""
    from workers.report.rank import GroupFileError, read_groups

    try:
        return read_groups(path)
    except GroupFileError as exc:
        raise fail(f"分组文件 groups file {exc}") from None


def rank(
    output_format: Annotated[RankFormat, typer.Option("--format", help="csv, json, html or xlsx")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    db: DbOption = None,
    audit_id: AuditOption = None,
    by: Annotated[
        RankBy | None,
        typer.Option("--by", help="csv/json: one row per body, year or group (parent/region/type need --groups)."),
    ] = None,
    groups: GroupsOption = None,
) -> None:
    """Rank the documents of an audit by quality: CSV, JSON, XLSX or one self-contained HTML page."""
    from workers.report.rank import attach_groups, group_columns, group_warnings, ranking, write_html
    from workers.store import session_scope

    group_map = load_groups(groups) if groups else None
    if by and by.value in ("parent", "region", "type") and not group_map:
        raise fail(f"--by {by.value} needs --groups FILE")
    db_url = existing_database(db)
    try:
        with session_scope(db_url) as session:
            rows = ranking(session, audit_id)
            if group_map is not None:
                attach_groups(rows, group_map)
                for warning in group_warnings(rows, group_map):
                    typer.echo(f"gkaudit: 警告 warning: {groups}: {warning}", err=True)
            if by and by.value not in ("body", "year", *group_columns(rows)):
                raise fail(f"分组文件 groups file {groups}: 没有 no {by.value} column")
            if output_format is RankFormat.html:
                write_html(session, rows, out, audit_id=audit_id)
            else:
                write_rows(rows, out, output_format, by)
    except LookupError as exc:  # no such audit, or no audit at all
        raise fail(str(exc)) from exc
    typer.echo(f"{out}: {len(rows)} documents", err=True)


def write_rows(rows: list[dict], out: Path, output_format: RankFormat, by: RankBy | None) -> None:
    """The ranking as XLSX, or CSV/JSON of its documents or (``by``) of its groups."""
    from workers.report.rank import group_ranking, write_csv, write_json

    if output_format is RankFormat.xlsx:
        from workers.report.exports import write_xlsx

        write_xlsx(rows, out, by.value if by else None)
    else:
        data = group_ranking(rows, by.value) if by else rows
        (write_csv if output_format is RankFormat.csv else write_json)(data, out)


class NoticeFormat(StrEnum):
    docx = "docx"


def notice(
    body: Annotated[str, typer.Argument(help="The body (机关) as its reports name it.")],
    out: Annotated[Path, typer.Option("--out", help="The .docx file to write.")],
    db: DbOption = None,
    output_format: Annotated[NoticeFormat, typer.Option("--format", help="docx")] = NoticeFormat.docx,
    year: Annotated[int | None, typer.Option("--year", help="The report's year (default: the latest).")] = None,
    audit_id: AuditOption = None,
) -> None:
    """Write one body's 整改 list (its errors and warnings, numbered, with what to correct), ready to send."""
    from workers.report.exports import audit_date, select_report, write_notice
    from workers.report.rank import audit_view, ranking
    from workers.store import session_scope

    db_url = existing_database(db)
    try:
        with session_scope(db_url) as session:
            rows = ranking(session, audit_id)
            row = select_report(rows, body, year)
            items = write_notice(row, audit_date(audit_view(session, row["audit_id"])), out)
    except LookupError as exc:
        raise fail(f"{body}: {exc}") from None
    typer.echo(f"{out}: {row['agency']} {row['year']}: {items} items", err=True)
