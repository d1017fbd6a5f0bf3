"""Archived copies of links' targets: what is due for a look-up, the answers, and the opt-in
requests to archive released code.

A code repository is looked up once for all its links (by its key), a page once for all links
to its URL. Due: never asked first, then those whose last answer was unknown, then those asked
longest ago, each at most once a week (`ARCHIVE_MAX_AGE`). An unknown answer never overwrites
a settled one: a copy once found stays until an archive says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from tracker.hosts import REPO_LINK_KINDS, host_name, path_of
from tracker.models import Archived, ArchiveStatus, ArchiveTarget, LinkView, PaperView, SaveAnswer
from tracker.store.queries import with_repositories
from tracker.store.schema import ArchiveRequest as AR
from tracker.store.schema import Link as L
from tracker.store.schema import Paper as P
from tracker.store.schema import RepoAlias as AL
from tracker.store.schema import Repository as R

ARCHIVE_MAX_AGE = dt.timedelta(days=7)
DEFAULT_LOOKUPS = 200
"""Look-ups per run; the rest wait for the next run."""
PAGE_KINDS = frozenset({"project_page", "github_pages"})
SAVE_AGAIN_AFTER = dt.timedelta(days=30)
"""An origin asked to be saved is not asked again before this, unless the request went
unanswered."""
SOFTWARE_HERITAGE = "software_heritage"
WAYBACK = "wayback"


@dataclass(frozen=True)
class Subject:
    """The stored links one look-up answers for: those of a repository, or those of a URL."""

    repo_key: str | None = None
    url: str | None = None


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def origin_url(key: str, full_name: str | None) -> str:
    """A repository's web address, as archives know it (its current name, case kept)."""
    name = full_name or key
    return f"https://{host_name(key)}/{path_of(name)}"


def _link_rows(conn: Connection) -> Any:
    repo, moved = with_repositories(L, "moved")
    q = (
        select(
            L.c.url,
            L.c.kind,
            L.c.repo_key,
            L.c.resolve_status,
            L.c.archive_status,
            L.c.archive_checked_at,
            L.c.first_seen_at,
            func.coalesce(R.c.key, moved.c.key),
            func.coalesce(R.c.full_name, moved.c.full_name),
            func.coalesce(R.c.status, moved.c.status),
            func.coalesce(R.c.dead_confirmations, moved.c.dead_confirmations),
        )
        .select_from(repo)
        .where(
            or_(
                L.c.kind.in_(sorted(REPO_LINK_KINDS | PAGE_KINDS)),
                L.c.resolve_status == "not_found",
            )
        )
    )
    return conn.execute(q)


def _target(row: Any) -> tuple[Subject, ArchiveTarget] | None:
    url, kind, repo_key, resolved, _, _, seen, key, full_name, status, deaths = row
    seen_day = f"{_utc(seen):%Y%m%d}" if seen else None
    if kind in REPO_LINK_KINDS and repo_key:
        dead = status == "not_found" and (deaths or 0) >= 2
        services = (SOFTWARE_HERITAGE, WAYBACK) if dead else (SOFTWARE_HERITAGE,)
        origin = origin_url(key or repo_key, full_name)
        return Subject(repo_key=repo_key), ArchiveTarget(
            origin, services, seen_day if dead else None
        )
    dead = resolved == "not_found"
    if kind in PAGE_KINDS or dead:
        return Subject(url=url), ArchiveTarget(url, (WAYBACK,), seen_day if dead else None)
    return None


def due_archive_targets(
    conn: Connection, now: dt.datetime, limit: int = DEFAULT_LOOKUPS
) -> dict[ArchiveTarget, list[Subject]]:
    """The targets to look up in this run, in order (never asked, unknown, oldest), at most
    `limit`, each with the stored links it answers for."""
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    rank: dict[ArchiveTarget, tuple[int, dt.datetime]] = {}
    subjects: dict[ArchiveTarget, list[Subject]] = {}
    for row in _link_rows(conn):
        found = _target(row)
        if found is None:
            continue
        subject, target = found
        status, checked = row[4], _utc(row[5])
        if checked is not None and status != "unknown" and checked > now - ARCHIVE_MAX_AGE:
            continue
        order = (0 if checked is None else 1 if status == "unknown" else 2, checked or epoch)
        rank[target] = min(rank.get(target, order), order)
        if subject not in subjects.setdefault(target, []):
            subjects[target].append(subject)
    chosen = sorted(rank, key=lambda t: (*rank[t], t.url))[: max(limit, 0)]
    return {t: subjects[t] for t in chosen}


