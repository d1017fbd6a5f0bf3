"""A bulk save's SQLite settings hold inside it and are undone after it, also on a failure, so
a pooled connection does not keep a 64 MiB cache or a 64 MiB write-ahead log for other work."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection

from tracker import pipeline
from tracker.config import Settings
from tracker.demo import LISTING
from tracker.flags.run import flag_papers
from tracker.store import open_db
from tracker.store.bulk import BULK_CACHE_KIB, BULK_CHECKPOINT_PAGES, bulk_writes


def _settings(conn: Connection) -> tuple[int, int]:
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    checkpoint = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    return int(cache or 0), int(checkpoint or 0)


def test_bulk_writes_sets_and_restores_the_connection_settings(sqlite_url: str) -> None:
    engine = open_db(sqlite_url)
    with engine.connect() as conn:
        own = _settings(conn)
        assert own != (-BULK_CACHE_KIB, BULK_CHECKPOINT_PAGES)
        with bulk_writes(conn):
            assert _settings(conn) == (-BULK_CACHE_KIB, BULK_CHECKPOINT_PAGES)
        assert _settings(conn) == own
        with pytest.raises(RuntimeError), bulk_writes(conn):
            raise RuntimeError("a save that fails")
        assert _settings(conn) == own
    engine.dispose()


def test_ingest_and_flag_leave_pooled_connections_as_they_found_them(sqlite_url: str) -> None:
    engine = open_db(sqlite_url)
    with engine.connect() as conn:
        own = _settings(conn)
    pipeline.ingest(engine, [str(LISTING)])
    flag_papers(engine, Settings(db_url=sqlite_url))
    with engine.connect() as conn:
        assert _settings(conn) == own
    engine.dispose()
