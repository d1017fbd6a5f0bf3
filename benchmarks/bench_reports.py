"""Report and export speed on SQLite and PostgreSQL, side by side, on a synthetic database
(default: 1M papers, 300k repositories).

    python benchmarks/bench_reports.py                  # 1,000,000 papers
    python benchmarks/bench_reports.py --papers 50000   # quicker
    python benchmarks/bench_reports.py --db /tmp/1m.db  # build once, reuse on later runs
    python benchmarks/bench_reports.py --pg-url postgresql://postgres@127.0.0.1:54329/postgres
    python benchmarks/bench_reports.py --db /tmp/1m.db --pg-url URL --pg-db reports_1m  # reuse both

Builds the database through the real migrations and fills it with the same rows on either
backend, from the same seed (SQLite: plain executemany inserts; PostgreSQL: COPY, its secondary
indexes built once the rows are in): the shape a flagged database has -- links, repositories,
history, true findings, verdicts and the flag run's rolled-up link columns, summary codes and
mark. Then it times the same store queries and formatters the CLI uses: the summary,
`tracker report` under every filter the CLI offers, broad and narrow, with each sort and in
combinations (every one is printed; `filtered_report_s` is the slowest), and the CSV export.
Baselines in the same run: a bare `count(*)` for the summary, the GROUP BY summary of a text
query matching every paper (`report_summary(..., codes=False)`, which must give the same answer
as the counted one), a bare SELECT of six columns of each paper and its state row (joined by
primary key) written with `csv.writer`, and the CSV export
through the paper-link-repository join (what the export does while the rolled-up columns are
stale) on a sample of papers.

PostgreSQL runs too when `--pg-url` or TRACKER_TEST_POSTGRES_URL names a server: in a fresh
database, dropped afterwards, or in `--pg-db NAME`, kept and, when it exists, reused unbuilt.
The backends are each other's baseline, and must agree: the rows of every table after the
build, the unfiltered summary and the papers each filter matches (the run fails otherwise).
Each database is built in a child process and each backend timed in another, so `peak_rss_mb`
is the reports' own peak; each is read once before timing (the SQLite file; every PostgreSQL
table and index through pg_prewarm), so the figures are the tracker's and not the disk's.
The last line printed is one JSON object: SQLite's figures at its top level (keys as before
PostgreSQL ran too), PostgreSQL's, under the same keys, in its `postgres` object (null when no
server was given); each backend also lists `tables` (rows per table), `summary` and `matches`
(papers per filter), which the two must agree on.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime as dt
import io
import json
import multiprocessing
import os
import random
import resource
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench_scale import _pg_database
from rich.console import Console
from sqlalchemy import Table, func, select

from tracker.models import ReportFilter
from tracker.reports.csv_export import write_csv_rows
from tracker.reports.table import report_view
from tracker.store import open_db
from tracker.store.codes import LICENSE, TALLY, code_ids, tally_value
from tracker.store.reporting import (
    iter_csv_rows,
    iter_report_views,
    joined_csv_rows,
    report_summary,
)
from tracker.store.rollup import fingerprint, rollup_fresh, save_mark
from tracker.store.schema import Finding, Link, Paper, PaperState, RepoHistory, Repository

VERDICTS = (
    ("available", "code available", 0.35),
    ("none", "no code claimed", 0.40),
    ("overdue", "promised — overdue by 120 days", 0.08),
    ("pending", "promised — due in 30 days", 0.05),
    ("unknown", "unknown", 0.05),
    ("dead", "dead link", 0.03),
    ("placeholder", "placeholder", 0.04),
)
VERDICT_TEXT = {kind: text for kind, text, _ in VERDICTS}
LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0", None, None)
CHUNK = 20_000
FLAG_OF = {
    "available": "code_delivered",
    "overdue": "code_promised_missing",
    "unknown": "unknown",
    "dead": "code_link_dead",
    "placeholder": "code_placeholder",
}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _filler(table: Table, given: list[str]) -> tuple[list[str], list[Any]]:
    """Columns to insert and constant values for the ones the generator does not vary."""
    cols, consts = list(given), []
    now = dt.datetime(2025, 6, 1, 12, 0).isoformat(sep=" ")
    for c in table.columns:
        if c.name in given or c.primary_key:
            continue
        if c.default is not None and getattr(c.default, "is_scalar", False):
            val: Any = c.default.arg  # type: ignore[attr-defined]
        elif c.default is not None:
            val = now
        elif c.server_default is not None:
            continue
        elif c.nullable:
            val = None
        else:
            val = ""
        cols.append(c.name)
        consts.append(val)
    return cols, consts


class _SqliteLoader:
    """Plain executemany through sqlite3, in batches of `CHUNK` rows."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")

    def insert(self, model: Any, given: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
        cols, consts = _filler(model, given)
        marks = ", ".join("?" * len(cols))
        sql = f"INSERT INTO {model.name} ({', '.join(cols)}) VALUES ({marks})"
        n, batch = 0, []
        for r in rows:
            batch.append((*r, *consts))
            if len(batch) >= CHUNK:
                self.db.executemany(sql, batch)
                n += len(batch)
                batch.clear()
        self.db.executemany(sql, batch)
        return n + len(batch)

    def one(self, sql: str) -> tuple[Any, ...]:
        return tuple(self.db.execute(sql).fetchone())

    def clear_state(self) -> None:
        self.db.execute("DELETE FROM paper_state")

    def finish(self) -> None:
        self.db.commit()
        self.db.execute("ANALYZE")
        self.db.close()


class _PostgresLoader:
    """COPY (psycopg 3) into the migrated tables, in one transaction. The secondary indexes
    of the loaded tables (the trigram GIN indexes among them) are dropped first and created
    again, from their own definitions, once every row is in: one sorted build each instead of
    an index update per row. Constraints, their indexes and the triggers stay, so the rows
    the triggers add (the queue of changed repositories) are added as on SQLite."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.db = psycopg.connect(url)
        self.db.execute("SET maintenance_work_mem = '256MB'")
        self.indexes: list[str] = [
            d
            for (d,) in self.db.execute(
                "SELECT indexdef FROM pg_indexes i WHERE schemaname = 'public' "
                "AND tablename = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                (list(LOADED),),
            )
        ]
        for d in self.indexes:
            self.db.execute(f"DROP INDEX {d.split(' INDEX ', 1)[1].split(' ON ', 1)[0]}")

    def insert(self, model: Any, given: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
        cols, consts = _filler(model, given)
        n = 0
        with self.db.cursor().copy(f"COPY {model.name} ({', '.join(cols)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((*r, *consts))
                n += 1
        return n

    def one(self, sql: str) -> tuple[Any, ...]:
        return tuple(self.db.execute(sql).fetchone() or ())

    def clear_state(self) -> None:
        # TRUNCATE, not DELETE: a million dead rows ahead of the live ones would be read by
        # every scan of the table until a VACUUM FULL
        self.db.execute("TRUNCATE paper_state")

    def finish(self) -> None:
        for d in self.indexes:
            self.db.execute(d)
        self.db.commit()
        self.db.autocommit = True
        self.db.execute("VACUUM ANALYZE")  # as autovacuum leaves a loaded table: visibility map
        self.db.close()


LOADED = ("repository", "paper", "paper_state", "link", "finding", "repo_history")
"""The tables the generator fills."""


def _pick_verdict(rng: random.Random) -> tuple[str, str]:
    x, acc = rng.random(), 0.0
    for kind, text, share in VERDICTS:
        acc += share
        if x < acc:
            return kind, text
    return VERDICTS[0][0], VERDICTS[0][1]


def _status(kind: str) -> str:
    """The code status a paper of this verdict kind claims."""
    return {"none": "none", "pending": "promised", "overdue": "promised"}.get(kind, "released")


def _flags(kind: str) -> str:
    """The flags a paper of this verdict kind holds (`code_delivered` is never listed)."""
    flag = FLAG_OF.get(kind, "")
    return "" if flag == "code_delivered" else flag


def generate(url: str, papers: int, repos: int, seed: int = 7) -> None:
    """The synthetic database at `url` (SQLite or PostgreSQL): the same rows on either, from
    the same seed, in the same order."""
    engine = open_db(url)
    with engine.begin() as conn:  # numbered as the flag run numbers them
        triples = [tally_value(k, _status(k), _flags(k)) for k, _, _ in VERDICTS]
        tally = code_ids(conn, TALLY, triples)
        licenses = code_ids(conn, LICENSE, [lic or "none" for lic in LICENSES])
    engine.dispose()
    rng = random.Random(seed)
    db: _SqliteLoader | _PostgresLoader
    if url.startswith("sqlite:///"):
        db = _SqliteLoader(url.removeprefix("sqlite:///"))
    else:
        db = _PostgresLoader(url)
    base = dt.date(2020, 1, 1)
    stars = [int(rng.paretovariate(1.1)) - 1 for _ in range(repos)]
    ok_repo = bytearray(repos)

    def repo_rows() -> Iterator[tuple[Any, ...]]:
        for i in range(repos):
            name = f"owner{i % 50_000}/repo{i}"
            ok = rng.random() < 0.9
            ok_repo[i] = ok
            yield (
                name.lower(),
                name,
                "ok" if ok else "not_found",
                stars[i],
                LICENSES[i % len(LICENSES)],
                20 if ok else None,
                f"{base + dt.timedelta(days=rng.randrange(1900))} 00:00:00" if ok else None,
            )

    db.insert(
        Repository,
        ["key", "full_name", "status", "stars", "license_spdx", "source_files", "first_ok_at"],
        repo_rows(),
    )
    assert db.one("SELECT min(id), max(id) FROM repository") == (1, repos)
    verdict_of: list[str] = []
    repo_of: list[int] = []
    measure_of: list[int | None] = []
    published_of: list[str] = []

    def paper_rows() -> Iterator[tuple[Any, ...]]:
        for i in range(1, papers + 1):
            kind, _ = _pick_verdict(rng)
            verdict_of.append(kind)
            r = -1 if kind == "none" and rng.random() < 0.8 else rng.randrange(repos)
            repo_of.append(r)
            measured = FLAG_OF.get(kind) in ("code_delivered", "code_promised_missing")
            measure_of.append(rng.randrange(400) if measured else None)
            code = _status(kind)
            pub = base + dt.timedelta(days=rng.randrange(2000))
            published_of.append(str(pub))
            title = (
                f"Synthetic paper {i} on {rng.choice(('diffusion', 'agents', 'vision', 'speech'))}"
            )
            yield (
                f"arxiv:{2000 + i // 100000}.{i % 100000:05d}",
                f"{2000 + i // 100000}.{i % 100000:05d}",
                title.lower(),
                title,
                str(pub),
                "bench",
                code,
            )

    given = ["key", "arxiv_id", "title_norm", "title", "published", "source_kind", "code_status"]
    db.insert(Paper, given, paper_rows())
    assert db.one("SELECT min(id), max(id) FROM paper") == (1, papers)
    cols, consts = _filler(Paper, given)
    weights = consts[cols.index("weights_status") - len(given)]

    def state_rows() -> Iterator[tuple[Any, ...]]:
        """What the flag run stores per paper (its state row, which the paper's insert trigger
        created with the defaults of a paper not flagged yet, is replaced). Paper `i` is row
        `i`, inserted in order into an empty table."""
        for pid, kind in enumerate(verdict_of, 1):
            code, pub, flags = _status(kind), published_of[pid - 1], _flags(kind)
            text = VERDICT_TEXT[kind]
            yield (
                pid,
                pub,
                code,
                weights,
                kind,
                text,
                flags,
                *_rolled_up(repo_of[pid - 1], ok_repo, stars, licenses),
                measure_of[pid - 1] if kind == "available" else None,
                tally[tally_value(kind, code, flags)],
            )

    db.clear_state()
    db.insert(
        PaperState,
        [
            "paper_id",
            "published",
            "code_status",
            "weights_status",
            "verdict_kind",
            "verdict",
            "flags",
            "link_urls",
            "repo_status",
            "repo_license",
            "stars",
            "checked_repo",
            "checked_license",
            "checked_repos",
            "checked_repo_id",
            "license_code",
            "release_days",
            "tally_code",
        ],
        state_rows(),
    )

    def link_rows() -> Iterator[tuple[Any, ...]]:
        for pid in range(1, papers + 1):
            r = repo_of[pid - 1]
            if r < 0:
                continue
            key = f"owner{r % 50_000}/repo{r}"
            yield (pid, f"https://github.com/{key}", key, "github_repo", "code", "abstract", key)

    db.insert(
        Link, ["paper_id", "url", "raw", "kind", "role", "provenance", "repo_key"], link_rows()
    )

    def finding_rows() -> Iterator[tuple[Any, ...]]:
        for pid, kind in enumerate(verdict_of, 1):
            code = FLAG_OF.get(kind)
            if code:
                yield (pid, code, "true", "info", code, measure_of[pid - 1])
            if rng.random() < 0.1:
                yield (pid, "stale", "true", "info", "no commit for 14 months", 14)

    db.insert(
        Finding,
        ["paper_id", "code", "outcome", "severity", "message", "measure"],
        finding_rows(),
    )

    def history_rows() -> Iterator[tuple[Any, ...]]:
        for rid in range(1, repos + 1, 3):
            for k in range(3):
                yield (
                    rid,
                    f"{dt.date(2025, 1 + 2 * k, 1)} 00:00:00",
                    "ok",
                    max(stars[rid - 1] - 10 * (2 - k), 0),
                )

    db.insert(RepoHistory, ["repository_id", "observed_at", "status", "stars"], history_rows())
    db.finish()
    engine = open_db(url)
    with engine.begin() as conn:
        save_mark(conn, fingerprint(conn))  # as the flag run does after rolling every paper up
    engine.dispose()


def _rolled_up(
    r: int, ok_repo: bytearray, stars: list[int], licenses: dict[str, int]
) -> tuple[Any, ...]:
    """What the flag run rolls up onto a paper linking repository `r` (none when negative);
    repository `r` is row `r + 1`, inserted in order into an empty table."""
    if r < 0:
        return ("", None, None, None, None, None, 0, None, None)
    key = f"owner{r % 50_000}/repo{r}"
    status = "ok" if ok_repo[r] else "not_found"
    lic = LICENSES[r % len(LICENSES)]
    checked = (
        (key, lic or "none", 1, r + 1, licenses[lic or "none"])
        if ok_repo[r]
        else (None, None, 0, None, None)
    )
    return (f"https://github.com/{key}", status, lic, stars[r], *checked)


def timed(fn: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


D = dt.date
FILTERS = {
    "no_filter": ReportFilter(limit=100),
    "flag_stars_since_sorted": ReportFilter(
        flags=("code_promised_missing",),
        min_stars=5,
        since=D(2022, 1, 1),
        sort="stars",
        descending=True,
        limit=100,
    ),
    "flag": ReportFilter(flags=("code_link_dead",), limit=100),
    "flags_broad": ReportFilter(flags=("code_promised_missing", "stale", "unknown"), limit=100),
    "status": ReportFilter(statuses=("overdue",), limit=100),
    "status_broad": ReportFilter(statuses=("released", "promised"), limit=100),
    "since_broad": ReportFilter(since=D(2021, 1, 1), limit=100),
    "since_narrow": ReportFilter(since=D(2025, 6, 1), limit=100),
    "min_stars": ReportFilter(min_stars=100, limit=100),
    "min_stars_broad": ReportFilter(min_stars=1, limit=100),
    "query": ReportFilter(query="diffusion", limit=100),
    "query_every_paper": ReportFilter(query="synthetic", limit=100),
    "query_rare": ReportFilter(query="paper 12345 ", limit=100),
    "query_spaced": ReportFilter(query="on diffusion", limit=100),
    "query_url": ReportFilter(query="repo4242", limit=100),
    "query_short": ReportFilter(query="o4", limit=100),
    "sort_stars": ReportFilter(sort="stars", descending=True, limit=100),
    "sort_published": ReportFilter(sort="published", descending=True, limit=100),
    "sort_title": ReportFilter(sort="title", limit=100),
    "sort_verdict": ReportFilter(sort="verdict", descending=True, limit=100),
    "min_stars_sorted": ReportFilter(min_stars=100, sort="stars", descending=True, limit=100),
    "query_since_sorted": ReportFilter(
        query="diffusion", since=D(2021, 1, 1), sort="stars", descending=True, limit=100
    ),
    "status_since_stars_sorted": ReportFilter(
        statuses=("released",), since=D(2022, 1, 1), min_stars=1, sort="published", limit=100
    ),
    "flag_query_title": ReportFilter(
        flags=("code_promised_missing",), query="vision", sort="title", limit=100
    ),
}
"""`tracker report` with each filter, broad and narrow, each sort, and combinations; each prints
a summary of every match and a table of the first 100."""
JOIN_SAMPLE = 200_000


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--papers", type=int, default=1_000_000)
    ap.add_argument("--repos", type=int, default=None, help="default: 30%% of --papers")
    ap.add_argument("--db", type=Path, default=None, help="reuse or keep this SQLite file")
    ap.add_argument(
        "--pg-url",
        default=os.environ.get("TRACKER_TEST_POSTGRES_URL"),
        help="a PostgreSQL server to run on too (default: $TRACKER_TEST_POSTGRES_URL)",
    )
    ap.add_argument(
        "--pg-db",
        metavar="NAME",
        help="reuse or keep this database on the --pg-url server (default: a fresh one, dropped)",
    )
    args = ap.parse_args()
    if args.pg_db and not args.pg_url:
        ap.error("--pg-db needs --pg-url (or TRACKER_TEST_POSTGRES_URL)")
    repos = args.repos or max(args.papers * 3 // 10, 1)
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-reports-")))
        path = args.db or work / "bench.db"
        results: dict[str, dict[str, Any] | None] = {}
        lite = f"sqlite:///{path}"
        results["sqlite"] = _backend("sqlite", lite, path.exists(), args.papers, repos, work)
        if args.pg_url:
            url, built = _pg_target(args.pg_url, args.pg_db, stack)
            results["postgres"] = _backend("postgres", url, built, args.papers, repos, work)
        else:
            results["postgres"] = None
            print("postgres: skipped (no --pg-url / TRACKER_TEST_POSTGRES_URL)")
    print(_table(results))
    differ = _differences(results)
    for line in differ:
        print(line)
    print(json.dumps({**(results["sqlite"] or {}), "postgres": results["postgres"]}))
    if differ:
        raise SystemExit("the backends' databases or answers differ")


COMPARED = ("tables", "summary", "matches")
"""What both backends must agree on: the rows of every table after the build, the summary and
the papers each filter matches."""


def _differences(results: dict[str, dict[str, Any] | None]) -> list[str]:
    """Where PostgreSQL's database or answers differ from SQLite's (none when one did not run)."""
    lite, pg = results.get("sqlite"), results.get("postgres")
    if not lite or not pg:
        return []
    out = []
    for part in COMPARED:
        for key in sorted(set(lite[part]) | set(pg[part])):
            a, b = lite[part].get(key), pg[part].get(key)
            if a != b:
                out.append(f"{part} {key}: sqlite {a!r}, postgres {b!r}")
    return out


def _pg_target(admin: str, name: str | None, stack: contextlib.ExitStack) -> tuple[str, bool]:
    """The PostgreSQL database to run on, and whether it is built already: `name` on the
    server of `admin` (created when missing, kept), else a fresh one dropped at the end."""
    if name is None:
        url, drop = _pg_database(admin)
        stack.callback(drop)
        return url, False
    from sqlalchemy import create_engine, text

    engine = create_engine(admin.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        q = text("SELECT count(*) FROM pg_database WHERE datname = :n")
        built = bool(conn.execute(q, {"n": name}).scalar())
        if not built:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.rsplit("/", 1)[0] + "/" + name, built


def _backend(
    backend: str, url: str, built: bool, papers: int, repos: int, work: Path
) -> dict[str, Any]:
    """Build the database at `url` unless `built`, then time the reports on it, each in a
    child process: the build's memory is not the reports' peak, nor one backend's the other's."""
    gen_s = 0.0
    if not built:
        gen_s, _ = timed(lambda: _in_child(generate, url, papers, repos))
    print(f"{backend}: {papers:,} papers, {repos:,} repositories ({gen_s:.1f}s to build)")
    out = work / backend
    out.mkdir()
    figures: dict[str, Any] = _in_child(measure, url, out)
    return {**figures, "repositories": repos, "build_s": round(gen_s, 1)}


def _in_child(fn: Any, *args: Any) -> Any:
    """`fn(*args)` in a forked process, its value sent back."""
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(fn, *args).result()


def measure(url: str, work: Path) -> dict[str, Any]:
    """Every timed call on the database at `url`, after reading it once."""
    engine = open_db(url)
    warm_s, how = timed(lambda: _warm(engine, url))
    print(f"  read {how} once ({warm_s:.1f}s): every report starts from a warm cache", flush=True)
    console = Console(file=io.StringIO(), width=160)
    with engine.connect() as conn:
        assert rollup_fresh(conn), "rolled-up columns are not marked current"
        base_count_s, _ = timed(lambda: conn.exec_driver_sql("SELECT count(*) FROM paper").scalar())
        summary_s, summary = timed(lambda: report_summary(conn))
        filters: dict[str, float] = {}
        matches: dict[str, int] = {}
        for name, flt in FILTERS.items():
            filters[name], (shown, matches[name]) = timed(lambda f=flt: _report(conn, f, console))
            print(
                f"  report {name}: {filters[name]:.3f}s ({matches[name]:,} match, {shown} shown)",
                flush=True,
            )
        # the broadest text query, counted from codes, against the GROUP BY it replaces
        broad = FILTERS["query_every_paper"]
        counted_s, counted = timed(lambda: report_summary(conn, broad))
        grouped_s, grouped = timed(lambda: report_summary(conn, broad, codes=False))
        assert counted == grouped, "the counted summary differs from the grouped one"
        print(
            f"  summary of a query matching {counted.papers:,} papers: {counted_s:.3f}s "
            f"(grouped in SQL, the same answer: {grouped_s:.3f}s)",
            flush=True,
        )
        rss_before = rss_mb()
        out = work / "papers.csv"
        with out.open("w", encoding="utf-8", newline="") as fh:
            csv_s, rows = timed(lambda: write_csv_rows(iter_csv_rows(conn), fh))
        export_rss = rss_mb()
        sample = ReportFilter(limit=JOIN_SAMPLE)
        with (work / "joined.csv").open("w", encoding="utf-8", newline="") as fh:
            join_s, join_rows = timed(lambda: write_csv_rows(joined_csv_rows(conn, sample), fh))
        base_csv_s, base_rows = timed(lambda: _baseline_csv(conn, work / "raw.csv"))
        tables = _row_counts(conn)
    engine.dispose()
    return {
        "papers": summary.papers,
        "summary_s": round(summary_s, 3),
        "baseline_count_s": round(base_count_s, 3),
        "filtered_report_s": round(max(filters.values()), 3),
        "slowest_filter": max(filters, key=filters.__getitem__),
        "filters_s": {k: round(v, 3) for k, v in filters.items()},
        "broad_query_summary_s": round(counted_s, 3),
        "baseline_grouped_summary_s": round(grouped_s, 3),
        "csv_rows": rows,
        "csv_s": round(csv_s, 2),
        "csv_rows_per_s": round(rows / csv_s),
        "baseline_join_csv_rows_per_s": round(join_rows / join_s),
        "baseline_csv_rows_per_s": round(base_rows / base_csv_s),
        "csv_mb": round(out.stat().st_size / 1e6, 1),
        "rss_before_export_mb": round(rss_before, 1),
        "peak_rss_mb": round(export_rss, 1),
        "summary": dataclasses.asdict(summary),
        "matches": matches,
        "tables": tables,
    }


def _row_counts(conn: Any) -> dict[str, int]:
    """Rows in each table of the models: the same on both backends after the same build."""
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        for t in sorted(Paper.metadata.sorted_tables, key=lambda t: t.name)
    }


ROWS = [
    ("build (s)", "build_s", "{:,.1f}"),
    ("summary (s)", "summary_s", "{:.3f}"),
    ("  count(*) alone (s)", "baseline_count_s", "{:.3f}"),
    *((f"report {name} (s)", f"filters_s.{name}", "{:.3f}") for name in FILTERS),
    ("slowest filtered report (s)", "filtered_report_s", "{:.3f}"),
    ("summary of a query matching all (s)", "broad_query_summary_s", "{:.3f}"),
    ("  grouped in SQL (s)", "baseline_grouped_summary_s", "{:.3f}"),
    ("CSV export (rows/s)", "csv_rows_per_s", "{:,}"),
    ("  through the join (rows/s)", "baseline_join_csv_rows_per_s", "{:,}"),
    ("  bare SELECT to csv (rows/s)", "baseline_csv_rows_per_s", "{:,}"),
    ("peak memory (MB)", "peak_rss_mb", "{:,.0f}"),
]


def _table(results: dict[str, dict[str, Any] | None]) -> str:
    """The figures of both backends side by side."""
    lines = [f"{'':40}" + "".join(f"{n:>12}" for n in results)]
    for label, key, fmt in ROWS:
        cells = []
        for r in results.values():
            value: Any = r
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            cells.append(f"{fmt.format(value) if value is not None else '-':>12}")
        lines.append(f"{label:40}" + "".join(cells))
    return "\n".join(lines)


def _warm(engine: Any, url: str) -> str:
    """Bring the database into the OS page cache, as a database in use is: one left alone for
    minutes may have been dropped from it (and the first reports would time the disk). What
    was read, for the log."""
    if engine.dialect.name == "sqlite":
        with Path(url.removeprefix("sqlite:///")).open("rb") as fh:
            while fh.read(1 << 24):
                pass
        return "the database file"
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        q = (
            "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 't')"
        )
        conn.exec_driver_sql(q)
        conn.commit()
    return "every table and index (pg_prewarm)"


def _report(conn: Any, flt: ReportFilter, console: Console) -> tuple[int, int]:
    """What `tracker report` with filters does: summary of the selection, then the table."""
    summary = report_summary(conn, flt)
    views = list(iter_report_views(conn, flt))
    console.print(report_view(summary, views, console.width), soft_wrap=False)
    return len(views), summary.papers


def _baseline_csv(conn: Any, path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        cur = conn.exec_driver_sql(
            "SELECT key, arxiv_id, title, p.published, p.code_status, verdict "
            "FROM paper p JOIN paper_state s ON s.paper_id = p.id"
        )
        for row in cur:
            w.writerow(row)
            n += 1
    return n


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
