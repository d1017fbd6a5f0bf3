"""Saving extracted papers and their links: idempotent, batched, one paper per identity.

A paper is matched by arXiv ID, then DOI, then normalized title, so the same paper read from a
listing (title only) and later from the arXiv API (with an ID) stays one row, whose key is
upgraded to the stronger identity. Re-saving what is stored changes nothing.

Bulk ingest is bound by per-row overhead, so new rows go to the driver in one `executemany` per
batch with parameters built as plain tuples (the statement is still compiled by SQLAlchemy for
the connection's dialect, so SQLite and PostgreSQL get the same SQL they would otherwise), and
the links of a paper inserted in the same batch are not looked up: it cannot have any yet.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from tracker.errors import StoreError
from tracker.extract.identity import normalize_title, paper_key
from tracker.models import ExtractedPaper, Link, LinkKind, Provenance
from tracker.store.tables import Link as LinkRow
from tracker.store.tables import Paper, utcnow

BATCH = 2000
_PAPERS: Table = Paper.__table__  # type: ignore[attr-defined]
_LINKS: Table = LinkRow.__table__  # type: ignore[attr-defined]
_MACHINE_FOUND = frozenset({Provenance.HF_AUTO, Provenance.GITHUB_SEARCH})
"""Links nobody from the paper gave: a machine match may be a reimplementation."""


@dataclass
class SaveCounts:
    """Running totals of one save; mutable so a streaming caller can report progress."""

    papers_seen: int = 0
    papers_new: int = 0
    links_seen: int = 0
    links_new: int = 0


def _batches(items: Iterable[ExtractedPaper], size: int) -> Iterator[list[ExtractedPaper]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


_PAPER_KEYS = (
    "key", "arxiv_id", "doi", "title_norm", "title", "abstract", "comment", "published",
    "source_kind", "source_ref", "code_status", "code_evidence", "code_condition",
    "weights_status", "weights_evidence", "weights_condition", "data_status", "data_evidence",
    "data_condition",
)  # fmt: skip


def _paper_row(p: ExtractedPaper, title_norm: str) -> tuple[object, ...]:
    """The values of `_PAPER_KEYS`, in that order."""
    r = p.record
    return (
        p.key,
        r.arxiv_id,
        r.doi,
        title_norm,
        r.title,
        r.abstract,
        r.comment,
        r.published,
        r.source_kind,
        str(r.location)[:1024],
        p.code.status.value,
        p.code.evidence,
        p.code.condition[:255],
        p.weights.status.value,
        p.weights.evidence,
        p.weights.condition[:255],
        p.data.status.value,
        p.data.evidence,
        p.data.condition[:255],
    )


_STATUS_RANK = {"none": 0, "mentioned_no_link": 1, "promised": 2, "released": 3}


def _merge(old: dict[str, object], new: dict[str, object]) -> dict[str, object]:
    """Fields of `new` that improve `old`: fill gaps, never erase, keep the stronger claim."""
    changes: dict[str, object] = {}
    for field in ("arxiv_id", "doi", "published", "comment"):
        if not old.get(field) and new.get(field):
            changes[field] = new[field]
    if len(str(new["abstract"])) > len(str(old.get("abstract") or "")):
        changes["abstract"] = new["abstract"]
    for art in ("code", "weights", "data"):
        if _STATUS_RANK[str(new[f"{art}_status"])] > _STATUS_RANK[str(old[f"{art}_status"])]:
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


def _dedupe(batch: list[ExtractedPaper]) -> list[ExtractedPaper]:
    """One entry per identity within a batch (the first wins; later ones only add links)."""
    seen: dict[str, ExtractedPaper] = {}
    for p in batch:
        if p.key in seen:
            first = seen[p.key]
            extra = tuple(lk for lk in p.links if lk.url not in {x.url for x in first.links})
            if extra:
                seen[p.key] = ExtractedPaper(
                    first.record,
                    first.key,
                    first.links + extra,
                    first.code,
                    first.weights,
                    first.data,
                )
        else:
            seen[p.key] = p
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


def _find_existing(conn: Connection, idents: list[_Ident]) -> _Stored:
    """Stored papers sharing a title, arXiv ID or DOI with the batch: one indexed query each,
    in the order SQLite's multi-index OR of the three gives them (by title, then ID, then DOI,
    each sorted by value and id), which decides between several rows that could match."""
    table = _PAPERS
    rows: dict[object, dict[str, object]] = {}
    for column, values in (
        (table.c.title_norm, {t for _, _, t in idents}),
        (table.c.arxiv_id, {a for a, _, _ in idents if a}),
        (table.c.doi, {d for _, d, _ in idents if d}),
    ):
        if values:
            query = select(table).where(column.in_(values)).order_by(column, table.c.id)
            for r in conn.execute(query).mappings():
                rows.setdefault(r["id"], dict(r))
    return _Stored(rows.values())


class _BulkInsert:
    """One INSERT compiled by SQLAlchemy for the connection's dialect, run as a DBAPI
    `executemany` on tuples: no per-row statement processing.

    Columns the caller does not give take their scalar Python default, as SQLAlchemy would
    fill them in; values pass through the column types' bind processors (SQLite stores dates as
    text), once per batch for values shared by every row.
    """

    def __init__(
        self, conn: Connection, table: Table, row_keys: tuple[str, ...], shared: tuple[str, ...]
    ) -> None:
        dialect = conn.dialect
        defaults: dict[str, object] = {}
        for col in table.columns:
            if col.name in row_keys or col.name in shared or col.primary_key:
                continue
            if col.default is not None:
                if not col.default.is_scalar:
                    raise StoreError(f"column {table.name}.{col.name} needs an explicit value")
                defaults[col.name] = col.default.arg  # type: ignore[attr-defined]
        self._shared = (*shared, *defaults)
        self._defaults = defaults
        keys = (*row_keys, *self._shared)
        compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
        self._sql = str(compiled)
        procs = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.c}
        self._procs = procs
        self._row_procs = [(i, procs[k]) for i, k in enumerate(row_keys) if procs[k]]
        self._keys = keys
        names = compiled.positiontup if compiled.positional else None
        self._order: Callable[[tuple[object, ...]], Any] | None = (
            itemgetter(*(keys.index(n) for n in names)) if names else None
        )

    def run(self, conn: Connection, rows: list[tuple[object, ...]], **shared: object) -> None:
        values = {**shared, **self._defaults}
        tail = tuple(
            self._procs[k](values[k]) if self._procs[k] else values[k]  # type: ignore[misc]
            for k in self._shared
        )
        params: list[Any] = []
        for row in rows:
            if self._row_procs:
                cells = list(row)
                for i, proc in self._row_procs:
                    cells[i] = proc(cells[i])  # type: ignore[misc]
                row = tuple(cells)
            full = row + tail
            params.append(
                self._order(full) if self._order else dict(zip(self._keys, full, strict=True))
            )
        conn.exec_driver_sql(self._sql, params)


_LINK_KEYS = (
    "paper_id", "url", "raw", "kind", "role", "provenance", "found_in", "position", "sentence",
    "repo_key", "subpath", "confidence", "official",
)  # fmt: skip


class _Writer:
    """The two bulk INSERTs of a save, compiled once per call."""

    def __init__(self, conn: Connection) -> None:
        shared = ("first_seen_at", "updated_at")
        self.papers = _BulkInsert(conn, _PAPERS, _PAPER_KEYS, shared)
        self.links = _BulkInsert(conn, _LINKS, _LINK_KEYS, ("first_seen_at",))


def save_papers(conn: Connection, papers: Iterable[ExtractedPaper]) -> SaveCounts:
    """Upsert papers and links inside the caller's transaction; returns what was new."""
    counts = SaveCounts()
    writer = _Writer(conn)
    for batch in _batches(papers, BATCH):
        _save_batch(conn, writer, _dedupe(batch), counts)
    return counts


