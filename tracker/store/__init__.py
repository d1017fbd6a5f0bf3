"""The only package that talks to the database (SQLModel/SQLAlchemy)."""

from tracker.store.engine import open_db, upgrade
from tracker.store.papers import SaveCounts, save_papers
from tracker.store.queries import count_rows

__all__ = ["SaveCounts", "count_rows", "open_db", "save_papers", "upgrade"]
