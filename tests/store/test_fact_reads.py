"""`paper_facts` reads through statements written once and rows as the driver gives them
(`tracker.store.facts._Reads`, and `paper_rows` for the papers a worker judges): the rows and
facts must be those SQLAlchemy's own selects and rows give, value for value and type for type
(a SQLite boolean is `True`, not `1`; every datetime aware UTC), on both backends. The plain
reference below is how they were read before."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, insert, select, update

from tracker import pipeline
from tracker.demo import LISTING, load_scenario, services
from tracker.enrich import enrich_papers
from tracker.flags.weights import hub_ref_of_url
from tracker.models import HubState, LinkFacts, PaperFacts, RepoState
from tracker.schedule import check_targets
from tracker.store import open_db
from tracker.store.facts import (
    HUB_LINK_KINDS,
    LINK_FACT_COLUMNS,
    PAPER_FACT_COLUMNS,
    REPO_FACT_COLUMNS,
    _claim,
    _split,
    hub_keys_named,
    iter_paper_facts,
    paper_facts,
)
from tracker.store.findings import save_ack
from tracker.store.flag_due import papers_by_id
from tracker.store.schema import (
    Acknowledgement,
    HfRepo,
    Link,
    Paper,
    PaperState,
    RepoAlias,
    Repository,
)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def _repo(m: Any) -> RepoState:
    return RepoState(
        key=m["key"],
        full_name=m["full_name"],
        status=m["status"],
        status_reason=m["status_reason"] or "",
        http_status=m["http_status"],
        dead_confirmations=m["dead_confirmations"] or 0,
        stars=m["stars"],
        archived=bool(m["archived"]),
        pushed_at=_utc(m["pushed_at"] or m["last_commit_at"]),
        license_spdx=m["license_spdx"],
        license_claims=_split(m["license_claims"], ","),
        placeholder=m["placeholder"],
        placeholder_reasons=_split(m["placeholder_reasons"]),
        has_weights=m["has_weights"],
        weights_evidence=_split(m["weights_evidence"]),
        source_files=m["source_files"],
        first_ok_at=_utc(m["first_ok_at"]),
        last_checked_at=_utc(m["last_checked_at"]),
        ever_up=bool(m["created_at"] or m["full_checked_at"] or m["first_ok_at"]),
        kind=m["repo_kind"],
        license_terms=m["license_terms"] or "",
        license_file=m["license_file"],
        checklist=m["checklist"] or "",
        checklist_score=m["checklist_score"],
    )


def _hubs(conn: Connection, keys: set[str]) -> dict[str, HubState]:
    h = HfRepo
    return {
        m["key"]: HubState(
            status=m["status"],
            status_reason=m["status_reason"] or "",
            weight_files=len(_split(m["weight_files"])),
            gated=m["gated"],
            private=m["private"],
        )
        for m in conn.execute(select(h).where(h.c.key.in_(list(keys)))).mappings()
    }


def _repos(conn: Connection, keys: set[str]) -> dict[str, RepoState]:
    r, a = Repository, RepoAlias
    cols = [r.c[c] for c in REPO_FACT_COLUMNS]
    q = select(*cols).where(r.c.key.in_(list(keys)))
    found = {m["key"]: _repo(m) for m in conn.execute(q).mappings()}
    q = select(a.c.alias, *cols).join(r, r.c.id == a.c.repository_id)
    for m in conn.execute(q.where(a.c.alias.in_(list(keys - found.keys())))).mappings():
        found[m["alias"]] = _repo(m)
    hubs = _hubs(conn, {i for st in found.values() for i in hub_keys_named(st.weights_evidence)})
    for k, st in found.items():
        models = tuple((i, hubs[i]) for i in hub_keys_named(st.weights_evidence) if i in hubs)
        if models:
            found[k] = replace(st, hub_models=models)
    return found


def reference_rows(conn: Connection, ids: list[int]) -> list[Any]:
    """The paper rows a flag run judges, as SQLAlchemy's select and rows give them."""
    p, s = Paper, PaperState
    q = (
        select(*(p.c[c] for c in PAPER_FACT_COLUMNS), s.c.flag_due)
        .select_from(p.join(s, s.c.paper_id == p.c.id))
        .where(p.c.id.in_(ids))
    )
    found = {m["id"]: m for m in conn.execute(q).mappings()}
    return [found[i] for i in ids]


