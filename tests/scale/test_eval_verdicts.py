"""The verdict evaluation runs end to end on a few scenarios and ends with its figures.

It asserts the shape of the report, not today's accuracy: the labels state the truth, and the
verdict engine is expected to disagree with some of them until it is fixed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "benchmarks" / "verdicts"
PICKED = ("01-zoo-drive-checkpoints", "11-coming-soon-readme", "18-project-page-403")
KEYS = {
    "n_papers", "n_pairs", "wrong_verdicts", "unknown_as_no", "weights_precision",
    "weights_recall", "placeholder_precision", "placeholder_recall",
    "license_mismatch_agreement", "license_restrictive_agreement",
    "baseline_weights_precision", "baseline_weights_recall", "per_run",
}  # fmt: skip


def run_eval(folder: Path, *args: str) -> tuple[list[str], dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "eval_verdicts.py"), "--scenarios", str(folder), *args],
        capture_output=True, text=True, check=True, env=env, cwd=folder, timeout=120,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines()
    return lines[:-1], dict(json.loads(lines[-1]))


def test_three_scenarios_give_every_figure_counted_over_their_runs(tmp_path: Path) -> None:
    for name in PICKED:
        shutil.copy(SCENARIOS / f"{name}.json", tmp_path)
    table, got = run_eval(tmp_path, "--errors")
    assert not KEYS - got.keys()
    assert got["n_papers"] == len(PICKED)
    runs = [len(json.loads((tmp_path / f"{n}.json").read_text())["runs"]) for n in PICKED]
    assert got["n_pairs"] == sum(runs)
    per_run = got["per_run"]
    assert isinstance(per_run, list)
    assert [r["run"] for r in per_run] == list(range(1, max(runs) + 1))
    assert sum(r["pairs"] for r in per_run) == sum(runs)
    assert sum(r["wrong_verdicts"] for r in per_run) == got["wrong_verdicts"]
    for key in ("weights_precision", "weights_recall", "baseline_weights_recall"):
        value = got[key]
        assert value is None or 0.0 <= float(value) <= 1.0, key  # type: ignore[arg-type]
    wrong = [ln for ln in table if " verdict " in ln]
    assert len(wrong) == got["wrong_verdicts"]


def test_every_committed_scenario_has_one_verdict_label_per_run() -> None:
    files = sorted(SCENARIOS.glob("*.json"))
    assert len(files) >= 20
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert len(raw["_expected"]["verdict"]) == len(raw["runs"]), path.name
        assert raw["runs"] == sorted(raw["runs"]), path.name
