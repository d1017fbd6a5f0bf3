"""API faults never become facts: a chaos run against a clean run on one scenario, in one run.

Usage: python benchmarks/bench_faults.py --repos 150 [--transports graphql,rest] [--seed 1]

For each transport (GraphQL with a token, REST without), two databases hold the same papers,
one per repository of a synthetic GitHub scenario (live, placeholder, renamed, deleted, DMCA,
empty, private... repositories), and go through the same three checks with
`tracker.pipeline.check` and a flag run with `tracker.flags.run.flag_papers`:

1. the first check, and 2. a re-check (`max_age=0`): the baseline against a clean emulator;
   the chaos database against an emulator of the same scenario that injects 5xx answers,
   connection resets, a secondary (burst) limit, primary exhaustion (a small quota in short
   windows), bodies cut in half, 200 answers that are not the expected shape (`null`, `[]`,
   HTML, bytes that are not UTF-8), and GraphQL partial errors (a field of a repository node
   null with an error pointing at it). The first check meets the faults on first sight (a
   false "not found"), the re-check with facts already stored (overwritten evidence);
3. both: one clean re-check (`max_age=0`).

GraphQL asks in batches of `--batch` repositories (10), so the per-request faults meet more
than a handful of requests.

Figures, per transport and summed in the last line (one JSON object):

* `identical`: after step 3 both databases hold the same facts (every repository column but
  bookkeeping: ids, reasons, HTTP status, ETags, timestamps; and the stored evidence: README,
  tree, files read) and the same verdicts;
* `wrong_facts`: (repository, column) pairs that differ after step 3, plus papers whose verdict
  differs;
* `false_dead`: repositories alive in the baseline that the chaos database, after step 1, 2
  or 3, holds as not found (status `not_found`/`gone`) or with more dead confirmations;
* `chaos_wall_s`, `clean_wall_s`: seconds of steps 1 and 2 under chaos, and of the baseline's.

Each check uses the policy a real run builds (`tracker.schedule.default_policy`: real backoff
pauses and the run's retry budget). The Hub verification of `pipeline.check` is pointed at a
closed local port, alike for both databases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import random
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from tracker import pipeline
from tracker.config import Settings
from tracker.emulators.base import Request, Response
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.github.synth import synthetic_scenario
from tracker.flags.run import flag_papers
from tracker.models import ExtractedPaper, Link, LinkKind, Location, PaperRecord, Provenance, Role
from tracker.store import open_db, save_papers
from tracker.store.schema import Paper, PaperState, RepoEvidence, Repository

TOKEN = "bench-token"
BOOKKEEPING = frozenset(
    {
        "id",
        "status_reason",
        "http_status",
        "etag",
        "last_modified",
        "probe_digest",
        "full_checked_at",
        "first_seen_at",
        "first_ok_at",
        "last_checked_at",
        "last_changed_at",
        "requests_checked_at",
    }
)
"""When things were asked and how the answer came: not facts, so not compared."""
EVIDENCE = ("empty", "readme_text", "tree", "lfs_patterns", "files", "digest")
NOT_FOUND = frozenset({"not_found", "gone"})
BAD_BODIES = (b"null", b"[]", b"<html><body>Unicorn!</body></html>", b'{"name": "\xff\xfe')


def chaos_faults(seed: int) -> dict[str, Any]:
    """Transport faults drawn per request by the emulator, and GraphQL partial errors."""
    return {
        "error_rate": 0.05,
        "error_statuses": [500, 502, 503, 504],
        "reset_rate": 0.03,
        "malformed_rate": 0.03,
        "seed": seed,
        "graphql_partial": {
            "rate": 0.3,
            "fields": ["tree", "licenseInfo", "readme0", "releases", "defaultBranchRef"],
            "seed": seed,
        },
    }


CHAOS_LIMITS = {
    "core": {"authenticated": 10**9, "unauthenticated": 150, "window_s": 2},
    "graphql": {"authenticated": 400, "window_s": 2},
    "secondary": {"max_requests": 25, "window_s": 1, "retry_after_s": 1},
}
OPEN_LIMITS = {
    "core": {"authenticated": 10**9, "unauthenticated": 10**9},
    "graphql": {"authenticated": 10**9},
}


class ChaosGitHub(GitHubEmulator):
    """The GitHub emulator, whose 200 answers are now and then not the shape asked for."""

    def __init__(self, scenario: dict[str, Any], bad_rate: float, seed: int) -> None:
        super().__init__(scenario)
        self.bad_rate = bad_rate
        self.bad_rng = random.Random(seed)
        self.injected = 0
        """Bodies replaced here, and repository fields nulled by GraphQL partial errors."""

    def handle(self, req: Request) -> Response:
        resp = super().handle(req)
        with self.lock:
            roll, body = self.bad_rng.random(), self.bad_rng.choice(BAD_BODIES)
            self.injected += resp.body.count(b'"SERVICE_UNAVAILABLE"')
            if resp.status == 200 and roll < self.bad_rate:
                self.injected += 1
                resp.body = body
                resp.headers.pop("ETag", None)
        return resp


def papers(names: list[str]) -> list[ExtractedPaper]:
    out = []
    for i, name in enumerate(names):
        url = f"https://github.com/{name}"
        link = Link(url, url, LinkKind.GITHUB_REPO, Role.CODE, Provenance.ABSTRACT, repo=name)
        rec = PaperRecord(f"Paper {i}", url, Location("bench", i), "bench", f"2401.{i:05d}")
        out.append(ExtractedPaper(rec, f"arxiv:2401.{i:05d}", (link,)))
    return out


def database(path: Path, names: list[str]) -> Engine:
    engine = open_db(f"sqlite:///{path}")
    with engine.begin() as conn:
        save_papers(conn, papers(names))
    return engine


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def check(engine: Engine, api: str, transport: str, hub: str, **options: Any) -> float:
    """One check as a run makes it; its wall seconds."""
    token = TOKEN if transport == "graphql" else None
    settings = Settings(github_token=token, github_api_url=api, hf_endpoint=hub)
    start = time.perf_counter()
    pipeline.check(engine, settings, **options)
    return time.perf_counter() - start


def facts(engine: Engine) -> dict[str, dict[str, Any]]:
    """Every repository's stored facts and evidence, without bookkeeping."""
    with engine.connect() as conn:
        repos = conn.execute(select(Repository)).mappings().all()
        evidence = conn.execute(select(RepoEvidence)).mappings().all()
    held = {e["repository_id"]: {k: e[k] for k in EVIDENCE} for e in evidence}
    out = {}
    for r in repos:
        row = {k: v for k, v in r.items() if k not in BOOKKEEPING}
        row.update({f"evidence.{k}": v for k, v in held.get(r["id"], {}).items()})
        out[r["key"]] = row
    return out


