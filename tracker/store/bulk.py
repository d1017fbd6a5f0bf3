"""How the rows of a save reach the database: one writer per backend, the same rows on both.

`tracker.store.papers` decides what a batch writes -- the new papers, the stored papers a merge
improves, the missing links and authors -- and hands it to a writer, which only writes:

- `RowWriter` (SQLite, and any other database): INSERTs compiled by SQLAlchemy for the
  dialect and run on plain tuples (`BulkInsert`), UPDATEs one row each, in the order given.
- `CopyWriter` (PostgreSQL): `COPY ... FROM STDIN` straight into `paper`, `link` and
  `paper_author`, with the ids of new papers drawn from their sequence first, so links and
  authors need no look-up; the updates of a batch are copied into a temporary staging table
  and applied by one `UPDATE ... FROM` per table. Per-row statements, even pipelined, left a
  PostgreSQL ingest far behind SQLite's (`benchmarks/bench_scale.py` measures both).

A writer is given values already checked against the stored rows, so neither needs
`ON CONFLICT`: a key inserted by another process in the meantime fails the batch, as it did
before. Columns a caller does not give take their scalar Python default, as SQLAlchemy would
fill them in, and every value passes through its column type's bind processor, so both writers
store what an ORM insert would.

`BulkInsert` and `BulkUpdate` also write a flag run's findings and paper state rows
(`tracker.store.findings`, `tracker.store.paper_state`), thousands of rows of one shape a batch.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from operator import itemgetter
from typing import Any, Protocol

from sqlalchemy import Connection, Dialect, Engine, Table, bindparam, insert, update
from sqlalchemy.exc import DBAPIError

from tracker.errors import StoreError
from tracker.rows import LINK_COLUMNS, PAPER_COLUMNS
from tracker.store.engine import NOT_STREAMED
from tracker.store.schema import Link as LinkRow
from tracker.store.schema import Paper, PaperAuthor

PAPERS: Table = Paper
LINKS: Table = LinkRow
AUTHORS: Table = PaperAuthor
LINK_KEYS = ("paper_id", "found_in", *LINK_COLUMNS)
"""The columns of each link row given to `insert_links`."""
AUTHOR_KEYS = ("paper_id", "position", "name", "orcid", "openalex_id", "profile")
"""The columns of each author row given to `insert_authors`."""
_ROWS_PER_INSERT = 500
BULK_CACHE_KIB = 64 * 1024
"""SQLite page cache while saving (its default is 2 MiB). A save of papers or of a flag
run's judgements writes into a dozen indexes at scattered places; with the default, their
pages are evicted and read back over and over (`benchmarks/bench_scale.py` and
`benchmarks/bench_flag.py` measure the saves). Pages are cached only as they are read, so a
small save never fills it, and the connection gets its own size back after."""
BULK_CHECKPOINT_PAGES = BULK_CACHE_KIB // 4
"""Pages of the SQLite write-ahead log (4 KiB each, 64 MiB) a commit lets it hold while
saving before it copies them into the database and syncs the file (SQLite's default: 1,000).
Each batch of a bulk save dirties pages scattered over a dozen indexes, so the default
checkpoints every few batches, rewriting and syncing the same pages again and again. The log
file stays that large while a connection is open; SQLite removes it when the last one closes."""

Changes = tuple[int, dict[str, object]]
"""`(id, {column: new value})`: one UPDATE of one row."""


class Writer(Protocol):
    """What `save_rows` asks of a backend, once per batch and table."""

    def update_papers(self, conn: Connection, changes: Sequence[Changes]) -> None:
        """Apply each change in order (a later change of a row wins)."""

    def insert_papers(
        self, conn: Connection, rows: list[tuple[object, ...]], now: object
    ) -> list[int] | None:
        """Insert papers (`PAPER_COLUMNS` values); their ids in order, when known without a look-up."""

    def insert_links(self, conn: Connection, rows: list[tuple[object, ...]], now: object) -> None:
        """Insert links (`LINK_KEYS` values)."""

    def insert_authors(self, conn: Connection, rows: list[tuple[object, ...]]) -> None:
        """Insert authors (`AUTHOR_KEYS` values)."""

    def update_authors(self, conn: Connection, changes: Sequence[Changes]) -> None:
        """Apply each change of an author row in order."""


def writer_for(conn: Connection) -> Writer:
    """The writer for the connection's database: COPY through psycopg 3 (what a
    `postgresql://` URL gets), rows through any other driver."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        return CopyWriter(conn)
    return RowWriter(conn)


