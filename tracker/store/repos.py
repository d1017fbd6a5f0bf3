"""Saving repository checks: latest facts, aliases, append-on-change history, every attempt.

Rules kept here so every transport obeys them:

* A repository is its lower-cased canonical `owner/name`; after a rename or transfer the row
  takes the new name and the old one becomes a `repo_alias`, so links written with the old
  name still find it.
* UNKNOWN (rate limits, 5xx, timeouts) is an attempt, never a fact: it neither touches the
  stored facts nor the dead counter, and it does not move `last_checked_at` (so the repository
  stays due and goes first next time).
* `dead_confirmations` counts consecutive definite 404/410/451 answers; any other definite
  answer resets it. A repository is dead only at two or more.
* `repo_history` gets a row only when a tracked value changed; an unchanged check only moves
  `last_checked_at`. A 304 (conditional request) is an unchanged check, and so is a GraphQL
  probe whose digest matches `probe_digest` (see `tracker.check.github.graphql`).

Callers pass their transaction: one batch of results is saved all or nothing, so a process
killed mid-run leaves whole batches behind and a rerun completes the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    CursorResult,
    DateTime,
    Select,
    String,
    case,
    cast,
    collate,
    delete,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    true,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import BIT

from tracker.check.shard import Shard, shard_hash
from tracker.hosts import Host, host_of
from tracker.models import CheckResult, DueRepo, RepoFacts, RepoStatus
from tracker.store.bulk import no_cycle_collection
from tracker.store.defaults import utcnow
from tracker.store.engine import set_local
from tracker.store.locks import lock_for_write
from tracker.store.schema import CheckAttempt as _C
from tracker.store.schema import Link as _L
from tracker.store.schema import RepoAlias as _A
from tracker.store.schema import RepoEvidence as _E
from tracker.store.schema import RepoHistory as _H
from tracker.store.schema import Repository as _R

DEAD_STATUSES = frozenset({404, 410, 451})
DEAD_CONFIRMATIONS = 2
"""Dead after this many consecutive definite answers (as `tracker.flags.facts`)."""
TRACKED = (
    "status",
    "stars",
    "license_spdx",
    "pushed_at",
    "archived",
    "full_name",
    "placeholder",
    "has_weights",
    "source_files",
)
"""Values whose change earns a history row."""


def _host(key: str) -> str:
    """The host kind stored beside a key (`tracker.hosts`), for queries by host."""
    return str(host_of(key) or Host.GITHUB)


def _utc(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


@dataclass
class SavedChecks:
    """What one save did: how many repositories changed, how many answers were unknown."""

    saved: int = 0
    changed: int = 0
    unknown: int = 0


def due_in_check_order(
    conn: Connection,
    checked_before: dt.datetime | None,
    dead_checked_before: dt.datetime,
    shard: Shard | None = None,
) -> list[DueRepo]:
    """The linked repositories a plan finds due, in check order but for open promises (which
    `tracker.schedule.plan` moves first): unknown, never checked, then the stalest, ties by key.

    Due: never checked or unknown, or checked before `checked_before` (any time when None), or,
    when confirmed dead, before `dead_checked_before`. The linked names with no repository row
    yet come in among the never checked. Of `shard`, only the repositories whose shard name
    it holds (`tracker.check.shard`: the key when a link names it, else the smallest old name
    a link names), chosen by the database before it sorts them."""
    postgres = conn.dialect.name == "postgresql"
    # PostgreSQL: sort the due repositories in memory rather than in files, and do not compile
    # the query first (JIT), which costs more than it saves here
    set_local(conn, work_mem="'64MB'", jit="off")
    if not postgres and shard is not None:
        # SQLite has no SHA-256 of its own: it asks the one function every shard is drawn by
        raw = conn.connection.dbapi_connection
        raw.create_function(_SHARD_HASH, 1, shard_hash, deterministic=True)  # type: ignore[union-attr]
    q = _check_order(checked_before, dead_checked_before, postgres, shard)
    with conn.execute(q) as result, no_cycle_collection():
        return _records(result)


def _records(result: CursorResult[Any]) -> list[DueRepo]:
    """`DueRepo`s of the query's rows, a part at a time, built column by column: converting
    each value as it is read cost more than the query. Every column is text or a number but
    the two times, which come as ISO text with their offset and are parsed here."""
    out: list[DueRepo] = []
    while part := result.fetchmany(_PART):
        cols: list[Any] = list(zip(*part, strict=True))
        cols[3], cols[7] = _aware(cols[3]), _aware(cols[7])
        out += map(_as_tuple, repeat(DueRepo), zip(*cols, strict=True))
    return out


_as_tuple = tuple.__new__
"""`DueRepo` from a row's values without a Python call per row (`DueRepo._make` is one)."""


