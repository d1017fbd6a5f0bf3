"""The mypyc-compiled probes give exactly the judgements their Python sources give.

`pip install .` compiles the probes and the readings they share (pyproject.toml lists the
modules); the tests then run the compiled modules. Compiled code checks the declared types of
what it reads, and a probe that raises answers ERROR instead of its answer (`run_probes`), so a
declared type that the facts do not hold would change verdicts quietly. Here a child process
judges on a copy of the package's Python sources alone, and every varied paper is judged in
both: the whole judgement (each probe's answer, the verdict, the flags, the next due day) must
be the same. In CI (`TRACKER_CI`) the probes must be compiled, so the comparison runs against
what users install; a pure-Python install has nothing to compare.
"""

from __future__ import annotations

import importlib.machinery
import os
import pickle
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO

import pytest
from hypothesis import HealthCheck, given, settings

import tracker
import tracker.flags.facts
import tracker.flags.probes
from tests.flags.test_shared_readings import contexts, papers
from tracker.flags.facts import ProbeContext
from tracker.flags.run import flag_paper
from tracker.models import PaperFacts

COMPILED = tracker.flags.probes.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))

# The child: reads (facts, today, grace, stale) pickles from stdin and writes back the repr of
# each judgement. The context goes as its fields: the parent's `ProbeContext` is compiled.
CHILD = """
import datetime as dt, pickle, struct, sys
import tracker.flags.probes
from tracker.flags.facts import ProbeContext
from tracker.flags.run import flag_paper
assert tracker.flags.probes.__file__.endswith('.py'), tracker.flags.probes.__file__
src, out = sys.stdin.buffer, sys.stdout.buffer
while head := src.read(4):
    facts, today, grace, stale = pickle.loads(src.read(struct.unpack('>I', head)[0]))
    answer = repr(flag_paper(facts, ProbeContext(today, grace, stale))).encode()
    out.write(struct.pack('>I', len(answer)) + answer)
    out.flush()
"""


class _PureJudge:
    """A child process judging with the Python sources, one paper per request."""

    def __init__(self, folder: Path) -> None:
        self.child = subprocess.Popen(
            [sys.executable, "-c", CHILD],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(folder)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def judge(self, facts: PaperFacts, ctx: ProbeContext) -> str:
        data = pickle.dumps((facts, ctx.today, ctx.grace_days, ctx.stale_months))
        stdin, stdout = self._pipes()
        stdin.write(struct.pack(">I", len(data)) + data)
        stdin.flush()
        head = stdout.read(4)
        if len(head) < 4:
            raise AssertionError(self._stderr())
        return stdout.read(struct.unpack(">I", head)[0]).decode()

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        assert self.child.stdin is not None and self.child.stdout is not None
        return self.child.stdin, self.child.stdout

    def _stderr(self) -> str:
        self.child.kill()
        assert self.child.stderr is not None
        return self.child.stderr.read().decode()

    def close(self) -> None:
        self._pipes()[0].close()
        self.child.wait(timeout=30)


@pytest.fixture(scope="module")
def pure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_PureJudge]:
    if not COMPILED:
        pytest.skip("pure-Python install: nothing compiled to compare")
    folder = tmp_path_factory.mktemp("pure")
    shutil.copytree(
        Path(tracker.__file__).parent,
        folder / "tracker",
        ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"),
    )
    judge = _PureJudge(folder)
    yield judge
    judge.close()


def test_ci_runs_the_compiled_probes() -> None:
    if not os.environ.get("TRACKER_CI"):
        pytest.skip("outside CI the install may be pure Python (editable or without hooks)")
    for module in (tracker.flags.probes, tracker.flags.facts):
        assert module.__file__ is not None
        assert module.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)), module


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=papers, ctx=contexts)
def test_compiled_and_python_probes_judge_alike(
    pure: _PureJudge, facts: PaperFacts, ctx: ProbeContext
) -> None:
    expected = pure.judge(facts, ctx)
    got = flag_paper(replace(facts), replace(ctx))
    assert repr(got) == expected
    assert "ERROR" not in expected  # a probe that failed in both would compare equal
