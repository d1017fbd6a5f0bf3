"""A PostgreSQL server that restarts in the middle of `tracker ingest`: the command stops with
exit 4 and one line saying what happened, the database keeps what earlier commands committed
and nothing of the interrupted ingest (one transaction), and running the command again leaves
the database a clean run leaves."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import DateTime, Engine, select

from tests.pg_server import PostgresServer, postgres_server
from tracker.store import open_db
from tracker.store.bulk import PAPERS
from tracker.store.papers import BATCH
from tracker.store.schema import metadata

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server() -> Iterator[PostgresServer]:
    with postgres_server() as running:
        if running is None:
            pytest.skip("PostgreSQL server binaries (pg_ctl, initdb) are not installed")
        yield running


def _listing(path: Path, first: int, count: int) -> Path:
    """Hugging Face listing text: papers `first`.. with a repository or a promise each."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Trending Papers\n\n")
        for i in range(first, first + count):
            claim = (
                "Code will be released upon acceptance."
                if i % 5 == 0
                else f"Code: https://github.com/lab{i % 700}/method-{i}."
            )
            fh.write(f"Method {i} for Sparse Retrieval\n\nWe study retrieval case {i}. {claim}\n\n")
    return path


def _ingest(url: str, listing: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DB", "TRACKER_JOBS")}
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "ingest", str(listing), "--db", url],
        cwd=ROOT,
        env={**env, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stuck_in_batch(conn: Any) -> bool:
    """Whether a session waits to COPY links: the papers of its batch are written, the
    links wait for a lock."""
    q = (
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND query LIKE 'COPY link %'"
    )
    return bool(conn.execute(q).fetchone()[0])


def _content(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """Every table's rows as text, sorted, without the ids a sequence hands out (an aborted
    transaction uses some up) and the times of writing; a reference to a paper by its key."""
    out: dict[str, list[tuple[str, ...]]] = {}
    with engine.connect() as conn:
        key_of = {pid: key for pid, key in conn.execute(select(PAPERS.c.id, PAPERS.c.key))}
        for table in metadata.sorted_tables:
            cols = [
                c
                for c in table.columns
                if not c.primary_key and not isinstance(getattr(c.type, "impl", c.type), DateTime)
            ]
            to_paper = {
                c.name for c in cols if any(fk.column is PAPERS.c.id for fk in c.foreign_keys)
            }
            rows = []
            for row in conn.execute(select(*cols)).mappings():
                rows.append(tuple(repr(key_of[v] if k in to_paper else v) for k, v in row.items()))
            out[table.name] = sorted(rows)
    return out


def test_a_restart_mid_ingest_exits_4_keeps_committed_work_and_a_rerun_finishes(
    server: PostgresServer, tmp_path: Path
) -> None:
    with psycopg.connect(server.url, autocommit=True) as admin:
        admin.execute("CREATE DATABASE interrupted")
        admin.execute("CREATE DATABASE clean")
    base = server.url.rsplit("/", 1)[0]
    url, clean_url = f"{base}/interrupted", f"{base}/clean"
    earlier = _listing(tmp_path / "earlier.txt", 0, 300)
    big = _listing(tmp_path / "big.txt", 200, 3 * BATCH)  # overlaps the earlier listing

    assert _ingest(url, earlier).wait(timeout=120) == 0
    committed = _content(open_db(url))
    # one session holds the ingest in its first batch, half written; another watches (the
    # restart ends both: closing them commits nothing)
    holder, watcher = psycopg.connect(url), psycopg.connect(url, autocommit=True)
    with closing(holder), closing(watcher):
        holder.execute("LOCK TABLE link IN SHARE MODE")
        proc = _ingest(url, big)
        deadline = time.monotonic() + 120
        while not _stuck_in_batch(watcher):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the ingest never reached its links"
            time.sleep(0.05)
        server.restart()
    _, stderr = proc.communicate(timeout=120)

    lines = stderr.strip().splitlines()
    assert proc.returncode == 4, stderr
    assert lines[-2].startswith("error: the database connection was lost while storing papers")
    assert lines[-2].endswith("; nothing of this ingest was stored; run it again")
    assert lines[-1] == (
        "exit 4: the database could not be opened, migrated or written (see --db and TRACKER_DB)"
    )
    assert "Traceback" not in stderr
    assert _content(open_db(url)) == committed  # the earlier ingest whole, nothing of this one

    assert _ingest(url, big).wait(timeout=300) == 0
    for listing in (earlier, big):
        assert _ingest(clean_url, listing).wait(timeout=300) == 0
    assert _content(open_db(url)) == _content(open_db(clean_url))
