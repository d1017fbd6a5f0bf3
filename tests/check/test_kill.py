"""`kill -9` during `tracker check`, then a rerun: complete, no duplicate or lost rows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

from tests.check.conftest import linked_db
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.github.synth import synthetic_scenario
from tracker.store.schema import Repository


def _check(db: str, api: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "check", "--db", db, "--github-api-url", api, "--rest"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_kill_then_rerun_completes(tmp_path: Path) -> None:
    sc = synthetic_scenario(60, seed=3)
    sc["rate_limits"] = {"core": {"unauthenticated": 100_000}}
    names = [f"{r['owner']}/{r['name']}" for r in sc["repos"]]
    db = f"sqlite:///{tmp_path / 'k.db'}"
    engine = linked_db(db, names)
    with GitHubEmulator(sc, faults={"latency_ms": 15}) as gh:
        proc = _check(db, gh.url)
        while gh.count(path_prefix="/repos/") < 120 and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with engine.connect() as conn:
            partial = conn.execute(select(func.count()).select_from(Repository)).scalar_one()
        rerun = _check(db, gh.url)
        _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert 0 < partial < 60
    with engine.connect() as conn:
        keys = conn.execute(select(Repository.c.key)).scalars().all()
        unchecked = conn.execute(
            select(func.count()).where(Repository.c.last_checked_at.is_(None))
        ).scalar_one()
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    assert len(keys) == len(set(keys)) == 60 and unchecked == 0
