"""The sentences behind a paper's code, weights and data statuses, read a batch at a time for
the HTML page's cards (the reports' join carries only the statuses)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import Connection, select

from tracker.models import ClaimView, PaperView
from tracker.store.selection import P

ARTIFACTS = ("code", "weights", "data")


def with_claims(conn: Connection, views: Sequence[PaperView]) -> list[PaperView]:
    """`views` with their claims filled in (one query for the batch)."""
    if not views:
        return []
    cols = [P.c[f"{a}_{part}"] for a in ARTIFACTS for part in ("status", "condition", "evidence")]
    q = select(P.c.key, *cols).where(P.c.key.in_([v.key for v in views]))
    found = {
        row[0]: tuple(
            ClaimView(a, row[1 + 3 * i], row[2 + 3 * i] or "", row[3 + 3 * i] or "")
            for i, a in enumerate(ARTIFACTS)
        )
        for row in conn.execute(q)
    }
    return [replace(v, claims=found.get(v.key, ())) for v in views]
