"""The summary of a broad text query counted from the codes the flag run stores
(`tracker.store.codes`): the codes name what the paper holds after every kind of write, and the
counted summary is the grouped one, for every query and filter, on both seeded databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from reports_seed import days_ago, seed
from sqlalchemy import Engine, insert, select, update
from test_search_and_license_mix import QUERIES, seed_mix
from test_search_and_license_mix import _record as mix_record

from tracker.config import Settings
from tracker.extract import extract_paper
from tracker.flags.run import flag_papers
from tracker.models import PaperRecord, ReportFilter, ReportSummary
from tracker.store import open_db, reporting, save_papers, selection
from tracker.store import summary as summary_queries
from tracker.store.codes import PACK, tally_value
from tracker.store.findings import paper_id, save_ack
from tracker.store.merge import merge_database
from tracker.store.rollup import rollup_fresh
from tracker.store.schema import Paper, PaperState, Repository, SummaryCode
from tracker.store.search import phrase

SEEDS: dict[str, Callable[[str], Any]] = {"mix": seed_mix, "reports": seed}

EXTRA = (
    ReportFilter(),
    ReportFilter(since=days_ago(120)),
    ReportFilter(statuses=("released", "overdue")),
    ReportFilter(flags=("code_link_dead", "code_promised_missing")),
    ReportFilter(min_stars=10),
    ReportFilter(statuses=("none",), since=days_ago(400), min_stars=0),
)
"""Each query is also tried under these other filters."""

TEXTS = (*QUERIES, "lab", "github.com/lab/", "models", "we", "2401", "/")


def _codes_named(engine: Engine) -> list[tuple[Any, ...]]:
    """Per paper: what its codes name, beside what they should name."""
    with engine.connect() as conn:
        named = {i: v for i, v in conn.execute(select(SummaryCode.c.id, SummaryCode.c.value))}
        keys = {i: k for i, k in conn.execute(select(Repository.c.id, Repository.c.key))}
        rows = (
            conn.execute(select(Paper.c.key, PaperState).join(PaperState).order_by(Paper.c.id))
            .mappings()
            .all()
        )
    return [
        (
            p["key"],
            named.get(p["tally_code"]),
            tally_value(p["verdict_kind"], p["code_status"], p["flags"]),
            named.get(p["license_code"]),
            p["checked_license"],
            keys.get(p["checked_repo_id"]),
            p["checked_repo"],
        )
        for p in rows
    ]


def _assert_codes_name_the_columns(engine: Engine) -> None:
    for key, tally, want_tally, lic, want_lic, repo, want_repo in _codes_named(engine):
        assert tally == want_tally, key
        assert (lic, repo) == (want_lic, want_repo), key


def _record(aid: str, title: str, abstract: str) -> PaperRecord:
    return mix_record(aid, title, abstract, 5)


def test_codes_name_what_the_flag_run_wrote_after_every_write(db_url: str, tmp_path: Any) -> None:
    m = seed_mix(db_url)
    _assert_codes_name_the_columns(m.engine)
    named = _codes_named(m.engine)
    assert {n[2] for n in named} >= {"available released ", "none none "}
    assert {n[4] for n in named} == {"MIT", "none", "BSD-3-Clause", None}
    settings = Settings(db_url=db_url)
    # an acknowledgement changes the flags: the tally code follows
    with m.engine.begin() as conn:
        found = paper_id(conn, "2402.00003")
        assert found is not None
        save_ack(conn, found[0], "code_link_dead", "reviewed")
    flag_papers(m.engine, settings, keys=[found[1]], today=days_ago(0))
    _assert_codes_name_the_columns(m.engine)
    # a repository changes its license and a new paper arrives: a full flag run rewrites
    with m.engine.begin() as conn:
        conn.execute(
            update(Repository).where(Repository.c.key == "lab/one").values(license_spdx="GPL-3.0")
        )
        save_papers(conn, [extract_paper(_record("2402.00070", "Eta", "Code: github.com/lab/one"))])
    flag_papers(m.engine, settings, today=days_ago(0))
    _assert_codes_name_the_columns(m.engine)
    assert any(n[3] == "GPL-3.0" for n in _codes_named(m.engine))
    # merging another database numbers nothing of its own into this one
    other = seed(f"sqlite:///{tmp_path / 'other.db'}")
    merge_database(other.engine, m.engine)
    flag_papers(m.engine, settings, today=days_ago(0))
    _assert_codes_name_the_columns(m.engine)
    with m.engine.connect() as conn:
        assert rollup_fresh(conn)
        kinds = conn.execute(select(SummaryCode.c.kind, SummaryCode.c.value)).all()
    assert len(kinds) == len(set(kinds))


def _grouped(conn: Any, flt: ReportFilter) -> ReportSummary:
    """The summary grouped in SQL, as every other selection is summarized."""
    return reporting.report_summary(conn, flt, codes=False)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every text query counts as common; returns a list that grows by one per counted summary."""
    calls: list[int] = []
    real = summary_queries.tally_counts

    def spy(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(selection, "COMMON", 1)
    monkeypatch.setattr(summary_queries, "tally_counts", spy)
    return calls


@pytest.mark.parametrize("which", sorted(SEEDS))
def test_counted_summary_is_the_grouped_summary(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    engine = SEEDS[which](sqlite_url).engine
    calls = _counting(monkeypatch)
    compared = 0
    with engine.connect() as conn:
        assert rollup_fresh(conn)
        for text in TEXTS:
            # a text the search tables find nothing for is answered by them, at once; one
            # shorter than they index is read row by row, so its papers are counted
            matched = _grouped(conn, ReportFilter(query=text)).papers > 0 or phrase(text) is None
            for extra in EXTRA:
                flt = ReportFilter(
                    query=text,
                    flags=extra.flags,
                    statuses=extra.statuses,
                    since=extra.since,
                    min_stars=extra.min_stars,
                )
                before = len(calls)
                counted = reporting.report_summary(conn, flt)
                assert len(calls) == before + matched, flt
                assert counted == _grouped(conn, flt), flt
                compared += counted.papers
    # the comparisons saw papers of every kind, not empty selections
    assert compared > 100


def test_summary_counts_release_days_and_repositories(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = seed(sqlite_url)
    calls = _counting(monkeypatch)
    with s.engine.connect() as conn:
        every = reporting.report_summary(conn, ReportFilter(query="2401"))
        unfiltered = reporting.report_summary(conn)
    assert calls == [1]
    assert every.papers == unfiltered.papers == 7
    assert every == unfiltered
    assert every.median_days_to_release is not None and every.kept >= 1
    assert every.licenses and every.verdicts["available"] >= 1


@pytest.mark.parametrize("spoiled", ["a paper without a tally code", "codes too large"])
def test_a_summary_that_cannot_be_counted_is_grouped(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, spoiled: str
) -> None:
    m = seed(sqlite_url)
    calls = _counting(monkeypatch)
    flt = ReportFilter(query="2401")
    with m.engine.begin() as conn:
        want = _grouped(conn, flt)
        if spoiled == "codes too large":
            conn.execute(insert(SummaryCode).values(id=PACK, kind="license", value="X-Huge"))
        else:
            pid = select(Paper.c.id).where(Paper.c.key == "arxiv:2401.00001").scalar_subquery()
            first = update(PaperState).where(PaperState.c.paper_id == pid)
            conn.execute(first.values(tally_code=None))
        assert rollup_fresh(conn)
        assert reporting.report_summary(conn, flt) == want
    # codes too large are never counted; a missing code is found while counting
    assert calls == ([] if spoiled == "codes too large" else [1])


def test_a_changed_code_status_is_never_counted_under_its_old_code(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Saving a paper again with a stronger claim, or merging one, changes its code status
    without a flag run and without moving the roll-up's fingerprint: its code is emptied, so
    the summary groups (and counts the promise as kept) until the flag run writes a new one."""
    m = seed(sqlite_url)
    calls = _counting(monkeypatch)
    flt = ReportFilter(query="2401")
    key, title = "arxiv:2401.00007", "Moved Repos"
    with m.engine.connect() as conn:
        before = reporting.report_summary(conn, flt)
        status = conn.execute(select(Paper.c.code_status).where(Paper.c.key == key)).scalar()
    assert status == "released" and calls == [1]

    def weaken() -> None:
        with m.engine.begin() as conn:
            conn.execute(
                update(Paper).where(Paper.c.key == key).values(code_status="mentioned_no_link")
            )
        flag_papers(m.engine, Settings(db_url=sqlite_url), today=days_ago(0))

    weaken()
    with m.engine.connect() as conn:
        weak = reporting.report_summary(conn, flt)
    assert weak.kept == before.kept - 1 and len(calls) == 2
    stronger = _record("2401.00007", title, "Code: https://github.com/old/name.")
    with m.engine.begin() as conn:
        save_papers(conn, [extract_paper(stronger)])
        assert rollup_fresh(conn)
        assert (
            conn.execute(
                select(PaperState.c.tally_code).join(Paper).where(Paper.c.key == key)
            ).scalar()
            is None
        )
        assert reporting.report_summary(conn, flt) == _grouped(conn, flt) == before
    flag_papers(m.engine, Settings(db_url=sqlite_url), today=days_ago(0))
    with m.engine.connect() as conn:
        assert reporting.report_summary(conn, flt) == before
    # the same change arriving by a merge
    weaken()
    other = open_db(f"sqlite:///{tmp_path / 'shard.db'}")
    with other.begin() as conn:
        save_papers(conn, [extract_paper(stronger)])
    merge_database(other, m.engine)
    with m.engine.connect() as conn:
        assert (
            conn.execute(
                select(PaperState.c.tally_code).join(Paper).where(Paper.c.key == key)
            ).scalar()
            is None
        )
        assert reporting.report_summary(conn, flt) == _grouped(conn, flt)
        assert reporting.report_summary(conn, flt).kept == before.kept


def test_a_stale_rollup_is_never_counted(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    m = seed_mix(sqlite_url)
    calls = _counting(monkeypatch)
    with m.engine.begin() as conn:
        save_papers(conn, [extract_paper(_record("2402.00071", "Theta", "github.com/lab/x"))])
        assert not rollup_fresh(conn)
        summary = reporting.report_summary(conn, ReportFilter(query="a"))
    assert calls == [] and summary.papers >= 1


def test_summary_counted_on_a_large_selection_matches(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of papers sharing repositories and licenses, as a broad query meets them."""
    engine = open_db(sqlite_url)
    with engine.begin() as conn:
        for i in range(40):
            conn.execute(
                insert(Repository).values(
                    key=f"org/r{i}",
                    full_name=f"org/r{i}",
                    status=("ok", "moved", "not_found", "ok")[i % 4],
                    stars=i,
                    license_spdx=(None, "MIT", "", "Apache-2.0", "GPL-3.0")[i % 5],
                    source_files=3,
                    first_ok_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                )
            )
        records = [
            _record(
                f"2403.{i:05d}",
                f"Broad study {i} of {('vision', 'agents', 'speech')[i % 3]}",
                f"Code: https://github.com/org/r{i % 40} and github.com/org/r{(i * 7) % 40}."
                if i % 5
                else "Code will be released soon.",
            )
            for i in range(300)
        ]
        save_papers(conn, [extract_paper(r) for r in records])
    flag_papers(engine, Settings(db_url=sqlite_url), today=days_ago(0))
    calls = _counting(monkeypatch)
    with engine.connect() as conn:
        for text in ("broad", "vision", "org/r1", "study 1", "of a"):
            for extra in EXTRA:
                flt = ReportFilter(query=text, statuses=extra.statuses, min_stars=extra.min_stars)
                assert reporting.report_summary(conn, flt) == _grouped(conn, flt), flt
        everything = reporting.report_summary(conn, ReportFilter(query="broad"))
    assert len(calls) == 5 * len(EXTRA) + 1
    assert everything.papers == 300 and sum(everything.licenses.values()) > 10
