"""`tracker merge`: combine databases checked apart (one per shard) into one."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.app import DbOption, app, err, settings
from tracker.errors import ConfigError
from tracker.flags.run import flag_papers
from tracker.store import open_db
from tracker.store.engine import normalize_url
from tracker.store.merge import MergeSummary, merge_database, open_source


def _say(source: str, summary: MergeSummary) -> None:
    parts = [
        f"{name} +{c.inserted:,}" + (f" ~{c.updated:,}" if c.updated else "")
        for name, c in summary.tables.items()
        if c.inserted or c.updated or c.deleted
    ]
    err.print(f"{source}: " + (", ".join(parts) if parts else "nothing new"))


@app.command()
def merge(
    sources: Annotated[
        list[str],
        typer.Argument(help="Databases to merge in (SQLite paths or URLs).", show_default=False),
    ],
    db: DbOption = None,
) -> None:
    """Merge shard databases into one (idempotent), then flag the result.

    Example: tracker merge shard-1.db shard-2.db --db tracker.db
    """
    cfg = settings(db)
    target_url = normalize_url(cfg.db_url)
    if any(normalize_url(s) == target_url for s in sources):
        raise ConfigError("a database cannot be merged into itself: pass the target only as --db")
    # Every source is opened before the target, which is created when missing: a mistyped
    # source then leaves no new, empty target behind.
    engines = [open_source(source) for source in sources]
    target = open_db(cfg.db_url)
    changed = 0
    try:
        for source, engine in zip(sources, engines, strict=True):
            summary = merge_database(engine, target)
            _say(source, summary)
            changed += summary.changed
    finally:
        for engine in engines:
            engine.dispose()
    if changed:
        flags = flag_papers(target, cfg)
        err.print(f"flagged {flags.papers:,} papers")
