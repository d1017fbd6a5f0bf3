"""Stored rows to the `PaperFacts` the probes read, in batches so a million papers stream."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, select

from tracker.flags.weights import hub_ref, hub_ref_of_url
from tracker.models import (
    Availability,
    HubState,
    LinkFacts,
    PaperFacts,
    RepoState,
    StatusClaim,
)
from tracker.store.schema import Acknowledgement, HfRepo, Link, Paper, RepoAlias, Repository

BATCH = 2000


def _split(text: str | None, sep: str = "\n") -> tuple[str, ...]:
    """Lists the checker stores joined: reasons and evidence by newline, SPDX ids by comma."""
    if not text:
        return ()
    return tuple(y for x in text.split(sep) if (y := x.strip()))


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def repo_state(m: Any) -> RepoState:
    return RepoState(
        key=m["key"],
        full_name=m["full_name"],
        status=m["status"],
        status_reason=m["status_reason"] or "",
        http_status=m["http_status"],
        dead_confirmations=m["dead_confirmations"] or 0,
        stars=m["stars"],
        archived=bool(m["archived"]),
        pushed_at=_utc(m["pushed_at"] or m["last_commit_at"]),
        license_spdx=m["license_spdx"],
        license_claims=_split(m["license_claims"], ","),
        placeholder=m["placeholder"],
        placeholder_reasons=_split(m["placeholder_reasons"]),
        has_weights=m["has_weights"],
        weights_evidence=_split(m["weights_evidence"]),
        source_files=m["source_files"],
        first_ok_at=_utc(m["first_ok_at"]),
        last_checked_at=_utc(m["last_checked_at"]),
        ever_up=bool(m["created_at"] or m["full_checked_at"] or m["first_ok_at"]),
        kind=m["repo_kind"],
        license_terms=m["license_terms"] or "",
        license_file=m["license_file"],
        checklist=m["checklist"] or "",
        checklist_score=m["checklist_score"],
    )


REPO_FACT_COLUMNS = (
    "key",
    "full_name",
    "status",
    "status_reason",
    "http_status",
    "dead_confirmations",
    "stars",
    "archived",
    "pushed_at",
    "last_commit_at",
    "license_spdx",
    "license_claims",
    "placeholder",
    "placeholder_reasons",
    "has_weights",
    "weights_evidence",
    "source_files",
    "first_ok_at",
    "last_checked_at",
    "created_at",
    "full_checked_at",
    "repo_kind",
    "license_terms",
    "license_file",
    "checklist",
    "checklist_score",
)
"""The repository columns `repo_state` reads (`db/versions/0010` fires its trigger on the same):
not the description, README digest or open requests a flag run never looks at."""
LINK_FACT_COLUMNS = (
    "id",
    "paper_id",
    "url",
    "kind",
    "role",
    "provenance",
    "official",
    "sentence",
    "found_in",
    "repo_key",
    "resolve_status",
    "resolve_reason",
)
"""The link columns the probes read, in the order `_facts_batch` unpacks them."""


_KEYS: BindParameter[list[str]] = bindparam("keys", expanding=True)


def repo_states(conn: Connection, keys: set[str]) -> dict[str, RepoState]:
    """Latest facts by the key a link used, following renames through `repo_alias`."""
    if not keys:
        return {}
    r, a = Repository, RepoAlias
    cols = [r.c[c] for c in REPO_FACT_COLUMNS]
    q = select(*cols).where(r.c.key.in_(_KEYS))
    found = {m["key"]: repo_state(m) for m in conn.execute(q, {"keys": list(keys)}).mappings()}
    missing = keys - found.keys()
    if missing:
        q = select(a.c.alias, *cols).join(r, r.c.id == a.c.repository_id)
        q = q.where(a.c.alias.in_(_KEYS))
        for m in conn.execute(q, {"keys": list(missing)}).mappings():
            found[m["alias"]] = repo_state(m)
    named = {i for st in found.values() for i in hub_keys_named(st.weights_evidence)}
    hubs = _hub_by_key(conn, named)
    if hubs:
        for k, st in found.items():
            ids = hub_keys_named(st.weights_evidence)
            models = tuple((i, hubs[i]) for i in ids if i in hubs)
            if models:
                found[k] = replace(st, hub_models=models)
    return found


def hub_states(conn: Connection, urls: set[str]) -> dict[str, HubState]:
    """The Hub's stored answers for Hugging Face model, collection and organization links,
    by link URL."""
    keys = {u: ref.lower() for u in urls if (ref := hub_ref_of_url(u))}
    found = _hub_by_key(conn, set(keys.values()))
    return {u: found[k] for u, k in keys.items() if k in found}


HUB_LINK_KINDS = ("hf_model", "hf_other")
"""Link kinds that may name a Hub model, collection or organization page."""


def hub_refs_named(lines: Sequence[str]) -> list[str]:
    """Hub references (`model/o/n`, `collection/o/slug`, `org/o`, case kept) of the models,
    collections and organizations that own or unattributed weights evidence lines name."""
    return [r for x in lines if not x.startswith("third-party ") and (r := hub_ref(x))]


def hub_keys_named(lines: Sequence[str]) -> list[str]:
    """The keys of their Hub answers (`hub_refs_named`, lower-cased)."""
    return [r.lower() for r in hub_refs_named(lines)]


def hub_refs_to_verify(conn: Connection, checked_before: dt.datetime, limit: int) -> list[str]:
    """What repositories' weights evidence and papers' own Hub links name on the Hub (`kind/id`,
    case kept) whose answer is missing, unknown or older than `checked_before`: never asked
    first, then the oldest."""
    r, h = Repository, HfRepo
    keys: dict[str, str] = {}
    q = select(r.c.weights_evidence).where(r.c.weights_evidence.like("%Hub %"))
    for (text,) in conn.execute(q):
        for ref in hub_refs_named(_split(text)):
            keys.setdefault(ref.lower(), ref)
    lk = Link
    linked = select(lk.c.url).where(lk.c.kind.in_(HUB_LINK_KINDS), lk.c.official != "community")
    for (url,) in conn.execute(linked.distinct()):
        if linked_ref := hub_ref_of_url(url):
            keys.setdefault(linked_ref.lower(), linked_ref)
    if not keys:
        return []
    asked: dict[str, Any] = {}
    wanted = list(keys)
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        for row in conn.execute(
            select(h.c.key, h.c.status, h.c.last_checked_at).where(h.c.key.in_(part))
        ):
            asked[row.key] = row

    def when(k: str) -> dt.datetime:
        return _utc(asked[k].last_checked_at) or dt.datetime.min.replace(tzinfo=dt.UTC)

    never = [k for k in wanted if k not in asked]
    stale = sorted(
        (
            k
            for k in wanted
            if k in asked and (asked[k].status == "unknown" or when(k) < checked_before)
        ),
        key=when,
    )
    return [keys[k] for k in (never + stale)[:limit]]


def _hub_by_key(conn: Connection, keys: set[str]) -> dict[str, HubState]:
    """Stored Hub answers by key (`model/o/n`...)."""
    if not keys:
        return {}
    h = HfRepo
    out: dict[str, HubState] = {}
    for m in conn.execute(select(h).where(h.c.key.in_(_KEYS)), {"keys": list(keys)}).mappings():
        out[m["key"]] = HubState(
            status=m["status"],
            status_reason=m["status_reason"] or "",
            weight_files=len(_split(m["weight_files"])),
            gated=m["gated"],
            private=m["private"],
        )
    return out


_AVAILABILITY = {a.value: a for a in Availability}
_UNSAID = {a: StatusClaim(a, "", "") for a in Availability}
"""The claims without evidence or condition, shared: most papers say nothing of weights or data."""


def _claim(status: str | None, evidence: str | None, condition: str | None) -> StatusClaim:
    said = _AVAILABILITY.get(status, Availability.NONE) if status else Availability.NONE
    if not evidence and not condition:
        return _UNSAID[said]
    return StatusClaim(said, evidence or "", condition or "")


_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
"""The batch's paper ids, bound as one list instead of coerced one by one into a new `IN`
clause for every batch."""


def _links_of(conn: Connection, ids: list[int]) -> list[Any]:
    lk = Link
    q = select(*(lk.c[c] for c in LINK_FACT_COLUMNS)).where(lk.c.paper_id.in_(_IDS))
    return list(conn.execute(q.order_by(lk.c.id), {"ids": ids}))


def _acknowledged(conn: Connection, ids: list[int]) -> dict[int, frozenset[str]]:
    ack = Acknowledgement
    found: dict[int, set[str]] = defaultdict(set)
    q = select(ack.c.paper_id, ack.c.code).where(ack.c.paper_id.in_(_IDS))
    for pid, code in conn.execute(q, {"ids": ids}):
        found[pid].add(code)
    return {pid: frozenset(codes) for pid, codes in found.items()}


def _facts_batch(conn: Connection, papers: Sequence[Any]) -> list[PaperFacts]:
    ids = [m["id"] for m in papers]
    links = _links_of(conn, ids)
    repos = repo_states(conn, {m.repo_key for m in links if m.repo_key})
    hubs = hub_states(conn, {m.url for m in links if m.kind in HUB_LINK_KINDS})
    by_paper: dict[int, list[LinkFacts]] = defaultdict(list)
    for _, pid, url, kind, role, prov, official, sentence, found_in, key, status, why in links:
        by_paper[pid].append(
            LinkFacts(
                url=url,
                kind=kind,
                role=role,
                provenance=prov,
                official=official,
                sentence=sentence,
                found_in=found_in,
                linked_repo=key,
                resolve_status=status,
                resolve_reason=why or "",
                hub=hubs.get(url) if hubs else None,
                repo=repos.get(key) if key else None,
            )
        )
    acks = _acknowledged(conn, ids)
    return [
        PaperFacts(
            key=m["key"],
            title=m["title"],
            published=m["published"],
            venue_date=m["venue_date"],
            arxiv_id=m["arxiv_id"],
            date_basis=m["date_basis"] or "",
            first_seen=m["first_seen_at"].date() if m["first_seen_at"] else None,
            code=_claim(m["code_status"], m["code_evidence"], m["code_condition"]),
            weights=_claim(m["weights_status"], m["weights_evidence"], m["weights_condition"]),
            data=_claim(m["data_status"], m["data_evidence"], m["data_condition"]),
            links=tuple(by_paper.get(m["id"], ())),
            acknowledged=acks.get(m["id"], frozenset()),
        )
        for m in papers
    ]


PAPER_FACT_COLUMNS = (
    "id",
    "key",
    "title",
    "published",
    "venue_date",
    "arxiv_id",
    "date_basis",
    "first_seen_at",
    *(f"{a}_{s}" for a in ("code", "weights", "data") for s in ("status", "evidence", "condition")),
)
"""The paper columns the probes read (`db/versions/0011` fires its trigger on the same)."""


def paper_facts(conn: Connection, papers: Sequence[Any]) -> list[PaperFacts]:
    """Facts of these paper rows (with every `PAPER_FACT_COLUMNS`), in their order."""
    return _facts_batch(conn, papers) if papers else []


def iter_paper_facts(
    conn: Connection, keys: Sequence[str] | None = None, *, batch: int = BATCH
) -> Iterator[list[PaperFacts]]:
    """Batches of facts for every paper (or the papers with these keys), in id order."""
    p = Paper
    cols = [p.c[c] for c in PAPER_FACT_COLUMNS]
    last = 0
    while True:
        q = select(*cols).where(p.c.id > last).order_by(p.c.id).limit(batch)
        if keys is not None:
            q = q.where(p.c.key.in_(list(keys)))
        rows = list(conn.execute(q).mappings())
        if not rows:
            return
        yield _facts_batch(conn, rows)
        last = rows[-1]["id"]
