"""Incremental flagging: a run judges exactly the papers whose facts changed or whose deadline
came, and leaves the database as a full re-judge would, row for row, on both backends."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select, update

from tracker import pipeline
from tracker.config import Settings
from tracker.demo import LISTING, load_scenario, services
from tracker.enrich import enrich_papers
from tracker.flags import run as flag_run
from tracker.flags.facts import ProbeContext
from tracker.schedule import check_targets
from tracker.store import flag_due, open_db
from tracker.store.defaults import FLAG_NEVER, FLAG_NOW
from tracker.store.facts import (
    LINK_FACT_COLUMNS,
    PAPER_FACT_COLUMNS,
    REPO_FACT_COLUMNS,
    iter_paper_facts,
)
from tracker.store.findings import paper_id, save_ack
from tracker.store.schema import Finding as FindingRow
from tracker.store.schema import FlagQueue, Link, Paper, PaperState, RepoAlias, Repository

TODAY = dt.date(2026, 12, 6)


@dataclass
class World:
    engine: Engine
    cfg: Settings


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    engine = open_db(db_url)
    with services(load_scenario()) as svc:
        cfg = svc.settings(db_url)
        pipeline.ingest(engine, [str(LISTING)], command="run")
        enrich_papers(engine, cfg, options=svc.enrich_options())
        check_targets(engine, cfg)
    first = flag_run.flag_papers(engine, cfg, today=TODAY)
    assert first.judged == first.papers > 5
    yield World(engine, cfg)
    engine.dispose()


def _judged(world: World, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> set[str]:
    """Keys of the papers one flag run judges."""
    seen: set[str] = set()
    real = flag_run.flag_paper

    def spy(facts: Any, ctx: ProbeContext) -> Any:
        seen.add(facts.key)
        return real(facts, ctx)

    monkeypatch.setattr(flag_run, "flag_paper", spy)
    try:
        summary = flag_run.flag_papers(world.engine, world.cfg, **kw)
    finally:
        monkeypatch.setattr(flag_run, "flag_paper", real)
    assert summary.judged == len(seen)
    return seen


def _stored(engine: Engine) -> tuple[list[Any], list[Any]]:
    """Every finding row and every paper row, whole, in key order."""
    p, s, f = Paper, PaperState, FindingRow
    with engine.connect() as conn:
        q = select(p, s).join(s, s.c.paper_id == p.c.id).order_by(p.c.key)
        papers = list(conn.execute(q).all())
        findings = list(
            conn.execute(
                select(p.c.key, f)
                .join(p, p.c.id == f.c.paper_id)
                .order_by(p.c.key, f.c.code, f.c.id)
            ).all()
        )
    return findings, papers


def _same_as_a_full_run(world: World, today: dt.date = TODAY) -> None:
    before = _stored(world.engine)
    full = flag_run.flag_papers(world.engine, world.cfg, today=today, everything=True)
    assert full.judged == full.papers
    after = _stored(world.engine)
    assert after[0] == before[0]  # findings, row by row (ids and timestamps included)
    assert after[1] == before[1]  # papers: verdicts, flags, rolled-up columns, flag_due


def _keys_linking(engine: Engine, repo: str) -> set[str]:
    p, lk, a, r = (t for t in (Paper, Link, RepoAlias, Repository))
    with engine.connect() as conn:
        names = {repo} | set(
            conn.scalars(
                select(a.c.alias).join(r, r.c.id == a.c.repository_id).where(r.c.key == repo)
            )
        )
        return set(
            conn.scalars(
                select(p.c.key).join(lk, lk.c.paper_id == p.c.id).where(lk.c.repo_key.in_(names))
            )
        )


def _most_linked(engine: Engine) -> tuple[str, set[str]]:
    """The repository most papers link, and the keys of those papers."""
    with engine.connect() as conn:
        repos = conn.scalars(select(Repository.c.key).order_by(Repository.c.key)).all()
    repo = max(repos, key=lambda k: len(_keys_linking(engine, k)))
    linking = _keys_linking(engine, repo)
    assert linking
    return repo, linking


def _due_days(engine: Engine) -> dict[int, Any]:
    """Each paper's stored `flag_due`, by paper id."""
    s = PaperState
    with engine.connect() as conn:
        return {i: due for i, due in conn.execute(select(s.c.paper_id, s.c.flag_due))}


