"""Worker processes (`tracker.processes`) do not outlive the process that started them: killed
without a chance to stop them, it leaves no worker behind, forked or started by a forkserver."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

PARENT = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from tracker.processes import WorkerPool, start_worker

class Pool(WorkerPool):
    def __init__(self, method):
        self._pool = ProcessPoolExecutor(
            2,
            mp_context=multiprocessing.get_context(method),
            initializer=start_worker,
            initargs=(os.getpid(),),
        )

if __name__ == "__main__":
    pool = Pool(sys.argv[1])
    pids = {pool._pool.submit(os.getpid).result() for _ in range(8)}
    print(" ".join(map(str, sorted(pids))), flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie nobody reaped yet has exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_workers_exit_once_the_process_that_started_them_is_killed(
    method: str, tmp_path: Path
) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script), method], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert pids and all(_alive(p) for p in pids)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in pids if _alive(p)]