class _Columns:
    """The values one bulk write gives a table: `row_keys` from each row, `shared` once per
    call, and every other column with a scalar Python default at that default, all through the
    columns' bind processors (once per call for the values shared by every row)."""

    def __init__(
        self, dialect: Dialect, table: Table, row_keys: tuple[str, ...], shared: tuple[str, ...]
    ) -> None:
        defaults: dict[str, object] = {}
        for col in table.columns:
            if col.name in row_keys or col.name in shared or col.primary_key:
                continue
            if col.default is not None:
                if not col.default.is_scalar:
                    raise StoreError(f"column {table.name}.{col.name} needs an explicit value")
                defaults[col.name] = col.default.arg  # type: ignore[attr-defined]
        self.shared = (*shared, *defaults)
        self.defaults = defaults
        self.keys = (*row_keys, *self.shared)
        self.procs = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.c}
        self._row_procs: list[tuple[int, Callable[[Any], Any]]] = [
            (i, proc) for i, k in enumerate(row_keys) if (proc := self.procs[k]) is not None
        ]

    def rows(
        self, rows: Iterable[tuple[object, ...]], shared: dict[str, object]
    ) -> list[tuple[object, ...]]:
        """Every row's values in `keys` order."""
        values = {**shared, **self.defaults}
        tail = tuple(
            self.procs[k](values[k]) if self.procs[k] else values[k]  # type: ignore[misc]
            for k in self.shared
        )
        if not self._row_procs:
            return [row + tail for row in rows]
        out = []
        procs = [(i, memoized(proc)) for i, proc in self._row_procs]
        for row in rows:
            cells = list(row)
            for i, proc in procs:
                cells[i] = proc(cells[i])  # type: ignore[misc]
            out.append((*cells, *tail))
        return out


