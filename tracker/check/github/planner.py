"""GitHub's pacing decisions: probe or full query, batch sizes, and the rate-limit quota.

Pure decisions, no I/O, so they are tested directly:

* Which repositories are due, and in what order, is the same for every host
  (`tracker.schedule.choose`).
* `wants_probe`: with GraphQL, which due repositories get the one-point-per-100 probe first
  (`tracker.check.github.graphql`) rather than the full query: those whose stored facts can be
  compared (a digest from a full check younger than `FULL_EVERY`) and those last seen missing.
* `BatchSizer`: GitHub stops GraphQL queries after 10 s and answers 502; a batch grows while
  answers come back well under that (`target_s`) and halves on 502/504/timeouts, down to one.
* `Quota`: what the rate-limit headers say is left, and the user's `--budget`: a batch is only
  sent when its estimated cost fits both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field

from tracker.models import DueRepo

FULL_EVERY = dt.timedelta(days=14)
"""Mean age at which all facts are fetched again even when the probe saw no change: watchers,
open issues, topics and prerelease assets are not in the digest. Spread from 0.75x to 1.25x by
repository, so a corpus checked in one day does not come due on one day."""
FACT_STATUSES = frozenset({"ok", "empty", "moved"})
"""Statuses whose stored facts a probe digest can vouch for."""
MISSING_STATUSES = frozenset({"not_found", "blocked", "forbidden"})


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def full_every(key: str, every: dt.timedelta = FULL_EVERY) -> dt.timedelta:
    """This repository's refresh period: `every` times a stable factor in [0.75, 1.25)."""
    h = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")
    return every * (0.75 + 0.5 * h / 2**32)


def wants_probe(repo: DueRepo, now: dt.datetime, every: dt.timedelta = FULL_EVERY) -> bool:
    """Whether a cheap probe can stand in for the full query (else the full query goes first)."""
    if repo.status in MISSING_STATUSES:
        return True
    full = _utc(repo.full_checked_at)
    if repo.status not in FACT_STATUSES or repo.probe_digest is None or full is None:
        return False
    return now - full < full_every(repo.key, every)


def probe_unchanged(repo: DueRepo, probe_digest: str) -> bool:
    """The probe saw what the last full check saw: the stored facts still hold."""
    return repo.status in FACT_STATUSES and repo.probe_digest == probe_digest


@dataclass
class BatchSizer:
    """Adaptive GraphQL batch size: additive growth under `target_s`, halving on timeouts."""

    size: int = 25
    minimum: int = 1
    maximum: int = 100
    target_s: float = 4.0
    """Well under GitHub's 10 s query limit, leaving room for slow moments."""
    step: int = 25

    def succeeded(self, elapsed_s: float, n: int) -> None:
        if n >= self.size and elapsed_s < self.target_s / 2:
            self.size = min(self.maximum, self.size + self.step)
        elif elapsed_s > self.target_s:
            self.size = max(self.minimum, math.ceil(self.size * self.target_s / elapsed_s))

    def timed_out(self, sent: int | None = None) -> None:
        """Halve from the batch that failed (`sent`), which may be smaller than `size`."""
        self.size = max(self.minimum, min(self.size, sent or self.size) // 2)


@dataclass
class Quota:
    """Rate-limit points: what GitHub says remains, and what the user allows this run."""

    budget: int | None = None
    guess: float = 0.06
    """Points per repository assumed before any answer (GraphQL ~0.05, REST ~5)."""
    spent: int = 0
    remaining: int | None = None
    reset_at: float | None = None
    costs: list[float] = field(default_factory=list)
    """Observed points per repository, to estimate the next batch."""

    def estimate(self, n: int) -> int:
        per = max(self.costs[-5:]) if self.costs else self.guess
        return max(1, math.ceil(per * n))

    def fits(self, n: int) -> bool:
        """Whether `n` more repositories can be checked without passing the user's budget."""
        return self.budget is None or self.spent + self.estimate(n) <= self.budget

    def exhausted(self, n: int) -> bool:
        """Whether GitHub's own remaining points are too few for the next batch."""
        return self.remaining is not None and self.remaining < self.estimate(n)

    def record(self, cost: int, n: int, remaining: int | None, reset_at: float | None) -> None:
        self.spent += cost
        if n:
            self.costs.append(cost / n)
        if remaining is not None:
            self.remaining = remaining
        if reset_at is not None:
            self.reset_at = reset_at

    def largest_fitting(self, n: int) -> int:
        """The largest batch (at most `n`) whose estimated cost fits the budget; 0 if none."""
        while n > 0 and not self.fits(n):
            n //= 2
        return n
