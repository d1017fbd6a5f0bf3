"""`tracker enrich` as a user runs it: a subprocess against the local emulators."""

from __future__ import annotations

from sqlalchemy import select

from tests.enrich.conftest import record
from tracker.emulators.arxiv import ArxivEmulator
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.emulators.web import WebEmulator
from tracker.store.schema import Link


def test_enrich_resolves_a_shortlink_and_reports_the_budget(cli, engine_for, sqlite_url) -> None:
    engine = engine_for(
        [
            record("ArchGym: A Gym", "Code is available at https://bit.ly/ArchGym."),
            record("Other Paper", "Nothing here."),
        ]
    )
    pages = {"bit.ly/ArchGym": {"redirect": "https://github.com/o/oss-arch-gym", "status": 301}}
    with (
        WebEmulator({"pages": pages}) as web,
        ArxivEmulator({}) as ax,
        HuggingFaceEmulator({}) as hub,
        GitHubEmulator({"repos": []}) as gh,
    ):
        common = [
            "--db",
            sqlite_url,
            "--hf-endpoint",
            hub.url,
            "--arxiv-api-url",
            f"{ax.url}/api/query",
            "--connect-to",
            f"bit.ly={web.url}",
        ]
        env = {"TRACKER_GITHUB_API_URL": gh.url}
        first = cli("enrich", "--budget", "1", *common, env=env)
        second = cli("enrich", "--budget", "5", *common, env=env)
        bad = cli("enrich", *common, "--connect-to", "nonsense", env=env)
    assert first.returncode == 6, first.stderr
    assert first.stdout.splitlines() == [
        "1 papers enriched, 1 new links, 0 arXiv IDs found, 0 Hub repositories checked, "
        "1 pages and shortlinks resolved"
    ]
    assert "1 papers wait for the next run (--budget)" in first.stderr
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("1 papers enriched, 0 new links")
    assert bad.returncode == 5
    assert "--connect-to wants HOST=ORIGIN" in bad.stderr
    with engine.connect() as conn:
        rows = set(conn.execute(select(Link.c.url, Link.c.provenance, Link.c.resolved_url)))
    assert rows == {
        ("https://bit.ly/ArchGym", "abstract", "https://github.com/o/oss-arch-gym"),
        ("https://github.com/o/oss-arch-gym", "shortlink", None),
    }
