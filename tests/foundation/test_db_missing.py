"""A mistyped `--db` fails instead of answering from a new, empty database.

Commands that read or update what is stored refuse a SQLite file that does not exist (exit 4,
one line naming the path and the default); the commands that fill a database create it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.cli.app import Exit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hf-trending.txt"

READERS = [
    ["report"],
    ["export", "--format", "csv"],
    ["show", "2501.00001"],
    ["diff"],
    ["ack", "2501.00001", "code_link_dead"],
    ["flag"],
    ["check", "--no-wait"],
    ["enrich"],
    ["action", "summary", "--out", "reports"],
    ["action", "issue"],
    ["db", "current"],
    ["watch", "list"],
    ["watch", "remove", "hf:daily"],
]


def missing(path: Path) -> str:
    return (
        f"error: no SQLite database at {path} (default sqlite:///tracker.db, or TRACKER_DB); "
        "tracker run or tracker ingest creates one\n"
        f"exit 4: {Exit.DATABASE.meaning}\n"
    )


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_reading_commands_refuse_a_missing_sqlite_file(tmp_path: Path, command, cli) -> None:  # type: ignore[no-untyped-def]
    env = {"GITHUB_REPOSITORY": "acme/papers"}
    done = cli(*command, "--db", "papres.db", cwd=tmp_path, env=env)
    assert (done.returncode, done.stdout, done.stderr) == (
        Exit.DATABASE,
        "",
        missing(tmp_path / "papres.db"),
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_missing_tracker_db_is_refused_too(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("report", cwd=tmp_path, env={"TRACKER_DB": "sqlite:///elsewhere.db"})
    assert (done.returncode, done.stderr) == (Exit.DATABASE, missing(tmp_path / "elsewhere.db"))
    default = cli("report", cwd=tmp_path)
    assert (default.returncode, default.stderr) == (Exit.DATABASE, missing(tmp_path / "tracker.db"))
    assert list(tmp_path.iterdir()) == []


def test_filling_commands_create_the_database(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    runs = [
        cli("ingest", str(EXAMPLE), "--db", "ingested.db", cwd=tmp_path),
        cli("run", str(EXAMPLE), "--no-enrich", "--no-check", "--db", "ran.db", cwd=tmp_path),
        cli("demo", "--db", "demo.db", cwd=tmp_path),
        cli("merge", "ingested.db", "--db", "merged.db", cwd=tmp_path),
        cli("db", "upgrade", "--db", "upgraded.db", cwd=tmp_path),
    ]
    assert [r.returncode for r in runs] == [0] * 5, [r.stderr for r in runs]
    assert sorted(p.name for p in tmp_path.glob("*.db")) == [
        "demo.db",
        "ingested.db",
        "merged.db",
        "ran.db",
        "upgraded.db",
    ]
    report = cli("report", "--db", "merged.db", "--format", "json", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert '"papers": 7' in report.stdout


def test_a_missing_merge_source_is_refused(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("merge", "shard-1.db", "--db", "merged.db", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (Exit.DATABASE, missing(tmp_path / "shard-1.db"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgres
def test_postgresql_urls_are_not_files(pg_url: str, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("report", "--db", pg_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "0 papers" in done.stdout
