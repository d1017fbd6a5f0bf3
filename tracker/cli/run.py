"""`tracker run`: the main job — ingest, enrich, check, flag, then the table.

With no listing or feed named, it reads every feed on the watch list (`tracker watch`)."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker import pipeline
from tracker.cli.app import DbOption, Exit, app, err, out, settings
from tracker.cli.ingest import (
    Columns,
    InputFormat,
    Since,
    Strict,
    Until,
    Watched,
    check_feeds,
    feed_window,
    feeds_missed,
    ingest_with_progress,
    read_feeds,
    read_options,
    say_ingest,
    split_inputs,
)
from tracker.cli.options import (
    AllowPrivate,
    ArxivApiUrl,
    ConnectTo,
    FailOnOpt,
    HfEndpoint,
    OpenAlexApiUrl,
    OpenReviewApiUrl,
    SwhApiUrl,
    WaybackApiUrl,
    connect_routes,
    parse_max_age,
    split_codes,
)
from tracker.cli.report import Narrow, TableLimit, Wide, fail_on, layout, rows_shown
from tracker.cli.stages import Shown
from tracker.enrich import DEFAULT_BUDGET, EnrichOptions
from tracker.models import ReportFilter
from tracker.processes import default_jobs
from tracker.reports.table import listing
from tracker.sources.feeds import FeedApi, parse_feed
from tracker.store import count_rows, open_db
from tracker.store.feeds import watched_feeds
from tracker.store.reporting import iter_report_views

RunSources = Annotated[
    list[str] | None,
    typer.Argument(
        help="Listing files (`-` reads standard input) or feeds (hf:daily, arxiv:cs.LG, ...); "
        "none: every watched feed (tracker watch list).",
        show_default=False,
    ),
]


RunJobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        envvar="TRACKER_JOBS",
        min=1,
        help="Processes extracting links and claims, and reading and judging papers when the "
        "flag stage has many to judge, as `tracker flag --jobs` (default: usable cores, at "
        "most 4; 1 does both in this process).",
        show_default=False,
    ),
]


@app.command()
def run(
    sources: RunSources = None,
    db: DbOption = None,
    watched: Watched = False,
    limit: TableLimit = None,
    wide: Wide = False,
    narrow: Narrow = False,
    strict: Strict = False,
    column: Columns = None,
    input_format: InputFormat = None,
    jobs: RunJobs = None,
    no_enrich: Annotated[
        bool,
        typer.Option(
            "--no-enrich", help="Skip discovery beyond the abstract (PDF, arXiv, HF, web)."
        ),
    ] = False,
    enrich_budget: Annotated[
        int, typer.Option(help="Papers the discovery step looks at in this run.")
    ] = DEFAULT_BUDGET,
    no_check: Annotated[
        bool, typer.Option("--no-check", help="Skip the repository checks (offline runs).")
    ] = False,
    max_age: Annotated[
        str,
        typer.Option(
            help="Re-check only repositories last checked longer ago (30m, 12h, 1d; m is "
            "minutes, mo months; 0 for all)."
        ),
    ] = "12h",
    budget: Annotated[
        int | None, typer.Option(help="Spend at most this many GitHub rate-limit points.")
    ] = None,
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="Stop instead of waiting for a rate-limit reset.")
    ] = False,
    rest: Annotated[
        bool, typer.Option("--rest", help="Use GitHub's REST API even with a token.")
    ] = False,
    github_api_url: Annotated[
        str | None, typer.Option(help="GitHub API base URL (Enterprise, or a local emulator).")
    ] = None,
    hf_endpoint: HfEndpoint = None,
    arxiv_api_url: ArxivApiUrl = None,
    allow_private: AllowPrivate = False,
    connect_to: ConnectTo = None,
    fail_on_: FailOnOpt = None,
    since: Since = None,
    until: Until = None,
    openreview_api_url: OpenReviewApiUrl = None,
    openalex_api_url: OpenAlexApiUrl = None,
    swh_api_url: SwhApiUrl = None,
    wayback_api_url: WaybackApiUrl = None,
) -> None:
    """Ingest listings or feeds, find and check their code, flag problems, and show the papers.

    With no argument (or with --watched), every watched feed is read (tracker watch add
    hf:daily). Exit code 6
    means everything ran but some links could not be checked, or a feed could not be read to
    its end (no network, rate limit, budget): what was learned is stored and the next run
    continues.

    Example: tracker run examples/hf-trending.txt
    """
    codes = split_codes(fail_on_, "--fail-on")
    shown_rows = rows_shown(limit, table=True)
    layout_ = layout(wide, narrow)
    age = parse_max_age(max_age)
    cfg = settings(
        db,
        github_api_url=github_api_url,
        hf_endpoint=hf_endpoint,
        arxiv_api_url=arxiv_api_url,
        openreview_api_url=openreview_api_url,
        openalex_api_url=openalex_api_url,
        swh_api_url=swh_api_url,
        wayback_api_url=wayback_api_url,
        allow_private=allow_private or None,
    )
    routes = connect_routes(connect_to)
    options = read_options(strict, column, input_format)
    files, feeds = split_inputs(sources or [])
    if watched or not sources:
        with open_db(cfg.db_url).connect() as conn:
            named = {f.name for f in feeds}
            feeds += [parse_feed(n) for n in watched_feeds(conn) if n not in named]
        if not files and not feeds:
            raise typer.BadParameter(
                "name listing files or feeds, or watch feeds first (tracker watch add hf:daily)"
            )
    window = feed_window(since, until, feeds)

    def read() -> list[str]:
        """The ingest stage: the listing files, then the feeds from their cursors."""
        with FeedApi(cfg) as api:
            check_feeds(api, feeds)
            if files:
                say_ingest(ingest_with_progress(cfg.db_url, files, "run", options, jobs))
            results = read_feeds(cfg.db_url, api, feeds, window, "run", stored=bool(files))
            return feeds_missed(results)

    plan = pipeline.RunPlan(
        enrich=None if no_enrich else EnrichOptions(budget=enrich_budget, connect_to=routes),
        check=None
        if no_check
        else {
            "max_age": age,
            "budget": budget,
            "no_wait": no_wait,
            "rest": rest,
            "connect_to": routes,
        },
        flag_jobs=jobs or default_jobs(),
    )
    engine = open_db(cfg.db_url)
    ran = pipeline.run(engine, cfg, read, plan, Shown())
    with engine.connect() as conn:
        rows = count_rows(conn)
        shown = list(iter_report_views(conn, ReportFilter(limit=shown_rows)))
        out.print(listing(shown, rows["papers"], out.width, layout_), soft_wrap=False)
        err.print(f"database: {rows['papers']:,} papers, {rows['links']:,} links")
        fail_on(conn, codes, ReportFilter())
    if ran.incomplete:
        err.print("incomplete: " + "; ".join(ran.incomplete) + " (rerun later)")
        raise typer.Exit(Exit.INCOMPLETE)
