"""What users are asking, wired store -> check -> store: the open issues of flagged GitHub
repositories that ask for code, weights or data.

Runs in every check stage (`tracker.pipeline.check`) after the code hosts. One GraphQL query
per batch of up to 100 repositories (aliases; one issues connection each, so one rate-limit
point per batch), never a search per repository; when more than one batch is due, only whole
batches go (the rest, asked first next run), since a part-filled batch costs a whole point.
Bounded: at most `MAX_REPOS` repositories per
run, and no query once the rate limit is below `RESERVE` of its size, so the checks of the next
run keep their budget. Needs a token (GraphQL has no anonymous access); without one, and after
a check that met the rate limit, it is skipped and says so. Titles (and the start of bodies)
are classified by `tracker.flags.requests.asks_for`; only matching issues are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from tracker.check.github.graphql import IssueBatch, fetch_open_issues
from tracker.config import Settings, scrub
from tracker.flags.requests import asks_for
from tracker.http import RUN_RETRY_BUDGET_S, HttpPolicy, RetryBudget, make_client
from tracker.models import OpenRequest
from tracker.store.open_requests import repos_to_ask, save_open_requests

BATCH = 100
MAX_REPOS = 500
"""Repositories asked about per run: at most five points."""
RESERVE = 0.2
"""Share of the rate limit left alone: below it, no more queries in this run."""


@dataclass(frozen=True)
class RequestsSummary:
    asked: int = 0
    """Repositories whose open issues were read."""
    found: int = 0
    """Requests of code, weights or data among them."""
    points: int = 0
    queries: int = 0
    note: str = ""
    """Why it was skipped or stopped early."""


def _requests(batch: IssueBatch, name: str) -> list[OpenRequest] | None:
    issues = batch.issues.get(name)
    if issues is None:
        return None
    return [
        OpenRequest(i.number, i.title, i.created_at, i.url)
        for i in issues
        if asks_for(i.title, i.body)
    ]


def _low(batch: IssueBatch) -> bool:
    return (
        batch.remaining is not None
        and batch.limit is not None
        and batch.remaining < RESERVE * batch.limit
    )


def ask_open_requests(
    engine: Engine,
    settings: Settings,
    *,
    rate_limited: bool = False,
    max_repos: int = MAX_REPOS,
    policy: HttpPolicy | None = None,
) -> RequestsSummary:
    """Read the open issues of the repositories due; returns what it spent and found."""
    if not settings.github_token:
        return RequestsSummary(note="skipped: reading issues over GraphQL needs GITHUB_TOKEN")
    if rate_limited:
        return RequestsSummary(note="skipped: the check met GitHub's rate limit")
    now = dt.datetime.now(dt.UTC)
    with engine.connect() as conn:
        due = repos_to_ask(conn, now, max_repos)
    if len(due) > BATCH:  # whole batches only: a part-filled one costs a whole point
        due = due[: len(due) // BATCH * BATCH]
    if not due:
        return RequestsSummary()
    http = policy or HttpPolicy(
        timeout_s=settings.timeout_s,
        max_attempts=settings.max_retries,
        secrets=settings.secrets(),
        retry_budget=RetryBudget(RUN_RETRY_BUDGET_S),
    )
    headers = {"Authorization": f"bearer {settings.github_token}"}
    asked = found = points = queries = 0
    note = ""
    with make_client(http, headers=headers) as client:
        for start in range(0, len(due), BATCH):
            chunk = due[start : start + BATCH]
            batch = fetch_open_issues(client, settings.github_graphql_url, [n for _, n in chunk])
            queries += 1
            points += batch.cost
            if batch.failure is not None:
                note = f"stopped: {scrub(batch.reason, settings.secrets())}"
                break
            results = {key: _requests(batch, name) for key, name in chunk}
            kept = {k: v for k, v in results.items() if v is not None}
            with engine.begin() as conn:
                save_open_requests(conn, kept, now)
            asked += len(kept)
            found += sum(len(v) for v in kept.values())
            if _low(batch) and start + BATCH < len(due):
                note = "stopped: the rate limit is nearly spent"
                break
    return RequestsSummary(asked, found, points, queries, note)
