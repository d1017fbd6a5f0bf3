"""`tracker watch`: the feeds `tracker run` reads when it is given no listing or feed."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.app import DbOption, TrackerGroup, app, err, out, settings
from tracker.sources.feeds import parse_feed
from tracker.store import open_db
from tracker.store.feeds import feed_states, set_watched

watch_app = typer.Typer(
    cls=TrackerGroup,
    help="Keep the list of feeds `tracker run` follows.\n\nExample: tracker watch add hf:daily",
    no_args_is_help=True,
)
app.add_typer(watch_app, name="watch")

Feeds = Annotated[
    list[str],
    typer.Argument(
        help="Feeds: hf:daily, hf:trending, arxiv:cs.LG, arxiv:search/QUERY, openreview:VENUE, "
        "openalex:author/ID, orcid:ID, openalex:institution/ID.",
        show_default=False,
    ),
]


def _names(feeds: list[str]) -> list[str]:
    """Canonical names; a bad one is an `InputError` (exit 3) before anything is written. A
    date range is dropped: a watched feed reads from its cursor."""
    return [parse_feed(f).name for f in feeds]


@watch_app.command("add")
def watch_add(feeds: Feeds, db: DbOption = None) -> None:
    """Watch feeds: `tracker run` with no argument reads them from where they stopped.

    Example: tracker watch add hf:daily arxiv:cs.LG openreview:ICLR.cc/2025/Conference
    """
    names = _names(feeds)
    with open_db(settings(db).db_url).begin() as conn:
        for name in names:
            added = set_watched(conn, name, True)
            err.print(f"{name}: {'now watched' if added else 'already watched'}", markup=False)


@watch_app.command("remove")
def watch_remove(feeds: Feeds, db: DbOption = None) -> None:
    """Stop watching feeds (their cursors are kept, should they be watched again).

    Example: tracker watch remove arxiv:cs.LG
    """
    names = _names(feeds)
    with open_db(settings(db).db_url, create=False).begin() as conn:
        for name in names:
            removed = set_watched(conn, name, False)
            err.print(
                f"{name}: {'no longer watched' if removed else 'was not watched'}", markup=False
            )


@watch_app.command("list")
def watch_list(
    db: DbOption = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Also feeds read once but not watched.")
    ] = False,
) -> None:
    """Show the watched feeds: how far each is read and how many papers it brought.

    Example: tracker watch list --all
    """
    with open_db(settings(db).db_url, create=False).connect() as conn:
        states = feed_states(conn, watched_only=not all_)
    if not states:
        err.print("no feeds watched; add one with: tracker watch add hf:daily")
        return
    for s in states:
        through = s.through.isoformat() if s.through else "-"
        read = s.read_at.strftime("%Y-%m-%d %H:%M") if s.read_at else "never"
        mark = "" if s.watched else "  (not watched)"
        out.print(
            f"{s.name}  complete through {through}  last read {read}  {s.papers:,} papers{mark}",
            markup=False,
        )
