"""What users are asking: open issues requesting code, weights or data, read for flagged
repositories only, one GraphQL query per batch of up to 100 (counted at the emulator)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from tests.factories import paper
from tracker import pipeline
from tracker.config import Settings
from tracker.emulators.github import GitHubEmulator
from tracker.flags.requests import asks_for
from tracker.open_requests import ask_open_requests
from tracker.schedule import check_targets
from tracker.store import open_db, save_papers
from tracker.store.report_source import StoredReport
from tracker.store.schema import Paper, PaperState, Repository

TOKEN = "ghp_requests_test_token_0123456789"
R = Repository
P = Paper
S = PaperState


@pytest.mark.parametrize(
    ("title", "body", "wanted"),
    [
        ("When will the code be released?", "", {"code"}),
        ("Pretrained model?", "", {"weights"}),
        ("checkpoint link broken", "", {"weights"}),
        ("Google Drive link for the weights is dead", "", {"weights"}),
        ("Will you release the training code and pretrained weights?", "", {"code", "weights"}),
        ("Is the dataset available for download?", "", {"data"}),
        ("Any update on the code release?", "", {"code"}),
        ("请问代码什么时候开源？", "", {"code"}),
        ("预训练权重链接失效了", "", {"weights"}),
        ("数据集什么时候公开", "", {"data"}),
        ("Question", "Hi, could you share the pretrained checkpoints? Thanks", {"weights"}),
        ("Error when loading pretrained weights", "", set()),
        ("RuntimeError: size mismatch for checkpoint", "", set()),
        ("Question about the loss function in the training code", "", set()),
        ("Great work!", "Thanks for sharing this", set()),
        ("How to train on my own data?", "", set()),
        ("运行代码报错", "", set()),
    ],
)
def test_asks_for(title: str, body: str, wanted: set[str]) -> None:
    assert asks_for(title, body) == frozenset(wanted)


def _issue(title: str, day: int, body: str = "") -> dict[str, Any]:
    return {"title": title, "body": body, "created_at": f"2025-01-{day:02d}T09:00:00Z"}


def scenario(n_plain: int = 0) -> dict[str, Any]:
    """A placeholder with requests, a repository of a paper that promised code, a repository
    whose paper delivered (not asked), and `n_plain` more flagged ones."""
    code = {"train.py": "import torch\n", "LICENSE": "MIT\n"}
    repos: list[dict[str, Any]] = [
        {
            "owner": "lab",
            "name": "soon",
            "created_at": "2024-06-01T00:00:00Z",
            "readme": "# Soon\nCode coming soon. Stay tuned!\n",
            "files": {"teaser.png": {"size": 2000}},
            "issues": [
                _issue("When will the code be released?", 3),
                _issue("Typo in README", 4),
                _issue("预训练权重什么时候发布", 8),
                {**_issue("Code?", 9), "state": "closed"},
            ],
        },
        {
            "owner": "lab",
            "name": "promised",
            "created_at": "2024-06-01T00:00:00Z",
            "files": code,
            "issues": [_issue("checkpoint link broken", 5)],
        },
        {
            "owner": "lab",
            "name": "done",
            "created_at": "2024-06-01T00:00:00Z",
            "files": code,
            "issues": [_issue("Pretrained model?", 6)],
        },
    ]
    for i in range(n_plain):
        repos.append(
            {
                "owner": "many",
                "name": f"r{i}",
                "created_at": "2024-06-01T00:00:00Z",
                "files": code,
                "issues": [_issue("Will you release the weights?", 7)],
            }
        )
    return {"now": "2025-02-01T00:00:00Z", "repos": repos}


def _engine(url: str, names: list[str], promised: list[str]) -> Engine:
    engine = open_db(url)
    with engine.begin() as conn:
        save_papers(conn, [paper(i, n) for i, n in enumerate(names)])
        for i, n in enumerate(names):
            if n in promised:
                key = P.c.key == f"arxiv:2401.{i:05d}"
                conn.execute(update(P).where(key).values(code_status="promised"))
                state = S.c.paper_id == select(P.c.id).where(key).scalar_subquery()
                conn.execute(update(S).where(state).values(verdict_kind="pending"))
    return engine


def _settings(gh: GitHubEmulator, token: str | None = TOKEN) -> Settings:
    return Settings(github_token=token, github_api_url=gh.url, hf_endpoint="http://127.0.0.1:9")


def _stored(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as conn:
        rows = conn.execute(select(R.c.key, R.c.open_requests, R.c.requests_checked_at)).all()
    return {k: json.loads(v) for k, v, at in rows if at is not None}


def test_only_flagged_repositories_are_asked_and_matches_stored(db_url: str) -> None:
    names = ["lab/soon", "lab/promised", "lab/done"]
    engine = _engine(db_url, names, promised=["lab/promised"])
    with GitHubEmulator(scenario()) as gh:
        summary = pipeline.check(engine, _settings(gh))
        asked = [r for r in gh.requests if b"OpenRequests" in r.body]
        assert gh.queries_by_operation["OpenRequests"] == 1
        assert gh.points_by_operation["OpenRequests"] == 1
    assert len(asked) == 1
    variables = json.loads(asked[0].body)["variables"]
    assert sorted(variables.values()) == ["lab", "lab", "promised", "soon"]  # never lab/done
    assert summary.requests_asked == 2 and summary.requests_points == 1
    assert _stored(engine) == {
        "lab/soon": [
            {
                "number": 3,
                "title": "预训练权重什么时候发布",
                "created_at": "2025-01-08T09:00:00+00:00",
                "url": "https://github.com/lab/soon/issues/3",
            },
            {
                "number": 1,
                "title": "When will the code be released?",
                "created_at": "2025-01-03T09:00:00+00:00",
                "url": "https://github.com/lab/soon/issues/1",
            },
        ],
        "lab/promised": [
            {
                "number": 1,
                "title": "checkpoint link broken",
                "created_at": "2025-01-05T09:00:00+00:00",
                "url": "https://github.com/lab/promised/issues/1",
            }
        ],
    }
    with engine.connect() as conn:
        views = {v.key: v for v in StoredReport(conn).papers()}
    assert [r.number for r in views["arxiv:2401.00000"].open_requests] == [3, 1]
    assert views["arxiv:2401.00002"].open_requests == ()


def test_one_query_per_hundred_repositories(sqlite_url: str) -> None:
    names = [f"many/r{i}" for i in range(250)]
    engine = _engine(sqlite_url, names, promised=names)
    with GitHubEmulator(scenario(250)) as gh:
        check_targets(engine, _settings(gh))
        first = ask_open_requests(engine, _settings(gh))
        assert (
            gh.queries_by_operation["OpenRequests"],
            gh.points_by_operation["OpenRequests"],
        ) == (
            2,
            2,
        )
        rest = ask_open_requests(engine, _settings(gh))
        done = ask_open_requests(engine, _settings(gh))
        searches = [r for r in gh.requests if r.path.startswith("/search")]
    assert searches == []
    # whole batches only: 200 now for two points, the 50 left first on the next run
    assert (first.asked, first.found, first.queries, first.points) == (200, 200, 2, 2)
    assert (rest.asked, rest.queries, rest.points) == (50, 1, 1)
    assert done.asked == 0  # asked again after REQUESTS_MAX_AGE, not in the same day


def test_without_a_token_it_is_skipped_and_says_so(sqlite_url: str) -> None:
    engine = _engine(sqlite_url, ["lab/promised"], promised=["lab/promised"])
    with GitHubEmulator(scenario()) as gh:
        summary = ask_open_requests(engine, _settings(gh, token=None))
        assert "OpenRequests" not in gh.queries_by_operation
    assert summary.asked == 0 and "needs GITHUB_TOKEN" in summary.note
