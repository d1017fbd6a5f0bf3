"""`tracker merge`: shards checked apart become one database, idempotently, on both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, func, select

from tests.store.conftest import history, ok, papers_and_links, repo_facts, shard_db
from tracker.errors import StoreError
from tracker.store import open_db
from tracker.store.merge import RULES, check_rules, merge_database, open_source
from tracker.store.schema import CheckAttempt, metadata
from tracker.store.search import SEARCH_TABLES

T1, T2, T3 = (dt.datetime(2025, 1, d, 12, 0, tzinfo=dt.UTC) for d in (1, 2, 3))
REPOS = ["lab/one", "lab/two", "lab/both"]


def _shards(tmp_path: Path) -> tuple[Engine, Engine]:
    a = shard_db(
        f"sqlite:///{tmp_path / 'a.db'}",
        REPOS,
        [ok("lab/one", 5, T1), ok("lab/both", 10, T1)],
    )
    b = shard_db(
        f"sqlite:///{tmp_path / 'b.db'}",
        REPOS,
        [ok("lab/two", 7, T2), ok("lab/both", 10, T2), ok("lab/both", 12, T3)],
    )
    return a, b


def _dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(r) for r in conn.execute(select(t)))
            for t in meta.sorted_tables
            if t.name != "alembic_version" and t.name not in SEARCH_TABLES  # MATCH only
        }


def _attempts(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(CheckAttempt)) or 0)


def test_merge_combines_shards_and_a_second_merge_changes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    a, b = _shards(tmp_path)
    target = open_db(db_url)
    merge_database(a, target)
    merge_database(b, target)
    with target.connect() as conn:
        assert repo_facts(conn) == {
            "lab/one": (5, "ok"),
            "lab/two": (7, "ok"),
            "lab/both": (12, "ok"),
        }
        assert history(conn) == {
            "lab/one": [(T1, 5)],
            "lab/two": [(T2, 7)],
            "lab/both": [(T1, 10), (T3, 12)],
        }
        assert papers_and_links(conn) == {
            (f"arxiv:2401.{i:05d}", f"https://github.com/{r}") for i, r in enumerate(REPOS)
        }
    assert _attempts(target) == 5
    before = _dump(target)
    again = [merge_database(a, target), merge_database(b, target)]
    assert [s.changed for s in again] == [0, 0]
    assert _dump(target) == before


def test_merge_order_does_not_change_the_result(tmp_path: Path) -> None:
    a, b = _shards(tmp_path)
    ab, ba = (open_db(f"sqlite:///{tmp_path / name}") for name in ("ab.db", "ba.db"))
    merge_database(a, ab)
    merge_database(b, ab)
    merge_database(b, ba)
    merge_database(a, ba)
    with ab.connect() as x, ba.connect() as y:
        assert repo_facts(x) == repo_facts(y)
        assert history(x) == history(y)


def test_every_table_has_a_merge_rule() -> None:
    check_rules(list(metadata.sorted_tables))
    assert set(RULES) == {t.name for t in metadata.sorted_tables}


def test_a_source_behind_the_schema_is_refused(tmp_path: Path) -> None:
    (tmp_path / "old.db").touch()
    with pytest.raises(StoreError, match="tracker db upgrade"):
        open_source(str(tmp_path / "old.db"))


def test_cli_merges_then_flags_and_refuses_self_merge(tmp_path: Path, cli) -> None:
    _shards(tmp_path)
    target = str(tmp_path / "all.db")
    done = cli("merge", str(tmp_path / "a.db"), str(tmp_path / "b.db"), "--db", target)
    assert done.returncode == 0, done.stderr
    assert "flagged 3 papers" in done.stderr
    again = cli("merge", str(tmp_path / "a.db"), "--db", target)
    assert again.returncode == 0
    assert f"{tmp_path / 'a.db'}: nothing new" in again.stderr
    self_merge = cli("merge", target, "--db", target)
    assert self_merge.returncode == 5
    assert "cannot be merged into itself" in self_merge.stderr
