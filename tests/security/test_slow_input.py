"""Hostile input stays cheap: every stage linear in its input, memory flat whatever the file.

Each adversarial input here took minutes (or never finished) when the cost of a stage grew
with the square of a sentence, a line or an array element; the time bounds are generous, far
above what the inputs take now and far below what they took then.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracker.demo.pdf import stream_pdf
from tracker.extract import extract_paper
from tracker.models import Location, PaperRecord
from tracker.sources import ReadStats, read_source
from tracker.sources.interface import MAX_ENTRY
from tracker.sources.pdf import repair_urls

ABSTRACTS = {
    "release verbs": "code is available " * 15000,
    "negations": "not code is released " * 13000,
    "links": "code is available at https://github.com/a/b " * 6000,
    "active verbs": "we release code " * 16000,
    "one word": "a." * 130000,
}
"""About 260 KB each, in one sentence or in many."""


@pytest.mark.parametrize("text", ABSTRACTS.values(), ids=ABSTRACTS.keys())
def test_a_huge_abstract_is_extracted_in_seconds(text: str) -> None:
    record = PaperRecord("T", text, Location("t", 1), "test")
    started = time.monotonic()
    extract_paper(record)
    assert time.monotonic() - started < 10


def _pdf(content: bytes) -> bytes:
    """A one-page PDF whose page shows the compressed `content` stream."""
    return stream_pdf(content, compress=True)


def test_a_small_pdf_of_one_long_url_like_line_reads_in_seconds(tmp_path: Path) -> None:
    line = b"(Abstract x " + b"a." * 100_000 + b"a) ' (b/c) ' "
    data = _pdf(b"BT /F1 9 Tf 40 760 Td 12 TL " + line * 2 + b" ET")
    assert len(data) < 1500
    path = tmp_path / "crafted.pdf"
    path.write_bytes(data)
    started = time.monotonic()
    (record,) = read_source(str(path))
    assert time.monotonic() - started < 15
    assert record.abstract.startswith("x a.a.a.")


def test_a_pdf_page_over_the_text_bound_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.pdf"
    shown = (b"(" + b"a" * 300 + b") Tj ") * 5000
    path.write_bytes(_pdf(b"BT /F1 9 Tf 40 760 Td 12 TL " + shown + b"ET"))
    started = time.monotonic()
    with pytest.raises(Exception, match="characters of text"):
        list(read_source(str(path)))
    assert time.monotonic() - started < 15


def test_url_repair_is_linear_in_the_line() -> None:
    text = "see " + "a." * 500_000 + "a\nb\n" + "https://x.org/" + "\na/" * 50_000
    started = time.monotonic()
    repaired = repair_urls(text)
    assert time.monotonic() - started < 5
    assert repaired.startswith("see a.a.")


def _listing(path: Path, big: str) -> None:
    items = [
        {"paper": {"id": "2301.00001", "title": "One", "summary": "x"}},
        {"paper": {"id": "2301.00002", "title": "Big", "summary": big}},
        {"paper": {"id": "2301.00003", "title": "Three", "summary": "y"}},
    ]
    if path.suffix == ".json":
        path.write_text(json.dumps(items))
    else:
        path.write_text("".join(json.dumps(item) + "\n" for item in items))


@pytest.mark.parametrize("name", ["papers.json", "papers.jsonl"])
def test_an_entry_over_the_limit_is_skipped_with_a_warning(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    _listing(path, "a" * (MAX_ENTRY + 10_000_000))
    stats = ReadStats()
    started = time.monotonic()
    records = list(read_source(str(path), stats=stats))
    assert time.monotonic() - started < 10
    assert [r.title for r in records] == ["One", "Three"]
    assert stats.skipped == 1
    what = "JSON element" if name.endswith(".json") else "line"
    line = 1 if name.endswith(".json") else 2
    assert stats.warnings == [f"{path}:{line}: {what} longer than 8 MiB: skipped"]


def test_an_element_under_the_limit_is_read_in_one_go(tmp_path: Path) -> None:
    path = tmp_path / "papers.json"
    _listing(path, "b" * 7_000_000)
    started = time.monotonic()
    records = list(read_source(str(path)))
    assert time.monotonic() - started < 5
    assert [len(r.abstract) for r in records] == [1, 7_000_000, 1]


def _ingest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", "ingest", *args, "--db", str(cwd / "t.db")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "TRACKER_JOBS": "1"},
    )


def test_strict_fails_the_file_on_an_entry_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    _listing(path, "a" * (MAX_ENTRY + 1))
    done = _ingest(str(path), "--strict", cwd=tmp_path)
    assert done.returncode == 3
    assert f"{path}:2: line longer than 8 MiB: skipped" in done.stderr


PEAK = """
import resource, sys
from tracker.cli import main
sys.argv = ["tracker", *sys.argv[1:]]
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code
# VmHWM is this process's own peak: ru_maxrss keeps the forking parent's across exec
hwm = [int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:")]
print((hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) // 1024, code)
"""


def test_a_100_mb_single_line_listing_keeps_memory_flat(tmp_path: Path) -> None:
    """Peak memory of the whole ingest, in a child process: the line is read through in
    chunks, never held (benchmarks/bench_scale.py has larger files)."""
    path = tmp_path / "one-line.txt"
    with path.open("w") as out:
        out.write("A Paper About Things\n")
        chunk = "word " * 200_000
        for _ in range(100):
            out.write(chunk)
        out.write("\nAnother Paper\n")
    done = subprocess.run(
        [sys.executable, "-c", PEAK, "ingest", str(path), "--db", str(tmp_path / "t.db")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TRACKER_JOBS": "1"},
    )
    peak_mb, _code = done.stdout.split()[-2:]
    assert "line longer than 8 MiB: skipped" in done.stderr
    assert int(peak_mb) < 400, done.stderr


def test_a_device_is_refused_not_read_forever(tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    done = _ingest(str(link), "--input-format", "hf_listing", cwd=tmp_path)
    assert done.returncode == 3
    said = " ".join(done.stderr.split())
    assert f"error: {link}: is a device, not a file (read a listing from `-` instead)" in said


def test_an_arxiv_pdf_page_over_the_bounds_costs_enrichment_seconds(sqlite_url: str) -> None:
    """The paper's own PDF, fetched during enrichment, is read through the same bounded page
    reader as a PDF listing: a 60 KB page drawing 15 M characters in one text block is
    unreadable (unknown), and the paper next to it is enriched as usual."""
    from tests.enrich.conftest import FAST, make_pdf, record, store
    from tracker.config import Settings
    from tracker.emulators.arxiv import ArxivEmulator
    from tracker.emulators.huggingface import HuggingFaceEmulator
    from tracker.enrich import EnrichOptions, enrich_papers

    bomb = _pdf(b"BT /F1 9 Tf 40 760 Td 12 TL " + (b"(" + b"a" * 300 + b") Tj ") * 50_000 + b"ET")
    good = make_pdf([["Plain Paper", "Code: https://github.com/plain-lab/plain-paper"]])
    arxiv = {
        "papers": [
            {"id": "2501.00001", "title": "Bomb Paper", "authors": ["A B"], "pdf": bomb},
            {"id": "2501.00002", "title": "Plain Paper", "authors": ["C D"], "pdf": good},
        ]
    }
    engine = store(
        sqlite_url,
        [record("Bomb Paper", "", "2501.00001"), record("Plain Paper", "", "2501.00002")],
    )
    with ArxivEmulator(arxiv) as ax, HuggingFaceEmulator({}) as hub:
        cfg = Settings(hf_endpoint=hub.url, arxiv_api_url=f"{ax.url}/api/query")
        started = time.monotonic()
        summary = enrich_papers(
            engine, cfg, options=EnrichOptions(http=FAST, host_interval_s=0, workers=2)
        )
        wall = time.monotonic() - started
    assert len(bomb) < 70_000 and wall < 20
    assert "Bomb Paper: PDF: unreadable PDF: PageTooLarge" in summary.notes
    assert summary.links_found == 1
