"""A small real database: papers ingested through extraction, repositories inserted directly
as the GitHub checker would store them, then flagged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select

from tracker.config import Settings
from tracker.extract import extract_paper
from tracker.flags.run import flag_papers
from tracker.models import Location, PaperRecord
from tracker.store import open_db, save_papers
from tracker.store.schema import RepoAlias, RepoHistory, Repository

TODAY = dt.datetime.now(dt.UTC).date()
NOW = dt.datetime.now(dt.UTC)
EVIL_TITLE = '=HYPERLINK("http://x") <script>alert(1)</script> | Placeholder'


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


PAPERS = [
    (
        "2401.00001",
        "Delivered Models",
        200,
        "We study things. Code is available at https://github.com/lab/delivered.",
    ),
    (
        "2401.00002",
        "Overdue Promises",
        300,
        "We study things. Code will be released upon acceptance.",
    ),
    ("2401.00003", "Dead Links", 100, "We study things. Code: https://github.com/lab/gone."),
    (
        "2401.00004",
        "Rate Limited",
        50,
        "We study things. Our code is at https://github.com/lab/busy.",
    ),
    ("2401.00005", EVIL_TITLE, 400, "We study things. Code is at https://github.com/lab/soon."),
    ("2401.00006", "No Code Here", 30, "We study things without releasing anything."),
    ("2401.00007", "Moved Repos", 250, "We study things. Code: https://github.com/old/name."),
]


VENUES = {"2401.00001": "ICLR 2025 Poster", "2401.00007": "NeurIPS 2024"}
"""Where two of the papers appeared (the others have no venue)."""


def _repo(key: str, **kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "key": key,
        "full_name": key,
        "status": "ok",
        "stars": 5,
        "license_spdx": "MIT",
        "source_files": 20,
        "last_checked_at": NOW,
        "first_ok_at": NOW - dt.timedelta(days=40),
        "pushed_at": NOW - dt.timedelta(days=10),
    }
    return {**base, **kw}


REPOS = [
    _repo("lab/delivered", stars=500, first_ok_at=NOW - dt.timedelta(days=190)),
    _repo(
        "lab/gone",
        status="not_found",
        http_status=404,
        dead_confirmations=2,
        stars=None,
        first_ok_at=None,
        created_at=NOW - dt.timedelta(days=60),  # it was up once: taken down, not yet to come
    ),
    _repo(
        "lab/busy",
        status="unknown",
        status_reason="429 rate limited",
        http_status=429,
        stars=None,
        first_ok_at=None,
    ),
    _repo(
        "lab/soon",
        placeholder=True,
        placeholder_reasons="README says coming soon",
        source_files=0,
        stars=3,
        first_ok_at=None,
    ),
    _repo(
        "new/name",
        full_name="New/Name",
        archived=True,
        license_spdx="Apache-2.0",
        license_claims="MIT",
        stars=40,
        first_ok_at=NOW - dt.timedelta(days=3),
    ),
]


@dataclass(frozen=True)
class Seeded:
    url: str
    engine: Engine


def _history(engine: Engine) -> None:
    with engine.begin() as conn:
        ids = dict(conn.execute(select(Repository.c.key, Repository.c.id)).all())
        rows = [
            (ids["lab/delivered"], 30, "ok", 100, None, False, "lab/delivered"),
            (ids["lab/delivered"], 2, "ok", 500, "MIT", False, "lab/delivered"),
            (ids["lab/gone"], 20, "ok", 7, "MIT", False, "lab/gone"),
            (ids["lab/gone"], 1, "not_found", None, None, False, "lab/gone"),
            (ids["new/name"], 40, "ok", 38, "Apache-2.0", False, "old/name"),
            (ids["new/name"], 3, "ok", 40, "Apache-2.0", True, "New/Name"),
        ]
        conn.execute(
            insert(RepoHistory),
            [
                {
                    "repository_id": rid,
                    "observed_at": NOW - dt.timedelta(days=d),
                    "status": st,
                    "stars": stars,
                    "license_spdx": lic,
                    "archived": arch,
                    "full_name": name,
                }
                for rid, d, st, stars, lic, arch, name in rows
            ],
        )
        conn.execute(insert(RepoAlias).values(alias="old/name", repository_id=ids["new/name"]))


def seed(url: str) -> Seeded:
    engine = open_db(url)
    records = [
        PaperRecord(
            title=t,
            abstract=a,
            location=Location("seed.txt", i + 1),
            source_kind="test",
            arxiv_id=aid,
            published=days_ago(age),
            venue=VENUES.get(aid, ""),
        )
        for i, (aid, t, age, a) in enumerate(PAPERS)
    ]
    with engine.begin() as conn:
        save_papers(conn, [extract_paper(r) for r in records])
        for row in REPOS:
            conn.execute(insert(Repository).values(**row))
    _history(engine)
    flag_papers(engine, Settings(db_url=url), today=TODAY)
    return Seeded(url, engine)