def test_a_run_over_unchanged_facts_judges_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _stored(world.engine)
    assert _judged(world, monkeypatch, today=TODAY) == set()
    assert _stored(world.engine) == before
    with world.engine.connect() as conn:
        assert conn.scalars(select(FlagQueue.c.key)).all() == []


def test_a_changed_link_rejudges_only_its_paper(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    lk, p = Link, Paper
    with world.engine.begin() as conn:
        pid, key = conn.execute(
            select(p.c.id, p.c.key).join(lk, lk.c.paper_id == p.c.id).order_by(p.c.id).limit(1)
        ).one()
        first = conn.execute(select(lk.c.id).where(lk.c.paper_id == pid).limit(1)).scalar()
        conn.execute(update(lk).where(lk.c.id == first).values(official="community"))
    assert _judged(world, monkeypatch, today=TODAY) == {key}
    _same_as_a_full_run(world)


def test_a_new_link_and_a_changed_claim_each_rejudge_their_paper(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    p, lk = Paper, Link
    with world.engine.begin() as conn:
        (a_id, a_key), (b_id, b_key) = conn.execute(
            select(p.c.id, p.c.key).order_by(p.c.id.desc()).limit(2)
        ).all()
        conn.execute(
            insert(lk).values(
                paper_id=a_id,
                url="https://github.com/someone/else",
                raw="github.com/someone/else",
                kind="github_repo",
                role="code",
                provenance="abstract",
                repo_key="someone/else",
            )
        )
        conn.execute(update(p).where(p.c.id == b_id).values(code_condition="upon request"))
        s = PaperState
        conn.execute(update(s).where(s.c.paper_id == b_id).values(verdict="not an input"))
    assert _judged(world, monkeypatch, today=TODAY) == {a_key, b_key}
    _same_as_a_full_run(world)


def test_new_facts_of_a_shared_repository_rejudge_the_papers_linking_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = Repository
    repo, linking = _most_linked(world.engine)
    with world.engine.begin() as conn:
        conn.execute(update(r).where(r.c.key == repo).values(stars=123_456, archived=True))
        conn.execute(update(r).where(r.c.key == repo).values(etag="W/not-read-by-probes"))
    assert _judged(world, monkeypatch, today=TODAY) == linking
    _same_as_a_full_run(world)


@pytest.mark.parametrize("jobs", [1, 2])
def test_new_facts_spread_with_the_first_judgements_leave_no_paper_due(
    world: World, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """The papers a queued repository makes due are marked in the run's first transaction,
    which workers cannot see: each judgement's next due day is still written where it equals
    the one stored before the marks, and the workers' judgements are kept (none is judged
    again in the saving process, as a batch whose stored rows moved would be)."""
    r = Repository
    due_before = _due_days(world.engine)
    repo, linking = _most_linked(world.engine)
    with world.engine.begin() as conn:
        conn.execute(update(r).where(r.c.key == repo).values(stars=r.c.stars + 1))
    monkeypatch.setattr(flag_run, "PARALLEL_FROM", 1)
    here: list[str] = []
    real = flag_run.flag_paper
    monkeypatch.setattr(flag_run, "flag_paper", lambda f, c: here.append(f.key) or real(f, c))
    done = flag_run.flag_papers(world.engine, world.cfg, today=TODAY, jobs=jobs)
    monkeypatch.setattr(flag_run, "flag_paper", real)
    assert done.judged == len(linking)
    assert set(here) == (linking if jobs == 1 else set())
    with world.engine.connect() as conn:
        assert conn.scalars(select(FlagQueue.c.key)).all() == []
    due_after = _due_days(world.engine)
    assert min(due_after.values()) > TODAY
    assert due_after == due_before  # a new star count moves no paper's next due day
    _same_as_a_full_run(world)


def test_a_run_stopped_after_spreading_the_queue_leaves_it_for_the_next(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = Repository
    due_before = _due_days(world.engine)
    with world.engine.connect() as conn:
        repo = conn.scalars(select(r.c.key).order_by(r.c.key)).first()
    assert repo is not None
    with world.engine.begin() as conn:
        conn.execute(update(r).where(r.c.key == repo).values(stars=424_242))

    def stopped(*args: Any, **kw: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(flag_run, "count_due", stopped)
    with pytest.raises(KeyboardInterrupt):
        flag_run.flag_papers(world.engine, world.cfg, today=TODAY)
    monkeypatch.undo()
    with world.engine.connect() as conn:  # neither the marks nor the emptied queue were kept
        assert conn.scalars(select(FlagQueue.c.key)).all() == [repo]
    assert _due_days(world.engine) == due_before
    assert _judged(world, monkeypatch, today=TODAY) == _keys_linking(world.engine, repo)
    _same_as_a_full_run(world)


@pytest.mark.parametrize("commit_after", [None, 0.0])
def test_spreading_a_large_queue_commits_on_the_way_only_after_a_while(
    world: World, commit_after: float | None
) -> None:
    """The spreading stays in the caller's transaction, unless it has taken `commit_after`
    seconds: then what it marked so far is committed between its batches."""
    r = Repository
    with world.engine.begin() as conn:
        repos = conn.scalars(select(r.c.key).order_by(r.c.key).limit(3)).all()
        conn.execute(
            update(r).where(r.c.key.in_(repos)).values(stars=func.coalesce(r.c.stars, 0) + 1)
        )
        queued_before = sorted(conn.scalars(select(FlagQueue.c.key)))
    assert len(queued_before) == len(repos)
    due_before = _due_days(world.engine)
    with world.engine.connect() as conn:
        marked = flag_due.spread_queue(conn, batch=1, commit_after=commit_after)
        conn.rollback()
    assert marked > 0
    with world.engine.connect() as conn:
        queued = conn.scalars(select(FlagQueue.c.key)).all()
    due_after = _due_days(world.engine)
    if commit_after is None:  # nothing was committed
        assert sorted(queued) == queued_before
        assert due_after == due_before
    else:  # every batch was, before the next
        assert queued == []
        assert sum(1 for day in due_after.values() if day == FLAG_NOW) >= marked


def test_a_run_judging_every_paper_empties_the_queue_without_spreading_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marking papers due is wasted on a run that judges them all (the first after ingest, or
    `--all`): the queue is emptied in one statement, and the run still sees the new facts."""
    r, s = Repository, PaperState
    with world.engine.connect() as conn:
        assert not flag_due.every_paper_due(conn, TODAY)  # judged: most are due only later
        repo = conn.scalars(select(r.c.key).order_by(r.c.key)).first()
    assert repo is not None
    with world.engine.begin() as conn:
        conn.execute(update(r).where(r.c.key == repo).values(stars=654_321, archived=True))
    spread = flag_due.spread_queue

    def not_here(*args: Any, **kw: Any) -> int:
        raise AssertionError("spread_queue ran for a run that judges every paper")

    monkeypatch.setattr(flag_run, "spread_queue", not_here)
    with world.engine.connect() as conn:
        assert conn.scalars(select(FlagQueue.c.key)).all() == [repo]
    every = flag_run.flag_papers(world.engine, world.cfg, today=TODAY, everything=True)
    assert every.judged == every.papers
    with world.engine.connect() as conn:
        assert conn.scalars(select(FlagQueue.c.key)).all() == []
    monkeypatch.setattr(flag_run, "spread_queue", spread)
    assert _judged(world, monkeypatch, today=TODAY) == set()  # the new facts were judged
    with world.engine.begin() as conn:  # as after ingest: every paper due, and a queue
        conn.execute(update(s).values(flag_due=FLAG_NOW))
        conn.execute(update(r).where(r.c.key == repo).values(stars=7))
        assert flag_due.every_paper_due(conn, TODAY)
    monkeypatch.setattr(flag_run, "spread_queue", not_here)
    assert len(_judged(world, monkeypatch, today=TODAY)) == every.papers
    monkeypatch.setattr(flag_run, "spread_queue", spread)
    with world.engine.connect() as conn:
        assert conn.scalars(select(FlagQueue.c.key)).all() == []
    _same_as_a_full_run(world)


def test_may_be_due_tells_at_least_n_papers_from_the_due_ones_and_the_queue(
    world: World,
) -> None:
    """What a run prepares its workers by: exactly the papers due by the day, or every stored
    paper without one, plus one for each queued repository, however many papers link it."""
    r, s = Repository, PaperState
    with world.engine.connect() as conn:
        papers = conn.scalars(select(s.c.paper_id).order_by(s.c.paper_id)).all()
        repos = conn.scalars(select(r.c.key).order_by(r.c.key)).all()
    assert len(papers) > 5 and len(repos) >= 2

    def may(today: dt.date | None, n: int) -> bool:
        with world.engine.connect() as conn:
            return flag_due.may_be_due(conn, today, n)

    assert not may(TODAY, 1)  # just judged: none due
    assert may(None, len(papers)) and not may(None, len(papers) + 1)
    with world.engine.begin() as conn:
        conn.execute(update(s).where(s.c.paper_id.in_(papers[:3])).values(flag_due=FLAG_NOW))
    assert may(TODAY, 3) and not may(TODAY, 4)
    with world.engine.begin() as conn:
        conn.execute(update(r).where(r.c.key.in_(repos[:2])).values(stars=99_999))
    assert may(TODAY, 5) and not may(TODAY, 6)
    assert may(None, len(papers) + 2) and not may(None, len(papers) + 3)


@pytest.mark.parametrize(
    ("jobs", "limited", "threshold", "started"),
    [
        (2, False, 0, True),  # enough papers may be due: started
        (2, False, 1, False),  # one short
        (1, False, 0, False),  # no workers
        (2, True, 0, False),  # a run limited to some papers
    ],
)
def test_a_run_starts_its_workers_server_ahead_only_when_it_may_hand_them_papers(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    jobs: int,
    limited: bool,
    threshold: int,
    started: bool,
) -> None:
    s = PaperState
    with world.engine.begin() as conn:
        due = conn.scalars(select(s.c.paper_id).order_by(s.c.paper_id).limit(4)).all()
        conn.execute(update(s).where(s.c.paper_id.in_(due)).values(flag_due=FLAG_NOW))
        keys = conn.scalars(select(Paper.c.key).where(Paper.c.id.in_(due))).all()
    calls: list[bool] = []
    monkeypatch.setattr(flag_run, "warm_up", lambda: calls.append(True))
    # the threshold just reached (the run hands the papers to workers) or missed
    monkeypatch.setattr(flag_run, "PARALLEL_FROM", len(due) + threshold)
    done = flag_run.flag_papers(
        world.engine, world.cfg, today=TODAY, jobs=jobs, keys=keys if limited else None
    )
    assert done.judged == len(due)
    assert calls == ([True] if started else [])


def test_batches_for_workers_give_each_two_within_the_bounds() -> None:
    assert flag_run.batch_size(10**6, 2) == flag_run.BATCH
    assert flag_run.batch_size(6000, 2) == 1500
    assert flag_run.batch_size(6001, 2) == 1501
    assert flag_run.batch_size(6000, 4) == 750
    assert flag_run.batch_size(100, 2) == flag_run.MIN_BATCH


def test_an_alias_rejudges_the_papers_using_the_old_name(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    lk, p, r = Link, Paper, Repository
    with world.engine.begin() as conn:
        key, old = conn.execute(
            select(p.c.key, lk.c.repo_key)
            .join(lk, lk.c.paper_id == p.c.id)
            .where(lk.c.repo_key.is_not(None))
            .order_by(lk.c.id)
            .limit(1)
        ).one()
        target = conn.execute(select(r.c.id).where(r.c.key != old).limit(1)).scalar()
        conn.execute(update(lk).where(lk.c.repo_key == old).values(repo_key=old + "-old"))
    judged = _judged(world, monkeypatch, today=TODAY)
    assert key in judged
    with world.engine.begin() as conn:
        conn.execute(insert(RepoAlias).values(alias=old + "-old", repository_id=target))
    assert _judged(world, monkeypatch, today=TODAY) == judged
    _same_as_a_full_run(world)


def test_an_acknowledgement_rejudges_its_paper(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    p, s = Paper, PaperState
    with world.engine.begin() as conn:
        key, flags = conn.execute(
            select(p.c.key, s.c.flags)
            .join(s, s.c.paper_id == p.c.id)
            .where(s.c.flags != "")
            .order_by(p.c.key)
            .limit(1)
        ).one()
        found = paper_id(conn, key)
        assert found is not None
        save_ack(conn, found[0], flags.split()[0], "reviewed: fine")
    assert _judged(world, monkeypatch, today=TODAY) == {key}
    with world.engine.connect() as conn:
        acked = conn.execute(
            select(s.c.acknowledged).join(p, p.c.id == s.c.paper_id).where(p.c.key == key)
        ).scalar()
    assert acked == flags.split()[0]
    _same_as_a_full_run(world)


def test_a_passing_deadline_rejudges_exactly_the_papers_due_by_then(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    p, s = Paper, PaperState
    due = select(p.c.key, s.c.flag_due).join(s, s.c.paper_id == p.c.id)
    with world.engine.connect() as conn:
        dues = dict(conn.execute(due).all())
    timed = sorted({d for d in dues.values() if d != FLAG_NEVER})
    assert timed and min(timed) > TODAY and FLAG_NOW not in dues.values()
    later = max(d for d in timed if d <= timed[0] + dt.timedelta(days=120))
    want = {k for k, d in dues.items() if d <= later}
    assert want and want != set(dues)
    assert _judged(world, monkeypatch, today=later - dt.timedelta(days=1)) == {
        k for k, d in dues.items() if d < later
    }
    with world.engine.connect() as conn:  # those judged the day before have their next day
        dues = dict(conn.execute(due).all())
    assert _judged(world, monkeypatch, today=later) == {k for k, d in dues.items() if d == later}
    _same_as_a_full_run(world, later)


def test_an_earlier_day_or_other_settings_judge_everything(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with world.engine.connect() as conn:
        every = set(conn.scalars(select(Paper.c.key)))
    assert _judged(world, monkeypatch, today=TODAY - dt.timedelta(days=1)) == every
    world.cfg = replace(world.cfg, grace_days=30)
    assert _judged(world, monkeypatch, today=TODAY) == every
    assert _judged(world, monkeypatch, today=TODAY) == set()


GRACES = (0, 30, 90)


def test_a_judgement_reads_the_same_on_every_day_before_its_due_day(db_url: str) -> None:
    """The day a flag run stores is never late: for the same facts, every day before it gives
    the same stored findings and verdict (`ProbeContext.horizon`)."""
    engine = open_db(db_url)
    with services(load_scenario()) as svc:
        cfg = svc.settings(db_url)
        pipeline.ingest(engine, [str(LISTING)], command="run")
        enrich_papers(engine, cfg, options=svc.enrich_options())
        check_targets(engine, cfg)
    with engine.connect() as conn:
        facts = [f for batch in iter_paper_facts(conn) for f in batch]
    moved = 0
    for grace in GRACES:
        for f in facts:
            start = TODAY - dt.timedelta(days=400)
            day = start
            while day < TODAY + dt.timedelta(days=800):
                first = flag_run.flag_paper(f, ProbeContext(day, grace_days=grace, stale_months=3))
                view = _view(first)
                step = day
                while step < min(first.due, day + dt.timedelta(days=60)):
                    again = flag_run.flag_paper(
                        f, ProbeContext(step, grace_days=grace, stale_months=3)
                    )
                    assert _view(again) == view, (f.key, day, step)
                    step += dt.timedelta(days=7 if step < first.due - dt.timedelta(days=8) else 1)
                if first.due != FLAG_NEVER:
                    moved += 1
                    day = max(first.due, day + dt.timedelta(days=1))
                else:
                    break
    assert moved > 0
    engine.dispose()


def _view(flags: Any) -> tuple[Any, ...]:
    """What a flag run stores of a judgement (true and error findings, the verdict)."""
    kept = tuple(f for f in flags.findings if f.outcome.value in ("true", "error"))
    return (kept, flags.verdict_kind, flags.verdict, flags.flags, flags.acknowledged)


def _migration(name: str) -> Any:
    path = Path(__file__).parents[2] / "db" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_column_the_flag_run_reads_fires_a_trigger() -> None:
    """A column the probes read that no trigger watches would leave a changed paper judged on
    old facts: the trigger lists of the migrations that create the live triggers (their own
    copies, as a migration keeps) cover what `tracker.store.facts` reads: 0011's on papers,
    links and acknowledgements, 0010's on repositories."""
    paper_side, shared = _migration("0011_paper_state"), _migration("0010_incremental_flags")
    own_id = {"id"}
    assert set(PAPER_FACT_COLUMNS) - own_id <= set(paper_side.PAPER_INPUTS)
    assert set(LINK_FACT_COLUMNS) - own_id <= set(paper_side.LINK_INPUTS)
    assert set(REPO_FACT_COLUMNS) <= set(shared.REPO_INPUTS)
