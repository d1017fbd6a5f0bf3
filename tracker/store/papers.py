"""Saving extracted papers and their links: idempotent, batched, one paper per identity.

A paper is matched by arXiv ID, then DOI, then normalized title, so the same paper read from a
listing (title only) and later from the arXiv API (with an ID) stays one row, whose key is
upgraded to the stronger identity. Re-saving what is stored changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import Connection, insert, or_, select, update

from tracker.extract.identity import normalize_title, paper_key
from tracker.models import ExtractedPaper, Link, LinkKind, Provenance
from tracker.store.tables import Link as LinkRow
from tracker.store.tables import Paper, utcnow

BATCH = 2000
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


def _paper_values(p: ExtractedPaper) -> dict[str, object]:
    r = p.record
    return {
        "key": p.key,
        "arxiv_id": r.arxiv_id,
        "doi": r.doi,
        "title_norm": normalize_title(r.title)[:512],
        "title": r.title,
        "abstract": r.abstract,
        "comment": r.comment,
        "published": r.published,
        "source_kind": r.source_kind,
        "source_ref": str(r.location)[:1024],
        "code_status": p.code.status.value,
        "code_evidence": p.code.evidence,
        "code_condition": p.code.condition[:255],
        "weights_status": p.weights.status.value,
        "weights_evidence": p.weights.evidence,
        "weights_condition": p.weights.condition[:255],
        "data_status": p.data.status.value,
        "data_evidence": p.data.evidence,
        "data_condition": p.data.condition[:255],
    }


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


def _find_existing(conn: Connection, values: list[dict[str, object]]) -> list[dict[str, object]]:
    arx = {v["arxiv_id"] for v in values if v["arxiv_id"]}
    dois = {v["doi"] for v in values if v["doi"]}
    titles = {v["title_norm"] for v in values}
    cond = [Paper.title_norm.in_(titles)]  # type: ignore[attr-defined]
    if arx:
        cond.append(Paper.arxiv_id.in_(arx))  # type: ignore[union-attr]
    if dois:
        cond.append(Paper.doi.in_(dois))  # type: ignore[union-attr]
    rows = conn.execute(select(Paper.__table__).where(or_(*cond))).mappings()
    return [dict(r) for r in rows]


def _match(v: dict[str, object], rows: list[dict[str, object]]) -> dict[str, object] | None:
    for field in ("arxiv_id", "doi"):
        if v[field]:
            for r in rows:
                if r[field] == v[field]:
                    return r
    for r in rows:
        if r["title_norm"] == v["title_norm"] and (
            not v["arxiv_id"] or not r["arxiv_id"] or r["arxiv_id"] == v["arxiv_id"]
        ):
            return r
    return None


def save_papers(conn: Connection, papers: Iterable[ExtractedPaper]) -> SaveCounts:
    """Upsert papers and links inside the caller's transaction; returns what was new."""
    counts = SaveCounts()
    for batch in _batches(papers, BATCH):
        _save_batch(conn, _dedupe(batch), counts)
    return counts


def _save_batch(conn: Connection, batch: list[ExtractedPaper], counts: SaveCounts) -> None:
    values = [_paper_values(p) for p in batch]
    existing = _find_existing(conn, values)
    ids: list[int] = []
    inserts: list[tuple[int, dict[str, object]]] = []
    for i, v in enumerate(values):
        counts.papers_seen += 1
        row = _match(v, existing)
        if row is None:
            inserts.append((i, v))
            ids.append(-1)
            continue
        ids.append(int(row["id"]))  # type: ignore[call-overload]
        changes = _merge(row, v)
        if changes:
            changes["updated_at"] = utcnow()
            conn.execute(update(Paper.__table__).where(Paper.id == row["id"]).values(**changes))
            row.update(changes)
    if inserts:
        now = utcnow()
        rows = [{**v, "first_seen_at": now, "updated_at": now} for _, v in inserts]
        conn.execute(insert(Paper.__table__), rows)
        keys = [str(v["key"]) for _, v in inserts]
        id_of = dict(
            conn.execute(select(Paper.key, Paper.id).where(Paper.key.in_(keys))).all()  # type: ignore[attr-defined]
        )
        for i, v in inserts:
            ids[i] = id_of[v["key"]]
        counts.papers_new += len(inserts)
    _save_links(
        conn, [(pid, p.links, p.record.location) for pid, p in zip(ids, batch, strict=True)], counts
    )


def _save_links(
    conn: Connection, items: list[tuple[int, tuple[Link, ...], object]], counts: SaveCounts
) -> None:
    pids = [pid for pid, links, _ in items if links]
    if not pids:
        return
    have = set(
        conn.execute(select(LinkRow.paper_id, LinkRow.url).where(LinkRow.paper_id.in_(pids))).all()  # type: ignore[attr-defined]
    )
    now = utcnow()
    rows = []
    for pid, links, where in items:
        for lk in links:
            counts.links_seen += 1
            if (pid, lk.url) in have:
                continue
            have.add((pid, lk.url))
            rows.append(_link_values(pid, lk, str(where), now))
    if rows:
        conn.execute(insert(LinkRow.__table__), rows)
        counts.links_new += len(rows)


def repo_key(lk: Link) -> str | None:
    """`owner/name` for GitHub (the repository table's key), host-prefixed for other hosts."""
    if not lk.repo:
        return None
    if lk.kind is LinkKind.GITHUB_REPO:
        return lk.repo.lower()
    host = lk.url.split("/")[2]
    return f"{host}/{lk.repo}".lower()


def _link_values(pid: int, lk: Link, where: str, now: object) -> dict[str, object]:
    return {
        "paper_id": pid,
        "url": lk.url,
        "raw": lk.raw,
        "kind": lk.kind.value,
        "role": lk.role.value,
        "provenance": lk.provenance.value,
        "found_in": where[:1024],
        "position": lk.position,
        "sentence": lk.sentence,
        "repo_key": repo_key(lk),
        "subpath": lk.subpath[:1024],
        "confidence": lk.confidence,
        "official": "community" if lk.provenance in _MACHINE_FOUND else "official",
        "first_seen_at": now,
    }
