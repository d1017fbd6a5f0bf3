"""Extraction in worker processes, in input order, in bounded memory.

Extraction is pure CPU work on one record at a time, so with several cores it runs in a pool of
processes while the ingesting process reads the input and writes the database, which it alone
touches. Records go out in chunks of `CHUNK`, at most two chunks per process in flight, so
memory does not grow with the input; rows come back in input order, so the database ends up
exactly as the serial path leaves it. Inputs of fewer than `SERIAL_BELOW` records are extracted
in the ingesting process: starting processes would cost more than they save.

Records cross as tuples of their fields and papers come back as `PaperRows` tuples: pickling
the dataclasses themselves cost the ingesting process more than the extraction it hands off.
This module imports no database code, and neither do the workers; on Linux they are forked
(no interpreter start-up, nothing imported twice), elsewhere spawned.

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
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import chain, islice
from operator import attrgetter
from types import TracebackType
from typing import Any

from tracker.extract import extract_paper
from tracker.models import PaperRecord
from tracker.rows import PaperRows, paper_rows

CHUNK = 500
"""Records per task: large enough that the per-task overhead is noise, small enough to keep
every process busy and little in flight."""
SERIAL_BELOW = 4 * CHUNK
MAX_DEFAULT_JOBS = 4
_FIELDS = tuple(f.name for f in dataclasses.fields(PaperRecord) if f.init)
_pack = attrgetter(*_FIELDS)
_ORPHAN_CHECK_S = 1.0


def default_jobs() -> int:
    """The cores this process may use, at most `MAX_DEFAULT_JOBS`."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_DEFAULT_JOBS))


def prepare(record: PaperRecord) -> PaperRows:
    return paper_rows(extract_paper(record))


class Extraction:
    """Records in, `PaperRows` out in the same order, over `jobs` processes when worth it.

    A context manager: leaving it, normally or by an exception, shuts the workers down.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.processes = 1
        """Processes that did the extraction: 1 is the ingesting process itself."""
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Extraction:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def rows(self, records: Iterable[PaperRecord]) -> Iterator[PaperRows]:
        it = iter(records)
        head = list(islice(it, SERIAL_BELOW))
        if self.jobs < 2 or len(head) < SERIAL_BELOW:
            return map(prepare, chain(head, it))
        return self._parallel(chain(head, it))

    def _parallel(self, records: Iterator[PaperRecord]) -> Iterator[PaperRows]:
        method = "fork" if sys.platform == "linux" else None
        self._pool = ProcessPoolExecutor(
            self.jobs,
            mp_context=multiprocessing.get_context(method),
            initializer=_worker_start,
            initargs=(os.getpid(),),
        )
        self.processes = self.jobs
        in_flight: deque[Future[list[PaperRows]]] = deque()
        while chunk := [_pack(r) for r in islice(records, CHUNK)]:
            with _sigint_blocked():  # a worker being forked must not die of Ctrl-C
                in_flight.append(self._pool.submit(_extract_chunk, chunk))
            if len(in_flight) >= 2 * self.jobs:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


def _extract_chunk(packed: list[tuple[Any, ...]]) -> list[PaperRows]:
    return [prepare(PaperRecord(*fields)) for fields in packed]


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
    """Leave Ctrl-C to the ingesting process, and exit if it dies without shutting us down
    (a worker blocked on an empty queue would otherwise wait for ever)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_ORPHAN_CHECK_S)
    os._exit(1)