def save_archived(
    conn: Connection,
    answers: Iterable[tuple[Archived, Sequence[Subject]]],
    now: dt.datetime,
) -> int:
    """Store each answer on the links it stands for; returns how many links changed."""
    changed = 0
    for answer, subjects in answers:
        for subject in subjects:
            where = L.c.repo_key == subject.repo_key if subject.repo_key else L.c.url == subject.url
            if answer.status is ArchiveStatus.UNKNOWN:
                settled = L.c.archive_status.in_(
                    [ArchiveStatus.ARCHIVED.value, ArchiveStatus.NOT_ARCHIVED.value]
                )
                where = and_(where, or_(L.c.archive_status.is_(None), ~settled))
            values: dict[str, object] = {
                "archive_status": answer.status.value,
                "archive_checked_at": now,
            }
            if answer.status is not ArchiveStatus.UNKNOWN:
                values |= {"archived_url": answer.archived_url, "archived_at": answer.archived_at}
            changed += conn.execute(update(L).where(where).values(**values)).rowcount or 0
    return changed


@dataclass(frozen=True)
class SaveCandidate:
    """Released code no archive keeps yet: a repository whose links read `not_archived`."""

    repository_id: int
    key: str
    origin_url: str


def save_candidates(conn: Connection, now: dt.datetime, limit: int) -> list[SaveCandidate]:
    """Repositories that are up (ok or moved), hold code, and that Software Heritage answered
    it does not keep; none asked for within `SAVE_AGAIN_AFTER` (unless that request went
    unanswered). Most starred first."""
    asked = select(AR.c.repository_id).where(
        AR.c.repository_id.is_not(None),
        AR.c.requested_at > now - SAVE_AGAIN_AFTER,
        AR.c.status != "unknown",
    )
    not_kept = select(L.c.repo_key).where(
        L.c.archive_status == ArchiveStatus.NOT_ARCHIVED.value,
        L.c.kind.in_(sorted(REPO_LINK_KINDS)),
    )
    code = or_(R.c.repo_kind == "code", and_(R.c.repo_kind.is_(None), R.c.source_files > 0))
    q = (
        select(R.c.id, R.c.key, R.c.full_name)
        .where(
            R.c.status.in_(["ok", "moved"]),
            code,
            or_(R.c.placeholder.is_(None), R.c.placeholder.is_(False)),
            or_(
                R.c.key.in_(not_kept),
                R.c.id.in_(select(AL.c.repository_id).where(AL.c.alias.in_(not_kept))),
            ),
            R.c.id.not_in(asked),
        )
        .order_by(R.c.stars.desc().nulls_last(), R.c.key)
        .limit(max(limit, 0))
    )
    return [SaveCandidate(i, k, origin_url(k, n)) for i, k, n in conn.execute(q)]


def save_archive_request(
    conn: Connection, candidate: SaveCandidate, answer: SaveAnswer, now: dt.datetime
) -> None:
    """Record one save request and how it went."""
    conn.execute(
        insert(AR).values(
            repository_id=candidate.repository_id,
            origin_url=answer.origin_url[:2048],
            service=SOFTWARE_HERITAGE,
            requested_at=now,
            status=answer.status,
            reason=answer.reason[:1024],
            request_id=answer.request_id,
        )
    )


def archived_copies(
    conn: Connection, paper_keys: Sequence[str]
) -> dict[tuple[str, str], tuple[str, dt.datetime | None]]:
    """(paper key, link URL) -> (archived URL, when taken), for the links with a copy."""
    if not paper_keys:
        return {}
    q = (
        select(P.c.key, L.c.url, L.c.archived_url, L.c.archived_at)
        .join(P, P.c.id == L.c.paper_id)
        .where(
            P.c.key.in_(list(paper_keys)),
            L.c.archive_status == ArchiveStatus.ARCHIVED.value,
            L.c.archived_url.is_not(None),
        )
    )
    return {(k, u): (a, _utc(at)) for k, u, a, at in conn.execute(q)}


def with_archives(conn: Connection, views: Sequence[PaperView]) -> list[PaperView]:
    """`views` with each link's archived copy filled in (one query for the batch)."""
    copies = archived_copies(conn, [v.key for v in views])
    if not copies:
        return list(views)
    return [
        replace(v, links=tuple(_with_copy(lk, copies.get((v.key, lk.url))) for lk in v.links))
        for v in views
    ]


def _with_copy(lk: LinkView, copy: tuple[str, dt.datetime | None] | None) -> LinkView:
    return lk if copy is None else replace(lk, archived_url=copy[0], archived_at=copy[1])