def verdicts(engine: Engine, today: dt.date) -> dict[str, str | None]:
    flag_papers(engine, Settings(), today=today)
    with engine.connect() as conn:
        rows = conn.execute(select(Paper.c.title, PaperState.c.verdict_kind).join(PaperState)).all()
    return dict(rows)


def looks_dead(row: dict[str, Any], clean: dict[str, Any]) -> bool:
    if clean.get("status") in NOT_FOUND:
        return False
    return row.get("status") in NOT_FOUND or (row.get("dead_confirmations") or 0) > (
        clean.get("dead_confirmations") or 0
    )


def diff(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> list[str]:
    """`key.column` of every stored fact that differs."""
    out = []
    for key in sorted(a.keys() | b.keys()):
        ra, rb = a.get(key, {}), b.get(key, {})
        out += [f"{key}.{c}" for c in sorted(ra.keys() | rb.keys()) if ra.get(c) != rb.get(c)]
    return out


def one_transport(
    transport: str, n: int, seed: int, bad_rate: float, batch: int = 10
) -> dict[str, Any]:
    scenario = synthetic_scenario(n, seed)
    names = [f"{r['owner']}/{r['name']}" for r in scenario["repos"]]
    today = dt.date.fromisoformat(scenario["now"][:10]) + dt.timedelta(days=1)
    hub = closed_port()
    clean_scenario = {**scenario, "rate_limits": OPEN_LIMITS}
    chaos_scenario = {**scenario, "rate_limits": CHAOS_LIMITS, "faults": chaos_faults(seed)}
    opts: dict[str, Any] = {"rest": transport == "rest", "max_batch": batch}
    again = {**opts, "max_age": dt.timedelta(0)}
    seen: list[dict[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp, GitHubEmulator(clean_scenario) as gh:
        base, chaos = database(Path(tmp, "base.db"), names), database(Path(tmp, "chaos.db"), names)
        clean_wall = check(base, gh.url, transport, hub, **opts)
        clean_wall += check(base, gh.url, transport, hub, **again)
        with ChaosGitHub(chaos_scenario, bad_rate, seed) as bad:
            chaos_wall = check(chaos, bad.url, transport, hub, **opts)
            seen.append(facts(chaos))
            chaos_wall += check(chaos, bad.url, transport, hub, **again)
            seen.append(facts(chaos))
            faults = bad.injected + sum(
                1 for r in bad.requests if r.fault or r.status in (403, 429)
            )
            requests = len(bad.requests)
        for engine in (base, chaos):
            check(engine, gh.url, transport, hub, **again)
        clean, healed = facts(base), facts(chaos)
        clean_verdicts, healed_verdicts = verdicts(base, today), verdicts(chaos, today)
        base.dispose()
        chaos.dispose()
    wrong = diff(clean, healed)
    wrong_verdicts = sorted(
        t for t in clean_verdicts if clean_verdicts[t] != healed_verdicts.get(t)
    )
    false_dead = {
        k
        for state in (*seen, healed)
        for k, row in state.items()
        if looks_dead(row, clean.get(k, {}))
    }
    for line in wrong[:20] + wrong_verdicts[:20]:
        print(f"  {transport}: differs: {line}", file=sys.stderr)
    return {
        "repos": n,
        "facts_compared": sum(len(row) for row in clean.values()) + len(clean_verdicts),
        "chaos_requests": requests,
        "faults_injected": faults,
        "identical": not wrong and not wrong_verdicts,
        "wrong_facts": len(wrong) + len(wrong_verdicts),
        "false_dead": len(false_dead),
        "chaos_wall_s": round(chaos_wall, 2),
        "clean_wall_s": round(clean_wall, 2),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repos", type=int, default=150)
    ap.add_argument("--transports", default="graphql,rest")
    ap.add_argument("--bad-body-rate", type=float, default=0.03)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    logging.getLogger("tracker").setLevel(logging.ERROR)
    per = {}
    for transport in args.transports.split(","):
        per[transport] = one_transport(
            transport, args.repos, args.seed, args.bad_body_rate, args.batch
        )
        print(f"{transport}: {json.dumps(per[transport])}")
    figures: dict[str, Any] = {
        "identical": all(p["identical"] for p in per.values()),
        "false_dead": sum(p["false_dead"] for p in per.values()),
        "wrong_facts": sum(p["wrong_facts"] for p in per.values()),
        "chaos_wall_s": round(sum(p["chaos_wall_s"] for p in per.values()), 2),
        "clean_wall_s": round(sum(p["clean_wall_s"] for p in per.values()), 2),
        "transports": per,
    }
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
