"""A full check stores what it read, whole, for the flag run to judge offline."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from tests.check.conftest import TOKEN, linked_db
from tests.check.test_github_checks import FAST, cfg, repos
from tracker.check.github import check_repositories
from tracker.emulators.github import GitHubEmulator
from tracker.flags.run import judge_repositories
from tracker.store.tables import RepoEvidence

DEEP = "src/main/java/org/example/repair/patch"
WORLD: dict[str, Any] = {
    "now": "2025-01-01T00:00:00Z",
    "repos": [
        {
            "owner": "lab",
            "name": "deep",
            "license": "Apache-2.0",
            "readme": "# Deep\n\n    ./gradlew run\n",
            "files": {
                "build.gradle": "plugins { id 'java' }\n",
                f"{DEEP}/Patcher.java": {"size": 900},
                f"{DEEP}/rank/Ranker.java": {"size": 500},
            },
        },
        {
            "owner": "lab",
            "name": "site",
            "readme": "Project page.\n",
            "files": {"index.html": "<html></html>\n", "static/js/slider.js": "let x = 1;\n"},
        },
        {
            "owner": "lab",
            "name": "card",
            "license": "NOASSERTION",
            "license_text": "Use for non-commercial research purposes only.\n",
            "readme": "# Card\n\nWeights: https://huggingface.co/lab/card-7b\n",
            "files": {
                "setup.py": 'setup(name="card", license="MIT")\n',
                "scripts/download_weights.sh": "wget https://example.org/card.safetensors\n",
            },
        },
    ],
}
NAMES = ["lab/deep", "lab/site", "lab/card"]


def test_graphql_reads_the_whole_tree_and_the_flag_run_judges_it(sqlite_url: str) -> None:
    engine = linked_db(sqlite_url, NAMES)
    with GitHubEmulator(WORLD) as gh:
        done = check_repositories(engine, cfg(gh, TOKEN), policy=FAST)
    assert (done.checked, done.requests) == (3, 2)  # one GraphQL batch, one deep tree
    with engine.connect() as conn:
        stored = {r.repository_id: r for r in conn.execute(select(RepoEvidence.__table__))}
    assert len(stored) == 3 and all(r.judged == "" for r in stored.values())
    judge_repositories(engine)
    rows = repos(engine)
    assert {k: (r["repo_kind"], r["placeholder"], r["source_files"]) for k, r in rows.items()} == {
        "lab/deep": ("code", False, 2),
        "lab/site": ("docs", False, 1),
        "lab/card": ("code", False, 1),  # setup.py is source
    }
    deep = stored[rows["lab/deep"]["id"]]
    assert f"{DEEP}/rank/Ranker.java" in deep.tree.split("\n")
    card = rows["lab/card"]
    assert card["license_claims"] == "MIT"
    assert card["license_terms"] == "for non-commercial research purposes only"
    assert card["weights_evidence"].split("\n") == [
        "Hub model huggingface.co/lab/card-7b (link in README.md)",
        "checkpoint link https://example.org/card.safetensors "
        "(other in scripts/download_weights.sh)",
        "download script scripts/download_weights.sh",
    ]
    files = json.loads(stored[card["id"]].files)
    assert sorted(files) == ["LICENSE", "scripts/download_weights.sh", "setup.py"]
    judge_repositories(engine)  # nothing changed: nothing judged again
    assert repos(engine) == rows
