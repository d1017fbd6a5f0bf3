"""Finding the papers a person names on the command line: by key, handle, handle prefix, arXiv
ID or URL, or DOI (`tracker.handles` defines handles).

Handles are computed, not stored, so no migration and no column to keep current when a key
changes: an arXiv handle prefix is a `LIKE 'arxiv:2501%'` on the key, and a base32 handle is
looked for by reading every paper's key, normalized title and DOI once and hashing them — one
scan of narrow columns, done only when no exact name matched, for one command-line argument.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, select

from tracker.extract.identity import doi as doi_in
from tracker.handles import (
    arxiv_ref,
    hashed_keys,
    hashed_prefix,
    is_handle_prefix,
    paper_handle,
    prefix_test,
)
from tracker.store.schema import Paper

MAX_CANDIDATES = 10
"""How many papers an ambiguous name lists."""


@dataclass(frozen=True, slots=True)
class PaperRef:
    """A paper a name matched."""

    id: int
    key: str
    title: str

    @property
    def handle(self) -> str:
        return paper_handle(self.key)


def _refs(conn: Connection, cond: ColumnElement[bool]) -> list[PaperRef]:
    p = Paper
    query = select(p.c.id, p.c.key, p.c.title).where(cond).order_by(p.c.key)
    return [PaperRef(int(r.id), str(r.key), str(r.title)) for r in conn.execute(query)]


def _exact(conn: Connection, ref: str) -> list[PaperRef]:
    p = Paper
    text = ref.strip()
    found = _refs(conn, p.c.key == text)
    if found:
        return found
    arxiv = arxiv_ref(text)
    if arxiv is not None:
        found = _refs(conn, p.c.key == f"arxiv:{arxiv}") or _refs(conn, p.c.arxiv_id == arxiv)
        if found:
            return found
    bare = text.removeprefix("doi:").removeprefix("DOI:")
    doi = doi_in(bare)
    if doi is not None and doi == bare.lower().rstrip(".,;)"):
        return _refs(conn, p.c.doi == doi)
    return []


def _by_prefix(conn: Connection, prefix: str) -> list[PaperRef]:
    """Papers whose handle (or an alias) starts with `prefix`, by key."""
    p = Paper
    arxiv = _refs(conn, p.c.key.startswith(f"arxiv:{prefix}", autoescape=True))
    found = [r for r in arxiv if r.handle.startswith(prefix)]
    hashed = hashed_prefix(prefix)
    if hashed is None:
        return found
    seen = {r.id for r in found}
    starts = prefix_test(hashed)
    rows = conn.execute(select(p.c.id, p.c.key, p.c.title, p.c.title_norm, p.c.doi))
    for r in rows:
        if r.id not in seen and any(map(starts, hashed_keys(r.key, r.title_norm, r.doi))):
            found.append(PaperRef(int(r.id), str(r.key), str(r.title)))
            seen.add(r.id)
    return sorted(found, key=lambda r: r.key)


def find_papers(conn: Connection, ref: str) -> list[PaperRef]:
    """The papers `ref` names: one for a key, arXiv ID or URL, DOI, handle or unique handle
    prefix; several when a prefix (or, rarely, a handle) is shared; none when nothing matches."""
    found = _exact(conn, ref)
    if found:
        return found
    prefix = ref.strip().lower()
    if not is_handle_prefix(prefix):
        return []
    return _by_prefix(conn, prefix)


__all__ = ["MAX_CANDIDATES", "PaperRef", "find_papers"]
