"""Worker processes that read and judge a flag run's batches while the run's process saves.

A flag run spends its time in three parts of about the same weight: reading facts, judging them
(pure Python) and saving what changed. Saving has to stay in one process (SQLite has one writer,
and one writer keeps PostgreSQL's batches in the order the serial run writes them), so the
workers take the other two: each is given a batch as a list of paper ids, reads those papers'
facts on its own connection, judges them, reads what is stored of those papers and hands back
the writes that store the judgements (`tracker.store.findings.plan_writes`), with what the
saving process needs to tell whether the rows they were worked out from moved since
(`tracker.store.flag_due.change_stamp` on SQLite, `row_versions` on PostgreSQL). The saving
process, the one part more workers cannot spread, then only writes.

Workers are started by 'forkserver' where there is one (never forked from a process holding an
open engine), with the flag modules imported once in the server; they run at a lower priority
than the saving process, ignore Ctrl-C (the saving process gets it and stops them), and exit
when it dies without stopping them. A worker's database failure comes back as the one-line
`StoreError` the CLI turns into its exit code; any other exception comes back as it was raised.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.context import BaseContext
from typing import Any

from sqlalchemy.exc import DBAPIError

from tracker.errors import StoreError
from tracker.flags.facts import ProbeContext
from tracker.processes import WorkerPool, start_worker
from tracker.store.defaults import utcnow
from tracker.store.engine import make_engine, write_failure
from tracker.store.findings import Writes, plan_writes
from tracker.store.flag_due import row_versions


@dataclass(frozen=True, slots=True)
class Judging:
    """What every batch of one run is judged under (sent once to each worker)."""

    url: str
    today: dt.date
    grace_days: int
    stale_months: int
    kept: bool
    """False when the run's judgements are stored due now (`flag_papers`' `plan.kept`)."""
    due_written: bool = False
    """Whether each judgement's `flag_due` is written even where it equals the one the worker
    reads (`plan_state`). In a run of the due papers it always differs from the one the
    saving transaction holds (due by today there, later after), and that transaction may
    hold marks the worker cannot see (`spread_queue`)."""


Judged = tuple[object, list[Any] | Writes]
"""A worker's answer for one batch: the row versions it read (`row_versions`), then the
writes that store its judgements, or, when one needs a summary code not numbered yet, the
stored form of each paper's judgement, in the order of the batch's ids."""


class Judges(WorkerPool):
    """`jobs` worker processes judging batches of paper ids (`submit`); a `WorkerPool`."""

    def __init__(self, judging: Judging, jobs: int) -> None:
        self._pool = ProcessPoolExecutor(
            jobs,
            mp_context=_context(),
            initializer=_start,
            initargs=(judging, os.getpid()),
        )

    def submit(self, ids: list[int]) -> Future[Judged]:
        assert self._pool is not None, "used after leaving"
        return self._pool.submit(_judge, ids)


def _context() -> BaseContext:
    """The start method of the workers: 'forkserver', importing the flag modules once in the
    server, where there is one; else 'spawn'."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tracker.flags.run"])
    return context


def warm_up() -> None:
    """Start the fork server now, without waiting for it: its import of the flag modules then
    runs on another core while the run works out which papers are due, not after, when the
    first batch waits for it. Nothing where there is no fork server, or one runs already. One
    left unused waits idle until this process exits."""
    if _context().get_start_method() == "forkserver":
        forkserver.ensure_running()


_worker: dict[str, Any] = {}
"""The worker process's engine and run settings (set by `_start`)."""


def _start(judging: Judging, parent: int) -> None:
    start_worker(parent)
    _worker["engine"] = make_engine(judging.url, create=False)
    _worker["judging"] = judging


def _judge(ids: list[int]) -> Judged:
    from tracker.flags.run import judge_ids  # which imports this module

    j: Judging = _worker["judging"]
    ctx = ProbeContext(today=j.today, grace_days=j.grace_days, stale_months=j.stale_months)
    try:
        with _worker["engine"].connect() as conn:
            versions = row_versions(conn, ids)  # before the facts: a change between reads shows
            judged = judge_ids(conn, ids, ctx, kept=j.kept)
            planned = plan_writes(
                conn, judged, utcnow(), numbering=False, due_written=j.due_written
            )
            return versions, judged if planned is None else planned
    except DBAPIError as exc:
        raise _failure(exc) from None


def _failure(exc: DBAPIError) -> StoreError:
    """The database's refusal as the one line the CLI prints (the driver's own exception
    may not survive the trip back to the saving process)."""
    doing, kept = "reading facts to judge", "every batch saved before is kept"
    failure = write_failure(exc, doing, kept)
    if failure is not None:
        return failure
    reason = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]
    return StoreError(f"the database refused {doing} ({reason}); {kept}")


__all__ = ["Judged", "Judges", "Judging", "warm_up"]
