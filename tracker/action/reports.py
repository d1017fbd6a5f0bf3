"""The run's three reports in one pass over one connection: Markdown for the job summary, CSV and
HTML for the artifact. One process instead of three keeps the scheduled job short."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from tracker.models import ReportSummary
from tracker.reports.formats import ExportFormat
from tracker.store.report_source import StoredReport

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
    source = StoredReport(conn, more_url=more)
    paths = RunReports(out / MARKDOWN, out / CSV, out / HTML, source.summary())
    for path, format in (
        (paths.markdown, ExportFormat.MARKDOWN),
        (paths.csv, ExportFormat.CSV),
        (paths.html, ExportFormat.HTML),
    ):
        with path.open("w", encoding="utf-8", newline="") as fh:
            format.formatter().write(source, fh)
    return paths
