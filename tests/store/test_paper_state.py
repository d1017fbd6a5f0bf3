"""A paper's derived state (`paper_state`) follows its paper by trigger, whoever writes it."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, insert, select, text, update

from tests.factories import paper
from tracker.store import open_db, save_papers
from tracker.store.bulk import InList
from tracker.store.defaults import FLAG_NEVER, FLAG_NOW
from tracker.store.findings import StoredFlags, save_stored
from tracker.store.rollup import ROLLUP_COLUMNS, PaperRollup
from tracker.store.schema import Link, Paper, PaperState, SummaryCode

P, S = Paper, PaperState
COPIES = ("published", "code_status", "weights_status")


def _state(engine: Engine, key: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(S).join(P, P.c.id == S.c.paper_id).where(P.c.key == key)
        ).mappings()
        found = row.first()
    return dict(found) if found is not None else None


def _judged(engine: Engine, key: str, **values: object) -> None:
    """Write state as a flag run leaves it (a verdict, a summary code, a later due day)."""
    with engine.begin() as conn:
        pid = select(P.c.id).where(P.c.key == key).scalar_subquery()
        conn.execute(update(S).where(S.c.paper_id == pid).values(**values))


@pytest.fixture
def engine(db_url: str) -> Engine:
    return open_db(db_url)


def test_a_paper_written_by_plain_sql_reads_as_not_flagged_yet_and_due(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(P).values(
                key="arxiv:2501.00001",
                title_norm="plain",
                title="Plain",
                published=dt.date(2025, 1, 2),
                source_kind="sql",
                source_ref="",
                code_status="promised",
                code_condition="",
                weights_status="released",
                weights_condition="",
                data_status="none",
                data_condition="",
                first_seen_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
                updated_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
            )
        )
    state = _state(engine, "arxiv:2501.00001")
    assert state is not None
    del state["paper_id"]
    assert state == {
        "published": dt.date(2025, 1, 2),
        "code_status": "promised",
        "weights_status": "released",
        "verdict": "",
        "verdict_kind": "",
        "flagged_at": None,
        "flags": "",
        "acknowledged": "",
        "link_urls": "",
        # PostgreSQL's lower-cased text for `--query` (migration 0012), empty on SQLite
        "search_text": "plain\narxiv:2501.00001\n" if engine.dialect.name == "postgresql" else "",
        "repo_status": None,
        "repo_license": None,
        "stars": None,
        "checklist_score": None,
        "release_days": None,
        "checked_repo": None,
        "checked_license": None,
        "checked_repos": 0,
        "tally_code": None,
        "checked_repo_id": None,
        "license_code": None,
        "flag_due": FLAG_NOW,
    }


def test_a_changed_claim_rewrites_the_copies_empties_the_code_and_makes_the_paper_due(
    engine: Engine,
) -> None:
    with engine.begin() as conn:
        save_papers(conn, [paper(1, "lab/one"), paper(2, "lab/two")])
    one, two = "arxiv:2401.00001", "arxiv:2401.00002"
    for key in (one, two):
        _judged(engine, key, verdict_kind="available", tally_code=7, flag_due=FLAG_NEVER)
    with engine.begin() as conn:
        conn.execute(
            update(P)
            .where(P.c.key == one)
            .values(code_status="promised", published=dt.date(2024, 5, 6))
        )
        conn.execute(update(P).where(P.c.key == two).values(published=dt.date(2024, 5, 6)))
    first, second = _state(engine, one), _state(engine, two)
    assert first is not None and second is not None
    assert {c: first[c] for c in (*COPIES, "tally_code", "flag_due", "verdict_kind")} == {
        "published": dt.date(2024, 5, 6),
        "code_status": "promised",
        "weights_status": "none",
        "tally_code": None,  # its text named the old status
        "flag_due": FLAG_NOW,
        "verdict_kind": "available",  # the judgement stays until the flag run replaces it
    }
    # the same code status: the summary code still names it
    assert (second["published"], second["tally_code"], second["flag_due"]) == (
        dt.date(2024, 5, 6),
        7,
        FLAG_NOW,
    )


def test_what_the_probes_do_not_read_leaves_the_state_alone(engine: Engine) -> None:
    with engine.begin() as conn:
        save_papers(conn, [paper(1, "lab/one")])
    key = "arxiv:2401.00001"
    _judged(engine, key, tally_code=7, flag_due=FLAG_NEVER)
    before = _state(engine, key)
    with engine.begin() as conn:
        conn.execute(update(P).where(P.c.key == key).values(source_ref="elsewhere"))
    assert _state(engine, key) == before


def test_a_deleted_paper_takes_its_state_with_it(engine: Engine) -> None:
    with engine.begin() as conn:
        save_papers(conn, [paper(1, "lab/one"), paper(2, "lab/two")])
        conn.execute(delete(Link))
        conn.execute(delete(P).where(P.c.key == "arxiv:2401.00001"))
    with engine.connect() as conn:
        left = conn.execute(select(P.c.key).join(S, S.c.paper_id == P.c.id)).scalars().all()
        assert (
            conn.execute(select(S.c.paper_id)).scalars().all()
            == conn.execute(select(P.c.id)).scalars().all()
        )
    assert left == ["arxiv:2401.00002"]


def _judgement(pid: int, stars: int | None, verdict: str = "Code available") -> StoredFlags:
    rollup = PaperRollup(
        link_urls="https://github.com/lab/model",
        repo_status="ok",
        repo_license="MIT",
        stars=stars,
        checked_repo="lab/model",
        checked_license="MIT",
        checked_repos=1,
        checklist_score=4,
    )
    state = (*(getattr(rollup, c) for c in ROLLUP_COLUMNS), None, FLAG_NEVER)
    return StoredFlags(pid, (), (verdict, "available", "", ""), state)


def _updates_of_state(engine: Engine) -> list[list[str]]:
    """The columns each UPDATE of `paper_state` run through SQLAlchemy sets, as it runs (the
    staged UPDATE on PostgreSQL goes by COPY on the driver's connection, unseen here)."""
    seen: list[list[str]] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE PAPER_STATE"):
            sets = statement.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
            seen.append([part.split("=")[0].strip().strip('"') for part in sets.split(",")])

    event.listen(engine, "before_cursor_execute", note)
    return seen


def _version(engine: Engine, pid: int) -> object:
    """Something that moves whenever the state row is written (PostgreSQL: its `xmin`)."""
    with engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            return None
        q = text("SELECT xmin::text FROM paper_state WHERE paper_id = :p")
        return conn.execute(q, {"p": pid}).scalar_one()


def test_a_judgement_writes_the_state_columns_that_changed_and_nothing_else(
    engine: Engine,
) -> None:
    with engine.begin() as conn:
        save_papers(conn, [paper(1, "lab/model")])
        pid = conn.execute(select(P.c.id)).scalar_one()
        save_stored(conn, [_judgement(pid, 10)])
    first, version = _state(engine, "arxiv:2401.00001"), _version(engine, pid)
    sqlite = engine.dialect.name == "sqlite"
    updates = _updates_of_state(engine)
    with engine.begin() as conn:
        save_stored(conn, [_judgement(pid, 10)])  # the same: nothing written
    assert updates == [] and _version(engine, pid) == version
    with engine.begin() as conn:
        save_stored(conn, [_judgement(pid, 11)])
    assert updates == ([["stars"]] if sqlite else [])
    with engine.begin() as conn:
        save_stored(conn, [_judgement(pid, 11, "Code available, 2 issues")])
    assert updates == ([["stars"], ["verdict", "flagged_at"]] if sqlite else [])
    last = _state(engine, "arxiv:2401.00001")
    assert first is not None and last is not None
    assert last == {**first, "stars": 11, "verdict": "Code available, 2 issues",
                    "flagged_at": last["flagged_at"]}  # fmt: skip
    assert last["flagged_at"] >= first["flagged_at"]


@pytest.mark.parametrize("limit", [7, 1000])
def test_an_id_list_longer_than_one_statement_binds_reads_every_row_once(
    engine: Engine, limit: int
) -> None:
    values = [f"value {i}" for i in range(60)]
    with engine.begin() as conn:
        conn.execute(insert(SummaryCode), [{"kind": "test", "value": v} for v in values])
        if conn.dialect.name == "sqlite":
            raw = conn.connection.dbapi_connection
            raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)  # type: ignore[union-attr]
        ask = InList(conn, "SELECT value, kind FROM summary_code", "value")
        asked = [*values[::2], "absent", values[0], *values[1::4]]
        got = ask.rows(conn, asked)
    assert sorted(tuple(r) for r in got) == sorted(
        (v, "test") for v in {*values[::2], *values[1::4]}
    )


