"""The run's three reports in one pass over one connection: Markdown for the job summary, CSV and
HTML for the artifact. One process instead of three keeps the scheduled job short."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from tracker.models import ReportSummary
from tracker.reports.csv_export import write_csv
from tracker.reports.html import write_html
from tracker.reports.markdown import write_markdown
from tracker.store.reporting import delivered_by_month, iter_report_views, report_summary

MARKDOWN, CSV, HTML = "report.md", "papers.csv", "report.html"


@dataclass(frozen=True, slots=True)
class RunReports:
    """Where the reports were written, and the numbers above them."""

    markdown: Path
    csv: Path
    html: Path
    summary: ReportSummary


def write_reports(conn: Connection, out: Path, *, more: str) -> RunReports:
    """Write `report.md`, `papers.csv` and `report.html` into `out` (created if missing)."""
    out.mkdir(parents=True, exist_ok=True)
    summary = report_summary(conn)
    paths = RunReports(out / MARKDOWN, out / CSV, out / HTML, summary)
    with paths.markdown.open("w", encoding="utf-8") as fh:
        write_markdown(iter_report_views(conn), summary, fh, more=more)
    with paths.csv.open("w", encoding="utf-8", newline="") as fh:
        write_csv(iter_report_views(conn), fh)
    with paths.html.open("w", encoding="utf-8") as fh:
        write_html(
            iter_report_views(conn, history=True),
            summary,
            fh,
            kept_by_month=delivered_by_month(conn),
        )
    return paths
