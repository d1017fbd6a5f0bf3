"""Codeberg and other Gitea/Forgejo instances checked like GitHub: emulator over a real socket,
real SQLite, the real flag run.

Papers are ingested through the real extraction, the check runs through the one scheduling
loop with `connect_to` routing codeberg.org (and self-hosted instances) to the emulator, and
the verdicts come from `tracker flag`.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.check.test_github_checks import FAST, repos
from tests.check.test_gitlab import ingest, settings, verdicts
from tracker.emulators.gitea import GiteaEmulator
from tracker.errors import ConfigError
from tracker.schedule import check_targets
from tracker.store.schema import RepoEvidence

CODE = {
    "README.md": "# Ocean forecast\nRun `python forecast.py --config base.yaml`.\n",
    "forecast.py": "import numpy as np\n",
    "ocean/model.py": "class Forecaster: ...\n",
    "ocean/data/loader.py": "def load(path): ...\n",
    "LICENSE": "MIT License\n\nPermission is hereby granted, free of charge...",
    "configs/base.yaml": "lr: 0.001\n",
}
REPOS: dict[str, Any] = {
    "Tide-Lab/Ocean-Forecast": {
        "stars": 9,
        "forks": 2,
        "licenses": ["MIT"],
        "files": CODE,
        "topics": ["climate", "forecasting"],
        "language": "Python",
        "releases": [
            {"tag_name": "v0.2", "assets": [{"name": "forecast.safetensors", "size": 4096}]}
        ],
    },
    "mesh-group/remesh": {"licenses": ["Apache-2.0"], "files": CODE, "fork_of": "geo/remesh"},
    "sparse-att/sat": {"files": {"README.md": "# SAT\nThe code will be released soon.\n"}},
    "geo-ml/terrastack": {"files": CODE, "moved_from": ["geo-ml/terra"]},
    "quiet-lab/empty": {"empty": True},
    "hidden-lab/private-code": {"files": CODE, "private": True},
}
ABSTRACTS = {
    "forecast": "Code and weights: https://codeberg.org/tide-lab/ocean-forecast.",
    "remesh": "Code: https://codeberg.org/mesh-group/remesh/src/branch/main/ocean",
    "soon": "Code: https://codeberg.org/sparse-att/sat",
    "moved": "The implementation is available at https://codeberg.org/geo-ml/terra.",
    "gone": "Code is available at https://codeberg.org/lost-lab/vanished.",
    "empty": "Code: https://codeberg.org/quiet-lab/empty",
}
TOKEN = "codeberg-good-token"


@pytest.fixture
def codeberg() -> Iterator[GiteaEmulator]:
    scenario = {"repos": REPOS, "tokens": [TOKEN], "trees_per_page": 4}
    with GiteaEmulator(scenario) as emu:
        yield emu


def test_codeberg_repositories_reach_the_same_verdicts_as_github(
    sqlite_url: str, codeberg: GiteaEmulator
) -> None:
    engine = ingest(sqlite_url, ABSTRACTS)
    route = {"codeberg.org": codeberg.url}
    first = check_targets(engine, settings(), connect_to=route, policy=FAST)
    assert (first.checked, first.unchecked, first.unknown) == (6, 0, 0)
    assert first.transport == "gitea"
    check_targets(engine, settings(), connect_to=route, policy=FAST, max_age=dt.timedelta(0))
    stored = repos(engine)
    forecast = stored["codeberg.org/tide-lab/ocean-forecast"]
    assert (forecast["status"], forecast["full_name"]) == (
        "ok",
        "codeberg.org/Tide-Lab/Ocean-Forecast",
    )
    facts = (forecast["stars"], forecast["license_spdx"], forecast["releases_count"])
    assert facts == (9, "MIT", 1)
    assert forecast["source_files"] == 3  # read over three tree pages of four entries
    remesh = stored["codeberg.org/mesh-group/remesh"]
    assert (remesh["license_spdx"], remesh["parent"]) == ("Apache-2.0", "codeberg.org/geo/remesh")
    moved = stored["codeberg.org/geo-ml/terrastack"]
    assert (moved["status"], moved["full_name"]) == ("moved", "codeberg.org/geo-ml/terrastack")
    assert stored["codeberg.org/lost-lab/vanished"]["dead_confirmations"] == 2
    assert stored["codeberg.org/quiet-lab/empty"]["status"] == "empty"
    assert not any(r.authorized for r in codeberg.requests)
    with engine.connect() as conn:
        evidence = conn.execute(
            select(RepoEvidence.c.readme_text).where(RepoEvidence.c.repository_id == forecast["id"])
        ).scalar_one()
    assert evidence.startswith("# Ocean forecast")
    assert verdicts(engine) == {
        "forecast": "available",
        "remesh": "available",
        "soon": "placeholder",
        "moved": "available",
        "gone": "dead",
        "empty": "placeholder",
    }


def test_a_private_repository_is_not_found_without_the_token_and_ok_with_it(
    sqlite_url: str, codeberg: GiteaEmulator
) -> None:
    engine = ingest(sqlite_url, {"hidden": "Code: https://codeberg.org/hidden-lab/private-code"})
    route = {"codeberg.org": codeberg.url}
    check_targets(engine, settings(), connect_to=route, policy=FAST)
    assert repos(engine)["codeberg.org/hidden-lab/private-code"]["status"] == "not_found"
    cfg = settings(host_tokens=(("codeberg.org", TOKEN),))
    check_targets(engine, cfg, connect_to=route, policy=FAST, max_age=dt.timedelta(0))
    assert repos(engine)["codeberg.org/hidden-lab/private-code"]["status"] == "ok"


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("html", "answered text/html instead of JSON"), ("login", "redirect to")],
)
def test_an_instance_that_answers_html_or_a_login_page_is_unknown_never_dead(
    sqlite_url: str, mode: str, reason: str
) -> None:
    engine = ingest(sqlite_url, {"forecast": ABSTRACTS["forecast"]})
    with GiteaEmulator({"repos": REPOS, "mode": mode}) as emu:
        for _ in range(3):
            done = check_targets(
                engine, settings(), connect_to={"codeberg.org": emu.url}, policy=FAST
            )
            assert done.unknown == 1
    row = repos(engine)["codeberg.org/tide-lab/ocean-forecast"]
    assert row["status"] == "unknown" and reason in row["status_reason"]
    assert row["dead_confirmations"] == 0
    assert verdicts(engine) == {"forecast": "unknown"}


def test_a_self_hosted_forgejo_without_license_detection_never_gets_the_codeberg_token(
    sqlite_url: str, codeberg: GiteaEmulator
) -> None:
    engine = ingest(
        sqlite_url,
        {
            "public": ABSTRACTS["forecast"],
            "hosted": "Code: https://gitea.lab.example.org/tide-lab/ocean-forecast",
        },
    )
    with GiteaEmulator({"repos": REPOS, "licenses_api": False}) as hosted:
        cfg = settings(host_tokens=(("codeberg.org", TOKEN),))
        route = {"codeberg.org": codeberg.url, "gitea.lab.example.org": hosted.url}
        done = check_targets(engine, cfg, connect_to=route, policy=FAST)
        assert (done.checked, done.unknown) == (2, 0)
        assert hosted.requests and not any(r.authorized for r in hosted.requests)
        assert hosted.count("GET", "/api/v1/repos/Tide-Lab/Ocean-Forecast/licenses") == 1
    assert codeberg.requests and all(r.authorized for r in codeberg.requests)
    row = repos(engine)["gitea.lab.example.org/tide-lab/ocean-forecast"]
    assert (row["status"], row["license_spdx"], row["source_files"]) == ("ok", None, 3)
    assert repos(engine)["codeberg.org/tide-lab/ocean-forecast"]["license_spdx"] == "MIT"


def test_a_refused_token_stops_before_anything_is_written(
    sqlite_url: str, codeberg: GiteaEmulator
) -> None:
    engine = ingest(sqlite_url, {"forecast": ABSTRACTS["forecast"]})
    cfg = settings(host_tokens=(("codeberg.org", "codeberg-revoked"),))
    with pytest.raises(ConfigError, match="CODEBERG_TOKEN"):
        check_targets(engine, cfg, connect_to={"codeberg.org": codeberg.url}, policy=FAST)
    assert repos(engine) == {}


def test_an_unreachable_instance_leaves_its_repositories_for_the_next_run(
    sqlite_url: str, codeberg: GiteaEmulator
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    engine = ingest(
        sqlite_url,
        {
            "public": ABSTRACTS["forecast"],
            "down": "Code: https://forgejo.down.example.org/a/b and https://forgejo.down.example.org/c/d",
        },
    )
    route = {"codeberg.org": codeberg.url, "forgejo.down.example.org": closed}
    done = check_targets(engine, settings(), connect_to=route, policy=FAST)
    assert (done.checked, done.unchecked, done.unknown) == (1, 2, 0)
    assert done.reason.startswith("forgejo.down.example.org unreachable")
    assert set(repos(engine)) == {"codeberg.org/tide-lab/ocean-forecast"}


def test_a_long_rate_limit_leaves_the_rest_for_the_next_run(sqlite_url: str) -> None:
    engine = ingest(sqlite_url, ABSTRACTS)
    scenario = {"repos": REPOS, "rate_limit": {"limit": 3, "window_s": 3600}}
    with GiteaEmulator(scenario) as emu:
        done = check_targets(engine, settings(), connect_to={"codeberg.org": emu.url}, policy=FAST)
    assert done.unchecked > 0 and done.unknown == 0
    assert "codeberg.org rate limited until" in done.reason
