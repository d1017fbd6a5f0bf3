"""Fixtures for the GitHub checks: a hand-built scenario with every status, and a database
whose links point at its repositories."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.factories import paper
from tracker.emulators.github import GitHubEmulator
from tracker.store import open_db, save_papers

TOKEN = "ghp_T0pSecretTokenValue1234567890"
CODE = {
    "train.py": "import torch\n",
    "src/model.py": "class Net: ...\n",
    "requirements.txt": "torch\n",
}


def scenario(**extra: Any) -> dict[str, Any]:
    """Eight repositories covering each status, facts that change over time, and traps."""
    return {
        "now": "2025-01-01T00:00:00Z",
        "repos": [
            {
                "owner": "lab",
                "name": "code",
                "license": "MIT",
                "language": "Python",
                "stars": {"2024-01-01": 10, "2025-01-02": 25},
                "forks": 3,
                "watchers": 4,
                "open_issues": 2,
                "topics": ["vision", "diffusion"],
                "description": "Official code",
                "readme": "# Code\nWeights: https://huggingface.co/lab/code-model\n",
                "created_at": "2024-01-01T00:00:00Z",
                "files": CODE,
                "releases": [
                    {
                        "tag": "v1",
                        "date": "2024-03-01T00:00:00Z",
                        "assets": [
                            {"name": "model.safetensors", "size": 1000, "download_count": 7}
                        ],
                    }
                ],
            },
            {
                "owner": "lab",
                "name": "soon",
                "license": "Apache-2.0",
                "readme": "# Soon\nCode coming soon. Stay tuned!\n",
                "created_at": "2024-01-01T00:00:00Z",
                "commits": [
                    {"date": "2024-01-01T00:00:00Z", "files": {"teaser.png": {"size": 2000}}},
                    {"date": "2025-01-10T00:00:00Z", "files": CODE},
                ],
            },
            {
                "owner": "lab",
                "name": "old-name",
                "created_at": "2024-01-01T00:00:00Z",
                "files": CODE,
                "license": "NOASSERTION",
                "events": [{"at": "2024-06-01T00:00:00Z", "type": "renamed", "to": "lab/new-name"}],
            },
            {
                "owner": "lab",
                "name": "gone",
                "created_at": "2024-01-01T00:00:00Z",
                "files": CODE,
                "events": [{"at": "2024-06-01T00:00:00Z", "type": "deleted"}],
            },
            {
                "owner": "lab",
                "name": "dmca",
                "created_at": "2024-01-01T00:00:00Z",
                "files": CODE,
                "events": [{"at": "2024-06-01T00:00:00Z", "type": "dmca"}],
            },
            {"owner": "lab", "name": "empty", "created_at": "2024-01-01T00:00:00Z", "commits": []},
            {
                "owner": "lab",
                "name": "vendored",
                "created_at": "2024-01-01T00:00:00Z",
                "readme": "# Ours\nThe code will be released after review.\n",
                "files": {"third_party/detectron2/model.py": "x = 1\n", "LICENSE": "MIT\n"},
            },
            {
                "owner": "lab",
                "name": "awesome",
                "created_at": "2024-01-01T00:00:00Z",
                "topics": ["awesome-list"],
                "files": {"scripts/make.py": "print(1)\n"},
                "readme": "# Awesome models\n"
                + "".join(f"- https://huggingface.co/org{i}/model{i}\n" for i in range(12)),
            },
        ],
        **extra,
    }


NAMES = [
    f"lab/{n}" for n in ("code", "soon", "old-name", "gone", "dmca", "empty", "vendored", "awesome")
]


def linked_db(url: str, names: list[str]) -> Engine:
    engine = open_db(url)
    with engine.begin() as conn:
        save_papers(conn, [paper(i, n) for i, n in enumerate(names)])
    return engine


@pytest.fixture
def engine(sqlite_url: str) -> Engine:
    return linked_db(sqlite_url, NAMES)


@pytest.fixture
def gh() -> Iterator[GitHubEmulator]:
    with GitHubEmulator(scenario()) as emu:
        yield emu
