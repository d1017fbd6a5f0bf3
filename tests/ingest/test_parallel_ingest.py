"""Ingest with extraction in worker processes: the same database as the serial path, the same
errors, and no worker left behind when it fails, is interrupted or loses its parent."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import DateTime, Engine, func, select

from tests.factories import unsearchable
from tracker import pipeline
from tracker.errors import InputError
from tracker.extract import extract_paper
from tracker.models import Location, PaperRecord
from tracker.pipeline import ReadOptions
from tracker.rows import paper_rows
from tracker.store import open_db
from tracker.store.papers import BATCH, save_rows
from tracker.store.schema import Link as LinkRow
from tracker.store.schema import Paper, metadata
from tracker.workers import CHUNK, SERIAL_BELOW

_CLAIMS = (
    "Code is available at https://github.com/lab{i}/method-{i}.",
    "The code will be released upon acceptance.",
    "Pretrained weights: https://huggingface.co/lab{i}/model-{i}. Data at zenodo.org/records/{i}.",
    "We do not release the trained models.",
    "Project page: https://lab{i}.github.io/method/. See also bit.ly/m{i} for a demo.",
    "",
)


def _paper(i: int) -> dict[str, object]:
    """Paper `i`: every third has an arXiv ID, some a repository field, claims in turn; its
    title comes back 4000 lines later (another batch) and every 97th repeats the one before it
    (the same batch and often the same chunk)."""
    j = i - 1 if i % 97 == 0 else i
    item: dict[str, object] = {
        "title": f"Method {j % 4000}: Scaling {'Graphs' if j % 2 else 'Speech'}",
        "summary": f"We study problem {i}. {_CLAIMS[i % len(_CLAIMS)].format(i=i)} "
        "Experiments on five benchmarks show consistent gains.",
    }
    if i % 3 == 0:
        item["id"] = f"2401.{i:05d}"
        item["publishedAt"] = f"2024-01-{1 + i % 28:02d}T00:00:00.000Z"
    if i % 7 == 0:
        item["githubRepo"] = f"https://github.com/lab{i}/official-{i}"
        item["githubRepoAddedBy"] = "user" if i % 2 else "auto"
    return item


def write_papers(path: Path, n: int, bad_line: int | None = None) -> Path:
    """`n` papers as JSON Lines; titles repeat after 4000 so later lines merge into earlier
    papers (across batches and across chunks), and `bad_line` is a truncated object."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(1, n + 1):
            fh.write('{"title": "cut off' if i == bad_line else json.dumps(_paper(i)))
            fh.write("\n")
    return path


def every_row(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows in id order, without the columns that hold the time of writing, nor
    the search text only PostgreSQL fills (`paper_state.search_text`)."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            cols = [
                c
                for c in table.columns
                if not isinstance(getattr(c.type, "impl", c.type), DateTime)
                and c.name != "search_text"
            ]
            query = select(*cols).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(query)]
    return out


