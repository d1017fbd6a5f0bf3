"""Every workflow and the composite action: actionlint-clean, pinned, least privilege."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = ROOT / "action.yml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict[Any, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def _steps(path: Path) -> list[dict[str, Any]]:
    doc = load(path)
    if path == ACTION:
        return list(doc["runs"]["steps"])
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])]


def _actionlint() -> str:
    found = shutil.which("actionlint")
    if found is None:
        if os.environ.get("TRACKER_CI"):
            pytest.fail("actionlint is not installed but CI expects it (pip install '.[test]')")
        pytest.skip("actionlint is not installed")
    return found


def test_the_workflows_are_the_expected_ones() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "release.yml", "track.yml"]


def test_the_release_workflow_runs_on_version_tags_only_and_may_only_push_tags() -> None:
    doc = load(ROOT / ".github" / "workflows" / "release.yml")
    assert doc[True] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}  # YAML reads `on` as true
    assert doc["concurrency"]["cancel-in-progress"] is False
    assert {name: job["permissions"] for name, job in doc["jobs"].items()} == {
        "major-tag": {"contents": "write"}
    }


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=lambda p: p.name)
def test_every_action_is_pinned_by_sha_with_its_version(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for step in _steps(path):
        uses = step.get("uses")
        if uses is None or uses == "./":
            continue
        assert PINNED.match(uses), f"{path.name}: {uses} is not pinned by commit SHA"
        assert re.search(re.escape(uses) + r" # v\d", text), f"{uses}: say which version it is"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_grant_nothing_by_default_and_never_overlap(path: Path) -> None:
    doc = load(path)
    assert doc["permissions"] == {}
    assert doc["concurrency"]["group"]
    for name, job in doc["jobs"].items():
        assert "permissions" in job, f"job {name} must declare its permissions"
        assert "timeout-minutes" in job


def test_the_scheduled_workflow_runs_daily_by_hand_and_alone() -> None:
    doc = load(ROOT / ".github" / "workflows" / "track.yml")
    triggers = doc[True]  # YAML reads the key `on` as true
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    minute, hour, *rest = triggers["schedule"][0]["cron"].split()
    assert rest == ["*", "*", "*"] and minute.isdigit() and hour.isdigit()
    assert doc["concurrency"]["cancel-in-progress"] is False
    assert doc["jobs"]["track"]["permissions"] == {"contents": "write", "issues": "write"}


def test_composite_steps_take_values_through_env_never_inline() -> None:
    for step in _steps(ACTION):
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], f"{step['name']}: pass values via env (injection)"


def test_actionlint_passes_on_every_workflow() -> None:
    done = subprocess.run(
        [_actionlint(), "-no-color", *map(str, WORKFLOWS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_passes_on_the_composite_actions_steps() -> None:
    """actionlint reads action.yml only for inputs; its steps are checked inside a workflow."""
    action = load(ACTION)
    inputs = {k: {"type": "string", "default": ""} for k in action["inputs"]}
    wrapper = {
        "on": {"workflow_dispatch": {"inputs": inputs}},
        "permissions": {},
        "jobs": {
            "action": {
                "runs-on": "ubuntu-24.04",
                "permissions": {},
                "steps": action["runs"]["steps"],
            }
        },
    }
    done = subprocess.run(
        [_actionlint(), "-no-color", "-stdin-filename", "action.yml", "-"],
        cwd=ROOT,
        input=yaml.safe_dump(wrapper, sort_keys=False),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_passes_on_the_readme_example_workflows() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "\njobs:" in b]
    assert len(examples) == 2, "the README shows the reusable action and the matrix"
    for text in examples:
        done = subprocess.run(
            [_actionlint(), "-no-color", "-stdin-filename", "README.md", "-"],
            cwd=ROOT,
            input=text,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_readme_documents_every_input_and_output_of_the_action() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Use it from another repository", 1)[1].split("\n### ", 1)[0]
    action = load(ACTION)
    for name in [*action["inputs"], *action["outputs"]]:
        assert f"`{name}`" in section, f"README does not document `{name}` of action.yml"
