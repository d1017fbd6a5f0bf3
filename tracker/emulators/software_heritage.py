"""A Software Heritage web API emulator: origins' latest visits and "save code now" requests.

It answers in the shapes of Software Heritage's API v1 where they matter to the tracker:
`GET /api/1/origin/{origin_url}/visit/latest/` gives the newest visit (`origin`, `visit`,
`date`, `status`, `snapshot`, `type`); with `require_snapshot=true` only a visit that produced a
snapshot counts; an origin never archived, or without such a visit, answers 404 with the
archive's error object (`exception`, `reason`). `POST /api/1/origin/save/{visit_type}/url/
{origin_url}/` records a save request and answers it (`id`, `origin_url`, `visit_type`,
`save_request_date`, `save_request_status`, `save_task_status`, `visit_date`, `visit_status`);
a request whose task succeeds adds a visit, so the origin reads as archived afterwards. Every
answer carries `X-RateLimit-Limit/Remaining/Reset` (an epoch second); over the limit it is a
`429` with `Retry-After`. Scenario::

    {
      "origins": {
        "https://github.com/lab/code": {"visits": [
            {"date": "2024-05-01T10:00:00+00:00", "status": "full", "type": "git"},
            {"date": "2024-08-01T10:00:00+00:00", "status": "failed", "snapshot": None},
        ]},
      },
      "save": {"request": "accepted", "task": "succeeded"},   # how every save request goes
      "save_by_origin": {"https://gitlab.com/g/p": {"request": "rejected"}},
      "rate_limit": {"limit": 120, "window_s": 3600},
    }
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from typing import Any
from urllib.parse import unquote

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow

_VISIT = re.compile(r"^/api/1/origin/(?P<url>.+)/visit/latest/?$")
_SAVE = re.compile(r"^/api/1/origin/save/(?P<kind>[a-z]+)/url/(?P<url>.+?)/?$")


def _snapshot(origin: str, visit: dict[str, Any]) -> str | None:
    """The visit's snapshot id: as the scenario gives it, None for a visit that produced none
    (`"snapshot": null`), else one derived from the origin and date."""
    if "snapshot" in visit:
        return visit["snapshot"]
    return hashlib.sha1(f"{origin} {visit['date']}".encode()).hexdigest()


class SoftwareHeritageEmulator(EmulatorServer):
    """Serves `/api/1/origin/...` for the origins of a scenario."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.origins: dict[str, list[dict[str, Any]]] = {
            url.rstrip("/"): list(spec.get("visits", []))
            for url, spec in scenario.get("origins", {}).items()
        }
        self.save_plan: dict[str, Any] = dict(scenario.get("save", {}))
        self.save_by_origin: dict[str, dict[str, Any]] = dict(scenario.get("save_by_origin", {}))
        self.saves: list[dict[str, Any]] = []
        """Every save request received, as answered."""
        self.window = FixedWindow.from_scenario(scenario.get("rate_limit"), 120, 3600)

    def handle(self, req: Request) -> Response:
        remaining, reset = self.window.hit()
        headers = {
            "X-RateLimit-Limit": str(self.window.limit),
            "X-RateLimit-Remaining": str(max(remaining, 0)),
            "X-RateLimit-Reset": str(int(time.time()) + reset),
        }
        if remaining < 0:
            headers["Retry-After"] = str(reset)
            body = {
                "exception": "Throttled",
                "reason": f"Request was throttled. Expected available in {reset} seconds.",
            }
            return Response.json(body, status=429, headers=headers)
        resp = self._route(req)
        resp.headers.update(headers)
        return resp

    def _route(self, req: Request) -> Response:
        if (m := _SAVE.match(req.path)) is not None:
            if req.method != "POST":
                return _error(405, "MethodNotAllowed", f'Method "{req.method}" not allowed.')
            return self._save(m["kind"], _origin(m["url"]))
        if (m := _VISIT.match(req.path)) is not None and req.method in ("GET", "HEAD"):
            return self._latest(_origin(m["url"]), req.arg("require_snapshot") == "true")
        return _error(404, "NotFoundExc", "Resource not found.")

    def _latest(self, origin: str, require_snapshot: bool) -> Response:
        with self.lock:
            visits = self.origins.get(origin)
            if visits is None:
                return _error(404, "NotFoundExc", f"Origin with url {origin} not found!")
            listed = [
                (n, v)
                for n, v in enumerate(visits, start=1)
                if not require_snapshot or _snapshot(origin, v) is not None
            ]
        if not listed:
            return _error(404, "NotFoundExc", f"No visit of origin {origin} found")
        number, visit = max(listed, key=lambda nv: nv[1]["date"])
        snapshot = _snapshot(origin, visit)
        return Response.json(
            {
                "origin": origin,
                "visit": number,
                "date": visit["date"],
                "status": visit.get("status", "full"),
                "snapshot": snapshot,
                "type": visit.get("type", "git"),
                "metadata": {},
                "origin_url": f"/api/1/origin/{origin}/get/",
                "snapshot_url": f"/api/1/snapshot/{snapshot}/" if snapshot else None,
            }
        )

    def _save(self, kind: str, origin: str) -> Response:
        plan = {**self.save_plan, **self.save_by_origin.get(origin, {})}
        status = plan.get("request", "accepted")
        task = plan.get("task", "not yet scheduled") if status == "accepted" else "not created"
        now = dt.datetime.now(dt.UTC).isoformat()
        with self.lock:
            record = {
                "id": len(self.saves) + 1,
                "origin_url": origin,
                "visit_type": kind,
                "save_request_date": now,
                "save_request_status": status,
                "save_task_status": task,
                "visit_date": now if task == "succeeded" else None,
                "visit_status": "full" if task == "succeeded" else None,
                "loading_task_id": len(self.saves) + 1000 if status == "accepted" else None,
                "note": None,
            }
            self.saves.append(record)
            if task == "succeeded":
                self.origins.setdefault(origin, []).append({"date": now, "type": kind})
        return Response.json(record)


def _origin(raw: str) -> str:
    """The origin URL as the path carries it (percent-encoded or not), without a final slash."""
    return unquote(raw).rstrip("/")


def _error(status: int, exception: str, reason: str) -> Response:
    return Response.json({"exception": exception, "reason": reason}, status=status)
