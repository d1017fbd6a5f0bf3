"""Tree facts and the check planner on hand-built values."""

from __future__ import annotations

import datetime as dt

from tracker.check.github.planner import BatchSizer, Quota
from tracker.models import DueRepo
from tracker.schedule import choose

NOW = dt.datetime(2025, 1, 10, tzinfo=dt.UTC)


def due(key: str, status: str, days_ago: float | None) -> DueRepo:
    when = None if days_ago is None else NOW - dt.timedelta(days=days_ago)
    return DueRepo(key, key, status, when)


def test_planner_orders_unknown_then_unchecked_then_stalest() -> None:
    repos = [
        due("a", "ok", 3),
        due("b", "ok", 0.5),
        due("c", "unknown", 0.1),
        due("d", "unchecked", None),
        due("e", "not_found", 9),
    ]
    assert [r.key for r in choose(repos, NOW, dt.timedelta(days=1), None)] == ["c", "d", "e", "a"]
    assert [r.key for r in choose(repos, NOW, None, 2)] == ["c", "d"]


def test_batch_sizer_grows_when_fast_and_halves_on_timeouts() -> None:
    s = BatchSizer(size=25, maximum=100)
    s.succeeded(0.5, 25)
    assert s.size == 50
    s.timed_out()
    assert s.size == 25
    s.succeeded(8.0, 25)
    assert s.size == 13


def test_quota_keeps_the_budget() -> None:
    q = Quota(budget=10, guess=5.0)
    assert (q.fits(2), q.fits(3)) == (True, False)
    q.record(5, 1, 100, None)
    assert (q.largest_fitting(4), q.exhausted(1)) == (1, False)


def test_a_truncated_listing_leaves_its_tree_unexplored() -> None:
    """GitHub cuts a large recursive listing (`truncated: true`), possibly inside a folder whose
    other files it listed: the tree is then not complete, and nothing may be judged absent."""
    from tracker.tree import TRUNCATED, source_files, tree_paths, unexplored_dirs

    listing = {
        "tree": [
            {"path": "src", "type": "tree"},
            {"path": "src/model.py", "type": "blob"},
            {"path": "README.md", "type": "blob"},
        ],
        "truncated": True,
    }
    paths = tree_paths(listing)
    assert TRUNCATED in paths and unexplored_dirs(paths) == (TRUNCATED,)
    assert source_files(paths) == 1
    whole = tree_paths({**listing, "truncated": False})
    assert TRUNCATED not in whole and unexplored_dirs(whole) == ()
