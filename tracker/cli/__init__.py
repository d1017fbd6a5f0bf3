"""The `tracker` command line: one module per command group, registered here."""

from __future__ import annotations

# Each command module registers its commands on `app` when imported.
from tracker.cli import action as _action  # noqa: F401
from tracker.cli import check as _check  # noqa: F401
from tracker.cli import db as _db  # noqa: F401
from tracker.cli import demo as _demo  # noqa: F401
from tracker.cli import enrich as _enrich  # noqa: F401
from tracker.cli import ingest as _ingest  # noqa: F401
from tracker.cli import merge as _merge  # noqa: F401
from tracker.cli import report as _report  # noqa: F401
from tracker.cli import review as _review  # noqa: F401
from tracker.cli import run as _run  # noqa: F401
from tracker.cli import watch as _watch  # noqa: F401
from tracker.cli.app import app, main

__all__ = ["app", "main"]
