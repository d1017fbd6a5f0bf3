"""`--format` is an output format wherever it appears; the format of a listing read by `ingest`
and `run` is `--input-format`, a usage error when unknown, before anything is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.foundation.test_readme import COMMANDS
from tracker.cli.app import Exit
from tracker.sources import FORMATS

BIB = "@article{a,\n  title = {Sparse Widgets},\n  eprint = {2501.00001},\n}\n"


def _option(command: str, name: str):  # type: ignore[no-untyped-def]
    return next((p for p in COMMANDS[command].params if name in p.opts), None)


@pytest.mark.parametrize("command", ["ingest", "run"])
def test_reading_commands_take_input_format_and_no_format(command: str) -> None:
    assert _option(command, "--format") is None
    option = _option(command, "--input-format")
    assert option is not None and not option.hidden
    named = re.findall(r"\b[a-z]+_[a-z_]+\b|\b(?:bibtex|csv|pdf)\b", option.help)
    assert sorted(named) == sorted(FORMATS), "the help lists the formats tracker.sources reads"


def test_every_format_option_left_is_an_output_format() -> None:
    having = sorted(name for name in COMMANDS if _option(name, "--format") is not None)
    assert having == ["diff", "export", "report", "show"]
    for name in having:
        assert _option(name, "--format").help == "Output format."


@pytest.mark.parametrize("command", ["ingest", "run"])
def test_the_old_spelling_is_a_usage_error_that_names_the_new_one(
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
    command: str,
) -> None:
    (tmp_path / "refs.txt").write_text(BIB, encoding="utf-8")
    done = cli(command, "refs.txt", "--format", "bibtex", "--db", "t.db", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (Exit.USAGE, "")
    assert done.stderr.splitlines()[-1] == (
        "Error: No such option: --format (Possible options: --input-format)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.txt"]


@pytest.mark.parametrize("command", ["ingest", "run"])
def test_an_unknown_input_format_is_a_usage_error_listing_the_formats(
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
    command: str,
) -> None:
    (tmp_path / "refs.txt").write_text(BIB, encoding="utf-8")
    done = cli(command, "refs.txt", "--input-format", "bibtext", "--db", "t.db", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (Exit.USAGE, "")
    assert done.stderr.splitlines()[-1] == (
        "Error: Invalid value for --input-format: unknown input format bibtext; choose from "
        f"{', '.join(FORMATS)}"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.txt"]


def test_run_reads_every_file_as_the_input_format_says(
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    (tmp_path / "refs.txt").write_text(BIB, encoding="utf-8")
    offline = ("--no-enrich", "--no-check", "--db", "t.db")
    as_ids = cli("run", "refs.txt", "--input-format", "id_list", *offline, cwd=tmp_path)
    assert as_ids.returncode == Exit.BAD_INPUT, as_ids.stderr
    assert "refs.txt: no papers found" in as_ids.stderr
    as_bib = cli("run", "refs.txt", "--input-format", "bibtex", *offline, cwd=tmp_path)
    assert as_bib.returncode == Exit.OK, as_bib.stderr
    shown = cli("show", "2501.00001", "--format", "json", "--db", "t.db", cwd=tmp_path)
    assert shown.returncode == Exit.OK, shown.stderr
    assert '"title": "Sparse Widgets"' in shown.stdout
