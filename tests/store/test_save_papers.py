"""Bulk saving of papers and links: idempotent, identity-merging, same rows on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from tracker.errors import StoreError
from tracker.extract import extract_paper
from tracker.models import Location, PaperRecord, Provenance, SourceLink
from tracker.store import open_db, save_papers
from tracker.store.bulk import writer_for
from tracker.store.papers import BATCH, SaveCounts, _array_literal
from tracker.store.schema import Link as LinkRow
from tracker.store.schema import Paper, PaperState

_PAPER_COLS = (
    "key", "arxiv_id", "doi", "title_norm", "title", "abstract", "published", "source_kind",
    "code_status", "code_condition", "data_status", "verdict", "flags", "flagged_at",
)  # fmt: skip
_LINK_COLS = ("url", "kind", "role", "provenance", "found_in", "repo_key", "official")


def record(
    title: str,
    abstract: str = "We propose a method.",
    line: int = 1,
    **fields: object,
) -> PaperRecord:
    return PaperRecord(title, abstract, Location("in.txt", line), "test", **fields)


def save(engine: Engine, records: list[PaperRecord]) -> SaveCounts:
    with engine.begin() as conn:
        return save_papers(conn, (extract_paper(r) for r in records))


def papers(engine: Engine) -> list[tuple[object, ...]]:
    """Each paper's columns, with its state's (a new paper is not flagged yet)."""
    t, s = Paper, PaperState
    cols = (t.c[c] if c in t.c else s.c[c] for c in _PAPER_COLS)
    with engine.connect() as conn:
        q = select(*cols).join(s, s.c.paper_id == t.c.id).order_by(t.c.id)
        rows = conn.execute(q).all()
    return [tuple(r) for r in rows]


def links(engine: Engine) -> list[tuple[object, ...]]:
    t, p = LinkRow, Paper
    cols = (p.c.key, *(t.c[c] for c in _LINK_COLS))
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).join(p, p.c.id == t.c.paper_id).order_by(t.c.id)).all()
    return [tuple(r) for r in rows]


def test_new_papers_get_their_values_and_column_defaults(db_url: str) -> None:
    engine = open_db(db_url)
    counts = save(
        engine,
        [
            record(
                "Sparse Routing",
                "Code will be released upon acceptance at https://github.com/Lab/Sparse.",
                published=dt.date(2024, 3, 1),
                links=(SourceLink("https://github.com/other/impl", Provenance.HF_AUTO),),
            ),
            record("Dense Things", "Our dataset is available.", line=5, doi="10.1/x"),
        ],
    )
    assert counts == SaveCounts(papers_seen=2, papers_new=2, links_seen=2, links_new=2)
    assert papers(engine) == [
        (
            "title:sparse routing", None, None, "sparse routing", "Sparse Routing",
            "Code will be released upon acceptance at https://github.com/Lab/Sparse.",
            dt.date(2024, 3, 1), "test", "promised", "upon acceptance", "none", "", "", None,
        ),
        (
            "doi:10.1/x", None, "10.1/x", "dense things", "Dense Things",
            "Our dataset is available.", None, "test", "none", "", "mentioned_no_link", "", "", None,
        ),
    ]  # fmt: skip
    assert links(engine) == [
        (
            "title:sparse routing", "https://github.com/Lab/Sparse", "github_repo", "code",
            "abstract", "in.txt:1", "lab/sparse", "official",
        ),
        (
            "title:sparse routing", "https://github.com/other/impl", "github_repo", "code",
            "hf_auto", "in.txt:1", "other/impl", "community",
        ),
    ]  # fmt: skip
    t = Paper
    with engine.connect() as conn:
        first_seen = conn.execute(select(t.c.first_seen_at)).scalars().all()
    assert all(abs(when - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5) for when in first_seen)
    engine.dispose()


def test_text_that_copy_escapes_and_every_column_type_are_stored_as_given(db_url: str) -> None:
    """Tabs, newlines, backslashes and non-ASCII text, a date, a link's position and confidence
    and the time stamps come back as saved, on both backends (PostgreSQL copies them in binary,
    each as the type of its column)."""
    engine = open_db(db_url)
    title = "Tabs\tand\\back\nslashes: \u00e9t\u00e9 \u65e5\u672c \\N"
    abstract = "Line one\r\nline\ttwo \\. Code: https://github.com/o/r\u00e9po"
    save(engine, [record(title, abstract, published=dt.date(1999, 12, 31), doi="10.1/\\t")])
    with engine.connect() as conn:
        paper = conn.execute(select(Paper.c.title, Paper.c.abstract, Paper.c.published)).one()
        link = conn.execute(select(LinkRow.c.url, LinkRow.c.position, LinkRow.c.confidence)).one()
        seen = conn.execute(select(Paper.c.first_seen_at, Paper.c.updated_at)).one()
    assert tuple(paper) == (title, abstract, dt.date(1999, 12, 31))
    assert link.url == "https://github.com/o/r\u00e9po"
    assert isinstance(link.position, int) and link.position == abstract.index("https://")
    assert isinstance(link.confidence, float)
    assert seen[0] == seen[1]
    assert abs(seen[0] - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    engine.dispose()


def test_postgres_writer_names_a_column_the_database_lacks(pg_url: str) -> None:
    """The writer copies each column as the type the database declares, read before the first
    batch: a column it cannot find is named then, before anything is written."""
    engine = open_db(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE link DROP COLUMN subpath")
        with pytest.raises(StoreError, match="subpath"):
            writer_for(conn)
    engine.dispose()


AWKWARD = ["", " padded ", 'a "quote"', "back\\slash\\", "{brace,comma}", "NULL", "\u00fcn\u00ef"]
"""Strings an array's text form must quote or escape to read back as themselves."""


