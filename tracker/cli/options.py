"""Options shared by several commands: report filters, formats, `--fail-on`, and where the
services `enrich` and `run` talk to are (`--hf-endpoint`, `--connect-to`...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

import typer

from tracker import durations
from tracker.errors import ConfigError
from tracker.flags.verdict import VerdictKind
from tracker.models import SORTS, Availability, ReportFilter


def _routes(pairs: list[str]) -> dict[str, str]:
    routes = {}
    for pair in pairs:
        host, sep, origin = pair.partition("=")
        if not sep or not host or not origin.startswith(("http://", "https://")):
            raise ConfigError(
                f"--connect-to wants HOST=ORIGIN (e.g. bit.ly=http://127.0.0.1:8001), got {pair!r}"
            )
        routes[host.lower()] = origin
    return routes


def connect_routes(pairs: list[str] | None) -> dict[str, str]:
    """`--connect-to HOST=ORIGIN` values as a host -> origin map (a bad pair is a ConfigError)."""
    return _routes(pairs or [])


AllowPrivate = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Let web checks reach private and loopback addresses (local testing only).",
    ),
]
HfEndpoint = Annotated[
    str | None,
    typer.Option(
        help="Hugging Face Hub URL (default: HF_ENDPOINT or huggingface.co).",
        show_default=False,
    ),
]
ArxivApiUrl = Annotated[
    str | None,
    typer.Option(
        help="arXiv API URL (default: TRACKER_ARXIV_API_URL or export.arxiv.org).",
        show_default=False,
    ),
]
OpenReviewApiUrl = Annotated[
    str | None,
    typer.Option(
        help="OpenReview API URL (default: TRACKER_OPENREVIEW_API_URL or api2.openreview.net).",
        show_default=False,
    ),
]
OpenAlexApiUrl = Annotated[
    str | None,
    typer.Option(
        help="OpenAlex API URL (default: TRACKER_OPENALEX_API_URL or api.openalex.org).",
        show_default=False,
    ),
]
SwhApiUrl = Annotated[
    str | None,
    typer.Option(
        help="Software Heritage API URL (default: TRACKER_SWH_API_URL or "
        "archive.softwareheritage.org/api/1).",
        show_default=False,
    ),
]
WaybackApiUrl = Annotated[
    str | None,
    typer.Option(
        help="Wayback Machine URL (default: TRACKER_WAYBACK_API_URL or archive.org).",
        show_default=False,
    ),
]
ConnectTo = Annotated[
    list[str] | None,
    typer.Option(
        help="Serve HOST from ORIGIN, as HOST=ORIGIN (repeatable; offline demos).",
        show_default=False,
    ),
]


def parse_since(text: str, option: str = "--since") -> dt.datetime:
    """A duration back from now (`7d`, `12h`, `6mo`; `m` is minutes) or an ISO date/time."""
    try:
        return durations.parse_since(text, option)
    except durations.DurationError as exc:
        raise typer.BadParameter(str(exc).removeprefix(f"{option}: "), param_hint=option) from None


def parse_max_age(text: str, option: str = "--max-age") -> dt.timedelta:
    """`--max-age` as a length of time (`30m`, `12h`, `1d`; a bare number is days)."""
    try:
        return durations.parse_duration(text, option)
    except durations.DurationError as exc:
        raise typer.BadParameter(str(exc).removeprefix(f"{option}: "), param_hint=option) from None


def _choices(
    values: list[str] | None, known: Sequence[str], what: str, option: str
) -> tuple[str, ...]:
    """Comma-separated or repeated values, each one of `known` (else one usage error, exit 2,
    naming the bad values and the choices)."""
    chosen = tuple(c.strip() for v in values or [] for c in v.split(",") if c.strip())
    bad = [c for c in chosen if c not in known]
    if bad:
        raise typer.BadParameter(
            f"unknown {what} {', '.join(bad)}; choose from {', '.join(known)}",
            param_hint=option,
        )
    return chosen


def split_codes(values: list[str] | None, option: str) -> tuple[str, ...]:
    """Probe codes (`--flag`, `--fail-on`), each a known one."""
    if not values:
        return ()
    from tracker.flags.probes import PROBE_CODES  # the probes import extraction: only when asked

    return _choices(values, PROBE_CODES, "probe", option)


STATUSES = tuple(dict.fromkeys(str(k) for k in [*Availability, *VerdictKind]))
"""What `--status` selects: a paper's code status or its verdict kind (`none` is both)."""


def split_statuses(values: list[str] | None) -> tuple[str, ...]:
    return _choices(values, STATUSES, "status", "--status")


FlagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--flag", help="Only papers with this unacknowledged flag (repeat or comma-separate)."
    ),
]
StatusOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        help="Only papers whose code status (released, promised, ...) or "
        "verdict kind (available, overdue, pending, dead, ...) is this.",
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since", help="Only papers published since: 30d, 2w, 6mo (m is minutes) or a date."
    ),
]
MinStarsOpt = Annotated[
    int | None, typer.Option("--min-stars", help="Only papers with a repository this starred.")
]
MinScoreOpt = Annotated[
    int | None,
    typer.Option(
        "--min-score",
        min=0,
        max=5,
        help="Only papers whose main code repository scores at least this on the completeness "
        "checklist (0-5; see tracker flag --help).",
    ),
]
QueryOpt = Annotated[
    str | None,
    typer.Option("--query", help="Only papers whose title, key or a link contains this."),
]
SortOpt = Annotated[str, typer.Option("--sort", help=f"Order by: {', '.join(SORTS)}.")]
DescOpt = Annotated[bool, typer.Option("--desc", help="Reverse the order (largest first).")]
LimitOpt = Annotated[int | None, typer.Option("--limit", help="At most this many papers.")]
FailOnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-on",
        help="Exit with code 1 when a listed paper has one of these "
        "unacknowledged flags (comma-separated probe codes).",
    ),
]


def build_filter(
    flag: list[str] | None,
    status: list[str] | None,
    since: str | None,
    min_stars: int | None,
    query: str | None,
    sort: str,
    desc: bool,
    limit: int | None,
    min_score: int | None = None,
) -> ReportFilter:
    if sort not in SORTS:
        raise typer.BadParameter(f"{sort!r}: use one of {', '.join(SORTS)}", param_hint="--sort")
    statuses = split_statuses(status)
    return ReportFilter(
        flags=split_codes(flag, "--flag"),
        statuses=statuses,
        since=parse_since(since).date() if since else None,
        min_stars=min_stars,
        min_score=min_score,
        query=query or "",
        sort=sort,
        descending=desc,
        limit=limit,
    )
