"""The GitHub checker against a naive PyGithub loop, on one emulator, in one run.

Usage: python benchmarks/bench_github.py --repos 10000 --latency-ms 50 [--naive-sample 200]

Four measurements, each in a subprocess running `tracker check` as a user would:

* cold: the first check of every repository over GraphQL (nothing stored yet).
* full refresh (`points_per_repo`): every repository checked again, none skipped (no
  `--max-age`), one scenario day later. In that day `--change` of the repositories (7% by
  default) gained stars or a pushed commit, on top of what the scenario's own timelines and
  events change; the probe settles the unchanged ones, the changed ones get the full query.
* steady refresh (`steady_points_per_repo`): the same one day later again, after setting each
  repository's last full check to a random point in its refresh period (`FULL_EVERY`), as
  daily runs leave it once the cycle has settled; so it includes the full re-fetches that
  age forces, which the first refresh (a day after the cold check) does not.
* open requests (`requests_points_per_100`): in the full refresh, `--promised` of the papers
  (30% by default) have an open promise, so the check stage also reads their repositories'
  open issues for requests of code, weights or data: rate-limit points of those queries per
  100 repositories asked (the emulator counts both). These points are kept out of the check
  figures above, which stay the checks' own.
* REST: three checks of the sample without a token: the first fetches, the second answers 304
  for live repositories and confirms the dead ones (404s carry no ETag), the third is the
  re-check of unchanged repositories (`recheck_quota_share`), where confirmed-dead ones are
  not due (weekly).

The naive loop (`get_repo`, `get_license`, `get_commits()[0]`, `get_releases()`,
`get_contents("")` per repository, PyGithub's defaults) runs on a random sample of the same
scenario at the cold check's time; it keeps no state, so it costs the same on any refresh.
Rate-limit points are counted by the emulator: GraphQL query cost (GitHub's formula), and REST
requests not answered 304. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from github import Auth, Github, GithubException
from github.Repository import Repository as GhRepository
from sqlalchemy import func, select, update

from tracker.check.github.planner import full_every
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.github.scenario import iso
from tracker.emulators.github.synth import synthetic_scenario
from tracker.models import ExtractedPaper, Link, LinkKind, Location, PaperRecord, Provenance, Role
from tracker.store import open_db, save_papers
from tracker.store.schema import Paper, PaperState, RepoHistory, Repository

TOKEN = "bench-token"
NO_LIMIT = {"authenticated": 10**9, "unauthenticated": 10**9}


def _papers(names: list[str]) -> list[ExtractedPaper]:
    out = []
    for i, name in enumerate(names):
        url = f"https://github.com/{name}"
        link = Link(url, url, LinkKind.GITHUB_REPO, Role.CODE, Provenance.ABSTRACT, repo=name)
        rec = PaperRecord(f"Paper {i}", url, Location("bench", i), "bench", f"2401.{i:05d}")
        out.append(ExtractedPaper(rec, f"arxiv:2401.{i:05d}", (link,)))
    return out


def _database(path: Path, names: list[str]) -> str:
    url = f"sqlite:///{path}"
    engine = open_db(url)
    with engine.begin() as conn:
        save_papers(conn, _papers(names))
    engine.dispose()
    return url


def _tracker(db: str, api: str, *extra: str, token: str | None = TOKEN) -> dict[str, float]:
    """Run `tracker check` in a subprocess: wall seconds and its peak RSS."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    if token:
        env["GITHUB_TOKEN"] = token
    for name in ("TRACKER_SWH_API_URL", "TRACKER_WAYBACK_API_URL"):
        env.setdefault(name, "http://127.0.0.1:9")  # no archive here: look-ups end at once
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", "check", "--db", db, "--github-api-url", api, *extra],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 6):
        raise SystemExit(f"tracker check failed ({proc.returncode}): {proc.stderr[-2000:]}")
    print("  " + proc.stderr.strip().replace("\n", "\n  "))
    checked = re.search(r"([\d,]+) repositories checked", proc.stderr)
    return {
        "wall_s": wall,
        "peak_rss_mb": max(peak, before) / 1024,
        "checked": int(checked.group(1).replace(",", "")) if checked else 0,
    }


def _naive_repo(repo: GhRepository) -> None:
    """The four follow-up calls a typical script makes; missing parts raise and are skipped."""
    with contextlib.suppress(GithubException):
        repo.get_license()
    with contextlib.suppress(GithubException, IndexError):
        repo.get_commits()[0]
    with contextlib.suppress(GithubException):
        list(repo.get_releases())
    with contextlib.suppress(GithubException):
        repo.get_contents("")


def _naive(api: str, names: list[str]) -> None:
    gh = Github(auth=Auth.Token(TOKEN), base_url=api)
    for name in names:
        try:
            repo = gh.get_repo(name)
        except GithubException:
            continue
        _naive_repo(repo)


def _count(gh: GitHubEmulator, since: int) -> tuple[int, int]:
    """(requests, REST points) since request number `since`: 304s and GraphQL excluded."""
    reqs = gh.requests[since:]
    core = sum(1 for r in reqs if r.path != "/graphql" and r.status not in (304, 0))
    return len(reqs), core


