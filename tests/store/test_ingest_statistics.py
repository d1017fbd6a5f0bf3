"""An ingest that adds a good share of a PostgreSQL database's papers gathers the statistics of
the tables it wrote, and marks their pages all-visible, before the next command is planned,
rather than leaving that to autovacuum a minute later; a small one leaves them alone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from tracker import pipeline
from tracker.store import open_db
from tracker.store.bulk import ANALYZE_SHARE
from tracker.store.schema import Paper

TABLES = ("paper", "paper_state", "link", "paper_author")


def _catalog(engine: Engine) -> dict[str, tuple[float, bool]]:
    """Of each table, the planner's row count (`reltuples`: -1 or 0 until first analyzed)
    and whether every page is marked all-visible (what a vacuum marks: an index-only scan
    then reads no row of it)."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT relname, reltuples, relpages > 0 AND relallvisible = relpages FROM pg_class "
            "WHERE relname IN ('paper', 'paper_state', 'link', 'paper_author') AND relkind = 'r'"
        ).all()
    return {str(name): (float(n), bool(visible)) for name, n, visible in rows}


def _estimates(engine: Engine) -> dict[str, float]:
    return {name: n for name, (n, _) in _catalog(engine).items()}


def _listing(path: Path, first: int, n: int) -> str:
    """A CSV listing of `n` papers numbered from `first`, each linking a repository."""
    path.write_text(
        "title,abstract\n"
        + "".join(
            f"Study {i} Of Things,We measure {i} things. Code: https://github.com/lab/s{i}.\n"
            for i in range(first, first + n)
        ),
        encoding="utf-8",
    )
    return str(path)


def _papers(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Paper)).scalar_one())


def test_a_large_ingest_vacuums_and_analyzes_what_it_wrote_and_a_small_one_does_not(
    pg_url: str, tmp_path: Path
) -> None:
    engine = open_db(pg_url)
    assert all(n <= 0 for n in _estimates(engine).values())  # never analyzed
    pipeline.ingest(engine, [_listing(tmp_path / "first.csv", 0, 60)])
    estimates = _estimates(engine)
    assert set(estimates) == set(TABLES)
    assert estimates["paper"] == estimates["paper_state"] == _papers(engine) == 60
    assert estimates["link"] == 60
    visible = {name: v for name, (_, v) in _catalog(engine).items()}
    assert [visible[t] for t in ("paper", "paper_state", "link")] == [True] * 3  # with rows
    few = int(ANALYZE_SHARE * 60) - 1
    pipeline.ingest(engine, [_listing(tmp_path / "few.csv", 60, few)])
    assert _papers(engine) == 60 + few
    assert _estimates(engine)["paper"] == 60  # not analyzed again
    pipeline.ingest(engine, [_listing(tmp_path / "more.csv", 100, 7)])
    assert _estimates(engine)["paper"] == _papers(engine) == 60 + few + 7
    engine.dispose()


def test_sqlite_ingests_as_before(sqlite_url: str, tmp_path: Path) -> None:
    engine = open_db(sqlite_url)
    summary = pipeline.ingest(engine, [_listing(tmp_path / "first.csv", 0, 60)])
    assert summary.papers_new == _papers(engine) == 60
    engine.dispose()
