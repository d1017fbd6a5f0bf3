"""The terminal excerpt on the README's first screen is real output of `tracker demo`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.cli.app import Exit

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")

pytestmark = pytest.mark.slow


def _excerpt() -> list[str]:
    """The lines after `$ tracker demo` in the README's console block."""
    found = re.search(r"```console\n\$ tracker demo\n(.*?)```", README, re.S)
    assert found is not None, "the README shows no `tracker demo` output"
    return found[1].splitlines()


def test_the_readme_demo_excerpt_is_what_tracker_demo_prints(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("demo", env={"TMPDIR": str(tmp_path), "COLUMNS": "80"}, cwd=tmp_path)
    assert done.returncode == Exit.OK, done.stderr
    printed = iter(line.rstrip() for line in done.stdout.splitlines())
    excerpt = _excerpt()
    assert len(excerpt) >= 8, "a table and what the run showed"
    missing = [line for line in excerpt if not any(line == shown for shown in printed)]
    assert not missing, (
        "README's demo excerpt is not tracker demo's output (in this order); paste the output "
        f"of COLUMNS=80 tracker demo instead. Not printed: {missing}\n{done.stdout}"
    )