def _with_changes(scenario: dict[str, Any], share: float, at: list[str], seed: int) -> int:
    """Give `share` of the repositories a star jump or a pushed commit at each time in `at`."""
    rng = random.Random(seed)
    changed = 0
    for when in at:
        for repo in rng.sample(scenario["repos"], int(share * len(scenario["repos"]))):
            changed += 1
            if rng.random() < 0.5:
                stars = repo["stars"]
                stars[when] = max(stars.values()) + rng.randint(1, 50)
            else:
                files = {f"src/update_{changed}.py": {"size": rng.randint(500, 5000)}}
                repo["commits"].append({"date": when, "message": "Update", "files": files})
    return changed


def _history_rows(db: str) -> int:
    engine = open_db(db)
    with engine.connect() as conn:
        n = int(conn.execute(select(func.count()).select_from(RepoHistory)).scalar_one())
    engine.dispose()
    return n


def _spread_full_checks(db: str, now: dt.datetime, seed: int) -> None:
    """Each repository's last full check at a random point of its own refresh period, a day
    before `now`: daily runs leave the ages so, and about one in `FULL_EVERY` days is due."""
    rng = random.Random(seed)
    table = Repository
    engine = open_db(db)
    with engine.begin() as conn:
        rows = conn.execute(
            select(table.c.id, table.c.key).where(table.c.full_checked_at.is_not(None))
        )
        for rid, key in rows.all():
            when = now - rng.random() * full_every(key) - dt.timedelta(days=1)
            conn.execute(update(table).where(table.c.id == rid).values(full_checked_at=when))
    engine.dispose()


