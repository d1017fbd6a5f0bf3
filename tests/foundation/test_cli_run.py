"""`tracker run` end to end through the real entry point, on real SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tracker.cli.app import Exit
from tracker.store.engine import normalize_url

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hf-trending.txt"
TABLES = ("paper", "link", "repository", "repo_history", "check_attempt", "finding", "ingest_run")

LISTING = (
    "new\r\n\r\nGet trending papers in your email inbox!\r\n\r\nSubscribe\r\n\r\n"
    "byAK and the research community\r\n\r\nMar 3\r\n\r\n"
    "A Tiny Paper About Graphs\r\n\r\n"
    "We present a method for graphs that scales to billions of edges while keeping memory flat, "
    "and we evaluate it on six benchmarks. Code: github.com/acme/tiny-graphs.git.\r\n\r\n"
    "Another Paper Without Links\r\n"
    "This abstract follows its title without a blank line and has no link at all; it is long "
    "enough to read like a real abstract, with several clauses and a conclusion.\r\n"
)


def dump(db_url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to prove a command changed nothing."""
    engine = create_engine(normalize_url(db_url))
    with engine.connect() as conn:
        out = {
            t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
            for t in TABLES
        }
    engine.dispose()
    return out


def test_readme_main_command_in_a_fresh_directory(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    first = cli("run", str(EXAMPLE), cwd=tmp_path)
    assert first.returncode in (0, 6), first.stderr
    assert (tmp_path / "tracker.db").is_file()
    assert "Sparse Routing" in first.stdout
    assert "https://github.com/example-lab/sparse-routing" in first.stdout
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    before = dump(url)
    assert len(before["paper"]) == 7
    second = cli("run", str(EXAMPLE), cwd=tmp_path)
    assert second.returncode == first.returncode
    assert dump(url) == before


def test_listing_with_chrome_crlf_and_missing_blank_line(tmp_path: Path, db_url: str, cli) -> None:  # type: ignore[no-untyped-def]
    listing = tmp_path / "listing.txt"
    listing.write_bytes(LISTING.encode())
    result = cli("ingest", str(listing), "--db", db_url)
    assert result.returncode == 0, result.stderr
    rows = dump(db_url)
    assert [r[0] for r in _titles(db_url)] == [
        "A Tiny Paper About Graphs",
        "Another Paper Without Links",
    ]
    assert [(r[0], r[1]) for r in _links(db_url)] == [
        ("https://github.com/acme/tiny-graphs", "github.com/acme/tiny-graphs.git.")
    ]
    assert len(rows["ingest_run"]) == 1


def _titles(db_url: str) -> list[tuple[object, ...]]:
    engine = create_engine(normalize_url(db_url))
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT title FROM paper ORDER BY id"))]
    engine.dispose()
    return rows


def _links(db_url: str) -> list[tuple[object, ...]]:
    engine = create_engine(normalize_url(db_url))
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT url, raw FROM link ORDER BY id"))]
    engine.dispose()
    return rows


def test_stdin_source(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'x.db'}"
    result = cli("ingest", "-", "--db", db, stdin=LISTING)
    assert result.returncode == 0, result.stderr
    assert len(_titles(db)) == 2


BAD_INPUTS = {
    "missing": (None, "no such file"),
    "directory": ("DIR", "is a directory"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00binary\x00\x00stuff", "binary"),
    "invalid_utf8": (
        b"A Title\n\nAn abstract with a bad byte \xff\xfe here and more text.\n",
        "invalid UTF-8",
    ),
    "empty": (b"", "is empty"),
    "no_papers": (b"Subscribe\n\nnew\n", "no papers found"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_3_and_database_unchanged(
    case: str,
    tmp_path: Path,
    db_url: str,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    assert cli("ingest", str(EXAMPLE), "--db", db_url).returncode == 0
    before = dump(db_url)
    content, message = BAD_INPUTS[case]
    bad = tmp_path / f"bad-{case}.txt"
    if content == "DIR":
        bad.mkdir()
    elif content is not None:
        bad.write_bytes(content)
    # The good file first: its papers must not be kept when the second file fails.
    good = tmp_path / "good.txt"
    good.write_text(LISTING, encoding="utf-8")
    result = cli("run", str(good), str(bad), "--db", db_url)
    assert result.returncode == 3
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 2, result.stderr
    assert str(bad) in lines[0] and message in lines[0]
    assert lines[1] == f"exit 3: {Exit.BAD_INPUT.meaning}"
    assert "Traceback" not in result.stderr
    assert dump(db_url) == before


def test_invalid_utf8_names_the_line(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Title one\n\nAbstract one is fine.\n\nTitle two\n\nBroken \xff abstract.\n")
    result = cli("ingest", str(bad), "--db", f"sqlite:///{tmp_path / 'd.db'}")
    assert result.returncode == 3
    assert f"{bad}:7:" in result.stderr


def test_export_csv_round_trip(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert cli("ingest", str(EXAMPLE), "--db", db).returncode == 0
    out = tmp_path / "papers.csv"
    result = cli("export", "--format", "csv", "-o", str(out), "--db", db)
    assert result.returncode == 0, result.stderr
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == 7
    assert rows[0]["title"] == "Sparse Routing Makes Small Transformers Reason Longer"
    assert rows[0]["links"] == "https://github.com/example-lab/sparse-routing"


def test_unreachable_database_is_exit_4(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("ingest", str(EXAMPLE), "--db", f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    assert result.returncode == 4
    assert "database" in result.stderr and "Traceback" not in result.stderr
