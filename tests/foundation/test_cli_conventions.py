"""Command-line conventions: `--version`, flags shown and parsed as flags."""

from __future__ import annotations

import importlib.machinery
import re
import tomllib
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

import tracker
import tracker.extract
from tests.foundation.test_readme import COMMANDS
from tracker.cli import COMMANDS as MODULE_OF
from tracker.cli import all_commands
from tracker.cli.app import Exit

app = all_commands()

ROOT = Path(__file__).resolve().parents[2]


def test_version_names_the_release_and_the_build(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert tracker.__version__ == project["version"]
    compiled = tracker.extract.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    done = cli("--version", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (
        Exit.OK,
        f"tracker {project['version']} "
        f"({'extraction and probes compiled' if compiled else 'pure Python'})\n",
        "",
    )


@pytest.mark.parametrize("name", ["", *sorted(COMMANDS)])
def test_help_shows_flags_without_a_value_type(name: str) -> None:
    words = name.split()
    done = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert done.exit_code == 0, done.output
    assert "<bool>" not in done.output
    assert re.search(r"│\s+--help\s+-h\s+Show this message and exit\.", done.output)
    command = COMMANDS.get(name) or typer.main.get_command(app)
    for param in command.params:
        if getattr(param, "is_flag", False) and param.opts[0] != "--help":
            short = "".join(rf"{o}\s+" for o in param.opts[1:])
            help_start = re.escape(param.help[:20])
            assert re.search(rf"│\s+{param.opts[0]}\s+{short}{help_start}", done.output)


def test_a_flag_followed_by_true_is_a_usage_error(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "true").write_text("2501.00001\n", encoding="utf-8")
    done = cli("ingest", "examples.txt", "--strict", "true", cwd=tmp_path)
    # The fixture runs `python -m tracker`, the name the usage line then shows.
    stderr = done.stderr.replace("python -m tracker", "tracker")
    assert (done.returncode, done.stdout, stderr) == (
        Exit.USAGE,
        "",
        "Usage: tracker ingest [OPTIONS] [sources]...\n"
        "Try 'tracker ingest -h' for help.\n\n"
        "Error: Invalid value for --strict: a flag takes no value: write --strict alone, or leave "
        "it out ('true' would be read as an argument)\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["true"]
    nested = cli("db", "upgrade", "--db", "x.db", cwd=tmp_path)
    assert nested.returncode == 0, nested.stderr
    report = cli("report", "--desc", "no", "--db", "x.db", cwd=tmp_path)
    assert report.returncode == Exit.USAGE
    assert report.stderr.splitlines()[-1] == (
        "Error: Invalid value for --desc: a flag takes no value: write --desc alone, or leave it "
        "out ('no' would be read as an argument)"
    )
    after = cli("ingest", "true", "--strict", "--db", "x.db", cwd=tmp_path)
    assert after.returncode == 0, after.stderr


def test_each_command_is_registered_by_the_module_main_imports_for_it() -> None:
    registered = {
        c.name or c.callback.__name__: c.callback.__module__ for c in app.registered_commands
    }  # type: ignore[union-attr]
    for group in app.registered_groups:
        registered[group.name] = group.typer_instance.registered_commands[0].callback.__module__  # type: ignore[union-attr,index]
    assert registered == {name: f"tracker.cli.{module}" for name, module in MODULE_OF.items()}
