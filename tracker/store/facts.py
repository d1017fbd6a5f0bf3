"""Stored rows to the `PaperFacts` the probes read, in batches so a million papers stream."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Connection, Dialect, select

from tracker.flags.weights import hub_ref, hub_ref_of_url
from tracker.models import (
    Availability,
    HubState,
    LinkFacts,
    PaperFacts,
    RepoState,
    StatusClaim,
)
from tracker.store.bulk import InList, memoized
from tracker.store.schema import (
    Acknowledgement,
    HfRepo,
    Link,
    Paper,
    PaperState,
    RepoAlias,
    Repository,
)

BATCH = 2000


def _split(text: str | None, sep: str = "\n") -> tuple[str, ...]:
    """Lists the checker stores joined: reasons and evidence by newline, SPDX ids by comma."""
    if not text:
        return ()
    return tuple(y for x in text.split(sep) if (y := x.strip()))


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def repo_state(v: Sequence[Any]) -> RepoState:
    """The facts of one repository from its `REPO_FACT_COLUMNS` values (as SQLAlchemy would
    give them back: `_Reads` applies the columns' result processors)."""
    (
        key, full_name, status, status_reason, http_status, dead_confirmations, stars,
        archived, pushed_at, last_commit_at, license_spdx, license_claims, placeholder,
        placeholder_reasons, has_weights, weights_evidence, source_files, first_ok_at,
        last_checked_at, created_at, full_checked_at, repo_kind, license_terms, license_file,
        checklist, checklist_score,
    ) = v  # fmt: skip
    return RepoState(
        key=key,
        full_name=full_name,
        status=status,
        status_reason=status_reason or "",
        http_status=http_status,
        dead_confirmations=dead_confirmations or 0,
        stars=stars,
        archived=bool(archived),
        pushed_at=_utc(pushed_at or last_commit_at),
        license_spdx=license_spdx,
        license_claims=_split(license_claims, ","),
        placeholder=placeholder,
        placeholder_reasons=_split(placeholder_reasons),
        has_weights=has_weights,
        weights_evidence=_split(weights_evidence),
        source_files=source_files,
        first_ok_at=_utc(first_ok_at),
        last_checked_at=_utc(last_checked_at),
        ever_up=bool(created_at or full_checked_at or first_ok_at),
        kind=repo_kind,
        license_terms=license_terms or "",
        license_file=license_file,
        checklist=checklist or "",
        checklist_score=checklist_score,
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


HUB_FACT_COLUMNS = ("key", "status", "status_reason", "weight_files", "gated", "private")
"""The Hub answer columns a `HubState` holds."""


def _converter(
    dialect: Dialect, columns: Sequence[Column[Any]]
) -> Callable[[list[Any]], list[Sequence[Any]]]:
    """Rows of these columns as the driver gives them to the values SQLAlchemy's rows hold:
    each value through its column type's result processor (SQLite's datetimes and booleans,
    the UTC of every datetime), once per distinct value; a NULL only through a processor that
    does not keep it NULL (none of ours: most values a flag run reads are NULL)."""
    procs = [
        (i, memoized(proc), proc(None) is None)
        for i, c in enumerate(columns)
        if (proc := c.type.dialect_impl(dialect).result_processor(dialect, None))
    ]
    if not procs:
        return lambda rows: rows

    def convert(rows: list[Any]) -> list[Sequence[Any]]:
        out: list[Sequence[Any]] = []
        for row in rows:
            cells = list(row)
            for i, proc, keeps_null in procs:
                value = cells[i]
                if value is not None or not keeps_null:
                    cells[i] = proc(value)
            out.append(cells)
        return out

    return convert


def _names(quote: Callable[[str], str], columns: Sequence[Column[Any]]) -> str:
    """`table.column, ...`, quoted for the dialect."""
    return ", ".join(f"{quote(c.table.name)}.{quote(c.name)}" for c in columns)  # type: ignore[attr-defined]


class _Reads:
    """The selects of one batch's facts, each written once for the connection's dialect and
    run on plain values (`tracker.store.bulk.InList`), their rows converted as SQLAlchemy
    converts them (`_converter`): building a `Row` per row and rendering every expanding `IN`
    again cost more than the queries themselves."""

    def __init__(self, conn: Connection) -> None:
        dialect = conn.dialect
        q = dialect.identifier_preparer.quote

        def names(columns: Sequence[Column[Any]]) -> str:
            return _names(q, columns)

        def reading(columns: Sequence[Column[Any]], joined: str, by: Column[Any]) -> InList:
            return InList(conn, f"SELECT {names(columns)} FROM {joined}", names([by]))

        r, a, lk = Repository, RepoAlias, Link
        repo = [r.c[c] for c in REPO_FACT_COLUMNS]
        aliased = [a.c.alias, *repo]
        link = [lk.c[c] for c in LINK_FACT_COLUMNS]
        hub = [HfRepo.c[c] for c in HUB_FACT_COLUMNS]
        ack = [Acknowledgement.c.paper_id, Acknowledgement.c.code]
        joined = f"{q(a.name)} JOIN {q(r.name)} ON {names([r.c.id])} = {names([a.c.repository_id])}"
        self._links = reading(link, q(lk.name), lk.c.paper_id)
        self._repos = reading(repo, q(r.name), r.c.key)
        self._aliases = reading(aliased, joined, a.c.alias)
        self._hubs = reading(hub, q(HfRepo.name), HfRepo.c.key)
        self._acks = reading(ack, q(Acknowledgement.name), Acknowledgement.c.paper_id)
        self._link = _converter(dialect, link)
        self._repo = _converter(dialect, repo)
        self._aliased = _converter(dialect, aliased)
        self._hub = _converter(dialect, hub)
        self._ack = _converter(dialect, ack)

    def links(self, conn: Connection, ids: list[int]) -> list[Sequence[Any]]:
        """The links of these papers, in id order (`LINK_FACT_COLUMNS`)."""
        return sorted(self._link(self._links.rows(conn, ids)), key=itemgetter(0))

    def repos(self, conn: Connection, keys: set[str]) -> dict[str, RepoState]:
        """Latest facts by the key a link used, following renames through `repo_alias`."""
        if not keys:
            return {}
        found = {v[0]: repo_state(v) for v in self._repo(self._repos.rows(conn, keys))}
        missing = keys - found.keys()
        if missing:
            for alias, *v in self._aliased(self._aliases.rows(conn, missing)):
                found[alias] = repo_state(v)
        named = {i for st in found.values() for i in hub_keys_named(st.weights_evidence)}
        hubs = self.hubs(conn, named)
        if hubs:
            for k, st in found.items():
                ids = hub_keys_named(st.weights_evidence)
                models = tuple((i, hubs[i]) for i in ids if i in hubs)
                if models:
                    found[k] = replace(st, hub_models=models)
        return found

    def hubs(self, conn: Connection, keys: set[str]) -> dict[str, HubState]:
        """Stored Hub answers by key (`model/o/n`...)."""
        if not keys:
            return {}
        return {
            key: HubState(
                status=status,
                status_reason=reason or "",
                weight_files=len(_split(files)),
                gated=gated,
                private=private,
            )
            for key, status, reason, files, gated, private in self._hub(self._hubs.rows(conn, keys))
        }

    def acknowledged(self, conn: Connection, ids: list[int]) -> dict[int, frozenset[str]]:
        found: dict[int, set[str]] = defaultdict(set)
        for pid, code in self._ack(self._acks.rows(conn, ids)):
            found[pid].add(code)
        return {pid: frozenset(codes) for pid, codes in found.items()}


def _hub_states(reads: _Reads, conn: Connection, urls: set[str]) -> dict[str, HubState]:
    keys = {u: ref.lower() for u in urls if (ref := hub_ref_of_url(u))}
    found = reads.hubs(conn, set(keys.values()))
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


_AVAILABILITY = {a.value: a for a in Availability}
_UNSAID = {a: StatusClaim(a, "", "") for a in Availability}
"""The claims without evidence or condition, shared: most papers say nothing of weights or data."""


def _claim(status: str | None, evidence: str | None, condition: str | None) -> StatusClaim:
    said = _AVAILABILITY.get(status, Availability.NONE) if status else Availability.NONE
    if not evidence and not condition:
        return _UNSAID[said]
    return StatusClaim(said, evidence or "", condition or "")


def _facts_batch(conn: Connection, papers: Sequence[Any]) -> list[PaperFacts]:
    reads = _Reads(conn)
    ids = [m["id"] for m in papers]
    links = reads.links(conn, ids)
    repos = reads.repos(conn, {v[9] for v in links if v[9]})
    hubs = _hub_states(reads, conn, {v[2] for v in links if v[3] in HUB_LINK_KINDS})
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
    acks = reads.acknowledged(conn, ids)
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


def paper_rows(conn: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The `PAPER_FACT_COLUMNS` and `paper_state.flag_due` of these papers as SQLAlchemy's
    rows give them, by name, in the order of `ids` (a paper without its state row left out);
    read as `_Reads` reads (what `tracker.store.flag_due.papers_by_id` reads unlocked)."""
    p, s = Paper, PaperState
    columns = [*(p.c[c] for c in PAPER_FACT_COLUMNS), s.c.flag_due]
    q = conn.dialect.identifier_preparer.quote
    joined = f"{q(p.name)} JOIN {q(s.name)} ON {_names(q, [s.c.paper_id])} = {_names(q, [p.c.id])}"
    reading = InList(
        conn,
        f"SELECT {_names(q, columns)} FROM {joined}",
        _names(q, [p.c.id]),
        ranged=[_names(q, [s.c.paper_id])],
    )
    keys = [c.name for c in columns]
    found = {
        row[0]: dict(zip(keys, row, strict=True))
        for row in _converter(conn.dialect, columns)(reading.rows(conn, ids))
    }
    return [found[i] for i in ids if i in found]


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
