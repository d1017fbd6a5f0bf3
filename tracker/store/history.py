"""What changed: a repository's history points and the events `tracker diff` reports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    select,
    union,
)

from tracker.models import (
    DiffEvent,
    HistoryPoint,
)
from tracker.store.facts import _utc
from tracker.store.kept import kept_promises
from tracker.store.selection import AL, H, L, P, R


def repo_history(conn: Connection, keys: Sequence[str]) -> dict[str, tuple[HistoryPoint, ...]]:
    """Every stored change of the repositories with these keys, oldest first."""
    if not keys:
        return {}
    q = (
        select(R.c.key, H)
        .join(R, R.c.id == H.c.repository_id)
        .where(R.c.key.in_(list(keys)))
        .order_by(R.c.key, H.c.observed_at, H.c.id)
    )
    out: dict[str, list[HistoryPoint]] = defaultdict(list)
    for m in conn.execute(q).mappings():
        out[m["key"]].append(
            HistoryPoint(
                observed_at=_utc(m["observed_at"]) or m["observed_at"],
                status=m["status"],
                stars=m["stars"],
                license_spdx=m["license_spdx"],
                archived=bool(m["archived"]),
                full_name=m["full_name"],
                placeholder=m["placeholder"],
                has_weights=m["has_weights"],
            )
        )
    return {k: tuple(v) for k, v in out.items()}


def _event(kind: str, before: object, after: object) -> tuple[str, str, str]:
    return kind, "" if before is None else str(before), "" if after is None else str(after)


def _changes(prev: Any, cur: Any, star_jump: int) -> list[tuple[str, str, str]]:
    """What changed between two consecutive history rows of one repository."""
    out = []
    if cur["status"] == "not_found" and prev["status"] != "not_found":
        out.append(_event("died", prev["status"], cur["status"]))
    if (
        cur["full_name"]
        and prev["full_name"]
        and cur["full_name"].lower() != prev["full_name"].lower()
    ):
        out.append(_event("moved", prev["full_name"], cur["full_name"]))
    if cur["archived"] and not prev["archived"]:
        out.append(_event("archived", "", "archived"))
    up = cur["status"] in ("ok", "moved", "empty")
    if cur["license_spdx"] != prev["license_spdx"] and cur["license_spdx"]:
        kind = "license_added" if not prev["license_spdx"] else "license_changed"
        out.append(_event(kind, prev["license_spdx"], cur["license_spdx"]))
    elif up and prev["license_spdx"] and not cur["license_spdx"]:
        out.append(_event("license_removed", prev["license_spdx"], ""))
    # judged verdicts: None is "not judged yet", never a change
    if cur["has_weights"] is True and prev["has_weights"] is False:
        out.append(_event("weights_released", "", "weights"))
    elif up and cur["has_weights"] is False and prev["has_weights"] is True:
        out.append(_event("weights_removed", "weights", ""))
    if up and cur["placeholder"] is False and prev["placeholder"] is True:
        out.append(_event("placeholder_filled", "placeholder", "code"))
    if (
        cur["stars"] is not None
        and prev["stars"] is not None
        and cur["stars"] - prev["stars"] >= star_jump
    ):
        out.append(_event("stars_jump", prev["stars"], cur["stars"]))
    return out


def _papers_of(conn: Connection, rids: set[int]) -> dict[int, list[tuple[str, str]]]:
    """Papers linking each repository as their own (not as a community reimplementation), by
    its current name or an old one."""
    if not rids:
        return {}
    own = L.c.official != "community"
    direct = (
        select(R.c.id, L.c.paper_id).join(L, L.c.repo_key == R.c.key).where(R.c.id.in_(rids), own)
    )
    renamed = (
        select(AL.c.repository_id, L.c.paper_id)
        .join(L, L.c.repo_key == AL.c.alias)
        .where(AL.c.repository_id.in_(rids), own)
    )
    links = union(direct, renamed).subquery()
    q = (
        select(links.c[0], P.c.key, P.c.title)
        .join(P, P.c.id == links.c[1])
        .order_by(links.c[0], P.c.id)
    )
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for rid, key, title in conn.execute(q):
        out[rid].append((key, title))
    return out


def diff_events(conn: Connection, since: dt.datetime, *, star_jump: int = 100) -> list[DiffEvent]:
    """What happened to linked repositories since `since`: promises kept, deaths, moves,
    archiving, licenses, weights and star jumps, oldest first."""
    changed = select(H.c.repository_id).where(H.c.observed_at >= since).distinct()
    q = (
        select(H, R.c.full_name.label("now_name"))
        .join(R, R.c.id == H.c.repository_id)
        .where(H.c.repository_id.in_(changed))
        .order_by(H.c.repository_id, H.c.observed_at, H.c.id)
    )
    found: list[tuple[int, str, str, dt.datetime, str, str]] = []
    prev: Any = None
    for cur in conn.execute(q).mappings():
        at = _utc(cur["observed_at"]) or since
        if prev is not None and prev["repository_id"] == cur["repository_id"] and at >= since:
            found += [
                (cur["repository_id"], cur["now_name"], k, at, b, a)
                for k, b, a in _changes(prev, cur, star_jump)
            ]
        prev = cur
    papers = _papers_of(conn, {f[0] for f in found})
    events = [
        DiffEvent(kind=kind, paper_key=key, title=title, subject=name, at=at, before=b, after=a)
        for rid, name, kind, at, b, a in found
        for key, title in papers.get(rid, [])
    ]
    # the promises kept in the window, by the rule every count uses (`tracker.store.kept`)
    events += [
        DiffEvent(
            kind="code_delivered",
            paper_key=k.paper_key,
            title=k.title,
            subject=k.repository,
            at=k.kept_at,
            after="code",
        )
        for k in kept_promises(conn, since=since)
        if k.kept_at is not None
    ]
    return sorted(events, key=lambda e: (e.at, e.kind, e.paper_key))
