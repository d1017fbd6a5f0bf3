"""A small world for archival: a GitHub scenario, papers linking its repositories and project
pages, and the two archive emulators."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine

from tracker.config import Settings
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.software_heritage import SoftwareHeritageEmulator
from tracker.emulators.wayback import WaybackEmulator
from tracker.models import (
    ExtractedPaper,
    Link,
    LinkKind,
    Location,
    PaperRecord,
    Provenance,
    Role,
)
from tracker.store import open_db, save_papers

TOKEN = "ghp_archive_test_token_0123456789"
CODE = {"train.py": "import torch\n", "src/model.py": "class Net: ...\n", "LICENSE": "MIT\n"}
PAGE = "https://vision-lab.github.io/sharp-depth"
GONE_PAGE = "https://old-lab.example.org/tiny-gan"


def github_scenario() -> dict[str, Any]:
    """Released code (archived, and not), a placeholder, and a lab's popular repository."""
    return {
        "now": "2025-03-01T00:00:00Z",
        "repos": [
            {
                "owner": "vision-lab",
                "name": "sharp-depth",
                "license": "MIT",
                "stars": 420,
                "created_at": "2024-01-10T00:00:00Z",
                "files": CODE,
            },
            {
                "owner": "vision-lab",
                "name": "fresh-code",
                "license": "Apache-2.0",
                "stars": 12,
                "created_at": "2025-02-01T00:00:00Z",
                "files": CODE,
            },
            {
                "owner": "audio-group",
                "name": "hum",
                "license": "MIT",
                "stars": 90,
                "created_at": "2024-06-01T00:00:00Z",
                "files": CODE,
            },
            {
                "owner": "audio-group",
                "name": "soon",
                "created_at": "2024-06-01T00:00:00Z",
                "readme": "# Soon\nCode coming soon. Stay tuned!\n",
                "files": {"teaser.png": {"size": 2000}},
            },
        ],
    }


SWH = {
    "origins": {
        "https://github.com/vision-lab/sharp-depth": {
            "visits": [
                {"date": "2024-03-02T08:15:00+00:00", "status": "full", "type": "git"},
                {"date": "2024-09-20T11:00:00+00:00", "status": "failed", "snapshot": None},
            ]
        }
    }
}
WAYBACK = {
    "snapshots": {
        PAGE: [{"timestamp": "20240210101500", "status": "200"}],
        GONE_PAGE: [
            {"timestamp": "20231105120000", "status": "200"},
            {"timestamp": "20250110120000", "status": "404"},
        ],
    }
}


def _link(url: str, kind: LinkKind, role: Role, repo: str | None = None) -> Link:
    return Link(url=url, raw=url, kind=kind, role=role, provenance=Provenance.ABSTRACT, repo=repo)


def _paper(i: int, *links: Link) -> ExtractedPaper:
    record = PaperRecord(
        title=f"Paper {i}",
        abstract="Code and project page linked.",
        location=Location("test", i),
        source_kind="test",
        arxiv_id=f"2402.{i:05d}",
    )
    return ExtractedPaper(record=record, key=f"arxiv:2402.{i:05d}", links=links)


def repo_link(name: str) -> Link:
    return _link(f"https://github.com/{name}", LinkKind.GITHUB_REPO, Role.CODE, name)


def papers() -> list[ExtractedPaper]:
    return [
        _paper(
            1,
            repo_link("vision-lab/sharp-depth"),
            _link(PAGE, LinkKind.GITHUB_PAGES, Role.PROJECT),
        ),
        _paper(2, repo_link("vision-lab/fresh-code")),
        _paper(3, repo_link("audio-group/hum"), _link(GONE_PAGE, LinkKind.OTHER, Role.OTHER)),
        _paper(4, repo_link("audio-group/soon")),
    ]


@pytest.fixture
def engine(db_url: str) -> Engine:
    eng = open_db(db_url)
    with eng.begin() as conn:
        save_papers(conn, papers())
    return eng


@pytest.fixture
def gh() -> Iterator[GitHubEmulator]:
    with GitHubEmulator(github_scenario()) as emu:
        yield emu


@pytest.fixture
def swh() -> Iterator[SoftwareHeritageEmulator]:
    with SoftwareHeritageEmulator(SWH) as emu:
        yield emu


@pytest.fixture
def wayback() -> Iterator[WaybackEmulator]:
    with WaybackEmulator(WAYBACK) as emu:
        yield emu


def settings_for(gh: GitHubEmulator, swh_url: str, wayback_url: str, **more: Any) -> Settings:
    base = Settings(
        github_token=TOKEN,
        github_api_url=gh.url,
        hf_endpoint="http://127.0.0.1:9",
        swh_api_url=f"{swh_url}/api/1",
        wayback_api_url=wayback_url,
        max_retries=2,
        timeout_s=5.0,
    )
    return replace(base, **more)
