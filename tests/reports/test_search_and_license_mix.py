"""The summary's license mix off the rolled-up columns, `--query` through the search tables,
and migration 0002 on a database that lived at 0001: each gives exactly the answers of the
paper-link-repository join and of the LIKE scan, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from reports_seed import NOW, days_ago
from sqlalchemy import (
    Connection,
    Engine,
    column,
    delete,
    func,
    insert,
    inspect,
    select,
    table,
    update,
)

from tests.factories import unsearchable
from tracker.config import Settings
from tracker.extract import extract_paper
from tracker.flags.run import flag_papers
from tracker.models import Location, PaperRecord, ReportFilter
from tracker.store import open_db, save_papers, selection, summary
from tracker.store.codes import CODE_COLUMNS
from tracker.store.engine import alembic_config, current_revision, head_revision
from tracker.store.merge import merge_database
from tracker.store.rollup import rollup_fresh
from tracker.store.schema import (
    CheckAttempt,
    Finding,
    Link,
    Paper,
    PaperState,
    RepoAlias,
    Repository,
    SummaryCode,
)
from tracker.store.search import SEARCH_TABLES, has_search
from tracker.store.selection import (
    _mode,
    _view_mode,
    _view_query,
    iter_report_views,
    read_in_order,
)
from tracker.store.summary import count_failing, report_summary

PAPERS = [
    (
        "2402.00001",
        "Alpha Diffusion",
        "Code: https://github.com/lab/one and https://github.com/lab/two.",
    ),
    (
        "2402.00002",
        "Beta Agents",
        "Code: https://github.com/lab/one and https://github.com/old/name.",
    ),
    (
        "2402.00003",
        "Gamma 50% Off_Path",
        "Code: https://github.com/lab/dead and https://github.com/lab/three.",
    ),
    (
        "2402.00004",
        'Delta \\ "Quoted" naïve Épsilon',
        "We study things without releasing anything.",
    ),
    (
        "2402.00005",
        "Epsilon Vision",
        "Code: https://github.com/lab/two and https://github.com/lab/busy.",
    ),
    (
        "2402.00006",
        "Zeta Moved",
        "Code: https://github.com/lab/moved and https://github.com/lab/three.",
    ),
]
REPOS = [
    ("lab/one", "ok", "MIT"),
    ("lab/two", "ok", ""),
    ("lab/three", "ok", None),
    ("lab/dead", "not_found", None),
    ("lab/busy", "unknown", None),
    ("lab/moved", "moved", "BSD-3-Clause"),
    ("new/name", "ok", "Apache-2.0"),
]
ALL = ReportFilter(since=dt.date(2000, 1, 1))
FILTERS = (
    ALL,
    ReportFilter(since=days_ago(25)),
    ReportFilter(statuses=("released",)),
    ReportFilter(statuses=("none",)),
    ReportFilter(flags=("code_link_dead",)),
    ReportFilter(min_stars=10),
    ReportFilter(query="lab/two"),
    ReportFilter(query="ta"),
    ReportFilter(query="e", sort="stars", descending=True),
    ReportFilter(query="nothing matches this"),
)
QUERIES = (
    "diffusion",
    "DIFFUSION",
    "lab/two",
    "LAB/TWO",
    "github.com/old",
    "50%",
    "off_path",
    "off%path",
    "_",
    "%",
    "\\",
    '"quoted"',
    "ta",
    "a",
    "épsilon",
    "ÉPSILON",
    "naïve",
    "NAÏVE",
    "naïve épsilon",
    "arxiv:2402.0000",
    "2402.00003",
    "s and",
    " ",
    "nothing matches this",
)


@dataclass(frozen=True)
class Mixed:
    url: str
    engine: Engine


def _record(aid: str, title: str, abstract: str, age: int) -> PaperRecord:
    return PaperRecord(
        title=title,
        abstract=abstract,
        location=Location("mix.txt", 1),
        source_kind="test",
        arxiv_id=aid,
        published=days_ago(age),
    )


def seed_mix(url: str) -> Mixed:
    """Papers linking two checked repositories, repositories shared by papers, one reached
    through an old name, licenses empty and missing, repositories not checked `ok`."""
    engine = open_db(url)
    records = [_record(aid, t, a, 10 * (i + 1)) for i, (aid, t, a) in enumerate(PAPERS)]
    with engine.begin() as conn:
        save_papers(conn, [extract_paper(r) for r in records])
        for i, (key, status, lic) in enumerate(REPOS):
            conn.execute(
                insert(Repository).values(
                    key=key,
                    full_name=key,
                    status=status,
                    stars=5 * i,
                    license_spdx=lic,
                    source_files=20,
                    last_checked_at=NOW,
                    first_ok_at=NOW - dt.timedelta(days=5),
                )
            )
        new_id = conn.execute(
            select(Repository.c.id).where(Repository.c.key == "new/name")
        ).scalar()
        conn.execute(insert(RepoAlias).values(alias="old/name", repository_id=new_id))
    flag_papers(engine, Settings(db_url=url), today=days_ago(0))
    return Mixed(url, engine)


def summaries(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return [report_summary(conn, flt) for flt in FILTERS]


def found(
    engine: Engine, queries: tuple[str, ...] = QUERIES, *, common: bool = False
) -> dict[str, list[str]]:
    """The keys each query selects, by the reports' own conditions; `common`: as for a text
    many papers contain, tested on each row. Below migration 0011 the rolled-up URLs are not
    in `paper_state` yet: a query there reads the links instead, which answer the same while
    the roll-up is current (`_agrees`)."""
    p = Paper
    with engine.connect() as conn:
        mode = selection._mode(conn)
        if "paper_state" not in inspect(conn).get_table_names():
            mode = replace(mode, fresh=False)
        out = {}
        for q in queries:
            conds = selection._where(ReportFilter(query=q), mode)
            if common:
                conds = selection.joined(
                    selection._where(ReportFilter(query=q), read_in_order(mode))
                )
            keys = conn.execute(select(p.c.key).where(*conds).order_by(p.c.id))
            out[q] = [k for (k,) in keys]
        return out


def test_many_papers_count_their_repositories_by_code(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a summary of `COMMON` papers or more counts the repositories of each
    license by code (`tracker.store.codes.license_repos`): the same answers as by text, for
    every filter, and by text again when a paper's repository has no code."""
    m = seed_mix(db_url)
    texts = summaries(m.engine)
    monkeypatch.setattr(summary, "COMMON", 1)
    assert summaries(m.engine) == texts
    with m.engine.begin() as conn:
        one = select(func.min(PaperState.c.paper_id)).where(PaperState.c.checked_repo.is_not(None))
        conn.execute(
            update(PaperState)
            .where(PaperState.c.paper_id == one.scalar_subquery())
            .values(checked_repo_id=None)
        )
    assert summaries(m.engine) == texts


