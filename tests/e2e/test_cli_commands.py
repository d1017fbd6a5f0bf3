"""`tracker run` and `tracker ingest` through the real entry point, options and table included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracker.demo import DEMO_TOKEN, LISTING, load_scenario, services

CSV = "Paper Title,Summary\nA Paper About Graphs,We study graphs. Code: https://github.com/a/b\n"


def test_run_table_shows_flags_and_checked_repositories(tmp_path: Path, cli: Any) -> None:
    db = f"sqlite:///{tmp_path / 'run.db'}"
    with services(load_scenario()) as svc:
        result = cli(
            "run",
            str(LISTING),
            "--db",
            db,
            "--no-enrich",
            "--github-api-url",
            svc.github.url,
            *(f"--connect-to={host}={url}" for host, url in svc.check_routes().items()),
            env={"GITHUB_TOKEN": DEMO_TOKEN},
        )
    assert result.returncode == 0, result.stderr
    rows = [ln for ln in result.stdout.splitlines() if "Household" in ln]
    assert len(rows) == 1
    assert "placeholder" in rows[0] and "code_placeholder, no_license" in rows[0]
    assert "3 repositories checked (graphql + gitlab; 3 changed, 0 unknown)" in result.stderr


def test_ingest_honours_a_forced_format(tmp_path: Path, cli: Any) -> None:
    papers = tmp_path / "papers.csv"
    papers.write_text(CSV, encoding="utf-8")
    forced = cli("ingest", str(papers), "--input-format", "bibtex", "--db", str(tmp_path / "x.db"))
    assert forced.returncode == 3, forced.stderr
    assert f"{papers}: no papers found" in forced.stderr
