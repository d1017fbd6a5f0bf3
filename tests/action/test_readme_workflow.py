"""The README's workflow works when copied into a new repository, and the release process makes
the tag it names.

The Action is published as the repository `pyproject.toml` names (`[project.urls]`), and the
README's `uses:` line names it at the major tag of `project.version`. Here that repository is a
local bare git repository holding this checkout's action and release workflow: the release
workflow's steps run on a pushed `vX.Y.Z` tag and move `vX`, and a new repository holding only
the README's workflow (extracted from README.md, not copied into this test) and one listing
runs it, the action fetched at `vX` as the runner fetches it, against the local emulators of
GitHub, the Hugging Face Hub and arXiv.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.action.runner import Job, base_env
from tests.action.test_workflow import RUNNER_GIT_ENV, git
from tests.conftest import NO_ARCHIVE
from tracker.emulators.arxiv import ArxivEmulator
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.huggingface import HuggingFaceEmulator

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PUBLISHED = PROJECT["urls"]["Repository"].removeprefix("https://github.com/")
VERSION = PROJECT["version"]
MAJOR = "v" + VERSION.split(".")[0]
TOKEN = "ghs_ReadmeWorkflowToken00000000000000"

pytestmark = pytest.mark.slow


def readme_workflow() -> str:
    """The README's workflow for other repositories: the YAML block that uses the Action."""
    blocks = re.findall(r"```yaml\n(.*?)```", README, re.S)
    using = [b for b in blocks if re.search(rf"^\s+uses: {re.escape(PUBLISHED)}@", b, re.M)]
    assert len(using) == 1, f"one README workflow should use {PUBLISHED}"
    return using[0]


def test_the_readme_uses_the_published_repository_at_its_major_tag() -> None:
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", PUBLISHED), PROJECT["urls"]["Repository"]
    spec = yaml.safe_load(readme_workflow())
    uses = [s["uses"] for job in spec["jobs"].values() for s in job["steps"] if "uses" in s]
    assert f"{PUBLISHED}@{MAJOR}" in uses
    releasing = (ROOT / "docs" / "releasing.md").read_text(encoding="utf-8")
    assert f"uses: {PUBLISHED}@{MAJOR}" in releasing and PROJECT["urls"]["Repository"] in releasing


def test_the_readme_table_gives_every_input_of_the_action_with_its_default() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    rows = re.findall(r"^\| `([\w-]+)` \| `(.*?)` \|", README, re.M)
    table = {name: "" if default == '""' else default for name, default in rows}
    expected = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    assert {k: table.get(k) for k in expected} == expected


# -- the release process ----------------------------------------------------------------------


def _pyproject(version: str) -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return text.replace(f'\nversion = "{VERSION}"\n', f'\nversion = "{version}"\n', 1)


def _commit_release(seed: Path, version: str, tag: str | None = None) -> str:
    """A commit of the action at `version`, tagged (`tag`, else `v` + version) and pushed."""
    (seed / "pyproject.toml").write_text(_pyproject(version), encoding="utf-8")
    git("add", "-A", cwd=seed)
    git("commit", "-qm", f"tracker {version}", "--allow-empty", cwd=seed)
    tag = tag or f"v{version}"
    git("tag", "-a", tag, "-m", f"tracker {version}", cwd=seed)
    git("push", "-q", "origin", "HEAD", tag, cwd=seed)
    return git("rev-parse", "HEAD", cwd=seed).strip()


def _release(tmp_path: Path, origin: Path, tag: str) -> Job:
    """The release workflow's job, run as GitHub runs it for a pushed tag."""
    n = len(list(tmp_path.glob("release-ws*")))
    ws, temp = tmp_path / f"release-ws{n}", tmp_path / f"release-temp{n}"
    git("clone", "-q", str(origin), str(ws), cwd=tmp_path)
    git("checkout", "-q", tag, cwd=ws)
    temp.mkdir()
    env = base_env(ws, temp, {**RUNNER_GIT_ENV, "GITHUB_REF_NAME": tag})
    github = {"ref": f"refs/tags/{tag}", "ref_name": tag, "event_name": "push"}
    job = Job(ws, temp, env, github)
    job.run_workflow(ws / ".github" / "workflows" / "release.yml", "major-tag")
    return job


