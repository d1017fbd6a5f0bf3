"""Read-side queries: stored rows to the value types reports consume."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from sqlalchemy import Connection, func, select

from tracker.models import LinkView, PaperView
from tracker.store.tables import Link, Paper, Repository


def count_rows(conn: Connection) -> dict[str, int]:
    """Row counts per table, for summaries and for proving a rerun added nothing."""
    tables = {"papers": Paper, "links": Link, "repositories": Repository}
    return {
        name: int(conn.execute(select(func.count()).select_from(t.__table__)).scalar_one())  # type: ignore[attr-defined]
        for name, t in tables.items()
    }


def iter_paper_views(conn: Connection, *, limit: int | None = None) -> Iterator[PaperView]:
    """Papers in insertion order, each with its links and their repositories' latest facts.

    Streams in a single ordered join, so memory stays flat for a million papers.
    """
    p, lk, r = Paper.__table__, Link.__table__, Repository.__table__  # type: ignore[attr-defined]
    papers = select(p).order_by(p.c.id)
    if limit is not None:
        papers = papers.limit(limit)
    sub = papers.subquery()
    q = (
        select(
            sub,
            lk.c.url,
            lk.c.kind,
            lk.c.role,
            lk.c.provenance,
            lk.c.found_in,
            r.c.status.label("repo_status"),
            r.c.stars,
            r.c.license_spdx,
        )
        .select_from(
            sub.outerjoin(lk, lk.c.paper_id == sub.c.id).outerjoin(r, r.c.key == lk.c.repo_key)
        )
        .order_by(sub.c.id, lk.c.id)
    )
    rows = conn.execution_options(stream_results=True, yield_per=5000).execute(q).mappings()
    for _, group in groupby(rows, key=lambda m: m["id"]):
        items = list(group)
        first = items[0]
        links = tuple(
            LinkView(
                url=m["url"],
                kind=m["kind"],
                role=m["role"],
                provenance=m["provenance"],
                found_in=m["found_in"],
                repo_status=m["repo_status"]
                or ("unchecked" if m["kind"] == "github_repo" else None),
                stars=m["stars"],
                license_spdx=m["license_spdx"],
            )
            for m in items
            if m["url"] is not None
        )
        yield PaperView(
            key=first["key"],
            title=first["title"],
            arxiv_id=first["arxiv_id"],
            published=first["published"],
            code_status=first["code_status"],
            weights_status=first["weights_status"],
            data_status=first["data_status"],
            code_evidence=first["code_evidence"],
            links=links,
            verdict=first["verdict"],
            verdict_kind=first["verdict_kind"],
        )
