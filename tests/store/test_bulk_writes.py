"""A bulk save's SQLite settings hold inside it and are undone after it, also on a failure, so
a pooled connection does not keep a 64 MiB cache or a 64 MiB write-ahead log for other work; and
what it committed is checkpointed when it ends."""

from __future__ import annotations

import struct
from pathlib import Path

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


def _log_frames(db: Path) -> tuple[int, int]:
    """Frames in the write-ahead log and frames of it copied into the database, from the
    shared wal-index (SQLite's file format: `mxFrame` at byte 16 of its header, `nBackfill`
    at byte 96, in the machine's byte order)."""
    head = (db.parent / f"{db.name}-shm").read_bytes()[:100]
    return struct.unpack_from("=I", head, 16)[0], struct.unpack_from("=I", head, 96)[0]


def test_a_flag_run_leaves_what_it_wrote_checkpointed(tmp_path: Path) -> None:
    """With the engine still open (its pooled connection keeps the log), everything a flag run
    committed has been copied into the database, so the next writer's first commit does not
    copy it; a small write elsewhere waits for SQLite's automatic checkpoint."""
    db = tmp_path / "t.db"
    url = f"sqlite:///{db}"
    engine = open_db(url)
    pipeline.ingest(engine, [str(LISTING)], command="run")
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE paper SET title = title || ' (revised)'")
    frames, copied = _log_frames(db)
    assert copied < frames
    flag_papers(engine, Settings(db_url=url))
    frames, copied = _log_frames(db)
    assert frames > 0 and copied == frames
    engine.dispose()
