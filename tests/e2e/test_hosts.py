"""A paper per code host through the real command line, every host a local emulator.

`tracker run` ingests one listing whose papers put their code on GitHub, GitLab (gitlab.com and
a self-hosted instance), Codeberg, Bitbucket, a Hugging Face Space and Zenodo; `--connect-to`
sends each host to its emulator. A second check confirms what died; `tracker export` then shows
each paper's verdict as its scenario says: code available, placeholder, dead link, or unknown
when an instance answers a web page instead of its API.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tracker.emulators.bitbucket import BitbucketEmulator
from tracker.emulators.gitea import GiteaEmulator
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.gitlab import GitLabEmulator
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.emulators.zenodo import ZenodoEmulator
from tracker.reports.json_export import DOCUMENT_SCHEMA

TOKEN = "ghp_HostsTestToken000000000000000000"
CODE = {
    "README.md": "# Tool\nRun `python train.py`.\n",
    "train.py": "import torch\n",
    "src/model.py": "class Net: ...\n",
    "LICENSE": "MIT License\n",
}
SOON = {"README.md": "# Tool\nCode coming soon. Stay tuned!\n"}
PAPERS = {
    "2501.00001": ("GitHub", "Code: https://github.com/lab-a/tool", "available"),
    "2501.00002": ("GitLab", "Code: https://gitlab.com/lab-b/group/tool", "placeholder"),
    "2501.00003": ("Codeberg", "Code: https://codeberg.org/lab-c/tool", "available"),
    "2501.00004": ("Bitbucket", "Code: https://bitbucket.org/lab-d/gone", "dead"),
    "2501.00005": (
        "Space",
        "Code is available at https://huggingface.co/spaces/lab-e/tool.",
        "available",
    ),
    "2501.00006": (
        "Zenodo",
        "The code is archived at https://doi.org/10.5281/zenodo.4242.",
        "available",
    ),
    "2501.00007": ("Instance", "Code: https://gitlab.lab.example.org/lab-f/tool", "unknown"),
}


@pytest.fixture
def hosts() -> Iterator[dict[str, Any]]:
    github = {
        "now": "2025-01-20T00:00:00Z",
        "repos": [
            {
                "owner": "lab-a",
                "name": "tool",
                "license": "MIT",
                "created_at": "2025-01-01T00:00:00Z",
                "files": {k: v for k, v in CODE.items() if k != "README.md"},
                "readme": CODE["README.md"],
            }
        ],
        "tokens": {TOKEN: "tester"},
    }
    with ExitStack() as stack:
        yield {
            "github": stack.enter_context(GitHubEmulator(github)),
            "hub": stack.enter_context(
                HuggingFaceEmulator({"spaces": {"lab-e/tool": {"files": CODE, "license": "mit"}}})
            ),
            "gitlab.com": stack.enter_context(
                GitLabEmulator({"projects": {"lab-b/group/tool": {"files": SOON}}})
            ),
            "gitlab.lab.example.org": stack.enter_context(GitLabEmulator({"mode": "html"})),
            "codeberg.org": stack.enter_context(
                GiteaEmulator({"repos": {"lab-c/tool": {"files": CODE, "licenses": ["MIT"]}}})
            ),
            "api.bitbucket.org": stack.enter_context(BitbucketEmulator({"repos": {}})),
            "zenodo.org": stack.enter_context(
                ZenodoEmulator(
                    {
                        "records": {
                            "4242": {
                                "resource_type": "software",
                                "license": "mit",
                                "files": {"README.md": "# Tool\n", "tool.zip": CODE},
                            }
                        }
                    }
                )
            ),
        }


def _listing(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "abstract", "arxiv_id"])
        for arxiv_id, (name, abstract, _) in PAPERS.items():
            writer.writerow([f"A tool whose code is on {name}", abstract, arxiv_id])
    return path


def test_a_paper_per_host_reaches_its_verdict(
    tmp_path: Path, cli: Any, hosts: dict[str, Any]
) -> None:
    db = str(tmp_path / "hosts.db")
    routes = [
        arg
        for host, emu in hosts.items()
        if "." in host
        for arg in ("--connect-to", f"{host}={emu.url}")
    ]
    services = ["--github-api-url", hosts["github"].url, "--hf-endpoint", hosts["hub"].url]
    env = {"GITHUB_TOKEN": TOKEN}
    listing = str(_listing(tmp_path / "papers.csv"))
    first = cli("run", listing, "--db", db, "--no-enrich", *services, *routes, env=env)
    assert first.returncode == 6, first.stderr  # the instance's answer is unknown
    assert "7 repositories checked" in first.stderr
    again = cli("check", "--db", db, "--max-age", "0", *services, *routes, env=env)
    assert again.returncode == 6, again.stderr
    assert cli("flag", "--db", db).returncode == 0
    exported = cli("export", "--db", db, "--format", "json")
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    jsonschema.validate(document, DOCUMENT_SCHEMA, format_checker=jsonschema.FormatChecker())
    papers = {p["arxiv_id"]: p for p in document["papers"]}
    assert {k: p["verdict_kind"] for k, p in papers.items()} == {
        k: verdict for k, (_, _, verdict) in PAPERS.items()
    }
    instance = papers["2501.00007"]["links"][0]
    assert instance["repo_status"] == "unknown"
    assert any(r.requests for r in (hosts["gitlab.com"], hosts["codeberg.org"]))
