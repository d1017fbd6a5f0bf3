"""The sharded workflows of the README (shard databases merged) and of docs/scale.md (one
PostgreSQL server): each parses and passes actionlint, its matrix gives every shard 1..N exactly
once, and the PostgreSQL variant writes every job to the one server and flags after the checks."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.action.test_workflow_files import _actionlint
from tracker.check.shard import Shard, parse_shard

ROOT = Path(__file__).resolve().parents[2]
DOCS = {name: (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "docs/scale.md")}
SHARD_ARG = re.compile(r'--shard "\$SHARD/(\d+)"')


def blocks() -> dict[str, str]:
    """Every documented workflow that runs `tracker check --shard`, by its name."""
    found = [
        b
        for text in DOCS.values()
        for b in re.findall(r"```yaml\n(.*?)```", text, re.S)
        if "--shard" in b
    ]
    return {yaml.safe_load(b)["name"]: b for b in found}


def sharded() -> dict[str, dict[str, Any]]:
    return {name: yaml.safe_load(text) for name, text in blocks().items()}


def _runs(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if "run" in s]


def test_both_variants_are_documented() -> None:
    assert set(sharded()) == {"track-sharded", "track-sharded-postgres"}


@pytest.mark.parametrize("name", ["track-sharded", "track-sharded-postgres"])
def test_the_matrix_covers_every_shard_exactly_once(name: str) -> None:
    spec = sharded()[name]
    jobs = [j for j in spec["jobs"].values() if "strategy" in j]
    assert len(jobs) == 1
    job = jobs[0]
    shards = job["strategy"]["matrix"]["shard"]
    step = next(s for s in _runs(job) if "--shard" in s["run"])
    (n,) = {int(x) for x in SHARD_ARG.findall(step["run"])}
    assert step["env"]["SHARD"] == "${{ matrix.shard }}"
    assert sorted(shards) == list(range(1, n + 1))
    assert len(shards) == len(set(shards))
    assert [parse_shard(f"{k}/{n}") for k in shards] == [Shard(k, n) for k in shards]


def test_the_postgres_variant_writes_every_job_to_the_server_and_flags_last() -> None:
    spec = sharded()["track-sharded-postgres"]
    assert spec["permissions"] == {}
    assert "TRACKER_DB" not in spec.get("env", {})
    for job in spec["jobs"].values():
        for step in _runs(job):
            assert step["env"]["TRACKER_DB"] == "${{ secrets.TRACKER_DB }}"
            assert "tracker merge" not in step["run"] and "upload-artifact" not in str(job)
    jobs = spec["jobs"]
    assert jobs["check"]["needs"] == "ingest" and jobs["report"]["needs"] == "check"
    report = " ".join(s["run"] for s in _runs(jobs["report"]))
    assert report.index("tracker flag") < report.index("tracker action summary")


def test_actionlint_passes_on_the_postgres_variant() -> None:
    done = subprocess.run(
        [_actionlint(), "-no-color", "-stdin-filename", "docs/scale.md", "-"],
        cwd=ROOT,
        input=blocks()["track-sharded-postgres"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