class BulkInsert:
    """One INSERT compiled by SQLAlchemy for the connection's dialect, run on tuples with no
    per-row statement processing: a DBAPI `executemany`, or on SQLite one statement per
    `_ROWS_PER_INSERT` rows with that many VALUES groups. The search triggers
    (`tracker.store.search`) feed SQLite's FTS5 tables, which flush their pending terms at
    every statement's end: one statement per row made a paper cost twice as much to save."""

    def __init__(
        self, conn: Connection, table: Table, row_keys: tuple[str, ...], shared: tuple[str, ...]
    ) -> None:
        dialect = conn.dialect
        self._columns = _Columns(dialect, table, row_keys, shared)
        keys = self._columns.keys
        compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
        self._sql = str(compiled)
        self._keys = keys
        names = compiled.positiontup if compiled.positional else None
        self._order: Callable[[tuple[object, ...]], Any] | None = (
            itemgetter(*(keys.index(n) for n in names)) if names else None
        )
        head, sep, group = self._sql.rpartition(" VALUES ")
        self._multi = dialect.name == "sqlite" and bool(sep) and group.startswith("(")
        self._head, self._group = head + sep, group
        self._per = max(1, min(_ROWS_PER_INSERT, _sqlite_max_params(conn) // len(keys)))
        self._multi_sql: dict[int, str] = {}

    def run(self, conn: Connection, rows: list[tuple[object, ...]], **shared: object) -> None:
        full = self._columns.rows(rows, shared)
        params: list[Any] = [
            self._order(r) if self._order else dict(zip(self._keys, r, strict=True)) for r in full
        ]
        if not self._multi:
            conn.exec_driver_sql(self._sql, params)
            return
        start = 0
        while start < len(params):
            n = _bucket(min(self._per, len(params) - start))
            if n not in self._multi_sql:
                self._multi_sql[n] = self._head + ", ".join([self._group] * n)
            part = params[start : start + n]
            conn.exec_driver_sql(self._multi_sql[n], tuple(chain.from_iterable(part)))
            start += n


class BulkUpdate:
    """One UPDATE of the columns `keys` of the row whose `by` column equals the last value of
    each tuple, compiled by SQLAlchemy for the connection's dialect and run as one DBAPI
    `executemany` with the columns' bind processors applied: building SQLAlchemy's parameters
    row by row cost a flag run's saving process more than the statement itself."""

    def __init__(self, dialect: Dialect, table: Table, keys: tuple[str, ...], by: str) -> None:
        stmt = update(table).where(table.c[by] == bindparam("by_value"))
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
        self._sql = str(compiled)
        names = (*keys, "by_value")
        procs = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.c}
        procs["by_value"] = procs[by]
        self._procs: list[tuple[int, Callable[[Any], Any]]] = [
            (i, proc) for i, k in enumerate(names) if (proc := procs[k]) is not None
        ]
        self._names = names
        order = compiled.positiontup if compiled.positional else None
        self._order: Callable[[list[object]], Any] | None = (
            itemgetter(*(names.index(n) for n in order)) if order else None
        )

    def run(self, conn: Connection, rows: list[tuple[object, ...]]) -> None:
        if not rows:
            return
        params: list[Any] = []
        procs = [(i, memoized(proc)) for i, proc in self._procs]
        for row in rows:
            cells = list(row)
            for i, proc in procs:
                cells[i] = proc(cells[i])
            params.append(
                self._order(cells) if self._order else dict(zip(self._names, cells, strict=True))
            )
        conn.exec_driver_sql(self._sql, params)


def memoized(proc: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`proc` (a bind processor) computed once per distinct value: the rows of a flag run's
    batch share a few dates and one time stamp, and converting each cell again cost more than
    the UPDATE's own parameters."""
    done: dict[tuple[type, object], object] = {}

    def once(value: Any) -> Any:
        key = (type(value), value)
        try:
            return done[key]
        except KeyError:
            done[key] = out = proc(value)
            return out
        except TypeError:  # a value that cannot be a key: converted each time
            return proc(value)

    return once


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a batch of rows becomes many small objects (a
    flag batch's facts and judgements, a check plan's records): each collection pass would
    walk all of them again, and none forms a cycle, so reference counting frees them. The
    collector is left as it was found (a nested pause does not turn it back on)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def bulk_writes(conn: Connection) -> Iterator[None]:
    """SQLite: for what runs inside, the page cache of `BULK_CACHE_KIB`, and a checkpoint of
    the write-ahead log only once it holds as many pages (`BULK_CHECKPOINT_PAGES`); the
    connection's own settings after. The log may then hold nearly 64 MiB: a save committed
    after (an ingest's one transaction) is checkpointed by its commit, under the
    connection's own setting by then; a flag run, which commits inside, checkpoints what it
    committed itself (`checkpoint`). Nothing elsewhere."""
    if conn.dialect.name != "sqlite":
        yield
        return
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    checkpoint = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={BULK_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(cache or 0)}")
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={int(checkpoint or 0)}")


def checkpoint(conn: Connection) -> None:
    """SQLite: copy what the write-ahead log holds into the database (passive: no waiting for
    readers), after a bulk write committed inside `bulk_writes`. Left there, up to 64 MiB of
    it, the first commit of the next writer, however small (an incremental flag run after a
    full one, in the same process), would copy all of it. Nothing elsewhere."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


ANALYZE_SHARE = 0.1
"""The share of a table's rows a committed bulk write must add (`gather_statistics`), as
PostgreSQL's autovacuum counts it (`autovacuum_analyze_scale_factor`)."""


def gather_statistics(engine: Engine, table: Table, added: int, also: Sequence[Table]) -> None:
    """PostgreSQL: `VACUUM (ANALYZE)` `table` and the tables written with it (`also`) once a
    committed bulk write added at least `ANALYZE_SHARE` of the rows `table` had when last
    analyzed. Autovacuum would, but in the background, up to a minute later: the command that
    comes next (the check plan after an ingest, which reads every linked name, or a flag run)
    would be planned on the statistics of a table a fraction of its size, and would read
    every row its index-only scans list to learn whether it is visible, since only a vacuum
    marks the new pages all-visible. Nothing elsewhere, and nothing when the server refuses:
    the write is committed, and autovacuum does it later."""
    if engine.dialect.name != "postgresql" or added <= 0:
        return
    quote = engine.dialect.identifier_preparer.quote
    try:
        with engine.connect() as conn:
            before = conn.exec_driver_sql(
                "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%(t)s)",
                {"t": quote(table.name)},
            ).scalar()
            conn.rollback()
            if added < ANALYZE_SHARE * max(float(before or 0), 0.0):
                return
            names = ", ".join(quote(t.name) for t in (table, *also))
            # VACUUM runs outside a transaction only
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql(f"VACUUM (ANALYZE) {names}", execution_options=NOT_STREAMED)
    except DBAPIError:
        return


class InList:
    """`SELECT ... WHERE column IN (values)` written once per dialect and run on plain
    values: rows come back as the driver gives them (no result processing, so in their
    stored form: a SQLite date is its text). SQLAlchemy's expanding parameters re-render the
    statement on every run, which cost a flag run's saving process more than the query: here
    SQLite gets a placeholder per value (in statements of at most its parameter limit) and
    PostgreSQL the list as one array (`= ANY`).

    `ranged` names columns (of a joined table) equal to `column` in every row: on PostgreSQL,
    for integer values, each is also held between the least and the greatest of them. The
    planner reckons a probe of a table's index per value dearer than reading the whole table
    once the table's rows no longer lie in key order (every `paper_state` row rewritten by a
    flag run) and it holds up to a few hundred thousand rows: the join of a batch's 2,000
    papers to their state read all of it (35 ms at 200k papers). Given the range, it reads
    only that part by index (3 ms), and a flag run's batches are ranges of ids."""

    def __init__(
        self, conn: Connection, head: str, column: str, ranged: Sequence[str] = ()
    ) -> None:
        self._head = f"{head} WHERE {column}"
        self._array = conn.dialect.name == "postgresql"
        self._range = "".join(f" AND {c} BETWEEN %s AND %s" for c in ranged)
        self._ranged = len(ranged)
        self._mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        self._per = _sqlite_max_params(conn)

    def rows(self, conn: Connection, values: Iterable[object]) -> list[Any]:
        """The rows whose column holds one of `values` (each row once)."""
        unique = list(dict.fromkeys(values))
        if not unique:
            return []
        if self._array:
            if self._range and all(type(v) is int for v in unique):
                ends = (min(unique), max(unique)) * self._ranged  # type: ignore[type-var]
                sql = f"{self._head} = ANY(%s){self._range}"
                return list(conn.exec_driver_sql(sql, (unique, *ends)).fetchall())
            return list(conn.exec_driver_sql(f"{self._head} = ANY(%s)", (unique,)).fetchall())
        out: list[Any] = []
        for start in range(0, len(unique), self._per):
            part = unique[start : start + self._per]
            # padded with its last value to a power of two: statements of a few sizes (`_bucket`)
            n = min(self._per, 1 << (len(part) - 1).bit_length())
            marks = ", ".join([self._mark] * n)
            bound = (*part, *[part[-1]] * (n - len(part)))
            out += conn.exec_driver_sql(f"{self._head} IN ({marks})", bound).fetchall()
        return out


def _bucket(n: int) -> int:
    """The largest power of two up to `n`: statements of a few sizes only, so SQLite's cache of
    prepared statements (each as large as its parameter list) does not fill up with one
    statement per batch size."""
    return 1 << (n.bit_length() - 1)


def _sqlite_max_params(conn: Connection) -> int:
    """Bound parameters one SQLite statement may have (999 before SQLite 3.32)."""
    if conn.dialect.name != "sqlite":
        return _ROWS_PER_INSERT
    raw = conn.connection.dbapi_connection
    return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))  # type: ignore[union-attr]


