"""Flagging stored papers: read facts, run the pure probes, store answers and verdicts.

With `tracker.flags.pool`, whose worker processes read and judge batches for it, the only
module of `tracker.flags` that touches the database (through `tracker.store`), so `tracker
run`, `tracker flag` and `tracker ack` share one code path.

A run judges only what may have changed (`tracker.store.flag_due`): papers whose facts changed
since their last judgement, and papers whose deadline came (each judgement is stored with the
first day it may read differently, `ProbeContext.horizon`). It judges everything when asked,
when the rules or settings differ from those the stored judgements were made under, or when
`today` is earlier than a day already judged on.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, Engine

from tracker.config import Settings
from tracker.flags.facts import ProbeContext
from tracker.flags.judge import RULES_VERSION, columns, judge
from tracker.flags.pool import Judged, Judges, Judging, warm_up
from tracker.flags.probes import run_probes
from tracker.flags.verdict import verdict
from tracker.models import Finding, FlagSummary, Outcome, PaperFacts
from tracker.store.bulk import bulk_writes, checkpoint, no_cycle_collection
from tracker.store.defaults import FLAG_NEVER, FLAG_NOW
from tracker.store.engine import reading_beside
from tracker.store.facts import paper_facts
from tracker.store.findings import (
    PaperFlags,
    StoredFlags,
    Writes,
    save_stored,
    stored_form,
    write_planned,
)
from tracker.store.flag_due import (
    change_stamp,
    clear_queue,
    count_due,
    due_ids,
    every_paper_due,
    load_state,
    may_be_due,
    papers_by_id,
    row_versions,
    save_state,
    spread_queue,
    totals,
)
from tracker.store.judged import pending_judgements, save_judgements
from tracker.store.locks import lock_for_write
from tracker.store.rollup import fingerprint, rollup_links, save_mark

PROBE_RULES = "1"
"""Bump when a probe or the verdict reads the same facts differently: the next flag run then
judges every paper again (repository judgements have their own `RULES_VERSION`)."""
BATCH = 4000
"""Papers per batch: read, judged and handed to the saving process together. Besides its rows,
each batch costs the saving process a round of statements and hand-overs, so a full run saves
faster in larger batches; twice as large again gained nothing more and held more memory."""
PARALLEL_FROM = 5000
"""Fewer due papers than this are judged in the run's own process, whatever `jobs` says:
starting worker processes (a forkserver that imports the flag modules, a database connection
each) costs more than sharing out the judging of fewer papers saves, even with the server
started ahead (`_prepare_workers`)."""
MIN_BATCH = 500
"""The smallest batch `batch_size` hands to a worker: each costs a round of statements and
hand-overs."""
AHEAD = 2
"""Batches handed to each worker beyond the one it is judging, so none waits while the run's
process saves."""
COMMIT_BATCHES = 10
COMMIT_SECONDS = 2.0
"""A run commits after this many saved batches, or sooner once this long has passed since its
last commit (the first: since it began spreading the queue, `spread_queue`, which commits
after as long itself). Each commit writes every page the transaction dirtied to SQLite's
write-ahead log, and a batch's state and finding rows are spread over a dozen indexes, so one
commit per batch wrote most of those pages again with every batch; a group of them writes each
once. The time bound keeps the write turn (SQLite) and the batches' row locks (PostgreSQL)
from being held long, and limits what an interrupted run leaves to the next."""


def flag_paper(facts: PaperFacts, ctx: ProbeContext) -> PaperFlags:
    """Every probe's answer and the verdict for one paper (pure), with the first day they may
    read differently for the same facts."""
    ctx.horizon.until = None
    findings = run_probes(facts, ctx)
    kind, text = verdict(facts, findings)
    true: set[str] = set()
    delivered: Finding | None = None
    for f in findings:
        if f.outcome is Outcome.TRUE:
            if f.code != "code_delivered":
                true.add(f.code)
            elif delivered is None:
                delivered = f
    codes = sorted(true)
    acked = facts.acknowledged
    return PaperFlags(
        facts.key,
        findings,
        kind.value,
        text,
        flags=" ".join([c for c in codes if c not in acked] if acked else codes),
        acknowledged=" ".join([c for c in codes if c in acked]) if acked else "",
        rollup=rollup_links(facts.links),
        release_days=delivered.measure if delivered is not None else None,
        due=ctx.horizon.until or FLAG_NEVER,
    )


def judge_rows(
    conn: Connection, rows: Sequence[Any], ctx: ProbeContext, *, kept: bool = True
) -> list[StoredFlags]:
    """The stored form of the judgement of each of these paper rows (`papers_by_id`), in their
    order; stored due now unless `kept` (see `_Plan.kept`).

    Each judgement is dropped as soon as its stored form is made, and the facts before the
    cycle collector runs again: what it walks then is the stored forms alone, not a dozen
    objects per probe answer and link of the whole batch."""
    with no_cycle_collection():
        out = [
            stored_form(_judged(f, ctx, kept), row["id"])
            for f, row in zip(paper_facts(conn, rows), rows, strict=True)
        ]
    return out


def judge_ids(
    conn: Connection, ids: Sequence[int], ctx: ProbeContext, *, kept: bool = True
) -> list[StoredFlags]:
    """`judge_rows` of these papers' rows (`papers_by_id`, unlocked: a worker's batch), the
    rows read with the cycle collector paused as well, so that they set off no collection
    passes of their own."""
    with no_cycle_collection():
        return judge_rows(conn, papers_by_id(conn, ids), ctx, kept=kept)


def _judged(facts: PaperFacts, ctx: ProbeContext, kept: bool) -> PaperFlags:
    judged = flag_paper(facts, ctx)
    return judged if kept else replace(judged, due=FLAG_NOW)


def judge_repositories(engine: Engine, *, everything: bool = False) -> int:
    """Judge the stored evidence of every repository whose evidence or rules changed since its
    last judgement (all of them with `everything`); no network. Returns how many changed."""
    changed = 0
    with engine.connect() as conn:
        for batch in pending_judgements(conn, RULES_VERSION, everything=everything):
            changed += save_judgements(conn, [(p, columns(judge(p.evidence))) for p in batch])
            conn.commit()
    return changed


def rules_of(settings: Settings) -> str:
    """What a judgement depends on besides the facts and the day."""
    return (
        f"probes {PROBE_RULES}, repositories {RULES_VERSION}, "
        f"grace {settings.grace_days} days, stale {settings.stale_months} months"
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    everything: bool
    rules: str
    latest: dt.date
    kept: bool
    """Whether the judgements are made under the recorded rules (else they are stored due
    now, so the next run under the recorded rules judges them again)."""


def _plan(
    conn: Connection, settings: Settings, today: dt.date, whole: bool, partial: bool
) -> _Plan:
    state = load_state(conn)
    rules = rules_of(settings)
    latest = dt.date.fromisoformat(state["latest"]) if "latest" in state else today
    same = state.get("rules") == rules
    if partial:
        return _Plan(False, rules, max(latest, today), same or "rules" not in state)
    return _Plan(whole or not same or today < latest, rules, max(latest, today), True)


def flag_papers(
    engine: Engine,
    settings: Settings,
    *,
    keys: Sequence[str] | None = None,
    today: dt.date | None = None,
    everything: bool = False,
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
) -> FlagSummary:
    """Judge the stored papers whose facts changed or whose deadline came (every paper with
    `everything`, or those with `keys`); a transaction per group of batches (`COMMIT_BATCHES`),
    so an interrupted run keeps every group it committed (the first also holds the spreading of
    the queue, `spread_queue`). The summary counts every
    stored paper's verdict and flags; `judged` says how many were judged again.

    A run that is not limited to `keys` leaves every paper judged, so it also marks the
    rolled-up link columns current (`tracker.store.rollup`) as of what the database held when
    it started. `progress` is told how many papers were judged of how many were due when the
    run began, after each batch. With `jobs` above 1 and at least `PARALLEL_FROM` papers due,
    `jobs` worker processes read and judge the batches while this process saves them
    (`tracker.flags.pool`); the database ends up the same, row for row.
    """
    day = today or dt.datetime.now(dt.UTC).date()
    ctx = ProbeContext(
        today=day, grace_days=settings.grace_days, stale_months=settings.stale_months
    )
    judge_repositories(engine, everything=everything)
    with engine.connect() as conn, bulk_writes(conn):
        plan = _plan(conn, settings, day, everything, keys is not None)
        if jobs > 1 and keys is None:
            _prepare_workers(conn, None if plan.everything else day)
        mark = fingerprint(conn) if keys is None else None
        began = time.monotonic()  # the spreading counts towards the first commit's time
        if keys is None and (plan.everything or every_paper_due(conn, day)):
            clear_queue(conn)  # every paper is judged: marking some due changes nothing
            spread = False
        else:
            spread_queue(conn, commit_after=COMMIT_SECONDS)
            spread = True
        whole = plan.everything or keys is not None
        due_by = None if whole else day
        run = _Run(conn, ctx, plan.kept, due_by, keys, progress, spread=spread, committed=began)
        run.due = count_due(conn, run.today, keys)
        run.judge(engine, settings, day, jobs)
        state = {"latest": plan.latest.isoformat()}
        if keys is None:
            state["rules"] = plan.rules
        save_state(conn, state)
        if mark is not None:
            save_mark(conn, mark)
        conn.commit()
        with reading_beside(conn, totals, everywhere=True) as counted:
            checkpoint(conn)
    papers, verdicts, flagged = counted()
    return FlagSummary(papers=papers, flagged=flagged, verdicts=verdicts, judged=run.judged)


def _prepare_workers(conn: Connection, today: dt.date | None) -> None:
    """Start the workers' fork server ahead (`warm_up`) when the run may judge enough papers to
    hand them to workers (`may_be_due` by `today`, every paper with None), so that it starts
    while the queue is spread and the due papers counted."""
    if may_be_due(conn, today, PARALLEL_FROM):
        warm_up()


def batch_size(due: int, jobs: int) -> int:
    """Papers per batch handed to `jobs` workers when `due` papers are due: `BATCH`, or fewer,
    down to `MIN_BATCH`, so that every worker has two batches (one of them judged while the
    run's process saves the other)."""
    return min(BATCH, max(MIN_BATCH, -(-due // (2 * jobs))))


Cursor = tuple[dt.date, int] | int
"""Where the next batch starts: after this (`flag_due`, id), or this id when judging all."""


@dataclass
class _Run:
    """The batches of one flag run, judged and saved one transaction each."""

    conn: Connection
    ctx: ProbeContext
    kept: bool
    today: dt.date | None
    """None when every paper (or every paper of `keys`) is judged, due or not."""
    keys: Sequence[str] | None
    progress: Callable[[int, int], None] | None
    due: int = 0
    judged: int = 0
    uncommitted: int = 0
    """Batches saved in the open transaction, not committed yet (`_save`)."""
    spread: bool = False
    """Whether the open transaction holds the spreading of the queue (`spread_queue`), to be
    committed with the first batches."""
    committed: float = field(default_factory=time.monotonic)

    def start(self) -> Cursor:
        return 0 if self.today is None else (FLAG_NOW, 0)

    def judge(self, engine: Engine, settings: Settings, day: dt.date, jobs: int) -> None:
        """Judge and save every batch: in `jobs` worker processes with at least
        `PARALLEL_FROM` papers due, else here."""
        if jobs < 2 or self.due < PARALLEL_FROM:
            self.here()
            return
        if self.spread and self.conn.dialect.name == "postgresql":
            # batches are compared by row versions there: a worker reads those the marks left
            self._commit()
        judging = Judging(
            engine.url.render_as_string(hide_password=False),
            day,
            settings.grace_days,
            settings.stale_months,
            self.kept,
            due_written=self.today is not None or self.spread,
        )
        with Judges(judging, jobs) as judges:
            self.in_workers(judges, jobs * (1 + AHEAD), batch_size(self.due, jobs))

    def here(self) -> None:
        """Read, judge and save each batch in this process, under the write lock."""
        after = self.start()
        while True:
            lock_for_write(self.conn)
            ids, after = due_ids(self.conn, self.today, after, BATCH, self.keys)
            if not ids:
                self._commit()
                return
            rows = papers_by_id(self.conn, ids, lock=True)
            self._save(judge_rows(self.conn, rows, self.ctx, kept=self.kept), len(rows))

    def in_workers(self, judges: Judges, ahead: int, batch: int) -> None:
        """Cut the batches of `batch` papers here and hand them out, `ahead` at most in hand;
        save each as it comes back, in the order they were cut (so finding rows are numbered
        as `here` numbers them), under the write lock. A batch whose facts another writer
        changed after its worker read them is read and judged again here (see `_unchanged`)."""
        after: Cursor | None = self.start()
        out: deque[tuple[list[int], int | None, Future[Judged]]] = deque()
        while True:
            while after is not None and len(out) < ahead:
                ids, following = due_ids(self.conn, self.today, after, batch, self.keys)
                if not ids:
                    after = None
                    break
                out.append((ids, change_stamp(self.conn), judges.submit(ids)))
                after = following
            if not self.uncommitted and not self.spread:
                self.conn.rollback()  # no read transaction left open while workers read
            if not out:
                self._commit()
                return
            ids, stamp, future = out.popleft()
            versions, judged = future.result()
            lock_for_write(self.conn)
            if not self._unchanged(ids, stamp, versions):
                rows = papers_by_id(self.conn, ids, lock=True)
                judged = judge_rows(self.conn, rows, self.ctx, kept=self.kept)
            self._save(judged, len(ids))

    def _unchanged(self, ids: list[int], stamp: int | None, versions: object) -> bool:
        """Whether what a worker read for `ids` (their facts, and the stored rows it worked out
        their writes from) is still what is stored, now that this process holds the write
        lock: on SQLite no other connection committed since the batch was cut (before the
        worker read it); on PostgreSQL every row of the papers' own has the version the worker
        read (the paper and state rows locked until the batch is saved, as `papers_by_id`
        locks them)."""
        if stamp is not None:
            return change_stamp(self.conn) == stamp
        return row_versions(self.conn, ids, lock=True) == versions

    def _save(self, judged: list[StoredFlags] | Writes, papers: int) -> None:
        """Save a batch's judgements (or the writes a worker worked out for them), committing
        them with the batches before it once there are `COMMIT_BATCHES` or `COMMIT_SECONDS`
        have passed."""
        if isinstance(judged, Writes):
            write_planned(self.conn, judged)
        else:
            save_stored(self.conn, judged)
        self.uncommitted += 1
        if (
            self.uncommitted >= COMMIT_BATCHES
            or time.monotonic() - self.committed >= COMMIT_SECONDS
        ):
            self._commit()
        self.judged += papers
        if self.progress is not None:
            self.progress(self.judged, max(self.due, self.judged))

    def _commit(self) -> None:
        self.conn.commit()
        self.uncommitted, self.spread, self.committed = 0, False, time.monotonic()