def reference(conn: Connection, papers: Sequence[Any]) -> list[PaperFacts]:
    """The facts of these paper rows as SQLAlchemy's selects and rows give them."""
    ids = [m["id"] for m in papers]
    lk, ack = Link, Acknowledgement
    q = select(*(lk.c[c] for c in LINK_FACT_COLUMNS)).where(lk.c.paper_id.in_(ids))
    links = list(conn.execute(q.order_by(lk.c.id)))
    repos = _repos(conn, {m.repo_key for m in links if m.repo_key})
    refs = {
        m.url: ref.lower()
        for m in links
        if m.kind in HUB_LINK_KINDS and (ref := hub_ref_of_url(m.url))
    }
    hubs = _hubs(conn, set(refs.values()))
    by_paper: dict[int, list[LinkFacts]] = defaultdict(list)
    for _, pid, url, kind, role, prov, official, sentence, found_in, key, status, why in links:
        by_paper[pid].append(
            LinkFacts(
                url, kind, role, prov, official, sentence, found_in, key, status, why or "",
                hubs.get(refs.get(url, "")), repos.get(key) if key else None,
            )
        )  # fmt: skip
    acks: dict[int, set[str]] = defaultdict(set)
    for pid, code in conn.execute(
        select(ack.c.paper_id, ack.c.code).where(ack.c.paper_id.in_(ids))
    ):
        acks[pid].add(code)
    return [
        PaperFacts(
            key=m["key"],
            title=m["title"],
            published=m["published"],
            venue_date=m["venue_date"],
            arxiv_id=m["arxiv_id"],
            date_basis=m["date_basis"] or "",
            first_seen=m["first_seen_at"].date() if m["first_seen_at"] else None,
            code=_claim(m["code_status"], m["code_evidence"], m["code_condition"]),
            weights=_claim(m["weights_status"], m["weights_evidence"], m["weights_condition"]),
            data=_claim(m["data_status"], m["data_evidence"], m["data_condition"]),
            links=tuple(by_paper.get(m["id"], ())),
            acknowledged=frozenset(acks.get(m["id"], ())),
        )
        for m in papers
    ]


HUB_LINE = "Hub model huggingface.co/Lab/Weights (link in README.md)"


def _vary(conn: Connection) -> None:
    """What the demo leaves out: an acknowledgement, an archived repository without a
    placeholder verdict, and a repository whose weights evidence names a Hub model the Hub
    answered for (a gated one, with a private flag)."""
    r = Repository
    first, second = conn.execute(select(r.c.id).order_by(r.c.id).limit(2)).scalars()
    conn.execute(update(r).where(r.c.id == first).values(archived=True, placeholder=None))
    conn.execute(
        update(r)
        .where(r.c.id == second)
        .values(weights_evidence=f"file model.pt\n{HUB_LINE}", has_weights=False)
    )
    conn.execute(
        insert(HfRepo).values(
            key="model/lab/weights",
            repo_type="model",
            repo_id="Lab/Weights",
            status="ok",
            weight_files="model.safetensors\npytorch_model.bin",
            gated="manual",
            private=False,
        )
    )
    pid = conn.execute(select(Paper.c.id).order_by(Paper.c.id).limit(1)).scalar_one()
    save_ack(conn, pid, "no_license", "reviewed")
    conn.commit()


def test_facts_are_those_sqlalchemy_rows_give(db_url: str) -> None:
    engine = open_db(db_url)
    with services(load_scenario()) as svc:
        cfg = svc.settings(db_url)
        pipeline.ingest(engine, [str(LISTING)], command="run")
        enrich_papers(engine, cfg, options=svc.enrich_options())
        check_targets(engine, cfg)
    with engine.connect() as conn:
        _vary(conn)
        ids = list(conn.execute(select(Paper.c.id).order_by(Paper.c.id.desc())).scalars())
        rows = papers_by_id(conn, [*ids, 10**9])  # one that is not there
        plain_rows = reference_rows(conn, ids)
        assert [dict(m) for m in rows] == [dict(m) for m in plain_rows]
        assert repr([dict(m) for m in rows]) == repr([dict(m) for m in plain_rows])
        read, plain = paper_facts(conn, rows), reference(conn, plain_rows)
        assert read == plain
        assert repr(read) == repr(plain)  # types too: True is not 1, aware is not naive
        # in batches, in id order (the rows above came newest first)
        assert [f for batch in iter_paper_facts(conn, batch=3) for f in batch] == read[::-1]
    links = [lk for f in read for lk in f.links]
    repos = [lk.repo for lk in links if lk.repo is not None]
    # what the comparison covers, or it proves little
    assert any(lk.repo.key != lk.linked_repo for lk in links if lk.repo and lk.linked_repo)
    assert any(lk.hub is not None for lk in links)
    assert any(r.hub_models for r in repos) and any(r.archived for r in repos)
    assert any(r.pushed_at is not None and r.pushed_at.tzinfo is dt.UTC for r in repos)
    assert any(f.acknowledged for f in read) and any(f.first_seen for f in read)
    engine.dispose()
