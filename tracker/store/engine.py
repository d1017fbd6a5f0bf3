"""Opening the database: URL handling, SQLite pragmas, and migrations on first use.

Alembic (with Mako and every dialect's DDL) is imported only when a migration is due or the
stored revision cannot be read plainly: a database already at head is opened without it.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError, SQLAlchemyError

from tracker.config import DEFAULT_DB_URL
from tracker.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

SQLITE_BUSY_TIMEOUT_MS = 30_000


def migrations_dir() -> Path:
    """The Alembic scripts: `db/` in a checkout, `tracker/_migrations` in an installed wheel."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_migrations", here.parent / "db"):
        if (candidate / "env.py").is_file():
            return candidate
    raise StoreError("database migrations are missing from this installation")


def normalize_url(url: str) -> str:
    """Accept a bare path as SQLite and `postgres://` as PostgreSQL (psycopg 3)."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str, *, create: bool = True) -> Engine:
    """An engine for `url` without touching the schema.

    SQLite creates a missing file on first connect. Commands that only read or update what is
    stored pass `create=False`: a mistyped path must fail, not answer "0 papers" from a new,
    empty database.
    """
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"invalid database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        db_path = parsed.database
        if db_path and db_path != ":memory:":
            path = Path(db_path).expanduser().resolve()
            if not create and not path.is_file():
                raise StoreError(
                    f"no SQLite database at {path} (default {DEFAULT_DB_URL}, or TRACKER_DB); "
                    "tracker run or tracker ingest creates one"
                )
            if not path.parent.is_dir():
                raise StoreError(f"database directory does not exist: {path.parent}")
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use database {parsed.render_as_string()}: {exc}") from None


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


_REVISION = re.compile(r"^revision(?:: str)? = ['\"](\w+)['\"]$", re.M)
_DOWN_REVISION = re.compile(r"^down_revision(?:: str \| None)? = (?:None|['\"](\w+)['\"])$", re.M)
_DEPENDS_ON = re.compile(r"^depends_on\b(?!.*= None$)", re.M)


def plain_head_revision(versions: Path | None = None) -> str | None:
    """The newest migration read from the scripts' text (in `versions`, by default this
    installation's), without Alembic: the one revision no other script revises. None when any
    script is not in the plain form `db/make_migration.py` writes (one revision, at most one
    parent, no dependencies) or the scripts have no single head: then only Alembic can tell."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (versions or migrations_dir() / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN_REVISION.findall(source)
        if len(revision) != 1 or len(down) != 1 or _DEPENDS_ON.search(source):
            return None
        revisions.add(revision[0])
        parents.add(down[0])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def plain_current_revision(engine: Engine) -> str | None:
    """The revision recorded in the database (Alembic's one-row table), read with one query;
    None when there is no such single row to read."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def at_head(engine: Engine) -> bool:
    """Whether the database is known, without Alembic, to need no migration. False means only
    "not known": `open_db` then asks Alembic."""
    current = plain_current_revision(engine)
    return current is not None and current == plain_head_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` (idempotent)."""
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise StoreError(f"cannot migrate the database: {exc.orig}") from None


MIGRATION_WAIT_S = 30.0
"""How long a process waits for another one that is migrating the same new database."""


def _upgrade_once(engine: Engine) -> None:
    """Migrate, or, when another process migrating the same database at the same moment makes
    this attempt fail ("table already exists"), wait until that one has reached head."""
    try:
        upgrade(engine)
        return
    except StoreError:
        until = time.monotonic() + MIGRATION_WAIT_S
        while time.monotonic() < until:
            time.sleep(0.2)
            try:
                if current_revision(engine) == head_revision(engine):
                    return
            except OperationalError:
                continue  # the other process holds the database: ask again
        raise


def open_db(url: str, *, migrate: bool = True, create: bool = True) -> Engine:
    """An engine with the schema at head, migrating on first use.

    Migrating only when the stored revision differs keeps opening cheap and lets read-only
    commands run against a database another process is writing. `create=False` refuses a SQLite
    file that does not exist (see `make_engine`).
    """
    engine = make_engine(url, create=create)
    if not migrate:
        return engine
    try:
        if not at_head(engine) and current_revision(engine) != head_revision(engine):
            _upgrade_once(engine)
    except OperationalError as exc:
        raise StoreError(f"cannot open database: {exc.orig}") from None
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open database: {exc}") from None
    return engine


