"""Bookkeeping of runs: what each invocation read and changed, for audits and `diff`."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, update

from tracker.store.tables import IngestRun, utcnow

_RUN = IngestRun.__table__  # type: ignore[attr-defined]


def start_run(conn: Connection, command: str, sources: list[str]) -> int:
    result = conn.execute(
        insert(_RUN).values(
            command=command, sources="\n".join(sources), started_at=utcnow(), status="running"
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def finish_run(conn: Connection, run_id: int, status: str, **counts: int | str) -> None:
    conn.execute(
        update(_RUN)
        .where(_RUN.c.id == run_id)
        .values(status=status, finished_at=utcnow(), **counts)
    )


def drop_run(conn: Connection, run_id: int) -> None:
    """Forget a run that changed nothing, so reruns leave the database byte-for-byte alike."""
    conn.execute(delete(_RUN).where(_RUN.c.id == run_id))
