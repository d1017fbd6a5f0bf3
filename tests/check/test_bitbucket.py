"""Bitbucket Cloud checked like GitHub: emulator over a real socket, real SQLite, the real flag
run.

Links name bitbucket.org and the checker asks api.bitbucket.org, so `connect_to` routes the
API host to the emulator; the token configured for bitbucket.org goes there and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tests.check.test_github_checks import FAST, repos
from tests.check.test_gitlab import ingest, settings, verdicts
from tracker.emulators.bitbucket import BitbucketEmulator
from tracker.errors import ConfigError
from tracker.schedule import check_targets

API_HOST = "api.bitbucket.org"
TOKEN = "bb-access-token-good"
CODE = {
    "README.md": "# FlowSeg\nSegment optical flow: `python -m flowseg.run`.\n",
    "flowseg/__init__.py": "",
    "flowseg/run.py": "import torch\n",
    "flowseg/nets/unet.py": "class UNet: ...\n",
    "LICENSE": "BSD 3-Clause License\n\nRedistribution and use in source and binary forms...",
    "setup.py": "from setuptools import setup\nsetup(name='flowseg', license='BSD-3-Clause')\n",
}
REPOS: dict[str, Any] = {
    "vision-group/flowseg": {
        "name": "FlowSeg",
        "language": "python",
        "files": CODE,
        "downloads": [{"name": "flowseg_kitti.pth", "size": 2048, "downloads": 5}],
    },
    "robo-lab/graspnet2": {"files": CODE, "moved_from": ["robo-lab/grasp"], "fork_of": "ext/g"},
    "tiny-nlp/distil": {"files": {"README.md": "# Distil\nCode coming soon, stay tuned.\n"}},
    "new-lab/blank": {"empty": True},
    "closed-lab/internal": {"files": CODE, "private": True},
}
ABSTRACTS = {
    "flowseg": "Code and weights are released at https://bitbucket.org/vision-group/flowseg/src/main/.",
    "moved": "Our implementation: https://bitbucket.org/robo-lab/grasp",
    "soon": "Code: https://bitbucket.org/tiny-nlp/distil",
    "gone": "Code is available at https://bitbucket.org/old-lab/deleted.",
    "empty": "Code: https://bitbucket.org/new-lab/blank",
}


@pytest.fixture
def bitbucket() -> Iterator[BitbucketEmulator]:
    with BitbucketEmulator({"repos": REPOS, "tokens": [TOKEN], "max_pagelen": 3}) as emu:
        yield emu


def test_bitbucket_repositories_reach_the_same_verdicts_as_github(
    sqlite_url: str, bitbucket: BitbucketEmulator
) -> None:
    engine = ingest(sqlite_url, ABSTRACTS)
    route = {API_HOST: bitbucket.url}
    first = check_targets(engine, settings(), connect_to=route, policy=FAST)
    assert (first.checked, first.unchecked, first.unknown) == (5, 0, 0)
    assert first.transport == "bitbucket"
    check_targets(engine, settings(), connect_to=route, policy=FAST, max_age=dt.timedelta(0))
    stored = repos(engine)
    flowseg = stored["bitbucket.org/vision-group/flowseg"]
    assert (flowseg["status"], flowseg["full_name"]) == ("ok", "bitbucket.org/vision-group/flowseg")
    facts = (flowseg["stars"], flowseg["license_spdx"], flowseg["default_branch"])
    assert facts == (0, None, "main")  # Bitbucket has no stars and reports no license
    assert flowseg["source_files"] == 4  # read over pages of three entries
    moved = stored["bitbucket.org/robo-lab/graspnet2"]
    assert (moved["status"], moved["parent"]) == ("moved", "bitbucket.org/ext/g")
    assert stored["bitbucket.org/old-lab/deleted"]["dead_confirmations"] == 2
    assert stored["bitbucket.org/new-lab/blank"]["status"] == "empty"
    assert bitbucket.count("GET", "/2.0/repositories/vision-group/flowseg/src/main/") > 2
    assert verdicts(engine) == {
        "flowseg": "available",
        "moved": "available",
        "soon": "placeholder",
        "gone": "dead",
        "empty": "placeholder",
    }


@pytest.mark.parametrize(
    ("downloads", "verdict"), [(True, "available"), (False, "weights_missing")]
)
def test_files_in_downloads_are_the_repositorys_own_weights(
    sqlite_url: str, downloads: bool, verdict: str
) -> None:
    engine = ingest(sqlite_url, {"flowseg": ABSTRACTS["flowseg"]})
    spec = dict(REPOS["vision-group/flowseg"])
    if not downloads:
        del spec["downloads"]
    with BitbucketEmulator({"repos": {"vision-group/flowseg": spec}}) as emu:
        check_targets(engine, settings(), connect_to={API_HOST: emu.url}, policy=FAST)
    assert verdicts(engine) == {"flowseg": verdict}


def test_the_token_goes_to_the_api_host_only_and_paging_never_leaves_it(
    sqlite_url: str,
) -> None:
    engine = ingest(sqlite_url, {"private": "Code: https://bitbucket.org/closed-lab/internal"})
    scenario = {"repos": REPOS, "tokens": [TOKEN], "max_pagelen": 3, "next_host": "cdn.example"}
    with BitbucketEmulator(scenario) as api, BitbucketEmulator(scenario) as elsewhere:
        cfg = settings(host_tokens=(("bitbucket.org", TOKEN),))
        route = {API_HOST: api.url, "cdn.example": elsewhere.url}
        done = check_targets(engine, cfg, connect_to=route, policy=FAST)
        assert (done.checked, done.unknown) == (1, 1)
        assert api.requests and all(r.authorized for r in api.requests)
        assert elsewhere.requests == []
    row = repos(engine)["bitbucket.org/closed-lab/internal"]
    assert row["status"] == "unknown"
    assert row["status_reason"] == "partial answer: tree paging link leads off the API"


def test_a_private_repository_is_not_found_without_a_token(
    sqlite_url: str, bitbucket: BitbucketEmulator
) -> None:
    engine = ingest(sqlite_url, {"private": "Code: https://bitbucket.org/closed-lab/internal"})
    check_targets(engine, settings(), connect_to={API_HOST: bitbucket.url}, policy=FAST)
    assert repos(engine)["bitbucket.org/closed-lab/internal"]["status"] == "not_found"
    cfg = settings(host_tokens=(("bitbucket.org", TOKEN),))
    route = {API_HOST: bitbucket.url}
    check_targets(engine, cfg, connect_to=route, policy=FAST, max_age=dt.timedelta(0))
    assert repos(engine)["bitbucket.org/closed-lab/internal"]["status"] == "ok"


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("html", "answered text/html instead of JSON"), ("login", "redirect to id.atlassian.com")],
)
def test_an_api_that_answers_html_or_a_login_page_is_unknown_never_dead(
    sqlite_url: str, mode: str, reason: str
) -> None:
    engine = ingest(sqlite_url, {"flowseg": ABSTRACTS["flowseg"]})
    with BitbucketEmulator({"repos": REPOS, "mode": mode}) as emu:
        for _ in range(3):
            done = check_targets(engine, settings(), connect_to={API_HOST: emu.url}, policy=FAST)
            assert done.unknown == 1
    row = repos(engine)["bitbucket.org/vision-group/flowseg"]
    assert row["status"] == "unknown" and reason in row["status_reason"]
    assert row["dead_confirmations"] == 0
    assert verdicts(engine) == {"flowseg": "unknown"}


def test_a_refused_token_stops_before_anything_is_written(
    sqlite_url: str, bitbucket: BitbucketEmulator
) -> None:
    engine = ingest(sqlite_url, {"flowseg": ABSTRACTS["flowseg"]})
    cfg = settings(host_tokens=(("bitbucket.org", "bb-revoked"),))
    with pytest.raises(ConfigError, match="BITBUCKET_TOKEN"):
        check_targets(engine, cfg, connect_to={API_HOST: bitbucket.url}, policy=FAST)
    assert repos(engine) == {}


def test_an_unreachable_api_leaves_the_repositories_for_the_next_run(sqlite_url: str) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    engine = ingest(sqlite_url, {"a": ABSTRACTS["flowseg"], "b": ABSTRACTS["soon"]})
    done = check_targets(engine, settings(), connect_to={API_HOST: closed}, policy=FAST)
    assert (done.checked, done.unchecked, done.unknown) == (0, 2, 0)
    assert done.reason.startswith("bitbucket.org unreachable")
    assert repos(engine) == {}


def test_a_long_rate_limit_leaves_the_rest_for_the_next_run(sqlite_url: str) -> None:
    engine = ingest(sqlite_url, ABSTRACTS)
    scenario = {"repos": REPOS, "rate_limit": {"limit": 3, "window_s": 3600}}
    with BitbucketEmulator(scenario) as emu:
        done = check_targets(engine, settings(), connect_to={API_HOST: emu.url}, policy=FAST)
    assert done.unchecked > 0 and done.unknown == 0
    assert "bitbucket.org rate limited until" in done.reason