def test_license_mix_off_the_rollup_is_the_join(db_url: str) -> None:
    m = seed_mix(db_url)
    with m.engine.connect() as conn:
        assert rollup_fresh(conn)
        rolled = conn.execute(
            select(
                Paper.c.key,
                PaperState.c.checked_repo,
                PaperState.c.checked_license,
                PaperState.c.checked_repos,
            )
            .join(PaperState)
            .order_by(Paper.c.key)
        ).all()
    assert [tuple(r) for r in rolled] == [
        ("arxiv:2402.00001", "lab/one", "MIT", 2),
        ("arxiv:2402.00002", "lab/one", "MIT", 2),
        ("arxiv:2402.00003", "lab/three", "none", 1),
        ("arxiv:2402.00004", None, None, 0),
        ("arxiv:2402.00005", "lab/two", "none", 1),
        ("arxiv:2402.00006", "lab/moved", "BSD-3-Clause", 2),
    ]
    fresh = summaries(m.engine)
    assert fresh[0].licenses == {"none": 2, "Apache-2.0": 1, "BSD-3-Clause": 1, "MIT": 1}
    assert fresh[0].papers == 6
    # a check attempt moves the fingerprint without changing a fact: the join answers now
    with m.engine.begin() as conn:
        conn.execute(insert(CheckAttempt).values(checker="web", target="x", status="ok"))
        assert not rollup_fresh(conn)
    assert summaries(m.engine) == fresh