def test_search_text_follows_the_title_key_and_urls_whoever_writes_them(engine: Engine) -> None:
    """PostgreSQL keeps `search_text` lower-cased with its own `lower()` (non-ASCII letters
    too) through every write: a new paper, its title and key changed, its URLs rolled up, and a
    state row written by plain SQL without it; SQLite leaves it empty."""
    pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        save_papers(conn, [paper(1, "lab/one")])
    key = "arxiv:2401.00001"

    def text_of() -> str:
        state = _state(engine, key)
        assert state is not None
        return str(state["search_text"])

    assert text_of() == (f"paper 1\n{key}\n" if pg else "")
    with engine.begin() as conn:
        conn.execute(update(P).where(P.c.key == key).values(title="Über Ünits", key="title:x"))
    key = "title:x"
    assert text_of() == ("über ünits\ntitle:x\n" if pg else "")
    _judged(engine, key, link_urls="https://GitHub.com/Lab/One https://x.org/É")
    assert text_of() == (
        "über ünits\ntitle:x\nhttps://github.com/lab/one https://x.org/é" if pg else ""
    )
    with engine.begin() as conn:
        pid = conn.execute(select(P.c.id).where(P.c.key == key)).scalar_one()
        conn.execute(delete(S).where(S.c.paper_id == pid))
        conn.execute(insert(S).values(paper_id=pid, link_urls="https://Lab.org/A"))
    assert text_of() == ("über ünits\ntitle:x\nhttps://lab.org/a" if pg else "")
