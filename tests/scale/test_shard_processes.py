"""Four `tracker check --shard K/4` processes at once against one PostgreSQL store exactly what
one `tracker check` stores, row for row, and the flag run after each gives the same verdicts;
so do the four run one after another, where a later shard plans after an earlier one saved a
rename."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from sqlalchemy import Engine, create_engine, select, text

from tests.factories import paper
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.github.synth import synthetic_scenario
from tracker.store import open_db, save_papers
from tracker.store.schema import (
    CheckAttempt,
    Paper,
    RepoAlias,
    RepoEvidence,
    RepoHistory,
    Repository,
)
from tracker.store.schema import Finding as FindingRow

N_REPOS = 48
SHARDS = 4
WHEN = frozenset(
    {
        "id",
        "repository_id",
        "first_seen_at",
        "last_checked_at",
        "full_checked_at",
        "first_ok_at",
        "last_changed_at",
        "requests_checked_at",
        "observed_at",
        "fetched_at",
        "seen_at",
        "updated_at",
        "flagged_at",
        "paper_id",
        "tally_code",
        "license_code",
        "checked_repo_id",
        "flag_due",
        "run_id",
        "checked_at",
        "duration_ms",
    }
)
"""Clock readings, row numbers and run numbers (four runs against one), which the two stores
cannot share; every other column must match."""


def _check(db: str, shard: str | None, env: dict[str, str]) -> subprocess.Popen[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DB", "GITHUB_TOKEN")}
    cmd = [sys.executable, "-m", "tracker", "check", "--db", db]
    return subprocess.Popen(
        cmd + (["--shard", shard] if shard else []),
        env={**base, "NO_COLOR": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(procs: list[subprocess.Popen[str]]) -> None:
    for p in procs:
        code = p.wait(timeout=300)
        err = p.stderr.read() if p.stderr else ""
        assert code == 0, err
        assert "Traceback" not in err


def _rows(engine: Engine, model: Any, order: tuple[str, ...]) -> list[dict[str, Any]]:
    t = model
    r = Repository
    cols = [c for c in t.c if c.name not in WHEN]
    q = select(*cols)
    if "repository_id" in t.c:
        q = select(r.c.key.label("repo"), *cols).join(r, r.c.id == t.c.repository_id)
    with engine.connect() as conn:
        rows = [dict(m) for m in conn.execute(q).mappings()]
    return sorted(rows, key=lambda m: tuple(str(m[k]) for k in order))


def _findings(engine: Engine) -> list[tuple[Any, ...]]:
    p, f = Paper, FindingRow
    cols = [c for c in f.c if c.name not in WHEN]
    with engine.connect() as conn:
        rows = conn.execute(select(p.c.key, *cols).join(p, p.c.id == f.c.paper_id)).all()
    return sorted(tuple(r) for r in rows)


def _store(engine: Engine) -> dict[str, Any]:
    return {
        "repository": _rows(engine, Repository, ("key",)),
        "repo_alias": _rows(engine, RepoAlias, ("alias",)),
        "repo_evidence": _rows(engine, RepoEvidence, ("repo",)),
        "repo_history": _rows(engine, RepoHistory, ("repo", "status", "stars")),
        "check_attempt": _rows(engine, CheckAttempt, ("target", "checker", "status")),
    }


def test_four_shard_processes_store_what_one_checker_stores(pg_url: str) -> None:
    base, name = pg_url.rsplit("/", 1)
    scenario = synthetic_scenario(N_REPOS, seed=5)
    names = [f"{r['owner']}/{r['name']}" for r in scenario["repos"]]
    one, many = open_db(pg_url), None
    admin = create_engine(
        pg_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}_shards"'))
    shards_url = f"{base}/{name}_shards"
    try:
        many = open_db(shards_url)
        for engine in (one, many):
            with engine.begin() as conn:
                save_papers(conn, [paper(i, n) for i, n in enumerate(names)])
        with GitHubEmulator(scenario) as gh:
            env = {"GITHUB_TOKEN": "ghs_Sh4rdsAtOnce", "TRACKER_GITHUB_API_URL": gh.url}
            _finish([_check(pg_url, None, env)])
            _finish([_check(shards_url, f"{k}/{SHARDS}", env) for k in range(1, SHARDS + 1)])
        single, sharded = _store(one), _store(many)
        assert len(single["repository"]) == N_REPOS
        for table, rows in single.items():
            assert sharded[table] == rows, table
        for url in (pg_url, shards_url):
            done = subprocess.run(
                [sys.executable, "-m", "tracker", "flag", "--db", url],
                capture_output=True,
                text=True,
                env={**os.environ, "NO_COLOR": "1"},
            )
            assert done.returncode == 0, done.stderr
        assert _findings(many) == _findings(one)
        assert _rows(many, Paper, ("key",)) == _rows(one, Paper, ("key",))
    finally:
        one.dispose()
        if many is not None:
            many.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}_shards" WITH (FORCE)'))
        admin.dispose()


def test_shards_one_after_another_check_a_renamed_repository_once(tmp_path: Any) -> None:
    """The jobs of a matrix start when they start: a shard that plans after another has saved a
    rename must not take the repository again by its new key. Run highest shard first, so a
    repository whose new key falls in a lower shard than the name its paper links is planned
    by that lower shard after the rename is stored; the stores must still match."""
    from tracker.check.shard import shard_of

    scenario = synthetic_scenario(N_REPOS, seed=5)
    names = [f"{r['owner']}/{r['name']}" for r in scenario["repos"]]
    moved = [
        (f"{r['owner']}/{r['name']}", e["to"])
        for r in scenario["repos"]
        for e in r.get("events", [])
        if e.get("type") == "renamed"
    ]
    assert any(shard_of(new, SHARDS) < shard_of(old, SHARDS) for old, new in moved)
    one = open_db(f"sqlite:///{tmp_path / 'one.db'}")
    many = open_db(f"sqlite:///{tmp_path / 'many.db'}")
    try:
        for engine in (one, many):
            with engine.begin() as conn:
                save_papers(conn, [paper(i, n) for i, n in enumerate(names)])
        with GitHubEmulator(scenario) as gh:
            env = {"GITHUB_TOKEN": "ghs_Sh4rdsInTurn", "TRACKER_GITHUB_API_URL": gh.url}
            _finish([_check(str(one.url), None, env)])
            for k in range(SHARDS, 0, -1):
                _finish([_check(str(many.url), f"{k}/{SHARDS}", env)])
        single, sharded = _store(one), _store(many)
        for table, rows in single.items():
            assert sharded[table] == rows, table
    finally:
        one.dispose()
        many.dispose()
