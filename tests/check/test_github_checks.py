"""GitHub checks end to end: emulator over a real socket, real SQLite, both transports."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from tests.check.conftest import NAMES, TOKEN, linked_db, scenario
from tracker.check.github.graphql import build_query, fetch_graphql
from tracker.check.github.rest import fetch_rest, make_github
from tracker.config import Settings
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.github.graphql_api import github_schema
from tracker.flags.judge import evidence_of, judge
from tracker.flags.run import judge_repositories
from tracker.http import HttpPolicy, make_client
from tracker.models import CheckResult, DueRepo, RepoStatus
from tracker.schedule import check_targets
from tracker.store.schema import CheckAttempt, RepoAlias, RepoHistory, Repository

FAST = HttpPolicy(
    timeout_s=5, backoff_base_s=0.01, backoff_cap_s=0.05, max_wait_s=5, secondary_wait_s=0.2
)


def cfg(gh: GitHubEmulator, token: str | None = TOKEN) -> Settings:
    return Settings(github_token=token, github_api_url=gh.url)


def comparable(r: CheckResult) -> tuple[Any, ...]:
    return (r.status, r.http_status, r.canonical, r.facts)


def repos(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Repository)).mappings()
        return {r["key"]: dict(r) for r in rows}


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_graphql_and_rest_give_identical_facts(gh: GitHubEmulator) -> None:
    with make_client(FAST, headers={"Authorization": f"bearer {TOKEN}"}) as client:
        batch = fetch_graphql(client, gh.url + "/graphql", NAMES)
    github = make_github(gh.url, None, FAST)
    for name in NAMES:
        rest = fetch_rest(github, DueRepo(name, name)).result
        assert rest is not None
        assert comparable(rest) == comparable(batch.results[name]), name


def test_statuses_and_verdicts(gh: GitHubEmulator) -> None:
    with make_client(FAST, headers={"Authorization": f"bearer {TOKEN}"}) as client:
        res = fetch_graphql(client, gh.url + "/graphql", NAMES).results
    assert {n: (r.status, r.canonical) for n, r in res.items()} == {
        "lab/code": (RepoStatus.OK, None),
        "lab/soon": (RepoStatus.OK, None),
        "lab/old-name": (RepoStatus.MOVED, "lab/new-name"),
        "lab/gone": (RepoStatus.NOT_FOUND, None),
        "lab/dmca": (RepoStatus.BLOCKED, None),
        "lab/empty": (RepoStatus.EMPTY, None),
        "lab/vendored": (RepoStatus.OK, None),
        "lab/awesome": (RepoStatus.OK, None),
    }
    code, soon = res["lab/code"].facts, res["lab/soon"].facts
    vendored, awesome = res["lab/vendored"].facts, res["lab/awesome"].facts
    assert code is not None and soon is not None and vendored is not None and awesome is not None
    assert (code.stars, code.watchers, code.open_issues, code.topics, code.license_spdx) == (
        10,
        4,
        2,
        ("vision", "diffusion"),
        "MIT",
    )
    assert (code.releases_count, code.latest_release_tag, code.source_files) == (1, "v1", 2)
    assert code.files == (("LICENSE", code.files[0][1]),) or code.files == ()
    judged = {n: judge(evidence_of(r.facts)) for n, r in res.items() if r.facts is not None}
    assert judged["lab/code"].weights.own == (
        "release asset model.safetensors",
        "Hub model huggingface.co/lab/code-model (link in README.md)",
    )
    assert (judged["lab/code"].placeholder, judged["lab/soon"].placeholder) == (False, True)
    assert judged["lab/soon"].placeholder_reasons == (
        "no source files (only LICENSE README.md teaser.png)",
        'README says "coming soon"',
    )
    assert res["lab/old-name"].facts.license_spdx == "NOASSERTION"
    assert (judged["lab/vendored"].placeholder, judged["lab/vendored"].placeholder_reasons) == (
        True,
        (
            "no source files (only LICENSE README.md third_party/)",
            "only third-party code: third_party/",
            'README says "code will be released"',
        ),
    )
    assert (judged["lab/awesome"].kind, judged["lab/awesome"].weights.own) == ("reading_list", ())


def test_graphql_queries_validate_against_the_schema() -> None:
    from graphql import parse, validate

    query, variables = build_query(["a/b", "c/d"])
    assert validate(github_schema(), parse(query)) == []
    assert variables == {"o0": "a", "n0": "b", "o1": "c", "n1": "d"}


def test_check_saves_history_aliases_and_dead_counter(engine: Engine, gh: GitHubEmulator) -> None:
    first = check_targets(engine, cfg(gh), policy=FAST)
    assert (first.checked, first.unchecked, first.unknown, first.changed) == (8, 0, 0, 8)
    assert first.points == 1 and first.requests == 1
    rows = repos(engine)
    assert set(rows) == {n.lower() for n in NAMES} - {"lab/old-name"} | {"lab/new-name"}
    assert rows["lab/gone"]["dead_confirmations"] == 1
    with engine.connect() as conn:
        aliases = conn.execute(select(RepoAlias.c.alias)).scalars().all()
    assert aliases == ["lab/old-name"]

    again = check_targets(engine, cfg(gh), policy=FAST)
    assert (again.checked, again.changed) == (8, 0)
    assert count(engine, RepoHistory) == 8 and count(engine, CheckAttempt) == 16
    assert repos(engine)["lab/gone"]["dead_confirmations"] == 2

    judge_repositories(engine)  # placeholder and weights are judged by the flag run
    gh.set_time("2025-01-15T00:00:00Z")
    later = check_targets(engine, cfg(gh), policy=FAST)
    judge_repositories(engine)
    rows = repos(engine)
    assert later.changed == 2  # stars of lab/code, code arrived in lab/soon
    assert (rows["lab/code"]["stars"], rows["lab/soon"]["placeholder"]) == (25, False)
    assert rows["lab/soon"]["first_ok_at"] is not None
    with engine.connect() as conn:
        soon_id = rows["lab/soon"]["id"]
        hist = (
            conn.execute(
                select(RepoHistory.c.placeholder)
                .where(RepoHistory.c.repository_id == soon_id)
                .order_by(RepoHistory.c.id)
            )
            .scalars()
            .all()
        )
    assert hist == [True, False]


def test_max_age_rechecks_only_stale(engine: Engine, gh: GitHubEmulator) -> None:
    check_targets(engine, cfg(gh), policy=FAST)
    fresh = check_targets(engine, cfg(gh), policy=FAST, max_age=dt.timedelta(days=1))
    assert (fresh.checked, fresh.unchecked, fresh.requests) == (0, 0, 0)


def test_rest_recheck_of_unchanged_repos_costs_nothing(engine: Engine, gh: GitHubEmulator) -> None:
    first = check_targets(engine, cfg(gh, None), policy=FAST)
    assert first.transport == "rest" and first.checked == 8
    before = repos(engine)
    again = check_targets(engine, cfg(gh, None), policy=FAST)
    assert (again.checked, again.changed, again.points) == (8, 0, 2)  # the two 404/451
    after = repos(engine)
    strip = ("last_checked_at", "http_status", "status_reason", "dead_confirmations")
    assert [{k: v for k, v in r.items() if k not in strip} for r in after.values()] == [
        {k: v for k, v in r.items() if k not in strip} for r in before.values()
    ]


def test_unknown_never_kills_or_erases(engine: Engine, gh: GitHubEmulator) -> None:
    check_targets(engine, cfg(gh), policy=FAST)
    before = repos(engine)
    gh.faults = {"error_rate": 1.0, "error_statuses": [503]}
    failed = check_targets(engine, cfg(gh), policy=FAST.with_(max_attempts=2))
    assert (failed.checked, failed.unknown) == (8, 8)
    assert repos(engine) == before
    gh.faults = {"error_rate": 1.0, "error_statuses": [429]}
    limited = check_targets(engine, cfg(gh, None), policy=FAST.with_(max_attempts=2), no_wait=True)
    assert (limited.checked, limited.unknown) == (8, 8)
    assert repos(engine) == before  # a 403 on every call is tests/security/test_partial_answers


@pytest.mark.parametrize("token", [TOKEN, None], ids=["graphql", "rest"])
def test_faults_and_limits_end_with_clean_facts(
    sqlite_url: str, tmp_path: Any, token: str | None
) -> None:
    clean_db = linked_db(f"sqlite:///{tmp_path / 'clean.db'}", NAMES)
    with GitHubEmulator(scenario()) as gh:
        check_targets(clean_db, cfg(gh, token), policy=FAST)
    limits = {
        "graphql": {"authenticated": 4, "window_s": 3},
        "core": {"unauthenticated": 20, "window_s": 3},
        "secondary": {"max_requests": 2, "window_s": 1, "retry_after_s": 1},
    }
    notes: set[str] = set()
    faults = {"error_rate": 0.2, "reset_rate": 0.05, "seed": 7}
    noisy_db = linked_db(sqlite_url, NAMES)
    with GitHubEmulator(scenario(rate_limits=limits, faults=faults)) as gh:
        for _ in range(10):
            s = check_targets(
                noisy_db,
                cfg(gh, token),
                policy=FAST,
                max_batch=1,
                max_age=dt.timedelta(hours=1),
                progress=lambda p: notes.add(p.note.split(":")[0]),
            )
            if not s.unknown and not s.unchecked:
                break
        answered = {(r.status, r.fault) for r in gh.requests}
    assert (403, None) in answered and (0, "reset") in answered  # secondary limit, reset
    assert "rate limited" in notes  # the primary limit ran out and the run waited
    assert any(status >= 500 and fault == "error" for status, fault in answered)
    facts = (
        "key",
        "status",
        "stars",
        "license_spdx",
        "placeholder",
        "has_weights",
        "weights_evidence",
        "source_files",
        "readme_sha",
        "dead_confirmations",
    )
    assert {k: [r[f] for f in facts] for k, r in repos(noisy_db).items()} == {
        k: [r[f] for f in facts] for k, r in repos(clean_db).items()
    }


def test_no_network_fails_fast(engine: Engine) -> None:
    import socket
    import time

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    start = time.monotonic()
    summary = check_targets(
        engine, Settings(github_token=TOKEN, github_api_url=f"http://127.0.0.1:{port}"), policy=FAST
    )
    assert time.monotonic() - start < 5
    assert (summary.checked, summary.unchecked) == (0, 8)
    assert summary.reason.startswith("GitHub unreachable (cannot connect")


def test_no_wait_stops_cleanly_when_the_limit_runs_out(engine: Engine) -> None:
    limits = {"core": {"unauthenticated": 12, "window_s": 600}}
    with GitHubEmulator(scenario(rate_limits=limits)) as gh:
        summary = check_targets(engine, cfg(gh, None), policy=FAST, no_wait=True)
        assert gh.limits.bucket("core", "anonymous").used <= 12
    assert summary.checked + summary.unchecked == 8 and summary.unchecked > 0
    assert summary.reason.startswith("rate limited until ")
    assert summary.reason.endswith(" UTC, --no-wait")
    with engine.connect() as conn:
        left = conn.execute(select(func.count()).where(Repository.c.status == "unknown")).scalar()
    assert left == 0


def test_budget_is_never_exceeded(engine: Engine, gh: GitHubEmulator) -> None:
    summary = check_targets(engine, cfg(gh, None), policy=FAST, budget=12)
    assert summary.points <= 12 and summary.unchecked > 0
    assert summary.reason == "budget of 12 points reached"


def test_integrity_after_checks(engine: Engine, gh: GitHubEmulator) -> None:
    check_targets(engine, cfg(gh), policy=FAST)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    assert replace(CheckResult("a/b", RepoStatus.OK), checked_at=None).target == "a/b"
