"""Commands that talk to the network: ``fetch`` (download a site's reports) and ``serve`` (the HTTP API)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workers.cli.common import EXIT_INTERNAL, fail

if TYPE_CHECKING:
    from workers.collect.fetch import Outcome


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
    from workers.collect.download import FetchConfig, make_client
    from workers.collect.fetch import any_fetched, crawl, read_url_list

    try:
        targets = list(urls or []) + (read_url_list(from_file) if from_file else [])
    except OSError as exc:
        raise fail(f"{from_file}: {exc.strerror or exc}") from None
    bad = [u for u in [*targets, *(index or [])] if not u.startswith(("http://", "https://"))]
    if bad or not (targets or index):
        raise fail(f"not an http(s) URL: {bad[0]}" if bad else "no URL given")
    config = FetchConfig(out=out, max_bytes=max_bytes, timeout=timeout, rate_seconds=rate, retries=retries)
    with make_client(config) as client:
        outcomes = crawl(client, config, targets, index or [])
    print_summary(outcomes, out)
    if not any_fetched(outcomes):
        raise typer.Exit(EXIT_INTERNAL)


def print_summary(outcomes: list[Outcome], out: Path) -> None:
    """A table of every URL's outcome, then the count of each status, on stderr."""
    from rich.console import Console
    from rich.table import Table

    from workers.collect.fetch import summary_rows

    table = Table("status", "kind", "URL", "bytes", "file / reason", title=f"gkaudit fetch → {out}")
    for row in summary_rows(outcomes):
        table.add_row(*row)
    console = Console(stderr=True)
    console.print(table)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("fetched", "unchanged", "skipped", "failed")}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items()))


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
        raise fail(str(exc)) from None
