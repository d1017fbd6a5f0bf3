"""Check planning in the database (`tracker.schedule.plan`) chooses exactly what the plain plan
chooses from every linked repository (`due_repos` unfiltered, then `choose`), on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select, update

from tests.factories import paper
from tracker.check.shard import Shard, in_shard
from tracker.models import DueRepo
from tracker.schedule import choose, plan
from tracker.store import open_db, save_papers
from tracker.store.repos import due_repos
from tracker.store.schema import Paper, PaperState, RepoAlias, Repository
from tracker.store.tracking import open_promise_repos

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
STATUSES = ("ok", "ok", "ok", "unknown", "unchecked", "not_found", "moved", "empty")
EDGES = tuple(h for age in (0, 24, 24 * 7, 24 * 30) for h in (age - 1, age, age + 1) if h >= 0)
"""Hours since the last check just before, at and after each age the test plans with."""


def _seed(url: str) -> None:
    """Every status (and, for not found, every dead count) checked at each edge and never,
    plus linked names never checked, an unlinked repository and one linked by an old name."""
    combos = [
        (status, dead, hours)
        for status in sorted(set(STATUSES))
        for dead in ((0, 1, 2, 3) if status == "not_found" else (0,))
        for hours in (*EDGES, None)
    ]
    names = [f"lab-{i % 9}/repo-{i}" for i in range(len(combos) + 12)]
    engine = open_db(url)
    with engine.begin() as conn:
        save_papers(conn, [paper(i, n) for i, n in enumerate(names)])
        rows = [
            {
                "key": name.lower(),
                "full_name": name,
                "status": status,
                "dead_confirmations": dead,
                "last_checked_at": None if hours is None else NOW - dt.timedelta(hours=hours),
            }
            for name, (status, dead, hours) in zip(names, combos, strict=False)
        ]
        rows += [
            {
                "key": key,
                "full_name": key,
                "status": "ok",
                "dead_confirmations": 0,
                "last_checked_at": None,
            }
            for key in ("lonely/unlinked", "lab-2/renamed")
        ]
        conn.execute(insert(Repository), rows)
        r = Repository
        renamed = conn.execute(select(r.c.id).where(r.c.key == "lab-2/renamed")).scalar()
        conn.execute(insert(RepoAlias).values(alias=names[-1].lower(), repository_id=renamed))
        p, s = Paper, PaperState
        conn.execute(update(p).where(p.c.id % 5 == 0).values(code_status="promised"))
        conn.execute(update(s).where(s.c.paper_id % 5 == 0).values(verdict_kind="pending"))
    engine.dispose()


@pytest.mark.parametrize("shard", [None, Shard(1, 4), Shard(3, 4)])
def test_the_plan_is_the_plain_plan(db_url: str, shard: Shard | None) -> None:
    _seed(db_url)
    engine = open_db(db_url)
    ages = (
        None,
        dt.timedelta(0),
        dt.timedelta(days=1),
        dt.timedelta(days=7),
        dt.timedelta(days=30),
    )
    with engine.connect() as conn:
        every = due_repos(conn)
        urgent = open_promise_repos(conn)
        assert "lonely/unlinked" not in {r.key for r in every}
        assert "lab-2/renamed" in {r.key for r in every}
        # a repository linked by its old name only is sharded by that name (tracker.check.shard)
        old = conn.execute(select(RepoAlias.c.alias)).scalar_one()

        def name(r: DueRepo) -> str:
            return old if r.key == "lab-2/renamed" else r.key

        mine = [r for r in every if shard is None or in_shard(name(r), shard.k, shard.n)]
        sizes = set()
        for age in ages:
            for limit in (None, 10):
                want = choose(mine, NOW, age, limit, urgent)
                assert plan(conn, NOW, age, limit, shard) == want, (age, limit)
                sizes.add(len(want))
    assert len(sizes) > 3  # the ages give different plans
    engine.dispose()
