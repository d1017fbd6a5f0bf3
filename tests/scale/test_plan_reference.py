"""The plan the database orders (`tracker.schedule.plan`) is, value for value and in order, the
plan written out plainly below from whole rows read back, on both backends: every status,
dead counts around the threshold, checks just before, at and after each age, ties broken by
keys that sort differently in a language's collation than byte by byte, names linked without a
repository row, old names (aliases), unlinked repositories, open promises; and the shards of
every `--shard K/N` partition the plan, each keeping its order."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, insert, select, update

from tests.factories import paper
from tracker.check.shard import Shard, in_shard
from tracker.models import DueRepo
from tracker.schedule import plan
from tracker.store import open_db, save_papers
from tracker.store.schema import Link, Paper, PaperState, RepoAlias, Repository

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
WEEK = dt.timedelta(days=7)
HOURS = (None, 0, 23, 24, 25, 24 * 7 - 1, 24 * 7, 24 * 7 + 1, 24 * 30)
"""Hours since the last check (None: never), around the ages the test plans with."""
STATUSES = ("ok", "unknown", "unchecked", "not_found", "moved", "empty", "blocked")
TIED = ("tie/a-b", "tie/ab", "tie/a_b", "tie/a.b", "tie/a0", "tie/ab-", "tie/aü", "tie/b")
"""Checked at the same moment, so only the key orders them (byte order, not a collation's)."""
AGES = (None, dt.timedelta(0), dt.timedelta(days=1), WEEK, dt.timedelta(days=30))


def _rows() -> list[dict[str, object]]:
    combos = [
        (status, dead, hours)
        for status in STATUSES
        for dead in ((0, 1, 2, 3) if status in ("not_found", "blocked") else (0,))
        for hours in HOURS
    ]
    rows = []
    for i, (status, dead, hours) in enumerate(combos):
        checked = None if hours is None else NOW - dt.timedelta(hours=hours)
        rows.append(
            {
                "key": f"lab-{i % 7}/repo-{i}",
                "full_name": "" if i % 11 == 0 else f"Lab-{i % 7}/Repo-{i}",
                "status": status,
                "dead_confirmations": dead,
                "last_checked_at": checked,
                "etag": f'W/"{i}"' if i % 3 else None,
                "last_modified": f"day {i}" if i % 4 else None,
                "probe_digest": f"{i:064x}" if i % 5 else None,
                "full_checked_at": checked - dt.timedelta(days=i % 9) if checked else None,
                "releases_count": i % 6 if i % 2 else None,
            }
        )
    tied = NOW - dt.timedelta(days=10)
    rows += [{"key": k, "full_name": k, "status": "ok", "last_checked_at": tied} for k in TIED]
    rows += [
        {"key": "lonely/unlinked", "full_name": "lonely/unlinked", "status": "unknown"},
        {"key": "lab-2/renamed", "full_name": "Lab-2/Renamed", "status": "ok"},
        {"key": "both/new-name", "full_name": "Both/New-Name", "status": "unknown"},
    ]
    return rows


def _seed(url: str) -> None:
    """The repositories of `_rows`; papers linking all but one of them, a name by an old
    name only, one repository by both names, names with no row; every fourth paper promises
    code (some already delivered)."""
    rows = _rows()
    linked = [str(r["key"]) for r in rows if r["key"] not in ("lonely/unlinked", "lab-2/renamed")]
    linked += ["lab-2/old-name", "both/old-name", "new/never-seen", "New/Upper-Case", "new/z"]
    engine = open_db(url)
    with engine.begin() as conn:
        save_papers(conn, [paper(i, name) for i, name in enumerate(linked)])
        defaults = {c: None for c in rows[0]} | {"dead_confirmations": 0}
        conn.execute(insert(Repository), [defaults | r for r in rows])
        ids = {k: i for k, i in conn.execute(select(Repository.c.key, Repository.c.id))}
        conn.execute(
            insert(RepoAlias),
            [
                {"alias": "lab-2/old-name", "repository_id": ids["lab-2/renamed"]},
                {"alias": "both/old-name", "repository_id": ids["both/new-name"]},
                {"alias": "lonely/old-name", "repository_id": ids["lonely/unlinked"]},
            ],
        )
        p, s = Paper, PaperState
        conn.execute(update(p).where(p.c.id % 4 == 0).values(code_status="promised"))
        # a promise linked by the old name only: the plan lists the repository by its own key
        by_old = select(Link.c.paper_id).where(Link.c.repo_key == "lab-2/old-name")
        conn.execute(update(p).where(p.c.id.in_(by_old)).values(code_status="promised"))
        conn.execute(update(s).where(s.c.paper_id % 4 == 0).values(verdict_kind="pending"))
        conn.execute(update(s).where(s.c.paper_id % 8 == 0).values(verdict_kind="available"))
        old_name = s.c.paper_id.in_(by_old)
        conn.execute(update(s).where(old_name).values(verdict_kind="pending"))
    engine.dispose()


def _urgent(conn: Connection) -> set[str]:
    """The repositories linked by papers that promised code or weights and have not
    delivered, by the key a plan lists them under: a linked old name stands for the
    repository it names."""
    current = {
        alias: key
        for alias, key in conn.execute(
            select(RepoAlias.c.alias, Repository.c.key).join(
                Repository, Repository.c.id == RepoAlias.c.repository_id
            )
        )
    }
    links = [(p, k) for p, k in conn.execute(select(Link.c.paper_id, Link.c.repo_key))]
    state = {
        row.paper_id: row
        for row in conn.execute(
            select(
                PaperState.c.paper_id,
                Paper.c.code_status,
                Paper.c.weights_status,
                PaperState.c.verdict_kind,
            )
            .select_from(PaperState)
            .join(Paper, Paper.c.id == PaperState.c.paper_id)
        )
    }
    return {
        current.get(key, key)
        for pid, key in links
        if key is not None
        and "promised" in (state[pid].code_status, state[pid].weights_status)
        and state[pid].verdict_kind != "available"
    }


def _reference(conn: Connection, max_age: dt.timedelta | None) -> list[DueRepo]:
    """The plan from first principles: whole rows read back, then Python."""
    r = Repository
    repos = {row.key: row for row in conn.execute(select(r))}
    by_id = {row.id: row for row in repos.values()}
    alias = {a: i for a, i in conn.execute(select(RepoAlias.c.alias, RepoAlias.c.repository_id))}
    links = [k for (k,) in conn.execute(select(Link.c.repo_key))]
    urgent = _urgent(conn)
    found: dict[str, DueRepo] = {}
    for name in {key for key in links if key is not None}:
        row = repos.get(name) or by_id.get(alias.get(name, -1))
        if row is None:
            found[name] = DueRepo(name, name)
            continue
        found[row.key] = DueRepo(
            row.key,
            row.full_name or row.key,
            row.status,
            row.last_checked_at,
            row.etag,
            row.last_modified,
            row.probe_digest,
            row.full_checked_at,
            row.dead_confirmations or 0,
            row.releases_count,
        )

    def due(d: DueRepo) -> bool:
        if d.status in ("unknown", "unchecked") or d.last_checked_at is None:
            return True
        age = max(max_age or WEEK, WEEK) if d.dead_confirmations >= 2 else max_age
        return age is None or d.last_checked_at <= NOW - age

    rank = {"unknown": 0, "unchecked": 1}
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(
        (d for d in found.values() if due(d)),
        key=lambda d: (
            d.key not in urgent,
            rank.get(d.status, 2),
            d.last_checked_at or never,
            d.key,
        ),
    )


@pytest.fixture(params=["sqlite", "postgres"])
def seeded(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A seeded database; on PostgreSQL one whose text sorts by a language's rules, where
    only an explicit byte order gives Python's order."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        url = str(request.getfixturevalue("pg_url_icu"))
    _seed(url)
    return url


def test_the_plan_is_the_reference_plan(seeded: str) -> None:
    engine = open_db(seeded)
    with engine.connect() as conn:
        plans = {age: _reference(conn, age) for age in AGES}
        urgent = _urgent(conn)
        for age, want in plans.items():
            assert plan(conn, NOW, age) == want, age
            assert plan(conn, NOW, age, limit=7) == want[:7], age
    engine.dispose()
    every = plans[None]
    keys = {d.key for d in every}
    assert len(keys) == len(every)  # once each, whichever name links it
    assert {"lab-2/renamed", "both/new-name", "new/never-seen", "new/upper-case"} <= keys
    assert not {"lonely/unlinked", "lab-2/old-name", "both/old-name"} & keys
    tied = [d.key for d in every if d.key.startswith("tie/") and d.key not in urgent]
    assert len(tied) > 4
    assert tied == sorted(tied)
    assert len({len(p) for p in plans.values()}) == 4  # ages 0 and None differ in none
    assert urgent & keys and every[0].key in urgent  # open promises first
    first = [d.key for d in every[: len(urgent & keys)]]
    assert "lab-2/renamed" in first  # promised under its old name only
    assert next(d for d in every if d.key == "new/z") == DueRepo("new/z", "new/z")


def _shard_names(conn: Connection) -> dict[str, str]:
    """The name each planned key is sharded by: itself when a link names it, else the
    smallest (byte order) of its old names that a link names."""
    linked = {k for (k,) in conn.execute(select(Link.c.repo_key)) if k is not None}
    names = {k: k for k in linked}
    aliases = conn.execute(
        select(RepoAlias.c.alias, Repository.c.key).join(
            Repository, Repository.c.id == RepoAlias.c.repository_id
        )
    )
    for alias, key in sorted(aliases, key=lambda row: row[0].encode()):
        if alias in linked and key not in linked:
            names.setdefault(key, alias)
    return names


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_the_shards_partition_the_plan(seeded: str, n: int) -> None:
    engine = open_db(seeded)
    with engine.connect() as conn:
        by = _shard_names(conn)
        assert by["lab-2/renamed"] == "lab-2/old-name"  # linked by its old name only
        assert by["both/new-name"] == "both/new-name"
        for age in (None, WEEK):
            whole = plan(conn, NOW, age)
            parts = [plan(conn, NOW, age, shard=Shard(k, n)) for k in range(1, n + 1)]
            for k, part in enumerate(parts, start=1):
                assert part == [d for d in whole if in_shard(by[d.key], k, n)]
            assert sorted(d.key for p in parts for d in p) == sorted(d.key for d in whole)
            assert n == 1 or all(parts)
    engine.dispose()


def test_the_plan_reads_times_in_utc_whatever_the_session_zone(seeded: str) -> None:
    """PostgreSQL gives a client its times in the session's zone (here +13:45); a plan's are
    the stored instants, in UTC, as the reference reads them."""
    engine = open_db(seeded)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TIME ZONE 'Pacific/Chatham'")
        got = plan(conn, NOW, WEEK)
        assert got == _reference(conn, WEEK)
    engine.dispose()
    times = [t for d in got for t in (d.last_checked_at, d.full_checked_at) if t is not None]
    assert len(times) > 20
    assert {t.tzinfo for t in times} == {dt.UTC}


@pytest.mark.parametrize("enabled", [True, False])
def test_a_plan_leaves_garbage_collection_as_it_found_it(seeded: str, enabled: bool) -> None:
    engine = open_db(seeded)
    try:
        if not enabled:
            gc.disable()
        with engine.connect() as conn:
            assert plan(conn, NOW, None)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
        engine.dispose()


@pytest.mark.parametrize(
    "streamed", [{"stream_results": True}, {"stream_results": True, "yield_per": 100}]
)
def test_a_connection_that_streams_results_plans_the_same(
    seeded: str, streamed: dict[str, Any]
) -> None:
    """A caller's connection may stream results (rows fetched ahead into a buffer, or a
    batch at a time): a plan reads them through that buffer, not around it, and its settings
    (PostgreSQL: `SET LOCAL`, which no cursor can run) are sent as they are."""
    engine = open_db(seeded)
    with engine.connect() as conn:
        want = plan(conn, NOW, None)
    with engine.connect().execution_options(**streamed) as conn:
        assert plan(conn, NOW, None) == want
        assert plan(conn, NOW, WEEK, shard=Shard(2, 3)) == [
            d for d in plan(conn, NOW, WEEK) if in_shard(_shard_names(conn)[d.key], 2, 3)
        ]
    engine.dispose()
    assert len(want) > 50
