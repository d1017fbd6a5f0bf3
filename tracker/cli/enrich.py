"""`tracker enrich`: find code and weights beyond the abstract (PDF, arXiv, Hugging Face, web)."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.app import DbOption, Exit, app, err, out, settings
from tracker.cli.options import (
    AllowPrivate,
    ArxivApiUrl,
    ConnectTo,
    HfEndpoint,
    connect_routes,
)
from tracker.cli.progress import Meter
from tracker.enrich import DEFAULT_BUDGET, EnrichOptions, enrich_papers
from tracker.models import EnrichSummary
from tracker.store import open_db


def _say(s: EnrichSummary) -> None:
    out.print(
        f"{s.papers_enriched:,} papers enriched, {s.links_found:,} new links, "
        f"{s.arxiv_ids_found:,} arXiv IDs found, {s.hf_repos_checked:,} Hub repositories checked, "
        f"{s.web_resolved:,} pages and shortlinks resolved"
    )
    if s.refused:
        err.print(f"{s.refused:,} hops refused by the address guard")
    if s.unknown:
        err.print(f"{s.unknown:,} look-ups ended unknown (rate limits, 5xx, timeouts); rerun later")
    if s.over_budget:
        err.print(f"{s.over_budget:,} papers wait for the next run (--budget)")


@app.command()
def enrich(
    db: DbOption = None,
    budget: Annotated[int, typer.Option(help="Papers to look at in this run.")] = DEFAULT_BUDGET,
    allow_private: AllowPrivate = False,
    no_pdf: Annotated[
        bool, typer.Option("--no-pdf", help="Do not download and read PDFs.")
    ] = False,
    hf_endpoint: HfEndpoint = None,
    arxiv_api_url: ArxivApiUrl = None,
    connect_to: ConnectTo = None,
) -> None:
    """Find code and weights links beyond the abstract, with where each came from.

    Example: tracker enrich --budget 20 --db papers.db
    """
    cfg = settings(
        db,
        hf_endpoint=hf_endpoint,
        arxiv_api_url=arxiv_api_url,
        allow_private=allow_private or None,
    )
    options = EnrichOptions(budget=budget, pdf=not no_pdf, connect_to=connect_routes(connect_to))
    engine = open_db(cfg.db_url, create=False)
    with Meter(err, "looking beyond the abstract", "papers") as meter:
        summary = enrich_papers(engine, cfg, options=options, progress=meter)
    _say(summary)
    if summary.unknown or summary.over_budget:
        # SystemExit, not typer.Exit: `main` runs click with standalone_mode=False, where an
        # Exit's code is returned rather than raised.
        raise SystemExit(Exit.INCOMPLETE)
