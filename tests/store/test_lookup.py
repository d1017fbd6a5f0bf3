"""Naming a paper on the command line: handles, their prefixes, keys, arXiv IDs and URLs, DOIs
(`tracker.handles`, `tracker.store.lookup`), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from tracker.extract import extract_paper
from tracker.handles import ALPHABET, HANDLE_LENGTH, arxiv_ref, hashed_prefix, paper_handle
from tracker.models import Location, PaperRecord
from tracker.store import open_db, save_papers
from tracker.store.enrich import save_found_arxiv_id
from tracker.store.lookup import MAX_CANDIDATES, find_papers
from tracker.store.schema import Paper


def test_an_arxiv_paper_is_named_by_its_id() -> None:
    assert paper_handle("arxiv:2501.01234") == "2501.01234"
    assert paper_handle("arxiv:hep-th/9901001") == "hep-th/9901001"


def test_other_handles_are_stable_base32_codes() -> None:
    """Pinned: a handle printed today must name the same paper in every later version."""
    assert paper_handle("title:scaling laws for tokenizer vocabulary size") == "68exp596"
    assert paper_handle("doi:10.1145/3580305.3599256") == paper_handle(
        "doi:10.1145/3580305.3599256"
    )


@given(st.text(min_size=1))
def test_a_hashed_handle_is_typeable(key: str) -> None:
    handle = paper_handle(f"title:{key}")
    assert len(handle) == HANDLE_LENGTH
    assert set(handle) <= set(ALPHABET)
    assert not set(handle) & set("ilou")


def test_a_typed_handle_is_read_as_crockford_reads_it() -> None:
    assert hashed_prefix(" 0QHV3XJ9 ") == "0qhv3xj9"
    assert hashed_prefix("oqhv") == "0qhv"  # o is zero, i and l are one
    assert hashed_prefix("lqhi") == "1qh1"
    assert hashed_prefix("0qh") is None  # shorter than MIN_PREFIX
    assert hashed_prefix("0qhu") is None  # u is in no handle
    assert hashed_prefix("0qhv3xj9a") is None  # longer than a handle


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("2501.01234", "2501.01234"),
        ("2501.01234v3", "2501.01234"),
        ("arXiv:2501.01234", "2501.01234"),
        ("https://arxiv.org/abs/2501.01234v2", "2501.01234"),
        ("http://export.arxiv.org/abs/2501.01234", "2501.01234"),
        ("https://arxiv.org/pdf/2501.01234v2.pdf", "2501.01234"),
        ("arxiv.org/html/2501.01234/", "2501.01234"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001"),
        ("2501.012", None),  # a prefix, not an ID
        ("x2501.01234", None),
        ("see 2501.01234", None),
        ("https://example.org/2501.01234", None),
    ],
)
def test_arxiv_ref(ref: str, expected: str | None) -> None:
    assert arxiv_ref(ref) == expected


TITLES = [
    "Sparse Routing Makes Small Transformers Reason Longer",
    "Calibrated Retrieval for Open-Domain Question Answering",
    "Scaling Laws for Tokenizer Vocabulary Size",
]


def _store(url: str) -> Engine:
    engine = open_db(url)
    records = [
        PaperRecord(
            title=t,
            abstract="We study things.",
            location=Location("l.txt", i + 1),
            source_kind="test",
        )
        for i, t in enumerate(TITLES)
    ]
    records += [
        PaperRecord(
            title=f"Arxiv Paper {i}",
            abstract="We study things.",
            location=Location("l.txt", 10 + i),
            source_kind="test",
            arxiv_id=f"2501.{i:05d}",
        )
        for i in range(1, 13)
    ]
    records.append(
        PaperRecord(
            title="A Paper With a DOI",
            abstract="We study things.",
            location=Location("l.txt", 30),
            source_kind="test",
            doi="10.1145/3580305.3599256",
        )
    )
    with engine.begin() as conn:
        save_papers(conn, [extract_paper(r) for r in records])
    return engine


def _keys(engine: Engine, ref: str) -> list[str]:
    with engine.connect() as conn:
        return [r.key for r in find_papers(conn, ref)]


def test_every_way_of_naming_a_paper(db_url: str) -> None:
    engine = _store(db_url)
    sparse = "title:sparse routing makes small transformers reason longer"
    handle = paper_handle(sparse)
    for ref in (sparse, handle, handle[:4], handle.upper(), f" {handle[:6]} "):
        assert _keys(engine, ref) == [sparse], ref
    for ref in ("2501.00007", "arxiv:2501.00007", "https://arxiv.org/abs/2501.00007v2"):
        assert _keys(engine, ref) == ["arxiv:2501.00007"], ref
    doi = "doi:10.1145/3580305.3599256"
    for ref in (doi, "10.1145/3580305.3599256", "DOI:10.1145/3580305.3599256", paper_handle(doi)):
        assert _keys(engine, ref) == [doi], ref
    for ref in ("", "sparse", "2501.99999", "title:no such paper", handle[:3]):
        assert _keys(engine, ref) == [], ref


def test_a_shared_prefix_names_every_paper_it_starts(db_url: str) -> None:
    engine = _store(db_url)
    shared = ["arxiv:2501.00010", "arxiv:2501.00011", "arxiv:2501.00012"]
    assert _keys(engine, "2501.0001") == shared
    assert len(_keys(engine, "2501")) == 12 > MAX_CANDIDATES


def test_a_hashed_prefix_shared_by_two_papers_names_both(db_url: str) -> None:
    """Two handles that share their first five characters (the twin's title was found by
    trying numbered titles until one did): the prefix names both, each full handle one."""
    engine = _store(db_url)
    sparse = "title:sparse routing makes small transformers reason longer"
    twin = "title:twin paper 1438813"
    assert (paper_handle(sparse), paper_handle(twin)) == ("0qhv3xj9", "0qhvw0j7")
    record = PaperRecord("Twin Paper 1438813", ".", Location("l.txt", 99), source_kind="test")
    with engine.begin() as conn:
        save_papers(conn, [extract_paper(record)])
    assert _keys(engine, "0qhv") == [sparse, twin]
    assert _keys(engine, "oqhv3") == [sparse]
    assert _keys(engine, "0qhvw") == [twin]


def test_a_handle_printed_before_the_arxiv_id_was_found_still_names_the_paper(
    db_url: str,
) -> None:
    engine = _store(db_url)
    before = "title:calibrated retrieval for open domain question answering"
    with engine.begin() as conn:
        p = Paper
        pid = conn.execute(select(p.c.id).where(p.c.key == before)).scalar_one()
        assert save_found_arxiv_id(conn, pid, "2502.04321")
    assert _keys(engine, paper_handle(before)) == ["arxiv:2502.04321"]
    assert _keys(engine, "2502.04321") == ["arxiv:2502.04321"]
