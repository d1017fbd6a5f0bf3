"""Bookkeeping of runs: what each invocation read and changed, for audits and `diff`."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, delete, insert, update

from tracker.store.defaults import utcnow
from tracker.store.schema import IngestRun as _RUN


def start_run(conn: Connection, command: str, sources: list[str]) -> int:
    result = conn.execute(
        insert(_RUN).values(
            command=command, sources="\n".join(sources), started_at=utcnow(), status="running"
        )
    )
    run_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    _OPEN[run_id] = conn.engine
    return run_id


_OPEN: dict[int, Engine] = {}
"""Runs this process started and has not finished, with their database: what
`mark_interrupted` closes when the process is stopped."""


def finish_run(conn: Connection, run_id: int, status: str, **counts: int | str) -> None:
    _OPEN.pop(run_id, None)
    conn.execute(
        update(_RUN)
        .where(_RUN.c.id == run_id)
        .values(status=status, finished_at=utcnow(), **counts)
    )


def drop_run(conn: Connection, run_id: int) -> None:
    """Forget a run that changed nothing, so reruns leave the database byte-for-byte alike."""
    _OPEN.pop(run_id, None)
    conn.execute(delete(_RUN).where(_RUN.c.id == run_id))


def mark_interrupted() -> int:
    """Mark every run this process left open `interrupted`, each in a transaction of its own
    (the one the run was in is gone with the interruption), so no run row stays `running`.
    A run whose own row was never committed matches nothing. Returns how many were marked."""
    marked = 0
    while _OPEN:
        run_id, engine = _OPEN.popitem()
        try:
            with engine.begin() as conn:
                marked += conn.execute(
                    update(_RUN)
                    .where(_RUN.c.id == run_id, _RUN.c.status == "running")
                    .values(status="interrupted", finished_at=utcnow())
                ).rowcount
        except Exception:  # the database may be what was interrupted
            continue
    return marked