class RowWriter:
    """Bulk INSERTs through the DBAPI and one UPDATE per changed row, compiled once per save."""

    def __init__(self, conn: Connection) -> None:
        self._papers = BulkInsert(conn, PAPERS, PAPER_COLUMNS, ("first_seen_at", "updated_at"))
        self._links = BulkInsert(conn, LINKS, LINK_KEYS, ("first_seen_at",))
        self._authors = BulkInsert(conn, AUTHORS, AUTHOR_KEYS, ())

    def update_papers(self, conn: Connection, changes: Sequence[Changes]) -> None:
        for pid, values in changes:
            conn.execute(update(PAPERS).where(PAPERS.c.id == pid).values(**values))

    def insert_papers(
        self, conn: Connection, rows: list[tuple[object, ...]], now: object
    ) -> list[int] | None:
        self._papers.run(conn, rows, first_seen_at=now, updated_at=now)
        return None

    def insert_links(self, conn: Connection, rows: list[tuple[object, ...]], now: object) -> None:
        self._links.run(conn, rows, first_seen_at=now)

    def insert_authors(self, conn: Connection, rows: list[tuple[object, ...]]) -> None:
        self._authors.run(conn, rows)

    def update_authors(self, conn: Connection, changes: Sequence[Changes]) -> None:
        for aid, values in changes:
            conn.execute(update(AUTHORS).where(AUTHORS.c.id == aid).values(**values))


