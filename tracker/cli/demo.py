"""`tracker demo`: the whole pipeline on the bundled example, against local emulators."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from tracker import pipeline
from tracker.cli.app import Exit, app, err, out
from tracker.cli.ingest import ingest_with_progress, say_ingest
from tracker.cli.stages import Shown
from tracker.demo import LISTING, load_scenario, services, what_it_showed
from tracker.pipeline import ReadOptions
from tracker.reports.table import papers_table
from tracker.store import open_db
from tracker.store.reporting import iter_report_views, report_summary


def _temporary_db() -> str:
    folder = Path(tempfile.mkdtemp(prefix="tracker-demo-"))
    return f"sqlite:///{folder / 'tracker.db'}"


@app.command()
def demo(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL or SQLite path (default: a new temporary file, printed).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the whole pipeline offline on a bundled example, against local emulators.

    The stages of `tracker run`, answered by local GitHub, Hub, arXiv and web emulators.

    Example: tracker demo
    """
    cfg_db = db or _temporary_db()
    err.print(f"database: {cfg_db}")
    with services(load_scenario()) as svc:
        cfg = svc.settings(cfg_db)
        engine = open_db(cfg.db_url)

        def read() -> list[str]:
            say_ingest(ingest_with_progress(cfg.db_url, [str(LISTING)], "demo", ReadOptions()))
            return []

        ran = pipeline.run(engine, cfg, read, svc.plan(), Shown())
    assert ran.found is not None and ran.checked is not None
    found, checked = ran.found, ran.checked
    with engine.connect() as conn:
        papers = list(iter_report_views(conn))
        summary = report_summary(conn)
    out.print(papers_table(papers, width=out.width))
    out.print("What this showed:")
    for line in what_it_showed(papers, summary, found, checked):
        out.print(f"  {line}", markup=False)
    out.print(f"Explore it: tracker report --db {cfg.db_url}", markup=False)
    if found.unknown or checked.unknown or checked.unchecked:
        err.print("incomplete: some look-ups ended unknown (see above)")
        raise typer.Exit(Exit.INCOMPLETE)
