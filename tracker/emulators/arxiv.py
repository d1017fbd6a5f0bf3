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
(every word must appear in the title, case-insensitively), and what a category feed sends:
`cat:cs.LG AND submittedDate:[202504210000 TO 202504212359]`, answered oldest first, paged with
`start` and `max_results` (at most 2000, as arXiv allows), with `opensearch:totalResults`. A
search feed's words are found in their field: `ti:` the title, `abs:` the abstract, `au:` the
authors, `all:` (or no prefix) any of them and the comment; terms joined by `AND` (parentheses
ignored) must all hold, a `submittedDate:[...]` range bounds the dates, and `sortBy=
submittedDate` with `sortOrder` orders the results by date (else the scenario's order).

A busy category is generated, not listed: `"synthetic": {"category": "cs.LG", "from":
"2025-04-01", "to": "2025-04-30", "per_day": 333}` (or `synthesize(...)` later, for the day a
rerun should find) makes that many papers a day, each built from its day and rank when a page
asks for it, so ten thousand papers cost the emulator no memory. Scenario papers may carry
`"categories": ["cs.LG"]` to be found by a category query too.

arXiv asks for one request every three seconds: with `"pace_s": 3` a request that comes sooner
is answered 503 with `Retry-After`, as a client that ignores the pace would be. A query the
API cannot parse is answered 400 with an Atom error entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import time
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow

_WORD = re.compile(r"[a-z0-9]+")
_CAT = re.compile(r"\bcat:([A-Za-z.-]+)")
_DATES = re.compile(r"submittedDate:\[(\d{8})\d{4} TO (\d{8})\d{4}\]")
MAX_RESULTS = 2000
_TOPICS = (
    "sparse attention", "diffusion sampling", "graph pretraining", "reward modelling",
    "speech tokenizers", "robot grasping", "federated tuning", "protein folding",
    "retrieval agents", "video prediction", "causal discovery", "tabular transformers",
)  # fmt: skip


class ArxivEmulator(EmulatorServer):
    """Serves `/api/query` (Atom 1.0) and `/pdf/{id}` from a scenario of papers."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.papers: list[dict[str, Any]] = [dict(p) for p in scenario.get("papers", [])]
        limit = scenario.get("rate_limit")
        self.window = FixedWindow.from_scenario(limit, 100, 60) if limit else None
        self.pace_s = float(scenario.get("pace_s", 0))
        self._last_at: float | None = None
        self._pace_lock = threading.Lock()
        self.synthetic: dict[tuple[str, dt.date], int] = {}
        spec = scenario.get("synthetic")
        if spec:
            first, last = dt.date.fromisoformat(spec["from"]), dt.date.fromisoformat(spec["to"])
            while first <= last:
                self.synthesize(spec["category"], first, int(spec["per_day"]))
                first += dt.timedelta(days=1)

    def synthesize(self, category: str, day: dt.date, count: int) -> None:
        """Make `category` hold `count` generated submissions on `day`."""
        with self.lock:
            self.synthetic[(category, day)] = count

    def _too_soon(self) -> bool:
        if not self.pace_s:
            return False
        with self._pace_lock:
            now = time.monotonic()
            early = self._last_at is not None and now - self._last_at < self.pace_s * 0.9
            self._last_at = now
            return early

    def handle(self, req: Request) -> Response:
        if self.window is not None:
            remaining, reset = self.window.hit()
            if remaining < 0:
                resp = Response.text("Rate exceeded.", status=429)
                resp.headers["Retry-After"] = str(reset)
                return resp
        if self._too_soon():
            resp = Response.text("Rate exceeded.", status=503)
            resp.headers["Retry-After"] = str(max(1, round(self.pace_s)))
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
        try:
            start = int(req.arg("start") or 0)
            size = int(req.arg("max_results") or 10)
        except ValueError:
            return self._error("start and max_results must be integers")
        if start < 0 or not 0 <= size <= MAX_RESULTS:
            return self._error(f"max_results must be between 0 and {MAX_RESULTS}")
        if search.count("[") != search.count("]") or search.count('"') % 2:
            return self._error("malformed query")
        if _CAT.search(search):
            return self._category(search, start, size)
        if ids:
            found = [p for p in (self._find(i) for i in ids) if p is not None]
        else:
            with self.lock:
                found = [p for p in self.papers if _matches(search, p)]
        if req.arg("sortBy") == "submittedDate":
            found.sort(key=_published, reverse=req.arg("sortOrder") != "ascending")
        page = found[start : start + size]
        body = self._feed(page, len(found), start=start, size=size)
        return Response(200, body.encode(), {"Content-Type": "application/atom+xml"})

    def _error(self, message: str) -> Response:
        body = self._feed(
            [],
            1,
            entries=f"<entry><id>http://arxiv.org/api/errors</id>"
            f"<title>Error</title><summary>{escape(message)}</summary></entry>",
        )
        return Response(400, body.encode(), {"Content-Type": "application/atom+xml"})

    def _category(self, search: str, start: int, size: int) -> Response:
        """Submissions to a category (scenario papers first, then generated ones), oldest
        first, within the submittedDate range when the query has one."""
        category = _CAT.search(search).group(1)  # type: ignore[union-attr]
        dates = _DATES.search(search)
        first = dt.datetime.strptime(dates.group(1), "%Y%m%d").date() if dates else dt.date.min
        last = dt.datetime.strptime(dates.group(2), "%Y%m%d").date() if dates else dt.date.max
        with self.lock:
            listed = [
                p for p in self.papers
                if category in p.get("categories", ())
                and first <= dt.date.fromisoformat(p.get("published", "2024-01-01")[:10]) <= last
            ]  # fmt: skip
            days = sorted((d, n) for (c, d), n in self.synthetic.items() if c == category)
        days = [(d, n) for d, n in days if first <= d <= last]
        total = len(listed) + sum(n for _, n in days)
        page = listed[start : start + size]
        at = max(0, start - len(listed))
        for day, count in days:
            if len(page) >= size:
                break
            if at >= count:
                at -= count
                continue
            take = min(count - at, size - len(page))
            page.extend(_generated(category, day, rank) for rank in range(at, at + take))
            at = 0
        body = self._feed(page, total, start=start, size=size)
        return Response(200, body.encode(), {"Content-Type": "application/atom+xml"})

    def _feed(
        self,
        papers: list[dict[str, Any]],
        total: int,
        start: int = 0,
        size: int = 10,
        entries: str = "",
    ) -> str:
        entries = entries or "".join(self._entry(p) for p in papers)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
            'xmlns:arxiv="http://arxiv.org/schemas/atom">'
            "<title>arXiv Query</title>"
            f"<opensearch:totalResults>{total}</opensearch:totalResults>"
            f"<opensearch:startIndex>{start}</opensearch:startIndex>"
            f"<opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>{entries}</feed>"
        )

    def _entry(self, p: dict[str, Any]) -> str:
        vid = f"{p['id']}v{p.get('version', 1)}"
        authors = "".join(
            f"<author><name>{escape(a)}</name></author>" for a in p.get("authors", [])
        )
        comment = "".join(
            f"<arxiv:{tag}>{escape(p[key])}</arxiv:{tag}>"
            for key, tag in (("comment", "comment"), ("journal_ref", "journal_ref"), ("doi", "doi"))
            if p.get(key)
        )
        comment += "".join(
            f'<category term={quoteattr(c)} scheme="http://arxiv.org/schemas/atom"/>'
            for c in p.get("categories", ())
        )
        published = p.get("published", "2024-01-01T00:00:00Z")
        pdf_link = (
            f'<link title="pdf" href={quoteattr(f"{self.url}/pdf/{vid}")} '
            'rel="related" type="application/pdf"/>'
            if not p.get("generated")
            else ""
        )
        return (
            f"<entry><id>http://arxiv.org/abs/{vid}</id>"
            f"<updated>{published}</updated><published>{published}</published>"
            f"<title>{escape(p['title'])}</title><summary>{escape(p.get('summary', ''))}</summary>"
            f"{authors}{comment}"
            f'<link href="http://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>'
            f"{pdf_link}</entry>"
        )


_FIELDS = {
    "ti": ("title",),
    "abs": ("summary",),
    "au": ("authors",),
    "all": ("title", "summary", "authors", "comment"),
}


def _published(p: dict[str, Any]) -> str:
    return str(p.get("published", "2024-01-01T00:00:00Z"))


def _matches(search: str, p: dict[str, Any]) -> bool:
    """Whether paper `p` holds every `AND` term of `search` (see the module docstring)."""
    dates = _DATES.search(search)
    if dates:
        day = _published(p)[:10].replace("-", "")
        if not dates.group(1) <= day <= dates.group(2):
            return False
        search = _DATES.sub(" ", search)
    terms = [
        t for t in re.split(r"\bAND\b", search.replace("(", " ").replace(")", " ")) if t.strip()
    ]
    if not terms:
        return False
    for term in terms:
        field, sep, value = term.strip().partition(":")
        fields = _FIELDS.get(field.lower()) if sep else None
        if fields is None:
            fields, value = _FIELDS["all"], term
        text = " ".join(
            " ".join(v) if isinstance(v := p.get(f, ""), list) else str(v) for f in fields
        )
        words = _WORD.findall(value.lower())
        if not words or not set(words) <= set(_WORD.findall(text.lower())):
            return False
    return True


def _generated(category: str, day: dt.date, rank: int) -> dict[str, Any]:
    """The `rank`-th submission of `day` to `category`, the same every time it is asked for:
    every fifth links its code in the comment, every seventh promises it."""
    digest = hashlib.sha256(f"{category}/{day}/{rank}".encode()).digest()
    topic = _TOPICS[digest[0] % len(_TOPICS)]
    seq = (day.day - 1) * 2000 + rank + 1 + (10000 if category != "cs.LG" else 0)
    ident = f"{day:%y%m}.{seq:05d}"
    comment = ""
    if rank % 5 == 0:
        comment = f"12 pages. Code: https://github.com/lab{digest[1]}/{topic.split()[0]}-{seq}"
    elif rank % 7 == 0:
        comment = "Code will be released upon acceptance."
    second = (rank * 7) % 86400
    return {
        "id": ident,
        "title": f"On {topic}: study {rank} of {day.isoformat()}",
        "summary": f"We revisit {topic} and report what a careful baseline achieves ({rank}).",
        "authors": [f"Author {digest[2]} {rank}", f"Coauthor {digest[3]}"],
        "comment": comment,
        "published": f"{day.isoformat()}T{second // 3600:02d}:{second // 60 % 60:02d}:00Z",
        "categories": [category],
        "generated": True,
    }


def main() -> None:
    """Serve an empty arXiv until Ctrl-C (offline demos)."""
    emu = ArxivEmulator().start()
    print(emu.url, flush=True)
    emu.serve_forever()


if __name__ == "__main__":
    main()