def _without_search(m: Mixed, tmp_path: Path) -> Engine:
    """A copy of the SQLite database without the search tables: what the LIKE scan answers."""
    m.engine.dispose()
    copy = tmp_path / "like.db"
    shutil.copy(m.url.removeprefix("sqlite:///"), copy)
    engine = open_db(f"sqlite:///{copy}")
    with engine.begin() as conn:
        for name in SEARCH_TABLES:
            for event in ("insert", "delete", "update"):
                conn.exec_driver_sql(f"DROP TRIGGER {name}_{event}")
            conn.exec_driver_sql(f"DROP TABLE {name}")
        assert not has_search(conn)
    return engine


def test_search_tables_answer_what_the_like_scan_answers(sqlite_url: str, tmp_path: Path) -> None:
    m = seed_mix(sqlite_url)
    with m.engine.connect() as conn:
        assert has_search(conn)
    indexed = found(m.engine)
    filtered = summaries(m.engine)
    scanned = _without_search(m, tmp_path)
    assert found(scanned) == indexed
    assert summaries(scanned) == filtered
    assert indexed["diffusion"] == indexed["DIFFUSION"] == ["arxiv:2402.00001"]
    assert indexed["off%path"] == [] and indexed["50%"] == ["arxiv:2402.00003"]
    assert indexed["naïve"] == indexed["NAÏVE"] == ["arxiv:2402.00004"]
    # SQLite's LIKE folds ASCII only, so a capital É in a title matches no query there
    assert indexed["épsilon"] == indexed["ÉPSILON"] == indexed["naïve épsilon"] == []


def _reference(engine: Engine, query: str) -> list[str]:
    """Papers whose title, key or a link URL contains `query`, ignoring ASCII case."""
    low = query.lower()
    with engine.connect() as conn:
        papers = conn.execute(
            select(Paper.c.id, Paper.c.key, Paper.c.title).order_by(Paper.c.id)
        ).all()
        urls: dict[int, list[str]] = {}
        for pid, url in conn.execute(select(Link.c.paper_id, Link.c.url)):
            urls.setdefault(pid, []).append(url)
    return [
        key
        for pid, key, title in papers
        if any(low in text.lower() for text in (title, key, *urls.get(pid, [])))
    ]


ASCII = tuple(q for q in QUERIES if q.isascii())


def _agrees(engine: Engine) -> None:
    """Every query finds what `_reference` finds, whether looked up or tested on each row (on
    PostgreSQL against `search_text`, which must then hold what its definition says)."""
    got = found(engine, ASCII)
    assert got == {q: _reference(engine, q) for q in ASCII}
    assert found(engine, (*QUERIES, *SEPARATED), common=True) == found(
        engine, (*QUERIES, *SEPARATED)
    )
    if engine.dialect.name == "postgresql":
        assert unsearchable(engine) == []


SEPARATED = ("diffusion\nlab", "alpha diffusion", "diffusion\narxiv:2402.00001")
"""Texts holding a separator of `search_text`, which a text tested on each row never reads."""


def test_search_stays_in_step_with_every_write(db_url: str, tmp_path: Path) -> None:
    m = seed_mix(db_url)
    _agrees(m.engine)
    # re-ingest: a title-only paper later read with its arXiv ID changes its key
    with m.engine.begin() as conn:
        save_papers(
            conn,
            [
                extract_paper(
                    _record("", "Omega Diffusion Again", "Code: https://github.com/lab/omega.", 3)
                )
            ],
        )
    assert found(m.engine, ("omega",))["omega"] != []
    with m.engine.begin() as conn:
        save_papers(conn, [extract_paper(_record("2402.00099", "Omega Diffusion Again", "", 3))])
    assert found(m.engine, ("2402.00099", "diffusion again"))["2402.00099"] == ["arxiv:2402.00099"]
    _agrees(m.engine)
    with m.engine.begin() as conn:
        conn.execute(
            update(Paper).where(Paper.c.key == "arxiv:2402.00002").values(title="Renamed Beta")
        )
        first = select(Paper.c.id).where(Paper.c.key == "arxiv:2402.00001").scalar_subquery()
        conn.execute(
            delete(Link).where(Link.c.url == "https://github.com/lab/two", Link.c.paper_id == first)
        )
        gone = select(Paper.c.id).where(Paper.c.key == "arxiv:2402.00006").scalar_subquery()
        for table in (Finding, Link):
            conn.execute(delete(table).where(table.c.paper_id == gone))
        conn.execute(delete(Paper).where(Paper.c.key == "arxiv:2402.00006"))
    after = found(m.engine, ("beta agents", "renamed", "lab/two", "zeta"))
    assert after == {
        "beta agents": [],
        "renamed": ["arxiv:2402.00002"],
        "lab/two": ["arxiv:2402.00005"],
        "zeta": [],
    }
    _agrees(m.engine)
    other = seed_mix(f"sqlite:///{tmp_path / 'other.db'}")
    with other.engine.begin() as conn:
        save_papers(conn, [extract_paper(_record("2402.00077", "Merged Kappa", "", 1))])
    merge_database(other.engine, m.engine)
    assert found(m.engine, ("kappa",))["kappa"] == ["arxiv:2402.00077"]
    _agrees(m.engine)


