"""Plain rows for the CSV export, streamed: one per paper (read off the rolled-up columns of
`paper_state` when they are current, else joined) or one per link."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    Connection,
    case,
    func,
    select,
    type_coerce,
)
from sqlalchemy.types import String

from tracker.columns import CSV_COLUMNS
from tracker.flags.checklist_items import is_main_candidate
from tracker.handles import paper_handle
from tracker.hosts import REPO_LINK_KINDS
from tracker.models import (
    ReportFilter,
)
from tracker.store.selection import STREAMED, VENUE, P, S, _mode, _selected, _view_query

PAPER_COLUMNS = tuple(c.name for c in CSV_COLUMNS)


def iter_csv_rows(conn: Connection, flt: ReportFilter = ReportFilter()) -> Iterator[Sequence[Any]]:
    """One row per paper in the order of `PAPER_COLUMNS` (the CSV columns of `tracker.columns`).

    While the rolled-up columns are current this is one scan of the paper table beside its
    state rows (joined by primary key); otherwise it is `joined_csv_rows`.
    """
    mode = _mode(conn)
    if not mode.fresh:
        return joined_csv_rows(conn, flt)
    q = _selected(select(*_CSV_ROLLED), flt, mode)
    rows = conn.execute(q, execution_options=STREAMED)
    return ((*r[:_HANDLE], paper_handle(r[_HANDLE]), *r[_HANDLE + 1 :]) for r in rows)


def joined_csv_rows(
    conn: Connection, flt: ReportFilter = ReportFilter()
) -> Iterator[tuple[Any, ...]]:
    """`iter_csv_rows` computed from the ordered join of `iter_report_views`, building plain
    tuples: a million-row export spends its time writing, not constructing value objects."""
    current: Any = None
    urls: list[str] = []
    repo: Any = None
    main: Any = None
    stars: int | None = None
    q = _view_query(flt, replace(_mode(conn), fresh=False))
    for r in conn.execute(q, execution_options=STREAMED):
        if current is None or r[0] != current[0]:
            if current is not None:
                yield _csv_tuple(current, urls, repo, stars, main)
            current, urls, repo, main, stars = r, [], None, None, None
        if r[13] is None:
            continue
        urls.append(r[13])
        if main is None and is_main_candidate(r[14], r[15], r[23], r[19]):
            main = r
        if repo is None and r[14] in REPO_LINK_KINDS:
            repo = r
        if r[20] is not None and (stars is None or r[20] > stars):
            stars = r[20]
    if current is not None:
        yield _csv_tuple(current, urls, repo, stars, main)


_ROLLED = {
    "key": P.c.key,
    "arxiv_id": P.c.arxiv_id,
    "title": P.c.title,
    "published": type_coerce(P.c.published, String),  # SQLite's text, not parsed and rewritten
    "code_status": P.c.code_status,
    "weights_status": P.c.weights_status,
    "data_status": P.c.data_status,
    "verdict": S.c.verdict,
    "links": S.c.link_urls,
    "repo_status": S.c.repo_status,
    "stars": S.c.stars,
    "license": S.c.repo_license,
    "verdict_kind": S.c.verdict_kind,
    "flags": S.c.flags,
    "acknowledged": S.c.acknowledged,
    "checklist_score": S.c.checklist_score,
    "venue": P.c.venue,
    "handle": P.c.key,  # the handle is the key's, drawn in Python (`tracker.handles`)
}
"""Each CSV column off the paper row and its state row alone."""
_CSV_ROLLED = tuple(_ROLLED[name] for name in PAPER_COLUMNS)
_HANDLE = PAPER_COLUMNS.index("handle")


def _csv_tuple(
    p: Any, urls: list[str], repo: Any, stars: int | None, main: Any = None
) -> tuple[Any, ...]:
    """One CSV row from the first joined row of a paper (`p`), its link URLs, its first
    repository link's row, its stars and its main code repository's row."""
    cells = {
        "key": p[1],
        "arxiv_id": p[3],
        "title": p[2],
        "published": p[4],
        "code_status": p[5],
        "weights_status": p[6],
        "data_status": p[7],
        "verdict": p[9],
        "links": " ".join(urls),
        "repo_status": (repo[19] or "unchecked") if repo is not None else None,
        "stars": stars,
        "license": repo[21] if repo is not None else None,
        "verdict_kind": p[10],
        "flags": p[11],
        "acknowledged": p[12],
        "checklist_score": main[25] if main is not None else None,
        "venue": p[VENUE],
        "handle": paper_handle(p[1]),
    }
    return tuple(cells[name] for name in PAPER_COLUMNS)


def iter_link_rows(
    conn: Connection, flt: ReportFilter = ReportFilter()
) -> Iterator[tuple[Any, ...]]:
    """One tuple per link (one per paper without links) in `csv_export.LINK_COLUMNS` order,
    the paper's handle last."""
    q = _view_query(flt, _mode(conn))
    cols = list(q.selected_columns)
    by = {c.name: c for c in cols[:13]}
    q = q.with_only_columns(
        by["key"],
        by["arxiv_id"],
        by["title"],
        by["published"],
        by["verdict"],
        *cols[13:18],
        func.coalesce(cols[19], case((cols[18].is_not(None), "unchecked"))),
        cols[20],
        cols[21],
        maintain_column_froms=True,
    )
    for r in conn.execute(q, execution_options=STREAMED):
        yield (*r, paper_handle(r[0]))
