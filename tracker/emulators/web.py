"""Web pages, shortlinks and redirect chains served by virtual host on one local port.

Clients reach it either directly (`http://127.0.0.1:PORT/path`, matched by path alone) or
through a connect-to mapping that sends `https://step-law.github.io/` to this port while the
`Host` header keeps the original name (matched by `host/path`). Scenario::

    {
      "pages": {
        "step-law.github.io/": {"html": "<a href='https://github.com/o/r'>Code</a>"},
        "bit.ly/ArchGym": {"redirect": "https://github.com/o/r", "status": 301},
        "wall.example/": {"status": 403, "html": "Just a moment..."},
        "/local": {"html": "...", "head": 405},
      },
      "rate_limit": {"limit": 5, "window_s": 60},
    }

A page may set `status`, `html`, `content_type`, `redirect` (a Location, status 302 unless
given), `head` (status answered to HEAD, e.g. 405) and `headers`. Unknown pages are 404.
"""

from __future__ import annotations

from typing import Any

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow


class WebEmulator(EmulatorServer):
    """Virtual-host web server with redirects, bot walls and a fixed-window rate limit."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.pages: dict[str, dict[str, Any]] = {
            self._norm_key(k): dict(v) for k, v in scenario.get("pages", {}).items()
        }
        limit = scenario.get("rate_limit")
        self.window = FixedWindow.from_scenario(limit, 60, 60) if limit else None

    @staticmethod
    def _norm_key(key: str) -> str:
        host, sep, path = key.partition("/")
        return f"{host.lower()}/{path}" if sep else key.lower()

    def add_page(self, key: str, **page: Any) -> None:
        """Add or replace a page while the server runs."""
        with self.lock:
            self.pages[self._norm_key(key)] = page

    def _lookup(self, req: Request) -> dict[str, Any] | None:
        host = req.headers.get("host", "").rsplit(":", 1)[0].lower().strip("[]")
        with self.lock:
            for key in (f"{host}{req.path}", req.path):
                if key in self.pages:
                    return self.pages[key]
            if req.path == "/" and host in self.pages:
                return self.pages[host]
        return None

    def _limited(self) -> Response | None:
        if self.window is None:
            return None
        remaining, reset = self.window.hit()
        if remaining >= 0:
            return None
        resp = Response.text("Too Many Requests", status=429)
        resp.headers["Retry-After"] = str(reset)
        return resp

    def handle(self, req: Request) -> Response:
        limited = self._limited()
        if limited is not None:
            return limited
        page = self._lookup(req)
        if page is None:
            return Response.text("Not Found", status=404, content_type="text/html")
        if req.method == "HEAD" and page.get("head"):
            return Response.text("", status=int(page["head"]))
        if "redirect" in page:
            resp = Response.text("", status=int(page.get("status", 302)))
            resp.headers["Location"] = page["redirect"]
        else:
            resp = Response.text(
                page.get("html", ""),
                status=int(page.get("status", 200)),
                content_type=page.get("content_type", "text/html; charset=utf-8"),
            )
        resp.headers.update(page.get("headers", {}))
        return resp


def main() -> None:
    """Serve an empty web emulator until Ctrl-C (offline demos)."""
    emu = WebEmulator().start()
    print(emu.url, flush=True)
    emu.serve_forever()


if __name__ == "__main__":
    main()