SPANNING = (
    "one https",
    "dead https",
    "thr ee",
    "three https",
    "alpha diffusion",
    "lab/thr",
    "diffusion ar",
)
"""Texts with a space: across two rolled-up URLs, across a newline inside a URL (a space in
PostgreSQL's `search_text`), within a title, and none of those."""


def test_a_text_with_a_space_is_not_matched_across_two_urls(db_url: str) -> None:
    """Tested on each row, a text with a space matches the papers whose title, key or one URL
    holds it, never two URLs joined in the roll-up, nor a URL whose newline the search text
    holds as a space (on PostgreSQL, where a match among the URLs is checked on the links)."""
    m = seed_mix(db_url)
    with m.engine.begin() as conn:
        conn.execute(
            update(Link)
            .where(Link.c.url == "https://github.com/lab/three")
            .values(url="https://github.com/lab/thr\nee")
        )
    flag_papers(m.engine, Settings(db_url=m.url), today=days_ago(0))
    with m.engine.connect() as conn:
        assert rollup_fresh(conn)
    got = found(m.engine, SPANNING, common=True)
    assert got == {q: _reference(m.engine, q) for q in SPANNING}
    assert got["alpha diffusion"] == ["arxiv:2402.00001"]
    assert "arxiv:2402.00003" in got["lab/thr"]
    assert got["one https"] == got["dead https"] == got["thr ee"] == got["three https"] == []
    if m.engine.dialect.name == "postgresql":
        assert unsearchable(m.engine) == []
        with m.engine.connect() as conn:
            texts = conn.execute(select(PaperState.c.search_text)).scalars().all()
        assert any("lab/one https://" in t for t in texts)  # the spans are there to match
        assert any("lab/thr ee" in t for t in texts)


def _papers(conn: Connection, codes: bool) -> list[tuple[Any, ...]]:
    """Every paper row with its derived state (on `paper` before migration 0011, in
    `paper_state` after), by column name; the codes (numbered by whoever wrote them first) as
    what they name, or left out with the columns of later migrations. Without `flag_due`:
    migration 0010 makes every paper it adds the column to due at the next flag run
    (`_all_due`), whatever its judgement said before."""
    insp = inspect(conn)
    own = {c["name"] for c in insp.get_columns("paper")}
    derived: set[str] = set()
    if "paper_state" in insp.get_table_names():
        derived = {c["name"] for c in insp.get_columns("paper_state")} - own - {"paper_id"}
    cols = (own | derived) - {"flag_due"}
    if not codes:
        cols -= {*CODE_COLUMNS, "date_basis", "venue", "checklist_score", "search_text"}
    p = table("paper", *(column(c) for c in own))
    st = table("paper_state", column("paper_id"), *(column(c) for c in derived))
    picked = [(p if c in own else st).c[c] for c in sorted(cols)]
    q = select(*picked).select_from(p)
    if derived:
        q = q.join(st, st.c.paper_id == p.c.id)
    rows = conn.execute(q.order_by(p.c.id)).mappings().all()
    if "tally_code" not in cols:
        return [tuple(r.values()) for r in rows]
    named: dict[Any, Any] = {None: None}
    repos: dict[Any, Any] = {None: None}
    for code, value in conn.execute(select(SummaryCode.c.id, SummaryCode.c.value)):
        named[code] = value
    for rid, key in conn.execute(select(Repository.c.id, Repository.c.key)):
        repos[rid] = key
    decode = {"tally_code": named, "license_code": named, "checked_repo_id": repos}
    return [tuple(decode[k][v] if k in decode else v for k, v in r.items()) for r in rows]