def test_parallel_ingest_stores_exactly_what_the_serial_one_stores(
    tmp_path: Path, db_url: str
) -> None:
    papers = write_papers(tmp_path / "papers.jsonl", 3 * SERIAL_BELOW + CHUNK // 3, bad_line=2500)
    listing = tmp_path / "listing.txt"
    listing.write_text(
        "Method 17: Scaling Graphs\n\nWe study problem 17 and release code at "
        "github.com/lab17/listing-code.\n\nA Paper Only In The Listing\n\nNo links here.\n",
        encoding="utf-8",
    )
    paths = [str(papers), str(listing)]
    serial_db, parallel_db = open_db(f"sqlite:///{tmp_path / 'serial.db'}"), open_db(db_url)
    serial = pipeline.ingest(serial_db, paths, jobs=1)
    parallel = pipeline.ingest(parallel_db, paths, jobs=2)

    assert (serial.extract_processes, parallel.extract_processes) == (1, 2)
    assert parallel == replace(serial, extract_processes=2)
    assert serial.skipped == 1 and serial.papers_seen - serial.papers_new > SERIAL_BELOW
    stored = every_row(parallel_db)
    assert stored == every_row(serial_db)
    if parallel_db.dialect.name == "postgresql":  # its COPY wrote the search text too
        assert unsearchable(parallel_db) == []
    assert (len(stored["paper"]), len(stored["link"])) == (serial.papers_new, serial.links_new)
    assert multiprocessing.active_children() == []


def test_every_row_of_odd_sized_batches_is_stored_under_its_own_paper(db_url: str) -> None:
    """Inserts go out in statements of a few sizes; none may lose or misplace a row."""
    n = BATCH + 777
    engine = open_db(db_url)
    records = (
        PaperRecord(
            f"Paper {i}", f"Code: github.com/lab/p{i}." if i % 3 else "", Location("x", i), "t"
        )
        for i in range(n)
    )
    with engine.begin() as conn:
        counts = save_rows(conn, (paper_rows(extract_paper(r)) for r in records))
    with engine.connect() as conn:
        stored = conn.execute(
            select(Paper.c.title, LinkRow.c.url).join(LinkRow, isouter=True).order_by(Paper.c.id)
        ).all()
    assert [tuple(r) for r in stored] == [
        (f"Paper {i}", f"https://github.com/lab/p{i}" if i % 3 else None) for i in range(n)
    ]
    assert (counts.papers_new, counts.links_new) == (n, n - len(range(0, n, 3)))


def test_small_inputs_are_extracted_in_the_ingesting_process(
    tmp_path: Path, sqlite_url: str
) -> None:
    papers = [str(write_papers(tmp_path / "few.jsonl", SERIAL_BELOW - 1))]
    summary = pipeline.ingest(open_db(sqlite_url), papers, jobs=4)
    serial = pipeline.ingest(open_db(f"sqlite:///{tmp_path / 'serial.db'}"), papers, jobs=1)
    assert summary == serial and summary.extract_processes == 1


def test_a_bad_record_fails_the_parallel_ingest_with_file_and_line(
    tmp_path: Path, sqlite_url: str
) -> None:
    engine = open_db(sqlite_url)
    pipeline.ingest(engine, [str(write_papers(tmp_path / "first.jsonl", 10))])
    before = every_row(engine)
    bad = write_papers(tmp_path / "bad.jsonl", 3 * SERIAL_BELOW, bad_line=3 * SERIAL_BELOW - 5)
    with pytest.raises(InputError) as caught:
        pipeline.ingest(engine, [str(bad)], options=ReadOptions(strict=True), jobs=2)
    assert str(caught.value).startswith(f"{bad}:{3 * SERIAL_BELOW - 5}: not valid JSON")
    assert every_row(engine) == before
    assert multiprocessing.active_children() == []


def test_ctrl_c_stops_the_workers_and_keeps_nothing(tmp_path: Path, sqlite_url: str) -> None:
    """A terminal's Ctrl-C reaches every process of the group: the workers ignore it and the
    ingesting process stops, shuts them down and rolls back."""
    engine = open_db(sqlite_url)
    papers = write_papers(tmp_path / "papers.jsonl", 4 * SERIAL_BELOW)

    def ctrl_c(read: int) -> None:
        if read == 2 * SERIAL_BELOW:
            workers = multiprocessing.active_children()
            assert len(workers) == 2
            for worker in workers:
                os.kill(worker.pid, signal.SIGINT)
            signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        pipeline.ingest(engine, [str(papers)], progress=ctrl_c, jobs=2)
    assert multiprocessing.active_children() == []
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Paper)).scalar() == 0


ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", ["interrupt", "kill"])
def test_the_command_leaves_no_worker_behind(tmp_path: Path, how: str) -> None:
    """`tracker ingest --jobs 2` interrupted from the terminal exits 130 with nothing stored;
    killed outright, its workers notice and exit on their own."""
    papers = write_papers(tmp_path / "papers.jsonl", 200 * CHUNK)
    db = tmp_path / "t.db"
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DB", "TRACKER_JOBS")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", "ingest", str(papers), "--db", str(db), "--jobs", "2"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while len(workers := _children(proc.pid)) < 2 and proc.poll() is None:
        assert time.monotonic() < deadline, "the ingest never started its workers"
        time.sleep(0.02)
    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    if how == "interrupt":
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        said = (proc.returncode, stderr.strip())
        assert said == (130, "interrupted; what was committed is kept")
        engine = open_db(f"sqlite:///{db}")
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Paper)).scalar() == 0
    else:
        proc.kill()
        proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers):
        assert time.monotonic() < deadline, f"workers still running: {workers}"
        time.sleep(0.05)


def _ingest_error(engine: Engine, paths: list[Path], jobs: int, strict: bool = True) -> str:
    with pytest.raises(InputError) as caught:
        pipeline.ingest(engine, [str(p) for p in paths], options=ReadOptions(strict), jobs=jobs)
    assert multiprocessing.active_children() == []
    return str(caught.value)


