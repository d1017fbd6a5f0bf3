"""The fault benchmark at a tiny size: a chaos run leaves, after one clean re-check, the same
facts and verdicts as a clean run, and never makes a live repository look dead."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
bench_faults = pytest.importorskip("bench_faults")


def test_chaos_then_one_clean_recheck_equals_a_clean_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    figures = bench_faults.main(["--repos", "24", "--seed", "3"])
    for transport in ("graphql", "rest"):
        per = figures["transports"][transport]
        assert per["faults_injected"] > 0 and per["facts_compared"] > 24, transport
    assert (figures["identical"], figures["false_dead"], figures["wrong_facts"]) == (True, 0, 0)
