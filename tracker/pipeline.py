"""The stages wired together, independent of the CLI so tests and the Action call the same code.

Each step is its own transaction: a failing input leaves the database exactly as it was.
Ingest reads and writes in this process and extracts in `jobs` processes (`tracker.workers`),
storing exactly what a serial run stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine

from tracker.errors import InputError
from tracker.models import IngestSummary, PaperRecord
from tracker.sources import ReadStats, read_source
from tracker.store.papers import save_rows
from tracker.store.runs import drop_run, finish_run, start_run
from tracker.workers import Extraction

Progress = Callable[[int], None]
"""Called with the number of papers read so far."""


@dataclass(frozen=True)
class ReadOptions:
    """How to read the inputs of one ingest."""

    strict: bool = False
    """Fail the whole file on the first malformed entry instead of skipping it with a warning."""
    columns: Mapping[str, str] = field(default_factory=dict)
    """CSV header name -> field (`title`, `abstract`, `url`, `arxiv_id`, `doi`)."""
    format: str | None = None
    """Force a source format (a key of `tracker.sources.FORMATS`) instead of detecting it."""


def _records(
    paths: Iterable[str], options: ReadOptions, stats: ReadStats, progress: Progress | None
) -> Iterator[PaperRecord]:
    n = 0
    for path in paths:
        found = 0
        records = read_source(
            path,
            strict=options.strict,
            columns=options.columns,
            stats=stats,
            format=options.format,
        )
        for record in records:
            found += 1
            n += 1
            if progress is not None and n % 500 == 0:
                progress(n)
            yield record
        if found == 0:
            raise InputError(path, "no papers found (is this a paper listing?)")
    if progress is not None:
        progress(n)


def ingest(
    engine: Engine,
    paths: list[str],
    *,
    command: str = "ingest",
    options: ReadOptions | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
) -> IngestSummary:
    """Read, extract and store every paper in `paths`, all or nothing; `jobs` > 1 extracts in
    that many worker processes (see `tracker.workers.default_jobs`)."""
    stats = ReadStats()
    records = _records(paths, options or ReadOptions(), stats, progress)
    with engine.begin() as conn, Extraction(jobs) as extraction:
        run_id = start_run(conn, command, paths)
        counts = save_rows(conn, extraction.rows(records))
        if counts.papers_new or counts.links_new:
            finish_run(
                conn,
                run_id,
                "done",
                papers_seen=counts.papers_seen,
                papers_new=counts.papers_new,
                links_new=counts.links_new,
            )
        else:
            drop_run(conn, run_id)
    return IngestSummary(
        papers_seen=counts.papers_seen,
        papers_new=counts.papers_new,
        links_seen=counts.links_seen,
        links_new=counts.links_new,
        skipped=stats.skipped,
        warnings=tuple(stats.warnings),
        extract_processes=extraction.processes,
    )
