"""Open issues asking for code, weights or data: which repositories are worth asking about,
what was found, and each paper's requests for reports.

Worth asking: GitHub repositories of papers with an open promise (code or weights promised and
not delivered, as `tracker.store.tracking.open_promise_repos` reads it), and repositories whose
stored judgement or findings say placeholder or missing weights (`code_placeholder`,
`weights_promised_missing`, `code_promised_missing` true). A repository is asked again after
`REQUESTS_MAX_AGE`; never-asked first.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlalchemy import Connection, and_, or_, select, update

from tracker.hosts import Host, host_of
from tracker.models import OpenRequest, Outcome, PaperView
from tracker.store.queries import with_repositories
from tracker.store.schema import Finding as F
from tracker.store.schema import Link as L
from tracker.store.schema import Paper as P
from tracker.store.schema import RepoAlias as AL
from tracker.store.schema import Repository as R
from tracker.store.tracking import open_promise_repos

REQUESTS_MAX_AGE = dt.timedelta(hours=20)
"""Requests are a fast-moving signal: a daily run reads them again."""
FLAG_CODES = ("code_promised_missing", "code_placeholder", "weights_promised_missing")
ASKABLE = ("ok", "moved", "empty")
"""Statuses of repositories that have issues to read."""


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def _flagged_keys(conn: Connection) -> set[str]:
    """Link keys of papers a request would concern."""
    flagged = select(F.c.paper_id).where(F.c.code.in_(FLAG_CODES), F.c.outcome == Outcome.TRUE)
    by_finding = select(L.c.repo_key).where(L.c.paper_id.in_(flagged), L.c.repo_key.is_not(None))
    keys = set(conn.scalars(by_finding.distinct()))
    keys |= open_promise_repos(conn)
    judged = select(R.c.key).where(
        or_(R.c.placeholder.is_(True), and_(R.c.has_weights.is_(False), R.c.key.in_(keys)))
    )
    return keys | set(conn.scalars(judged))


def repos_to_ask(conn: Connection, now: dt.datetime, limit: int) -> list[tuple[str, str]]:
    """(key, current name) of the GitHub repositories worth asking about and due, at most
    `limit`: never asked first, then the longest ago."""
    keys = {k for k in _flagged_keys(conn) if host_of(k) is Host.GITHUB}
    if not keys:
        return []
    renamed = select(AL.c.repository_id).where(AL.c.alias.in_(keys))
    q = select(R.c.key, R.c.full_name, R.c.requests_checked_at).where(
        or_(R.c.key.in_(keys), R.c.id.in_(renamed)), R.c.status.in_(ASKABLE)
    )
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    due = [
        (key, name or key, _utc(asked) or epoch)
        for key, name, asked in conn.execute(q)
        if asked is None or _utc(asked) <= now - REQUESTS_MAX_AGE  # type: ignore[operator]
    ]
    due.sort(key=lambda d: (d[2], d[0]))
    return [(k, n) for k, n, _ in due[: max(limit, 0)]]


def _as_json(requests: Sequence[OpenRequest]) -> str:
    return json.dumps(
        [
            {
                "number": r.number,
                "title": r.title[:300],
                "created_at": r.created_at.isoformat() if r.created_at else None,
                "url": r.url,
            }
            for r in requests
        ],
        ensure_ascii=False,
    )


def save_open_requests(
    conn: Connection, found: Mapping[str, Sequence[OpenRequest]], now: dt.datetime
) -> None:
    """Store each repository's requests (an empty list: asked, none found)."""
    for key, requests in found.items():
        conn.execute(
            update(R)
            .where(R.c.key == key)
            .values(open_requests=_as_json(requests), requests_checked_at=now)
        )


def parse_requests(text: str | None) -> tuple[OpenRequest, ...]:
    """A stored `open_requests` column as values (malformed entries are skipped)."""
    try:
        items = json.loads(text or "[]")
    except ValueError:
        return ()
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("number"), int):
            continue
        when = item.get("created_at")
        try:
            created = dt.datetime.fromisoformat(when) if isinstance(when, str) else None
        except ValueError:
            created = None
        out.append(
            OpenRequest(item["number"], str(item.get("title", "")), created, str(item.get("url")))
        )
    return tuple(out)


def open_requests_of(
    conn: Connection, paper_keys: Sequence[str]
) -> dict[str, tuple[OpenRequest, ...]]:
    """Paper key -> the open requests of its code repositories (newest first)."""
    if not paper_keys:
        return {}
    joined, moved = with_repositories(L.join(P, P.c.id == L.c.paper_id), "moved")
    q = (
        select(P.c.key, R.c.key, R.c.open_requests, moved.c.key, moved.c.open_requests)
        .select_from(joined)
        .where(P.c.key.in_(list(paper_keys)), L.c.repo_key.is_not(None))
    )
    found: dict[str, dict[str, OpenRequest]] = {}
    for pkey, rkey, text, mkey, mtext in conn.execute(q):
        for repo_key, stored in ((rkey, text), (mkey, mtext)):
            if repo_key is None or not stored or stored == "[]":
                continue
            for r in parse_requests(stored):
                found.setdefault(pkey, {})[r.url or f"{repo_key}#{r.number}"] = r
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return {
        k: tuple(sorted(v.values(), key=lambda r: r.created_at or epoch, reverse=True))
        for k, v in found.items()
    }


def with_open_requests(conn: Connection, views: Sequence[PaperView]) -> list[PaperView]:
    """`views` with each paper's open requests filled in (one query for the batch)."""
    found = open_requests_of(conn, [v.key for v in views])
    return [replace(v, open_requests=found[v.key]) if v.key in found else v for v in views]
