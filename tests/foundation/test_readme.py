"""The README and the real CLI agree: every command and option documented, nothing invented."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main

from tracker.cli import all_commands

app = all_commands()

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, Any]:
    """Every leaf command by its full path, e.g. `db upgrade`."""
    root = typer.main.get_command(app)
    found: dict[str, Any] = {}

    def walk(cmd: Any, path: list[str]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
        else:
            found[" ".join(path)] = cmd

    walk(root, [])
    return found


COMMANDS = _commands()


def _options(cmd: Any) -> set[str]:
    return {
        o for p in cmd.params if p.param_type_name == "option" for o in p.opts + p.secondary_opts
    }


def _shell_lines() -> list[str]:
    """The lines of the README's shell code blocks (fences opened with no language, bash, sh
    or console), each fence paired with the one that closes it."""
    lines, shell, inside = [], False, False
    for line in README.splitlines():
        if line.startswith("```"):
            shell = not inside and line[3:].strip() in ("", "bash", "sh", "console")
            inside = not inside
        elif inside and shell:
            lines.append(line)
    return lines


def _readme_invocations() -> list[list[str]]:
    """`tracker ...` lines inside the README's code blocks."""
    calls = []
    for line in _shell_lines():
        for part in re.split(r"&&|\|", line.split("#", 1)[0].strip()):
            words = shlex.split(part.strip()) if part.strip() else []
            if words[:1] == ["tracker"]:
                calls.append(words[1:])
    return calls


def _resolve(words: list[str]) -> tuple[str, list[str]]:
    for n in (2, 1):
        name = " ".join(words[:n])
        if name in COMMANDS:
            return name, words[n:]
    raise AssertionError(f"README uses an unknown command: tracker {' '.join(words)}")


def test_readme_opens_with_the_two_commands() -> None:
    first_block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert first_block is not None
    lines = [ln for ln in first_block.group(1).splitlines() if ln.strip()]
    assert lines == [
        "pip install . && tracker run examples/hf-trending.txt",
        "pip install '.[test]' && pytest",
    ]
    assert (Path(__file__).resolve().parents[2] / "examples" / "hf-trending.txt").is_file()


def test_readme_examples_use_real_commands_and_options() -> None:
    calls = _readme_invocations()
    assert calls, "the README shows no tracker command"
    for words in calls:
        name, rest = _resolve(words)
        known = _options(COMMANDS[name])
        for word in rest:
            if word.startswith("-") and word != "-":
                assert word.split("=", 1)[0] in known, f"tracker {name}: no option {word}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_is_documented(name: str) -> None:
    assert f"tracker {name}" in README, f"README does not document `tracker {name}`"
    for opt in sorted(_options(COMMANDS[name]) - {"--help", "-h"}):
        if opt.startswith("--"):
            assert opt in README, f"README does not mention {opt} of `tracker {name}`"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_help_has_an_example(name: str) -> None:
    help_text = COMMANDS[name].help or ""
    assert "Example:" in help_text and f"tracker {name}" in help_text


def test_the_probe_table_is_the_probes_own_definitions() -> None:
    """The README's probe table is generated from `PROBES` (`probe_table()`): a definition is
    written once, in the code, and the README cannot drift from what `tracker show` says."""
    from tracker.flags.probes import probe_table

    assert probe_table() in README, (
        "README's probe table differs from the probes' definitions; paste the output of "
        "python -c 'from tracker.flags.probes import probe_table; print(probe_table())'"
    )


def test_the_checklist_table_is_the_items_own_definitions() -> None:
    """The README's checklist item table is generated from `ITEMS` (`item_table()`), like the
    probe table: the definitions `tracker flag --help` and `tracker show` use are the README's."""
    from tracker.flags.checklist_items import item_table

    assert item_table() in README, (
        "README's checklist table differs from the item definitions; paste the output of "
        "python -c 'from tracker.flags.checklist_items import item_table; print(item_table())'"
    )
