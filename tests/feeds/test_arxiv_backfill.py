"""A busy arXiv month through the real command line: paged at arXiv's pace rule (scaled down),
memory flat in the number of papers, and a rerun the next day asking only for the new day."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine

from tests.feeds.conftest import PACE_S, count
from tracker.emulators.arxiv import ArxivEmulator
from tracker.sources.feeds.arxiv import PAGE_SIZE

PER_DAY = 333
MEASURED = (
    "import resource, sys\n"
    "from tracker.cli import main\n"
    "sys.argv = ['tracker', *sys.argv[1:]]\n"
    "try:\n    main()\n"
    "finally:\n"
    # VmHWM is this process's own peak: ru_maxrss keeps the forking parent's across exec
    "    hwm = [int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM:')]\n"
    "    peak = hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    sys.stderr.write(f'\\nmaxrss {peak}\\n')\n"
)


def ingest(url: str, db: Path, *args: str) -> tuple[int, str, int]:
    """Run `tracker ingest` in its own process: exit code, stderr, and its peak RSS in KiB."""
    env = {"TRACKER_ARXIV_PACE_S": str(PACE_S), "COLUMNS": "200", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, "ingest", *args, "--db", f"sqlite:///{db}",
         "--arxiv-api-url", f"{url}/api/query", "--jobs", "1"],
        capture_output=True, text=True, timeout=600, env={**_base_env(), **env},
    )  # fmt: skip
    peak = int(re.findall(r"maxrss (\d+)", done.stderr)[-1])
    return done.returncode, done.stderr, peak


def _base_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "TRACKER_DB"}


def scenario(last_day: int) -> dict[str, object]:
    spec = {"category": "cs.LG", "from": "2025-04-01", "to": f"2025-04-{last_day:02d}",
            "per_day": PER_DAY}  # fmt: skip
    return {"synthetic": spec, "pace_s": PACE_S}


def test_a_busy_month_backfills_in_flat_memory_and_the_next_day_costs_one_request(
    tmp_path: Path,
) -> None:
    pages_per_day = -(-PER_DAY // PAGE_SIZE)
    with ArxivEmulator(scenario(3)) as small:
        code, _, small_peak = ingest(
            small.url, tmp_path / "small.db", "arxiv:cs.LG/2025-04-01..2025-04-03"
        )
        assert code == 0
    with ArxivEmulator(scenario(30)) as ax:
        code, err, peak = ingest(
            ax.url, tmp_path / "month.db", "arxiv:cs.LG", "--since", "2025-04-01",
            "--until", "2025-04-30",
        )  # fmt: skip
        assert code == 0, err
        assert "arxiv:cs.LG: 9,990 papers read (9,990 new)" in err
        assert ax.count(path_prefix="/api/query") == 30 * pages_per_day
        assert {r.status for r in ax.requests} == {200}  # the pace was kept: no 503
        engine = create_engine(f"sqlite:///{tmp_path / 'month.db'}")
        assert count(engine, "paper") == 30 * PER_DAY
        assert count(engine, "paper_feed") == 30 * PER_DAY
        # ten times the papers, not ten times the memory
        assert peak - small_peak < 40 * 1024, (small_peak, peak)

        ax.synthesize("cs.LG", dt.date(2025, 5, 1), 40)
        before = len(ax.requests)
        code, err, _ = ingest(ax.url, tmp_path / "month.db", "arxiv:cs.LG", "--until", "2025-05-01")
        assert code == 0, err
        asked = [r.arg("search_query") for r in ax.requests[before:]]
        assert asked == ["cat:cs.LG AND submittedDate:[202505010000 TO 202505012359]"]
        assert "arxiv:cs.LG: 40 papers read (40 new)" in err
        assert count(engine, "paper") == 30 * PER_DAY + 40
        with engine.connect() as conn:
            from sqlalchemy import text

            cursor = conn.execute(text('SELECT started, through, day, "offset" FROM feed')).one()
        assert tuple(cursor) == ("2025-04-01", "2025-05-01", None, 0)
