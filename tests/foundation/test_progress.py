"""Progress: a bar at a terminal, a plain line every few seconds in a log, and the counts the
stages report to it (flag, enrich, ingest)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from tracker import pipeline
from tracker.cli import progress as progress_module
from tracker.cli.progress import Meter, duration
from tracker.config import Settings
from tracker.enrich import EnrichOptions, enrich_papers
from tracker.flags.run import flag_papers
from tracker.http import HttpPolicy
from tracker.sources import ReadStats
from tracker.store import open_db

ROOT = Path(__file__).resolve().parents[2]
FAST = HttpPolicy(timeout_s=2, connect_timeout_s=1, max_attempts=1, sleep=lambda _s: None)
EXAMPLE = ROOT / "examples" / "hf-trending.txt"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def log_console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, force_terminal=False, width=80, soft_wrap=True), buf


def test_a_log_gets_one_plain_line_every_few_seconds() -> None:
    console, buf = log_console()
    clock = Clock()
    with Meter(console, "flagging", "papers", every=10, clock=clock) as meter:
        assert meter.bar is None
        for second in range(1, 36):
            clock.now += 1
            meter(second * 1000, 50_000)
    assert buf.getvalue().splitlines() == [
        "flagging: 10,000/50,000 papers (20%), about 40 s left",
        "flagging: 20,000/50,000 papers (40%), about 30 s left",
        "flagging: 30,000/50,000 papers (60%), about 20 s left",
    ]


def test_a_log_line_is_never_wrapped_and_says_what_it_can() -> None:
    console, buf = log_console()
    clock = Clock()
    note = "GitHub rate limit nearly spent: waiting for the reset at 14:05 UTC (12 min)"
    with Meter(console, "checking", "repositories", every=0, clock=clock) as meter:
        clock.now += 3725
        meter(3, 4, note)
        meter(0, 4)
        meter(12)
    assert buf.getvalue().splitlines() == [
        f"checking: 3/4 repositories (75%), about 20 min 42 s left; {note}",
        "checking: 0/4 repositories (0%)",
        "checking: 12 repositories, 1 h 2 min so far",
    ]


def test_bytes_read_show_as_megabytes() -> None:
    console, buf = log_console()
    with Meter(console, "reading", "papers", in_bytes=True, every=0, clock=Clock()) as meter:
        meter(12_300_000, 50_000_000, "1,200 papers")
    assert buf.getvalue() == "reading: 12.3/50.0 MB (24%); 1,200 papers\n"


def test_a_terminal_gets_a_bar_and_quiet_gets_nothing() -> None:
    buf = io.StringIO()
    terminal = Console(file=buf, force_terminal=True, width=100)
    with Meter(terminal, "flagging", "papers") as meter:
        assert meter.bar is not None
        meter(7, 70)
        task = meter.bar.tasks[0]
        assert (task.completed, task.total, task.description) == (7, 70, "flagging")
    console, quiet = log_console()
    console.quiet = True
    with Meter(console, "flagging", "papers", every=0) as meter:
        meter(1, 2)
    assert quiet.getvalue() == ""


def test_the_default_interval_is_read_when_the_meter_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(progress_module, "PLAIN_EVERY_S", 0.0)
    console, buf = log_console()
    with Meter(console, "flagging", "papers") as meter:
        meter(1, 1)
    assert buf.getvalue() == "flagging: 1/1 papers (100%)\n"


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0, "0 s"), (59.4, "59 s"), (60, "1 min"), (200, "3 min 20 s"), (7500, "2 h 5 min")],
)
def test_duration(seconds: float, said: str) -> None:
    assert duration(seconds) == said


def test_the_stages_report_done_and_total(sqlite_url: str) -> None:
    engine = open_db(sqlite_url)
    stats = ReadStats()
    read: list[tuple[int, int]] = []
    pipeline.ingest(
        engine, [str(EXAMPLE)], progress=lambda n: read.append((n, stats.bytes_read)), stats=stats
    )
    assert read == [(7, stats.bytes_read)]
    assert stats.bytes_read == EXAMPLE.stat().st_size
    # every service on a closed local port and no host resolving: each look-up ends unknown
    closed = "http://127.0.0.1:9"
    settings = Settings(db_url=sqlite_url, hf_endpoint=closed, arxiv_api_url=closed)
    flagged: list[tuple[int, int]] = []
    flag_papers(engine, settings, progress=lambda done, total: flagged.append((done, total)))
    assert flagged == [(7, 7)]
    again: list[tuple[int, int]] = []
    flag_papers(engine, settings, progress=lambda done, total: again.append((done, total)))
    assert again == []  # nothing changed, nothing due: nothing judged again
    looked: list[tuple[int, int]] = []
    enrich_papers(
        engine,
        settings,
        options=EnrichOptions(budget=3, pdf=False, workers=1, resolver=lambda _host: [], http=FAST),
        progress=lambda done, total: looked.append((done, total)),
    )
    assert looked == [(1, 3), (2, 3), (3, 3)]
