"""The evaluation script on our own labeled abstracts: its report and its figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"link_precision", "link_recall", "link_f1", "kind_acc", "role_acc", "code_acc",
        "weights_acc", "data_acc", "n"}  # fmt: skip


def evaluate(labels: Path) -> tuple[str, dict[str, float]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "eval_extraction.py"), str(labels)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return done.stdout, json.loads(done.stdout.strip().splitlines()[-1])


def test_extra_labels_meet_the_acceptance_targets() -> None:
    report, figures = evaluate(ROOT / "tests" / "data" / "extra-labels.jsonl")
    assert set(figures) == KEYS
    assert figures["n"] == 51
    assert figures["link_f1"] >= 0.97 and figures["kind_acc"] >= 0.97
    assert min(figures["code_acc"], figures["weights_acc"], figures["data_acc"]) >= 0.93
    assert "label \\ got" in report and "mentioned_no_link" in report


def test_a_wrong_label_lowers_the_scores(tmp_path: Path) -> None:
    label = {
        "id": "t1",
        "title": "T",
        "abstract": "Code is at https://github.com/o/r. We will release the weights soon.",
        "links": [{"url": "https://github.com/o/other", "kind": "github_repo", "role": "code"}],
        "code_status": "none",
        "weights_status": "promised",
        "data_status": "none",
        "extra_field": "ignored",
    }
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(label) + "\n")
    _, figures = evaluate(path)
    assert figures == {
        "link_precision": 0.0, "link_recall": 0.0, "link_f1": 0.0, "kind_acc": 1.0,
        "role_acc": 1.0, "code_acc": 0.0, "weights_acc": 1.0, "data_acc": 1.0, "n": 1,
    }  # fmt: skip
