"""`tracker check`: check the code repositories that stored links point at, on every host."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlalchemy import Engine

from tracker import pipeline
from tracker.check.shard import parse_shard
from tracker.cli.app import DbOption, Exit, app, settings
from tracker.cli.options import (
    AllowPrivate,
    ConnectTo,
    HfEndpoint,
    SwhApiUrl,
    WaybackApiUrl,
    connect_routes,
    parse_max_age,
)
from tracker.cli.stages import check_bar, say_check
from tracker.config import Settings
from tracker.models import CheckSummary
from tracker.store import open_db


def check_with_progress(engine: Engine, cfg: Settings, **options: Any) -> CheckSummary:
    """The check stage (`tracker.pipeline.check`) under its progress bar."""
    with check_bar() as show:
        return pipeline.check(engine, cfg, progress=show, **options)


@app.command()
def check(
    db: DbOption = None,
    max_age: Annotated[
        str | None,
        typer.Option(
            help="Re-check only repositories last checked longer ago (30m, 12h, 1d, 2w; "
            "m is minutes, mo months)."
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Check at most this many repositories.")] = None,
    budget: Annotated[
        int | None, typer.Option(help="Spend at most this many GitHub rate-limit points.")
    ] = None,
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="Stop instead of waiting for a rate-limit reset.")
    ] = False,
    rest: Annotated[
        bool, typer.Option("--rest", help="Use the REST API even when a token allows GraphQL.")
    ] = False,
    github_api_url: Annotated[
        str | None,
        typer.Option(help="API base URL (GitHub Enterprise: https://HOST/api/v3)."),
    ] = None,
    shard: Annotated[
        str | None,
        typer.Option(help="Check only shard K of N (e.g. 2/4), a stable split for parallel jobs."),
    ] = None,
    hf_endpoint: HfEndpoint = None,
    connect_to: ConnectTo = None,
    allow_private: AllowPrivate = False,
    swh_api_url: SwhApiUrl = None,
    wayback_api_url: WaybackApiUrl = None,
) -> None:
    """Check linked repositories on GitHub, GitLab, Codeberg, Bitbucket, the Hub and Zenodo.

    Reads each repository's status, facts and evidence (README, tree, license and package
    files, releases) and keeps their history. Then looks up archived copies of links
    (Software Heritage for code, the Wayback Machine for project pages and dead links) and the
    open issues asking for code, weights or data of flagged repositories, a bounded number per
    run. GitHub's token is read from GITHUB_TOKEN (without
    one, the REST API is used: 60 requests/hour); other hosts' from GITLAB_TOKEN,
    CODEBERG_TOKEN, BITBUCKET_TOKEN, ZENODO_TOKEN and HF_TOKEN, each sent to its own host only.

    Example: tracker check --max-age 1d --budget 500
    """
    age = parse_max_age(max_age) if max_age else None
    cfg = settings(
        db,
        github_api_url=github_api_url,
        hf_endpoint=hf_endpoint,
        swh_api_url=swh_api_url,
        wayback_api_url=wayback_api_url,
        allow_private=allow_private or None,
    )
    summary = check_with_progress(
        open_db(cfg.db_url, create=False),
        cfg,
        max_age=age,
        limit=limit,
        budget=budget,
        no_wait=no_wait,
        rest=rest,
        shard=parse_shard(shard) if shard else None,
        connect_to=connect_routes(connect_to),
    )
    say_check(summary)
    if summary.unchecked or summary.unknown:
        raise typer.Exit(Exit.INCOMPLETE)