def _tag(origin: Path, name: str) -> str:
    return git("rev-parse", "--verify", "-q", f"{name}^{{commit}}", cwd=origin).strip()


@pytest.fixture
def action_origin(tmp_path: Path) -> tuple[Path, Path]:
    """The published repository (bare) and a clone to commit releases from."""
    bare = tmp_path / "published.git"
    git("init", "-q", "--bare", "-b", "main", str(bare), cwd=tmp_path)
    seed = tmp_path / "action-seed"
    git("clone", "-q", str(bare), str(seed), cwd=tmp_path)
    git("checkout", "-q", "-b", "main", cwd=seed)
    (seed / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / ".github" / "workflows" / "release.yml", seed / ".github" / "workflows")
    shutil.copy(ROOT / "action.yml", seed)
    return bare, seed


@pytest.fixture
def published(tmp_path: Path, action_origin: tuple[Path, Path]) -> Path:
    """The published repository after the release of this checkout's version."""
    bare, seed = action_origin
    commit = _commit_release(seed, VERSION)
    job = _release(tmp_path, bare, f"v{VERSION}")
    assert job.failed is None, "\n".join(job.log)
    assert _tag(bare, MAJOR) == commit
    return bare


def test_a_release_moves_the_major_tag_to_the_newest_release_only(
    tmp_path: Path, action_origin: tuple[Path, Path]
) -> None:
    bare, seed = action_origin
    first = _commit_release(seed, "0.1.0")
    assert _release(tmp_path, bare, "v0.1.0").failed is None
    assert _tag(bare, "v0") == first

    second = _commit_release(seed, "0.2.0")
    assert _release(tmp_path, bare, "v0.2.0").failed is None
    assert _tag(bare, "v0") == second

    git("checkout", "-q", "-b", "fixes-0.1", "v0.1.0", cwd=seed)
    _commit_release(seed, "0.1.1")
    fix = _release(tmp_path, bare, "v0.1.1")
    assert fix.failed is None, "\n".join(fix.log)
    assert "v0.1.1 is a fix to an older line (v0.2.0 is newer): v0 stays" in fix.log[-1]
    assert _tag(bare, "v0") == second

    git("checkout", "-q", "main", cwd=seed)
    _commit_release(seed, "0.3.0", tag="v0.3.1")
    wrong = _release(tmp_path, bare, "v0.3.1")
    assert wrong.failed is not None and wrong.ran[-1] == "Check the tag is the package version"
    assert "tag v0.3.1 does not match the version in pyproject.toml (0.3.0)" in wrong.log[-1]
    assert _tag(bare, "v0") == second


# -- a new repository with the README's workflow ----------------------------------------------

LISTING = (
    "Gradient Lanterns for Sparse Attention\n\n"
    "We light sparse attention heads with gradient lanterns and halve the memory of long-context "
    "training. The code will be made public.\n\n"
)
"""A paper whose code the abstract does not link: arXiv's comment does (found by enrichment)."""
LANTERNS_ID = "2403.01234"


def _scenarios(today: dt.date) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    code = {"lanterns/attention.py": "import torch\n", "train.py": "print('train')\n"}
    github = {
        "repos": [
            {"owner": "acme", "name": "papers", "readme": "# Papers we follow\n"},
            {"owner": "lantern-lab", "name": "gradient-lanterns", "license": "MIT",
             "readme": "# Gradient Lanterns\n\npython train.py\n", "created_at": "2024-03-01",
             "files": code},
            {"owner": "tide-lab", "name": "tidal-tokens", "license": "MIT",
             "readme": "# Tidal Tokens\n\nCode coming soon.\n", "created_at": str(today),
             "files": {"teaser.png": {"size": 2000}}},
        ],
    }  # fmt: skip
    daily_id = f"{today:%y%m}.04321"
    hub = {
        "daily": {
            str(today): [
                {"id": daily_id, "title": "Tidal Tokens for Streaming Speech",
                 "summary": "Streaming speech tokenizers that follow the tide of the signal.",
                 "authors": ["Noor Haddad"], "upvotes": 9,
                 "githubRepo": "https://github.com/tide-lab/tidal-tokens",
                 "githubRepoAddedBy": "author"},
            ]
        }
    }  # fmt: skip
    arxiv = {
        "papers": [
            {"id": LANTERNS_ID, "version": 1, "title": "Gradient Lanterns for Sparse Attention",
             "summary": LISTING.split("\n\n")[1], "authors": ["Ines Varga"],
             "comment": "12 pages. Code: https://github.com/lantern-lab/gradient-lanterns",
             "published": "2024-03-04T10:00:00Z"},
        ]
    }  # fmt: skip
    return github, hub, arxiv


