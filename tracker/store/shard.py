"""The SQL side of `--shard K/N`: select one shard's repositories inside the query.

PostgreSQL hashes with its built-in `sha256`; SQLite has no hash function, so the same Python
function (`tracker.check.shard.shard_hash`) is registered on the connection. Both give the number
`tracker.check.shard.in_shard` gives, so Python and SQL filters always agree.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Connection, cast, func, literal_column
from sqlalchemy.dialects.postgresql import BIT
from sqlalchemy.sql import ColumnElement

from tracker.check.shard import Shard, shard_hash

SQLITE_FUNCTION = "tracker_shard_hash"


def _register_sqlite(conn: Connection) -> None:
    raw = conn.connection.driver_connection
    raw.create_function(SQLITE_FUNCTION, 1, shard_hash, deterministic=True)  # type: ignore[union-attr]


def shard_filter(conn: Connection, key: ColumnElement[str], shard: Shard) -> ColumnElement[bool]:
    """A WHERE clause keeping the rows of `shard`, keyed by the repository-key column `key`."""
    if conn.dialect.name == "sqlite":
        _register_sqlite(conn)
        hashed: ColumnElement[int] = getattr(func, SQLITE_FUNCTION)(key)
    else:
        hex8 = func.substr(
            func.encode(func.sha256(func.convert_to(func.lower(key), "UTF8")), "hex"), 1, 8
        )
        bits = literal_column("'x'").op("||")(hex8)
        hashed = cast(cast(bits, BIT(32)), BigInteger)
    return (hashed % shard.n) == (shard.k - 1)
