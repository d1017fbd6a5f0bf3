"""Handles and tables through the real command line: the README's `show` and `ack` examples on
the README's own example data, ambiguous and unknown names, and `report`/`run` at 80 and 160
columns."""

from __future__ import annotations

import csv
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from tracker.cli.app import Exit
from tracker.handles import paper_handle
from tracker.reports.table import ROWS_SHOWN

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hf-trending.txt"
README = (ROOT / "README.md").read_text(encoding="utf-8")
SPARSE = "title:sparse routing makes small transformers reason longer"
CALIBRATED = "title:calibrated retrieval for open domain question answering"


def readme_lines(command: str) -> list[list[str]]:
    """The `tracker COMMAND ...` lines in the code blocks of the README's section on that
    command, as argument lists."""
    section = README.split(f"### `tracker {command}`\n", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    return [
        shlex.split(line, comments=True)[1:]
        for block in blocks
        for line in block.splitlines()
        if line.startswith(f"tracker {command} ")
    ]


@pytest.fixture
def example_db(tmp_path: Path, cli: Any) -> str:
    """The README's example listing, ingested and flagged (no network needed for either)."""
    db = f"sqlite:///{tmp_path / 'example.db'}"
    for args in (("ingest", str(EXAMPLE)), ("flag",)):
        done = cli(*args, "--db", db, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    return db


def test_the_readme_show_examples_work_on_the_example_data(
    example_db: str, tmp_path: Path, cli: Any
) -> None:
    examples = readme_lines("show")
    assert examples, "the README shows no `tracker show` example"
    for args in examples:
        done = cli(*args, "--db", example_db, cwd=tmp_path)
        assert done.returncode == 0, (args, done.stderr)
        if "json" in args:
            doc = json.loads(done.stdout)
            assert (doc["key"], doc["handle"]) == (SPARSE, paper_handle(SPARSE))
        else:
            head = done.stdout.splitlines()
            assert head[0] == "Sparse Routing Makes Small Transformers Reason Longer"
            assert head[1].startswith(f"{paper_handle(SPARSE)}  {SPARSE}  published")


def test_the_readme_ack_examples_work_on_the_example_data(
    example_db: str, tmp_path: Path, cli: Any
) -> None:
    examples = readme_lines("ack")
    assert [a[3:] for a in examples] == [
        ["--note", "code is on GitLab"],
        ["--remove"],
    ]
    said = []
    for args in examples:
        done = cli(*args, "--db", example_db, cwd=tmp_path)
        assert done.returncode == 0, (args, done.stderr)
        said.append(done.stderr.strip())
    target = f"on {paper_handle(CALIBRATED)} ({CALIBRATED})"
    assert said == [
        f"recorded acknowledgement of code_promised_missing {target}",
        f"removed acknowledgement of code_promised_missing {target}",
    ]


def test_a_shared_prefix_lists_the_papers_and_exits_with_the_usage_code(
    example_db: str, tmp_path: Path, cli: Any
) -> None:
    # "Twin Paper 1438813" has the handle 0qhvw0j7: it shares "0qhv" with the Sparse Routing
    # paper's 0qhv3xj9 (found by trying numbered titles)
    twin = tmp_path / "twin.csv"
    twin.write_text("title,abstract\nTwin Paper 1438813,We study things.\n", encoding="utf-8")
    assert cli("ingest", str(twin), "--db", example_db, cwd=tmp_path).returncode == 0
    done = cli("show", "0qhv", "--db", example_db, cwd=tmp_path)
    assert done.returncode == Exit.USAGE, done.stderr
    assert "'0qhv' names 2 papers; type more of the handle" in done.stderr
    assert "0qhv3xj9  Sparse Routing Makes Small Transformers Reason Longer" in done.stderr
    assert "0qhvw0j7  Twin Paper 1438813" in done.stderr
    assert cli("show", "0qhvw", "--db", example_db, cwd=tmp_path).returncode == 0
    done = cli("ack", "0qhv", "unknown", "--db", example_db, cwd=tmp_path)
    assert done.returncode == Exit.USAGE, done.stderr


def test_exports_carry_the_handle_the_tables_show(
    example_db: str, tmp_path: Path, cli: Any
) -> None:
    done = cli("export", "--format", "jsonl", "--db", example_db, cwd=tmp_path)
    papers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(papers) == 7
    assert all(p["handle"] == paper_handle(p["key"]) for p in papers)
    table = cli("report", "--db", example_db, cwd=tmp_path, env={"COLUMNS": "80"}).stdout
    assert all(f"{p['handle']}   " in table for p in papers)


def test_an_unknown_paper_exits_3(example_db: str, tmp_path: Path, cli: Any) -> None:
    done = cli("show", "2401.00001", "--db", example_db, cwd=tmp_path)
    assert done.returncode == Exit.BAD_INPUT
    assert "2401.00001: no such paper in the database" in done.stderr


def _listing(path: Path, n: int) -> Path:
    """`n` papers, each claiming code in its abstract, with long titles."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["title", "abstract"])
        for i in range(n):
            out.writerow(
                [
                    f"Paper {i}: Scaling Sparse Mixture-of-Experts Routing for Long-Horizon "
                    "Household Robot Tasks",
                    f"We study things. Our code is at https://github.com/lab-{i}/project-{i}.",
                ]
            )
    return path


@pytest.fixture
def papers_88(tmp_path: Path, cli: Any) -> str:
    db = f"sqlite:///{tmp_path / 'p88.db'}"
    listing = _listing(tmp_path / "p88.csv", 88)
    done = cli(
        "run", str(listing), "--db", db, "--no-enrich", "--no-check", cwd=tmp_path,
        env={"COLUMNS": "80"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(ln) for ln in lines) <= 80
    assert lines[-1] == f"{88 - ROWS_SHOWN} more — use --limit N to show N, --limit 0 for all"
    return db


def test_88_papers_at_80_columns(papers_88: str, tmp_path: Path, cli: Any) -> None:
    """The issue counted 1,307 lines for 88 papers at 80 columns."""
    everything = cli(
        "report", "--db", papers_88, "--limit", "0", cwd=tmp_path, env={"COLUMNS": "80"}
    )
    assert everything.returncode == 0, everything.stderr
    lines = everything.stdout.splitlines()
    assert len(lines) <= 100
    assert max(len(ln) for ln in lines) <= 80
    rows = [ln for ln in lines if re.match(r"[0-9a-z]{8}   Paper \d+: Scaling Sparse", ln)]
    assert len(rows) == 88
    assert all(re.search(r" for…\s+unknown$", ln) for ln in rows)  # cut where a word ends
    assert lines[:2] == [
        "88 papers: 88 claim released code · 0 verified · 88 not checked",
        "not checked: --no-check, no network or token, a rate limit, an error answer",
    ]
    shown = cli("report", "--db", papers_88, cwd=tmp_path, env={"COLUMNS": "80"})
    assert shown.stdout.splitlines()[-1] == "38 more — use --limit N to show N, --limit 0 for all"
    assert len(shown.stdout.splitlines()) < len(lines)


def test_the_wide_layout_at_160_columns(papers_88: str, tmp_path: Path, cli: Any) -> None:
    done = cli("report", "--db", papers_88, "--limit", "5", cwd=tmp_path, env={"COLUMNS": "160"})
    lines = done.stdout.splitlines()
    header = next(ln for ln in lines if ln.startswith("handle"))
    assert header.split() == ["handle", "paper", "verdict", "flags", "code"]
    assert max(len(ln) for ln in lines) <= 160
    assert "https://github.com/lab-0/project-0" in lines[lines.index(header) + 2]
    narrow = cli(
        "report",
        "--db",
        papers_88,
        "--limit",
        "5",
        "--narrow",
        cwd=tmp_path,
        env={"COLUMNS": "160"},
    )
    assert next(ln for ln in narrow.stdout.splitlines() if ln.startswith("handle")).split() == [
        "handle", "paper", "verdict",
    ]  # fmt: skip
