"""Hugging Face Spaces and model repositories given as code, checked like GitHub: the Hub
emulator over a real socket, real SQLite, the one scheduling loop and the real flag run.

The papers are extracted for real: "Code is available at <Space>" makes the Space the code
(`tracker.extract.classify`), so it gets a key for the Hub code checker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.check.test_github_checks import FAST, repos
from tests.check.test_gitlab import settings, verdicts
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.errors import ConfigError
from tracker.extract import extract_paper
from tracker.models import Location, PaperRecord, Role
from tracker.schedule import check_targets
from tracker.store import open_db, save_papers
from tracker.store.schema import RepoEvidence

HUB = "huggingface.co"
SHA = "3f" * 20
APP = {
    "README.md": "---\ntitle: Flow Demo\nsdk: gradio\nlicense: mit\n---\n# Flow matching demo\n",
    "app.py": "import gradio as gr\n",
    "flow/sampler.py": "def sample(): ...\n",
    "requirements.txt": "gradio\n",
    "LICENSE": "MIT License\n\nPermission is hereby granted...",
}
SPACES: dict[str, Any] = {
    "vision-lab/FlowDemo": {"files": APP, "license": "mit", "likes": 7, "sha": SHA},
    "vision-lab/Broken": {"files": APP, "runtime": {"stage": "RUNTIME_ERROR"}},
    "quiet-lab/soon": {"files": {"README.md": "# Soon\nThe code will be released soon.\n"}},
    "gone-lab/closed": {"files": APP, "disabled": True},
    "vision-lab/renamed": {"files": APP, "moved_from": ["vision-lab/old-name"]},
}
MODELS: dict[str, Any] = {
    "graph-lab/gnn-kit": {
        "files": {"README.md": "# GNN kit\n", "gnn/layers.py": "class Layer: ...\n"},
        "siblings": ["model.safetensors"],
        "license": "apache-2.0",
        "likes": 3,
    },
}
ABSTRACTS = {
    "space": "Code is available at https://huggingface.co/spaces/vision-lab/FlowDemo.",
    "broken": "Code is available at https://huggingface.co/spaces/vision-lab/Broken.",
    "soon": "Code is available at https://huggingface.co/spaces/quiet-lab/soon.",
    "gone": "Code is available at https://huggingface.co/spaces/lost-lab/vanished.",
    "closed": "Code is available at https://huggingface.co/spaces/gone-lab/closed.",
    "renamed": "Code is available at https://huggingface.co/spaces/vision-lab/old-name.",
    "model": "Code is available at https://huggingface.co/graph-lab/gnn-kit.",
}


def ingest(url: str, abstracts: dict[str, str]) -> Engine:
    engine = open_db(url)
    papers = []
    for i, (name, text) in enumerate(abstracts.items(), start=1):
        record = PaperRecord(
            title=f"Paper {name}",
            abstract=text,
            location=Location("test", i),
            source_kind="test",
            arxiv_id=f"2405.{i:05d}",
            published=dt.date(2024, 5, 1),
        )
        paper = extract_paper(record)
        hub = [lk for lk in paper.links if lk.kind in ("hf_space", "hf_model")]
        assert [lk.role for lk in hub] == [Role.CODE]
        papers.append(paper)
    with engine.begin() as conn:
        save_papers(conn, papers)
    return engine


def scenario(**extra: Any) -> dict[str, Any]:
    return {"spaces": SPACES, "models": MODELS, **extra}


@pytest.fixture
def hub() -> Iterator[HuggingFaceEmulator]:
    with HuggingFaceEmulator(scenario(tokens=["hf_good"])) as emu:
        yield emu


def evidence(engine: Engine, repo_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(
            select(RepoEvidence).where(RepoEvidence.c.repository_id == repo_id)
        ).one()


def test_spaces_and_models_given_as_code_reach_the_same_verdicts_as_github(
    sqlite_url: str, hub: HuggingFaceEmulator
) -> None:
    engine = ingest(sqlite_url, ABSTRACTS)
    route = {HUB: hub.url}
    cfg = settings(hf_token="hf_good")
    first = check_targets(engine, cfg, connect_to=route, policy=FAST)
    assert (first.checked, first.unchecked, first.unknown) == (7, 0, 0)
    check_targets(engine, cfg, connect_to=route, policy=FAST, max_age=dt.timedelta(0))
    stored = repos(engine)
    space = stored["huggingface.co/spaces/vision-lab/flowdemo"]
    assert (space["status"], space["full_name"]) == (
        "ok",
        "huggingface.co/spaces/vision-lab/FlowDemo",
    )
    assert (space["stars"], space["license_spdx"], space["source_files"]) == (7, "MIT", 2)
    assert space["topics"].startswith("sdk:gradio,runtime:RUNNING")
    kept = evidence(engine, space["id"])
    assert kept.readme_text.startswith("---\ntitle: Flow Demo")
    assert kept.tree.split("\n") == [*sorted([*APP, "flow/"])]
    broken = stored["huggingface.co/spaces/vision-lab/broken"]
    assert broken["status"] == "ok" and "runtime:RUNTIME_ERROR" in broken["topics"]
    assert stored["huggingface.co/spaces/lost-lab/vanished"]["dead_confirmations"] == 2
    assert stored["huggingface.co/spaces/gone-lab/closed"]["status"] == "blocked"
    renamed = stored["huggingface.co/spaces/vision-lab/renamed"]
    assert (renamed["status"], renamed["full_name"]) == (
        "moved",
        "huggingface.co/spaces/vision-lab/renamed",
    )
    model = stored["huggingface.co/graph-lab/gnn-kit"]
    assert (model["status"], model["license_spdx"], model["source_files"]) == (
        "ok",
        "Apache-2.0",
        1,
    )
    assert verdicts(engine) == {
        "space": "available",
        "broken": "available",
        "soon": "placeholder",
        "gone": "dead",
        "closed": "unknown",
        "renamed": "available",
        "model": "available",
    }
    files = [r.path for r in hub.requests if "/resolve/" in r.path]
    assert f"/spaces/vision-lab/FlowDemo/resolve/{SHA}/LICENSE" in files
    assert not any(p.endswith(".gitattributes") for p in files)


def test_without_a_token_a_missing_space_is_never_called_dead(
    sqlite_url: str, hub: HuggingFaceEmulator
) -> None:
    engine = ingest(sqlite_url, {"gone": ABSTRACTS["gone"], "space": ABSTRACTS["space"]})
    for _ in range(3):
        check_targets(engine, settings(), connect_to={HUB: hub.url}, policy=FAST)
    row = repos(engine)["huggingface.co/spaces/lost-lab/vanished"]
    assert (row["status"], row["http_status"], row["dead_confirmations"]) == ("forbidden", 401, 0)
    assert row["status_reason"].startswith("401: missing, private or gated")
    assert repos(engine)["huggingface.co/spaces/vision-lab/flowdemo"]["status"] == "ok"
    assert verdicts(engine) == {"gone": "unknown", "space": "available"}


@pytest.mark.parametrize("fault", ["html", "login"])
def test_an_html_page_or_a_login_redirect_is_unknown_never_dead(
    sqlite_url: str, fault: str
) -> None:
    engine = ingest(sqlite_url, {"space": ABSTRACTS["space"]})
    with HuggingFaceEmulator(scenario()) as emu:
        emu.handle = (lambda req: _html()) if fault == "html" else (lambda req: _login())
        for _ in range(3):
            done = check_targets(engine, settings(), connect_to={HUB: emu.url}, policy=FAST)
            assert done.unknown == 1
    row = repos(engine)["huggingface.co/spaces/vision-lab/flowdemo"]
    assert row["status"] == "unknown" and row["dead_confirmations"] == 0
    assert verdicts(engine) == {"space": "unknown"}


def _html() -> Any:
    from tracker.emulators.base import Response

    return Response.text("<html><body>Hugging Face</body></html>", 200, "text/html")


def _login() -> Any:
    from tracker.emulators.base import Response

    return Response(302, b"", {"Location": "/login?next=%2Fapi%2Fspaces"})


def test_a_refused_token_stops_before_anything_is_written(
    sqlite_url: str, hub: HuggingFaceEmulator
) -> None:
    engine = ingest(sqlite_url, {"space": ABSTRACTS["space"]})
    with pytest.raises(ConfigError, match="HF_TOKEN"):
        check_targets(
            engine, settings(hf_token="hf_revoked"), connect_to={HUB: hub.url}, policy=FAST
        )
    assert repos(engine) == {}


def test_the_token_goes_to_the_configured_endpoint_and_nowhere_else(
    sqlite_url: str, hub: HuggingFaceEmulator
) -> None:
    from tracker.emulators.gitlab import GitLabEmulator

    engine = ingest(sqlite_url, {"space": ABSTRACTS["space"]})
    with open_db(sqlite_url).begin() as conn:
        other = extract_paper(
            PaperRecord(
                title="Paper lab",
                abstract="Code: https://gitlab.com/chem-ml/kernels",
                location=Location("test", 99),
                source_kind="test",
                arxiv_id="2405.09999",
                published=dt.date(2024, 5, 1),
            )
        )
        save_papers(conn, [other])
    with GitLabEmulator({"projects": {}}) as gitlab:
        cfg = settings(hf_token="hf_good", hf_endpoint=hub.url)
        done = check_targets(engine, cfg, connect_to={"gitlab.com": gitlab.url}, policy=FAST)
        assert done.checked == 2
        assert gitlab.requests and not any(r.authorized for r in gitlab.requests)
    assert hub.requests and all(r.authorized for r in hub.requests)