def _asked_for_requests(gh: GitHubEmulator, since: int) -> tuple[int, int]:
    """(queries, repositories) of the open-requests queries since request number `since`."""
    queries = [r for r in gh.requests[since:] if b"query OpenRequests(" in r.body]
    return len(queries), sum(len(json.loads(r.body)["variables"]) // 2 for r in queries)


def _promise(db: str, share: float, seed: int) -> int:
    """Give `share` of the papers an open promise of code (as an extraction would)."""
    table = Paper
    state = PaperState
    engine = open_db(db)
    with engine.begin() as conn:
        ids = list(conn.scalars(select(table.c.id).order_by(table.c.id)))
        chosen = random.Random(seed).sample(ids, int(share * len(ids)))
        for start in range(0, len(chosen), 500):
            part = chosen[start : start + 500]
            conn.execute(update(table).where(table.c.id.in_(part)).values(code_status="promised"))
            conn.execute(
                update(state).where(state.c.paper_id.in_(part)).values(verdict_kind="pending")
            )
    engine.dispose()
    return len(chosen)


def _graphql_run(gh: GitHubEmulator, db: str, label: str) -> dict[str, float]:
    """One `tracker check` over GraphQL: wall, peak RSS, requests, points (the checks' own),
    changes, and what the open-requests queries cost apart."""
    print(f"tracker (GraphQL, {label}):")
    mark, points0, hist0 = len(gh.requests), gh.points_used, _history_rows(db)
    asking0 = gh.points_by_operation.get("OpenRequests", 0)
    run = _tracker(db, gh.url)
    requests, _ = _count(gh, mark)
    queries, asked = _asked_for_requests(gh, mark)
    asking = gh.points_by_operation.get("OpenRequests", 0) - asking0
    return {
        **run,
        "requests": requests - queries,
        "points": gh.points_used - points0 - asking,
        "changed": _history_rows(db) - hist0,
        "requests_queries": queries,
        "requests_repos": asked,
        "requests_points": asking,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repos", type=int, default=10_000)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--naive-sample", type=int, default=200)
    ap.add_argument("--change", type=float, default=0.07, help="share changed per day")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--promised", type=float, default=0.3, help="share of papers with an open promise"
    )
    args = ap.parse_args(argv)
    logging.getLogger("github").setLevel(logging.WARNING)
    sample_n = max(100, min(args.naive_sample, args.repos))

    scenario = synthetic_scenario(args.repos, args.seed)
    scenario["rate_limits"] = {"core": NO_LIMIT, "graphql": NO_LIMIT}
    start_at = dt.datetime.fromisoformat(scenario["now"].replace("Z", "+00:00"))
    days = [start_at + dt.timedelta(hours=12 + 24 * d) for d in range(2)]
    _with_changes(scenario, args.change, [iso(d) for d in days], args.seed)
    names = [f"{r['owner']}/{r['name']}" for r in scenario["repos"]]
    sample = random.Random(args.seed).sample(names, sample_n)
    tmp = Path(tempfile.mkdtemp(prefix="bench-github-"))
    full_db = _database(tmp / "full.db", names)
    rest_db = _database(tmp / "rest.db", sample)

    with GitHubEmulator(scenario, faults={"latency_ms": args.latency_ms}) as gh:
        print(
            f"{args.repos:,} repositories, {args.latency_ms:g} ms latency, naive sample {sample_n}"
        )
        cold = _graphql_run(gh, full_db, "cold: first check of every repository")

        mark = len(gh.requests)
        start = time.perf_counter()
        _naive(gh.url, sample)
        naive_wall = time.perf_counter() - start
        n_requests, n_points = _count(gh, mark)

        gh.advance(days=1)
        promised = _promise(full_db, args.promised, args.seed)
        refresh = _graphql_run(gh, full_db, "full refresh one day later")
        gh.advance(days=1)
        _spread_full_checks(full_db, dt.datetime.now(dt.UTC), args.seed)
        steady = _graphql_run(gh, full_db, "steady full refresh, full-check ages spread")

        print("tracker (REST: first check, confirming re-check, re-check of the sample):")
        _tracker(rest_db, gh.url, "--rest", token=None)
        mark = len(gh.requests)
        _tracker(rest_db, gh.url, "--rest", token=None)
        _, c_points = _count(gh, mark)
        mark = len(gh.requests)
        _tracker(rest_db, gh.url, "--rest", token=None)
        r_requests, r_points = _count(gh, mark)

    naive_per_repo = n_points / sample_n
    per = {
        k: r["points"] / args.repos
        for k, r in (("cold", cold), ("refresh", refresh), ("steady", steady))
    }
    wall_per_repo = cold["wall_s"] / args.repos
    figures = {
        "repos": args.repos,
        "naive_sample": sample_n,
        "latency_ms": args.latency_ms,
        "change_per_day": args.change,
        "tracker_points": refresh["points"],
        "tracker_requests": refresh["requests"],
        "tracker_wall_s": round(refresh["wall_s"], 2),
        "refresh_changed": refresh["changed"],
        "cold_points": cold["points"],
        "cold_requests": cold["requests"],
        "cold_wall_s": round(cold["wall_s"], 2),
        "tracker_peak_rss_mb": round(max(cold["peak_rss_mb"], refresh["peak_rss_mb"]), 1),
        "steady_points": steady["points"],
        "steady_checked": steady["checked"],
        "steady_changed": steady["changed"],
        "naive_requests": n_requests,
        "naive_points": n_points,
        "naive_wall_s": round(naive_wall, 2),
        "points_per_repo": round(per["refresh"], 4),
        "cold_points_per_repo": round(per["cold"], 4),
        "steady_points_per_repo": round(per["steady"], 4),
        "naive_points_per_repo": round(naive_per_repo, 3),
        "quota_ratio": round(naive_per_repo / per["refresh"], 1),
        "cold_quota_ratio": round(naive_per_repo / per["cold"], 1),
        "steady_quota_ratio": round(naive_per_repo / per["steady"], 1),
        "wall_ratio": round(naive_wall / sample_n / wall_per_repo, 1),
        "recheck_confirm_points": c_points,
        "recheck_requests": r_requests,
        "recheck_points": r_points,
        "recheck_quota_share": round(r_points / max(1, n_points), 4),
        "promised_papers": promised,
        "requests_repos": refresh["requests_repos"],
        "requests_queries": refresh["requests_queries"],
        "requests_points": refresh["requests_points"],
        "requests_points_per_100": round(
            100 * refresh["requests_points"] / max(1, refresh["requests_repos"]), 3
        ),
    }
    print(
        f"cold:    {cold['requests']:,} requests, {cold['points']:,} points, "
        f"{figures['cold_wall_s']} s, peak {figures['tracker_peak_rss_mb']} MB"
    )
    print(
        f"refresh: {refresh['requests']:,} requests, {refresh['points']:,} points, "
        f"{figures['tracker_wall_s']} s, {refresh['checked']:,} checked, "
        f"{refresh['changed']:,} changed"
    )
    print(
        f"steady:  {steady['requests']:,} requests, {steady['points']:,} points, "
        f"{steady['checked']:,} checked (confirmed-dead ones not due), {steady['changed']:,} changed"
    )
    print(
        f"naive:   {n_requests:,} requests, {n_points:,} points, {figures['naive_wall_s']} s "
        f"for {sample_n} repositories (the same on any refresh: it keeps nothing)"
    )
    print(
        f"points per repository: refresh {figures['points_per_repo']} "
        f"({figures['quota_ratio']}x less than naive), steady {figures['steady_points_per_repo']} "
        f"({figures['steady_quota_ratio']}x), cold {figures['cold_points_per_repo']} "
        f"({figures['cold_quota_ratio']}x), naive {figures['naive_points_per_repo']}; "
        f"cold wall {figures['wall_ratio']}x faster"
    )
    print(
        f"REST re-check of the unchanged sample: {r_points} points "
        f"({figures['recheck_quota_share']:.2%} of the naive loop's); the re-check that "
        f"confirmed dead links cost {c_points}"
    )
    print(
        f"open requests: {refresh['requests_repos']:,} repositories of {promised:,} papers "
        f"with an open promise asked in {refresh['requests_queries']:,} queries, "
        f"{refresh['requests_points']:,} points ({figures['requests_points_per_100']} per 100)"
    )
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
