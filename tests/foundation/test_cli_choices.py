"""`--status` and `--flag` take known values only, `-q` is `--quiet` (not `--query`), through the
real command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.cli.app import Exit
from tracker.cli.options import STATUSES
from tracker.flags.probes import PROBE_CODES
from tracker.flags.verdict import VerdictKind
from tracker.models import Availability

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hf-trending.txt"


@pytest.fixture
def db(tmp_path: Path, cli) -> str:  # type: ignore[no-untyped-def]
    done = cli("ingest", str(EXAMPLE), "--db", "t.db", cwd=tmp_path)
    assert done.returncode == Exit.OK, done.stderr
    return str(tmp_path / "t.db")


def test_status_choices_are_the_code_statuses_and_the_verdict_kinds() -> None:
    assert set(STATUSES) == {*Availability, *VerdictKind}
    assert len(STATUSES) == len(set(STATUSES))


@pytest.mark.parametrize("command", ["report", "export"])
def test_an_unknown_status_is_one_usage_error_naming_it_and_the_choices(
    db: str,
    cli,  # type: ignore[no-untyped-def]
    command: str,
) -> None:
    done = cli(command, "--db", db, "--status", "overdue,overdo", "--status", "gone")
    assert (done.returncode, done.stdout) == (Exit.USAGE, "")
    assert done.stderr.splitlines()[-1] == (
        "Error: Invalid value for --status: unknown status overdo, gone; choose from "
        f"{', '.join(STATUSES)}"
    )


@pytest.mark.parametrize("option", ["--flag", "--fail-on"])
def test_an_unknown_flag_is_one_usage_error_naming_it_and_the_choices(
    db: str,
    cli,  # type: ignore[no-untyped-def]
    option: str,
) -> None:
    done = cli("report", "--db", db, option, "code_link_dead,code_link_deadd")
    assert (done.returncode, done.stdout) == (Exit.USAGE, "")
    assert done.stderr.splitlines()[-1] == (
        f"Error: Invalid value for {option}: unknown probe code_link_deadd; choose from "
        f"{', '.join(PROBE_CODES)}"
    )


def test_known_values_select(db: str, cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("report", "--db", db, "--status", "released,available", "--format", "json")
    assert done.returncode == Exit.OK, done.stderr


def test_q_is_not_query(db: str, cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("report", "--db", db, "-q", "graphs")
    assert done.returncode == Exit.USAGE
    assert done.stderr.splitlines()[-1] == "Error: No such option: -q"
    assert cli("report", "--db", db, "--query", "graphs").returncode == Exit.OK


def test_quiet_keeps_results_and_errors_and_drops_the_rest(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    args = ("run", str(EXAMPLE), "--no-check", "--no-enrich", "--db", "t.db")
    loud = cli(*args, cwd=tmp_path)
    quiet = cli("-q", *args, cwd=tmp_path)
    assert loud.returncode == quiet.returncode == Exit.OK, quiet.stderr
    assert loud.stderr.strip() and quiet.stderr == ""
    assert "Sparse Routing" in quiet.stdout
    missing = cli("--quiet", "report", "--db", "absent.db", cwd=tmp_path)
    assert missing.returncode == Exit.DATABASE
    assert "absent.db" in missing.stderr and missing.stderr.splitlines()[-1].startswith("exit 4:")
