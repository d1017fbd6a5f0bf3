"""Small builders shared by test packages."""

from __future__ import annotations

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
