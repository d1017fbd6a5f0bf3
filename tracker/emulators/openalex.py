"""An OpenAlex emulator: authors, institutions and their works, with cursor paging.

It answers as api.openalex.org does where a feed depends on it: `/authors/A…` (or
`/authors/orcid:…`) and `/institutions/I…` give the entity or 404; `/works?filter=...` understands
`author.id`, `author.orcid`, `institutions.id`, `from_publication_date` and
`to_publication_date`, sorts by `publication_date:asc`, and pages with `cursor` (`*` first, then
`meta.next_cursor`, null on the last page) and `per-page` (at most 200). Abstracts are sent as
`abstract_inverted_index`, as OpenAlex sends them. More than `rate_limit.limit` requests in a
window are answered 429 with `Retry-After`. Requests without `mailto` are counted in `impolite`.
Scenario::

    {
      "authors": {"A5000000001": {"name": "Ada Lovelace", "orcid": "0000-0002-1825-0097",
                                  "institution": "I100"}},
      "institutions": {"I100": {"name": "Analytical Engines Lab"}},
      "works": [{"id": "W1", "title": "...", "abstract": "...", "date": "2025-03-02",
                 "authors": ["A5000000001"], "arxiv": "2503.01234", "doi": "10.1/x",
                 "source": "Journal of Engines"}],
    }
"""

from __future__ import annotations

import base64
from typing import Any

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow

MAX_PER_PAGE = 200


def inverted(text: str) -> dict[str, list[int]]:
    """`text` as OpenAlex's `abstract_inverted_index`: each word with the positions it has."""
    index: dict[str, list[int]] = {}
    for n, word in enumerate(text.split()):
        index.setdefault(word, []).append(n)
    return index


class OpenAlexEmulator(EmulatorServer):
    """Serves `/authors/{id}`, `/institutions/{id}` and `/works`."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.authors: dict[str, dict[str, Any]] = dict(scenario.get("authors", {}))
        self.institutions: dict[str, dict[str, Any]] = dict(scenario.get("institutions", {}))
        self.works: list[dict[str, Any]] = [dict(w) for w in scenario.get("works", [])]
        self.window = FixedWindow.from_scenario(scenario.get("rate_limit"), 100, 1)
        self.impolite = 0

    def handle(self, req: Request) -> Response:
        remaining, reset = self.window.hit()
        if remaining < 0:
            return Response.json(
                {"error": "Rate limit exceeded"}, status=429, headers={"Retry-After": str(reset)}
            )
        if not req.arg("mailto"):
            with self.lock:
                self.impolite += 1
        parts = [p for p in req.path.split("/") if p]
        if parts == ["works"]:
            return self._works(req)
        if len(parts) == 2 and parts[0] == "authors":
            return self._author(parts[1])
        if len(parts) == 2 and parts[0] == "institutions":
            return self._entity(self.institutions, parts[1], "institution")
        return Response.json({"error": "Not Found"}, status=404)

    def _author(self, ident: str) -> Response:
        if ident.startswith("orcid:"):
            orcid = ident.removeprefix("orcid:")
            with self.lock:
                found = next((a for a, v in self.authors.items() if v.get("orcid") == orcid), None)
            if found is None:
                return Response.json({"error": "Not Found", "message": "no such author"}, 404)
            ident = found
        return self._entity(self.authors, ident, "author")

    def _entity(self, table: dict[str, dict[str, Any]], ident: str, kind: str) -> Response:
        with self.lock:
            found = table.get(ident)
        if found is None:
            return Response.json({"error": "Not Found", "message": f"no such {kind}"}, 404)
        return Response.json(
            {"id": f"https://openalex.org/{ident}", "display_name": found.get("name", ident)}
        )

    def _matches(self, work: dict[str, Any], filters: dict[str, str]) -> bool:
        date = work.get("date", "2024-01-01")
        authors = [self.authors.get(a, {}) | {"id": a} for a in work.get("authors", [])]
        for key, value in filters.items():
            if key == "author.id" and value not in [a["id"] for a in authors]:
                return False
            if key == "author.orcid" and value not in [a.get("orcid") for a in authors]:
                return False
            if key == "institutions.id" and value not in [a.get("institution") for a in authors]:
                return False
            if key == "from_publication_date" and date < value:
                return False
            if key == "to_publication_date" and date > value:
                return False
        return True

    def _works(self, req: Request) -> Response:
        filters: dict[str, str] = {}
        for part in (req.arg("filter") or "").split(","):
            key, sep, value = part.partition(":")
            if not sep:
                return Response.json({"error": "Invalid query parameters error."}, 400)
            filters[key] = value
        try:
            size = int(req.arg("per-page") or 25)
            cursor = req.arg("cursor") or "*"
            start = 0 if cursor == "*" else int(base64.urlsafe_b64decode(cursor.encode()))
        except ValueError:
            return Response.json({"error": "Invalid query parameters error."}, 400)
        if not 1 <= size <= MAX_PER_PAGE:
            return Response.json({"error": "per-page must be between 1 and 200"}, 400)
        with self.lock:
            found = sorted(
                (w for w in self.works if self._matches(w, filters)),
                key=lambda w: (w.get("date", ""), w["id"]),
            )
        page = found[start : start + size]
        end = start + len(page)
        nxt = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(found) else None
        meta = {"count": len(found), "db_response_time_ms": 3, "page": None, "per_page": size,
                "next_cursor": nxt}  # fmt: skip
        return Response.json({"meta": meta, "results": [self._work(w) for w in page]})

    def _work(self, w: dict[str, Any]) -> dict[str, Any]:
        locations = []
        if w.get("arxiv"):
            page = f"https://arxiv.org/abs/{w['arxiv']}"
            locations.append({"landing_page_url": page, "source": {"display_name": "arXiv"}})
        authorships = []
        for n, a in enumerate(w.get("authors", [])):
            who = self.authors.get(a, {})
            orcid = f"https://orcid.org/{who['orcid']}" if who.get("orcid") else None
            authorships.append({
                "author_position": "first" if n == 0 else "middle",
                "author": {"id": f"https://openalex.org/{a}",
                           "display_name": who.get("name", a), "orcid": orcid},
                "institutions": [{"id": f"https://openalex.org/{who['institution']}"}]
                if who.get("institution") else [],
            })  # fmt: skip
        primary: dict[str, Any] | None = locations[0] if locations else None
        if w.get("source"):
            primary = {"source": {"display_name": w["source"]}}
        return {
            "id": f"https://openalex.org/{w['id']}",
            "doi": f"https://doi.org/{w['doi']}" if w.get("doi") else None,
            "title": w["title"],
            "display_name": w["title"],
            "publication_date": w.get("date", "2024-01-01"),
            "publication_year": int(w.get("date", "2024")[:4]),
            "authorships": authorships,
            "primary_location": primary,
            "locations": locations,
            "abstract_inverted_index": inverted(w["abstract"]) if w.get("abstract") else None,
        }


def main() -> None:
    """Serve an empty OpenAlex until Ctrl-C (offline demos)."""
    emu = OpenAlexEmulator().start()
    print(emu.url, flush=True)
    emu.serve_forever()


if __name__ == "__main__":
    main()
