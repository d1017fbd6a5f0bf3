"""Saving extracted papers and their links: idempotent, batched, one paper per identity.

A paper is matched by arXiv ID, then DOI, then normalized title, so the same paper read from a
listing (title only) and later from the arXiv API (with an ID) stays one row, whose key is
upgraded to the stronger identity. Re-saving what is stored changes nothing.

Bulk ingest is bound by per-row overhead, so a batch is decided here and written in bulk by
the database's writer (`tracker.store.bulk`: multi-row INSERTs on SQLite, COPY on PostgreSQL),
and the links of a paper inserted in the same batch are not looked up: it cannot have any yet.
Papers arrive as `PaperRows` (plain tuples built by `tracker.rows`, possibly in another process),
and the per-batch look-ups (stored identities, the ids of new papers with links, their stored
links) are plain DBAPI statements (`_rows_in`). On PostgreSQL each batch is saved in a thread
while the caller gathers the next (`_SavedBehind`), one batch after the other as before.
"""

from __future__ import annotations

import queue
import threading
from bisect import insort
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Engine, Table, select

from tracker.extract.identity import paper_key
from tracker.models import ExtractedPaper
from tracker.rows import PAPER_COLUMNS, SOURCE_REF, PaperRows, paper_rows
from tracker.store.bulk import (
    AUTHOR_UPDATES,
    AUTHORS,
    LINKS,
    PAPERS,
    Changes,
    Writer,
    bulk_writes,
    gather_statistics,
    writer_for,
)
from tracker.store.defaults import utcnow
from tracker.store.schema import PaperState

BATCH = 2000


@dataclass
class SaveCounts:
    """Running totals of one save; mutable so a streaming caller can report progress."""

    papers_seen: int = 0
    papers_new: int = 0
    links_seen: int = 0
    links_new: int = 0


