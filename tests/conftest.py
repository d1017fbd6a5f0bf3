"""Shared fixtures: real databases (SQLite files and, when configured, PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PG_ENV = "TRACKER_TEST_POSTGRES_URL"

if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    # A shell starts a background job (`.ci/run &`) with Ctrl-C ignored, which every program
    # it runs would inherit: the tests that interrupt a tracker process need it delivered.
    # A handler, unlike "ignored", is not passed on to the programs the tests start.
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("TRACKER_CI"):
        pytest.fail(f"{PG_ENV} is not set but CI expects PostgreSQL (TRACKER_CI=1)")
    return None


def _sqla(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def _pg_database(options: str = "") -> Iterator[str]:
    admin = _pg_admin_url()
    if admin is None:
        pytest.skip(f"PostgreSQL not configured ({PG_ENV})")
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(_sqla(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" {options}'))
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with _pg_database() as url:
        yield url


@pytest.fixture
def pg_url_icu() -> Iterator[str]:
    """As `pg_url`, but text sorts by a language's rules (ICU `en-US`: `_` before `-`), as on
    many servers, instead of byte by byte."""
    with _pg_database("TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'") as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every storage test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    return str(request.getfixturevalue("pg_url"))


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `tracker` entry point in a subprocess (as a user would)."""
    base = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DB", "GITHUB_TOKEN")}
    full_env = {**base, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=cwd,
        env=full_env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    """`cli("run", "file.txt", cwd=...)` runs the real command line in a subprocess."""
    return run_cli


NO_ARCHIVE = "http://127.0.0.1:9"
"""A closed local port: archive look-ups of tests that do not serve an archive are refused at
once (`unknown`), never sent to the public archives."""


@pytest.fixture(autouse=True)
def _archives_stay_local(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TRACKER_SWH_API_URL", "TRACKER_WAYBACK_API_URL"):
        if name not in os.environ:
            monkeypatch.setenv(name, NO_ARCHIVE)
