"""An arXiv API emulator: Atom answers to `id_list` and title searches, and PDFs to download.

Each entry's `<link title="pdf">` points back at this server, so a client that follows the feed
downloads the PDF the test generated. Scenario::

    {
      "papers": [
        {"id": "2306.02707", "version": 1, "title": "Orca: ...", "summary": "...",
         "authors": ["Subhabrata Mukherjee"], "comment": "Code: https://...",
         "published": "2023-06-05T17:58:55Z", "pdf": b"%PDF-..."},
      ],
      "rate_limit": {"limit": 100, "window_s": 60},
    }

`search_query` understands what a title look-up sends: `ti:"words"` and `ti:word AND ti:word`
(every word must appear in the title, case-insensitively).
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow

_WORD = re.compile(r"[a-z0-9]+")


class ArxivEmulator(EmulatorServer):
    """Serves `/api/query` (Atom 1.0) and `/pdf/{id}` from a scenario of papers."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.papers: list[dict[str, Any]] = [dict(p) for p in scenario.get("papers", [])]
        limit = scenario.get("rate_limit")
        self.window = FixedWindow.from_scenario(limit, 100, 60) if limit else None

    def handle(self, req: Request) -> Response:
        if self.window is not None:
            remaining, reset = self.window.hit()
            if remaining < 0:
                resp = Response.text("Rate exceeded.", status=429)
                resp.headers["Retry-After"] = str(reset)
                return resp
        if req.path == "/api/query":
            return self._query(req)
        if req.path.startswith("/pdf/"):
            return self._pdf(req.path[len("/pdf/") :])
        return Response.text("Not Found", status=404)

    def _find(self, arxiv_id: str) -> dict[str, Any] | None:
        bare = re.sub(r"v\d+$", "", arxiv_id)
        with self.lock:
            return next((p for p in self.papers if p["id"] == bare), None)

    def _pdf(self, arxiv_id: str) -> Response:
        paper = self._find(arxiv_id)
        if paper is None or not paper.get("pdf"):
            return Response.text("Not Found", status=404)
        return Response(200, paper["pdf"], {"Content-Type": "application/pdf"})

    def _query(self, req: Request) -> Response:
        ids = [i for i in (req.arg("id_list") or "").split(",") if i]
        search = req.arg("search_query") or ""
        if ids:
            found = [p for p in (self._find(i) for i in ids) if p is not None]
        else:
            words = _WORD.findall(re.sub(r"\b(?:ti|abs|au|all):|\bAND\b", " ", search).lower())
            with self.lock:
                found = [
                    p
                    for p in self.papers
                    if words and set(words) <= set(_WORD.findall(p["title"].lower()))
                ]
        start = int(req.arg("start") or 0)
        page = found[start : start + int(req.arg("max_results") or 10)]
        return Response(
            200, self._feed(page, len(found)).encode(), {"Content-Type": "application/atom+xml"}
        )

    def _feed(self, papers: list[dict[str, Any]], total: int) -> str:
        entries = "".join(self._entry(p) for p in papers)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
            'xmlns:arxiv="http://arxiv.org/schemas/atom">'
            "<title>arXiv Query</title>"
            f"<opensearch:totalResults>{total}</opensearch:totalResults>{entries}</feed>"
        )

    def _entry(self, p: dict[str, Any]) -> str:
        vid = f"{p['id']}v{p.get('version', 1)}"
        authors = "".join(
            f"<author><name>{escape(a)}</name></author>" for a in p.get("authors", [])
        )
        comment = (
            f"<arxiv:comment>{escape(p['comment'])}</arxiv:comment>" if p.get("comment") else ""
        )
        published = p.get("published", "2024-01-01T00:00:00Z")
        pdf_link = (
            f'<link title="pdf" href={quoteattr(f"{self.url}/pdf/{vid}")} '
            'rel="related" type="application/pdf"/>'
        )
        return (
            f"<entry><id>http://arxiv.org/abs/{vid}</id>"
            f"<updated>{published}</updated><published>{published}</published>"
            f"<title>{escape(p['title'])}</title><summary>{escape(p.get('summary', ''))}</summary>"
            f"{authors}{comment}"
            f'<link href="http://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>'
            f"{pdf_link}</entry>"
        )


def main() -> None:
    """Serve an empty arXiv until Ctrl-C (offline demos)."""
    emu = ArxivEmulator().start()
    print(emu.url, flush=True)
    emu.serve_forever()


if __name__ == "__main__":
    main()
