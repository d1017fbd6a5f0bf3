"""The only package that talks to the database (SQLModel/SQLAlchemy).

The names below are loaded when first asked for, so importing one store module (the report
queries) does not import the others (saving papers imports extraction).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.store.engine import open_db, upgrade
    from tracker.store.papers import SaveCounts, save_papers
    from tracker.store.queries import count_rows

_HOME = {
    "SaveCounts": "tracker.store.papers",
    "count_rows": "tracker.store.queries",
    "open_db": "tracker.store.engine",
    "save_papers": "tracker.store.papers",
    "upgrade": "tracker.store.engine",
}

__all__ = ["SaveCounts", "count_rows", "open_db", "save_papers", "upgrade"]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOME[name]), name)