def _new_repository(tmp_path: Path) -> Path:
    """A repository that holds the README's workflow and one listing, and nothing else."""
    bare = tmp_path / "papers.git"
    git("init", "-q", "--bare", "-b", "main", str(bare), cwd=tmp_path)
    seed = tmp_path / "papers-seed"
    git("clone", "-q", str(bare), str(seed), cwd=tmp_path)
    git("checkout", "-q", "-b", "main", cwd=seed)
    (seed / ".github" / "workflows").mkdir(parents=True)
    (seed / ".github" / "workflows" / "papers.yml").write_text(readme_workflow(), "utf-8")
    (seed / "listings").mkdir()
    (seed / "listings" / "reading-group.txt").write_text(LISTING, encoding="utf-8")
    git("add", "-A", cwd=seed)
    git("commit", "-qm", "papers we follow", cwd=seed)
    git("push", "-q", "origin", "main", cwd=seed)
    return bare


def _run_new_repository(tmp_path: Path, published: Path, origin: Path, **env: str) -> Job:
    ws, temp = tmp_path / "ws", tmp_path / "temp"
    git("clone", "-q", str(origin), str(ws), cwd=tmp_path)
    temp.mkdir()
    runner_vars = {
        "GITHUB_REPOSITORY": "acme/papers",
        "GITHUB_RUN_ID": "7",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_EVENT_NAME": "schedule",
        "TRACKER_ARXIV_PACE_S": "0",
        "TRACKER_SWH_API_URL": NO_ARCHIVE,
        "TRACKER_WAYBACK_API_URL": NO_ARCHIVE,
        **RUNNER_GIT_ENV,
        **env,
    }
    github = {
        "token": TOKEN,
        "api_url": env["GITHUB_API_URL"],
        "event_name": "schedule",
        "repository": "acme/papers",
    }
    job = Job(ws, temp, base_env(ws, temp, runner_vars), github, actions={PUBLISHED: published})
    workflow = ws / ".github" / "workflows" / "papers.yml"
    (name,) = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
    job.run_workflow(workflow, name)
    return job


def test_the_readme_workflow_runs_in_a_new_repository(tmp_path: Path, published: Path) -> None:
    today = dt.datetime.now(dt.UTC).date()
    github, hub, arxiv = _scenarios(today)
    origin = _new_repository(tmp_path)
    with (
        GitHubEmulator(github) as gh,
        HuggingFaceEmulator(hub) as hf,
        ArxivEmulator(arxiv) as ax,
    ):
        job = _run_new_repository(
            tmp_path,
            published,
            origin,
            GITHUB_API_URL=gh.url,
            HF_ENDPOINT=hf.url,
            TRACKER_ARXIV_API_URL=f"{ax.url}/api/query",
        )
        issues = gh.issues.get("acme/papers", [])
    log = "\n".join(job.log)
    assert job.failed is None, log

    assert "::notice::papers: no file matches listings/*.bib" in log
    out = job.steps["tracker"]["outputs"]
    assert (out["papers"], out["flagged-papers"], out["issue-number"]) == ("2", "1", "1")
    assert [(i["number"], i["state"], i["labels"]) for i in issues] == [
        (1, "open", ["paper-tracker"])
    ]
    body = issues[0]["body"]
    assert "tide-lab/tidal-tokens" in body and "code_placeholder" in body
    assert "Gradient Lanterns" not in body, "enrichment found its code: nothing to flag"
    assert out["issue-url"].endswith("/acme/papers/issues/1"), out["issue-url"]
    assert job.ran[-1] == "Show the counts"
    assert f"1 papers flagged, see {out['issue-url']}" in job.log[-1]
    # the run stored the paper with the code found in arXiv's comment, and the watched feeds
    csv_text = git("show", "tracker-data:papers.csv", cwd=origin)
    assert "https://github.com/lantern-lab/gradient-lanterns" in csv_text
    assert "Tidal Tokens for Streaming Speech" in csv_text
    assert {"Install tracker", "Upload the reports"} <= set(job.skipped)


