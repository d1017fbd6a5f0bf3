"""`pip install .` succeeds without a C compiler: the wheel is then pure Python, and says so.

With a compiler the build compiles `tracker/extract` (CI installs one, and
tests/extract/test_compiled.py requires the compiled modules there); this test hides the
compiler from a real build of the wheel and checks what comes out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_without_a_compiler_is_pure_python(tmp_path: Path) -> None:
    # A copy: a build writes into the tree it builds (compiled modules, when it compiles).
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "hatch_build.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("tracker", "db"):
        shutil.copytree(
            ROOT / name, source / name, ignore=shutil.ignore_patterns("*.so", "__pycache__")
        )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = {**os.environ, "PATH": str(bin_dir), "CC": "/nonexistent/cc"}
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(tmp_path), "."],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    output = (done.stdout + done.stderr).splitlines()
    said = [line.strip() for line in output if line.strip().startswith("tracker:")]
    assert said == [
        "tracker: no C compiler found (/nonexistent/cc: FileNotFoundError): installing pure Python"
        " (extraction ~1/3 slower, judging ~1/6 slower)"
    ]
    (wheel,) = tmp_path.glob("tracker-*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "tracker/extract/links.py" in names
    assert [n for n in names if n.endswith((".so", ".pyd"))] == []