NOT_STREAMED = {"stream_results": False, "yield_per": None}
"""A statement's options for what a server-side cursor cannot run (a `SET`, a `VACUUM`),
whatever the caller's connection does: `yield_per` on the connection streams too, unless
cleared."""


def set_local(conn: Connection, **settings: str) -> None:
    """PostgreSQL: each setting (name = value, as SQL) for the rest of `conn`'s transaction.
    `SET LOCAL` ends with the transaction, so a pooled connection goes back as it came.
    Nothing elsewhere."""
    if conn.dialect.name != "postgresql":
        return
    for name, value in settings.items():
        conn.exec_driver_sql(f"SET LOCAL {name} = {value}", execution_options=NOT_STREAMED)


_GONE_CLASSES = ("08", "57")
"""SQLSTATE classes of a server that went away: connection exception, operator intervention
(a shutdown or restart ended the session)."""


T = TypeVar("T")


@contextmanager
def reading_beside(
    conn: Connection,
    read: Callable[[Connection], T],
    *,
    everywhere: bool = False,
    serial: bool = False,
) -> Iterator[Callable[[], T]]:
    """`read` while the block runs its own statements on `conn`; the function yielded gives its
    answer (or raises its error), asked for after the block.

    On PostgreSQL `read` runs in a thread on a connection of its own, so the server works on
    both statements at once, each in its own process: for a check plan, the open promises are
    read while the due repositories are sorted. It sees what is committed, not what `conn`
    has written and not yet committed. Elsewhere (SQLite, where readers of one file gain
    little from a second connection) it runs on `conn` when its answer is asked for, unless
    `everywhere`: for a block that does not read the same pages (a flag run's count of
    verdicts beside the checkpoint of what it wrote, `tracker.store.bulk.checkpoint`; a check
    plan's promises, read off the papers' states, beside the repositories it sorts). Leaving
    the block waits for it either way, so no statement outlives the block's caller.

    `serial`: on PostgreSQL `read` runs in its one server process, without parallel workers,
    for a block whose own statement is the longer and keeps a core busy: workers of `read`'s
    would take that core from it, and the block would end later (a check plan on two cores)."""
    if conn.dialect.name != "postgresql" and not everywhere:
        yield lambda: read(conn)
        return

    def own() -> T:
        with conn.engine.connect() as other:
            if serial:
                set_local(other, max_parallel_workers_per_gather="0")
            return read(other)

    with ThreadPoolExecutor(1, thread_name_prefix="tracker-read") as pool:
        yield pool.submit(own).result


def write_failure(exc: BaseException, doing: str, outcome: str) -> StoreError | None:
    """`exc` as the one line a user reads when the database failed while `doing` (a
    transaction's work), followed by `outcome` (what of the work was kept); None when `exc`
    is not the database's failure.

    The error first raised is the one described: when the server goes away, the rollback
    after it fails too, and SQLAlchemy's wrapper of the second hides the first."""
    first = None
    seen: BaseException | None = exc
    while seen is not None:
        if _database_error(seen):
            first = seen
        seen = seen.__cause__ or seen.__context__
    if first is None:
        return None
    orig = getattr(first, "orig", None) or first
    reason = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    state = getattr(orig, "sqlstate", None)
    gone = (
        getattr(first, "connection_invalidated", False)
        or state is None
        or (str(state)[:2] in _GONE_CLASSES)
    )
    if gone and not isinstance(orig, sqlite3.Error):
        return StoreError(f"the database connection was lost while {doing} ({reason}); {outcome}")
    return StoreError(f"the database refused {doing} ({reason}); {outcome}")


def _database_error(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError | sqlite3.OperationalError):
        return True
    psycopg = sys.modules.get("psycopg")  # loaded by whatever talked to PostgreSQL
    return psycopg is not None and isinstance(
        exc, psycopg.OperationalError | psycopg.InterfaceError
    )
