"""SQLite and PostgreSQL store the same rows for the same ingests.

Each backend has its own writer (`tracker.store.bulk`: multi-row INSERTs and per-row UPDATEs on
SQLite, COPY and one `UPDATE ... FROM` per batch on PostgreSQL), so the same listings, ingested
one after another, must leave the same `paper`, `link` and `paper_author` rows on both, ids
included: duplicates within a batch and across batches, title-only and DOI-only papers that a
later listing gives an arXiv ID, claims raised, abstracts lengthened, links added and authors'
identifiers filled in.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from sqlalchemy import DateTime, Engine, Table, select, update

from tests.factories import unsearchable
from tracker import pipeline
from tracker.models import IngestSummary
from tracker.store import open_db, papers
from tracker.store.bulk import AUTHORS, LINKS, PAPERS
from tracker.store.paper_state import S as STATE

_TITLES = [
    f"{a} {b} for {c}, Part {k}"
    for k in range(1, 5)
    for a in ("Sparse", "Dense", "Causal", "Latent")
    for b in ("Routing", "Graphs", "Agents")
    for c in ("Speech", "Proteins", "Retrieval")
]
_CLAIMS = (
    "",
    "The code will be released upon acceptance.",
    "Code: https://github.com/lab{n}/method-{n}.",
    "Code and weights: https://github.com/lab{n}/method-{n} and "
    "https://huggingface.co/lab{n}/model-{n}.",
    "We plan to release the dataset.",
    "Data at https://zenodo.org/records/{n}.",
)


def _row(rng: random.Random) -> dict[str, str]:
    """One CSV row drawn from small pools, so identities collide: the same title written
    differently, an arXiv ID or a DOI given or not, claims and links that differ."""
    title = rng.choice(_TITLES)
    if rng.random() < 0.3:
        title = title.upper() + "!"  # the same normalized title
    n = rng.randrange(12)
    claim = rng.choice(_CLAIMS).format(n=n)
    return {
        "title": title,
        "abstract": f"We study {title.lower()}{' at length' * rng.randrange(3)}. {claim}",
        "arxiv_id": f"2401.{rng.randrange(30):05d}" if rng.random() < 0.35 else "",
        "doi": f"10.1234/p{rng.randrange(25)}" if rng.random() < 0.3 else "",
        "comment": rng.choice(["", "", "Accepted at a workshop"]),
        "published": rng.choice(["", "2024-02-01", "2024-03-15"]),
    }


def _write_csv(path: Path, rows: list[dict[str, str]]) -> str:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def _write_hf(path: Path, count: int, with_handles: bool) -> str:
    """Hugging Face API items with authors; `with_handles` gives some of them a profile, which a
    second ingest fills into the authors stored without one."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            authors: list[dict[str, object]] = [{"name": f"Author {i}-{k}"} for k in range(3)]
            if with_handles:
                authors[i % 3]["user"] = {"user": f"handle{i}"}
            item = {
                "id": f"2402.{i:05d}",
                "title": _TITLES[i] if i < 36 else f"A Hub Paper, Number {i}",
                "summary": f"Paper {i}. Code: https://github.com/hf{i}/repo.",
                "publishedAt": "2024-01-02T00:00:00.000Z",
                "authors": authors,
            }
            fh.write(json.dumps(item) + "\n")
    return str(path)


