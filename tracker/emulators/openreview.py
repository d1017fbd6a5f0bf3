"""An OpenReview API v2 emulator: venues as groups, and their accepted papers as notes.

It answers as api2.openreview.net does where a feed depends on it: `/groups?id=VENUE` gives
`{"groups": [...]}` or 404 `NotFoundError`; `/notes?content.venueid=VENUE` gives `{"notes":
[...], "count": N}` paged with `offset` and `limit` (at most 1000), every content field as
`{"value": ...}`, dates as epoch milliseconds; too many requests in a window are answered 429
`RateLimitError` with `Retry-After`. Scenario::

    {
      "venues": {
        "ICLR.cc/2025/Conference": {
          "papers": [{"title": "...", "abstract": "...", "authors": ["Ada Lovelace"],
                      "authorids": ["~Ada_Lovelace1"], "venue": "ICLR 2025 Poster",
                      "code": "https://github.com/o/r", "pdate": "2025-01-22"}],
          "submitted": 3
        }
      },
      "rate_limit": {"limit": 600, "window_s": 60},
    }

`submitted` adds that many submissions without a decision, which a venue-id query must not list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow

MAX_LIMIT = 1000


def _ms(day: str | None) -> int | None:
    if not day:
        return None
    when = dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)
    return int(when.timestamp() * 1000)


class OpenReviewEmulator(EmulatorServer):
    """Serves `/groups` and `/notes` from a scenario of venues."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.venues: dict[str, dict[str, Any]] = dict(scenario.get("venues", {}))
        self.window = FixedWindow.from_scenario(scenario.get("rate_limit"), 600, 60)

    def handle(self, req: Request) -> Response:
        remaining, reset = self.window.hit()
        if remaining < 0:
            return Response.json(
                {"name": "RateLimitError", "message": "Too many requests"},
                status=429,
                headers={"Retry-After": str(reset)},
            )
        if req.path == "/groups":
            return self._group(req.arg("id") or "")
        if req.path == "/notes":
            return self._notes(req)
        return Response.json({"name": "NotFoundError", "message": "Not Found"}, status=404)

    def _group(self, venue: str) -> Response:
        with self.lock:
            found = venue in self.venues
        if not found:
            message = f"Group Not Found: {venue}"
            return Response.json({"name": "NotFoundError", "message": message}, status=404)
        return Response.json({"groups": [{"id": venue, "members": [], "readers": ["everyone"]}]})

    def _notes(self, req: Request) -> Response:
        venue = req.arg("content.venueid") or ""
        try:
            offset, limit = int(req.arg("offset") or 0), int(req.arg("limit") or MAX_LIMIT)
        except ValueError:
            return Response.json({"name": "ValidationError", "message": "bad paging"}, 400)
        if offset < 0 or not 1 <= limit <= MAX_LIMIT:
            return Response.json({"name": "ValidationError", "message": "bad limit"}, 400)
        with self.lock:
            papers = list(self.venues.get(venue, {}).get("papers", []))
        notes = [self._note(venue, n, p) for n, p in enumerate(papers, 1)]
        return Response.json({"notes": notes[offset : offset + limit], "count": len(notes)})

    def _note(self, venue: str, number: int, p: dict[str, Any]) -> dict[str, Any]:
        ident = hashlib.sha256(f"{venue}/{number}".encode()).hexdigest()[:10]
        content: dict[str, Any] = {
            "title": {"value": p["title"]},
            "abstract": {"value": p.get("abstract", "")},
            "authors": {"value": list(p.get("authors", []))},
            "authorids": {"value": list(p.get("authorids", []))},
            "venue": {"value": p.get("venue", venue)},
            "venueid": {"value": venue},
            "pdf": {"value": f"/pdf/{ident}.pdf"},
        }
        if p.get("code"):
            content["code"] = {"value": p["code"]}
        created = _ms(p.get("cdate", "2024-09-27"))
        return {
            "id": ident,
            "forum": ident,
            "number": number,
            "invitations": [f"{venue}/-/Submission"],
            "cdate": created,
            "odate": _ms(p.get("odate", "2024-10-04")),
            "pdate": _ms(p.get("pdate")),
            "mdate": created,
            "content": content,
        }


def main() -> None:
    """Serve an empty OpenReview until Ctrl-C (offline demos)."""
    emu = OpenReviewEmulator().start()
    print(emu.url, flush=True)
    emu.serve_forever()


if __name__ == "__main__":
    main()
