"""Worker processes, whatever they do: how many by default, how each starts, and the pool as a
context manager. Extraction (`tracker.workers`) and the flag run's judges
(`tracker.flags.pool`) build on this; it imports neither, so a command asks how many jobs it may
start without importing what the workers run.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import Self

MAX_DEFAULT_JOBS = 4
WORKER_NICENESS = 10
"""Added to the workers' nice value: the process that started them, which alone writes, comes
first."""
_ORPHAN_CHECK_S = 1.0


def default_jobs() -> int:
    """The cores this process may use, at most `MAX_DEFAULT_JOBS`."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_DEFAULT_JOBS))


class WorkerPool:
    """Worker processes (`_pool`, once started) as a context manager: leaving it, normally or
    by an exception, stops them, cancelling the work not started."""

    _pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Self:
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


def start_worker(parent: int) -> None:
    """What a worker process does first: leave Ctrl-C to the process `parent` that started it
    (which stops the workers), run at a lower priority than it (it alone writes, so it comes
    first on a machine with no spare core), and exit once it is gone without stopping them (a
    worker blocked on an empty queue would otherwise wait for ever). The parent is asked after
    by its id: a forkserver's children are not its children."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    while True:
        time.sleep(_ORPHAN_CHECK_S)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass


__all__ = ["MAX_DEFAULT_JOBS", "WORKER_NICENESS", "WorkerPool", "default_jobs", "start_worker"]