class StagedUpdate:
    """The UPDATEs of one batch on one table as a single `UPDATE ... FROM` a temporary table
    filled by COPY (PostgreSQL through psycopg): a row per changed key (`by`) with its final
    values and a bit mask of the columns that change, so a column no change names keeps what
    is stored (as a per-row UPDATE of the changed columns would leave it, whatever another
    transaction wrote there)."""

    def __init__(
        self, conn: Connection, table: Table, columns: tuple[str, ...], by: str = "id"
    ) -> None:
        q = conn.dialect.identifier_preparer.quote
        self._table = table
        self._columns = columns
        self._bit = {c: 1 << n for n, c in enumerate(columns)}
        self._procs = {
            c: table.c[c].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
            for c in columns
        }
        self._stage = q(f"tracker_stage_{table.name}")
        cols = ", ".join(q(c) for c in columns)
        self._create = (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {self._stage} ON COMMIT DROP AS "
            f"SELECT {q(by)}, 0 AS mask, {cols} FROM {q(table.name)} WITH NO DATA"
        )
        self._copy = f"COPY {self._stage} ({q(by)}, mask, {cols}) FROM STDIN"
        sets = ", ".join(
            f"{q(c)} = CASE WHEN s.mask & {self._bit[c]} <> 0 THEN s.{q(c)} ELSE t.{q(c)} END"
            for c in columns
        )
        self._update = (
            f"UPDATE {q(table.name)} AS t SET {sets} FROM {self._stage} AS s "
            f"WHERE t.{q(by)} = s.{q(by)}"
        )

    def run(self, raw: Any, changes: Sequence[Changes]) -> None:
        final: dict[int, dict[str, object]] = {}
        for rid, values in changes:
            unknown = set(values) - set(self._columns)
            if unknown:
                raise StoreError(f"no staged update of {self._table.name}.{min(unknown)}")
            final.setdefault(rid, {}).update(values)
        with raw.cursor() as cur:
            cur.execute(self._create)
            cur.execute(f"TRUNCATE {self._stage}")
            with cur.copy(self._copy) as copy:
                for rid, values in final.items():
                    copy.write_row((rid, self._mask(values), *self._cells(values)))
            cur.execute(self._update)

    def _mask(self, values: dict[str, object]) -> int:
        return sum(self._bit[c] for c in values)

    def _cells(self, values: dict[str, object]) -> list[object]:
        out = []
        for c in self._columns:
            v = values.get(c)
            proc = self._procs[c]
            out.append(proc(v) if proc and v is not None else v)
        return out


PAPER_UPDATES = (
    "key", "arxiv_id", "doi", "abstract", "comment", "published", "venue", "venue_date",
    "code_status", "code_evidence", "code_condition", "weights_status", "weights_evidence",
    "weights_condition", "data_status", "data_evidence", "data_condition", "updated_at",
)  # fmt: skip
"""The paper columns a save changes on a stored paper (what `papers._merge` may improve and
the time it changed; the paper's state follows by trigger, `tracker.store.paper_state`)."""
AUTHOR_UPDATES = ("orcid", "openalex_id", "profile")
"""The author columns a save fills in on a stored author."""


