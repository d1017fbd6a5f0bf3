"""GitHub as one checker: GraphQL batches (or REST), paced within the rate limit.

`GitHubChecker.check_all` yields batches of results as they land; the scheduling loop
(`tracker.schedule`) saves them. Pacing is GitHub's own business and stays here:

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
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import ClassVar

import httpx
from github import Github

from tracker.check.github.graphql import Batch, deepen, fetch_graphql, fetch_probe, read_docs
from tracker.check.github.planner import BatchSizer, Quota, probe_unchanged, wants_probe
from tracker.check.github.rest import RestAnswer, fetch_rest, make_github, refused_everywhere
from tracker.check.interface import Checker, CheckOptions, CheckStopped, Progress
from tracker.config import Settings
from tracker.errors import ConfigError
from tracker.hosts import Host
from tracker.http import Failure, HttpPolicy, make_client, retry_after_s_from
from tracker.models import CheckResult, DueRepo, RepoStatus

REST_SAVE_EVERY = 20
MAX_LIMIT_HITS = 5
"""A repository rate-limited this many times in a row is left UNKNOWN, so the run moves on."""
MAX_RESET_WAIT_S = 3700.0
"""GitHub's primary window is an hour; a longer reset means a clock problem, not a wait."""


class GitHubChecker(Checker):
    """github.com (or an Enterprise server at `github_api_url`): GraphQL with a token, REST
    without one (or with `--rest`)."""

    host: ClassVar[Host] = Host.GITHUB
    name: ClassVar[str] = "github"

    def __init__(self, settings: Settings, policy: HttpPolicy, options: CheckOptions) -> None:
        super().__init__(settings, policy, options)
        self.use_rest = options.rest or not settings.github_token
        self.tally.transport = "rest" if self.use_rest else "graphql"
        self.quota = Quota(budget=options.budget, guess=5.0 if self.use_rest else 0.06)
        self.no_wait = options.no_wait
        self.api_open = False
        """GitHub answered this run's client once: a 403 since is the repository's own."""
        self.done = self.total = 0
        self.sizer = BatchSizer(size=min(25, options.max_batch), maximum=options.max_batch)
        self.probe_sizer = BatchSizer(size=options.max_batch, maximum=options.max_batch)
        self._out: list[CheckResult] = []

    def check(self, target: DueRepo) -> CheckResult:
        return next(iter(self.check_all([target])))[0]

    def check_all(self, targets: Sequence[DueRepo]) -> Iterator[list[CheckResult]]:
        self.total = len(targets)
        self.report_quota()
        if not targets:
            return
        try:
            yield from (self.rest if self.use_rest else self.graphql)(targets)
            yield from self._flush()
        except (CheckStopped, ConfigError):
            yield from self._flush()  # what landed before the stop is kept
            raise

    def _flush(self) -> Iterator[list[CheckResult]]:
        if self._out:
            out, self._out = self._out, []
            self.done += len(out)
            yield out
            self.report_quota()

    def save(self, results: Sequence[CheckResult]) -> None:
        """Queue results for the next `_flush` (the loop stores them)."""
        self._out.extend(results)

    def report_quota(self, waiting_s: float = 0.0, note: str = "") -> None:
        self.tally.points = self.quota.spent
        if self.options.progress is not None:
            self.options.progress(
                Progress(
                    self.done, self.total, self.quota.spent, self.quota.remaining, waiting_s, note
                )
            )

    def wait_for_reset(self, reset_at: float | None, why: str, *, short: bool = False) -> None:
        """Sleep until `reset_at` with a countdown, or stop (`no_wait`, unknown reset).

        `short` waits (a secondary limit's minute) are taken even with `no_wait`."""
        now = self.policy.clock()
        until = reset_at if reset_at is not None else now + self.policy.secondary_wait_s
        left = until - now
        when = dt.datetime.fromtimestamp(until, dt.UTC).strftime("%H:%M:%S UTC")
        if self.no_wait and not short:
            raise CheckStopped(f"{why} until {when}, --no-wait")
        if left > MAX_RESET_WAIT_S:
            raise CheckStopped(f"{why} until {when} (too far to wait)")
        while left > 0:
            self.report_quota(waiting_s=left, note=f"{why}: waiting until {when}")
            self.policy.sleep(min(1.0, left))
            left = until - self.policy.clock()
        self.quota.remaining = None

    def graphql(self, due: Sequence[DueRepo]) -> Iterator[list[CheckResult]]:
        """Probe what can be compared, then the full query for the rest and for what changed.

        A full batch goes as soon as one is ready, so progress and a `--budget` cut follow the
        planned order closely."""
        settings = self.settings
        url = settings.github_graphql_url
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
                yield from self._flush()

    def _whole(
        self, client: httpx.Client, settings: Settings, answer: Batch, d: DueRepo
    ) -> CheckResult:
        """The answer with its whole tree (`deepen`) and the documents its README links
        (`read_docs`), counting the REST requests they took."""
        result, spent = deepen(client, settings.github_api_url, answer.results[d.name])
        result, read = read_docs(client, settings.github_api_url, result)
        self.tally.requests += spent + read
        return result

    def _take(self, queue: deque[DueRepo], sizer: BatchSizer) -> list[DueRepo]:
        """The next batch that fits the budget, after waiting for a reset if GitHub says so."""
        n = self.quota.largest_fitting(min(sizer.size, len(queue)))
        if n == 0:
            raise CheckStopped(f"budget of {self.quota.budget} points reached")
        if self.quota.exhausted(n):
            self.wait_for_reset(self.quota.reset_at, "rate limited")
        self.tally.requests += 1
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
        if answer.http_status == 403 and answer.failure is Failure.HTTP:
            raise ConfigError(
                "GitHub answered 403 to the GraphQL API (not a rate limit): check GITHUB_TOKEN"
                " (its access, SSO authorization) and that this network may reach the API"
            )
        if answer.failure is Failure.NO_NETWORK:
            raise CheckStopped(f"GitHub unreachable ({answer.reason})")
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

    def rest(self, due: Sequence[DueRepo]) -> Iterator[list[CheckResult]]:
        settings = self.settings
        gh = make_github(settings.github_api_url, settings.github_token, self.policy)
        pending: list[CheckResult] = []
        queue = deque(due)
        limit_hits = 0
        try:
            while queue:
                if not self.quota.fits(1):
                    raise CheckStopped(f"budget of {self.quota.budget} points reached")
                if self.quota.exhausted(1):
                    self.save(pending)
                    pending = []
                    yield from self._flush()
                    self.wait_for_reset(self.quota.reset_at, "rate limited")
                answer = fetch_rest(gh, queue[0])
                self.tally.requests += answer.requests
                self._rest_quota(answer)
                if answer.no_network:
                    raise CheckStopped(f"GitHub unreachable ({answer.reason})")
                if answer.bad_token:
                    raise ConfigError(answer.reason)
                refusal = self._refusal(gh, answer)
                if refusal is not None:
                    raise ConfigError(refusal)
                if answer.result is None and limit_hits >= MAX_LIMIT_HITS:
                    why = f"{answer.reason} {limit_hits} times in a row"
                    answer = replace(
                        answer, result=CheckResult(queue[0].key, RepoStatus.UNKNOWN, why)
                    )
                if answer.result is None:
                    limit_hits += 1
                    self.save(pending)
                    pending = []
                    yield from self._flush()
                    self._rest_limited(answer, limit_hits)
                    continue
                limit_hits = 0
                queue.popleft()
                pending.append(answer.result)
                if len(pending) >= REST_SAVE_EVERY:
                    self.save(pending)
                    pending = []
                    yield from self._flush()
        finally:
            self.save(pending)
            gh.close()

    def _refusal(self, gh: Github, answer: RestAnswer) -> str | None:
        """For a repository's 403 that is not a rate limit: why GitHub refuses every request
        (a configuration error: stop before writing), or None when it stands as that
        repository's `forbidden`. Asked once per run, at the first such 403."""
        if self.api_open or answer.result is None or answer.result.http_status != 403:
            return None
        self.tally.requests += 1
        why = refused_everywhere(gh)
        self.api_open = why is None
        return why

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
