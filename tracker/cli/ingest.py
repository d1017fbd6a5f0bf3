"""`tracker ingest` and `tracker run`: read listings into the database (and check, flag, report)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from tracker import pipeline
from tracker.cli.app import DbOption, app, err, settings
from tracker.errors import ConfigError
from tracker.models import IngestSummary
from tracker.pipeline import ReadOptions
from tracker.store import open_db
from tracker.workers import default_jobs

Strict = Annotated[
    bool,
    typer.Option(
        "--strict", help="Fail a file on its first malformed entry instead of skipping it."
    ),
]
Columns = Annotated[
    list[str] | None,
    typer.Option(
        "--column",
        help="Map a CSV header to a field, e.g. --column 'Paper Title=title' (repeatable).",
        show_default=False,
    ),
]
Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="Force the input format: hf_listing, hf_api, arxiv_atom, bibtex, csv, pdf, id_list.",
        show_default=False,
    ),
]

Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        envvar="TRACKER_JOBS",
        min=1,
        help="Processes extracting links and claims (default: usable cores, at most 4; "
        "1 extracts in this process).",
        show_default=False,
    ),
]


def read_options(strict: bool, columns: list[str] | None, format: str | None) -> ReadOptions:
    mapping: dict[str, str] = {}
    for pair in columns or []:
        header, sep, field = pair.rpartition("=")
        if not sep or not header or not field:
            raise ConfigError(f"--column wants HEADER=FIELD, got {pair!r}")
        mapping[header] = field
    return ReadOptions(strict=strict, columns=mapping, format=format)


Sources = Annotated[
    list[str],
    typer.Argument(
        help="Listing files (HF page text, ...); `-` reads standard input.", show_default=False
    ),
]


def ingest_with_progress(
    db_url: str, sources: list[str], command: str, options: ReadOptions, jobs: int | None = None
) -> IngestSummary:
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
            options=options,
            progress=lambda n: bar.update(task, description=f"read {n:,} papers"),
            jobs=jobs or default_jobs(),
        )
    return summary


def say_ingest(summary: IngestSummary) -> None:
    for warning in summary.warnings:
        err.print(f"warning: {warning}", markup=False)
    skipped = f", {summary.skipped:,} malformed entries skipped" if summary.skipped else ""
    err.print(
        f"{summary.papers_seen:,} papers read ({summary.papers_new:,} new), "
        f"{summary.links_seen:,} links ({summary.links_new:,} new){skipped}"
    )


@app.command()
def ingest(
    sources: Sources,
    db: DbOption = None,
    strict: Strict = False,
    column: Columns = None,
    format: Format = None,
    jobs: Jobs = None,
) -> None:
    """Read paper listings, extract links and claims, and store them.

    Example: tracker ingest examples/hf-trending.txt --db papers.db
    """
    options = read_options(strict, column, format)
    say_ingest(ingest_with_progress(settings(db).db_url, sources, "ingest", options, jobs))