def test_identities_that_an_array_must_quote_are_found_again(db_url: str) -> None:
    engine = open_db(db_url)
    batch = [
        record(f"Awkward {i}", doi=f"10.1/{text}", arxiv_id=f"2401.{text}", line=i)
        for i, text in enumerate(AWKWARD)
    ]
    first = save(engine, batch)
    again = save(engine, [record(f"Other {r.title}", doi=r.doi, line=9) for r in batch])
    assert first.papers_new == len(AWKWARD)
    assert again == SaveCounts(papers_seen=len(AWKWARD))
    assert [p[2] for p in papers(engine)] == [f"10.1/{text}" for text in AWKWARD]
    engine.dispose()


def test_an_array_literal_reads_back_as_its_values(pg_url: str) -> None:
    engine = open_db(pg_url)
    with engine.connect() as conn:
        for values in (AWKWARD, [1, -2, 2**40], []):
            literal = _array_literal(list(values))
            assert literal is not None
            text, kind = literal
            got = conn.exec_driver_sql(f"SELECT %(v)s::{kind}", {"v": text}).scalar()
            assert got == values
    assert _array_literal(["a", 1]) is None
    engine.dispose()


def test_saving_again_adds_nothing(db_url: str) -> None:
    engine = open_db(db_url)
    batch = [record(f"Paper {i}", f"Code: https://github.com/o/r{i}", line=i) for i in range(5)]
    save(engine, batch)
    before = (papers(engine), links(engine))
    assert save(engine, batch) == SaveCounts(papers_seen=5, papers_new=0, links_seen=5, links_new=0)
    assert (papers(engine), links(engine)) == before
    engine.dispose()


def test_a_title_only_paper_takes_the_arxiv_id_and_new_links_later(db_url: str) -> None:
    engine = open_db(db_url)
    save(engine, [record("Graph Nets, Revisited!", "Code: https://github.com/o/gn")])
    counts = save(
        engine,
        [
            record(
                "graph nets revisited",
                "Code: https://github.com/o/gn. Weights: https://huggingface.co/o/gn",
                arxiv_id="2401.00001",
            )
        ],
    )
    assert counts == SaveCounts(papers_seen=1, papers_new=0, links_seen=2, links_new=1)
    [row] = papers(engine)
    assert row[:4] == ("arxiv:2401.00001", "2401.00001", None, "graph nets revisited")
    assert [(key, url) for key, url, *_ in links(engine)] == [
        ("arxiv:2401.00001", "https://github.com/o/gn"),
        ("arxiv:2401.00001", "https://huggingface.co/o/gn"),
    ]
    engine.dispose()


def test_arxiv_id_wins_over_doi_and_title(db_url: str) -> None:
    engine = open_db(db_url)
    save(
        engine,
        [
            record("Alpha", arxiv_id="2401.00002"),
            record("Beta", doi="10.5/beta"),
            record("Gamma"),
        ],
    )
    save(
        engine,
        [
            record("Some Other Title", arxiv_id="2401.00002", doi="10.5/beta"),
            record("Gamma", doi="10.5/gamma"),
        ],
    )
    assert [row[:3] for row in papers(engine)] == [
        ("arxiv:2401.00002", "2401.00002", "10.5/beta"),
        ("doi:10.5/beta", None, "10.5/beta"),
        ("doi:10.5/gamma", None, "10.5/gamma"),
    ]
    engine.dispose()


def test_papers_across_batches_are_each_stored_once(sqlite_url: str) -> None:
    engine = open_db(sqlite_url)
    batch = [record(f"Paper {i}", line=i) for i in range(BATCH + 10)]
    counts = save(engine, batch + batch[:20])
    assert (counts.papers_seen, counts.papers_new) == (BATCH + 30, BATCH + 10)
    assert len(papers(engine)) == BATCH + 10
    engine.dispose()
