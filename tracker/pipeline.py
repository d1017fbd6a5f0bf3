"""The stages wired together, independent of the CLI so tests and the Action call the same code.

`run` is the one definition of the stage sequence, ingest -> enrich -> check -> flag, which
`tracker run`, `tracker demo`, the scheduled Action (through `tracker run`) and the end-to-end
tests all go through; `check` is every code host and then the Hub models the checked
repositories name (`check`, below), so every caller checks the same way.

Each step is its own transaction: a failing input leaves the database exactly as it was.
Ingest reads and writes in this process and extracts in `jobs` processes (`tracker.workers`),
which also parse the entries a source leaves unparsed, storing exactly what a serial run
stores and failing with the same error: what the workers skip comes back in its place and is
counted (or, under `strict`, raised) here, and the end of each input is marked in the stream,
so that an input with no paper fails where a serial read would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, cast

from sqlalchemy import Engine

from tracker.archiving import look_up_archives
from tracker.config import Settings
from tracker.enrich import EnrichOptions, enrich_papers
from tracker.errors import InputError
from tracker.flags.run import flag_papers
from tracker.models import CheckSummary, EnrichSummary, FlagSummary, IngestSummary, PaperRecord
from tracker.open_requests import MAX_REPOS, ask_open_requests
from tracker.rows import PaperRows
from tracker.schedule import check_targets
from tracker.sources import Entry, ReadContext, ReadStats, read_source
from tracker.store.engine import write_failure
from tracker.store.papers import gather_ingest_statistics, save_rows
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
    input_format: str | None = None
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
            input_format=options.input_format,
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


NOTHING_KEPT = "nothing of this ingest was stored; run it again"
UNSURE = (
    "whether this ingest was stored is unknown; run it again (what it stored is not stored twice)"
)


def ingest(
    engine: Engine,
    paths: list[str],
    *,
    command: str = "ingest",
    options: ReadOptions | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    stats: ReadStats | None = None,
) -> IngestSummary:
    """Read, extract and store every paper in `paths`, all or nothing; `jobs` > 1 extracts in
    that many worker processes (see `tracker.processes.default_jobs`). A database that fails
    or goes away on the way is a `StoreError` saying so, and whether the ingest was kept: it
    was not, unless the connection was lost while committing, when nobody can tell. A
    caller's `stats` tells `progress` how far the read is (`ReadStats.bytes_read`)."""
    stats = stats if stats is not None else ReadStats()
    options = options or ReadOptions()
    items = _items(paths, options, stats, progress, defer=jobs > 1)
    committing = False
    try:
        with engine.connect() as conn:
            transaction = conn.begin()
            with Extraction(jobs) as extraction:
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
            committing = True
            transaction.commit()
    except Exception as exc:
        failure = write_failure(exc, "storing papers", UNSURE if committing else NOTHING_KEPT)
        if failure is None:
            raise
        raise failure from exc
    gather_ingest_statistics(engine, counts)
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
    then the archived copies of links (`tracker.archiving`) and the open issues asking for
    what flagged repositories lack (`tracker.open_requests`), unless GitHub was unreachable (so is
    everything else). Archives and issues are bounded per run and never fail it."""
    summary = check_targets(engine, settings, **options)
    if "GitHub unreachable" in summary.reason:
        return summary
    summary = replace(summary, hub_verified=verify_hub_models(engine, settings))
    routes = {k: options[k] for k in ("connect_to", "allow_private") if k in options}
    kept = look_up_archives(engine, settings, **routes)
    summary = replace(
        summary,
        archives_asked=kept.asked,
        archives_unknown=kept.unknown,
        archives_note=kept.reason,
    )
    budget = options.get("budget")
    left = MAX_REPOS if budget is None else max(0, budget - summary.points) * 100
    asked = ask_open_requests(
        engine,
        settings,
        rate_limited="rate limited" in summary.reason,
        max_repos=min(MAX_REPOS, left),
    )
    return replace(
        summary,
        requests_asked=asked.asked,
        requests_points=asked.points,
        requests_note=asked.note,
    )


STAGES = ("ingest", "enrich", "check", "flag")
"""The order every run follows (`run`)."""

Read = Callable[[], Sequence[str]]
"""The ingest stage as the caller reads its inputs (listing files, feeds): stores them and
returns what it left for the next run, one line each (a feed stopped by a rate limit)."""


@dataclass(frozen=True)
class RunPlan:
    """What a run does once its inputs are stored: each stage's options, or None to skip it."""

    enrich: EnrichOptions | None = field(default_factory=EnrichOptions)
    """Discovery beyond the abstract (PDF, arXiv, the Hub, project pages)."""
    check: Mapping[str, Any] | None = field(default_factory=dict)
    """Options of `check` (`max_age`, `budget`, `no_wait`, `connect_to`...)."""
    flag_jobs: int = 1
    """Processes reading and judging papers in the flag stage (`flag_papers`' `jobs`)."""


class Observer:
    """How a caller shows the stages: a progress callback while one runs, its summary after.
    The default shows nothing (tests, library use); the CLI draws bars and prints lines."""

    def running(self, stage: str) -> AbstractContextManager[Callable[..., None] | None]:
        """Entered around `stage`; yields the progress callback it reports to (or None): the
        check's `Progress`, or the papers done and their total for enrich and flag."""
        return nullcontext(None)

    def done(self, stage: str, summary: object) -> None:
        """Called after `stage` with its summary."""


@dataclass(frozen=True)
class RunSummary:
    """What one run did, stage by stage, and what it left for the next run."""

    found: EnrichSummary | None
    checked: CheckSummary | None
    flagged: FlagSummary
    incomplete: tuple[str, ...] = ()
    """One line per thing left unfinished; empty when the run learned everything it could."""


def _enrich_missed(found: EnrichSummary) -> list[str]:
    missed = []
    if found.unknown:
        missed.append(f"{found.unknown:,} look-ups beyond the abstract ended unknown")
    if found.over_budget:
        missed.append(f"{found.over_budget:,} papers left for discovery next run")
    return missed


def _check_missed(checked: CheckSummary) -> list[str]:
    if not (checked.unchecked or checked.unknown):
        return []
    left = checked.unchecked + checked.unknown
    return [f"{left:,} repositories not checked: {checked.reason or 'answers unknown'}"]


def run(
    engine: Engine,
    settings: Settings,
    read: Read,
    plan: RunPlan | None = None,
    observer: Observer | None = None,
) -> RunSummary:
    """The stages in `STAGES` order: `read` stores the inputs, then discovery, the checks and
    the flag run, each in its own transactions (a failure leaves earlier stages stored)."""
    plan = plan or RunPlan()
    shown = observer or Observer()
    incomplete = list(read())
    found = checked = None
    if plan.enrich is not None:
        with shown.running("enrich") as progress:
            found = enrich_papers(engine, settings, options=plan.enrich, progress=progress)
        shown.done("enrich", found)
        incomplete += _enrich_missed(found)
    if plan.check is not None:
        with shown.running("check") as progress:
            checked = check(engine, settings, **{**plan.check, "progress": progress})
        shown.done("check", checked)
        incomplete += _check_missed(checked)
    with shown.running("flag") as progress:
        flagged = flag_papers(engine, settings, progress=progress, jobs=plan.flag_jobs)
    shown.done("flag", flagged)
    return RunSummary(found, checked, flagged, tuple(incomplete))
