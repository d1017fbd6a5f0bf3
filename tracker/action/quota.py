"""How much of the hour's GitHub quota this run may spend on checks.

A workflow's `GITHUB_TOKEN` gets 1,000 requests an hour per repository, shared by every job of
that repository. The check gets what GitHub says remains minus a reserve (for the tracking
issue and for other workflows), capped by the user's own limit, and runs with `--no-wait`: it
stops cleanly when the budget is spent and the stalest repositories go first next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.errors import CheckError

DEFAULT_RESERVE = 100
"""Points left for the tracking issue (a handful of requests) and for other jobs."""


@dataclass(frozen=True, slots=True)
class RateLimit:
    """One rate-limit resource as GitHub reports it."""

    resource: str
    limit: int
    remaining: int
    reset_at: dt.datetime


@dataclass(frozen=True, slots=True)
class QuotaPlan:
    """The check's budget for this run, and why it is that number."""

    budget: int
    reason: str


def plan_quota(
    rate: RateLimit, *, reserve: int = DEFAULT_RESERVE, cap: int | None = None
) -> QuotaPlan:
    """The points the check may spend: what remains after the reserve, at most `cap`."""
    free = max(0, rate.remaining - reserve)
    reset = rate.reset_at.astimezone(dt.UTC).strftime("%H:%M UTC")
    if cap is not None and cap < free:
        return QuotaPlan(cap, f"capped at {cap:,} ({rate.remaining:,} {rate.resource} left)")
    if free == 0:
        return QuotaPlan(
            0,
            f"only {rate.remaining:,} of {rate.limit:,} {rate.resource} points left "
            f"(reserve {reserve:,}); resets at {reset}",
        )
    return QuotaPlan(
        free, f"{rate.remaining:,} of {rate.limit:,} {rate.resource} points left, {reserve:,} kept"
    )


def fetch_rate_limit(api_url: str, token: str | None, resource: str) -> RateLimit:
    """What GitHub says remains of `resource` (`core` or `graphql`); asking costs nothing."""
    import requests
    from github import Auth, Github, GithubException

    gh = Github(
        base_url=api_url.rstrip("/"),
        auth=Auth.Token(token) if token else None,
        timeout=20,
        retry=2,
    )
    try:
        rate = getattr(gh.get_rate_limit().resources, resource)
    except GithubException as exc:
        raise CheckError(f"cannot read the GitHub rate limit: {exc.status}") from None
    except requests.RequestException as exc:
        raise CheckError(f"cannot reach GitHub: {type(exc).__name__}") from None
    reset = rate.reset if rate.reset.tzinfo else rate.reset.replace(tzinfo=dt.UTC)
    return RateLimit(resource, int(rate.limit), int(rate.remaining), reset)