def test_workers_parse_the_lines_and_the_first_error_in_the_input_wins(
    tmp_path: Path, sqlite_url: str
) -> None:
    """The workers parse JSON lines the ingesting process only reads: a bad line a worker finds
    still fails the ingest before a broken line read later, as a serial read would."""
    papers = write_papers(tmp_path / "papers.jsonl", 3 * SERIAL_BELOW, bad_line=40)
    with papers.open("ab") as fh:
        fh.write(b'{"title": "caf\xe9"}\n')  # not UTF-8: the reading process stops here
    engine = open_db(sqlite_url)
    first = f"{papers}:40: not valid JSON"
    assert _ingest_error(engine, [papers], jobs=2).startswith(first)
    assert _ingest_error(engine, [papers], jobs=1).startswith(first)
    lenient = _ingest_error(engine, [papers], jobs=2, strict=False)
    assert lenient == f"{papers}:{3 * SERIAL_BELOW + 1}: invalid UTF-8 at byte 14 of the line"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Paper)).scalar() == 0


def test_an_input_whose_every_line_a_worker_skips_has_no_papers(
    tmp_path: Path, sqlite_url: str
) -> None:
    """Every line is JSON but none is a paper: only the workers know, and the ingest still
    fails on that input, before reading the next one (missing here)."""
    empty = tmp_path / "no-papers.jsonl"
    empty.write_text('{"likes": 3}\n' * (2 * SERIAL_BELOW), encoding="utf-8")
    missing = tmp_path / "missing.jsonl"
    engine = open_db(sqlite_url)
    for jobs in (1, 2):
        said = _ingest_error(engine, [empty, missing], jobs=jobs, strict=False)
        assert said == f"{empty}: no papers found (is this a paper listing?)"


def test_a_document_over_many_lines_is_read_whole_by_the_parallel_ingest(
    tmp_path: Path, sqlite_url: str
) -> None:
    """A pretty-printed JSON document is told apart on its first line, before any line is
    handed to a worker."""
    paper = {"title": "One Document Over Many Lines", "summary": "Code: github.com/o/r."}
    doc = tmp_path / "daily.json"
    doc.write_text(json.dumps({"paper": paper, "extra": list(range(99))}, indent=2), "utf-8")
    lines = write_papers(tmp_path / "papers.jsonl", 2 * SERIAL_BELOW)
    paths = [str(doc), str(lines)]
    parallel = pipeline.ingest(open_db(sqlite_url), paths, jobs=2)
    serial = pipeline.ingest(open_db(f"sqlite:///{tmp_path / 'serial.db'}"), paths, jobs=1)
    assert parallel == replace(serial, extract_processes=2)
    alone = pipeline.ingest(open_db(f"sqlite:///{tmp_path / 'alone.db'}"), [str(lines)], jobs=2)
    assert (serial.papers_new, serial.skipped) == (alone.papers_new + 1, 0)


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (b'{"title": "a\x00b"}', "contains NUL bytes (binary data)"),
        (b'{"title": "caf\xe9"}', "invalid UTF-8 at byte 14 of the line"),
    ],
)
def test_a_line_no_worker_can_read_stops_the_ingest_there(
    tmp_path: Path, sqlite_url: str, damage: bytes, said: str
) -> None:
    """The workers decode the lines: one that is no text fails the ingest at that line, with
    the lines after it never stored, as when the ingesting process read it."""
    papers = write_papers(tmp_path / "papers.jsonl", 3 * SERIAL_BELOW)
    lines = papers.read_bytes().splitlines(keepends=True)
    lines[2 * SERIAL_BELOW + 6] = damage + b"\n"
    papers.write_bytes(b"".join(lines))
    engine = open_db(sqlite_url)
    for jobs in (1, 2):
        want = f"{papers}:{2 * SERIAL_BELOW + 7}: {said}"
        assert _ingest_error(engine, [papers], jobs=jobs, strict=False) == want


def test_windows_line_ends_store_what_unix_ones_store(tmp_path: Path, sqlite_url: str) -> None:
    """A BOM and CR LF line ends, which the workers meet in the lines they decode, change
    nothing stored but the name of the file."""
    unix = write_papers(tmp_path / "unix.jsonl", 2 * SERIAL_BELOW + 3)
    dos = tmp_path / "dos.jsonl"
    dos.write_bytes(b"\xef\xbb\xbf" + unix.read_bytes().replace(b"\n", b"\r\n"))
    stored = []
    for path in (unix, dos):
        engine = open_db(f"sqlite:///{tmp_path / (path.stem + '.db')}")
        pipeline.ingest(engine, [str(path)], jobs=2)
        rows = every_row(engine)
        stored.append(
            {
                table: [
                    tuple(v.replace(str(path), "FILE") if isinstance(v, str) else v for v in r)
                    for r in table_rows
                ]
                for table, table_rows in rows.items()
                if table != "ingest_run"
            }
        )
    assert len(stored[0]["paper"]) > SERIAL_BELOW
    assert stored[0] == stored[1]
