"""One GitHub check pass: pick the due repositories, fetch them, save each batch as it lands.

`check_repositories` is what `tracker check` and `tracker run` call. Fetching (`fetch_*`) and
saving (`save_check_results`) stay separate; this module only paces them:

* Requests are serial, as GitHub asks of one client ("make requests serially, not
  concurrently"): concurrency would trip the secondary limit and buy little, since one GraphQL
  query already carries up to 100 repositories.
* Over GraphQL, repositories whose stored facts can be compared are probed first (free fields,
  one point per 100); only new, stale and changed ones get the five-connection full query.
* When the primary limit runs out, it waits for the reset with a countdown (reported through
  `progress`), or with `no_wait` stops cleanly and leaves the rest for the next run. It never
  sends a batch whose estimated cost would pass the user's `budget`.
* With no network (DNS failure, refused connection) it stops at once: every remaining
  repository is reported unchecked with the reason, and nothing is recorded as a failure.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import httpx
from sqlalchemy import Engine

from tracker.check.github.graphql import Batch, deepen, fetch_graphql, fetch_probe
from tracker.check.github.planner import (
    BatchSizer,
    Quota,
    choose,
    probe_unchanged,
    wants_probe,
)
from tracker.check.github.rest import RestAnswer, fetch_rest, make_github
from tracker.check.shard import Shard, in_shard
from tracker.config import Settings, scrub
from tracker.errors import ConfigError
from tracker.http import Failure, HttpPolicy, make_client, retry_after_s_from
from tracker.models import CheckResult, CheckSummary, DueRepo, RepoStatus
from tracker.store.repos import due_repos, save_check_results
from tracker.store.runs import drop_run, finish_run, start_run
from tracker.store.tracking import open_promise_repos

REST_SAVE_EVERY = 20
MAX_LIMIT_HITS = 5
"""A repository rate-limited this many times in a row is left UNKNOWN, so the run moves on."""
MAX_RESET_WAIT_S = 3700.0
"""GitHub's primary window is an hour; a longer reset means a clock problem, not a wait."""


@dataclass(frozen=True)
class Progress:
    """A snapshot for progress bars: done/left, quota, and any rate-limit countdown."""

    done: int
    total: int
    points: int
    remaining: int | None = None
    waiting_s: float = 0.0
    note: str = ""


ProgressFn = Callable[[Progress], None]


class _Stop(Exception):
    """Ends the pass early; the message is the reason reported for the unchecked rest."""