def _aware(values: Sequence[str | None]) -> Iterator[dt.datetime | None]:
    """ISO times with their offset (`_check_order`'s text) as aware datetimes, None kept: each
    distinct text parsed once, and no Python call per value."""
    distinct = set(values)
    distinct.discard(None)
    parsed: dict[str | None, dt.datetime | None] = dict(
        zip(distinct, map(dt.datetime.fromisoformat, distinct), strict=True)  # type: ignore[arg-type]
    )
    parsed[None] = None
    return map(parsed.__getitem__, values)


def _check_order(
    checked_before: dt.datetime | None,
    dead_checked_before: dt.datetime,
    postgres: bool,
    shard: Shard | None = None,
) -> Select[Any]:
    """`DueRepo`'s fields of the due repositories (of `shard`) and of the linked names with no
    row, in check order (but for open promises). Times come as ISO text in UTC with the offset
    written out (`_iso`), whatever the session's time zone."""
    lc = _R.c.last_checked_at

    def utc(column: Any) -> Any:
        return type_coerce(func.timezone("UTC", column) if postgres else column, DateTime())

    dead = func.coalesce(_R.c.dead_confirmations, 0) >= DEAD_CONFIRMATIONS
    limit = case(
        (dead, literal(dead_checked_before, lc.type)),
        else_=literal(checked_before, lc.type) if checked_before is not None else null(),
    )
    # Never checked (NULL) or checked before the limit, NULL meaning no limit: true of a
    # linked name with no row as well. One condition on the row each name finds: most
    # repositories are due in a daily run, and reading index ranges of the times, then each
    # row they name, costs several times more.
    stale = func.coalesce(lc <= limit, true())
    status = func.coalesce(_R.c.status, "unchecked")
    due = or_(status.in_(("unknown", "unchecked")), stale)

    def fields(key: Any) -> list[Any]:
        return [
            key.label("key"),
            func.coalesce(func.nullif(_R.c.full_name, ""), key),
            status,
            utc(lc).label("checked"),
            _R.c.etag,
            _R.c.last_modified,
            _R.c.probe_digest,
            utc(_R.c.full_checked_at),
            func.coalesce(_R.c.dead_confirmations, 0),
            _R.c.releases_count,
            case((status == "unknown", 0), (status == "unchecked", 1), else_=2).label("rank"),
        ]

    def mine(shard_name: Any) -> list[Any]:
        return [] if shard is None else [_in_shard(shard_name, shard, postgres)]

    # Every linked name once, with the repository of that key if there is one: a name with
    # no row and no repository by that old name is one never checked. Each name is looked up
    # once, in the order of the links' index.
    linked = select(_L.c.repo_key.label("k")).where(_L.c.repo_key.is_not(None)).distinct()
    names = linked.subquery("names")
    # A shard's test names the row's key too (the same text when there is a row), so neither
    # database moves it into the DISTINCT, where it would hash every link rather than each name.
    by_name = (
        select(*fields(names.c.k))
        .select_from(names.outerjoin(_R, _R.c.key == names.c.k))
        .where(
            *mine(func.coalesce(_R.c.key, names.c.k)),
            due,
            or_(_R.c.id.is_not(None), ~exists().where(_A.c.alias == names.c.k)),
        )
    )
    # Repositories that links name by an old name only. The name a shard is chosen by is the
    # smallest such old name: links keep the name they were written with, so a repository
    # keeps its shard when a check finds it renamed, even while other shards of the same
    # matrix run are still planning (by its new key it could land in a second shard and be
    # checked twice in one run).
    alias = collate(_A.c.alias, "C") if postgres else _A.c.alias  # the byte order's smallest
    old = (
        select(_A.c.repository_id.label("id"), func.min(alias).label("name"))
        .where(exists().where(_L.c.repo_key == _A.c.alias))
        .group_by(_A.c.repository_id)
        .subquery("old")
    )
    renamed = (
        select(*fields(_R.c.key))
        .select_from(old.join(_R, _R.c.id == old.c.id))
        .where(*mine(old.c.name), due, ~exists().where(_L.c.repo_key == _R.c.key))
    )
    both = union_all(by_name, renamed).subquery()
    key = both.c.key
    in_bytes = collate(key, "C") if postgres else key  # Python's order, whatever the server's
    by = (both.c.rank, both.c.checked.asc().nulls_first(), in_bytes)
    cols = list(both.c)[:10]
    cols[3], cols[7] = _iso(cols[3], postgres), _iso(cols[7], postgres)
    return select(*cols).order_by(*by)


