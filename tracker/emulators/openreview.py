"""An OpenReview API v2 emulator: venues as groups, and their accepted papers as notes.

It answers as api2.openreview.net does where a feed depends on it: `/groups?id=VENUE` gives
`{"groups": [...]}` (the venue's settings in `content`, among them `decision_name`) or 404
`NotFoundError`; `/notes?content.venueid=VENUE` gives `{"notes": [...], "count": N}` paged
with `offset` and `limit` (at most 1000), every content field as `{"value": ...}`, dates as
epoch milliseconds, and with `details=directReplies` each note's replies in
`details.directReplies` (an official review, and the decision when the paper has one, its
invitation `VENUE/Submission{n}/-/{decision_name}`); too many requests in a window are answered
429 `RateLimitError` with `Retry-After`. No answer carries an ETag. Scenario::

    {
      "venues": {
        "ICLR.cc/2025/Conference": {
          "papers": [{"title": "...", "abstract": "...", "authors": ["Ada Lovelace"],
                      "authorids": ["~Ada_Lovelace1"], "venue": "ICLR 2025 Poster",
                      "code": "https://github.com/o/r", "pdate": "2025-01-22",
                      "decision": "2025-01-20"}],
          "decision_name": "Decision"
        }
      },
      "rate_limit": {"limit": 600, "window_s": 60},
    }

`decision` is the day the decision was posted (no decision reply without it); `decision_name`
defaults to `Decision`.
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
        with self.lock:
            decision = self.venues[venue].get("decision_name", "Decision")
        content = {"decision_name": {"value": decision}, "submission_name": {"value": "Submission"}}
        group = {"id": venue, "members": [], "readers": ["everyone"], "content": content}
        return Response.json({"groups": [group]})

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
            decision = self.venues.get(venue, {}).get("decision_name", "Decision")
        replies = "directReplies" in (req.arg("details") or "").split(",")
        notes = []
        for n, p in enumerate(papers[offset : offset + limit], offset + 1):
            note = self._note(venue, n, p)
            if replies:
                note["details"] = {"directReplies": self._replies(venue, n, p, decision)}
            notes.append(note)
        return Response.json({"notes": notes, "count": len(papers)})

    def _replies(
        self, venue: str, number: int, p: dict[str, Any], decision: str
    ) -> list[dict[str, Any]]:
        """A review (dated before any decision) and the decision, if the paper has one."""
        forum = hashlib.sha256(f"{venue}/{number}".encode()).hexdigest()[:10]
        prefix = f"{venue}/Submission{number}/-/"
        review_at = _ms("2024-11-02")
        found: list[dict[str, Any]] = [
            {"id": f"{forum}r", "forum": forum, "replyto": forum,
             "invitations": [prefix + "Official_Review"], "cdate": review_at,
             "tcdate": review_at, "content": {"rating": {"value": 6}}},
        ]  # fmt: skip
        if p.get("decision"):
            at = _ms(p["decision"])
            found.append(
                {"id": f"{forum}d", "forum": forum, "replyto": forum,
                 "invitations": [prefix + decision], "cdate": at, "tcdate": at,
                 "content": {"decision": {"value": "Accept (Poster)"}}}
            )  # fmt: skip
        return found

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
