"""JSON printed by `report`, `show` and `diff`, and the ingest warnings and errors on stderr,
carry no character that acts on a terminal: hostile titles reach a real terminal (a pty) as
`\\uXXXX` escapes, and a program reading the same JSON from a pipe gets the data as read."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.security.test_hostile_text import LISTING, SHOWN, hidden, seed

ESC = "\x1b"
HOSTILE_FILE = f"list[bold]{ESC}]0;owned\x07\u202etxt.ids"


def on_a_terminal(*args: str) -> tuple[int, str]:
    """Run `tracker ARGS` with its standard output on a pseudo-terminal; exit code and what the
    terminal received (its CRLF line ends made LF again)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DB", "GITHUB_TOKEN")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        stdout=slave,
        stderr=subprocess.DEVNULL,
        env={**env, "COLUMNS": "200", "TERM": "xterm"},
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    code = proc.wait(timeout=120)
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.fixture
def hostile(sqlite_url: str, tmp_path: Path, cli: Any) -> str:
    return seed(sqlite_url, tmp_path, cli)


TITLES = {row[2]: row[0] for row in LISTING[1:]}


def test_report_json_on_a_terminal_is_escaped_and_reads_as_the_data(hostile: str) -> None:
    code, shown = on_a_terminal("report", "--format", "json", "--db", hostile)
    assert code == 0
    assert hidden(shown) == [], shown
    assert "\\u001b[2J" in shown and "\\u202e" in shown and "\\u009b" in shown
    assert {p["arxiv_id"]: p["title"] for p in json.loads(shown)["papers"]} == TITLES


def test_show_json_on_a_terminal_is_escaped_and_reads_as_the_data(hostile: str) -> None:
    for arxiv_id in SHOWN:
        code, shown = on_a_terminal("show", arxiv_id, "--format", "json", "--db", hostile)
        assert code == 0
        assert hidden(shown) == [], arxiv_id
        assert json.loads(shown)["title"] == TITLES[arxiv_id]


def test_json_through_a_pipe_is_the_data_as_read(hostile: str, cli: Any) -> None:
    report = cli("report", "--format", "json", "--db", hostile)
    assert {p["arxiv_id"]: p["title"] for p in json.loads(report.stdout)["papers"]} == TITLES
    shown = cli("show", "2301.00001", "--format", "json", "--db", hostile)
    assert json.loads(shown.stdout)["title"] == TITLES["2301.00001"]
    changes = cli("diff", "--since", "30d", "--format", "json", "--db", hostile)
    assert "lab/pipe\x1b]0;x\x07\u202e" in {
        e["repository"] for e in json.loads(changes.stdout)["events"]
    }
    for res in (report, shown, changes):
        assert res.returncode == 0 and hidden(res.stdout) == [], res.args


def test_ingest_warnings_and_errors_echo_input_without_controls(tmp_path: Path, cli: Any) -> None:
    listing = tmp_path / HOSTILE_FILE
    listing.write_text(f"2301.00001\nnot an id {ESC}[2J \u202e here\n", encoding="utf-8")
    db = str(tmp_path / "w.db")
    done = cli("ingest", str(listing), "--input-format", "id_list", "--db", db)
    assert done.returncode == 0, done.stderr
    assert hidden(done.stderr) == [], done.stderr
    warning = next(ln for ln in done.stderr.splitlines() if ln.startswith("warning:"))
    assert "list[bold]]0;owned" in warning and ":2: not an arXiv ID" in warning
    missing = cli("ingest", str(tmp_path / ("gone" + HOSTILE_FILE)), "--db", db)
    assert missing.returncode == 3
    assert hidden(missing.stderr) == [] and "gonelist[bold]]0;owned" in missing.stderr
