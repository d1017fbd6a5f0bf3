"""Archived copies looked up in the check stage, against the Software Heritage and Wayback
emulators: archived, not archived, and archives that are down or slow (unknown, the run goes
on)."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, select, update

from tests.archive.conftest import GONE_PAGE, PAGE, SWH, TOKEN, WAYBACK, settings_for
from tracker import pipeline
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.software_heritage import SoftwareHeritageEmulator
from tracker.emulators.wayback import WaybackEmulator
from tracker.store.schema import Link

L = Link
CLOSED = "http://127.0.0.1:9"


def archive_rows(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(L.c.url, L.c.archive_status, L.c.archived_url, L.c.archived_at)
        ).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def _at(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def _dead_page(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(L).where(L.c.url == GONE_PAGE).values(resolve_status="not_found"))


def test_code_and_pages_are_looked_up_and_stored(
    engine: Engine, gh: GitHubEmulator, swh: SoftwareHeritageEmulator, wayback: WaybackEmulator
) -> None:
    _dead_page(engine)
    summary = pipeline.check(engine, settings_for(gh, swh.url, wayback.url))
    rows = archive_rows(engine)
    status, copy, when = rows["https://github.com/vision-lab/sharp-depth"]
    assert (status, _at(when)) == ("archived", dt.datetime(2024, 3, 2, 8, 15, tzinfo=dt.UTC))
    assert copy == (
        f"{swh.url}/browse/origin/directory/"
        "?origin_url=https%3A%2F%2Fgithub.com%2Fvision-lab%2Fsharp-depth"
    )
    assert rows["https://github.com/vision-lab/fresh-code"] == ("not_archived", None, None)
    assert rows[PAGE][:2] == ("archived", f"http://web.archive.org/web/20240210101500/{PAGE}")
    assert _at(rows[PAGE][2]) == dt.datetime(2024, 2, 10, 10, 15, tzinfo=dt.UTC)
    # the dead page: the snapshot closest to when it was seen is of an error page, no copy
    assert rows[GONE_PAGE] == ("not_archived", None, None)
    assert summary.checked == 4 and summary.archives_asked == 6
    assert summary.archives_unknown == 0 and summary.archives_note == ""
    first = swh.count("GET") + wayback.count("GET")
    again = pipeline.check(engine, settings_for(gh, swh.url, wayback.url), max_age=None)
    assert again.archives_asked == 0  # each link is asked again after a week, not before
    assert swh.count("GET") + wayback.count("GET") == first


def test_archives_down_leave_unknown_and_the_checks_stand(
    engine: Engine, gh: GitHubEmulator, wayback: WaybackEmulator
) -> None:
    with SoftwareHeritageEmulator(SWH, faults={"error_rate": 1.0, "seed": 3}) as swh:
        started = time.monotonic()
        summary = pipeline.check(engine, settings_for(gh, swh.url, CLOSED))
        took = time.monotonic() - started
    rows = archive_rows(engine)
    assert summary.checked == 4 and summary.unknown == 0  # the code hosts were checked
    # never-asked first, by URL: three failing look-ups, then Software Heritage is left alone
    # and the rest of its targets wait for the next run; the Wayback Machine fails at once
    for name in ("audio-group/hum", "audio-group/soon", "vision-lab/fresh-code"):
        assert rows[f"https://github.com/{name}"] == ("unknown", None, None)
    assert rows["https://github.com/vision-lab/sharp-depth"] == (None, None, None)
    assert rows[PAGE] == ("unknown", None, None)
    assert "software_heritage 3 look-ups in a row unanswered" in summary.archives_note
    assert "wayback unreachable" in summary.archives_note
    assert summary.archives_asked == 4 and summary.archives_unknown == 4
    assert took < 30


def test_a_slow_archive_is_unknown_within_the_timeout(
    engine: Engine, gh: GitHubEmulator, wayback: WaybackEmulator
) -> None:
    slow = {"slow_rate": 1.0, "slow_s": 3.0}
    with SoftwareHeritageEmulator(SWH, faults=slow) as swh:
        started = time.monotonic()
        settings = settings_for(gh, swh.url, wayback.url, timeout_s=0.3, max_retries=1)
        summary = pipeline.check(engine, settings)
        took = time.monotonic() - started
    rows = archive_rows(engine)
    assert rows["https://github.com/audio-group/hum"][0] == "unknown"
    assert rows["https://github.com/vision-lab/sharp-depth"][0] is None  # left for next run
    assert rows[PAGE][0] == "archived"  # the other archive still answered
    assert summary.checked == 4 and took < 15


def test_an_unknown_answer_keeps_a_settled_one(
    engine: Engine, gh: GitHubEmulator, swh: SoftwareHeritageEmulator, wayback: WaybackEmulator
) -> None:
    pipeline.check(engine, settings_for(gh, swh.url, wayback.url))
    week_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=8)
    with engine.begin() as conn:
        conn.execute(update(L).values(archive_checked_at=week_ago))
    pipeline.check(engine, settings_for(gh, CLOSED, CLOSED))
    rows = archive_rows(engine)
    assert rows["https://github.com/vision-lab/sharp-depth"][:2] == (
        "archived",
        f"{swh.url}/browse/origin/directory/"
        "?origin_url=https%3A%2F%2Fgithub.com%2Fvision-lab%2Fsharp-depth",
    )
    assert rows["https://github.com/vision-lab/fresh-code"][0] == "not_archived"


def test_connect_to_routes_the_default_archive_urls(
    tmp_path: Path,
    cli: Any,
    gh: GitHubEmulator,
    swh: SoftwareHeritageEmulator,
    wayback: WaybackEmulator,
) -> None:
    db = f"sqlite:///{tmp_path / 'routed.db'}"
    listing = tmp_path / "papers.csv"
    listing.write_text(
        "title,abstract,arxiv_id\nSharp Depth,Code: https://github.com/vision-lab/sharp-depth "
        f"and project page {PAGE},2402.00001\n"
    )
    ran = cli(
        "run",
        str(listing),
        "--db",
        db,
        "--no-enrich",
        "--github-api-url",
        gh.url,
        "--connect-to",
        f"archive.softwareheritage.org={swh.url}",
        "--connect-to",
        f"archive.org={wayback.url}",
        env={
            "GITHUB_TOKEN": TOKEN,
            "TRACKER_SWH_API_URL": "",
            "TRACKER_WAYBACK_API_URL": "",
            "HF_ENDPOINT": CLOSED,
        },
    )
    assert ran.returncode in (0, 6), ran.stderr
    assert swh.count("GET", "/api/1/origin/") >= 1 and wayback.count("GET", "/wayback/") >= 1
    assert "links looked up in the archives" in ran.stderr


def test_emulators_answer_in_the_documented_shapes() -> None:
    with SoftwareHeritageEmulator({**SWH, "rate_limit": {"limit": 2, "window_s": 60}}) as swh:
        origin = "https://github.com/vision-lab/sharp-depth"
        got = httpx.get(f"{swh.url}/api/1/origin/{origin}/visit/latest/?require_snapshot=true")
        assert got.status_code == 200
        body = got.json()
        assert {k: body[k] for k in ("origin", "visit", "date", "status", "type")} == {
            "origin": origin,
            "visit": 1,
            "date": "2024-03-02T08:15:00+00:00",
            "status": "full",
            "type": "git",
        }
        assert got.headers["x-ratelimit-limit"] == "2"
        assert got.headers["x-ratelimit-remaining"] == "1"
        latest = httpx.get(f"{swh.url}/api/1/origin/{origin}/visit/latest/").json()
        assert (latest["visit"], latest["snapshot"]) == (2, None)
        over = httpx.get(f"{swh.url}/api/1/origin/{origin}/visit/latest/")
        assert over.status_code == 429 and "retry-after" in over.headers
    with SoftwareHeritageEmulator({"save": {"request": "accepted", "task": "succeeded"}}) as swh:
        saved = httpx.post(f"{swh.url}/api/1/origin/save/git/url/https://gitlab.com/g/p/").json()
        assert {k: saved[k] for k in ("id", "origin_url", "save_request_status")} == {
            "id": 1,
            "origin_url": "https://gitlab.com/g/p",
            "save_request_status": "accepted",
        }
        assert saved["save_task_status"] == "succeeded"
        after = httpx.get(f"{swh.url}/api/1/origin/https://gitlab.com/g/p/visit/latest/")
        assert after.status_code == 200
        missing = httpx.get(f"{swh.url}/api/1/origin/https://example.org/x/visit/latest/")
        assert missing.status_code == 404 and missing.json()["exception"] == "NotFoundExc"
    with WaybackEmulator(WAYBACK) as wb:
        near = httpx.get(f"{wb.url}/wayback/available", params={"url": GONE_PAGE[8:]})
        assert json.loads(near.text)["archived_snapshots"]["closest"] == {
            "status": "404",
            "available": True,
            "url": f"http://web.archive.org/web/20250110120000/{GONE_PAGE}",
            "timestamp": "20250110120000",
        }
        old = httpx.get(
            f"{wb.url}/wayback/available", params={"url": GONE_PAGE, "timestamp": "2023"}
        ).json()
        assert old["archived_snapshots"]["closest"]["timestamp"] == "20231105120000"
        none = httpx.get(f"{wb.url}/wayback/available", params={"url": "https://x.org/"}).json()
        assert none == {"url": "https://x.org/", "archived_snapshots": {}}
