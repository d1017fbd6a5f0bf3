"""Two-tier GraphQL refresh and the dead re-check schedule: cheap when nothing changed, and the
facts stored after a probed refresh are exactly those a fresh full check would store."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from graphql import parse, validate
from sqlalchemy import Engine, select, update

from tests.check.conftest import NAMES, linked_db, scenario
from tests.check.test_github_checks import FAST, cfg, repos
from tracker.check.github.graphql import build_probe, build_query
from tracker.check.github.planner import FULL_EVERY, BatchSizer, wants_probe
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.github.graphql_api import estimate_cost, github_schema
from tracker.models import DueRepo
from tracker.schedule import check_targets, choose
from tracker.store.schema import CheckAttempt, Repository

NOW = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
BOOKKEEPING = {
    "id",
    "first_seen_at",
    "last_checked_at",
    "last_changed_at",
    "full_checked_at",
    "first_ok_at",
    "status_reason",
    "http_status",
    "dead_confirmations",
}


def graphql_calls(gh: GitHubEmulator, since: int = 0) -> list[tuple[str, int]]:
    """(fragments spread, connection requests) of each GraphQL query since `since`."""
    out = []
    for r in gh.requests[since:]:
        if r.path == "/graphql":
            body = json.loads(r.body)
            doc = parse(body["query"])
            cost = estimate_cost(github_schema(), doc, body["variables"], None)
            spreads = sorted(set(re.findall(r"\.\.\.(Repo\w+) }", body["query"])))
            out.append((" ".join(spreads), cost.requests))
    return out


def facts(engine: Engine) -> dict[str, dict[str, Any]]:
    return {
        k: {c: v for c, v in r.items() if c not in BOOKKEEPING} for k, r in repos(engine).items()
    }


def test_queries_validate_against_the_schema() -> None:
    names = ["a/b", "c/d"]
    for query, _ in (build_query(names), build_query(names, {"c/d"}), build_probe(names)):
        assert validate(github_schema(), parse(query)) == []
    costs = [
        estimate_cost(github_schema(), parse(q), v, None).requests
        for q, v in (build_query(names), build_query(names, {"c/d"}), build_probe(names))
    ]
    assert costs == [10, 9, 0]


def test_refresh_probes_and_fetches_only_what_changed(
    engine: Engine, gh: GitHubEmulator, tmp_path: Path
) -> None:
    first = check_targets(engine, cfg(gh), policy=FAST)
    assert graphql_calls(gh) == [("RepoFacts", 40)]  # never checked: straight to full facts
    mark = len(gh.requests)
    again = check_targets(engine, cfg(gh), policy=FAST)
    assert (first.changed, again.checked, again.changed, again.points) == (8, 8, 0, 1)
    assert graphql_calls(gh, mark) == [("RepoProbe", 0)]
    with engine.connect() as conn:
        attempts = conn.execute(
            select(CheckAttempt.c.status).where(CheckAttempt.c.id > 8)
        ).scalars()
        assert sorted(attempts) == ["blocked", "not_found"] + ["unchanged"] * 6

    gh.set_time("2025-01-15T00:00:00Z")
    mark = len(gh.requests)
    later = check_targets(engine, cfg(gh), policy=FAST)
    # gone and dmca are now confirmed dead: not due for a week
    assert (later.checked, later.changed, later.requests) == (6, 2, 2)
    # lab/code (stars) with its release assets, lab/soon (new code) without: it has no release
    assert graphql_calls(gh, mark) == [("RepoProbe", 0), ("RepoFacts RepoFactsNoAssets", 9)]

    cold_db = linked_db(f"sqlite:///{tmp_path / 'cold.db'}", NAMES)
    with GitHubEmulator(scenario()) as fresh:
        fresh.set_time("2025-01-15T00:00:00Z")
        check_targets(cold_db, cfg(fresh), policy=FAST)
    assert facts(engine) == facts(cold_db)


def test_stale_facts_and_rest_answers_go_straight_to_the_full_query(
    engine: Engine, gh: GitHubEmulator
) -> None:
    check_targets(engine, cfg(gh, None), policy=FAST)  # REST: no digest to compare
    mark = len(gh.requests)
    check_targets(engine, cfg(gh), policy=FAST)
    assert [s for s, _ in graphql_calls(gh, mark)] == ["RepoProbe", "RepoFacts"]
    old = dt.datetime.now(dt.UTC) - 2 * FULL_EVERY
    with engine.begin() as conn:
        conn.execute(update(Repository).values(full_checked_at=old))
    mark = len(gh.requests)
    check_targets(engine, cfg(gh), policy=FAST)
    # gone and dmca are confirmed dead (two checks) and not due; the rest are too old to probe
    assert [s for s, _ in graphql_calls(gh, mark)] == ["RepoFacts"]
    assert all(
        r["full_checked_at"] > old for k, r in repos(engine).items() if r["stars"] is not None
    )


def test_rest_recheck_after_dead_links_are_confirmed_costs_nothing(
    engine: Engine, gh: GitHubEmulator
) -> None:
    points = [check_targets(engine, cfg(gh, None), policy=FAST).points for _ in range(3)]
    assert points[1:] == [2, 0]  # the 404 and 451 twice (no ETag), then not due for a week
    assert {k: r["dead_confirmations"] for k, r in repos(engine).items() if r["stars"] is None} == {
        "lab/gone": 2,
        "lab/dmca": 2,
    }


@pytest.mark.parametrize(
    ("checked_days_ago", "confirmations", "max_age", "due"),
    [
        (2, 2, None, False),
        (8, 2, None, True),
        (2, 1, None, True),
        (2, 2, dt.timedelta(days=1), False),
        (20, 2, dt.timedelta(days=14), True),
        (10, 2, dt.timedelta(days=14), False),
    ],
)
def test_confirmed_dead_repositories_are_rechecked_weekly(
    checked_days_ago: int, confirmations: int, max_age: dt.timedelta | None, due: bool
) -> None:
    dead = DueRepo(
        "a/dead",
        "a/dead",
        "not_found",
        NOW - dt.timedelta(days=checked_days_ago),
        dead_confirmations=confirmations,
    )
    unknown = DueRepo("a/unknown", "a/unknown", "unknown")
    chosen = [r.key for r in choose([dead, unknown], NOW, max_age, None)]
    assert chosen == (["a/unknown", "a/dead"] if due else ["a/unknown"])


def test_which_repositories_are_probed() -> None:
    fresh = NOW - dt.timedelta(days=1)

    def repo(status: str, digest: str | None, full: dt.datetime | None) -> DueRepo:
        return DueRepo("a/b", "a/b", status, fresh, probe_digest=digest, full_checked_at=full)

    assert [
        wants_probe(repo("ok", "d", fresh), NOW),
        wants_probe(repo("moved", "d", fresh), NOW),
        wants_probe(repo("not_found", None, None), NOW),
        wants_probe(repo("ok", None, fresh), NOW),  # checked over REST
        wants_probe(repo("ok", "d", NOW - 2 * FULL_EVERY), NOW),  # facts too old
        wants_probe(repo("unchecked", None, None), NOW),
        wants_probe(repo("unknown", None, None), NOW),
    ] == [True, True, True, False, False, False, False]
    ages = [
        wants_probe(DueRepo(f"o/r{i}", "x", "ok", fresh, None, None, "d", NOW - FULL_EVERY), NOW)
        for i in range(200)
    ]
    assert 60 < sum(ages) < 140  # spread around FULL_EVERY, not all due on one day


def test_a_failed_batch_halves_from_its_own_size() -> None:
    sizer = BatchSizer(size=100, maximum=100)
    sizer.timed_out(8)
    assert sizer.size == 4
