"""Read queries behind `report`, `export`, `show` and `diff`, by concern:

* `tracker.store.selection`: which papers, in what order, as streamed `PaperView`s;
* `tracker.store.summary`: the counts above a report (one function for every format);
* `tracker.store.kept`: which promises were kept, and when (the summary, charts and `diff`);
* `tracker.store.history`: repository history and the events of `tracker diff`;
* `tracker.store.export_rows`: plain CSV rows, per paper or per link.

This module names their public functions in one place for callers that want them all.
"""

from __future__ import annotations

from tracker.store.export_rows import iter_csv_rows, iter_link_rows, joined_csv_rows
from tracker.store.history import diff_events, repo_history
from tracker.store.kept import DELIVERED_KINDS, kept_promises
from tracker.store.selection import (
    BATCH,
    COMMON,
    NULLS_LOW,
    PER_SHOWN,
    SORTS,
    iter_report_views,
    read_in_order,
)
from tracker.store.summary import count_failing, report_summary

__all__ = [
    "BATCH",
    "COMMON",
    "DELIVERED_KINDS",
    "NULLS_LOW",
    "PER_SHOWN",
    "SORTS",
    "count_failing",
    "diff_events",
    "iter_csv_rows",
    "iter_link_rows",
    "iter_report_views",
    "joined_csv_rows",
    "kept_promises",
    "read_in_order",
    "repo_history",
    "report_summary",
]
