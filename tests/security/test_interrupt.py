"""Ctrl-C at any moment: exit 130, the open transaction rolled back, no run left `running`."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

SIGNALLED = """
import os, signal, sys, time
from tracker.cli.app import _interrupted
from tracker.store import open_db
from tracker.store.runs import start_run

try:
    engine = open_db(sys.argv[1])
    with engine.begin() as conn:
        start_run(conn, "check", [])
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(30)
except KeyboardInterrupt:
    _interrupted()
"""


def test_an_interrupted_run_is_marked_interrupted_not_running(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    done = subprocess.run(
        [sys.executable, "-c", SIGNALLED, f"sqlite:///{db}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 130, done.stderr
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT command, status, finished_at IS NOT NULL FROM ingest_run")
        assert rows.fetchall() == [("check", "interrupted", 1)]


def test_ctrl_c_during_the_ingest_write_exits_130_and_keeps_nothing(tmp_path: Path) -> None:
    listing = tmp_path / "papers.jsonl"
    with listing.open("w") as out:
        for i in range(150_000):
            paper = {"id": f"2301.{i:05d}", "title": f"Paper {i}", "summary": "We study."}
            out.write(json.dumps({"paper": paper}) + "\n")
    db = tmp_path / "t.db"
    child = subprocess.Popen(
        [sys.executable, "-m", "tracker", "ingest", str(listing), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TRACKER_JOBS": "1"},
    )
    deadline = time.monotonic() + 60
    while not db.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the database is made (migrated) just before the ingest starts
    time.sleep(1.5)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert "Error" not in stderr and "Traceback" not in stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM paper").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM ingest_run").fetchone() == (0,)
