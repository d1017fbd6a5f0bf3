"""Progress of a long step on standard error, for a person at a terminal and for a CI log.

At a terminal a `Meter` is a rich bar: done/total, the time left and the time spent, erased
when the step ends (its summary line follows). Where standard error is no terminal — a CI job,
a cron mail, `2> log` — a bar would print nothing until the end, or a screenful of redraws, so
the meter writes one plain line every `PLAIN_EVERY_S` seconds instead, never wrapped at 80
columns (a log has no width): `flagging: 12,000/50,000 papers (24%), about 40 s left`.
A step that ends sooner writes no progress line at all. `--quiet` silences both.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

PLAIN_EVERY_S = 10.0
"""Seconds between two progress lines in a log."""


def duration(seconds: float) -> str:
    """`seconds` as a person says it: `45 s`, `3 min 20 s`, `2 h 5 min`."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s" if s % 60 else f"{s // 60} min"
    return f"{s // 3600} h {s % 3600 // 60} min"


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:,.1f}"


class Meter:
    """How far a step is: call it with what is done, the total when known, and a note.

    `unit` names what is counted (`papers`); with `in_bytes` the counts are bytes of input and
    show as megabytes, the note then saying what was read (`1,200 papers`)."""

    def __init__(
        self,
        console: Console,
        label: str,
        unit: str,
        *,
        in_bytes: bool = False,
        every: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console, self.label, self.unit, self.in_bytes = console, label, unit, in_bytes
        self.every = PLAIN_EVERY_S if every is None else every
        self.clock = clock
        self.bar: Progress | None = None
        self.started = self.last = 0.0

    def __enter__(self) -> Meter:
        self.started = self.last = self.clock()
        if self.console.is_terminal and not self.console.quiet:
            self.bar = Progress(*self._columns(), console=self.console, transient=True)
            self.bar.add_task(self.label, total=None, note="", unit=self._unit())
            self.bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def _unit(self) -> str:
        return "" if self.in_bytes else self.unit

    def _columns(self) -> list[ProgressColumn | str]:
        count: ProgressColumn = DownloadColumn() if self.in_bytes else MofNCompleteColumn()
        return [
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            count,
            TextColumn("{task.fields[unit]}"),
            TimeRemainingColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[note]}"),
        ]

    def __call__(
        self, done: int, total: int | None = None, note: str = "", unit: str | None = None
    ) -> None:
        """Show `done` of `total`; `unit` changes what is counted (a feed learns from its first
        answer whether it can count results, days or only papers)."""
        if unit is not None:
            self.unit = unit
        if self.bar is not None:
            task = self.bar.task_ids[0]
            self.bar.update(task, completed=done, total=total, note=note, unit=self._unit())
            return
        now = self.clock()
        if self.console.quiet or now - self.last < self.every:
            return
        self.last = now
        self.console.print(
            self.line(done, total, now - self.started, note),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )

    def line(self, done: int, total: int | None, elapsed: float, note: str = "") -> str:
        """The plain line a log gets: counts, share, time left (or spent), the note."""
        show = _megabytes if self.in_bytes else (lambda n: f"{n:,}")
        unit = "MB" if self.in_bytes else self.unit
        if total:
            share = 100 * min(done, total) // total
            counts = f"{show(done)}/{show(total)} {unit} ({share}%)"
            if 0 < done < total and elapsed > 0:  # no estimate before anything was done
                counts += f", about {duration(elapsed / done * max(0, total - done))} left"
        else:
            counts = f"{show(done)} {unit}, {duration(elapsed)} so far"
        return f"{self.label}: {counts}" + (f"; {note}" if note else "")
