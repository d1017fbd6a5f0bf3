"""Archived copies: whether Software Heritage keeps a code repository, and the Wayback Machine a
page; and the opt-in request that asks Software Heritage to save code it does not keep yet.

Values only: each look-up returns an `Archived`, each save request a `SaveAnswer`; the store
(`tracker.store.archives`) decides what is asked and keeps the answers.

* Software Heritage: `GET {api}/origin/{url}/visit/latest/?require_snapshot=true` names the
  last visit that produced a snapshot (its `date`); 404 means the origin was never archived.
  The copy a reader can open is the archive's browse page of that origin.
* Wayback Machine: `GET {root}/wayback/available?url=...[&timestamp=YYYYMMDD]` answers
  `archived_snapshots.closest` (`url`, `timestamp`, `available`, `status`), or an empty
  `archived_snapshots` when nothing is kept. A snapshot of an error page (status 4xx/5xx) is no
  copy of the page, so it counts as not archived.
* "Save code now": `POST {api}/origin/save/{visit_type}/url/{url}/` answers the request's
  `id`, `save_request_status` (accepted, rejected, pending) and `save_task_status`.

Archives are slow at times and down at others; neither may hold up a run. Every request goes
through the one HTTP policy with a short timeout and few attempts, a 403/429/5xx or a timeout is
`unknown` (asked again next run), and a service that stops answering (unreachable, rate limited
past what the policy waits, or failing `MAX_FAILURES` times in a row) is not asked again in
this run: its remaining targets wait for the next one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import replace
from urllib.parse import quote, urlencode, urlsplit

from tracker.check.api import ApiAnswer, HostClient, host_stop, parse_time
from tracker.check.web import WebPolicy
from tracker.config import Settings, scrub
from tracker.http import HttpPolicy, RetryBudget
from tracker.models import Archived, ArchiveStatus, ArchiveTarget, SaveAnswer

MAX_FAILURES = 3
"""Consecutive unknown answers after which a service is left alone for the rest of the run."""
TIMEOUT_S = 10.0
ATTEMPTS = 2
RETRY_BUDGET_S = 20.0
"""Seconds the archive look-ups of one run may spend retrying, all services together."""
SOFTWARE_HERITAGE = "software_heritage"
WAYBACK = "wayback"


class Archives:
    """The archives' APIs under the one HTTP policy. Use as a context manager."""

    def __init__(
        self,
        settings: Settings,
        web: WebPolicy,
        policy: HttpPolicy | None = None,
    ) -> None:
        self.policy = policy or HttpPolicy(
            timeout_s=min(settings.timeout_s, TIMEOUT_S),
            max_attempts=min(settings.max_retries, ATTEMPTS),
            secrets=settings.secrets(),
            retry_budget=RetryBudget(RETRY_BUDGET_S),
        )
        self.secrets = settings.secrets()
        self.swh = HostClient(settings.swh_api_url, self.policy, web, configured=True)
        self.wayback = HostClient(settings.wayback_api_url, self.policy, web, configured=True)
        self.swh_web = _web_root(settings.swh_api_url)
        self.stopped: dict[str, str] = {}
        """Services left alone for the rest of the run, with the reason."""
        self._failures = {SOFTWARE_HERITAGE: 0, WAYBACK: 0}

    def __enter__(self) -> Archives:
        return self

    def __exit__(self, *exc: object) -> None:
        self.swh.close()
        self.wayback.close()

    @property
    def requests(self) -> int:
        return self.swh.requests + self.wayback.requests

    def look_up(self, targets: Sequence[ArchiveTarget]) -> Iterator[Archived]:
        """Each target's answer, in order; targets left only to stopped services are skipped
        (not answered at all), so they stay due for the next run."""
        for target in targets:
            answer = self._ask(target)
            if answer is not None:
                yield replace(answer, reason=scrub(answer.reason, self.secrets))

    def _ask(self, target: ArchiveTarget) -> Archived | None:
        unknown: Archived | None = None
        asked = False
        for service in target.services:
            if service in self.stopped:
                continue
            asked = True
            if service == SOFTWARE_HERITAGE:
                answer = self.software_heritage(target)
            else:
                answer = self.wayback_snapshot(target)
            if answer.status is ArchiveStatus.ARCHIVED:
                return answer
            if answer.status is ArchiveStatus.UNKNOWN:
                unknown = unknown or answer
        if not asked:
            return None
        return unknown or Archived(target, ArchiveStatus.NOT_ARCHIVED)

    def software_heritage(self, target: ArchiveTarget) -> Archived:
        """The origin's last visit that produced a snapshot."""
        path = f"/origin/{quote(target.url, safe=':/')}/visit/latest/"
        answer = self.swh.get_json(path, {"require_snapshot": "true"})
        if answer.status == 404:
            return self._settled(SOFTWARE_HERITAGE, Archived(target, ArchiveStatus.NOT_ARCHIVED))
        data = answer.data if answer.ok else None
        when = parse_time(data.get("date")) if isinstance(data, dict) else None
        if when is None:
            return self._unknown(SOFTWARE_HERITAGE, target, answer, "no visit date in the answer")
        browse = f"{self.swh_web}/browse/origin/directory/?{urlencode({'origin_url': target.url})}"
        found = Archived(target, ArchiveStatus.ARCHIVED, browse, when, SOFTWARE_HERITAGE)
        return self._settled(SOFTWARE_HERITAGE, found)

    def wayback_snapshot(self, target: ArchiveTarget) -> Archived:
        """The Wayback Machine's snapshot closest to the target's day (or the newest)."""
        params = {"url": target.url}
        if target.timestamp:
            params["timestamp"] = target.timestamp
        answer = self.wayback.get_json("/wayback/available", params)
        data = answer.data if answer.ok else None
        snapshots = data.get("archived_snapshots") if isinstance(data, dict) else None
        if not isinstance(snapshots, dict):
            return self._unknown(WAYBACK, target, answer, "no archived_snapshots in the answer")
        closest = snapshots.get("closest")
        if not isinstance(closest, dict) or not _usable(closest):
            return self._settled(WAYBACK, Archived(target, ArchiveStatus.NOT_ARCHIVED))
        when = _wayback_time(str(closest.get("timestamp") or ""))
        found = Archived(target, ArchiveStatus.ARCHIVED, str(closest["url"]), when, WAYBACK)
        return self._settled(WAYBACK, found)

    def save(self, origin_url: str, visit_type: str = "git") -> SaveAnswer:
        """Ask Software Heritage to archive `origin_url` now."""
        path = f"/origin/save/{visit_type}/url/{quote(origin_url, safe=':/')}/"
        answer = self.swh.post_json(path)
        data = answer.data if answer.ok else None
        if answer.failure is None and answer.status in (400, 403):
            return SaveAnswer(origin_url, "rejected", None, f"HTTP {answer.status}")
        if not isinstance(data, dict) or "save_request_status" not in data:
            why = scrub(_why(answer, "no save_request_status in the answer"), self.secrets)
            stop = host_stop(answer) is not None or answer.status == 429
            return SaveAnswer(origin_url, "unknown", None, why, stop)
        ident = data.get("id")
        status = _save_status(
            str(data.get("save_request_status") or ""), str(data.get("save_task_status") or "")
        )
        task = str(data.get("save_task_status") or "")
        return SaveAnswer(origin_url, status, str(ident) if ident is not None else None, task)

    def _settled(self, service: str, answer: Archived) -> Archived:
        self._failures[service] = 0
        return answer

    def _unknown(
        self, service: str, target: ArchiveTarget, answer: ApiAnswer, why: str
    ) -> Archived:
        stop = host_stop(answer)
        self._failures[service] += 1
        if stop is not None:
            self.stopped[service] = stop
        elif self._failures[service] >= MAX_FAILURES:
            self.stopped[service] = f"{MAX_FAILURES} look-ups in a row unanswered"
        return Archived(target, ArchiveStatus.UNKNOWN, service=service, reason=_why(answer, why))


