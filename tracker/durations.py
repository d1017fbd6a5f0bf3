"""Durations typed on the command line: one grammar for every option that takes one.

`--max-age` (check, run, the Action's `max-age`), `--since` (report, export, diff, and the feeds
of ingest and run) all read a number and a unit:

    s seconds   m minutes   h hours   d days   w weeks   mo months (30 days)   y years (365 days)

A bare number is days. `m` is minutes everywhere: a month is `mo`. Where a point in time is
wanted (`--since`), a date or date-time in ISO form (2025-01-31, 2025-01-31T12:00) is accepted
too, read as UTC when it names no zone.

No typer here: a bad value is a `DurationError` whose message names the option and the accepted
units, and the command line turns it into a usage error.
"""

from __future__ import annotations

import datetime as dt
import re

UNITS: dict[str, tuple[str, dt.timedelta]] = {
    "s": ("seconds", dt.timedelta(seconds=1)),
    "m": ("minutes", dt.timedelta(minutes=1)),
    "h": ("hours", dt.timedelta(hours=1)),
    "d": ("days", dt.timedelta(days=1)),
    "w": ("weeks", dt.timedelta(weeks=1)),
    "mo": ("months", dt.timedelta(days=30)),
    "y": ("years", dt.timedelta(days=365)),
}
"""Each unit: its name in messages and its length."""
_LONG = {
    "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "hour": "h", "hours": "h", "day": "d", "days": "d", "week": "w", "weeks": "w",
    "month": "mo", "months": "mo", "year": "y", "years": "y",
}  # fmt: skip
_DURATION = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)")
UNITS_HELP = "s, m (minutes), h, d, w, mo (months), y; a bare number is days"


class DurationError(ValueError):
    """A value that is not a duration (nor, where one is allowed, a date)."""


def _error(option: str, text: str, dates: bool) -> DurationError:
    example = "30m, 12h, 7d, 2w, 6mo, 1y" + (" or a date like 2025-01-31" if dates else "")
    return DurationError(
        f"{option}: {text!r} is not a duration; use a number and a unit "
        f"({', '.join(f'{u} {name}' for u, (name, _) in UNITS.items())}; a bare number is "
        f"days), e.g. {example}"
    )


def _duration(text: str) -> dt.timedelta | None:
    m = _DURATION.fullmatch(text.strip().lower())
    if m is None:
        return None
    unit = _LONG.get(m.group(2), m.group(2) or "d")
    if unit not in UNITS:
        return None
    return float(m.group(1)) * UNITS[unit][1]


def parse_duration(text: str, option: str) -> dt.timedelta:
    """`30m`, `12h`, `7d`, `6mo`... as a length of time; `option` names it in the error."""
    span = _duration(text)
    if span is None:
        raise _error(option, text, dates=False)
    return span


def parse_since(text: str, option: str, now: dt.datetime | None = None) -> dt.datetime:
    """A duration back from `now`, or an ISO date/time (UTC when it names no zone)."""
    span = _duration(text)
    if span is not None:
        return (now or dt.datetime.now(dt.UTC)) - span
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise _error(option, text, dates=True) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