PIPELINE = [
    "Restore the database",
    "Plan the rate-limit budget",
    "Run the pipeline (read, look beyond the abstract, check, flag)",
]


def _bare_workspace(tmp_path: Path, github: dict[str, Any], **env: str) -> Job:
    """A checkout with no listing at all: only the action, run in place."""
    ws, temp = tmp_path / "ws", tmp_path / "temp"
    ws.mkdir()
    temp.mkdir()
    git("init", "-q", "-b", "main", str(ws), cwd=tmp_path)
    (ws / "action.yml").write_text((ROOT / "action.yml").read_text(encoding="utf-8"), "utf-8")
    return Job(ws, temp, base_env(ws, temp, {**RUNNER_GIT_ENV, **env}), github)


def test_no_listing_and_no_feed_is_a_configuration_error(tmp_path: Path) -> None:
    with GitHubEmulator({}) as gh:
        job = _bare_workspace(tmp_path, {"token": TOKEN, "api_url": gh.url})
        job.run_action_steps(
            PIPELINE, {"papers": "listings/*.txt listings/*.bib", "feeds": "", "data-branch": ""}
        )
    assert job.failed is not None and job.failed.returncode == 5
    assert job.failed.stdout.splitlines() == [
        "::notice::papers: no file matches listings/*.txt",
        "::notice::papers: no file matches listings/*.bib",
        "::error title=No paper listings::no file matches the papers patterns (listings/*.txt "
        f"listings/*.bib) under {job.workspace} and no feed is followed: nothing to track. "
        "Check the patterns (relative to the repository root, after actions/checkout) or name "
        "feeds to follow (feeds: hf:daily).",
    ]
    assert not (job.temp / "tracker" / "data" / "tracker.db").exists()


def test_feeds_alone_are_enough(tmp_path: Path) -> None:
    today = dt.datetime.now(dt.UTC).date()
    _, hub, _ = _scenarios(today)
    with GitHubEmulator({}) as gh, HuggingFaceEmulator(hub) as hf:
        job = _bare_workspace(tmp_path, {"token": TOKEN, "api_url": gh.url}, HF_ENDPOINT=hf.url)
        job.run_action_steps(
            PIPELINE,
            {
                "papers": "listings/*.txt",
                "feeds": "hf:daily",
                "data-branch": "",
                "enrich-budget": "0",
            },
        )
    log = "\n".join(job.log)
    assert job.failed is None, log
    assert "::notice::papers: no file matches listings/*.txt" in log
    assert "papers: 0 listing files" in log
    assert "hf:daily: 1 papers read (1 new)" in log


def test_patterns_reach_any_depth_and_a_file_matched_twice_is_read_once(tmp_path: Path) -> None:
    with GitHubEmulator({}) as gh:
        job = _bare_workspace(tmp_path, {"token": TOKEN, "api_url": gh.url})
        (job.workspace / "listings" / "2024" / "spring").mkdir(parents=True)
        (job.workspace / "listings" / "top.txt").write_text(LISTING, encoding="utf-8")
        deep = job.workspace / "listings" / "2024" / "spring" / "deep.txt"
        deep.write_text(LISTING.replace("Gradient Lanterns", "Quiet Lanterns"), "utf-8")
        job.run_action_steps(
            PIPELINE,
            {
                "papers": "listings/**/*.txt\nlistings/*.txt",
                "data-branch": "",
                "enrich-budget": "0",
            },
        )
    log = "\n".join(job.log)
    assert job.failed is None, log
    assert "papers: 2 listing files" in log and "no file matches" not in log
    assert "2 papers read (2 new)" in log
