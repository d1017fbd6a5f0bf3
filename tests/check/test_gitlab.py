"""GitLab checked like GitHub: emulator over a real socket, real SQLite, the real flag run.

Papers are ingested through the real extraction, the check runs through the one scheduling
loop with `connect_to` routing gitlab.com (and a self-hosted instance) to the emulator, and the
verdicts come from `tracker flag`: the same statuses and the same judgements as GitHub.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.check.test_github_checks import FAST, repos
from tracker.config import Settings
from tracker.emulators.gitlab import GitLabEmulator
from tracker.errors import ConfigError
from tracker.extract import extract_paper
from tracker.flags.run import flag_papers
from tracker.models import Location, PaperRecord
from tracker.schedule import check_targets
from tracker.store import open_db, save_papers
from tracker.store.schema import Paper, PaperState, RepoEvidence

CODE = {
    "README.md": "# Kernels\nTraining: `python train.py`\n",
    "train.py": "import torch\n",
    "src/kernels/model.py": "class Net: ...\n",
    "LICENSE": "MIT License\n\nPermission is hereby granted...",
    "requirements.txt": "torch\n",
}
PROJECTS: dict[str, Any] = {
    "chem-ml/WL-Edge-Kernels": {
        "id": 7,
        "stars": 12,
        "license": "mit",
        "files": CODE,
        "topics": ["graphs"],
        "releases": [{"tag_name": "v1.0", "links": ["kernels.ckpt"]}],
    },
    "inria-opt/solvers/fastqp": {"id": 8, "license": "apache-2.0", "files": CODE},
    "prune-vit/dfp": {"id": 9, "files": {"README.md": "# DFP\nCode coming soon. Stay tuned!\n"}},
    "verif-lab/zonoctl": {"id": 10, "files": CODE, "moved_from": ["verif-lab/zono"]},
    "learn-vrp/empty": {"id": 11, "empty": True},
}
ABSTRACTS = {
    "kernels": "Our code is at https://gitlab.com/chem-ml/wl-edge-kernels.",
    "nested": "Code: https://gitlab.com/inria-opt/solvers/fastqp/-/tree/main/src",
    "soon": "Code: https://gitlab.com/prune-vit/dfp",
    "moved": "The implementation is available at https://gitlab.com/verif-lab/zono.",
    "gone": "Code is available at https://gitlab.com/lost-lab/vanished.",
    "empty": "Code: https://gitlab.com/learn-vrp/empty",
}


def ingest(url: str, abstracts: dict[str, str]) -> Engine:
    engine = open_db(url)
    papers = [
        extract_paper(
            PaperRecord(
                title=f"Paper {name}",
                abstract=text,
                location=Location("test", i),
                source_kind="test",
                arxiv_id=f"2405.{i:05d}",
                published=dt.date(2024, 5, 1),
            )
        )
        for i, (name, text) in enumerate(abstracts.items(), start=1)
    ]
    with engine.begin() as conn:
        save_papers(conn, papers)
    return engine


@pytest.fixture
def gitlab() -> Iterator[GitLabEmulator]:
    with GitLabEmulator({"projects": PROJECTS, "tokens": ["glpat-good"]}) as emu:
        yield emu


def settings(**kw: Any) -> Settings:
    return Settings(allow_private=True, **kw)


def verdicts(engine: Engine) -> dict[str, str]:
    flag_papers(engine, settings(), today=dt.date(2025, 6, 1))
    with engine.connect() as conn:
        rows = conn.execute(select(Paper.c.title, PaperState.c.verdict_kind).join(PaperState)).all()
    return {t.removeprefix("Paper "): v for t, v in rows}


def test_gitlab_projects_reach_the_same_verdicts_as_github(
    sqlite_url: str, gitlab: GitLabEmulator
) -> None:
    engine = ingest(sqlite_url, ABSTRACTS)
    route = {"gitlab.com": gitlab.url}
    first = check_targets(engine, settings(), connect_to=route, policy=FAST)
    assert (first.checked, first.unchecked, first.unknown) == (6, 0, 0)
    assert first.transport == "gitlab"
    check_targets(engine, settings(), connect_to=route, policy=FAST, max_age=dt.timedelta(0))
    stored = repos(engine)
    kernels = stored["gitlab.com/chem-ml/wl-edge-kernels"]
    assert (kernels["status"], kernels["full_name"]) == ("ok", "gitlab.com/chem-ml/WL-Edge-Kernels")
    assert {row["host"] for row in stored.values()} == {"gitlab"}
    assert (kernels["stars"], kernels["license_spdx"], kernels["releases_count"]) == (12, "MIT", 1)
    assert kernels["source_files"] == 2
    assert stored["gitlab.com/inria-opt/solvers/fastqp"]["license_spdx"] == "Apache-2.0"
    moved = stored["gitlab.com/verif-lab/zonoctl"]
    assert (moved["status"], moved["full_name"]) == ("moved", "gitlab.com/verif-lab/zonoctl")
    assert stored["gitlab.com/lost-lab/vanished"]["dead_confirmations"] == 2
    assert stored["gitlab.com/learn-vrp/empty"]["status"] == "empty"
    with engine.connect() as conn:
        readme = conn.execute(
            select(RepoEvidence.c.readme_text).where(RepoEvidence.c.repository_id == kernels["id"])
        ).scalar_one()
    assert readme.startswith("# Kernels")
    assert verdicts(engine) == {
        "kernels": "available",
        "nested": "available",
        "soon": "placeholder",
        "moved": "available",
        "gone": "dead",
        "empty": "placeholder",
    }


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("html", "answered text/html instead of JSON"), ("login", "redirect to")],
)
def test_an_instance_that_answers_html_or_a_login_page_is_unknown_never_dead(
    sqlite_url: str, mode: str, reason: str
) -> None:
    engine = ingest(sqlite_url, {"kernels": ABSTRACTS["kernels"]})
    with GitLabEmulator({"projects": PROJECTS, "mode": mode}) as emu:
        for _ in range(3):
            done = check_targets(
                engine, settings(), connect_to={"gitlab.com": emu.url}, policy=FAST
            )
            assert done.unknown == 1
    row = repos(engine)["gitlab.com/chem-ml/wl-edge-kernels"]
    assert row["status"] == "unknown" and reason in row["status_reason"]
    assert row["dead_confirmations"] == 0
    assert verdicts(engine) == {"kernels": "unknown"}


def test_a_slow_instance_is_unknown(sqlite_url: str) -> None:
    engine = ingest(sqlite_url, {"kernels": ABSTRACTS["kernels"]})
    faults = {"slow_rate": 1.0, "slow_s": 2.0}
    with GitLabEmulator({"projects": PROJECTS}, faults=faults) as emu:
        policy = FAST.with_(timeout_s=0.3, max_attempts=2)
        done = check_targets(engine, settings(), connect_to={"gitlab.com": emu.url}, policy=policy)
    assert done.unknown == 1
    assert repos(engine)["gitlab.com/chem-ml/wl-edge-kernels"]["status"] == "unknown"


def test_a_self_hosted_instance_is_checked_and_never_gets_the_gitlab_com_token(
    sqlite_url: str, gitlab: GitLabEmulator
) -> None:
    engine = ingest(
        sqlite_url,
        {
            "public": ABSTRACTS["kernels"],
            "hosted": "Code: https://gitlab.lab.example.org/chem-ml/wl-edge-kernels",
        },
    )
    with GitLabEmulator({"projects": PROJECTS}) as hosted:
        cfg = settings(host_tokens=(("gitlab.com", "glpat-good"),))
        route = {"gitlab.com": gitlab.url, "gitlab.lab.example.org": hosted.url}
        done = check_targets(engine, cfg, connect_to=route, policy=FAST)
        assert (done.checked, done.unknown) == (2, 0)
        assert hosted.requests and not any(r.authorized for r in hosted.requests)
    assert all(r.authorized for r in gitlab.requests)
    assert repos(engine)["gitlab.lab.example.org/chem-ml/wl-edge-kernels"]["status"] == "ok"


def test_a_refused_token_stops_before_anything_is_written(
    sqlite_url: str, gitlab: GitLabEmulator
) -> None:
    engine = ingest(sqlite_url, {"kernels": ABSTRACTS["kernels"]})
    cfg = settings(host_tokens=(("gitlab.com", "glpat-revoked"),))
    with pytest.raises(ConfigError, match="GITLAB_TOKEN"):
        check_targets(engine, cfg, connect_to={"gitlab.com": gitlab.url}, policy=FAST)
    assert repos(engine) == {}


def test_an_unreachable_instance_leaves_its_projects_for_the_next_run(
    sqlite_url: str, gitlab: GitLabEmulator
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    engine = ingest(
        sqlite_url,
        {
            "public": ABSTRACTS["kernels"],
            "down": "Code: https://gitlab.down.example.org/a/b and https://gitlab.down.example.org/c/d",
        },
    )
    route = {"gitlab.com": gitlab.url, "gitlab.down.example.org": closed}
    done = check_targets(engine, settings(), connect_to=route, policy=FAST)
    assert (done.checked, done.unchecked, done.unknown) == (1, 2, 0)
    assert done.reason.startswith("gitlab.down.example.org unreachable")
    assert set(repos(engine)) == {"gitlab.com/chem-ml/wl-edge-kernels"}


def test_a_long_rate_limit_leaves_the_rest_for_the_next_run(sqlite_url: str) -> None:
    engine = ingest(sqlite_url, ABSTRACTS)
    scenario = {"projects": PROJECTS, "rate_limit": {"limit": 3, "window_s": 3600}}
    with GitLabEmulator(scenario) as emu:
        done = check_targets(engine, settings(), connect_to={"gitlab.com": emu.url}, policy=FAST)
    assert done.unchecked > 0 and done.unknown == 0
    assert "gitlab.com rate limited until" in done.reason
