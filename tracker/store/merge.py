"""Combining databases: shards checked apart (`--shard K/N`, one SQLite file each) become one.

Rows are matched by what they are, never by id: papers by key, links by (paper key, url),
repositories and Hub repositories by key, runs and check attempts by what and when. Ids are
mapped as rows arrive, so foreign keys point at the target's own rows. Merging is idempotent:
the same shard merged twice changes nothing the second time.

- Facts that are re-observed (repositories, Hub repositories, enrichment) keep the copy checked
  last. Papers and links only gain: empty fields are filled, a claim is only strengthened.
- History stays append-on-change: the union of both histories is put in time order and a row
  equal to the row before it is dropped, so "when did code appear" keeps one answer.
- Findings and the papers' derived state (`paper_state`) are derived: a shard flags with only
  its own repositories' facts, so they are not copied. A paper new to the target gets a state
  row that is due now from the database's own trigger, and a paper whose claims a merge improves
  is due again; flag the merged database again (`tracker merge` does) to recompute them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, insert, select, tuple_, update
from sqlalchemy.sql import ColumnElement

from tracker.errors import StoreError
from tracker.store.defaults import utcnow
from tracker.store.engine import current_revision, head_revision, make_engine
from tracker.store.locks import lock_for_write
from tracker.store.papers import CLAIM_RANK
from tracker.store.schema import Paper, metadata

BATCH = 2000


class Kind(Enum):
    """How a table's rows combine."""

    LATEST = "latest"
    """One row per identity; the copy with the later `newer` time wins."""
    GAIN = "gain"
    """One row per identity; empty fields are filled, nothing is erased."""
    ONCE = "once"
    """Insert what is missing; an existing row is never touched."""
    HISTORY = "history"
    """Append-on-change history of a parent row."""
    DERIVED = "derived"
    """Recomputed after merging, never copied."""


@dataclass(frozen=True, slots=True)
class Rule:
    """How one table merges: its identity columns (after id mapping) and its kind."""

    kind: Kind
    natural: tuple[str, ...] = ()
    newer: str | None = None
    """For LATEST: the time column that says which copy is more recent."""
    parent: str | None = None
    """For HISTORY: the column naming the row whose history it is."""


RULES: dict[str, Rule] = {
    "paper": Rule(Kind.GAIN, ("key",)),
    "link": Rule(Kind.GAIN, ("paper_id", "url")),
    "repository": Rule(Kind.LATEST, ("key",), newer="last_checked_at"),
    "repo_alias": Rule(Kind.LATEST, ("alias",), newer="seen_at"),
    "repo_evidence": Rule(Kind.LATEST, ("repository_id",), newer="fetched_at"),
    "repo_history": Rule(Kind.HISTORY, ("repository_id", "observed_at"), parent="repository_id"),
    "ingest_run": Rule(Kind.ONCE, ("command", "started_at", "sources")),
    "check_attempt": Rule(Kind.ONCE, ("checker", "target", "checked_at")),
    "finding": Rule(Kind.DERIVED),
    "paper_state": Rule(Kind.DERIVED),
    "summary_code": Rule(Kind.DERIVED),
    "flag_queue": Rule(Kind.DERIVED),
    "flag_state": Rule(Kind.DERIVED),
    "acknowledgement": Rule(Kind.ONCE, ("paper_id", "code")),
    "hf_repo": Rule(Kind.LATEST, ("key",), newer="last_checked_at"),
    "paper_enrichment": Rule(Kind.LATEST, ("paper_id",), newer="enriched_at"),
    "paper_author": Rule(Kind.ONCE, ("paper_id", "position")),
    "feed": Rule(Kind.GAIN, ("name",)),
    "paper_feed": Rule(Kind.ONCE, ("feed_id", "paper_id")),
    "archive_request": Rule(Kind.ONCE, ("origin_url", "service", "requested_at")),
}
"""Every table of the schema; `merge_database` refuses to run when one is missing here."""

EARLIEST = frozenset({"first_seen_at", "first_ok_at"})
"""Columns that keep the earlier of two values whichever copy wins."""


