"""Extraction in worker processes, in input order, in bounded memory.

Extraction is pure CPU work on one record at a time, so with several cores it runs in a pool of
processes while the ingesting process reads the input and writes the database, which it alone
touches. Work goes out in chunks of about `CHUNK` papers, at most `IN_FLIGHT` chunks per process
in flight, so memory does not grow with the input; rows come back in input order, so the
database ends up exactly as the serial path leaves it. Inputs of fewer than `SERIAL_BELOW`
papers are extracted in the ingesting process: starting processes would cost more than they
save.

The ingesting process is the one that cannot be shared (it alone writes), so it does as little
else as it can: a source may leave lines unread but as bytes (`tracker.sources.Entry`, JSON
Lines say), and the workers decode and parse them. An entry that is no record comes back as a
`Skip` with its reason, and lines that cannot be read as a `Stop`, each in its place, for the
caller to count or fail on. Records cross as tuples of their fields and papers come back as
`PaperRows` tuples: pickling the dataclasses themselves cost the ingesting process more than
the extraction it hands off. Anything else given passes through in its place (the caller's
markers). Workers run at a lower priority than the ingesting process, which they would
otherwise slow down on a machine with no spare core. This module imports no database code, and
neither do the workers; on Linux they are forked (no interpreter start-up, nothing imported
twice), elsewhere spawned.

Interrupting the ingest stops it cleanly: workers ignore SIGINT, the ingesting process gets the
KeyboardInterrupt, cancels what has not started and waits for the chunks in hand (a few
milliseconds of work each). A worker whose parent died without that exits on its own.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import chain
from operator import attrgetter
from typing import Any, NamedTuple

from tracker.errors import InputError
from tracker.extract import extract_paper
from tracker.models import PaperRecord
from tracker.processes import WorkerPool, start_worker
from tracker.rows import paper_rows
from tracker.sources import Entry, parse_entry

CHUNK = 500
"""Records per task: large enough that the per-task overhead is noise, small enough to keep
every process busy and little in flight."""
IN_FLIGHT = 4
"""Chunks per process sent ahead: enough to keep every worker busy while the ingesting
process writes a batch (`tracker.store.papers.BATCH` is four chunks), few enough to keep
memory small."""
SERIAL_BELOW = 4 * CHUNK
_FIELDS = tuple(f.name for f in dataclasses.fields(PaperRecord) if f.init)
_pack = attrgetter(*_FIELDS)


class Skip(NamedTuple):
    """An entry that is no record: where it is and why (see `Source.parse`)."""

    path: str
    line: int
    reason: str


class Stop(NamedTuple):
    """Where the lines of an input stop being readable (an `InputError` from `Source.parse`),
    carried to the ingesting process, which raises it in its place."""

    path: str
    line: int | None
    message: str

    def error(self) -> InputError:
        return InputError(self.path, self.message, self.line)


def results_of(item: object) -> list[object]:
    """`PaperRows` of a record, or of each paper in an entry's lines (a `Skip` for an entry
    that is none, then a `Stop` if the lines cannot be read further); anything else as it is."""
    if type(item) is PaperRecord:
        return [paper_rows(extract_paper(item))]
    if type(item) is not Entry:
        return [item]
    out: list[object] = []
    try:
        for line, got in parse_entry(item):
            if isinstance(got, str):
                out.append(Skip(item.path, line, got))
            else:
                out.append(paper_rows(extract_paper(got)))
    except InputError as exc:
        out.append(Stop(exc.source, exc.line, exc.detail))
    return out


def papers_in(item: object) -> int:
    """Papers an item may hold: a record one, an entry one per line, a marker none."""
    if type(item) is Entry:
        return len(item.lines)
    return 1 if type(item) is PaperRecord else 0


class Extraction(WorkerPool):
    """Records and entries in, `results_of` each out in the same order, over `jobs`
    processes when worth it (a `WorkerPool`)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.processes = 1
        """Processes that did the extraction: 1 is the ingesting process itself."""

    def rows(self, items: Iterable[object]) -> Iterator[object]:
        """`results_of` each item, in order. A read error (raised by `items`) comes out
        after the results of every item read before it, as it would serially."""
        it = iter(items)
        head, failure = _take(it, SERIAL_BELOW)
        if self.jobs < 2 or failure is not None or sum(map(papers_in, head)) < SERIAL_BELOW:
            return _serial(head, failure, it)
        return self._parallel(chain(head, it))

    def _parallel(self, items: Iterator[object]) -> Iterator[object]:
        method = "fork" if sys.platform == "linux" else None
        self._pool = ProcessPoolExecutor(
            self.jobs,
            mp_context=multiprocessing.get_context(method),
            initializer=_worker_start,
            initargs=(os.getpid(),),
        )
        self.processes = self.jobs
        in_flight: deque[Future[list[object]]] = deque()
        failure: Exception | None = None
        while failure is None:
            chunk, failure = _take(items, CHUNK)
            if not chunk:
                break
            packed = [_pack(r) if type(r) is PaperRecord else r for r in chunk]
            with _sigint_blocked():  # a worker being forked must not die of Ctrl-C
                in_flight.append(self._pool.submit(_extract_chunk, packed))
            if len(in_flight) >= IN_FLIGHT * self.jobs:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()
        if failure is not None:
            raise failure


def _take(items: Iterator[object], n: int) -> tuple[list[object], Exception | None]:
    """Items until they may hold `n` papers (`papers_in`), and the error that stopped reading
    early, if one did."""
    out: list[object] = []
    taken = 0
    try:
        for item in items:
            out.append(item)
            taken += papers_in(item)
            if taken >= n:
                break
    except Exception as exc:  # what was read before it comes first; Ctrl-C goes at once
        return out, exc
    return out, None


def _serial(
    head: list[object], failure: Exception | None, rest: Iterator[object]
) -> Iterator[object]:
    for item in head:
        yield from results_of(item)
    if failure is not None:
        raise failure
    for item in rest:
        yield from results_of(item)


def _extract_chunk(packed: list[Any]) -> list[object]:
    return [
        result
        for item in packed
        for result in results_of(PaperRecord(*item) if type(item) is tuple else item)
    ]


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT held back from this thread and from processes started meanwhile, which inherit
    the mask; a Ctrl-C arriving meanwhile is delivered when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _worker_start(parent: int) -> None:
    """`start_worker`, and SIGINT unblocked again (forked while the ingesting process held it
    back, `_sigint_blocked`); ignored all the same."""
    start_worker(parent)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
