"""Starting safely: concurrent first runs on one new database, and service URLs checked up front."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tracker.store import count_rows, open_db
from tracker.store.engine import current_revision, head_revision

LISTING = "Title {i}\n\nWe study things. Code: https://github.com/lab/repo{i}.\n"


def test_concurrent_first_runs_all_succeed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'new.db'}"
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_DB"}
    procs = []
    for i in range(4):
        listing = tmp_path / f"l{i}.txt"
        listing.write_text(LISTING.format(i=i), encoding="utf-8")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "tracker", "ingest", str(listing), "--db", db],
                env=env,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    engine = open_db(db)
    assert current_revision(engine) == head_revision(engine)
    with engine.connect() as conn:
        assert count_rows(conn)["papers"] == 4


def test_a_malformed_service_url_is_a_configuration_error(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'x.db'}"
    for option, value in (
        ("--github-api-url", "http://[::1"),
        ("--github-api-url", "notaurl"),
        ("--hf-endpoint", "ftp://hub.example"),
    ):
        ran = cli("run", "-", "--db", db, option, value, stdin=LISTING.format(i=1))
        assert ran.returncode == 5, ran.stderr
        assert "is not an http(s) URL" in ran.stderr
        assert "Traceback" not in ran.stderr
