"""Small builders shared by test packages."""

from __future__ import annotations

from sqlalchemy import Engine

from tracker.models import ExtractedPaper, Link, LinkKind, Location, PaperRecord, Provenance, Role


def paper(i: int, repo: str) -> ExtractedPaper:
    """Paper `i` of a corpus whose abstract links the GitHub repository `repo`."""
    url = f"https://github.com/{repo}"
    link = Link(
        url=url,
        raw=url,
        kind=LinkKind.GITHUB_REPO,
        role=Role.CODE,
        provenance=Provenance.ABSTRACT,
        repo=repo,
    )
    record = PaperRecord(
        title=f"Paper {i}",
        abstract=f"Code: {url}",
        location=Location("test", i),
        source_kind="test",
        arxiv_id=f"2401.{i:05d}",
    )
    return ExtractedPaper(record=record, key=f"arxiv:2401.{i:05d}", links=(link,))


def unsearchable(engine: Engine) -> list[str]:
    """Keys of papers whose `search_text` is not their lower-cased title, key and rolled-up
    URLs joined by newlines, as PostgreSQL computes them now (migration 0012's definition,
    with a newline within a URL as a space: migration 0013's)."""
    q = (
        "SELECT p.key FROM paper_state s JOIN paper p ON p.id = s.paper_id WHERE "
        "s.search_text IS DISTINCT FROM lower(p.title) || E'\\n' || lower(p.key) || E'\\n' "
        "|| replace(lower(s.link_urls), E'\\n', ' ') ORDER BY 1"
    )
    with engine.connect() as conn:
        return list(conn.exec_driver_sql(q).scalars())
