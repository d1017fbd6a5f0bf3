"""Per-paper link facts rolled up by the flag run, and when reports may trust them.

A CSV export of a million papers through the paper-link-repository join spends most of its
time in index look-ups; with the links' URLs, the first GitHub repository's status and license
and the best star count stored beside the verdict (`paper_state`) it is one scan of the papers
and their state rows, and `--sort stars` and `--min-stars` become index range scans. The
summary's license mix counts each checked repository the selected papers link once: with one
checked repository per paper stored there (`checked_repo`, `checked_license`, and how many
there are) that is a distinct count in index order, and only papers linking several read their
links. The flag run writes these columns from the same facts the probes read. They go stale
when links, repositories or checks change without a flag run after, so a full flag run records
a fingerprint of those tables (their largest ids: rows are only ever added, and every change
to a repository comes with a new check attempt) and reports use the rolled-up columns only
while the fingerprint still matches; otherwise they take the join.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import Connection, func, insert, select

from tracker.flags.checklist_items import main_repository
from tracker.frozen import quick_init
from tracker.hosts import REPO_LINK_KINDS
from tracker.models import LinkFacts
from tracker.store.schema import CheckAttempt, IngestRun, Link, Paper, RepoAlias, Repository

MARK = "rollup"
"""`ingest_run.command` of the rows that record a fingerprint (written only when it moves)."""

_WATCHED = (Paper, Link, Repository, RepoAlias, CheckAttempt)


@quick_init
@dataclass(frozen=True, slots=True)
class PaperRollup:
    """What exports show per paper about its links, as the join would compute it."""

    link_urls: str = ""
    repo_status: str | None = None
    repo_license: str | None = None
    stars: int | None = None
    checked_repo: str | None = None
    checked_license: str | None = None
    checked_repos: int = 0
    checklist_score: int | None = None
    """The checklist score of the main code repository (`main_repository`)."""


CHECKED = ("ok", "moved")
"""Repository statuses the summary's license mix counts."""


def rollup_links(links: tuple[LinkFacts, ...]) -> PaperRollup:
    """The rolled-up columns of a paper with these links (in stored order)."""
    first: LinkFacts | None = None
    stars: int | None = None
    checked: dict[str, str] = {}
    for lk in links:  # one pass: a flag run rolls up every paper
        r = lk.repo
        if first is None and lk.kind in REPO_LINK_KINDS:
            first = lk
        if r is not None:
            if r.stars is not None and (stars is None or r.stars > stars):
                stars = r.stars
            if r.status in CHECKED:
                checked[r.key] = r.license_spdx or "none"
    repo = first.repo if first is not None else None
    least = min(checked, default=None)
    main = main_repository(links)
    return PaperRollup(
        link_urls=" ".join([lk.url for lk in links]),
        repo_status=(repo.status if repo is not None else "unchecked") if first else None,
        repo_license=repo.license_spdx if repo is not None else None,
        stars=stars,
        checked_repo=least,
        checked_license=checked[least] if least is not None else None,
        checked_repos=len(checked),
        checklist_score=main.repo.checklist_score if main and main.repo else None,
    )


ROLLUP_COLUMNS = tuple(f.name for f in fields(PaperRollup))
"""The `paper_state` columns a flag run writes from `rollup_links`."""


def fingerprint(conn: Connection) -> str:
    """The largest id of every table the rolled-up columns depend on (one index probe each)."""
    parts = []
    for model in _WATCHED:
        t = model
        parts.append(f"{t.name} {conn.execute(select(func.max(t.c.id))).scalar() or 0}")
    return ", ".join(parts)


def _last_mark(conn: Connection) -> str | None:
    r = IngestRun
    q = select(r.c.note).where(r.c.command == MARK).order_by(r.c.id.desc()).limit(1)
    return conn.execute(q).scalar()


def save_mark(conn: Connection, mark: str) -> None:
    """Record that every paper was rolled up from the database `mark` describes (taken before
    the flag run read anything); nothing is written when it is already the latest mark."""
    if _last_mark(conn) == mark:
        return
    r = IngestRun
    conn.execute(insert(r).values(command=MARK, status="done", note=mark))


def rollup_fresh(conn: Connection) -> bool:
    """Whether every paper's rolled-up columns still describe its links and repositories."""
    mark = _last_mark(conn)
    return mark is not None and mark == fingerprint(conn)


__all__ = [
    "CHECKED",
    "ROLLUP_COLUMNS",
    "PaperRollup",
    "fingerprint",
    "rollup_fresh",
    "rollup_links",
    "save_mark",
]