def _inputs(tmp_path: Path, seed: int) -> list[list[str]]:
    """The ingests, in order: listings that overlap each other and themselves, a re-ingest of
    the first with changes, and authors before and after their handles are known."""
    rng = random.Random(seed)
    first = [_row(rng) for _ in range(300)]
    first += first[:40]  # the same rows again, several batches later
    changed = [
        {**r, "arxiv_id": r["arxiv_id"] or f"2401.{rng.randrange(30, 45):05d}"}
        if rng.random() < 0.4
        else {**r, "abstract": r["abstract"] + " Code: https://github.com/late/x."}
        for r in first[:150]
    ]
    return [
        [_write_csv(tmp_path / f"first-{seed}.csv", first)],
        [_write_csv(tmp_path / f"more-{seed}.csv", [_row(rng) for _ in range(250)])],
        [_write_csv(tmp_path / f"changed-{seed}.csv", changed)],
        [_write_hf(tmp_path / f"hf-{seed}.jsonl", 40, with_handles=False)],
        [_write_hf(tmp_path / f"hf-handles-{seed}.jsonl", 45, with_handles=True)],
        [_write_csv(tmp_path / f"first-again-{seed}.csv", first)],
    ]


def _rows(engine: Engine, table: Table) -> list[tuple[object, ...]]:
    """Every row in id order, without the columns that hold the time of writing, nor
    PostgreSQL's own `search_text` (`unsearchable` holds it to its definition)."""
    cols = [
        c
        for c in table.columns
        if not isinstance(getattr(c.type, "impl", c.type), DateTime) and c.name != "search_text"
    ]
    order = table.c.paper_id if table is STATE else table.c.id
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*cols).order_by(order))]


def _changed(engine: Engine) -> list[int]:
    """Ids of papers a later ingest changed: their update time differs from their first."""
    with engine.connect() as conn:
        rows = conn.execute(select(PAPERS.c.id, PAPERS.c.first_seen_at, PAPERS.c.updated_at))
        return sorted(pid for pid, first, updated in rows if updated != first)


def _ingest_all(url: str, runs: list[list[str]]) -> tuple[Engine, list[IngestSummary]]:
    """The ingests in order; after the second, every paper gets a summary code, as a flag run
    would leave it, which a later merge that changes the code status must empty."""
    engine = open_db(url)
    done = []
    for n, paths in enumerate(runs):
        done.append(pipeline.ingest(engine, paths))
        if n == 1:
            with engine.begin() as conn:
                conn.execute(update(STATE).values(tally_code=7))
    return engine, done


@pytest.mark.parametrize("seed", [1, 2])
def test_sqlite_and_postgresql_store_the_same_rows(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setattr(papers, "BATCH", 64)  # many batches, duplicates inside and across them
    runs = _inputs(tmp_path, seed)
    lite, lite_done = _ingest_all(f"sqlite:///{tmp_path / 'lite.db'}", runs)
    pg, pg_done = _ingest_all(pg_url, runs)

    assert pg_done == lite_done
    first, _, changed, hf, handles, again = lite_done
    assert first.papers_new < first.papers_seen  # duplicates merged
    assert changed.papers_new < changed.papers_seen and changed.links_new > 0
    assert hf.papers_new < hf.papers_seen  # titles the listings stored take the arXiv IDs
    assert (handles.papers_new, again.papers_new) == (5, 0)
    for table in (PAPERS, STATE, LINKS, AUTHORS):
        assert _rows(pg, table) == _rows(lite, table), table.name
    assert _changed(pg) == _changed(lite) != []
    assert unsearchable(pg) == []  # keys changed by later listings rewrote it
    with lite.connect() as conn:
        codes = set(conn.execute(select(STATE.c.tally_code)).scalars())
        assert codes == {7, None}  # emptied where a merge changed the code status, and only there
        keys = conn.execute(select(PAPERS.c.key, PAPERS.c.arxiv_id, PAPERS.c.doi)).all()
        profiles = conn.execute(select(AUTHORS.c.profile).where(AUTHORS.c.profile.is_not(None)))
        assert len(profiles.all()) == 45  # every handle: 40 filled in, 5 with their new papers
    kinds = {key.split(":", 1)[0] for key, _, _ in keys}
    assert kinds == {"arxiv", "doi", "title"}
    assert any(k.startswith("arxiv:") and doi for k, _, doi in keys)  # a DOI paper took an ID
    pg.dispose()
    lite.dispose()