AFTER_0004 = frozenset(
    {
        "date_basis",
        "resolve_status",
        "resolve_reason",
        "repo_kind",
        "license_terms",
        "license_file",
        "venue",
        "archived_url",
        "archived_at",
        "archive_status",
        "archive_checked_at",
        "checklist",
        "checklist_score",
        "open_requests",
        "requests_checked_at",
    }
)
"""Columns of later migrations, absent below head."""


def _snapshot(engine: Engine, *, at_head: bool = True) -> tuple[Any, ...]:
    """Rows, rolled-up state, summaries and query answers; without what migration 0004 added
    (the codes, and the summaries that read them) when not `at_head`."""
    with engine.connect() as conn:
        rows = {}
        for t in (Link, Repository, RepoAlias, Finding):
            table = t
            cols = [c for c in table.c if at_head or c.name not in AFTER_0004]
            rows[t] = conn.execute(select(*cols).order_by(table.c.id)).all()
        papers = _papers(conn, at_head)
        fresh = rollup_fresh(conn)
    return rows, papers, fresh, summaries(engine) if at_head else None, found(engine)


def test_a_0001_database_upgrades_with_its_data_and_new_columns_filled(db_url: str) -> None:
    m = seed_mix(db_url)
    before = _snapshot(m.engine)
    assert before[2] is True
    command.downgrade(alembic_config(m.engine), "0001")
    m.engine.dispose()
    insp = inspect(m.engine)
    assert {c["name"] for c in insp.get_columns("paper")}.isdisjoint(
        {"checked_repo", "checked_license", "checked_repos"}
    )
    assert not set(SEARCH_TABLES) & set(insp.get_table_names())
    upgraded = open_db(m.url)
    assert current_revision(upgraded) == head_revision(upgraded) == "0014"
    assert _snapshot(upgraded) == before
    assert _all_due(upgraded)
    with upgraded.connect() as conn:
        assert has_search(conn) is (conn.dialect.name == "sqlite")


