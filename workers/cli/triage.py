"""``gkaudit triage``: mark findings confirmed, dismissed or open, and correct misread cells."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from workers.cli.common import DbOption, existing_database, fail

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

triage_app = typer.Typer(
    help="Mark findings confirmed, dismissed or open, and correct misread cells.", no_args_is_help=True
)

DocArgument = Annotated[str, typer.Argument(help="A document's path as audited, or its content hash.")]


class TriageState(StrEnum):
    open = "open"
    confirmed = "confirmed"
    dismissed = "dismissed"


def reviewed_document(session: Session, doc: str) -> tuple[str, dict[str, Any]]:
    """(content hash, the result as the reviewers left it) of an audited document, or exit 2 naming it."""
    from workers.audit.triage import reviewed
    from workers.store import find_result

    result = find_result(session, doc)
    if result is None or result.status != "done":
        reason = "no audited document with that path or hash" if result is None else f"failed: {result.error}"
        raise fail(f"{doc}: {reason}")
    return result.content_hash, reviewed(session, result.content_hash, result.payload)


@triage_app.command("list")
def triage_list(doc: DocArgument, db: DbOption = None) -> None:
    """Each finding of a document: its id (for `triage set`), state, rule and message."""
    from workers.audit.triage import SHORT_ID, STATE_ZH
    from workers.store import session_scope

    with session_scope(existing_database(db)) as session:
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
    doc: DocArgument,
    finding: Annotated[str, typer.Argument(help="The finding's id from `triage list` (a prefix will do).")],
    state: Annotated[TriageState, typer.Option("--state", help="confirmed, dismissed (needs --reason) or open.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why: required to dismiss.")] = None,
    db: DbOption = None,
) -> None:
    """Mark one finding; the mark stays through re-runs and pipeline upgrades while the finding appears."""
    from workers.audit.triage import TriageError, find_by_id, set_mark
    from workers.store import session_scope

    with session_scope(existing_database(db)) as session:
        digest, seen = reviewed_document(session, doc)
        try:
            chosen = find_by_id(seen["findings"], finding)
            if chosen is None:
                raise TriageError(f"{finding}: no finding of this document has that id (see `gkaudit triage list`)")
            set_mark(session, digest, chosen, state.value, reason)
        except TriageError as exc:
            raise fail(f"{doc}: {exc}") from None
    typer.echo(f"{chosen['rule']} {chosen['id'][:12]} → {state.value}")


@triage_app.command("correct")
def triage_correct(
    doc: DocArgument,
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
        raise fail(f"{value!r}: not a number (or 'blank')") from None
    with session_scope(existing_database(db)) as session:
        digest, seen = reviewed_document(session, doc)
        if key not in seen.get("tables", {}):
            raise fail(f"{doc}: {key}: not a cell this report has")
        correct_cell(session, digest, key, number, note)
        _, after = reviewed_document(session, doc)
    errors = sum(f["severity"] == "error" for f in after["findings"] if f["triage"] != "dismissed")
    typer.echo(f"{describe_cell(key)[0]}: {seen['tables'].get(key)} → {value}; re-checked: {errors} errors")
