"""Reading a batch's stored state (`stored_state`, `paper_rows`, `row_versions`): on
PostgreSQL these statements also bound the state's key by the batch's least and greatest id
(`tracker.store.bulk.InList`'s `ranged`), and a paper whose state row is missing is read
apart. The answers must be those of the plain join, on both backends, for ids in no order,
with gaps, unknown ids and a paper without a state row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, select

from tracker import pipeline
from tracker.config import Settings
from tracker.demo import LISTING
from tracker.flags.run import flag_papers
from tracker.store import open_db
from tracker.store.facts import paper_rows
from tracker.store.flag_due import papers_by_id, row_versions
from tracker.store.paper_state import STORED_COLUMNS, stored_state
from tracker.store.schema import Paper, PaperState

TODAY = dt.date(2026, 12, 6)


def _engine(url: str) -> Engine:
    engine = open_db(url)
    pipeline.ingest(engine, [str(LISTING)], command="run")
    flag_papers(engine, Settings(db_url=url), today=TODAY)
    return engine


def _plain(engine: Engine, ids: list[int]) -> dict[int, tuple[object, ...]]:
    """Per known id: its code status and stored state columns (None without a state row)."""
    p, s = Paper, PaperState
    q = (
        select(p.c.id, p.c.code_status, s.c.paper_id, *(s.c[c] for c in STORED_COLUMNS))
        .select_from(p.outerjoin(s, s.c.paper_id == p.c.id))
        .where(p.c.id.in_(ids))
    )
    with engine.connect() as conn:
        return {r[0]: tuple(r[1:3]) for r in conn.execute(q)}


def test_a_batch_in_any_order_with_a_stateless_paper_reads_as_the_plain_join(db_url: str) -> None:
    engine = _engine(db_url)
    with engine.begin() as conn:
        ids = list(conn.scalars(select(Paper.c.id).order_by(Paper.c.id)))
        stateless = ids[len(ids) // 2]
        conn.execute(delete(PaperState).where(PaperState.c.paper_id == stateless))
    batch = [ids[-1], ids[0], stateless, 10**9, *ids[2:-1:3]]
    with engine.connect() as conn:
        got = stored_state(conn, batch)
        rows = paper_rows(conn, batch)
        locked = papers_by_id(conn, batch, lock=True)
        versions = row_versions(conn, batch)
    plain = _plain(engine, batch)
    assert {i: (r[1], r[2]) for i, r in got.items()} == plain
    assert got[stateless][2] is None and 10**9 not in got
    known = [i for i in batch if i in plain and i != stateless]
    assert [r["id"] for r in rows] == known  # a paper without its state row left out
    assert [r["id"] for r in locked] == known
    if engine.dialect.name == "postgresql":
        own = versions[0]  # type: ignore[index]
        assert [v[0] for v in own] == sorted(known)
    engine.dispose()