def _why(answer: ApiAnswer, fallback: str) -> str:
    if answer.failure is not None:
        return answer.reason or str(answer.failure)
    if not answer.ok:
        return f"HTTP {answer.status}"
    return fallback


def _usable(closest: dict[str, object]) -> bool:
    """A snapshot the reader can open, of the page itself (not of an error it answered)."""
    status = str(closest.get("status") or "200")
    return bool(closest.get("available")) and bool(closest.get("url")) and status[:1] in "23"


def _wayback_time(stamp: str) -> dt.datetime | None:
    """`20240131120000` (14 digits, UTC), or a prefix of it."""
    if not 4 <= len(stamp) <= 14 or not stamp.isdigit():
        return None
    digits = stamp + "0101000000"[len(stamp) - 4 :]
    try:
        return dt.datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _save_status(request: str, task: str) -> str:
    """One word for a save request: what was decided, then how its task went."""
    if request in ("rejected", "pending"):
        return request
    if request != "accepted":
        return "unknown"
    if task in ("succeeded", "failed"):
        return task
    return "accepted"


def _web_root(api_url: str) -> str:
    """The archive's web root from its API URL (`.../api/1` -> `...`)."""
    parts = urlsplit(api_url.rstrip("/"))
    path = parts.path.removesuffix("/1").removesuffix("/api")
    return f"{parts.scheme}://{parts.netloc}{path}"
