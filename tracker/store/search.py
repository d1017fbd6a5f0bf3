"""Substring search for `report --query` without reading every paper.

On SQLite, two contentless FTS5 tables with the trigram tokenizer, `paper_search` (title, key)
and `link_search` (url), hold the text as SQLite's `lower()` leaves it (ASCII folded, as `LIKE`
folds it). Triggers on `paper` and `link` (migration 0002) keep them in step with every insert,
update and delete, whichever code path writes. They keep no column sizes (migration 0003: only
ranking reads them), so they answer MATCH queries only, never a scan of a whole table. A phrase
query of the lower-cased text matches exactly the rows whose text contains it, which is what
`LIKE '%text%'` answers; text shorter than one trigram, and a database without the tables,
take the LIKE scan instead.

On PostgreSQL, pg_trgm GIN indexes (when the extension could be created) serve the LIKE itself
for a text few papers contain: one of `lower(url)` of the links, and one of a paper's title and
key, lower-cased and joined by a newline (migration 0014; a text without a newline matches it
where it matches either). A text many contain is tested on each row, against
`paper_state.search_text` (`SEARCH_SEPARATORS`), which triggers keep lower-cased (migrations
0012 and 0013).

Neither the search tables nor the trigram indexes are part of the SQLModel metadata, nor is
PostgreSQL's index of stars in report order (`ORDER_INDEXES`), so `include_name` keeps
Alembic's comparison of models and database from reporting them as extra.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, column, select, table

SEARCH_TABLES = ("paper_search", "link_search")
TRIGRAM_INDEXES = frozenset({"ix_paper_title_key_trgm", "ix_link_url_trgm"})
TRIGRAM = 3
"""Characters in one token: shorter text has no token to look up."""
ORDER_INDEXES = frozenset({"ix_paper_state_stars_desc"})
"""PostgreSQL's index of `paper_state` by stars descending, papers without stars last (its
order for `--sort stars`), which SQLite cannot declare and does not need (migration 0012)."""
SEARCH_SEPARATORS = ("\n", " ")
"""What joins the parts of `paper_state.search_text` on PostgreSQL, which migration 0012's
triggers write: the lower-cased title, key and rolled-up link URLs, a newline between the
three, and the URLs already joined by spaces (a newline within a URL as a space: migration
0013). A match cannot span a separator the text does not contain, so for a text with neither
`search_text LIKE '%text%'` answers what `lower(...) LIKE` on each part answers; for a text
with a space but no newline, a match followed by a newline is in the title or the key."""

PAPER_SEARCH = table("paper_search", column("rowid"), column("paper_search"))
LINK_SEARCH = table("link_search", column("rowid"), column("link_search"))


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic filter: leave out the search tables (with their FTS5 shadow tables), the
    trigram indexes and the order indexes, which the migrations manage outside the models."""
    if name is None:
        return True
    if type_ == "table":
        return not any(name == t or name.startswith(f"{t}_") for t in SEARCH_TABLES)
    return not (type_ == "index" and name in TRIGRAM_INDEXES | ORDER_INDEXES)


def has_search(conn: Connection) -> bool:
    """Whether this database has the SQLite search tables."""
    if conn.dialect.name != "sqlite":
        return False
    q = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)"
    return conn.exec_driver_sql(q, SEARCH_TABLES).scalar() == len(SEARCH_TABLES)


def phrase(text: str) -> str | None:
    """The FTS5 query matching rows that contain `text` ignoring case as the LIKE search does
    (the text lower-cased, quoted as one phrase), or None when it is too short to look up."""
    low = text.lower()
    if len(low) < TRIGRAM:
        return None
    return '"' + low.replace('"', '""') + '"'


def paper_matches(query: str) -> Any:
    """Ids of papers whose title or key contains the text `query` (a `phrase`)."""
    return select(PAPER_SEARCH.c.rowid).where(PAPER_SEARCH.c.paper_search.op("MATCH")(query))


def link_matches(query: str) -> Any:
    """Ids of links whose URL contains the text `query` (a `phrase`)."""
    return select(LINK_SEARCH.c.rowid).where(LINK_SEARCH.c.link_search.op("MATCH")(query))


__all__ = [
    "ORDER_INDEXES",
    "SEARCH_SEPARATORS",
    "SEARCH_TABLES",
    "TRIGRAM_INDEXES",
    "has_search",
    "include_name",
    "link_matches",
    "paper_matches",
    "phrase",
]
