"""Taking turns: concurrent writers of one database serialize their read-modify-write batches.

Saving a batch reads the stored rows and then writes what changed. Two processes doing that at
once (overlapping `--shard` jobs on one PostgreSQL server, two checks on one SQLite file) would
both see a repository as new and insert it twice, or both append the same history row. Taking
the write lock before the first read makes each batch see the other's committed work:

* PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback.
* SQLite: a no-op write, which takes the database's write lock at once (waiting up to the busy
  timeout) instead of at the first real write, after the reads.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from tracker.errors import StoreError
from tracker.store.engine import SQLITE_BUSY_TIMEOUT_MS

WRITE_LOCK_ID = 7_318_245_002
"""PostgreSQL advisory lock key of the batch writers (any constant unique to tracker)."""


def lock_for_write(conn: Connection) -> None:
    """Hold the database's write turn until the caller's transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_ID})
        return
    if conn.dialect.name != "sqlite":
        return
    try:
        conn.execute(text("UPDATE ingest_run SET id = id WHERE 0 = 1"))
    except OperationalError as exc:
        if "locked" not in str(exc.orig):
            raise
        error = StoreError(
            f"the database stayed locked by another process for "
            f"{SQLITE_BUSY_TIMEOUT_MS // 1000} s ({exc.orig})"
        )
        error.tip = (
            "run one writer per SQLite file (e.g. one file per --shard, then `tracker merge`), "
            "or use PostgreSQL for parallel checks"
        )
        raise error from None
