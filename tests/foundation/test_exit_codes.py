"""Exit codes are defined once (`Exit`), documented from that definition, and explained on exit."""

from __future__ import annotations

import re
from pathlib import Path

from tracker.cli.app import EXPLAINED, Exit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hf-trending.txt"


def test_readme_table_is_the_definition() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", section, re.M)
    assert [(int(code), meaning) for code, meaning in rows] == [(e.value, e.meaning) for e in Exit]


def test_codes_1_and_3_to_6_end_with_their_meaning(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    flagged_db = str(tmp_path / "flagged.db")
    offline = ("run", str(EXAMPLE), "--no-enrich", "--no-check", "--db", flagged_db)
    assert cli(*offline, cwd=tmp_path).returncode == 0
    runs = {
        # the example's repositories were not checked: four papers carry `unknown`
        Exit.FLAGGED: cli("report", "--db", flagged_db, "--fail-on", "unknown", cwd=tmp_path),
        Exit.BAD_INPUT: cli("ingest", "missing.txt", cwd=tmp_path),
        Exit.DATABASE: cli("report", "--db", "typo.db", cwd=tmp_path),
        Exit.CONFIG: cli("ingest", str(EXAMPLE), "--column", "bad", cwd=tmp_path),
        # Nothing listens on port 9: GitHub is unreachable, the rest of the run completes.
        Exit.INCOMPLETE: cli(
            "run",
            str(EXAMPLE),
            "--no-enrich",
            "--no-wait",
            "--github-api-url",
            "http://127.0.0.1:9",
            cwd=tmp_path,
        ),
    }
    assert set(runs) == EXPLAINED
    for code, done in runs.items():
        assert done.returncode == code, done.stderr
        assert done.stderr.splitlines()[-1] == f"exit {code.value}: {code.meaning}"
    assert runs[Exit.FLAGGED].stderr.splitlines()[-2:] == [
        "4 papers flagged unknown (--fail-on)",
        "exit 1: papers carry a flag listed in --fail-on",
    ]
    assert runs[Exit.INCOMPLETE].stderr.splitlines()[-1] == (
        "exit 6: some links could not be checked (no network, rate limit, budget); "
        "what was learned is stored, rerun later"
    )


def test_usage_errors_and_success_add_no_line(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    usage = cli("report", "--no-such-option", cwd=tmp_path)
    assert usage.returncode == Exit.USAGE
    assert not usage.stderr.splitlines()[-1].startswith("exit ")
    done = cli("ingest", str(EXAMPLE), cwd=tmp_path)
    assert (done.returncode, [ln for ln in done.stderr.splitlines() if "exit" in ln]) == (0, [])
