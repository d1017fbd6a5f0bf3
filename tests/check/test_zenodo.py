"""Zenodo records checked like GitHub: emulator over a real socket, real SQLite, the real
extraction (abstracts that archive their code on Zenodo) and the real flag run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.check.test_github_checks import FAST, repos
from tests.check.test_gitlab import ingest, settings, verdicts
from tracker.emulators.gitlab import GitLabEmulator
from tracker.emulators.zenodo import ZenodoEmulator
from tracker.errors import ConfigError
from tracker.schedule import check_targets
from tracker.store.repos import due_repos
from tracker.store.schema import RepoEvidence

ZENODO = "zenodo.org"
SOURCE = {
    "solver/README.md": "# Solver\n",
    "solver/solver/core.py": "def solve(): ...\n",
    "solver/run.py": "from solver.core import solve\n",
}
RECORDS: dict[str, Any] = {
    "501": {
        "title": "Sparse solver, code for the paper",
        "license": "mit",
        "keywords": ["optimization"],
        "files": {
            "README.md": "# Sparse solver\nRun `python run.py`.\n",
            "LICENSE": "MIT License\n\nPermission is hereby granted...",
            "solver-v1.0.zip": SOURCE,
        },
    },
    "602": {
        "concept": "601",
        "version": "v1.0",
        "license": "cc-by-4.0",
        "files": {"a.zip": SOURCE},
    },
    "603": {
        "concept": "601",
        "version": "v1.1",
        "license": "cc-by-4.0",
        "files": {"a.zip": SOURCE},
    },
    "701": {"files": {"README.md": "# Tool\nThe code will be released soon.\n"}},
    "702": {"deleted": True, "files": {"a.zip": SOURCE}},
    "703": {"files": {"tool-1.0.tar.gz": SOURCE}},
    "704": {"files": {"tool-1.0.zip": SOURCE}, "container": False},
    "705": {
        "resource_type": "dataset",
        "license": "cc-by-4.0",
        "files": {"measurements.csv": "t,v\n0,1\n", "prepare.py": "import csv\n"},
    },
    "706": {"merged_into": "502"},
    "502": {"files": {"a.zip": SOURCE}},
}
ABSTRACTS = {
    "tool": "Our code is available at https://zenodo.org/records/501.",
    "concept": "The source code is archived at https://doi.org/10.5281/zenodo.601.",
    "old": "The implementation is available at https://zenodo.org/record/602.",
    "soon": "Code is available at https://zenodo.org/records/701.",
    "deleted": "Code is available at https://zenodo.org/records/702.",
    "missing": "Code is available at https://zenodo.org/records/799.",
    "tarball": "Code is available at https://zenodo.org/records/703.",
    "closed_zip": "Code is available at https://zenodo.org/records/704.",
    "dataset": "Code is available at https://zenodo.org/records/705.",
    "merged": "Code is available at https://zenodo.org/records/706.",
}


@pytest.fixture
def zenodo() -> Iterator[ZenodoEmulator]:
    with ZenodoEmulator({"records": RECORDS, "tokens": ["zen-good"]}) as emu:
        yield emu


def tree(engine: Engine, repo_id: int) -> list[str] | None:
    with engine.connect() as conn:
        kept = conn.execute(
            select(RepoEvidence.c.tree).where(RepoEvidence.c.repository_id == repo_id)
        ).scalar_one_or_none()
    return None if kept is None else kept.split("\n")


def test_the_abstracts_give_their_records_as_code(sqlite_url: str) -> None:
    engine = ingest(sqlite_url, ABSTRACTS)
    with engine.connect() as conn:
        due = {r.key for r in due_repos(conn)}
    assert due == {
        "zenodo.org/records/501",
        "zenodo.org/records/601",
        "zenodo.org/records/602",
        "zenodo.org/records/701",
        "zenodo.org/records/702",
        "zenodo.org/records/799",
        "zenodo.org/records/703",
        "zenodo.org/records/704",
        "zenodo.org/records/705",
        "zenodo.org/records/706",
    }


def test_zenodo_records_reach_the_same_verdicts_as_github(
    sqlite_url: str, zenodo: ZenodoEmulator
) -> None:
    engine = ingest(sqlite_url, ABSTRACTS)
    route = {ZENODO: zenodo.url}
    first = check_targets_twice(engine, route)
    assert (first.checked, first.unchecked, first.unknown) == (10, 0, 0)
    assert first.transport == "zenodo"
    stored = repos(engine)
    tool = stored["zenodo.org/records/501"]
    assert (tool["status"], tool["license_spdx"], tool["source_files"]) == ("ok", "MIT", 2)
    assert tool["topics"] == "resource_type:software,optimization"
    assert tree(engine, tool["id"]) == [
        "LICENSE",
        "README.md",
        "solver-v1.0.zip/",
        "solver-v1.0.zip/solver/",
        "solver-v1.0.zip/solver/README.md",
        "solver-v1.0.zip/solver/run.py",
        "solver-v1.0.zip/solver/solver/",
        "solver-v1.0.zip/solver/solver/core.py",
    ]
    concept = stored["zenodo.org/records/601"]
    assert (concept["status"], concept["full_name"]) == ("ok", "zenodo.org/records/601")
    assert concept["topics"] == "resource_type:software,version:603"
    old = stored["zenodo.org/records/602"]
    assert (old["status"], old["topics"]) == ("ok", "resource_type:software,newer_version:603")
    assert stored["zenodo.org/records/702"]["http_status"] == 410
    assert stored["zenodo.org/records/702"]["dead_confirmations"] == 2
    assert stored["zenodo.org/records/799"]["dead_confirmations"] == 2
    for closed in ("703", "704"):  # an archive nobody could open is not evidence of absence
        row = stored[f"zenodo.org/records/{closed}"]
        assert (row["status"], row["source_files"]) == ("ok", None)
        assert tree(engine, row["id"]) is None
    merged = stored["zenodo.org/records/502"]
    assert (merged["status"], merged["full_name"]) == ("moved", "zenodo.org/records/502")
    assert verdicts(engine) == {
        "tool": "available",
        "concept": "available",
        "old": "available",
        "soon": "placeholder",
        "deleted": "dead",
        "missing": "dead",
        "tarball": "available",
        "closed_zip": "available",
        "dataset": "overdue",  # a dataset is not the code the paper says is there
        "merged": "available",
    }
    data = repos(engine)["zenodo.org/records/705"]  # judged by the flag run
    assert (data["repo_kind"], data["source_files"], data["topics"]) == (
        "data",
        1,
        "resource_type:dataset",
    )


def check_targets_twice(engine: Engine, route: dict[str, str]) -> Any:
    first = check_targets(engine, settings(), connect_to=route, policy=FAST)
    check_targets(engine, settings(), connect_to=route, policy=FAST, max_age=dt.timedelta(0))
    return first


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("html", "answered text/html instead of JSON"), ("login", "redirect to")],
)
def test_an_html_page_or_a_login_redirect_is_unknown_never_dead(
    sqlite_url: str, mode: str, reason: str
) -> None:
    engine = ingest(sqlite_url, {"tool": ABSTRACTS["tool"], "missing": ABSTRACTS["missing"]})
    with ZenodoEmulator({"records": RECORDS, "mode": mode}) as emu:
        for _ in range(3):
            done = check_targets(engine, settings(), connect_to={ZENODO: emu.url}, policy=FAST)
            assert done.unknown == 2
    for row in repos(engine).values():
        assert row["status"] == "unknown" and reason in row["status_reason"]
        assert row["dead_confirmations"] == 0
    assert verdicts(engine) == {"tool": "unknown", "missing": "unknown"}


def test_a_refused_token_stops_before_anything_is_written(
    sqlite_url: str, zenodo: ZenodoEmulator
) -> None:
    engine = ingest(sqlite_url, {"tool": ABSTRACTS["tool"]})
    cfg = settings(host_tokens=((ZENODO, "zen-revoked"),))
    with pytest.raises(ConfigError, match="ZENODO_TOKEN"):
        check_targets(engine, cfg, connect_to={ZENODO: zenodo.url}, policy=FAST)
    assert repos(engine) == {}


def test_the_token_goes_to_zenodo_alone(sqlite_url: str, zenodo: ZenodoEmulator) -> None:
    engine = ingest(
        sqlite_url,
        {"tool": ABSTRACTS["tool"], "lab": "Code: https://gitlab.com/chem-ml/kernels"},
    )
    with GitLabEmulator({"projects": {}}) as gitlab:
        cfg = settings(host_tokens=((ZENODO, "zen-good"),))
        route = {ZENODO: zenodo.url, "gitlab.com": gitlab.url}
        done = check_targets(engine, cfg, connect_to=route, policy=FAST)
        assert (done.checked, done.unknown) == (2, 0)
        assert gitlab.requests and not any(r.authorized for r in gitlab.requests)
    assert zenodo.requests and all(r.authorized for r in zenodo.requests)


def test_a_long_rate_limit_leaves_the_rest_for_the_next_run(sqlite_url: str) -> None:
    engine = ingest(sqlite_url, ABSTRACTS)
    scenario = {"records": RECORDS, "rate_limit": {"limit": 3, "window_s": 3600}}
    with ZenodoEmulator(scenario) as emu:
        done = check_targets(engine, settings(), connect_to={ZENODO: emu.url}, policy=FAST)
    assert done.unchecked > 0 and done.unknown == 0
    assert "zenodo.org rate limited until" in done.reason
