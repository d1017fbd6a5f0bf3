"""`tracker ingest` and `tracker run`: read listings and feeds into the database (and check,
flag, report).

An argument is a file unless it names a feed (`hf:daily`, `arxiv:cs.LG/2025-04-01..2025-04-30`,
see `tracker.sources.feeds`): every feed name is parsed, and what each names looked up, before
anything is written, so a bad one ends with exit code 3 and an unreachable service with 6,
the database as it was. Files are then stored in one transaction, and feeds page by page with
their cursors (`tracker.follow`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from tracker import pipeline
from tracker.cli.app import DbOption, Exit, app, err, settings
from tracker.cli.options import (
    ArxivApiUrl,
    HfEndpoint,
    OpenAlexApiUrl,
    OpenReviewApiUrl,
    parse_since,
)
from tracker.cli.progress import Meter
from tracker.config import Settings
from tracker.errors import ConfigError, InputError
from tracker.follow import FollowResult, follow, probe
from tracker.models import IngestSummary
from tracker.pipeline import ReadOptions
from tracker.processes import default_jobs
from tracker.reports.text import printable
from tracker.sources import ReadStats
from tracker.sources.feeds import Extent, Feed, FeedApi, Window, is_feed, parse_feed
from tracker.store import open_db
from tracker.store.feeds import watched_feeds

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


def _input_format(value: str | None) -> str | None:
    """A known source name, else a usage error (exit 2) listing them: the same mistake as an
    unknown `--status`, and caught before anything is read."""
    from tracker.sources import FORMATS

    if value is not None and value not in FORMATS:
        raise typer.BadParameter(
            f"unknown input format {value}; choose from {', '.join(FORMATS)}",
            param_hint="--input-format",
        )
    return value


InputFormat = Annotated[
    str | None,
    typer.Option(
        "--input-format",
        help="Read every file as this format instead of detecting it: hf_listing, hf_api, "
        "arxiv_atom, bibtex, csv, pdf, id_list.",
        callback=_input_format,
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


def read_options(strict: bool, columns: list[str] | None, input_format: str | None) -> ReadOptions:
    mapping: dict[str, str] = {}
    for pair in columns or []:
        header, sep, field = pair.rpartition("=")
        if not sep or not header or not field:
            raise ConfigError(f"--column wants HEADER=FIELD, got {pair!r}")
        mapping[header] = field
    return ReadOptions(strict=strict, columns=mapping, input_format=input_format)


Sources = Annotated[
    list[str],
    typer.Argument(
        help="Listing files (HF page text, ...; `-` reads standard input) or feeds "
        "(hf:daily, arxiv:cs.LG/2025-04-01..2025-04-30, openreview:VENUE, orcid:ID...).",
        show_default=False,
    ),
]


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    if option == "--since":
        return parse_since(value, option).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r}: use a date like 2025-04-01", param_hint=option
        ) from None


Since = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Feeds: read from this day (YYYY-MM-DD, or back from today: 7d, 2w, 6mo), e.g. to "
        "backfill.",
        show_default=False,
    ),
]
Until = Annotated[
    str | None,
    typer.Option("--until", help="Feeds: read up to this day (YYYY-MM-DD).", show_default=False),
]


def feed_window(since: str | None, until: str | None, feeds: list[Feed]) -> Window:
    """`--since`/`--until` as a window (a usage error without a feed, or backwards)."""
    window = Window(_day(since, "--since"), _day(until, "--until"))
    if (since or until) and not feeds:
        raise typer.BadParameter("--since and --until bound feeds; no feed was named")
    if window.since and window.until and window.since > window.until:
        raise typer.BadParameter(f"--since {since} is after --until {until}")
    return window


def split_inputs(sources: list[str]) -> tuple[list[str], list[Feed]]:
    """Files and feeds, in the order given; a bad feed name is an `InputError` (exit 3)."""
    files = [s for s in sources if not is_feed(s)]
    feeds = [parse_feed(s) for s in sources if is_feed(s)]
    return files, feeds


def feed_settings(
    db: str | None,
    hf_endpoint: str | None = None,
    arxiv_api_url: str | None = None,
    openreview_api_url: str | None = None,
    openalex_api_url: str | None = None,
    **overrides: object,
) -> Settings:
    return settings(
        db,
        hf_endpoint=hf_endpoint,
        arxiv_api_url=arxiv_api_url,
        openreview_api_url=openreview_api_url,
        openalex_api_url=openalex_api_url,
        **overrides,
    )


def check_feeds(api: FeedApi, feeds: list[Feed]) -> None:
    """Look up what every feed names before anything is written: one that does not exist is
    bad input (exit 3), a service that cannot be reached ends the command (exit 6)."""
    stop = probe(feeds, api)
    if stop is None:
        return
    if stop.kind.bad_argument:
        raise InputError(stop.reason.partition(": ")[0], stop.reason.partition(": ")[2])
    err.print(f"error: {stop.reason}; nothing was written", markup=False, soft_wrap=True)
    raise typer.Exit(Exit.INCOMPLETE)


def read_feeds(
    db_url: str,
    api: FeedApi,
    feeds: list[Feed],
    window: Window,
    command: str,
    *,
    stored: bool = False,
) -> list[FollowResult]:
    """Each feed from its cursor, with a progress line. A feed the service refuses as asked
    (a query it cannot parse, an author gone since the probe) is bad input (exit 3) only while
    the command has written nothing; once files (`stored`) or pages are stored, it is a feed
    stopped before its end, said with its reason (exit 6), and the other feeds are read."""
    engine = open_db(db_url)
    results = []
    for feed in feeds:
        with Meter(err, f"{feed.name}: reading", "papers") as meter:

            def shown(n: int, extent: Extent | None, meter: Meter = meter) -> None:
                if extent is None:
                    meter(n)
                else:
                    meter(extent.done, extent.total, f"{n:,} papers", extent.unit)

            result = follow(engine, feed, api, window=window, command=command, progress=shown)
        stopped = result.stopped
        if stopped is not None and stopped.kind.bad_argument and not (stored or result.pages):
            name, _, why = stopped.reason.partition(": ")
            raise InputError(name, why)
        say_feed(result)
        stored = stored or result.pages > 0
        results.append(result)
    return results


def say_feed(result: FollowResult) -> None:
    err.print(
        f"{result.feed}: {result.papers_seen:,} papers read ({result.papers_new:,} new), "
        f"{result.links_new:,} new links, {result.pages:,} pages",
        markup=False,
    )
    if result.stopped is not None:
        then = (
            "fix the feed and run again" if result.stopped.kind.bad_argument
            else "the next run resumes there"
        )  # fmt: skip
        err.print(
            f"{result.feed}: stopped: {result.stopped.reason} (what was read is kept; {then})",
            markup=False,
            soft_wrap=True,
        )


def feeds_missed(results: list[FollowResult]) -> list[str]:
    """One line per feed that stopped before its end: refused as asked, or unreachable."""
    return [
        f"{r.feed} was refused" if r.stopped.kind.bad_argument
        else f"{r.feed} stopped before its end"
        for r in results
        if r.stopped is not None
    ]  # fmt: skip


def ingest_with_progress(
    db_url: str, sources: list[str], command: str, options: ReadOptions, jobs: int | None = None
) -> IngestSummary:
    """`pipeline.ingest` under a meter: megabytes read of the files' total size (none when
    standard input is read), and the papers read so far."""
    engine = open_db(db_url)
    stats = ReadStats()
    total = None if "-" in sources else sum(_size(s) for s in sources) or None
    with Meter(err, "reading", "papers", in_bytes=total is not None) as meter:

        def shown(n: int) -> None:
            if total is None:
                meter(n)
            else:
                meter(min(stats.bytes_read, total), total, f"{n:,} papers")

        return pipeline.ingest(
            engine,
            sources,
            command=command,
            options=options,
            progress=shown,
            jobs=jobs or default_jobs(),
            stats=stats,
        )


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:  # read_source says what is wrong with it
        return 0


def say_ingest(summary: IngestSummary) -> None:
    for warning in summary.warnings:
        err.print(f"warning: {printable(warning)}", markup=False)
    skipped = f", {summary.skipped:,} malformed entries skipped" if summary.skipped else ""
    err.print(
        f"{summary.papers_seen:,} papers read ({summary.papers_new:,} new), "
        f"{summary.links_seen:,} links ({summary.links_new:,} new){skipped}"
    )


Watched = Annotated[
    bool,
    typer.Option("--watched", help="Also read every watched feed (tracker watch list)."),
]


@app.command()
def ingest(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Listing files (HF page text, ...; `-` reads standard input) or feeds "
            "(hf:daily, arxiv:cs.LG/2025-04-01..2025-04-30, openreview:VENUE, orcid:ID...).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    watched: Watched = False,
    strict: Strict = False,
    column: Columns = None,
    input_format: InputFormat = None,
    jobs: Jobs = None,
    since: Since = None,
    until: Until = None,
    hf_endpoint: HfEndpoint = None,
    arxiv_api_url: ArxivApiUrl = None,
    openreview_api_url: OpenReviewApiUrl = None,
    openalex_api_url: OpenAlexApiUrl = None,
) -> None:
    """Read paper listings or feeds, extract links and claims, and store them.

    A feed is read from where the last run stopped; exit code 6 means a feed could not be read
    to its end (what was read is kept and the next run resumes there).

    Example: tracker ingest examples/hf-trending.txt arxiv:cs.LG --since 2025-04-01
    """
    options = read_options(strict, column, input_format)
    files, feeds = split_inputs(sources or [])
    cfg = feed_settings(db, hf_endpoint, arxiv_api_url, openreview_api_url, openalex_api_url)
    if watched:
        with open_db(cfg.db_url).connect() as conn:
            named = {f.name for f in feeds}
            feeds += [parse_feed(n) for n in watched_feeds(conn) if n not in named]
    if not files and not feeds:
        raise typer.BadParameter("name listing files or feeds (or --watched, with feeds watched)")
    window = feed_window(since, until, feeds)
    with FeedApi(cfg) as api:
        check_feeds(api, feeds)
        if files:
            say_ingest(ingest_with_progress(cfg.db_url, files, "ingest", options, jobs))
        missed = feeds_missed(
            read_feeds(cfg.db_url, api, feeds, window, "ingest", stored=bool(files))
        )
    if missed:
        err.print("incomplete: " + "; ".join(missed) + " (what was read is kept)", markup=False)
        raise typer.Exit(Exit.INCOMPLETE)