class _Run:
    def __init__(
        self,
        engine: Engine,
        run_id: int,
        policy: HttpPolicy,
        total: int,
        quota: Quota,
        no_wait: bool,
        progress: ProgressFn | None,
    ) -> None:
        self.engine, self.run_id, self.policy = engine, run_id, policy
        self.total, self.quota, self.no_wait, self.progress = total, quota, no_wait, progress
        self.done = self.unknown = self.changed = self.requests = 0
        self.sizer = BatchSizer()
        self.probe_sizer = BatchSizer()
        self.secrets: tuple[str, ...] = policy.secrets

    def report(self, waiting_s: float = 0.0, note: str = "") -> None:
        if self.progress is not None:
            self.progress(
                Progress(
                    self.done, self.total, self.quota.spent, self.quota.remaining, waiting_s, note
                )
            )

    def save(self, results: Sequence[CheckResult]) -> None:
        """Store a batch; server text (an error message may echo the request's token) is
        scrubbed of every secret first."""
        if not results:
            return
        clean = [replace(r, reason=scrub(r.reason, self.secrets)) for r in results]
        with self.engine.begin() as conn:
            saved = save_check_results(conn, clean, run_id=self.run_id)
        self.done += len(results)
        self.unknown += saved.unknown
        self.changed += saved.changed
        self.report()

    def wait_for_reset(self, reset_at: float | None, why: str, *, short: bool = False) -> None:
        """Sleep until `reset_at` with a countdown, or stop (`no_wait`, unknown reset).

        `short` waits (a secondary limit's minute) are taken even with `no_wait`."""
        now = self.policy.clock()
        until = reset_at if reset_at is not None else now + self.policy.secondary_wait_s
        left = until - now
        when = dt.datetime.fromtimestamp(until, dt.UTC).strftime("%H:%M:%S UTC")
        if self.no_wait and not short:
            raise _Stop(f"{why} until {when}, --no-wait")
        if left > MAX_RESET_WAIT_S:
            raise _Stop(f"{why} until {when} (too far to wait)")
        while left > 0:
            self.report(waiting_s=left, note=f"{why}: waiting until {when}")
            self.policy.sleep(min(1.0, left))
            left = until - self.policy.clock()
        self.quota.remaining = None

    def graphql(self, due: Sequence[DueRepo], settings: Settings) -> None:
        """Probe what can be compared, then the full query for the rest and for what changed.

        A full batch goes as soon as one is ready, so progress and a `--budget` cut follow the
        planned order closely."""
        url = settings.github_api_url.rstrip("/") + "/graphql"
        if url.endswith("/api/v3/graphql"):
            url = url.replace("/api/v3/graphql", "/api/graphql")
        headers = {"Authorization": f"bearer {settings.github_token}"}
        now = dt.datetime.now(dt.UTC)
        probes = deque(d for d in due if wants_probe(d, now))
        full = deque(d for d in due if not wants_probe(d, now))
        lean: set[str] = set()
        with make_client(self.policy, headers=headers) as client:
            while probes or full:
                if full and (len(full) >= self.sizer.size or not probes):
                    batch = self._take(full, self.sizer)
                    answer = fetch_graphql(client, url, [d.name for d in batch], lean)
                    if self._landed(answer, batch, full, self.sizer):
                        self.save([self._whole(client, settings, answer, d) for d in batch])
                else:
                    batch = self._take(probes, self.probe_sizer)
                    answer = fetch_probe(client, url, [d.name for d in batch])
                    if self._landed(answer, batch, probes, self.probe_sizer):
                        self._probed(answer, batch, full, lean)

    def _whole(
        self, client: httpx.Client, settings: Settings, answer: Batch, d: DueRepo
    ) -> CheckResult:
        """The answer with its whole tree (`deepen`), counting the REST request it took."""
        result, spent = deepen(client, settings.github_api_url, answer.results[d.name])
        self.requests += spent
        return result

    def _take(self, queue: deque[DueRepo], sizer: BatchSizer) -> list[DueRepo]:
        """The next batch that fits the budget, after waiting for a reset if GitHub says so."""
        n = self.quota.largest_fitting(min(sizer.size, len(queue)))
        if n == 0:
            raise _Stop(f"budget of {self.quota.budget} points reached")
        if self.quota.exhausted(n):
            self.wait_for_reset(self.quota.reset_at, "rate limited")
        self.requests += 1
        return [queue.popleft() for _ in range(n)]

    def _landed(
        self, answer: Batch, batch: list[DueRepo], queue: deque[DueRepo], sizer: BatchSizer
    ) -> bool:
        """Whether the batch was answered; if not, it is queued again (smaller, after a reset)
        or, for a single repository, recorded UNKNOWN."""
        self.quota.record(answer.cost, len(batch), answer.remaining, answer.reset_at)
        if answer.failure is None:
            sizer.succeeded(answer.elapsed_s, len(batch))
            return True
        queue.extendleft(reversed(batch))
        if answer.http_status == 401:
            raise ConfigError(f"GitHub answered 401 ({answer.reason}): check GITHUB_TOKEN")
        if answer.failure is Failure.NO_NETWORK:
            raise _Stop(f"GitHub unreachable ({answer.reason})")
        if answer.failure is Failure.RATE_LIMITED:
            self.wait_for_reset(answer.reset_at, "rate limited")
            return False
        if len(batch) > 1:
            sizer.timed_out(len(batch))
            return False
        queue.popleft()
        self.save(
            [CheckResult(batch[0].key, RepoStatus.UNKNOWN, answer.reason, answer.http_status)]
        )
        return False

    def _probed(
        self, answer: Batch, batch: list[DueRepo], full: deque[DueRepo], lean: set[str]
    ) -> None:
        """Save what the probe settles (missing, unchanged); queue the rest for the full query,
        without the assets connection when neither GitHub nor the store knows of a release."""
        settled = []
        for d in batch:
            probe = answer.probes[d.name]
            if probe.result is not None:
                settled.append(probe.result)
            elif probe.digest is not None and probe_unchanged(d, probe.digest):
                why = "unchanged since the last full check"
                settled.append(CheckResult(d.name, RepoStatus.OK, why, 200, unchanged=True))
            else:
                full.append(d)
                if not probe.has_release and d.releases_count == 0:
                    lean.add(d.name)
        self.save(settled)

    def rest(self, due: Sequence[DueRepo], settings: Settings) -> None:
        gh = make_github(settings.github_api_url, settings.github_token, self.policy)
        pending: list[CheckResult] = []
        queue = deque(due)
        limit_hits = 0
        try:
            while queue:
                if not self.quota.fits(1):
                    raise _Stop(f"budget of {self.quota.budget} points reached")
                if self.quota.exhausted(1):
                    self.save(pending)
                    pending = []
                    self.wait_for_reset(self.quota.reset_at, "rate limited")
                answer = fetch_rest(gh, queue[0])
                self.requests += answer.requests
                self._rest_quota(answer)
                if answer.no_network:
                    raise _Stop(f"GitHub unreachable ({answer.reason})")
                if answer.bad_token:
                    raise ConfigError(answer.reason)
                if answer.result is None and limit_hits >= MAX_LIMIT_HITS:
                    why = f"{answer.reason} {limit_hits} times in a row"
                    answer = replace(
                        answer, result=CheckResult(queue[0].key, RepoStatus.UNKNOWN, why)
                    )
                if answer.result is None:
                    limit_hits += 1
                    self.save(pending)
                    pending = []
                    self._rest_limited(answer, limit_hits)
                    continue
                limit_hits = 0
                queue.popleft()
                pending.append(answer.result)
                if len(pending) >= REST_SAVE_EVERY:
                    self.save(pending)
                    pending = []
        finally:
            self.save(pending)
            gh.close()

    def _rest_quota(self, answer: RestAnswer) -> None:
        h = answer.headers or {}
        left, reset = h.get("x-ratelimit-remaining", ""), h.get("x-ratelimit-reset", "")
        remaining = int(left) if left.isdigit() else None
        self.quota.record(
            answer.points,
            1 if answer.result else 0,
            remaining,
            float(reset) if reset.isdigit() else None,
        )

    def _rest_limited(self, answer: RestAnswer, hits: int) -> None:
        """Primary limit: wait for the reset. Secondary: Retry-After, else 60 s doubling."""
        now = self.policy.clock()
        asked = retry_after_s_from(answer.headers or {}, now)
        if asked is None:
            asked = self.policy.secondary_wait_s * 2 ** (hits - 1)
        short = asked <= self.policy.max_wait_s
        self.wait_for_reset(now + asked, "rate limited", short=short)