def _column_types(conn: Connection, table: str, columns: Sequence[str]) -> list[int]:
    """The type (oid) of each of `columns` of `table` (a quoted name), as the catalog has it:
    what a binary COPY must send for it."""
    found: dict[str, int] = dict(
        conn.exec_driver_sql(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = to_regclass(%(t)s) "
            "AND attnum > 0 AND NOT attisdropped",
            {"t": table},
        ).all()
    )
    missing = [c for c in columns if c not in found]
    if missing:
        raise StoreError(f"table {table} has no column {missing[0]}")
    return [int(found[c]) for c in columns]


class CopyWriter:
    """PostgreSQL: every insert of a batch one `COPY` per table, every update one
    `UPDATE ... FROM` a staging table, on the psycopg connection under the caller's
    transaction.

    The inserts are copied in PostgreSQL's binary format, each column dumped as the type the
    table declares (read from the catalog once per save): psycopg formats a row of text COPY
    several times slower than a binary one (escaping every string, spelling out every date
    and time stamp), and that was most of the saving thread's own CPU. The server stores the
    same values either way."""

    def __init__(self, conn: Connection) -> None:
        dialect = conn.dialect
        q = dialect.identifier_preparer.quote
        self._papers = _Columns(
            dialect, PAPERS, ("id", *PAPER_COLUMNS), ("first_seen_at", "updated_at")
        )
        self._links = _Columns(dialect, LINKS, LINK_KEYS, ("first_seen_at",))
        self._authors = _Columns(dialect, AUTHORS, AUTHOR_KEYS, ())
        tables = (
            ("paper", PAPERS, self._papers),
            ("link", LINKS, self._links),
            ("author", AUTHORS, self._authors),
        )
        self._copy = {
            name: f"COPY {q(table.name)} ({', '.join(map(q, cols.keys))}) FROM STDIN (FORMAT BINARY)"
            for name, table, cols in tables
        }
        self._types = {
            name: _column_types(conn, q(table.name), cols.keys) for name, table, cols in tables
        }
        self._sequence = conn.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%(t)s, 'id')", {"t": q(PAPERS.name)}
        ).scalar()
        if not self._sequence:
            raise StoreError("paper.id has no sequence to draw new ids from")
        self._paper_updates = StagedUpdate(conn, PAPERS, PAPER_UPDATES)
        self._author_updates = StagedUpdate(conn, AUTHORS, AUTHOR_UPDATES)

    @staticmethod
    def _raw(conn: Connection) -> Any:
        return conn.connection.driver_connection

    def _write(self, conn: Connection, which: str, rows: list[tuple[object, ...]]) -> None:
        with self._raw(conn).cursor() as cur, cur.copy(self._copy[which]) as copy:
            copy.set_types(self._types[which])
            for row in rows:
                copy.write_row(row)

    def update_papers(self, conn: Connection, changes: Sequence[Changes]) -> None:
        if changes:
            self._paper_updates.run(self._raw(conn), changes)

    def insert_papers(
        self, conn: Connection, rows: list[tuple[object, ...]], now: object
    ) -> list[int] | None:
        with self._raw(conn).cursor() as cur:
            cur.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)", (self._sequence, len(rows))
            )
            ids = sorted(int(r[0]) for r in cur.fetchall())
        shared = {"first_seen_at": now, "updated_at": now}
        self._write(
            conn,
            "paper",
            self._papers.rows(((i, *r) for i, r in zip(ids, rows, strict=True)), shared),
        )
        return ids

    def insert_links(self, conn: Connection, rows: list[tuple[object, ...]], now: object) -> None:
        self._write(conn, "link", self._links.rows(rows, {"first_seen_at": now}))

    def insert_authors(self, conn: Connection, rows: list[tuple[object, ...]]) -> None:
        self._write(conn, "author", self._authors.rows(rows, {}))

    def update_authors(self, conn: Connection, changes: Sequence[Changes]) -> None:
        if changes:
            self._author_updates.run(self._raw(conn), changes)
