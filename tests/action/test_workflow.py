"""The scheduled workflow, step by step, against the GitHub emulator and a local git remote.

Three runs in a row, as on GitHub: the first opens the tracking issue, the second (a new paper,
`--fail-on` set) updates the same issue and fails the job after saving everything, the third
(the promised code has landed) closes it. The database travels between runs on the data branch
of a bare git repository, as it does on GitHub.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.action.runner import Job, base_env
from tracker.action.issue import CLOSING_NOTE
from tracker.emulators.github import GitHubEmulator

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ghs_W0rkflowTokenValue000000000000000"
CODE = {"widgets/model.py": "import torch\n", "train.py": "print('train')\n"}
SCENARIO: dict[str, Any] = {
    "now": "2025-01-01T00:00:00Z",
    "repos": [
        {"owner": "acme", "name": "papers", "readme": "# Our paper list\n"},
        *(
            {
                "owner": "acme-lab",
                "name": name,
                "license": "MIT",
                "readme": f"# {name}\n\nCode coming soon.\n",
                "created_at": "2024-06-01",
                "commits": [
                    {"date": "2024-06-01", "files": {"teaser.png": {"size": 2000}}},
                    {"date": "2025-01-20", "message": "Release code", "files": CODE},
                ],
            }
            for name in ("soon", "later")
        ),
    ],
}
PAPER_A = (
    "Sparse Widgets for Tiny Transformers\n\n"
    "We study sparse widgets in small models. Our code is at https://github.com/acme-lab/soon.\n\n"
)
PAPER_B = (
    "Dense Gadgets Revisited\n\n"
    "Dense gadgets are back. Code: https://github.com/acme-lab/later.\n\n"
)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
    "PATH": "/usr/bin:/bin",
}

RUNNER_GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}
"""What git sees on a runner: no identity of its own (the save step names the bot)."""

pytestmark = pytest.mark.slow


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, check=True
    )
    return done.stdout


def _publish(origin: Path, seed: Path, listing: str) -> None:
    (seed / "examples").mkdir(exist_ok=True)
    (seed / "examples" / "listing.txt").write_text(listing, encoding="utf-8")
    git("add", "-A", cwd=seed)
    git("commit", "-qm", "papers", cwd=seed)
    git("push", "-q", "origin", "main", cwd=seed)


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    bare = tmp_path / "origin.git"
    git("init", "-q", "--bare", "-b", "main", str(bare), cwd=tmp_path)
    seed = tmp_path / "seed"
    git("clone", "-q", str(bare), str(seed), cwd=tmp_path)
    git("checkout", "-q", "-b", "main", cwd=seed)
    (seed / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / ".github" / "workflows" / "track.yml", seed / ".github" / "workflows")
    shutil.copy(ROOT / "action.yml", seed)
    _publish(bare, seed, PAPER_A)
    return bare


def run_job(
    tmp_path: Path, origin: Path, gh: GitHubEmulator, n: int, event: str, **inputs: Any
) -> Job:
    ws, temp = tmp_path / f"ws{n}", tmp_path / f"temp{n}"
    git("clone", "-q", str(origin), str(ws), cwd=tmp_path)
    temp.mkdir()
    runner_vars = {
        "GITHUB_REPOSITORY": "acme/papers",
        "GITHUB_RUN_ID": str(100 + n),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_API_URL": gh.url,
        **RUNNER_GIT_ENV,
    }
    github = {"token": TOKEN, "api_url": gh.url, "event_name": event, "repository": "acme/papers"}
    job = Job(ws, temp, base_env(ws, temp, runner_vars), github, inputs=inputs)
    job.run_workflow(ws / ".github" / "workflows" / "track.yml", "track")
    return job


def data_branch(origin: Path, tmp_path: Path) -> tuple[int, list[dict[str, str]]]:
    """Commits on the data branch and the CSV it holds."""
    commits = git("rev-list", "--count", "tracker-data", cwd=origin).strip()
    files = git("ls-tree", "--name-only", "tracker-data", cwd=origin).split()
    assert sorted(files) == ["papers.csv", "tracker.db"]
    text = git("show", "tracker-data:papers.csv", cwd=origin)
    return int(commits), list(csv.DictReader(io.StringIO(text)))


def test_three_runs_keep_one_issue_then_close_it(tmp_path: Path, origin: Path) -> None:
    with GitHubEmulator(SCENARIO) as gh:
        first = run_job(tmp_path, origin, gh, 1, "schedule")
        assert first.failed is None, "\n".join(first.log)
        issues = gh.issues["acme/papers"]
        assert [(i["number"], i["state"], i["labels"]) for i in issues] == [
            (1, "open", ["paper-tracker"])
        ]
        assert "acme-lab/soon" in issues[0]["body"] and "code_placeholder" in issues[0]["body"]
        out = first.steps["tracker"]["outputs"]
        assert (out["papers"], out["flagged-papers"], out["issue-number"]) == ("1", "1", "1")
        assert "Sparse Widgets for Tiny Transformers" in first.summary.read_text(encoding="utf-8")
        assert sorted(p.name for p in Path(out["report-path"]).parent.iterdir()) == [
            "papers.csv",
            "report.html",
            "report.md",
        ]
        assert {"Install tracker", "Upload the reports", "Fail on flags (if)"} <= set(first.skipped)
        commits, rows = data_branch(origin, tmp_path)
        assert (commits, [r["title"] for r in rows]) == (
            1,
            ["Sparse Widgets for Tiny Transformers"],
        )

        seed = tmp_path / "seed"
        git("pull", "-q", "origin", "main", cwd=seed)
        _publish(origin, seed, PAPER_A + PAPER_B)
        gh.advance(days=1)
        second = run_job(
            tmp_path,
            origin,
            gh,
            2,
            "workflow_dispatch",
            issue=True,
            **{"fail-on": "code_placeholder"},
        )
        assert second.failed is not None and second.failed.returncode == 1, "\n".join(second.log)
        assert second.ran[-1] == "Fail on flags"
        issues = gh.issues["acme/papers"]
        assert [(i["number"], i["state"]) for i in issues] == [(1, "open")]
        assert "acme-lab/later" in issues[0]["body"] and "acme-lab/soon" in issues[0]["body"]
        assert [c["body"].splitlines()[0] for c in issues[0]["comments"]] == [
            "1 new flag since the last run."
        ]
        commits, rows = data_branch(origin, tmp_path)
        assert commits == 2 and len(rows) == 2

        gh.set_time("2025-02-01T00:00:00Z")
        third = run_job(
            tmp_path, origin, gh, 3, "workflow_dispatch", issue=True, **{"max-age": "0s"}
        )
        assert third.failed is None, "\n".join(third.log)
        issues = gh.issues["acme/papers"]
        assert [(i["number"], i["state"]) for i in issues] == [(1, "closed")]
        assert issues[0]["comments"][-1]["body"] == CLOSING_NOTE
        out = third.steps["tracker"]["outputs"]
        assert (out["flagged-papers"], out["flags"]) == ("0", "0")


DATA_STEPS = ["Restore the database", "Save the database to the data branch"]


def _data_run(tmp_path: Path, origin: Path, n: int, db: bytes | None) -> Job:
    """Restore, then (as the pipeline would) leave `db` and a CSV behind, then save."""
    ws, temp = tmp_path / f"data-ws{n}", tmp_path / f"data-temp{n}"
    git("clone", "-q", str(origin), str(ws), cwd=tmp_path)
    temp.mkdir()
    job = Job(ws, temp, base_env(ws, temp, RUNNER_GIT_ENV), {})
    job.run_action_steps(DATA_STEPS[:1], {})
    data = temp / "tracker" / "data"
    if db is not None:
        (data / "tracker.db").write_bytes(db)
    (temp / "tracker" / "out" / "papers.csv").write_text("key,title\r\n", encoding="utf-8")
    job.run_action_steps(DATA_STEPS[1:], {})
    assert job.failed is None, "\n".join(job.log)
    return job


def test_the_data_branch_gets_a_commit_only_when_something_changed(
    tmp_path: Path, origin: Path
) -> None:
    _data_run(tmp_path, origin, 1, b"first")
    unchanged = _data_run(tmp_path, origin, 2, None)
    assert "nothing changed: no commit" in unchanged.log[-1]
    assert data_branch(origin, tmp_path)[0] == 1
    _data_run(tmp_path, origin, 3, b"second")
    assert data_branch(origin, tmp_path)[0] == 2
    assert git("show", "tracker-data:tracker.db", cwd=origin) == "second"
    assert git("log", "-1", "--format=%an", "tracker-data", cwd=origin).strip() == (
        "github-actions[bot]"
    )
