"""A Wayback Machine availability API emulator.

`GET /wayback/available?url=...[&timestamp=YYYYMMDDhhmmss]` answers as the Internet Archive
documents: `{"url": ..., "archived_snapshots": {"closest": {"available": true, "url":
"http://web.archive.org/web/<stamp>/<url>", "timestamp": "<stamp>", "status": "200"}}}` for the
snapshot closest to `timestamp` (the newest without one), and `{"archived_snapshots": {}}` when
the page was never archived. URLs match without their scheme, `www.` or final slash, as the
archive matches them. Requests are counted in a fixed window; over the limit it is a `429` with
`Retry-After`. Scenario::

    {
      "snapshots": {
        "https://lab.github.io/paper": [
            {"timestamp": "20240115093000", "status": "200"},
            {"timestamp": "20250301120000", "status": "404"},
        ],
      },
      "rate_limit": {"limit": 60, "window_s": 60},
    }
"""

from __future__ import annotations

from typing import Any

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow

WEB = "http://web.archive.org/web"


def page_key(url: str) -> str:
    """A URL as the archive matches it: no scheme, no `www.`, no final slash, host lower-cased."""
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{path}".rstrip("/")


class WaybackEmulator(EmulatorServer):
    """Serves `/wayback/available` for the snapshots of a scenario."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.snapshots: dict[str, tuple[str, list[dict[str, Any]]]] = {
            page_key(url): (url, list(shots))
            for url, shots in scenario.get("snapshots", {}).items()
        }
        self.window = FixedWindow.from_scenario(scenario.get("rate_limit"), 60, 60)

    def handle(self, req: Request) -> Response:
        remaining, reset = self.window.hit()
        if remaining < 0:
            return Response(429, b"Too Many Requests", {"Retry-After": str(reset)})
        if req.path.rstrip("/") != "/wayback/available":
            return Response.text("Not Found", 404, "text/html; charset=utf-8")
        url = req.arg("url") or ""
        stamp = req.arg("timestamp")
        found = self.snapshots.get(page_key(url))
        if not found or not found[1]:
            return Response.json({"url": url, "archived_snapshots": {}})
        original, shots = found
        shot = _closest(shots, stamp)
        closest = {
            "status": str(shot.get("status", "200")),
            "available": True,
            "url": f"{WEB}/{shot['timestamp']}/{original}",
            "timestamp": shot["timestamp"],
        }
        return Response.json({"url": url, "archived_snapshots": {"closest": closest}})


def _closest(shots: list[dict[str, Any]], stamp: str | None) -> dict[str, Any]:
    """The snapshot nearest `stamp` (padded to 14 digits), the newest without one."""
    if not stamp or not stamp.isdigit():
        return max(shots, key=lambda s: s["timestamp"])
    want = int(stamp.ljust(14, "0")[:14])
    return min(shots, key=lambda s: abs(int(s["timestamp"]) - want))
