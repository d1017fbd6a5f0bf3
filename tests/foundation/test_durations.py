"""One duration grammar for every option: `m` is minutes, `mo` months, a bare number days."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tracker.cli.app import Exit
from tracker.durations import DurationError, parse_duration, parse_since

NOW = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45s", 45),
        ("30m", 1800),
        ("1m", 60),
        ("12h", 43200),
        ("1d", 86400),
        ("3", 259200),
        ("0", 0),
        ("1.5h", 5400),
        ("2w", 1209600),
        ("1mo", 30 * 86400),
        ("6 months", 180 * 86400),
        ("1y", 365 * 86400),
        (" 7D ", 7 * 86400),
        ("10 minutes", 600),
    ],
)
def test_a_duration_is_a_number_and_a_unit(text: str, seconds: int) -> None:
    assert parse_duration(text, "--max-age") == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "m", "5x", "-1d", "1 d 2h", "2025-01-01", "1mon"])
def test_anything_else_is_an_error_naming_the_option_and_the_units(text: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration(text, "--max-age")
    assert str(caught.value) == (
        f"--max-age: {text!r} is not a duration; use a number and a unit (s seconds, m minutes, "
        "h hours, d days, w weeks, mo months, y years; a bare number is days), e.g. 30m, 12h, "
        "7d, 2w, 6mo, 1y"
    )


def test_since_is_a_duration_back_from_now_or_a_date() -> None:
    assert parse_since("1m", "--since", NOW) == NOW - dt.timedelta(minutes=1)
    assert parse_since("1mo", "--since", NOW) == NOW - dt.timedelta(days=30)
    assert parse_since("7", "--since", NOW) == NOW - dt.timedelta(days=7)
    assert parse_since("2025-01-31", "--since", NOW) == dt.datetime(2025, 1, 31, tzinfo=dt.UTC)
    assert parse_since("2025-01-31T08:00+02:00", "--since", NOW) == dt.datetime(
        2025, 1, 31, 6, tzinfo=dt.UTC
    )
    with pytest.raises(DurationError, match=r"or a date like 2025-01-31$"):
        parse_since("last week", "--since", NOW)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("report", "--since", "3 fortnights"), "--since"),
        (("export", "--since", "3 fortnights", "--format", "csv"), "--since"),
        (("diff", "--since", "3 fortnights"), "--since"),
        (("check", "--max-age", "3 fortnights"), "--max-age"),
        (("run", "--no-check", "--max-age", "3 fortnights"), "--max-age"),
        (("ingest", "arxiv:cs.LG", "--since", "3 fortnights"), "--since"),
    ],
)
def test_every_duration_option_gives_the_same_usage_error(
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
    args: tuple[str, ...],
    option: str,
) -> None:
    done = cli(*args, "--db", "t.db", cwd=tmp_path)
    assert done.returncode == Exit.USAGE, done.stderr
    dates = " or a date like 2025-01-31" if option == "--since" else ""
    assert done.stderr.splitlines()[-1] == (
        f"Error: Invalid value for {option}: '3 fortnights' is not a duration; use a number and "
        "a unit (s seconds, m minutes, h hours, d days, w weeks, mo months, y years; a bare "
        f"number is days), e.g. 30m, 12h, 7d, 2w, 6mo, 1y{dates}"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_since_one_m_is_a_minute_on_the_command_line(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("db", "upgrade", "--db", "t.db", cwd=tmp_path).returncode == Exit.OK
    done = cli("diff", "--since", "1m", "--db", "t.db", "--format", "json", cwd=tmp_path)
    assert done.returncode == Exit.OK, done.stderr
    since = dt.datetime.fromisoformat(json.loads(done.stdout)["since"])
    assert dt.timedelta(seconds=30) < dt.datetime.now(dt.UTC) - since < dt.timedelta(minutes=5)
