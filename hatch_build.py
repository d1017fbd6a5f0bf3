"""Build hook: compile extraction and the probes with mypyc when a C compiler works, else build
pure Python.

Extraction runs on every abstract and the probes on every paper a flag run judges, so the wheel
carries them compiled where it can (pyproject.toml lists the modules). A compiler is not something
`pip install .` may assume, though: without one the install must still succeed, as the same code in
pure Python (tests/extract/test_compiled.py and tests/flags/test_compiled.py hold the two to the
same results). The hook decides by compiling a one-line C file that includes Python.h, with the
compiler the build would use (`CC`, else the one Python was built with): that also catches a
compiler without the Python headers. It says in one line which build it chose (`pip install -v .`
shows it; `tracker --version` tells afterwards).

Only when compiling does the build need mypy and hatch-mypyc: `dependencies()` asks for them then,
so a pure build installs neither (nor does a Python too old for the project, which pip then
refuses with its "requires a different Python" message). `HATCH_BUILD_NO_HOOKS=true` skips this hook and builds pure.
"""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from functools import cached_property
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COMPILE_DEPENDENCIES = ["hatch-mypyc==0.16.0", "mypy==2.4.1"]
PROBE = "#include <Python.h>\nint main(void) { return 0; }\n"


def c_compiler_problem() -> str | None:
    """Why no working C compiler is at hand for Python extensions, or None when one is."""
    command = os.environ.get("CC") or sysconfig.get_config_var("CC")
    if not command:
        return "no C compiler configured for this Python"
    include = sysconfig.get_path("include")
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "probe.c")
        with open(source, "w", encoding="ascii") as f:
            f.write(PROBE)
        argv = [*shlex.split(command), f"-I{include}", "-c", source, "-o", source + ".o"]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"no C compiler found ({argv[0]}: {exc.__class__.__name__})"
    if done.returncode:
        return f"the C compiler ({argv[0]}) cannot build Python extensions here"
    return None


class CompileWhenPossible(BuildHookInterface):
    """Delegates to hatch-mypyc's hook when a compiler works; otherwise leaves the wheel pure."""

    PLUGIN_NAME = "custom"

    @cached_property
    def problem(self) -> str | None:
        """Why the wheel is built pure, or None to compile.

        pip installs the build's dependencies, and may build the whole wheel for its metadata,
        before it compares the Python with requires-python: on a Python the project does not
        support, compiling (and installing mypy for it) would fail first and hide pip's clear
        "requires a different Python" refusal.
        """
        python = platform.python_version()
        if not self.metadata.core.python_constraint.contains(python):
            return f"Python {python} is not supported"
        return c_compiler_problem()

    def dependencies(self) -> list[str]:
        return [] if self.problem else COMPILE_DEPENDENCIES

    def _mypyc(self) -> Any:
        from hatch_mypyc.plugin import MypycBuildHook

        return MypycBuildHook(
            self.root,
            self.config,
            self.build_config,
            self.metadata,
            self.directory,
            self.target_name,
            self.app,
        )

    def _say(self, line: str) -> None:
        print(f"tracker: {line}", file=sys.stderr, flush=True)

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        if self.problem:
            self._say(
                f"{self.problem}: installing pure Python (extraction ~1/3 slower, judging ~1/6 slower)"
            )
            return
        mypyc = self._mypyc()
        try:
            mypyc.initialize(version, build_data)
        except Exception as exc:
            mypyc.clean([version])
            first = str(exc).strip().splitlines()[-1:] or [exc.__class__.__name__]
            self._say(f"compiling with mypyc failed ({first[0]}), installing pure Python")
            return
        self._say("C compiler found, extraction and probes compiled with mypyc")

    def clean(self, versions: list[str]) -> None:
        if not self.problem:
            self._mypyc().clean(versions)
