"""A flag run that judges in worker processes stores what the run in one process stores, row for
row, on both backends; a failing worker stops it with whole batches saved; and facts another
writer changes while a batch is out are judged again before that batch is saved."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker import pipeline
from tracker.config import Settings
from tracker.demo import LISTING, load_scenario, services
from tracker.enrich import enrich_papers
from tracker.errors import StoreError
from tracker.flags import pool
from tracker.flags import run as flag_run
from tracker.schedule import check_targets
from tracker.store import open_db
from tracker.store.schema import Finding as FindingRow
from tracker.store.schema import Link, Paper, PaperState, SummaryCode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_flag  # noqa: E402

TODAY = dt.date(2026, 12, 6)
BATCH = 2
"""Papers per batch in these tests: the demo's papers make several batches."""


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of `BATCH` papers, judged in workers however few papers are due (the workers
    are given ids only, so the run's process alone needs to know), each committed as it is
    saved (so another writer in the test's own thread never waits for the run)."""
    monkeypatch.setattr(flag_run, "BATCH", BATCH)
    monkeypatch.setattr(flag_run, "PARALLEL_FROM", 1)
    monkeypatch.setattr(flag_run, "COMMIT_BATCHES", 1)


def _world(url: str) -> tuple[Engine, Settings]:
    """The demo's papers, enriched and checked, not flagged yet."""
    engine = open_db(url)
    with services(load_scenario()) as svc:
        cfg = svc.settings(url)
        pipeline.ingest(engine, [str(LISTING)], command="run")
        enrich_papers(engine, cfg, options=svc.enrich_options())
        check_targets(engine, cfg)
    return engine, cfg


@pytest.fixture
def world(db_url: str) -> Iterator[tuple[Engine, Settings]]:
    engine, cfg = _world(db_url)
    yield engine, cfg
    engine.dispose()


def _stored(engine: Engine) -> tuple[list[Any], list[Any]]:
    """Every finding row and every paper's state row, whole, in id order."""
    with engine.connect() as conn:
        findings = conn.execute(select(FindingRow).order_by(FindingRow.c.id)).all()
        state = conn.execute(select(PaperState).order_by(PaperState.c.paper_id)).all()
    return findings, state


def _rejudged_here(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Collects the keys of each batch the run's own process judges (in a run with workers:
    the batches judged again because their facts moved)."""
    seen: list[list[str]] = []
    real = flag_run.judge_rows

    def spy(conn: Any, rows: Any, ctx: Any, *, kept: bool = True) -> Any:
        seen.append([r["key"] for r in rows])
        return real(conn, rows, ctx, kept=kept)

    monkeypatch.setattr(flag_run, "judge_rows", spy)
    return seen


@pytest.mark.usefixtures("small_batches")
def test_workers_judge_as_one_process_does_and_a_rejudge_changes_nothing(
    world: tuple[Engine, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, cfg = world
    here = _rejudged_here(monkeypatch)
    first = flag_run.flag_papers(engine, cfg, today=TODAY, jobs=2)
    assert first.judged == first.papers > 2 * BATCH
    assert here == []  # no other writer: no batch judged again in the saving process
    after_workers = _stored(engine)
    monkeypatch.undo()  # one process, the batches of a real run
    serial = flag_run.flag_papers(engine, cfg, today=TODAY, everything=True, jobs=1)
    assert (serial.papers, serial.verdicts, serial.flagged) == (
        first.papers,
        first.verdicts,
        first.flagged,
    )
    assert _stored(engine) == after_workers  # nothing to write: the same judgements
    flag_run.flag_papers(engine, cfg, today=TODAY + dt.timedelta(days=40), jobs=1)
    after_serial = _stored(engine)
    later = flag_run.flag_papers(engine, cfg, today=TODAY + dt.timedelta(days=40), jobs=2)
    assert later.judged == 0  # the incremental run after it finds nothing due
    assert _stored(engine) == after_serial


def _written_by(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Collects how the saving process stores each batch: "writes" a worker worked out, or
    "judgements" whose writes it works out itself."""
    kinds: list[str] = []
    real_planned, real_stored = flag_run.write_planned, flag_run.save_stored

    def planned(conn: Any, w: Any) -> int:
        kinds.append("writes")
        return real_planned(conn, w)

    def stored(conn: Any, batch: Any) -> int:
        kinds.append("judgements")
        return real_stored(conn, batch)

    monkeypatch.setattr(flag_run, "write_planned", planned)
    monkeypatch.setattr(flag_run, "save_stored", stored)
    return kinds


@pytest.mark.usefixtures("small_batches")
def test_workers_hand_back_the_writes_and_a_missing_code_sends_the_judgements(
    world: tuple[Engine, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers work out each batch's writes, except while a summary code they need is not
    numbered yet (here every batch of the first run, all out before the first is saved):
    those come back as judgements, which the saving process stores itself."""
    engine, cfg = world
    kinds = _written_by(monkeypatch)
    flag_run.flag_papers(engine, cfg, today=TODAY, jobs=2)
    assert set(kinds) == {"judgements"}
    before = _stored(engine)
    kinds.clear()
    flag_run.flag_papers(engine, cfg, today=TODAY, everything=True, jobs=2)
    assert _stored(engine) == before  # the same judgements: nothing written
    assert set(kinds) == {"writes"}


@pytest.mark.usefixtures("small_batches")
def test_writes_worked_out_by_workers_are_those_one_process_finds_nothing_to_add_to(
    world: tuple[Engine, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On both backends: after the facts change (a paper loses its links; every repository
    is archived and its last push moves back), a run with workers, days later, inserts,
    updates and deletes findings and changes verdicts through the writes its workers work
    out; one process judging the same facts again then finds nothing to write."""
    engine, cfg = world
    flag_run.flag_papers(engine, cfg, today=TODAY, jobs=2)
    before = _stored(engine)
    with engine.begin() as conn:
        first = conn.scalar(select(func.min(FindingRow.c.paper_id)))
        conn.execute(delete(Link).where(Link.c.paper_id == first))
        conn.execute(text("UPDATE repository SET archived = true, pushed_at = '2025-06-01'"))
    kinds = _written_by(monkeypatch)
    later = TODAY + dt.timedelta(days=40)
    flag_run.flag_papers(engine, cfg, today=later, everything=True, jobs=2)
    assert "writes" in kinds
    after = _stored(engine)
    assert after != before
    found_before, found_after = ({r.id for r in rows} for rows in (before[0], after[0]))
    assert found_after - found_before and found_before - found_after  # added, removed
    monkeypatch.undo()
    flag_run.flag_papers(engine, cfg, today=later, everything=True, jobs=1)
    assert _stored(engine) == after


@pytest.mark.usefixtures("small_batches")
def test_a_finding_changed_while_a_batch_is_out_is_judged_again_before_it_is_saved(
    world: tuple[Engine, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer changes a stored finding after the worker working out its paper's
    writes read it: writes worked out from the old row would leave the change in place. The
    saving process sees the batch's rows moved (SQLite: another connection committed;
    PostgreSQL: the finding row's version, though no fact of the paper moved), judges that
    batch again, and the finding is stored as judged."""
    engine, cfg = world
    flag_run.flag_papers(engine, cfg, today=TODAY, jobs=2)
    with engine.connect() as conn:
        ids = conn.scalars(select(Paper.c.id).order_by(Paper.c.id)).all()
        victim, fid, message = conn.execute(
            select(FindingRow.c.paper_id, FindingRow.c.id, FindingRow.c.message)
            .where(FindingRow.c.paper_id.in_(ids[BATCH:]))
            .order_by(FindingRow.c.id)
            .limit(1)
        ).one()
    here = _rejudged_here(monkeypatch)
    real = pool.Judges.submit

    def submit(self: pool.Judges, batch: list[int]) -> Any:
        future = real(self, batch)
        if victim in batch:
            future.result()  # the worker has read the stored finding
            with engine.begin() as conn:
                conn.execute(
                    update(FindingRow).where(FindingRow.c.id == fid).values(message="changed")
                )
        return future

    monkeypatch.setattr(pool.Judges, "submit", submit)
    flag_run.flag_papers(engine, cfg, today=TODAY, everything=True, jobs=2)
    with engine.connect() as conn:
        stored = conn.scalar(select(FindingRow.c.message).where(FindingRow.c.id == fid))
        key = conn.scalar(select(Paper.c.key).where(Paper.c.id == victim))
    assert stored == message
    assert any(key in keys for keys in here)
    if engine.dialect.name == "postgresql":
        assert len(here) == 1  # only the batch whose rows moved


def _copy(src: Path, dst: Path) -> None:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


@pytest.mark.usefixtures("small_batches")
def test_every_table_is_the_same_row_for_row_with_one_and_with_two_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids included: the saving process saves the batches in the order it cut them. Then the
    facts change twice (a paper loses its links, every repository is archived and its last
    push moves back; then further back, with more stars), and the runs after each, days later,
    insert, update and delete findings and change verdicts. The run with workers is given the
    summary codes the one-process run numbered first, so that every batch comes back from the
    workers as writes (one needing a code not numbered yet comes back as judgements), and
    those writes are held to what one process writes."""
    engine, cfg = _world(f"sqlite:///{tmp_path / 'a.db'}")
    engine.dispose()
    _copy(tmp_path / "a.db", tmp_path / "b.db")
    changes = (
        (40, "UPDATE repository SET archived = 1, pushed_at = '2025-06-01'"),
        (400, "UPDATE repository SET pushed_at = '2024-01-01', stars = coalesce(stars, 0) + 1000"),
    )
    written: list[str] = []
    for name, jobs in (("a.db", 1), ("b.db", 2)):
        url = f"sqlite:///{tmp_path / name}"
        other, settings = open_db(url), cfg.with_(db_url=url)
        flag_run.flag_papers(other, settings, today=TODAY, jobs=jobs)
        flag_run.flag_papers(other, settings, today=TODAY, everything=True, jobs=jobs)
        with other.begin() as conn:
            first = conn.scalar(select(func.min(FindingRow.c.paper_id)))
            conn.execute(delete(Link).where(Link.c.paper_id == first))
        if jobs == 2:
            written = _written_by(monkeypatch)
        for days, change in changes:
            with other.begin() as conn:
                conn.execute(text(change))
                if jobs == 2:
                    one = f"sqlite:///{tmp_path / 'a.db'}"
                    with open_db(one).connect() as theirs:
                        codes = theirs.execute(select(SummaryCode)).all()
                    conn.execute(
                        sqlite_insert(SummaryCode).on_conflict_do_nothing(),
                        [row._asdict() for row in codes],
                    )
            written.clear()
            later = TODAY + dt.timedelta(days=days)
            changed = flag_run.flag_papers(other, settings, today=later, everything=True, jobs=jobs)
            assert changed.judged == changed.papers
            if jobs == 2:
                assert set(written) == {"writes"}
        other.dispose()
    ours, theirs = bench_flag.dump(tmp_path / "a.db"), bench_flag.dump(tmp_path / "b.db")
    assert bench_flag.differences(ours, theirs) == []


def _judged_papers(engine: Engine) -> int:
    """Papers with a stored judgement (a new paper's state row has none)."""
    with engine.connect() as conn:
        s = PaperState
        return int(conn.execute(select(func.count()).where(s.c.flagged_at.is_not(None))).scalar())


@pytest.mark.usefixtures("small_batches")
def test_a_worker_that_fails_stops_the_run_with_the_batches_before_it_saved(
    world: tuple[Engine, Settings],
) -> None:
    """The third batch holds a paper whose date cannot be read: its worker's error is the
    run's error, as it would be in one process, and exactly the two batches before it are
    stored, whole."""
    engine, cfg = world
    if engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL refuses to store the broken value")
    with engine.begin() as conn:
        ids = conn.scalars(select(Paper.c.id).order_by(Paper.c.id)).all()
        conn.execute(
            text("UPDATE paper SET first_seen_at = 'not a date' WHERE id = :id"),
            {"id": ids[2 * BATCH]},
        )
    with pytest.raises(ValueError, match="not a date"):
        flag_run.flag_papers(engine, cfg, today=TODAY, jobs=2)
    assert _judged_papers(engine) == 2 * BATCH


@pytest.mark.usefixtures("small_batches")
def test_a_worker_whose_database_fails_gives_the_one_line_store_error(
    world: tuple[Engine, Settings],
) -> None:
    engine, cfg = world
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE acknowledgement RENAME TO acknowledgement_gone"))
    with pytest.raises(StoreError, match=r"reading facts to judge .*acknowledgement"):
        flag_run.flag_papers(engine, cfg, today=TODAY, jobs=2)
    assert _judged_papers(engine) == 0


@pytest.mark.usefixtures("small_batches")
def test_facts_changed_while_a_batch_is_out_are_judged_again_before_it_is_saved(
    world: tuple[Engine, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer removes a paper's links after the worker judging its batch read them:
    the saving process sees it (SQLite: another connection committed; PostgreSQL: the rows'
    versions moved), judges that batch again, and stores what a run after the change
    stores."""
    engine, cfg = world
    here = _rejudged_here(monkeypatch)
    with engine.connect() as conn:
        linked = conn.scalars(select(Link.c.paper_id).order_by(Link.c.paper_id)).all()
        ids = conn.scalars(select(Paper.c.id).order_by(Paper.c.id)).all()
    victim = next(i for i in ids[BATCH:] if i in linked)
    batch = ids.index(victim) // BATCH
    real = pool.Judges.submit
    submitted = []

    def submit(self: pool.Judges, ids: list[int]) -> Any:
        future = real(self, ids)
        submitted.append(ids)
        if victim in ids:
            future.result()  # the worker has read the facts
            with engine.begin() as conn:
                conn.execute(delete(Link).where(Link.c.paper_id == victim))
        return future

    monkeypatch.setattr(pool.Judges, "submit", submit)
    flag_run.flag_papers(engine, cfg, today=TODAY, jobs=2)
    with engine.connect() as conn:
        key, urls = conn.execute(
            select(Paper.c.key, PaperState.c.link_urls)
            .join(PaperState, PaperState.c.paper_id == Paper.c.id)
            .where(Paper.c.id == victim)
        ).one()
    assert urls == ""
    assert any(key in keys for keys in here)
    if engine.dialect.name == "postgresql":
        assert len(here) == 1  # only the batch whose rows moved
    assert submitted[batch] == ids[batch * BATCH : (batch + 1) * BATCH]
    monkeypatch.undo()
    before = _stored(engine)
    flag_run.flag_papers(engine, cfg, today=TODAY, everything=True)
    assert _stored(engine) == before


@pytest.mark.usefixtures("small_batches")
def test_an_interrupted_run_with_workers_keeps_whole_batches(
    world: tuple[Engine, Settings],
) -> None:
    engine, cfg = world

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        flag_run.flag_papers(engine, cfg, today=TODAY, progress=stop, jobs=2)
    assert _judged_papers(engine) == BATCH
    again = flag_run.flag_papers(engine, cfg, today=TODAY, jobs=2)
    assert again.judged == again.papers  # a first run not finished: everything again


@pytest.mark.usefixtures("small_batches")
def test_batches_are_committed_in_groups_and_an_interrupted_group_leaves_nothing(
    world: tuple[Engine, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two batches a transaction: stopped after the third batch was saved, the first two are
    stored, whole, and nothing of the third; a rerun judges everything and leaves what a
    judgement in one process leaves."""
    engine, cfg = world
    monkeypatch.setattr(flag_run, "COMMIT_BATCHES", 2)
    monkeypatch.setattr(flag_run, "COMMIT_SECONDS", float("inf"))
    saved = []

    def stop(done: int, total: int) -> None:
        saved.append(done)
        if len(saved) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        flag_run.flag_papers(engine, cfg, today=TODAY, progress=stop, jobs=2)
    assert saved == [BATCH, 2 * BATCH, 3 * BATCH]
    assert _judged_papers(engine) == 2 * BATCH
    again = flag_run.flag_papers(engine, cfg, today=TODAY, jobs=2)
    assert again.judged == again.papers  # a first run not finished: everything again
    finished = _stored(engine)
    flag_run.flag_papers(engine, cfg, today=TODAY, everything=True, jobs=1)
    assert _stored(engine) == finished
