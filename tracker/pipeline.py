"""The stages wired together, independent of the CLI so tests and the Action call the same code.

`tracker run` is ingest -> enrich -> check -> flag; `check` is every code host and then the Hub
models the checked repositories name (`check`, below), so every caller checks the same way.

Each step is its own transaction: a failing input leaves the database exactly as it was.
Ingest reads and writes in this process and extracts in `jobs` processes (`tracker.workers`),
which also parse the entries a source leaves unparsed, storing exactly what a serial run
stores and failing with the same error: what the workers skip comes back in its place and is
counted (or, under `strict`, raised) here, and the end of each input is marked in the stream,
so that an input with no paper fails where a serial read would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, cast

from sqlalchemy import Engine

from tracker.config import Settings
from tracker.errors import InputError
from tracker.models import CheckSummary, IngestSummary, PaperRecord
from tracker.rows import PaperRows
from tracker.schedule import check_targets
from tracker.sources import Entry, ReadContext, ReadStats, read_source
from tracker.store.papers import save_rows
from tracker.store.runs import drop_run, finish_run, start_run
from tracker.verify import verify_hub_models
from tracker.workers import Extraction, Skip, Stop, papers_in

Progress = Callable[[int], None]
"""Called with the number of papers read so far."""
PROGRESS_EVERY = 500
"""Papers (or lines, of a source that leaves them to the workers) between progress calls."""


@dataclass(frozen=True)
class ReadOptions:
    """How to read the inputs of one ingest."""

    strict: bool = False
    """Fail the whole file on the first malformed entry instead of skipping it with a warning."""
    columns: Mapping[str, str] = field(default_factory=dict)
    """CSV header name -> field (`title`, `abstract`, `url`, `arxiv_id`, `doi`)."""
    format: str | None = None
    """Force a source format (a key of `tracker.sources.FORMATS`) instead of detecting it."""


class _End(NamedTuple):
    """The end of one input in the stream of records, carried through the extraction."""

    path: str


def _items(
    paths: Iterable[str],
    options: ReadOptions,
    stats: ReadStats,
    progress: Progress | None,
    defer: bool,
) -> Iterator[PaperRecord | Entry | _End]:
    """Every input's records (or entries left unparsed, with `defer`), each input closed by
    an `_End`."""
    n = 0
    for path in paths:
        entries = read_source(
            path,
            strict=options.strict,
            columns=options.columns,
            stats=stats,
            format=options.format,
            defer=defer,
        )
        for entry in entries:
            before, n = n, n + papers_in(entry)
            if progress is not None and n // PROGRESS_EVERY > before // PROGRESS_EVERY:
                progress(n - n % PROGRESS_EVERY)
            yield entry
        yield _End(path)
    if progress is not None:
        progress(n)


def _papers(
    results: Iterator[object], options: ReadOptions, stats: ReadStats
) -> Iterator[PaperRows]:
    """The extracted papers, in order; skipped entries counted (or raised, under `strict`)
    and an input without a single paper failed, each where a serial read meets it."""
    found = 0
    for result in results:
        if type(result) is Skip:
            ReadContext(result.path, options.strict, stats=stats).bad(result.reason, result.line)
        elif type(result) is Stop:
            raise result.error()
        elif type(result) is _End:
            if found == 0:
                raise InputError(result.path, "no papers found (is this a paper listing?)")
            found = 0
        else:
            found += 1
            stats.records += 1
            yield cast(PaperRows, result)


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
    options = options or ReadOptions()
    items = _items(paths, options, stats, progress, defer=jobs > 1)
    with engine.begin() as conn, Extraction(jobs) as extraction:
        run_id = start_run(conn, command, paths)
        counts = save_rows(conn, _papers(extraction.rows(items), options, stats))
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


def check(engine: Engine, settings: Settings, **options: Any) -> CheckSummary:
    """The check stage: the repositories links point at on every host with a checker
    (`tracker.schedule.check_targets`, with its options), then on the Hub the models,
    collections and organizations the judged evidence and the papers name (`tracker.verify`),
    unless GitHub was unreachable (so is the Hub)."""
    summary = check_targets(engine, settings, **options)
    if "GitHub unreachable" in summary.reason:
        return summary
    return replace(summary, hub_verified=verify_hub_models(engine, settings))