def _save_batch(
    conn: Connection, writer: _Writer, batch: list[ExtractedPaper], counts: SaveCounts
) -> None:
    idents = [
        (p.record.arxiv_id, p.record.doi, normalize_title(p.record.title)[:512]) for p in batch
    ]
    stored = _find_existing(conn, idents)
    ids: list[int] = []
    inserts: list[int] = []
    for i, (p, ident) in enumerate(zip(batch, idents, strict=True)):
        counts.papers_seen += 1
        row = stored.match(*ident)
        if row is None:
            inserts.append(i)
            ids.append(-1)
            continue
        ids.append(int(row["id"]))  # type: ignore[call-overload]
        changes = _merge(row, dict(zip(_PAPER_KEYS, _paper_row(p, ident[2]), strict=True)))
        if changes:
            changes["updated_at"] = utcnow()
            conn.execute(update(_PAPERS).where(_PAPERS.c.id == row["id"]).values(**changes))
            stored.update(row, changes)
    if inserts:
        now = utcnow()
        rows = [_paper_row(batch[i], idents[i][2]) for i in inserts]
        writer.papers.run(conn, rows, first_seen_at=now, updated_at=now)
        keys = [batch[i].key for i in inserts]
        found = select(_PAPERS.c.key, _PAPERS.c.id).where(_PAPERS.c.key.in_(keys))
        id_of: dict[str, int] = {key: pid for key, pid in conn.execute(found)}
        for i in inserts:
            ids[i] = id_of[batch[i].key]
        counts.papers_new += len(inserts)
    _save_links(conn, writer, batch, ids, set(inserts), counts)


def _save_links(
    conn: Connection,
    writer: _Writer,
    batch: list[ExtractedPaper],
    ids: list[int],
    fresh: set[int],
    counts: SaveCounts,
) -> None:
    """Links not stored yet; only papers that existed before this batch can have some."""
    old = [
        pid for i, (pid, p) in enumerate(zip(ids, batch, strict=True)) if p.links and i not in fresh
    ]
    have: set[tuple[int, str]] = set()
    if old:
        stored = select(_LINKS.c.paper_id, _LINKS.c.url).where(_LINKS.c.paper_id.in_(old))
        have = {(pid, url) for pid, url in conn.execute(stored)}
    rows = []
    for pid, p in zip(ids, batch, strict=True):
        if not p.links:
            continue
        where = str(p.record.location)[:1024]
        for lk in p.links:
            counts.links_seen += 1
            if (pid, lk.url) in have:
                continue
            have.add((pid, lk.url))
            rows.append(_link_row(pid, lk, where))
    if rows:
        writer.links.run(conn, rows, first_seen_at=utcnow())
        counts.links_new += len(rows)


def repo_key(lk: Link) -> str | None:
    """`owner/name` for GitHub (the repository table's key), host-prefixed for other hosts."""
    if not lk.repo:
        return None
    if lk.kind is LinkKind.GITHUB_REPO:
        return lk.repo.lower()
    host = lk.url.split("/")[2]
    return f"{host}/{lk.repo}".lower()


def _link_row(pid: int, lk: Link, where: str) -> tuple[object, ...]:
    """The values of `_LINK_KEYS`, in that order."""
    return (
        pid,
        lk.url,
        lk.raw,
        lk.kind.value,
        lk.role.value,
        lk.provenance.value,
        where,
        lk.position,
        lk.sentence,
        repo_key(lk),
        lk.subpath[:1024],
        lk.confidence,
        "community" if lk.provenance in _MACHINE_FOUND else "official",
    )
