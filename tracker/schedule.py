"""The check loop, once for every host: plan what is due, hand each checker its targets, save
every batch as it lands, and keep the run's record.

Checkers (`tracker.check.interface.Checker`) fetch and return values; this module is the only
place where checking meets the database:

* `choose`: due = never checked, unknown, or older than `--max-age`; repositories with an open
  promise first, then unknown (their last answer was a rate limit or an outage), then never
  checked, then the stalest. A repository confirmed dead (two definite 404/410/451) is due at
  most once a week (`DEAD_RECHECK`): death is rarely undone, and each re-check costs a request.
* Hosts are checked one after the other, GitHub first; one host stopping early (no network,
  `--no-wait`, the budget) leaves its rest unchecked with the reason and the others go on.
* Each batch is saved in its own transaction, with server text scrubbed of every secret, so a
  killed run leaves whole batches behind and a rerun completes the rest.
* A run that learned nothing leaves no trace; a refused token stops the run before anything
  more is written (`ConfigError`, exit 5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Connection, Engine

from tracker.check.interface import Checker, CheckOptions, CheckStopped, Progress, ProgressFn
from tracker.check.registry import CHECKERS
from tracker.check.shard import Shard
from tracker.config import Settings, scrub
from tracker.errors import ConfigError
from tracker.hosts import host_of
from tracker.http import RUN_RETRY_BUDGET_S, HttpPolicy, RetryBudget
from tracker.models import CheckResult, CheckSummary, DueRepo
from tracker.store.engine import reading_beside
from tracker.store.repos import due_in_check_order, save_check_results
from tracker.store.runs import drop_run, finish_run, start_run
from tracker.store.tracking import open_promise_repos

_FIRST = {"unknown": 0, "unchecked": 1}
DEAD_CONFIRMATIONS = 2
"""As `tracker.flags.facts`: dead after this many consecutive definite answers."""
DEAD_RECHECK = dt.timedelta(days=7)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def is_due(repo: DueRepo, now: dt.datetime, max_age: dt.timedelta | None) -> bool:
    checked = _utc(repo.last_checked_at)
    if repo.status in _FIRST or checked is None:
        return True
    if repo.dead_confirmations >= DEAD_CONFIRMATIONS:
        max_age = max(max_age or DEAD_RECHECK, DEAD_RECHECK)
    return max_age is None or checked <= now - max_age


def choose(
    repos: Iterable[DueRepo],
    now: dt.datetime,
    max_age: dt.timedelta | None,
    limit: int | None,
    urgent: frozenset[str] = frozenset(),
) -> list[DueRepo]:
    """The due repositories in check order, at most `limit`; `urgent` keys (open promises) go
    before all others."""
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    due = [r for r in repos if is_due(r, now, max_age)]
    due.sort(
        key=lambda r: (
            r.key not in urgent,
            _FIRST.get(r.status, 2),
            _utc(r.last_checked_at) or epoch,
            r.key,
        )
    )
    return due if limit is None else due[:limit]


def plan(
    conn: Connection,
    now: dt.datetime,
    max_age: dt.timedelta | None,
    limit: int | None = None,
    shard: Shard | None = None,
) -> list[DueRepo]:
    """What a check does before its first request: the due repositories (of `shard`) in check
    order, as `choose` orders them. The database filters and orders them
    (`due_in_check_order`), and meanwhile reads the open promises (`reading_beside`); moving
    them first keeps that order within each part, which is `choose`'s order, since its sort
    key begins with urgency."""
    recent = now - max_age if max_age is not None else None
    dead = now - max(max_age or DEAD_RECHECK, DEAD_RECHECK)
    with reading_beside(conn, open_promise_repos, everywhere=True, serial=True) as promised:
        due = due_in_check_order(conn, recent, dead, shard)
    urgent = promised()
    ordered = [r for r in due if r.key in urgent] + [r for r in due if r.key not in urgent]
    return ordered if limit is None else ordered[:limit]


def default_policy(settings: Settings) -> HttpPolicy:
    return HttpPolicy(
        timeout_s=settings.timeout_s,
        max_attempts=settings.max_retries,
        secrets=settings.secrets(),
        retry_budget=RetryBudget(RUN_RETRY_BUDGET_S),
    )


@dataclass
class _Pass:
    """Counts of one pass over every host."""

    run_id: int
    total: int
    done: int = 0
    unknown: int = 0
    changed: int = 0
    requests: int = 0
    points: int = 0


def _save(engine: Engine, p: _Pass, checker: Checker, results: Sequence[CheckResult]) -> None:
    """Store one batch; server text (an error message may echo the request's token) is
    scrubbed of every secret first."""
    clean = [replace(r, reason=scrub(r.reason, checker.secrets)) for r in results]
    with engine.begin() as conn:
        saved = save_check_results(conn, clean, run_id=p.run_id, checker=checker.name)
    p.done += len(results)
    p.unknown += saved.unknown
    p.changed += saved.changed


def _progress(fn: ProgressFn | None, base: int, total: int) -> ProgressFn | None:
    """A host's progress as part of the whole pass."""
    if fn is None:
        return None
    return lambda p: fn(replace(p, done=base + p.done, total=total))


def _by_host(due: Sequence[DueRepo]) -> dict[str, list[DueRepo]]:
    """The due targets of each host that has a checker, in check order."""
    checked = {cls.host for cls in CHECKERS}
    groups: dict[str, list[DueRepo]] = {}
    for d in due:
        host = host_of(d.key)
        if host in checked:
            groups.setdefault(str(host), []).append(d)
    return groups


def check_targets(
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
    connect_to: dict[str, str] | None = None,
    allow_private: bool = False,
) -> CheckSummary:
    """Check the repositories (on every host with a checker) that links point at and that are
    due."""
    with engine.connect() as conn:
        due = plan(conn, dt.datetime.now(dt.UTC), max_age, limit, shard)
    groups = _by_host(due)
    checkable = sum(len(v) for v in groups.values())
    with engine.begin() as conn:
        run_id = start_run(conn, "check", [])
    p = _Pass(run_id, checkable)
    policy = policy or default_policy(settings)
    reasons: list[str] = []
    transports: list[str] = []
    if progress is not None:
        progress(Progress(0, checkable, 0))
    try:
        for cls in CHECKERS:
            targets = groups.get(cls.host.value, [])
            if not targets:
                continue
            options = CheckOptions(
                budget=budget,
                no_wait=no_wait,
                rest=rest,
                max_batch=max_batch,
                connect_to=dict(connect_to or {}),
                allow_private=allow_private or settings.allow_private,
                progress=_progress(progress, p.done, checkable),
            )
            checker = cls(settings, policy, options)
            try:
                for batch in checker.check_all(targets):
                    _save(engine, p, checker, batch)
            except CheckStopped as stop:
                reasons.append(str(stop))
            transports.append(checker.tally.transport)
            p.requests += checker.tally.requests
            p.points += checker.tally.points
    except ConfigError as exc:  # a refused token: stop, keep what was saved, say what to fix
        with engine.begin() as conn:
            if p.done:
                finish_run(conn, run_id, "failed", checked=p.done, note=str(exc)[:2048])
            else:
                drop_run(conn, run_id)
        raise
    return _finish(engine, p, reasons, transports, settings, rest)


def _finish(
    engine: Engine,
    p: _Pass,
    reasons: list[str],
    transports: list[str],
    settings: Settings,
    rest: bool,
) -> CheckSummary:
    reason = "; ".join(reasons)
    default = "rest" if rest or not settings.github_token else "graphql"
    summary = CheckSummary(
        checked=p.done,
        unchecked=p.total - p.done,
        unknown=p.unknown,
        changed=p.changed,
        requests=p.requests,
        points=p.points,
        reason=reason,
        transport=" + ".join(transports) or default,
    )
    with engine.begin() as conn:
        if summary.checked or summary.changed:
            finish_run(
                conn,
                p.run_id,
                "done" if not summary.unchecked else "partial",
                checked=summary.checked,
                unchecked=summary.unchecked,
                note=reason[:2048],
            )
        else:
            # Nothing was learned (no network, nothing due): leave no trace, so reruns add no rows.
            drop_run(conn, p.run_id)
    return summary