@dataclass
class TableCounts:
    """What merging one source did to one table."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0


@dataclass
class MergeSummary:
    """Per-table counts of one `merge_database` call."""

    tables: dict[str, TableCounts] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(c.inserted + c.updated + c.deleted for c in self.tables.values())


IdMap = dict[str, dict[int, int]]
"""table name -> source id -> target id."""


def check_rules(tables: Sequence[Table]) -> None:
    """Fail loudly when a table has no merge rule, rather than silently dropping its rows."""
    missing = sorted(t.name for t in tables if t.name not in RULES)
    if missing:
        raise StoreError(f"tracker merge does not know how to merge table(s): {', '.join(missing)}")


def open_source(url: str) -> Engine:
    """A source database, read as it is: it must already exist at the current schema."""
    engine = make_engine(url, create=False)
    have, want = current_revision(engine), head_revision(engine)
    if have != want:
        shown = engine.url.render_as_string()
        raise StoreError(
            f"{shown} is at schema {have or 'none'}, not {want}: "
            f"run `tracker db upgrade --db {shown}` first"
        )
    return engine


def merge_database(source: Engine, target: Engine) -> MergeSummary:
    """Merge every row of `source` into `target` in one target transaction."""
    tables = list(metadata.sorted_tables)
    check_rules(tables)
    referenced = {fk.column.table.name for t in tables for fk in t.foreign_keys}
    summary = MergeSummary()
    ids: IdMap = {}
    with source.connect() as src, target.begin() as dst:
        lock_for_write(dst)
        for table in tables:
            rule = RULES[table.name]
            if rule.kind is Kind.DERIVED:
                continue
            counts = summary.tables.setdefault(table.name, TableCounts())
            ids[table.name] = {}
            merge = _merge_history if rule.kind is Kind.HISTORY else _merge_rows
            merge(src, dst, table, rule, ids, counts, table.name in referenced)
    return summary


def _refs(table: Table) -> dict[str, str]:
    return {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}


def _read(src: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    rows = src.execution_options(stream_results=True, yield_per=BATCH).execute(
        select(table).order_by(table.c.id)
    )
    for part in rows.mappings().partitions(BATCH):
        yield [dict(r) for r in part]


def _mapped(rows: list[dict[str, Any]], refs: dict[str, str], ids: IdMap) -> list[dict[str, Any]]:
    """Rows with foreign keys pointing at target ids; a row whose parent was not merged is left
    out (it cannot be attached to anything)."""
    out = []
    for r in rows:
        r = dict(r)
        for col, parent in refs.items():
            if r[col] is not None:
                r[col] = ids[parent].get(r[col])
                if r[col] is None:
                    break
        else:
            out.append(r)
    return out


def _identity(table: Table, natural: tuple[str, ...]) -> ColumnElement[Any]:
    cols = [table.c[n] for n in natural]
    return cols[0] if len(cols) == 1 else tuple_(*cols)


def _key(row: dict[str, Any], natural: tuple[str, ...]) -> Any:
    return row[natural[0]] if len(natural) == 1 else tuple(row[n] for n in natural)


def _existing(
    dst: Connection, table: Table, natural: tuple[str, ...], keys: list[Any]
) -> dict[Any, dict[str, Any]]:
    if not keys:
        return {}
    found = dst.execute(select(table).where(_identity(table, natural).in_(keys))).mappings()
    return {_key(dict(r), natural): dict(r) for r in found}


def _merge_rows(
    src: Connection,
    dst: Connection,
    table: Table,
    rule: Rule,
    ids: IdMap,
    counts: TableCounts,
    need_ids: bool,
) -> None:
    refs = _refs(table)
    changes_of = _CHANGES[rule.kind]
    for batch in _read(src, table):
        rows = _mapped(batch, refs, ids)
        have = _existing(dst, table, rule.natural, list({_key(r, rule.natural) for r in rows}))
        fresh: dict[Any, list[dict[str, Any]]] = {}
        for r in rows:
            k = _key(r, rule.natural)
            old = have.get(k)
            if old is None:
                fresh.setdefault(k, []).append(r)
                continue
            ids[table.name][r["id"]] = old["id"]
            changes = changes_of(old, r, rule, table.name)
            if changes:
                dst.execute(update(table).where(table.c.id == old["id"]).values(**changes))
                old.update(changes)
                counts.updated += 1
        if fresh:
            _insert(dst, table, rule, fresh, ids if need_ids else None)
            counts.inserted += len(fresh)


def _insert(
    dst: Connection,
    table: Table,
    rule: Rule,
    fresh: dict[Any, list[dict[str, Any]]],
    ids: IdMap | None,
) -> None:
    """Insert the first row of each new identity; every source row of it maps to that row."""
    rows = [{c: v for c, v in same[0].items() if c != "id"} for same in fresh.values()]
    dst.execute(insert(table), rows)
    if ids is None:
        return
    new = _existing(dst, table, rule.natural, list(fresh))
    for k, same in fresh.items():
        for r in same:
            ids[table.name][r["id"]] = new[k]["id"]


def _empty(value: object) -> bool:
    return value is None or value == ""


def _earliest(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {
        c: new[c]
        for c in EARLIEST
        if c in old and new.get(c) is not None and (old[c] is None or new[c] < old[c])
    }


def _latest_changes(
    old: dict[str, Any], new: dict[str, Any], rule: Rule, _table: str
) -> dict[str, Any]:
    assert rule.newer is not None
    mine, theirs = old[rule.newer], new[rule.newer]
    if theirs is None or (mine is not None and theirs <= mine):
        return _earliest(old, new)
    skip = {"id", *rule.natural, *EARLIEST}
    changes = {c: v for c, v in new.items() if c not in skip and old[c] != v}
    return {**changes, **_earliest(old, new)}


def _gain_changes(
    old: dict[str, Any], new: dict[str, Any], _rule: Rule, table: str
) -> dict[str, Any]:
    changes = {c: v for c, v in new.items() if c != "id" and _empty(old[c]) and not _empty(v)}
    for art in ("code", "weights", "data"):
        status = f"{art}_status"
        if status in old and CLAIM_RANK.get(new[status], 0) > CLAIM_RANK.get(old[status], 0):
            for suffix in ("status", "evidence", "condition"):
                changes[f"{art}_{suffix}"] = new[f"{art}_{suffix}"]
    changes.update(_earliest(old, new))
    if "published" not in changes:  # a date's basis describes that date only
        changes.pop("date_basis", None)
    if changes and table == Paper.name:
        changes["updated_at"] = utcnow()
    return changes


def _no_changes(_old: dict[str, Any], _new: dict[str, Any], _rule: Rule, _t: str) -> dict[str, Any]:
    return {}


_CHANGES: dict[Kind, Callable[[dict[str, Any], dict[str, Any], Rule, str], dict[str, Any]]] = {
    Kind.LATEST: _latest_changes,
    Kind.GAIN: _gain_changes,
    Kind.ONCE: _no_changes,
}


def _facts(row: dict[str, Any], skip: set[str]) -> tuple[Any, ...]:
    return tuple(v for c, v in sorted(row.items()) if c not in skip)


def _merge_history(
    src: Connection,
    dst: Connection,
    table: Table,
    rule: Rule,
    ids: IdMap,
    counts: TableCounts,
    _need_ids: bool,
) -> None:
    """Interleave both histories of each parent and keep only the rows that record a change."""
    assert rule.parent is not None
    parent, when = rule.parent, table.c[rule.natural[1]]
    skip = {"id", parent, rule.natural[1]}
    for batch in _read(src, table):
        incoming: dict[int, list[dict[str, Any]]] = {}
        for r in _mapped(batch, _refs(table), ids):
            if r[parent] is not None:
                incoming.setdefault(r[parent], []).append(r)
        stored = dst.execute(
            select(table).where(table.c[parent].in_(list(incoming))).order_by(when, table.c.id)
        ).mappings()
        mine: dict[int, list[dict[str, Any]]] = {}
        for m in stored:
            mine.setdefault(m[parent], []).append(dict(m))
        for pid, theirs in incoming.items():
            _sync_history(dst, table, mine.get(pid, []), theirs, rule.natural[1], skip, counts)


def _sync_history(
    dst: Connection,
    table: Table,
    mine: list[dict[str, Any]],
    theirs: list[dict[str, Any]],
    when: str,
    skip: set[str],
    counts: TableCounts,
) -> None:
    times = {r[when] for r in mine}
    union = mine + [r for r in theirs if r[when] not in times]
    union.sort(key=lambda r: r[when])
    keep: list[dict[str, Any]] = []
    for r in union:
        if not keep or _facts(keep[-1], skip) != _facts(r, skip):
            keep.append(r)
    kept, stored = {id(r) for r in keep}, {id(r) for r in mine}
    gone = [r["id"] for r in mine if id(r) not in kept]
    new = [r for r in keep if id(r) not in stored]
    if gone:
        dst.execute(delete(table).where(table.c.id.in_(gone)))
        counts.deleted += len(gone)
    if new:
        dst.execute(insert(table), [{c: v for c, v in r.items() if c != "id"} for r in new])
        counts.inserted += len(new)
