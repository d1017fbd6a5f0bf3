"""Listings built to break the reader: XML entities that multiply (billion laughs) and JSON
nested past any use. Each is bad input with the file and line named (exit 3 from the command
line), or one skipped entry in a line-per-entry file; never a traceback or a hang."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tracker.errors import InputError


def test_an_atom_listing_with_multiplying_entities_is_refused(read: Any) -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE feed [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<feed>&b;</feed>\n'
    )
    with pytest.raises(InputError, match=r"bomb\.xml:\d+: refused unsafe XML"):
        read("bomb.xml", bomb)


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.json", DEEP),
        ("deep.json", '{"title": "x",\n "abstract": ' + DEEP + "}"),
    ],
)
def test_json_nested_beyond_any_use_is_an_input_error(read: Any, name: str, content: str) -> None:
    with pytest.raises(InputError, match=r"deep\.json:1: not valid JSON here: nested too deeply"):
        read(name, content)


def test_a_json_line_nested_too_deeply_is_a_skipped_entry(read: Any) -> None:
    good = '{"title": "A Paper", "summary": "Text."}'
    records, stats = read("deep.jsonl", f'{good}\n{{"title": "x", "y": {DEEP}}}\n{good}\n')
    assert (len(records), stats.skipped) == (2, 1)


def test_deep_json_through_the_command_line_exits_3_without_a_traceback(
    tmp_path: Path, cli: Any
) -> None:
    listing = tmp_path / "deep.json"
    listing.write_text(DEEP, encoding="utf-8")
    ran = cli("ingest", str(listing), "--db", f"sqlite:///{tmp_path / 't.db'}")
    assert ran.returncode == 3, ran.stderr
    assert "deep.json:1" in ran.stderr and "nested too deeply" in ran.stderr
    assert "Traceback" not in ran.stderr and "RecursionError" not in ran.stderr
