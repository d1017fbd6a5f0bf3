"""`tracker report` and `tracker export`: what is stored, for people and for scripts."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.app import DbOption, app, err, out, settings
from tracker.reports.csv_export import write_csv
from tracker.reports.table import papers_table
from tracker.store import iter_paper_views, open_db


class ExportFormat(StrEnum):
    CSV = "csv"


@app.command()
def report(
    db: DbOption = None,
    limit: Annotated[int | None, typer.Option(help="Show at most this many papers.")] = None,
) -> None:
    """Show stored papers with their links and code/weights/data status.

    Example: tracker report --limit 20
    """
    engine = open_db(settings(db).db_url)
    with engine.connect() as conn:
        out.print(papers_table(iter_paper_views(conn, limit=limit)))


@app.command()
def export(
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExportFormat.CSV,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: standard output)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Export every stored paper (one row per paper).

    Example: tracker export --format csv -o papers.csv
    """
    engine = open_db(settings(db).db_url)
    with engine.connect() as conn:
        if output is None:
            n = write_csv(iter_paper_views(conn), sys.stdout)
        else:
            tmp = output.with_name(output.name + ".tmp")
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                n = write_csv(iter_paper_views(conn), fh)
            tmp.replace(output)
    err.print(f"exported {n:,} papers")
