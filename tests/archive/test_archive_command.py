"""`tracker archive`: opt-in save requests for released code no archive keeps, rate limited
and recorded; and the archived copies in exports and `tracker show`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from tests.archive.conftest import PAGE, SWH, TOKEN, settings_for
from tracker import pipeline
from tracker.archiving import request_saves
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.software_heritage import SoftwareHeritageEmulator
from tracker.emulators.wayback import WaybackEmulator
from tracker.reports.json_export import PAPER_SCHEMA
from tracker.store.schema import ArchiveRequest

AR = ArchiveRequest
SAVES = {
    **SWH,
    "save_by_origin": {"https://github.com/vision-lab/fresh-code": {"task": "succeeded"}},
}


def requests_made(engine: Engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(AR.c.origin_url, AR.c.status, AR.c.request_id).order_by(AR.c.id))
        return [tuple(r) for r in rows]


def test_saves_are_requested_only_on_demand_within_the_limit(
    engine: Engine, gh: GitHubEmulator, wayback: WaybackEmulator
) -> None:
    with SoftwareHeritageEmulator(SAVES) as swh:
        settings = settings_for(gh, swh.url, wayback.url)
        pipeline.check(engine, settings)
        assert swh.saves == []  # the check stage never asks for a save
        pauses: list[float] = []
        done = request_saves(engine, settings, limit=1, pace_s=1.5, sleep=pauses.append)
        assert [c.origin_url for c, _ in done] == ["https://github.com/audio-group/hum"]
        more = request_saves(engine, settings, limit=5, pace_s=1.5, sleep=pauses.append)
        again = request_saves(engine, settings, limit=5, pace_s=1.5, sleep=pauses.append)
    # released code not archived, most starred first; the placeholder and the archived
    # repository are never candidates, and an origin asked once is not asked again
    assert [c.origin_url for c, _ in more] == ["https://github.com/vision-lab/fresh-code"]
    assert again == [] and pauses == []
    assert requests_made(engine) == [
        ("https://github.com/audio-group/hum", "accepted", "1"),
        ("https://github.com/vision-lab/fresh-code", "succeeded", "2"),
    ]
    assert [s["origin_url"] for s in swh.saves] == [
        "https://github.com/audio-group/hum",
        "https://github.com/vision-lab/fresh-code",
    ]


def test_archive_command_paces_and_records(
    tmp_path: Path,
    cli: Any,
    engine: Engine,
    gh: GitHubEmulator,
    wayback: WaybackEmulator,
    db_url: str,
) -> None:
    with SoftwareHeritageEmulator(SAVES) as swh:
        pipeline.check(engine, settings_for(gh, swh.url, wayback.url))
        ran = cli(
            "archive",
            "--db",
            db_url,
            "--limit",
            "2",
            "--pace",
            "0.2",
            "--swh-api-url",
            f"{swh.url}/api/1",
            env={"GITHUB_TOKEN": TOKEN},
        )
        times = [r.at for r in swh.requests if r.method == "POST"]
    assert ran.returncode == 0, ran.stderr
    assert "2 save requests sent to Software Heritage: 1 accepted, 1 succeeded" in ran.stderr
    assert len(times) == 2 and times[1] - times[0] >= 0.2
    assert len(requests_made(engine)) == 2


def test_archive_command_without_an_answer_exits_6(
    cli: Any, engine: Engine, gh: GitHubEmulator, wayback: WaybackEmulator, db_url: str
) -> None:
    with SoftwareHeritageEmulator(SWH) as swh:
        pipeline.check(engine, settings_for(gh, swh.url, wayback.url))
    ran = cli("archive", "--db", db_url, "--pace", "0", "--swh-api-url", "http://127.0.0.1:9")
    assert ran.returncode == 6, ran.stderr
    assert "1 save requests sent to Software Heritage: 1 unknown" in ran.stderr
    assert [s for _, s, _ in requests_made(engine)] == ["unknown"]


def test_exports_and_show_carry_archived_copies(
    cli: Any,
    engine: Engine,
    gh: GitHubEmulator,
    swh: SoftwareHeritageEmulator,
    wayback: WaybackEmulator,
    db_url: str,
) -> None:
    pipeline.check(engine, settings_for(gh, swh.url, wayback.url))
    exported = cli("export", "--db", db_url, "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    papers = {p["key"]: p for p in map(json.loads, exported.stdout.splitlines())}
    first = papers["arxiv:2402.00001"]
    links = {lk["url"]: lk for lk in first["links"]}
    assert links[PAGE]["archived_url"] == f"http://web.archive.org/web/20240210101500/{PAGE}"
    assert links[PAGE]["archived_at"] == "2024-02-10T10:15:00+00:00"
    fresh = papers["arxiv:2402.00002"]["links"][0]
    assert (fresh["archived_url"], fresh["archived_at"]) == (None, None)
    assert all(p["open_requests"] == [] for p in papers.values())
    for p in papers.values():
        assert set(PAPER_SCHEMA["required"]) <= set(p)
    shown = cli("show", "2402.00001", "--db", db_url, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    detail = json.loads(shown.stdout)
    by_url = {lk["url"]: lk for lk in detail["links"]}
    assert by_url[PAGE]["archived_url"] == f"http://web.archive.org/web/20240210101500/{PAGE}"
    assert detail["open_requests"] == []
    table = cli("show", "2402.00001", "--db", db_url)
    assert "archived: http://web.archive.org/web/20240210101500/" in table.stdout.replace("\n", "")
