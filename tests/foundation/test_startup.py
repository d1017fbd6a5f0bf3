"""Start-up: what a command imports, so `tracker --help` and `tracker report` stay quick.

The modules are read from `python -X importtime`, which names every module the real entry point
imports (`benchmarks/bench_startup.py` measures the time).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.store import open_db
from tracker.store.engine import head_revision, plain_current_revision, plain_head_revision

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hf-trending.txt"
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "httpx", "graphql", "pypdf", "github", "pydantic")
"""Libraries the top-level help has no use for: the database, HTTP, GraphQL, PDF."""
NOT_FOR_REPORT = (
    "sqlmodel",
    "sqlalchemy.orm",
    "httpx",
    "graphql",
    "pypdf",
    "github",
    "alembic",
    "tracker.check",
    "tracker.sources",
    "tracker.emulators",
)
"""What a report of a database already at the newest schema never needs: the table models
(SQLModel and the ORM; the store runs on the generated `tracker.store.schema`), the checkers
and their HTTP, GraphQL and PDF clients, the input formats, the emulators, the migrations."""


def imported(*args: str, cwd: Path) -> list[str]:
    """Every module `python -m tracker ARGS` imports, in order (the command must succeed)."""
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_DB"} | ENV
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tracker", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and not line.endswith("imported package")
    ]


def under(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(f"{p}.") for p in packages)]


def test_the_top_level_help_imports_no_command_and_no_database_or_http(tmp_path: Path) -> None:
    modules = imported("--help", cwd=tmp_path)
    assert "typer" in modules and "tracker.cli.app" in modules  # the reading is not empty
    assert under(modules, HEAVY) == []
    assert [m for m in modules if m.startswith("tracker.")] == [
        "tracker.cli",
        "tracker.errors",
        "tracker.config",
        "tracker.reports",
        "tracker.reports.text",
        "tracker.cli.app",
    ]


def test_the_version_is_told_without_running_extraction(tmp_path: Path) -> None:
    modules = imported("--version", cwd=tmp_path)
    assert "tracker.cli.app" in modules
    assert under(modules, (*HEAVY, "tracker.extract", "tracker.models")) == []


def test_a_report_imports_no_checker_http_pdf_or_migration(tmp_path: Path) -> None:
    db = tmp_path / "small.db"
    ingest = [sys.executable, "-m", "tracker", "ingest", str(EXAMPLE), "--db", str(db)]
    subprocess.run(ingest, cwd=tmp_path, check=True, capture_output=True)
    modules = imported("report", "--db", str(db), cwd=tmp_path)
    assert "tracker.store.selection" in modules  # the report did read the database
    assert under(modules, NOT_FOR_REPORT) == []


def _help(full: bool, *args: str) -> subprocess.CompletedProcess[str]:
    """`tracker ARGS` as the entry point runs it, or with every command module loaded first."""
    load = "from tracker.cli import all_commands; all_commands(); " if full else ""
    code = f"import sys; sys.argv[0] = 'tracker'; {load}from tracker.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=os.environ | ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("args", [["--help"], [], ["-q"], ["reprot"]])
def test_the_root_says_the_same_without_loading_the_commands(args: list[str]) -> None:
    """The root's help lists each command from `SUMMARIES` without importing it, and a usage
    error suggests from the same names: both read exactly as with every command loaded."""
    listed, loaded = _help(False, *args), _help(True, *args)
    assert (listed.returncode, listed.stdout, listed.stderr) == (
        loaded.returncode,
        loaded.stdout,
        loaded.stderr,
    )
    assert "Traceback" not in listed.stderr
    assert listed.stdout + listed.stderr


def test_the_root_lists_every_command_once_in_pipeline_order() -> None:
    from tracker.cli import COMMANDS, SUMMARIES

    shown = _help(False, "--help").stdout
    rows = [line.split()[1] for line in shown.splitlines() if line.startswith("│ ")]
    assert [r for r in rows if r in COMMANDS] == list(SUMMARIES)
    assert sorted(SUMMARIES) == sorted(COMMANDS)


def test_the_plain_revisions_are_alembics(tmp_path: Path) -> None:
    """An open database at head is known without Alembic: its one version row, and the one
    script no other revises, agree with what Alembic reads."""
    engine = open_db(f"sqlite:///{tmp_path / 'at-head.db'}")
    assert plain_head_revision() == head_revision(engine) is not None
    assert plain_current_revision(engine) == head_revision(engine)


def _script(folder: Path, revision: str, down: str | None, extra: str = "") -> None:
    parent = "None" if down is None else f'"{down}"'
    (folder / f"{revision}_step.py").write_text(
        f'revision: str = "{revision}"\ndown_revision: str | None = {parent}\n{extra}',
        encoding="utf-8",
    )


def test_a_history_alembic_alone_can_read_has_no_plain_head(tmp_path: Path) -> None:
    _script(tmp_path, "0001", None)
    _script(tmp_path, "0002", "0001")
    assert plain_head_revision(tmp_path) == "0002"
    _script(tmp_path, "0003", "0001")  # a branch: two heads
    assert plain_head_revision(tmp_path) is None
    _script(tmp_path, "0003", "0002", 'depends_on: str | None = "0001"\n')
    assert plain_head_revision(tmp_path) is None
    (tmp_path / "0003_step.py").write_text(
        'revision = "0003"\ndown_revision = ("0001", "0002")\n', encoding="utf-8"
    )  # a merge
    assert plain_head_revision(tmp_path) is None
    _script(tmp_path, "0003", "0002")
    assert plain_head_revision(tmp_path) == "0003"


def test_a_database_without_a_version_row_has_no_plain_revision(tmp_path: Path) -> None:
    from tracker.store.engine import make_engine

    assert plain_current_revision(make_engine(f"sqlite:///{tmp_path / 'new.db'}")) is None