_SHARD_HASH = "tracker_shard_hash"
"""`tracker.check.shard.shard_hash`, as a function of a SQLite connection."""


def _in_shard(name: Any, shard: Shard, postgres: bool) -> Any:
    """Whether `shard` holds the repository `name` shards it by: `shard_hash(name) mod N`
    computed by the database (PostgreSQL: the first four bytes of its own SHA-256 of the
    UTF-8 text; names are stored lower-cased, as `shard_hash` reads them)."""
    if postgres:
        first = func.substring(func.sha256(func.convert_to(name, "UTF8")), 1, 4)
        hex_digits = literal("x", String()) + func.encode(first, "hex")
        number = cast(cast(hex_digits, BIT(32)), BigInteger())
    else:
        number = getattr(func, _SHARD_HASH)(name)
    return number % shard.n == shard.k - 1


def _iso(naive_utc: Any, postgres: bool) -> Any:
    """A naive UTC time as ISO text with its offset, which `datetime.fromisoformat` reads into
    an aware datetime in one call (SQLite stores the text already)."""
    if postgres:
        return func.to_char(naive_utc, 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
    return type_coerce(naive_utc, String()) + "+00:00"


_PART = 5000
"""Rows converted at a time: SQLAlchemy converts a batch faster than row by row."""


def due_repos(conn: Connection) -> list[DueRepo]:
    """Every repository (on any host, `tracker.hosts`) a link points at, once, with its
    last check's state: what `tracker.schedule.choose` picks from. A plan asks the database
    for only the due ones, in order (`due_in_check_order`)."""
    keys = {
        k
        for (k,) in conn.execute(select(_L.c.repo_key).where(_L.c.repo_key.is_not(None)).distinct())
    }
    rows = _rows_for(conn, keys, _DUE_COLUMNS)
    out: dict[str, DueRepo] = {}
    for key in sorted(keys):
        row = rows.get(key)
        if row is None:
            out.setdefault(key, DueRepo(key, key))
            continue
        out[row["key"]] = DueRepo(
            row["key"],
            row["full_name"] or row["key"],
            row["status"],
            row["last_checked_at"],
            row["etag"],
            row["last_modified"],
            row["probe_digest"],
            row["full_checked_at"],
            int(row["dead_confirmations"] or 0),
            row["releases_count"],
        )
    return list(out.values())


_DUE_COLUMNS = (
    "id", "key", "full_name", "status", "last_checked_at", "etag", "last_modified",
    "probe_digest", "full_checked_at", "dead_confirmations", "releases_count",
)  # fmt: skip
"""What planning needs: whole rows of every repository would make planning's memory grow with
every fact stored (`benchmarks/bench_scale.py` measures its peak)."""


def _rows_for(
    conn: Connection, keys: Iterable[str], columns: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Repository rows (or just `columns`) by key, following aliases for old names."""
    cols = [_R.c[c] for c in columns] if columns else list(_R.c)
    wanted = set(keys)
    found: dict[str, dict[str, Any]] = {}
    chunk = list(wanted)
    for i in range(0, len(chunk), 500):
        part = chunk[i : i + 500]
        for m in conn.execute(select(*cols).where(_R.c.key.in_(part))).mappings():
            found[m["key"]] = dict(m)
        missing = [k for k in part if k not in found]
        if missing:
            q = select(_A.c.alias, *cols).join(_R, _R.c.id == _A.c.repository_id)
            for m in conn.execute(q.where(_A.c.alias.in_(missing))).mappings():
                found[m["alias"]] = {k: v for k, v in m.items() if k != "alias"}
    return found


def _fact_values(f: RepoFacts) -> dict[str, Any]:
    assets = [{"name": a.name, "size": a.size, "downloads": a.downloads} for a in f.assets]
    return {
        "full_name": f.full_name,
        "stars": f.stars,
        "forks": f.forks,
        "watchers": f.watchers,
        "open_issues": f.open_issues,
        "description": f.description,
        "homepage": f.homepage[:1024],
        "topics": ",".join(f.topics)[:2048],
        "language": f.language,
        "created_at": f.created_at,
        "pushed_at": f.pushed_at,
        "last_commit_at": f.last_commit_at,
        "default_branch": f.default_branch,
        "archived": f.archived,
        "disabled": f.disabled,
        "is_fork": f.is_fork,
        "parent": f.parent,
        "license_spdx": f.license_spdx,
        "releases_count": f.releases_count,
        "latest_release_tag": f.latest_release_tag,
        "latest_release_at": f.latest_release_at,
        "assets_json": json.dumps(assets, separators=(",", ":")),
        "readme_size": f.readme_size,
        "readme_sha": f.readme_sha,
        "source_files": f.source_files,
        "lfs_patterns": ",".join(f.lfs_patterns)[:2048],
    }


def evidence_values(f: RepoFacts, fetched_at: dt.datetime) -> dict[str, Any]:
    """The raw evidence row of a full check, with the digest the flag run compares."""
    assets = [[a.name, a.size] for a in f.assets]
    values: dict[str, Any] = {
        "fetched_at": fetched_at,
        "empty": f.empty,
        "readme_text": f.readme_text,
        "tree": "\n".join(f.tree_paths),
        "lfs_patterns": "\n".join(f.lfs_patterns),
        "files": json.dumps(dict(f.files), sort_keys=True),
    }
    judged_with = [values[k] for k in ("empty", "readme_text", "tree", "lfs_patterns", "files")]
    judged_with += [f.full_name, ",".join(f.topics), assets]
    values["digest"] = hashlib.sha256(json.dumps(judged_with).encode()).hexdigest()
    return values


def _save_evidence(conn: Connection, repo_id: int, r: CheckResult) -> None:
    assert r.facts is not None
    values = evidence_values(r.facts, r.checked_at)
    old = conn.execute(select(_E.c.id, _E.c.digest).where(_E.c.repository_id == repo_id)).first()
    if old is None:
        conn.execute(insert(_E).values(repository_id=repo_id, judged="", **values))
    elif old.digest != values["digest"]:  # the same evidence keeps the time it was first read
        conn.execute(update(_E).where(_E.c.id == old.id).values(**values))


def _new_values(r: CheckResult, old: dict[str, Any] | None) -> dict[str, Any]:
    """Column values after this answer (UNKNOWN is handled by the caller)."""
    now = r.checked_at
    values: dict[str, Any] = {
        "status_reason": r.reason[:1024],
        "http_status": r.http_status,
        "last_checked_at": now,
    }
    if r.unchanged:
        return {**values, "dead_confirmations": 0, "http_status": r.http_status or 304}
    values["status"] = r.status.value
    values["probe_digest"] = r.probe_digest  # cleared by answers a probe cannot compare with
    if r.status is RepoStatus.OK and (old or {}).get("status") == RepoStatus.MOVED.value:
        values["status"] = RepoStatus.MOVED.value  # papers still link the old name
    definite_dead = r.status in (RepoStatus.NOT_FOUND, RepoStatus.BLOCKED) and (
        r.http_status in DEAD_STATUSES
    )
    previous = int((old or {}).get("dead_confirmations") or 0)
    values["dead_confirmations"] = previous + 1 if definite_dead else 0
    if r.status is RepoStatus.FORBIDDEN:
        values["dead_confirmations"] = previous  # no sign of life, no proof of death
    if r.facts is not None:
        values.update((k, v) for k, v in _fact_values(r.facts).items() if k not in r.unanswered)
        values["full_checked_at"] = now
        seen = "source_files" not in r.unanswered
        if seen and not (old or {}).get("first_ok_at") and r.facts.source_files > 0:
            values["first_ok_at"] = now
    if r.etag is not None or r.last_modified is not None:
        values["etag"], values["last_modified"] = r.etag, r.last_modified
    return values


def _changed(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    if old is None or old.get("status") == "unchecked":
        return True
    return any(k in new and _utc(new[k]) != _utc(old.get(k)) for k in TRACKED)


def _attempt(r: CheckResult, run_id: int | None, checker: str) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "checker": checker,
        "target": r.target[:2048],
        "status": "unchanged" if r.unchanged else r.status.value,
        "reason": r.reason[:2048],
        "http_status": (r.http_status or 304) if r.unchanged else r.http_status,
        "checked_at": r.checked_at,
    }


def save_check_results(
    conn: Connection,
    results: Sequence[CheckResult],
    *,
    run_id: int | None = None,
    checker: str = "github",
) -> SavedChecks:
    """Store a batch of answers inside the caller's transaction."""
    lock_for_write(conn)
    counts = SavedChecks()
    keys = {r.target.lower() for r in results} | {
        r.canonical.lower() for r in results if r.canonical
    }
    rows = _rows_for(conn, keys)
    history: list[dict[str, Any]] = []
    for r in results:
        counts.saved += 1
        if r.status is RepoStatus.UNKNOWN and not r.unchanged:
            counts.unknown += 1
            _save_unknown(conn, r, rows)
            continue
        repo_id, old = _locate(conn, r, rows)
        new = _new_values(r, old)
        if old is None:
            repo_id = _insert(conn, r, new)
        else:
            conn.execute(update(_R).where(_R.c.id == repo_id).values(**new))
        if r.facts is not None and "evidence" not in r.unanswered:
            _save_evidence(conn, repo_id, r)
        merged = {
            "archived": False,
            "full_name": r.canonical or r.target,
            **(old or {}),
            **new,
        }
        if not r.unchanged and _changed(old, new):
            counts.changed += 1
            conn.execute(update(_R).where(_R.c.id == repo_id).values(last_changed_at=r.checked_at))
            history.append(
                {
                    "repository_id": repo_id,
                    "observed_at": r.checked_at,
                    **{k: merged.get(k) for k in TRACKED},
                }
            )
        key = str(merged.get("key") or (r.canonical or r.target).lower())
        rows[key] = {**merged, "key": key, "id": repo_id}
    if history:
        conn.execute(insert(_H), history)
    conn.execute(insert(_C), [_attempt(r, run_id, checker) for r in results])
    return counts


def _save_unknown(conn: Connection, r: CheckResult, rows: dict[str, dict[str, Any]]) -> None:
    """An unknown answer creates the row if needed, but never changes facts or counters."""
    key = r.target.lower()
    if key in rows:
        if rows[key]["status"] == "unchecked":
            conn.execute(
                update(_R)
                .where(_R.c.id == rows[key]["id"])
                .values(status="unknown", status_reason=r.reason[:1024])
            )
        return
    values = {
        "key": key,
        "host": _host(key),
        "full_name": r.target,
        "status": "unknown",
        "status_reason": r.reason[:1024],
        "first_seen_at": r.checked_at,
    }
    rid = conn.execute(insert(_R).values(**values)).inserted_primary_key[0]  # type: ignore[index]
    rows[key] = {**values, "id": rid, "dead_confirmations": 0, "last_checked_at": None}


def _insert(conn: Connection, r: CheckResult, new: dict[str, Any]) -> int:
    key = (r.canonical or r.target).lower()
    values = {
        "key": key,
        "host": _host(key),
        "full_name": r.canonical or r.target,
        "first_seen_at": r.checked_at,
        "last_changed_at": r.checked_at,
        **new,
    }
    rid = int(conn.execute(insert(_R).values(**values)).inserted_primary_key[0])  # type: ignore[index]
    if r.canonical and r.canonical.lower() != r.target.lower():
        _alias(conn, r.target.lower(), rid, r.checked_at)
    return rid


def _alias(conn: Connection, alias: str, repo_id: int, when: dt.datetime) -> None:
    found = conn.execute(select(_A.c.id, _A.c.repository_id).where(_A.c.alias == alias)).first()
    if found is None:
        conn.execute(insert(_A).values(alias=alias, repository_id=repo_id, seen_at=when))
    elif found.repository_id != repo_id:
        conn.execute(update(_A).where(_A.c.id == found.id).values(repository_id=repo_id))


def _locate(
    conn: Connection, r: CheckResult, rows: dict[str, dict[str, Any]]
) -> tuple[int, dict[str, Any] | None]:
    """The row this answer belongs to, renaming or merging rows when the repository moved."""
    old = rows.get(r.target.lower())
    if not r.canonical or r.canonical.lower() == r.target.lower():
        return (int(old["id"]), old) if old else (0, None)
    new_key = r.canonical.lower()
    target = rows.get(new_key)
    if old is not None and target is not None and old["id"] != target["id"]:
        _merge_into(conn, int(old["id"]), int(target["id"]))
        old = None
    keep = target or old
    if keep is None:
        return 0, None
    if keep["key"] != new_key:
        conn.execute(update(_R).where(_R.c.id == keep["id"]).values(key=new_key))
        _alias(conn, str(keep["key"]), int(keep["id"]), r.checked_at)
        keep = {**keep, "key": new_key}
    _alias(conn, r.target.lower(), int(keep["id"]), r.checked_at)
    return int(keep["id"]), keep


def _merge_into(conn: Connection, source_id: int, target_id: int) -> None:
    """Two rows turned out to be one repository: keep the canonical one, alias the other."""
    src_key = conn.execute(select(_R.c.key).where(_R.c.id == source_id)).scalar_one()
    conn.execute(update(_A).where(_A.c.repository_id == source_id).values(repository_id=target_id))
    conn.execute(update(_H).where(_H.c.repository_id == source_id).values(repository_id=target_id))
    kept = conn.execute(select(_E.c.id).where(_E.c.repository_id == target_id)).first()
    if kept is None:
        conn.execute(
            update(_E).where(_E.c.repository_id == source_id).values(repository_id=target_id)
        )
    else:
        conn.execute(delete(_E).where(_E.c.repository_id == source_id))
    conn.execute(delete(_R).where(_R.c.id == source_id))
    _alias(conn, str(src_key), target_id, utcnow())
