"""`reading_beside`: on PostgreSQL a second statement runs on a connection of its own while the
caller's runs (a check plan reads the open promises while the due repositories are sorted);
on SQLite it runs on the caller's connection, unless asked to run beside there too. Either way
its answer, or its error, comes back."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import DBAPIError

from tracker.store import open_db
from tracker.store.engine import reading_beside
from tracker.store.schema import FlagState


def _who(conn: Connection) -> tuple[object, str]:
    """The connection's server process (PostgreSQL) or driver connection (SQLite), and the
    thread that asked."""
    if conn.dialect.name == "postgresql":
        me: object = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    else:
        me = id(conn.connection.dbapi_connection)
    return me, threading.current_thread().name


def _states(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(FlagState)).scalar_one())


def test_a_read_beside_runs_on_its_own_connection_on_postgresql(db_url: str) -> None:
    engine = open_db(db_url)
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        mine = _who(conn)
        with reading_beside(conn, _who) as theirs, reading_beside(conn, _states) as counted:
            # written by the caller, not committed: only a read on the same connection sees it
            conn.execute(insert(FlagState).values(name="rules", value="written here"))
            assert _who(conn) == mine
        assert (theirs()[0] != mine[0]) is postgres
        assert (theirs()[1] != mine[1]) is postgres
        assert counted() == (0 if postgres else 1)
        conn.rollback()
    engine.dispose()


def test_a_read_beside_everywhere_runs_on_its_own_connection_on_sqlite_too(db_url: str) -> None:
    """A flag run counts its verdicts this way while it checkpoints what it wrote: the count
    runs in a thread, on a connection of its own, and sees what is committed only."""
    engine = open_db(db_url)
    with engine.connect() as conn:
        mine = _who(conn)
        with (
            reading_beside(conn, _who, everywhere=True) as theirs,
            reading_beside(conn, _states, everywhere=True) as counted,
        ):
            conn.execute(insert(FlagState).values(name="rules", value="written here"))
        assert theirs()[0] != mine[0]
        assert theirs()[1] != mine[1]
        assert counted() == 0
        conn.rollback()
    engine.dispose()


def test_the_error_of_a_read_beside_comes_back_to_its_caller(db_url: str) -> None:
    engine = open_db(db_url)

    def broken(conn: Connection) -> None:
        conn.exec_driver_sql("SELECT * FROM no_such_table")

    with engine.connect() as conn:
        with reading_beside(conn, broken) as answer:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
        with pytest.raises(DBAPIError, match="no_such_table"):
            answer()
    engine.dispose()


def _workers(conn: Connection) -> str:
    return str(conn.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar_one())


def test_a_serial_read_beside_gets_no_parallel_workers_on_postgresql(pg_url: str) -> None:
    """A check plan reads its promises beside its own longer query: on PostgreSQL that read
    runs without parallel workers, which would take the cores the caller's query runs on, and
    its connection goes back to the pool with the server's setting."""
    engine = open_db(pg_url)
    with engine.connect() as conn:
        default = _workers(conn)
        with (
            reading_beside(conn, _workers, serial=True) as serial,
            reading_beside(conn, _workers) as parallel,
        ):
            assert _workers(conn) == default
        assert (serial(), parallel()) == ("0", default)
    assert default != "0"
    with engine.connect() as one, engine.connect() as other:
        assert _workers(one) == _workers(other) == default
    engine.dispose()
