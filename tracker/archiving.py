"""Archival, wired store -> check -> store: which links have an archived copy, and the opt-in
requests that ask Software Heritage to save released code no archive keeps.

`look_up_archives` runs in every check stage (`tracker.pipeline.check`), after the code hosts:
a bounded number of look-ups per run (`tracker.store.archives.due_archive_targets`), answers
saved in one transaction at the end. An archive that is down or slow makes its look-ups
`unknown` and is then left alone for the run (`tracker.check.archives`); nothing here raises
for it, so the run goes on. `request_saves` is `tracker archive`: never part of a run.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from tracker.check.archives import Archives
from tracker.check.web import WebPolicy
from tracker.config import Settings
from tracker.http import HttpPolicy
from tracker.models import ArchiveStatus, SaveAnswer
from tracker.store.archives import (
    DEFAULT_LOOKUPS,
    SaveCandidate,
    due_archive_targets,
    save_archive_request,
    save_archived,
    save_candidates,
)


@dataclass(frozen=True)
class ArchiveSummary:
    """What one pass of archive look-ups learned."""

    asked: int = 0
    archived: int = 0
    not_archived: int = 0
    unknown: int = 0
    left: int = 0
    """Due targets not asked because their archive stopped answering in this run."""
    reason: str = ""
    """Why an archive was left alone (unreachable, rate limited, failing)."""


def _web(settings: Settings, connect_to: dict[str, str] | None, allow_private: bool) -> WebPolicy:
    return WebPolicy(
        allow_private=allow_private or settings.allow_private, connect_to=dict(connect_to or {})
    )


def look_up_archives(
    engine: Engine,
    settings: Settings,
    *,
    limit: int = DEFAULT_LOOKUPS,
    connect_to: dict[str, str] | None = None,
    allow_private: bool = False,
    policy: HttpPolicy | None = None,
) -> ArchiveSummary:
    """Ask the archives about the links due for it; returns what they answered."""
    now = dt.datetime.now(dt.UTC)
    with engine.connect() as conn:
        due = due_archive_targets(conn, now, limit)
    if not due:
        return ArchiveSummary()
    with Archives(settings, _web(settings, connect_to, allow_private), policy) as archives:
        answers = list(archives.look_up(list(due)))
        stopped = archives.stopped
    with engine.begin() as conn:
        save_archived(conn, [(a, due[a.target]) for a in answers], now)
    count = {s: sum(a.status is s for a in answers) for s in ArchiveStatus}
    return ArchiveSummary(
        asked=len(answers),
        archived=count[ArchiveStatus.ARCHIVED],
        not_archived=count[ArchiveStatus.NOT_ARCHIVED],
        unknown=count[ArchiveStatus.UNKNOWN],
        left=len(due) - len(answers),
        reason="; ".join(f"{name} {why}" for name, why in stopped.items()),
    )


PACE_S = 2.0
"""Seconds between two save requests: Software Heritage throttles "save code now"."""


def request_saves(
    engine: Engine,
    settings: Settings,
    *,
    limit: int,
    pace_s: float = PACE_S,
    connect_to: dict[str, str] | None = None,
    allow_private: bool = False,
    sleep: Callable[[float], None] | None = None,
    policy: HttpPolicy | None = None,
) -> list[tuple[SaveCandidate, SaveAnswer]]:
    """Ask Software Heritage to save at most `limit` repositories of released code it does not
    keep, `pace_s` apart, recording each request as it is answered. Stops at the first request
    that finds the service unreachable or throttling."""
    pause = sleep or time.sleep
    now = dt.datetime.now(dt.UTC)
    with engine.connect() as conn:
        chosen = save_candidates(conn, now, limit)
    done: list[tuple[SaveCandidate, SaveAnswer]] = []
    with Archives(settings, _web(settings, connect_to, allow_private), policy) as archives:
        for i, candidate in enumerate(chosen):
            if i:
                pause(pace_s)
            answer = archives.save(candidate.origin_url)
            with engine.begin() as conn:
                save_archive_request(conn, candidate, answer, dt.datetime.now(dt.UTC))
            done.append((candidate, answer))
            if answer.status == "unknown" and answer.stop:
                break
    return done
