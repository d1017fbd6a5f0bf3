"""`tracker db`: schema management."""

from __future__ import annotations

import typer

from tracker.cli.app import DbOption, TrackerGroup, app, out, settings
from tracker.store.engine import current_revision, head_revision, make_engine, upgrade

db_app = typer.Typer(
    cls=TrackerGroup,
    help="Manage the database schema.\n\nExample: tracker db upgrade",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Apply pending migrations (also done automatically on first use).

    Example: tracker db upgrade --db postgresql://tracker@localhost/tracker
    """
    engine = make_engine(settings(db).db_url)
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    if before == after:
        out.print(f"database is up to date (revision {after})")
    else:
        out.print(f"migrated {before or 'empty database'} -> {after}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Show the applied and the latest schema revision.

    Example: tracker db current
    """
    engine = make_engine(settings(db).db_url, create=False)
    out.print(f"applied: {current_revision(engine) or 'none'}  latest: {head_revision(engine)}")
