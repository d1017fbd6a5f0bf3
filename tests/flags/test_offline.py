"""`tracker flag` judges stored evidence again without a single network call."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tracker import pipeline
from tracker.demo import LISTING, load_scenario, services
from tracker.enrich import enrich_papers
from tracker.flags import run as flag_run
from tracker.schedule import check_targets
from tracker.store import open_db
from tracker.store.schema import Paper, PaperState, RepoEvidence


def _refused(*args: Any, **kwargs: Any) -> Any:
    raise OSError("network refused by the test")


def test_new_rules_rejudge_the_whole_database_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = open_db(f"sqlite:///{tmp_path / 't.db'}")
    with services(load_scenario()) as svc:
        cfg = svc.settings(str(engine.url))
        pipeline.ingest(engine, [str(LISTING)], command="run")
        enrich_papers(engine, cfg, options=svc.enrich_options())
        check_targets(engine, cfg)
        flag_run.flag_papers(engine, cfg)
    with engine.connect() as conn:
        before = conn.execute(
            select(Paper.c.key, PaperState.c.verdict, PaperState.c.flags).join(PaperState)
        ).all()
        judged = {j.split(":")[1] for j in conn.scalars(select(RepoEvidence.c.judged))}
    assert judged == {flag_run.RULES_VERSION}
    monkeypatch.setattr(socket.socket, "connect", _refused)
    monkeypatch.setattr(socket, "getaddrinfo", _refused)
    monkeypatch.setattr(flag_run, "RULES_VERSION", "next")
    flag_run.flag_papers(engine, cfg)
    with engine.connect() as conn:
        after = conn.execute(
            select(Paper.c.key, PaperState.c.verdict, PaperState.c.flags).join(PaperState)
        ).all()
        judged = {j.split(":")[1] for j in conn.scalars(select(RepoEvidence.c.judged))}
    assert judged == {"next"}  # every repository judged again, offline
    assert after == before
