"""Two checkers at once on one database: nothing corrupted, nothing doubled.

On PostgreSQL an Actions matrix may run overlapping shards against one server (a shard rerun
while the next run starts, or `--shard 1/2` beside `--shard 1/1`). Every repository must end as
one row with one history row per real change. On SQLite two writers take turns on the
database lock.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import paper
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.github.synth import synthetic_scenario
from tracker.errors import StoreError
from tracker.store import open_db, save_papers
from tracker.store.locks import lock_for_write
from tracker.store.schema import CheckAttempt, RepoHistory, Repository

N_REPOS = 60


def _start(db: str, shard: str, env: dict[str, str]) -> subprocess.Popen[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DB", "GITHUB_TOKEN")}
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "check", "--db", db, "--shard", shard],
        env={**base, "NO_COLOR": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("shards", [("1/1", "1/1"), ("1/1", "2/2")])
def test_overlapping_shards_at_once_neither_corrupt_nor_duplicate(
    db_url: str, shards: tuple[str, str]
) -> None:
    scenario = synthetic_scenario(N_REPOS, seed=3)
    names = [f"{r['owner']}/{r['name']}" for r in scenario["repos"]]
    engine = open_db(db_url)
    with engine.begin() as conn:
        save_papers(conn, [paper(i, n) for i, n in enumerate(names)])
    with GitHubEmulator(scenario) as gh:
        env = {"GITHUB_TOKEN": "ghs_C0ncurrent", "TRACKER_GITHUB_API_URL": gh.url}
        procs = [_start(db_url, s, env) for s in shards]
        results = [(p.wait(timeout=240), p.stderr.read() if p.stderr else "") for p in procs]
    for code, stderr in results:
        assert code in (0, 6), stderr
        assert "Traceback" not in stderr
    r, h, a = Repository, RepoHistory, CheckAttempt
    with engine.connect() as conn:
        keys = conn.scalars(select(r.c.key)).all()
        assert len(keys) == len(set(keys))
        per_repo = dict(
            conn.execute(select(h.c.repository_id, func.count()).group_by(h.c.repository_id)).all()
        )
        assert set(per_repo.values()) == {1}, "an unchanged repository got a second history row"
        attempts = conn.scalar(select(func.count()).select_from(a))
    assert len(per_repo) == len(keys)
    assert attempts >= len(keys)


def test_sqlite_names_the_lock_when_another_writer_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    engine = open_db(f"sqlite:///{path}")
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout=50")
            with pytest.raises(StoreError, match="locked by another process") as caught:
                lock_for_write(conn)
    finally:
        holder.rollback()
        holder.close()
    assert "tracker merge" in caught.value.tip
    with engine.begin() as conn:
        lock_for_write(conn)
