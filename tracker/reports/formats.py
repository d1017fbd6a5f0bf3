"""Every export format by name, each returning its formatter (`tracker.reports.interface`)."""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never

from tracker.reports.csv_export import CsvFormat
from tracker.reports.html import HtmlFormat
from tracker.reports.interface import Formatter
from tracker.reports.json_export import JsonFormat, JsonlFormat
from tracker.reports.markdown import MarkdownFormat


class ExportFormat(StrEnum):
    """The `--format` of `tracker export`."""

    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    MARKDOWN = "markdown"
    HTML = "html"

    def formatter(self) -> Formatter:
        match self:
            case ExportFormat.CSV:
                return CsvFormat()
            case ExportFormat.JSON:
                return JsonFormat()
            case ExportFormat.JSONL:
                return JsonlFormat()
            case ExportFormat.MARKDOWN:
                return MarkdownFormat()
            case ExportFormat.HTML:
                return HtmlFormat()
            case _:
                assert_never(self)