def _trigram_indexes(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        q = "SELECT indexname FROM pg_indexes WHERE indexname LIKE %(p)s"
        return {n for (n,) in conn.exec_driver_sql(q, {"p": "%trgm"})}


def test_one_trigram_index_of_title_and_key_finds_what_the_two_found(pg_url: str) -> None:
    """Migration 0014 replaces PostgreSQL's trigram indexes of the title and of the key by one
    of both, joined by a newline: every query finds the same papers on either side of it, a
    rare text is looked up in it, and a text holding a newline, which could match across the
    join, is tested on the title and the key apart."""
    m = seed_mix(pg_url)
    p = Paper
    with m.engine.begin() as conn:
        conn.execute(
            update(p).where(p.c.key == "arxiv:2402.00001").values(title="Alpha\nDiffusion")
        )
    queries = (*QUERIES, "alpha\ndiffusion", "diffusion\narxiv:2402", "a\nb")
    at_head = found(m.engine, queries)
    assert at_head["alpha\ndiffusion"] == ["arxiv:2402.00001"]
    assert at_head["diffusion\narxiv:2402"] == []  # the end of a title, then its key
    assert _trigram_indexes(m.engine) == {"ix_paper_title_key_trgm", "ix_link_url_trgm"}
    with m.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        text_ = "diffusion"
        rare = select(p.c.id).where(selection._title_or_key(text_, selection._pattern(text_)))
        sql = rare.compile(conn, compile_kwargs={"literal_binds": True})
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {sql}".replace("%", "%%")))
    assert "ix_paper_title_key_trgm" in plan
    command.downgrade(alembic_config(m.engine), "0013")
    m.engine.dispose()
    assert _trigram_indexes(m.engine) == {
        "ix_paper_title_trgm",
        "ix_paper_key_trgm",
        "ix_link_url_trgm",
    }
    assert found(m.engine, queries) == at_head
    command.upgrade(alembic_config(m.engine), "head")
    m.engine.dispose()
    assert _trigram_indexes(m.engine) == {"ix_paper_title_key_trgm", "ix_link_url_trgm"}
    assert found(m.engine, queries) == at_head


def _all_due(engine: Engine) -> bool:
    """Every paper is due at a flag run today: an upgrade past 0010 re-judges what it cannot
    know was judged under the incremental rules."""
    today = dt.datetime.now(dt.UTC).date()
    with engine.connect() as conn:
        dues = [d for (d,) in conn.execute(select(PaperState.c.flag_due))]
    return bool(dues) and all(_as_date(d) <= today for d in dues)


def _as_date(value: Any) -> dt.date:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _search_sql(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        q = "SELECT sql FROM sqlite_master WHERE name IN ('paper_search', 'link_search')"
        return [str(sql) for (sql,) in conn.exec_driver_sql(q)]


def test_search_tables_drop_their_column_sizes_and_keep_their_answers(sqlite_url: str) -> None:
    """Migration 0003 rebuilds the search tables without the sizes only ranking would need;
    every query answers as before, on the way up and down, and later writes stay in step."""
    m = seed_mix(sqlite_url)
    before, below = _snapshot(m.engine), _snapshot(m.engine, at_head=False)
    assert all("columnsize=0" in sql for sql in _search_sql(m.engine))
    command.downgrade(alembic_config(m.engine), "0002")
    m.engine.dispose()
    assert len(_search_sql(m.engine)) == 2
    assert not any("columnsize" in sql for sql in _search_sql(m.engine))
    assert _snapshot(m.engine, at_head=False) == below
    upgraded = open_db(m.url)
    assert current_revision(upgraded) == head_revision(upgraded)
    assert all("columnsize=0" in sql for sql in _search_sql(upgraded))
    assert _snapshot(upgraded) == before
    assert _all_due(upgraded)
    with upgraded.begin() as conn:
        save_papers(conn, [extract_paper(_record("2402.00088", "Sigma Diffusion", "", 2))])
    assert found(upgraded, ("sigma",))["sigma"] == ["arxiv:2402.00088"]
    _agrees(upgraded)


@pytest.mark.parametrize("query", ["lab", "diffusion"])
def test_stale_rollup_and_search_agree_after_a_new_paper(sqlite_url: str, query: str) -> None:
    m = seed_mix(sqlite_url)
    with m.engine.begin() as conn:
        save_papers(
            conn,
            [
                extract_paper(
                    _record(
                        "2402.00050", "Diffusion Lab Notes", "Code: https://github.com/lab/four.", 2
                    )
                )
            ],
        )
        assert not rollup_fresh(conn)
    assert found(m.engine, (query,))[query] == _reference(m.engine, query)


def test_a_common_query_read_in_report_order_shows_the_same_papers(db_url: str) -> None:
    m = seed_mix(db_url)
    with m.engine.connect() as conn:
        mode = _mode(conn)

        def shown(flt: ReportFilter, common: bool) -> list[tuple[Any, ...]]:
            q = _view_query(flt, read_in_order(mode) if common else mode)
            return [tuple(r) for r in conn.execute(q)]

        for query in ("lab", "a", "diffusion", "arxiv"):
            first = ReportFilter(query=query, limit=2)
            assert len({r[1] for r in shown(first, True)}) == min(
                2, len(_reference(m.engine, query))
            )
            for flt in (
                first,
                ReportFilter(query=query, sort="stars", descending=True, limit=3),
                ReportFilter(query=query, since=days_ago(35), sort="title", limit=2),
            ):
                assert shown(flt, True) == shown(flt, False)


def test_only_a_common_query_is_tested_row_by_row(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = seed_mix(sqlite_url)
    monkeypatch.setattr(selection, "PER_SHOWN", 1)
    with m.engine.connect() as conn:
        mode = _mode(conn)
        assert mode.search
        monkeypatch.setattr(selection, "COMMON", 2)
        common = _view_mode(conn, ReportFilter(query="lab", limit=2))
        assert common == read_in_order(mode) and not common.search
        assert _view_mode(conn, ReportFilter(query="lab four", limit=2)) == mode
        monkeypatch.setattr(selection, "COMMON", 10_000)
        assert _view_mode(conn, ReportFilter(query="lab", limit=2)) == mode
        shown = [v.key for v in iter_report_views(conn, ReportFilter(query="lab", limit=2))]
        assert len(shown) == 2
        monkeypatch.setattr(selection, "COMMON", 2)
        assert [v.key for v in iter_report_views(conn, ReportFilter(query="lab", limit=2))] == shown


@pytest.mark.parametrize("stale", [False, True])
def test_a_common_query_is_summarized_and_shown_as_a_rare_one(
    db_url: str, monkeypatch: pytest.MonkeyPatch, stale: bool
) -> None:
    """A text matching `COMMON` papers or more is tested on each row (on PostgreSQL, where the
    list of its matches may not fit in memory, the summary too): the same papers, in the same
    order, and the same counts as when its matches are listed first, with the roll-up current
    or not, alone and beside the other filters; `--fail-on` counts the same failing papers."""
    m = seed_mix(db_url)
    if stale:
        with m.engine.begin() as conn:
            record = _record("2402.00050", "Diffusion Lab Notes", "See github.com/lab/four.", 2)
            save_papers(conn, [extract_paper(record)])
            assert not rollup_fresh(conn)

    def answers(common: int) -> list[Any]:
        monkeypatch.setattr(selection, "COMMON", common)
        got: list[Any] = []
        with m.engine.connect() as conn:
            raised = tuple(report_summary(conn).flagged)
            for query in (
                "lab",
                "a",
                "diffusion",
                "ÉPSILON",
                "50%",
                "lab four",
                "diffusion\nlab",
                "github.com/lab",
                "arxiv",
                "none here",
            ):
                for flt in (
                    ReportFilter(query=query, limit=2),
                    ReportFilter(query=query, sort="stars", descending=True, limit=3),
                    ReportFilter(query=query, since=days_ago(35), sort="title"),
                    ReportFilter(query=query, statuses=("available", "overdue"), min_stars=1),
                ):
                    shown = [v.key for v in iter_report_views(conn, flt)]
                    failing = count_failing(conn, raised, flt)
                    got.append((report_summary(conn, flt), shown, failing))
        return got

    rare, common = answers(10_000), answers(1)
    assert common == rare
    assert sum(s.papers for s, _, _ in rare) > 20  # they saw papers, not empty selections
    assert sum(n for _, _, n in rare) > 0


@pytest.mark.parametrize("descending", [False, True])
def test_a_limited_report_shows_the_first_papers_of_the_whole_selection(
    db_url: str, descending: bool
) -> None:
    """A limited report (on PostgreSQL, when its conditions and order read one table, its
    first papers taken off that table before the join) shows the first papers of the same
    report unlimited, in every sort, with conditions on either table or both."""
    m = seed_mix(db_url)
    with m.engine.connect() as conn:
        for sort in ("id", "published", "title", "verdict", "stars", "score"):
            for flt in (
                ReportFilter(sort=sort, descending=descending),
                ReportFilter(sort=sort, descending=descending, since=days_ago(35)),
                ReportFilter(sort=sort, descending=descending, query="lab"),
                ReportFilter(sort=sort, descending=descending, query="diffusion", min_stars=1),
            ):
                every = [v.key for v in iter_report_views(conn, flt)]
                for limit in (1, 2, 4):
                    shown = iter_report_views(conn, replace(flt, limit=limit))
                    assert [v.key for v in shown] == every[:limit], (flt, limit)


def test_postgresql_plans_every_report_for_its_own_values(pg_url: str) -> None:
    """The driver prepares a statement run five times in a session, and PostgreSQL may then
    keep one generic plan for every value: a process reporting many times (the Action, a
    benchmark) would plan the fifth `--query` as if it could be any text. Every prepared
    report statement with parameters is planned for its values, and only within the
    report's transaction."""
    m = seed_mix(pg_url)
    flts = [
        ReportFilter(query=q, flags=flags, limit=2)
        for q in ("lab", "diffusion", "four", "none here", "a")
        for flags in ((), ("code_promised_missing",))
    ]
    with m.engine.connect() as conn:
        answers = [
            (report_summary(conn, f), [v.key for v in iter_report_views(conn, f)]) for f in flts * 2
        ]
        generic, custom = conn.exec_driver_sql(
            "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) "
            "FROM pg_prepared_statements WHERE cardinality(parameter_types) > 0"
        ).one()  # a statement without parameters has one plan for all
    assert custom > 0  # statements were prepared: the case this guards did arise
    assert generic == 0
    assert answers[: len(flts)] == answers[len(flts) :]
    with m.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "auto"