def _batches(items: Iterable[PaperRows], size: int) -> Iterator[list[PaperRows]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


CLAIM_RANK = {"none": 0, "mentioned_no_link": 1, "promised": 2, "released": 3}
"""A stored claim is only ever raised: a later source saying more about a paper wins."""


def _merge(old: dict[str, object], new: dict[str, object]) -> dict[str, object]:
    """Fields of `new` that improve `old`: fill gaps, never erase, keep the stronger claim."""
    changes: dict[str, object] = {}
    for field in ("arxiv_id", "doi", "published", "comment", "venue", "venue_date"):
        if not old.get(field) and new.get(field):
            changes[field] = new[field]
    if len(str(new["abstract"])) > len(str(old.get("abstract") or "")):
        changes["abstract"] = new["abstract"]
    for art in ("code", "weights", "data"):
        if CLAIM_RANK[str(new[f"{art}_status"])] > CLAIM_RANK[str(old[f"{art}_status"])]:
            for suffix in ("status", "evidence", "condition"):
                changes[f"{art}_{suffix}"] = new[f"{art}_{suffix}"]
    merged = {**old, **changes}
    key = paper_key(
        merged.get("arxiv_id"),  # type: ignore[arg-type]
        merged.get("doi"),  # type: ignore[arg-type]
        str(merged["title"]),
    )
    if key != old["key"]:
        changes["key"] = key
    return changes


def _dedupe(batch: list[PaperRows]) -> list[PaperRows]:
    """One entry per identity within a batch (the first wins; later ones only add links)."""
    seen: dict[object, PaperRows] = {}
    for p in batch:
        first = seen.get(p.paper[0])
        if first is None:
            seen[p.paper[0]] = p
        elif p.links:
            urls = {lk[0] for lk in first.links}
            extra = tuple(lk for lk in p.links if lk[0] not in urls)
            if extra:
                seen[p.paper[0]] = PaperRows(first.paper, first.links + extra, first.authors)
    return list(seen.values())


_Ident = tuple[str | None, str | None, str]
"""`(arxiv_id, doi, title_norm)` of a paper being saved."""


class _Stored:
    """The stored papers a batch may match, indexed by arXiv ID, DOI and title.

    A lookup returns the first candidate in the order the rows were found, and a row whose ID
    or DOI a merge fills in is found by it for the rest of the batch.
    """

    def __init__(self, rows: Iterable[dict[str, object]]) -> None:
        self._by: dict[str, dict[object, list[tuple[int, dict[str, object]]]]] = {
            "arxiv_id": {},
            "doi": {},
            "title_norm": {},
        }
        self._order: dict[int, int] = {}
        for row in rows:
            self._order[int(row["id"])] = len(self._order)  # type: ignore[call-overload]
            self._index(row, ("arxiv_id", "doi", "title_norm"))

    def _index(self, row: dict[str, object], fields: Iterable[str]) -> None:
        for field in fields:
            if row[field] or field == "title_norm":  # an empty title matches an empty title
                entry = (self._order[int(row["id"])], row)  # type: ignore[call-overload]
                insort(self._by[field].setdefault(row[field], []), entry, key=itemgetter(0))

    def match(self, arxiv: str | None, doi: str | None, title: str) -> dict[str, object] | None:
        for field, value in (("arxiv_id", arxiv), ("doi", doi)):
            if value and value in self._by[field]:
                return self._by[field][value][0][1]
        for _, row in self._by["title_norm"].get(title, ()):
            if not arxiv or not row["arxiv_id"] or row["arxiv_id"] == arxiv:
                return row
        return None

    def update(self, row: dict[str, object], changes: dict[str, object]) -> None:
        row.update(changes)
        self._index(row, [f for f in ("arxiv_id", "doi") if f in changes])


_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@lru_cache(maxsize=64)
def _marks(mark: str, n: int) -> str:
    return ", ".join([mark] * n)


def _rows_in(
    conn: Connection,
    table: Table,
    selected: tuple[str, ...],
    column: str,
    values: Iterable[object],
) -> list[Any]:
    """Rows of `SELECT selected FROM table WHERE column IN values ORDER BY column, id`, as plain
    DBAPI SQL: SQLAlchemy's expanding parameters render and process every value again on each
    call, which cost more per saved paper than its insert. Only for columns whose values need
    no type conversion (text and integers). PostgreSQL gets the values as one array
    parameter (`= ANY`), which it binds and plans once instead of a parameter per value."""
    q = conn.dialect.identifier_preparer.quote
    head = f"SELECT {', '.join(map(q, selected))} FROM {q(table.name)} WHERE {q(column)}"
    order = f"ORDER BY {q(column)}, {q('id')}"
    if conn.dialect.name == "postgresql":
        listed = list(values)
        literal = _array_literal(listed)
        if literal is None:
            sql = f"{head} = ANY(%(values)s) {order}"
            return list(conn.exec_driver_sql(sql, {"values": listed}).fetchall())
        text, kind = literal
        sql = f"{head} = ANY(%(values)s::{kind}) {order}"
        return list(conn.exec_driver_sql(sql, {"values": text}).fetchall())
    padded = _padded(values)
    marks = _marks(_MARKS[conn.dialect.paramstyle], len(padded))
    sql = f"{head} IN ({marks}) {order}"
    return list(conn.exec_driver_sql(sql, tuple(padded)).fetchall())  # at once, not row by row


def _array_literal(values: list[object]) -> tuple[str, str] | None:
    """`values` written as PostgreSQL's text form of an array, and the array's type, when all
    are strings or all integers (else None): psycopg dumps a list parameter item by item in
    Python, a cost for every batch's look-ups that one join here avoids. Every string is
    quoted, with its backslashes and double quotes escaped, so none is read as NULL, split, or
    trimmed."""
    strings = [v for v in values if type(v) is str]
    if len(strings) == len(values):
        quoted = (v.replace("\\", "\\\\").replace('"', '\\"') for v in strings)
        return "{" + ",".join(f'"{v}"' for v in quoted) + "}", "text[]"
    if all(type(v) is int for v in values):
        return "{" + ",".join(map(str, values)) + "}", "bigint[]"
    return None


def _padded(values: Iterable[object]) -> list[object]:
    """`values` with the last one repeated up to a power of two, so SQLite's cache of prepared
    statements (each as large as its parameter list) holds a few sizes only, not one per batch."""
    out = list(values)
    return out + out[-1:] * ((1 << (len(out) - 1).bit_length()) - len(out))


def _find_existing(conn: Connection, idents: list[_Ident]) -> _Stored:
    """Stored papers sharing a title, arXiv ID or DOI with the batch: one indexed query each,
    in the order SQLite's multi-index OR of the three gives them (by title, then ID, then DOI,
    each sorted by value and id), which decides between several rows that could match. The
    ids come first, plain; only papers found are read whole (with their column types)."""
    order: dict[int, None] = {}
    for column, values in (
        ("title_norm", {t for _, _, t in idents}),
        ("arxiv_id", {a for a, _, _ in idents if a}),
        ("doi", {d for _, d, _ in idents if d}),
    ):
        if values:
            for (pid,) in _rows_in(conn, PAPERS, ("id",), column, values):
                order.setdefault(int(pid), None)
    if not order:
        return _Stored(())
    found = conn.execute(select(PAPERS).where(PAPERS.c.id.in_(list(order)))).mappings()
    rows = {int(r["id"]): dict(r) for r in found}
    return _Stored(rows[pid] for pid in order)


def save_papers(conn: Connection, papers: Iterable[ExtractedPaper]) -> SaveCounts:
    """Upsert papers and links inside the caller's transaction; returns what was new."""
    return save_rows(conn, map(paper_rows, papers))


def save_rows(
    conn: Connection,
    papers: Iterable[PaperRows],
    saved: Callable[[list[PaperRows], list[int]], None] | None = None,
) -> SaveCounts:
    """`save_papers` for papers already turned into rows (`tracker.rows.paper_rows`).

    `saved`, when given, is called after each batch with its papers and their ids (a feed
    records which papers it brought)."""
    counts = SaveCounts()
    writer = writer_for(conn)

    def save(batch: list[PaperRows]) -> None:
        unique = _dedupe(batch)
        ids = _save_batch(conn, writer, unique, counts, need_ids=saved is not None)
        if saved is not None:
            saved(unique, ids)

    with _bulk_settings(conn):
        if conn.dialect.name != "postgresql":
            for batch in _batches(papers, BATCH):
                save(batch)
            return counts
        with _SavedBehind(save) as behind:
            for batch in _batches(papers, BATCH):
                behind.put(batch)
    return counts


def gather_ingest_statistics(engine: Engine, counts: SaveCounts) -> None:
    """After a committed ingest, PostgreSQL's statistics of the tables it wrote, when it added
    a good share of the papers (`tracker.store.bulk.gather_statistics`)."""
    gather_statistics(engine, PAPERS, counts.papers_new, (PaperState, LINKS, AUTHORS))


class _SavedBehind:
    """Batches saved in a thread of their own, in the order given, while the caller gathers
    the next one (on PostgreSQL).

    Saving a batch on PostgreSQL is mostly waiting for the server (look-ups, COPY, index and
    trigger work), with the GIL released; gathering one is waiting for the extraction workers
    and unpickling their rows. Done one after the other, the server sat idle while the next
    batch was gathered and the gathering stood still while the server worked. Batches still
    reach the database one at a time and in order, on the caller's connection and in its
    transaction, so each sees every paper saved before it and the rows stored are the serial
    path's. The caller's thread keeps reading the input, so its errors, progress and Ctrl-C
    stay where they were; one batch at most waits to be saved. A failed save is raised to the
    caller at its next `put` or when the block ends, and whatever ends the block (normally or
    by an exception) waits for the batch being saved before the caller may use the connection
    again (to roll back, say)."""

    def __init__(self, save: Callable[[list[PaperRows]], None]) -> None:
        self._save = save
        self._todo: queue.Queue[list[PaperRows] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="tracker-save", daemon=True)

    def __enter__(self) -> _SavedBehind:
        self._thread.start()
        return self

    def _run(self) -> None:
        while (batch := self._todo.get()) is not None:
            if self._error is None:  # after a failure, batches are taken and dropped
                try:
                    self._save(batch)
                except BaseException as exc:  # raised in the caller's thread
                    self._error = exc

    def put(self, batch: list[PaperRows]) -> None:
        """Hand `batch` over; raises what an earlier save raised."""
        self._raise()
        self._todo.put(batch)

    def _raise(self) -> None:
        if self._error is not None:  # kept: the thread goes on dropping what it is given
            raise self._error

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is not None:
            with suppress(queue.Empty):  # not saved: the caller is failing anyway
                self._todo.get_nowait()
        self._todo.put(None)
        _join(self._thread)
        if exc_type is None:
            self._raise()


def _join(thread: threading.Thread) -> None:
    """Wait for `thread` to end, even through a Ctrl-C, which is raised after: the thread may
    be using the caller's connection until then."""
    interrupted: KeyboardInterrupt | None = None
    while thread.is_alive():
        try:
            thread.join()
        except KeyboardInterrupt as exc:
            interrupted = exc
    if interrupted is not None:
        raise interrupted


@contextmanager
def _bulk_settings(conn: Connection) -> Iterator[None]:
    """The database's settings for a bulk save (`tracker.store.bulk.bulk_writes`,
    `_index_lookups`), restored after it."""
    with bulk_writes(conn), _index_lookups(conn):
        yield


@contextmanager
def _index_lookups(conn: Connection) -> Iterator[None]:
    """PostgreSQL plans the look-ups of a save by their indexes, not by scanning the table.

    A table filled in the save's own transaction has no statistics (ANALYZE runs after commit),
    so the planner guesses that `title_norm = ANY(2000 titles)` matches a good part of the
    table and scans all of it, in parallel: each batch then read every paper saved before it,
    which made a large first ingest quadratic. Every look-up here has an index (see `_rows_in`),
    so scans are priced out for the save (`SET LOCAL`, undone with the transaction if the
    save fails, set back after it otherwise)."""
    if conn.dialect.name != "postgresql":
        yield
        return
    before = conn.exec_driver_sql("SELECT current_setting('enable_seqscan')").scalar()
    conn.exec_driver_sql("SELECT set_config('enable_seqscan', 'off', true)")
    yield
    conn.exec_driver_sql("SELECT set_config('enable_seqscan', %(v)s, true)", {"v": before})


def _save_batch(
    conn: Connection,
    writer: Writer,
    batch: list[PaperRows],
    counts: SaveCounts,
    need_ids: bool = False,
) -> list[int]:
    """Save one batch; the papers' ids, in order (-1 for a new paper whose id nothing needed,
    unless `need_ids`). What changes is decided here, against the stored rows read once per
    batch; the writer only writes it (`tracker.store.bulk`)."""
    stored = _find_existing(conn, [p.ident for p in batch])
    ids: list[int] = []
    inserts: list[int] = []
    updates: list[Changes] = []
    for i, p in enumerate(batch):
        counts.papers_seen += 1
        row = stored.match(*p.ident)
        if row is None:
            inserts.append(i)
            ids.append(-1)
            continue
        ids.append(int(row["id"]))  # type: ignore[call-overload]
        changes = _merge(row, dict(zip(PAPER_COLUMNS, p.paper, strict=True)))
        if changes:
            changes["updated_at"] = utcnow()
            updates.append((ids[-1], dict(changes)))
            stored.update(row, changes)
    writer.update_papers(conn, updates)
    if inserts:
        now = utcnow()
        new_ids = writer.insert_papers(conn, [batch[i].paper for i in inserts], now)
        if new_ids is not None:
            for i, pid in zip(inserts, new_ids, strict=True):
                ids[i] = pid
        else:
            # only the links and authors of a new paper need its id: most papers have neither
            linked = [i for i in inserts if need_ids or batch[i].links or batch[i].authors]
            keys = [batch[i].paper[0] for i in linked]
            if keys:
                id_of: dict[object, int] = dict(_rows_in(conn, PAPERS, ("key", "id"), "key", keys))
                for i in linked:
                    ids[i] = id_of[batch[i].paper[0]]
        counts.papers_new += len(inserts)
    _save_links(conn, writer, batch, ids, set(inserts), counts)
    _save_authors(conn, writer, batch, ids, set(inserts))
    return ids


def _save_authors(
    conn: Connection, writer: Writer, batch: list[PaperRows], ids: list[int], fresh: set[int]
) -> None:
    """Authors of papers that have none stored; of a paper that has, the identifiers a source
    gives for an author stored without them (same position, same name) are filled in."""
    named = [(pid, p.authors) for pid, p in zip(ids, batch, strict=True) if p.authors]
    if not named:
        return
    old = [
        pid
        for i, (pid, p) in enumerate(zip(ids, batch, strict=True))
        if p.authors and i not in fresh
    ]
    stored: dict[int, dict[int, tuple[Any, ...]]] = {}
    if old:
        columns = ("paper_id", "position", "id", "name", "orcid", "openalex_id", "profile")
        for row in _rows_in(conn, AUTHORS, columns, "paper_id", old):
            stored.setdefault(int(row[0]), {})[int(row[1])] = tuple(row[2:])
    rows: list[tuple[object, ...]] = []
    fills: list[Changes] = []
    for pid, authors in named:
        have = stored.get(pid)
        if have is None:
            stored[pid] = {}
            rows.extend((pid, n, *a) for n, a in enumerate(authors))
            continue
        for n, a in enumerate(authors):
            known = have.get(n)
            if known is None or known[1] != a[0]:
                continue
            fill: dict[str, object] = {
                k: v
                for k, v, old_v in zip(AUTHOR_UPDATES, a[1:], known[2:], strict=True)
                if v and not old_v
            }
            if fill:
                fills.append((int(known[0]), fill))
    writer.update_authors(conn, fills)
    if rows:
        writer.insert_authors(conn, rows)


def _save_links(
    conn: Connection,
    writer: Writer,
    batch: list[PaperRows],
    ids: list[int],
    fresh: set[int],
    counts: SaveCounts,
) -> None:
    """Links not stored yet; only papers that existed before this batch can have some."""
    old = [
        pid for i, (pid, p) in enumerate(zip(ids, batch, strict=True)) if p.links and i not in fresh
    ]
    have: set[tuple[int, object]] = set()
    if old:
        stored = _rows_in(conn, LINKS, ("paper_id", "url"), "paper_id", old)
        have = {(pid, url) for pid, url in stored}
    rows = []
    for pid, p in zip(ids, batch, strict=True):
        if not p.links:
            continue
        where = p.paper[SOURCE_REF]
        for lk in p.links:
            counts.links_seen += 1
            if (pid, lk[0]) in have:
                continue
            have.add((pid, lk[0]))
            rows.append((pid, where, *lk))
    if rows:
        writer.insert_links(conn, rows, utcnow())
        counts.links_new += len(rows)
