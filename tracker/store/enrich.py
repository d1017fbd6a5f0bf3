"""Reading papers to enrich and saving what discovery found: links with provenance, where
shortlinks led, Hugging Face repository facts, and which papers are done.

Saving is idempotent: a link already stored keeps its row, and is only upgraded when the new
evidence is stronger (higher confidence), so a machine match later confirmed by the PDF
becomes official without a duplicate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    Table,
    and_,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from tracker.extract.classify import repo_of
from tracker.extract.identity import paper_key
from tracker.hosts import REPO_LINK_KINDS
from tracker.models import (
    Author,
    DiscoveredLink,
    HfCheckResult,
    Link,
    LinkKind,
    PaperTarget,
    Provenance,
    Role,
)
from tracker.rows import repo_key
from tracker.store.defaults import utcnow
from tracker.store.schema import HfRepo, Paper, PaperAuthor, PaperEnrichment
from tracker.store.schema import Link as LinkRow

PAPERS = cast(Table, Paper)  # type: ignore[attr-defined]
LINKS = cast(Table, LinkRow)  # type: ignore[attr-defined]
HF_REPOS = cast(Table, HfRepo)  # type: ignore[attr-defined]
ENRICHED = cast(Table, PaperEnrichment)  # type: ignore[attr-defined]
AUTHORS = cast(Table, PaperAuthor)  # type: ignore[attr-defined]


def _todo() -> ColumnElement[bool]:
    done = select(ENRICHED.c.paper_id).where(ENRICHED.c.status == "complete")
    return PAPERS.c.id.not_in(done)


def count_to_enrich(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(PAPERS).where(_todo())).scalar_one())


def papers_to_enrich(conn: Connection, limit: int) -> list[PaperTarget]:
    """Papers never enriched (or left partial), those without a code link first."""
    has_code = exists().where(
        and_(LINKS.c.paper_id == PAPERS.c.id, LINKS.c.kind.in_(REPO_LINK_KINDS))
    )
    rows = conn.execute(
        select(PAPERS.c.id, PAPERS.c.title, PAPERS.c.arxiv_id, PAPERS.c.published)
        .where(_todo())
        .order_by(has_code.correlate(PAPERS), PAPERS.c.id)
        .limit(limit)
    ).all()
    ids = [r[0] for r in rows]
    links: dict[int, list[Link]] = {i: [] for i in ids}
    for lr in conn.execute(select(LINKS).where(LINKS.c.paper_id.in_(ids))).mappings():
        links[lr["paper_id"]].append(_link_of(lr))
    authors = _authors_of(conn, ids)
    return [
        PaperTarget(
            r[0],
            r[1],
            r[2],
            tuple(links[r[0]]),
            dated=r[3] is not None,
            authors=authors.get(r[0], ()),
        )
        for r in rows
    ]


def _authors_of(conn: Connection, ids: list[int]) -> dict[int, tuple[Author, ...]]:
    """The stored authors of each paper, in order (what feeds and API answers gave)."""
    found: dict[int, list[Author]] = {}
    a = AUTHORS.c
    query = (
        select(a.paper_id, a.name, a.orcid, a.openalex_id, a.profile)
        .where(a.paper_id.in_(ids))
        .order_by(a.paper_id, a.position)
    )
    for pid, name, orcid, openalex_id, profile in conn.execute(query):
        found.setdefault(pid, []).append(Author(name, orcid, openalex_id, profile))
    return {pid: tuple(authors) for pid, authors in found.items()}


def _link_of(r: RowMapping) -> Link:
    repo, sub = repo_of(r["url"])
    return Link(
        url=r["url"],
        raw=r["raw"],
        kind=LinkKind(r["kind"]),
        role=Role(r["role"]),
        provenance=Provenance(r["provenance"]),
        position=r["position"],
        repo=repo,
        subpath=sub,
        sentence=r["sentence"],
        confidence=r["confidence"],
    )


def save_discovered(conn: Connection, paper_id: int, found: Sequence[DiscoveredLink]) -> int:
    """Insert new links, upgrade existing ones on stronger evidence; returns how many were new."""
    have = {
        r.url: r
        for r in conn.execute(
            select(LINKS.c.id, LINKS.c.url, LINKS.c.confidence).where(LINKS.c.paper_id == paper_id)
        )
    }
    new = 0
    for item in found:
        values = _values(paper_id, item)
        old = have.get(item.link.url)
        if old is None:
            conn.execute(insert(LINKS).values(**values, first_seen_at=utcnow()))
            new += 1
        elif item.link.confidence > old.confidence:
            keep = ("provenance", "official", "confidence", "found_in")
            conn.execute(
                update(LINKS).where(LINKS.c.id == old.id).values(**{k: values[k] for k in keep})
            )
    return new


def _values(paper_id: int, item: DiscoveredLink) -> dict[str, object]:
    lk = item.link
    return {
        "paper_id": paper_id,
        "url": lk.url,
        "raw": lk.raw,
        "kind": lk.kind.value,
        "role": lk.role.value,
        "provenance": lk.provenance.value,
        "found_in": item.found_in[:1024],
        "position": lk.position,
        "sentence": lk.sentence,
        "repo_key": repo_key(lk),
        "subpath": lk.subpath[:1024],
        "confidence": lk.confidence,
        "official": item.official.value,
    }


def save_resolutions(conn: Connection, paper_id: int, resolved: Sequence[tuple[str, str]]) -> None:
    """Record where each shortlink, owner page or project page led (the alias row is kept)."""
    for alias, final in resolved:
        conn.execute(
            update(LINKS)
            .where(and_(LINKS.c.paper_id == paper_id, LINKS.c.url == alias))
            .values(resolved_url=final[:2048])
        )


def save_reads(conn: Connection, paper_id: int, reads: Sequence[tuple[str, str, str]]) -> None:
    """Record, on each shortlink or project page link, whether discovery could read it."""
    for url, status, reason in reads:
        conn.execute(
            update(LINKS)
            .where(and_(LINKS.c.paper_id == paper_id, LINKS.c.url == url))
            .values(resolve_status=status[:16], resolve_reason=reason[:1024])
        )


def save_arxiv_date(conn: Connection, paper_id: int, published: dt.date) -> None:
    """Give a paper without a date the one arXiv's API gives (a source's own date wins)."""
    conn.execute(
        update(PAPERS)
        .where(and_(PAPERS.c.id == paper_id, PAPERS.c.published.is_(None)))
        .values(published=published, date_basis="arxiv_api")
    )


def hf_key(repo_type: str, repo_id: str) -> str:
    return f"{repo_type}/{repo_id}".lower()


def save_hf_results(conn: Connection, results: Sequence[HfCheckResult]) -> None:
    """Upsert the latest facts per Hub repository; a failed check keeps the old facts."""
    for r in results:
        key = hf_key(r.repo_type, r.target)
        values: dict[str, object] = {
            "status": r.status.value,
            "status_reason": r.reason[:1024],
            "http_status": r.http_status,
            "last_checked_at": r.checked_at,
        }
        if r.facts is not None:
            f = r.facts
            values |= {
                "private": f.private,
                "gated": f.gated,
                "disabled": f.disabled,
                "downloads": f.downloads,
                "likes": f.likes,
                "last_modified": f.last_modified,
                "sha": f.sha,
                "weight_files": "\n".join(f.weight_files),
                "file_count": f.file_count,
                "license": f.license,
                "arxiv_ids": ",".join(f.arxiv_ids)[:1024],
            }
        found = conn.execute(
            select(HF_REPOS.c.id).where(HF_REPOS.c.key == key)
        ).scalar_one_or_none()
        if found is None:
            conn.execute(
                insert(HF_REPOS).values(
                    key=key,
                    repo_type=r.repo_type,
                    repo_id=r.target,
                    first_seen_at=utcnow(),
                    **values,
                )
            )
        else:
            conn.execute(update(HF_REPOS).where(HF_REPOS.c.id == found).values(**values))


def save_found_arxiv_id(conn: Connection, paper_id: int, arxiv_id: str) -> bool:
    """Give the paper an arXiv ID found by exact title match, unless another paper has it, and
    the key that identity earns (as a later ingest would give it), so reruns change nothing."""
    taken = conn.execute(
        select(PAPERS.c.id).where(and_(PAPERS.c.arxiv_id == arxiv_id, PAPERS.c.id != paper_id))
    ).first()
    if taken is not None:
        return False
    result = conn.execute(
        update(PAPERS)
        .where(
            and_(PAPERS.c.id == paper_id, or_(PAPERS.c.arxiv_id.is_(None), PAPERS.c.arxiv_id == ""))
        )
        .values(arxiv_id=arxiv_id, key=paper_key(arxiv_id, None, ""))
    )
    return bool(result.rowcount)


def save_enrichment(
    conn: Connection,
    paper_id: int,
    *,
    complete: bool,
    links_found: int,
    arxiv_id_found: str | None,
    notes: Sequence[str],
) -> None:
    values = {
        "status": "complete" if complete else "partial",
        "links_found": links_found,
        "arxiv_id_found": arxiv_id_found,
        "notes": "\n".join(notes),
        "enriched_at": utcnow(),
    }
    found = conn.execute(
        select(ENRICHED.c.id).where(ENRICHED.c.paper_id == paper_id)
    ).scalar_one_or_none()
    if found is None:
        conn.execute(insert(ENRICHED).values(paper_id=paper_id, **values))
    else:
        conn.execute(update(ENRICHED).where(ENRICHED.c.id == found).values(**values))