def default_policy(settings: Settings) -> HttpPolicy:
    return HttpPolicy(
        timeout_s=settings.timeout_s,
        max_attempts=settings.max_retries,
        secrets=settings.secrets(),
    )


def check_repositories(
    engine: Engine,
    settings: Settings,
    *,
    max_age: dt.timedelta | None = None,
    limit: int | None = None,
    budget: int | None = None,
    no_wait: bool = False,
    rest: bool = False,
    progress: ProgressFn | None = None,
    policy: HttpPolicy | None = None,
    max_batch: int = 100,
    shard: Shard | None = None,
) -> CheckSummary:
    """Check the GitHub repositories that links point at and that are due."""
    with engine.connect() as conn:
        mine = [r for r in due_repos(conn) if shard is None or in_shard(r.key, shard.k, shard.n)]
        due = choose(mine, dt.datetime.now(dt.UTC), max_age, limit, open_promise_repos(conn))
    use_rest = rest or not settings.github_token
    quota = Quota(budget=budget, guess=5.0 if use_rest else 0.06)
    with engine.begin() as conn:
        run_id = start_run(conn, "check", [])
    run = _Run(
        engine, run_id, policy or default_policy(settings), len(due), quota, no_wait, progress
    )
    run.secrets = (*run.policy.secrets, *settings.secrets())
    run.sizer = BatchSizer(size=min(25, max_batch), maximum=max_batch)
    run.probe_sizer = BatchSizer(size=max_batch, maximum=max_batch)  # light: start at the top
    reason = ""
    run.report()
    try:
        if due:
            (run.rest if use_rest else run.graphql)(due, settings)
    except _Stop as stop:
        reason = str(stop)
    except ConfigError as exc:  # a refused token: stop, keep what was saved, say what to fix
        with engine.begin() as conn:
            if run.done:
                finish_run(conn, run_id, "failed", checked=run.done, note=str(exc)[:2048])
            else:
                drop_run(conn, run_id)
        raise
    summary = CheckSummary(
        checked=run.done,
        unchecked=len(due) - run.done,
        unknown=run.unknown,
        changed=run.changed,
        requests=run.requests,
        points=quota.spent,
        reason=reason,
        transport="rest" if use_rest else "graphql",
    )
    with engine.begin() as conn:
        if summary.checked or summary.changed:
            finish_run(
                conn,
                run_id,
                "done" if not summary.unchecked else "partial",
                checked=summary.checked,
                unchecked=summary.unchecked,
                note=reason[:2048],
            )
        else:
            # Nothing was learned (no network, nothing due): leave no trace, so reruns add no rows.
            drop_run(conn, run_id)
    return summary
