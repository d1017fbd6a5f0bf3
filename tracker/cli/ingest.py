"""`tracker ingest` and `tracker run`: read listings into the database (and check, flag, report)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from tracker import pipeline
from tracker.cli.app import DbOption, app, err, out, settings
from tracker.models import IngestSummary
from tracker.reports.table import papers_table
from tracker.store import count_rows, iter_paper_views, open_db

Sources = Annotated[
    list[str],
    typer.Argument(
        help="Listing files (HF page text, ...); `-` reads standard input.", show_default=False
    ),
]


def _ingest_with_progress(db_url: str, sources: list[str], command: str) -> IngestSummary:
    engine = open_db(db_url)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("reading papers", total=None)
        summary = pipeline.ingest(
            engine,
            sources,
            command=command,
            progress=lambda n: bar.update(task, description=f"read {n:,} papers"),
        )
    return summary


def _say(summary: IngestSummary) -> None:
    err.print(
        f"{summary.papers_seen:,} papers read ({summary.papers_new:,} new), "
        f"{summary.links_seen:,} links ({summary.links_new:,} new)"
    )


@app.command()
def ingest(sources: Sources, db: DbOption = None) -> None:
    """Read paper listings, extract links and claims, and store them.

    Example: tracker ingest examples/hf-trending.txt --db papers.db
    """
    _say(_ingest_with_progress(settings(db).db_url, sources, "ingest"))


@app.command()
def run(
    sources: Sources,
    db: DbOption = None,
    limit: Annotated[int | None, typer.Option(help="Show at most this many papers.")] = None,
) -> None:
    """Ingest listings, then report the papers with their links and statuses.

    Example: tracker run examples/hf-trending.txt
    """
    cfg = settings(db)
    summary = _ingest_with_progress(cfg.db_url, sources, "run")
    _say(summary)
    engine = open_db(cfg.db_url)
    with engine.connect() as conn:
        out.print(papers_table(iter_paper_views(conn, limit=limit)))
        rows = count_rows(conn)
    err.print(f"database: {rows['papers']:,} papers, {rows['links']:,} links")
