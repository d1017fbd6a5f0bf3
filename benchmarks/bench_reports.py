"""Report and export speed on a synthetic database (default: 1M papers, 300k repositories).

    python benchmarks/bench_reports.py                  # 1,000,000 papers
    python benchmarks/bench_reports.py --papers 50000   # quicker
    python benchmarks/bench_reports.py --db /tmp/1m.db  # build once, reuse on later runs

Builds the database through the real migrations, fills it with plain executemany inserts (the
shape a flagged database has: links, repositories, history, true findings, verdicts and the
flag run's rolled-up link columns, summary codes and mark), then times the same store queries
and formatters the CLI uses: the summary, `tracker report` under every filter the CLI offers,
broad and narrow, with each sort and in combinations (every one is printed;
`filtered_report_s` is the slowest), and the CSV export.
Baselines in the same run: a bare `count(*)` for the summary, the GROUP BY summary of a text
query matching every paper (`report_summary(..., codes=False)`, which must give the same answer
as the counted one), a bare SELECT of six columns of each paper and its state row (joined by
primary key) written with `csv.writer`, and the CSV export
through the paper-link-repository join (what the export does while the rolled-up columns are
stale) on a sample of papers.
The database is built in a child process, so `peak_rss_mb` is the reports' own peak, and read
once before timing, so the figures are the tracker's and not the disk's.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
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
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import Table

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


def _insert(
    db: sqlite3.Connection, model: Any, given: list[str], rows: Iterator[tuple[Any, ...]]
) -> int:
    table = model
    cols, consts = _filler(table, given)
    sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    n, batch = 0, []
    for r in rows:
        batch.append((*r, *consts))
        if len(batch) >= CHUNK:
            db.executemany(sql, batch)
            n += len(batch)
            batch.clear()
    db.executemany(sql, batch)
    return n + len(batch)


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


def generate(path: Path, papers: int, repos: int, seed: int = 7) -> None:
    engine = open_db(f"sqlite:///{path}")
    with engine.begin() as conn:  # numbered as the flag run numbers them
        triples = [tally_value(k, _status(k), _flags(k)) for k, _, _ in VERDICTS]
        tally = code_ids(conn, TALLY, triples)
        licenses = code_ids(conn, LICENSE, [lic or "none" for lic in LICENSES])
    engine.dispose()
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
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

    _insert(
        db,
        Repository,
        ["key", "full_name", "status", "stars", "license_spdx", "source_files", "first_ok_at"],
        repo_rows(),
    )
    assert db.execute("SELECT min(id), max(id) FROM repository").fetchone() == (1, repos)
    verdict_of: list[str] = []
    repo_of: list[int] = []
    measure_of: list[int | None] = []

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

    _insert(
        db,
        Paper,
        ["key", "arxiv_id", "title_norm", "title", "published", "source_kind", "code_status"],
        paper_rows(),
    )

    def state_rows() -> Iterator[tuple[Any, ...]]:
        """What the flag run stores per paper (its state row, which the paper's insert trigger
        created with the defaults of a paper not flagged yet, is replaced)."""
        q = "SELECT id, published, code_status, weights_status FROM paper ORDER BY id"
        for (pid, pub, code, weights), kind in zip(db.execute(q), verdict_of, strict=True):
            flags = _flags(kind)
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

    db.execute("DELETE FROM paper_state")
    _insert(
        db,
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

    _insert(
        db, Link, ["paper_id", "url", "raw", "kind", "role", "provenance", "repo_key"], link_rows()
    )

    def finding_rows() -> Iterator[tuple[Any, ...]]:
        for pid, kind in enumerate(verdict_of, 1):
            code = FLAG_OF.get(kind)
            if code:
                yield (pid, code, "true", "info", code, measure_of[pid - 1])
            if rng.random() < 0.1:
                yield (pid, "stale", "true", "info", "no commit for 14 months", 14)

    _insert(
        db,
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

    _insert(db, RepoHistory, ["repository_id", "observed_at", "status", "stars"], history_rows())
    db.commit()
    db.execute("ANALYZE")
    db.close()
    engine = open_db(f"sqlite:///{path}")
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
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=1_000_000)
    ap.add_argument("--repos", type=int, default=None, help="default: 30%% of --papers")
    ap.add_argument("--db", type=Path, default=None, help="reuse or keep this SQLite file")
    args = ap.parse_args()
    repos = args.repos or max(args.papers * 3 // 10, 1)
    tmp = tempfile.TemporaryDirectory()
    path = args.db or Path(tmp.name) / "bench.db"
    gen_s = 0.0
    if not path.exists():
        gen_s, _ = timed(lambda: _build(path, args.papers, repos))
    print(f"database: {args.papers:,} papers, {repos:,} repositories ({gen_s:.1f}s to build)")
    warm_s, _ = timed(lambda: _read_through(path))
    print(f"  read the database file once ({warm_s:.1f}s): every report starts from a warm cache")
    engine = open_db(f"sqlite:///{path}")
    console = Console(file=io.StringIO(), width=160)
    with engine.connect() as conn:
        assert rollup_fresh(conn), "rolled-up columns are not marked current"
        base_count_s, _ = timed(lambda: conn.exec_driver_sql("SELECT count(*) FROM paper").scalar())
        summary_s, summary = timed(lambda: report_summary(conn))
        filters: dict[str, float] = {}
        for name, flt in FILTERS.items():
            filters[name], (shown, matched) = timed(lambda f=flt: _report(conn, f, console))
            print(f"  report {name}: {filters[name]:.3f}s ({matched:,} match, {shown} shown)")
        # the broadest text query, counted from codes, against the GROUP BY it replaces
        broad = FILTERS["query_every_paper"]
        counted_s, counted = timed(lambda: report_summary(conn, broad))
        grouped_s, grouped = timed(lambda: report_summary(conn, broad, codes=False))
        assert counted == grouped, "the counted summary differs from the grouped one"
        print(
            f"  summary of a query matching {counted.papers:,} papers: {counted_s:.3f}s "
            f"(grouped in SQL, the same answer: {grouped_s:.3f}s)"
        )
        rss_before = rss_mb()
        out = Path(tmp.name) / "papers.csv"
        with out.open("w", encoding="utf-8", newline="") as fh:
            csv_s, rows = timed(lambda: write_csv_rows(iter_csv_rows(conn), fh))
        export_rss = rss_mb()
        sample = ReportFilter(limit=JOIN_SAMPLE)
        with (Path(tmp.name) / "joined.csv").open("w", encoding="utf-8", newline="") as fh:
            join_s, join_rows = timed(lambda: write_csv_rows(joined_csv_rows(conn, sample), fh))
        base_csv_s, base_rows = timed(lambda: _baseline_csv(conn, Path(tmp.name) / "raw.csv"))
    result = {
        "papers": summary.papers,
        "repositories": repos,
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
        "build_s": round(gen_s, 1),
    }
    print(
        f"summary {summary_s:.3f}s (count(*) alone {base_count_s:.3f}s); filtered reports "
        f"{min(filters.values()):.3f}-{max(filters.values()):.3f}s; CSV {rows / csv_s:,.0f} rows/s "
        f"(through the join {join_rows / join_s:,.0f} rows/s, bare SELECT to csv "
        f"{base_rows / base_csv_s:,.0f} rows/s); peak RSS {export_rss:.0f} MB"
    )
    print(json.dumps(result))
    if args.db is None:
        tmp.cleanup()


def _read_through(path: Path) -> None:
    """Bring the database into the OS page cache, as a database in use is: a file left alone
    for minutes may have been dropped from it (and the first reports would time the disk)."""
    with path.open("rb") as fh:
        while fh.read(1 << 24):
            pass


def _build(path: Path, papers: int, repos: int) -> None:
    """Generate in a child process, so its memory does not count as the reports' peak."""
    child = multiprocessing.get_context("fork").Process(target=generate, args=(path, papers, repos))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"building the database failed (exit {child.exitcode})")


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
