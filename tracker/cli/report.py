"""`tracker report` and `tracker export`: what is stored, for people and for scripts."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from sqlalchemy import Connection

from tracker.cli.app import DbOption, Exit, app, err, out, settings
from tracker.cli.options import (
    DescOpt,
    FailOnOpt,
    FlagOpt,
    LimitOpt,
    MinScoreOpt,
    MinStarsOpt,
    QueryOpt,
    SinceOpt,
    SortOpt,
    StatusOpt,
    build_filter,
    split_codes,
)
from tracker.models import ReportFilter
from tracker.reports.formats import ExportFormat
from tracker.reports.json_export import paper_dict, summary_dict
from tracker.reports.markdown import write_markdown
from tracker.reports.table import ROWS_SHOWN, report_view
from tracker.reports.text import json_text
from tracker.store import open_db
from tracker.store.report_source import StoredReport
from tracker.store.reporting import (
    count_failing,
    iter_report_views,
    report_summary,
)


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


def fail_on(conn: Connection, codes: tuple[str, ...], flt: ReportFilter) -> None:
    """Exit 1 when a paper in `flt` carries one of `codes`, unacknowledged (`--fail-on`)."""
    if not codes:
        return
    n = count_failing(conn, codes, replace(flt, limit=None))
    if n:
        err.print(f"{n:,} papers flagged {', '.join(codes)} (--fail-on)")
        raise typer.Exit(Exit.FLAGGED)


Wide = Annotated[
    bool,
    typer.Option(
        "--wide",
        help="Wide table whatever the terminal: weights, data, stars, flags and the code link "
        "too (the default from 120 columns).",
    ),
]
Narrow = Annotated[
    bool,
    typer.Option(
        "--narrow",
        help="Narrow table whatever the terminal: handle, title and verdict (the default under "
        "120 columns).",
    ),
]
TableLimit = Annotated[
    int | None,
    typer.Option(
        "--limit",
        help=f"At most this many papers (table default {ROWS_SHOWN}; 0 for all).",
        show_default=False,
    ),
]


def layout(wide: bool, narrow: bool) -> bool | None:
    """Wide (True), narrow (False), or as wide as the terminal allows (None)."""
    if wide and narrow:
        raise typer.BadParameter("choose one of --wide and --narrow", param_hint="--wide")
    return True if wide else False if narrow else None


def rows_shown(limit: int | None, table: bool) -> int | None:
    """The papers a listing shows: `--limit N`, all for `--limit 0`, and by default
    `ROWS_SHOWN` in a table and all in an export."""
    if limit is None:
        return ROWS_SHOWN if table else None
    if limit < 0:
        raise typer.BadParameter("give 0 (all) or a positive number", param_hint="--limit")
    return limit or None


@app.command()
def report(
    db: DbOption = None,
    flag: FlagOpt = None,
    status: StatusOpt = None,
    since: SinceOpt = None,
    min_stars: MinStarsOpt = None,
    min_score: MinScoreOpt = None,
    query: QueryOpt = None,
    sort: SortOpt = "id",
    desc: DescOpt = False,
    limit: TableLimit = None,
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ReportFormat.TABLE,
    fail_on_: FailOnOpt = None,
    wide: Wide = False,
    narrow: Narrow = False,
) -> None:
    """Show a summary and a table of stored papers with verdicts and flags.

    Example: tracker report --flag code_promised_missing --sort stars --desc --limit 20
    """
    shown = rows_shown(limit, format is ReportFormat.TABLE)
    layout_ = layout(wide, narrow)
    flt = build_filter(flag, status, since, min_stars, query, sort, desc, shown, min_score)
    codes = split_codes(fail_on_, "--fail-on")
    engine = open_db(settings(db).db_url, create=False)
    with engine.connect() as conn:
        summary = report_summary(conn, flt)
        papers = iter_report_views(conn, flt)
        if format is ReportFormat.TABLE:
            out.print(report_view(summary, list(papers), out.width, layout_), soft_wrap=False)
        elif format is ReportFormat.JSON:
            doc = {"summary": summary_dict(summary), "papers": [paper_dict(p) for p in papers]}
            sys.stdout.write(json_text(doc) + "\n")
        else:
            write_markdown(papers, summary, sys.stdout)
        fail_on(conn, codes, flt)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def _target(output: Path | None) -> Iterator[TextIO]:
    """Standard output, or `output` — written so that a reader never sees half an export and
    nothing but the export is ever replaced.

    A regular file (or a missing path) is replaced only when complete, by renaming over it a
    private temporary file created beside it (`mkstemp`: a fresh name, never following a link
    planted there), which takes the old file's permissions. Anything else — a FIFO, a device
    such as /dev/null, or a symbolic link such as /dev/stdout — is written in place: renaming
    over it would put a regular file where the pipe, device or link was."""
    if output is None:
        yield sys.stdout
        return
    try:
        st: os.stat_result | None = output.lstat()
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with output.open("w", encoding="utf-8", newline="") as fh:
            yield fh
        return
    mode = stat.S_IMODE(st.st_mode) if st else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with open(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, output)
    finally:
        Path(tmp).unlink(missing_ok=True)


@app.command()
def export(
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExportFormat.CSV,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: standard output)."),
    ] = None,
    per_link: Annotated[
        bool, typer.Option("--per-link", help="CSV: one row per link instead of per paper.")
    ] = False,
    more_url: Annotated[
        str | None,
        typer.Option(
            "--more-url", help="Markdown: where the full export is, shown when truncated."
        ),
    ] = None,
    db: DbOption = None,
    flag: FlagOpt = None,
    status: StatusOpt = None,
    since: SinceOpt = None,
    min_stars: MinStarsOpt = None,
    min_score: MinScoreOpt = None,
    query: QueryOpt = None,
    sort: SortOpt = "id",
    desc: DescOpt = False,
    limit: LimitOpt = None,
    fail_on_: FailOnOpt = None,
) -> None:
    """Export stored papers as CSV, JSON, JSON Lines, Markdown or a self-contained HTML page.

    Example: tracker export --format csv -o papers.csv
    """
    flt = build_filter(flag, status, since, min_stars, query, sort, desc, limit, min_score)
    codes = split_codes(fail_on_, "--fail-on")
    engine = open_db(settings(db).db_url, create=False)
    with engine.connect() as conn:
        source = StoredReport(conn, flt, per_link=per_link, more_url=more_url)
        formatter = format.formatter()
        with _target(output) as fh:
            n = formatter.write(source, fh)
        err.print(f"exported {n:,} {formatter.unit_for(source)}")
        fail_on(conn, codes, flt)
