"""A Bitbucket Cloud REST API 2.0 emulator: repositories, source listings, raw files, downloads.

Serve it for `api.bitbucket.org` (`--connect-to api.bitbucket.org=ORIGIN`): links name
`bitbucket.org`, the checker asks the API host. It answers the way Bitbucket documents where
that matters to a checker: `/2.0/repositories/:workspace/:slug` (any case); a repository without
a commit has no `mainbranch`; `/src/:ref/:path` lists a folder (down to `max_depth`, paged by
`pagelen` up to `max_pagelen`, with an opaque `page` token in an absolute `next` URL on the
host that was asked, or `next_host`) or answers a file's raw bytes; `/downloads` lists the
uploaded files; errors are `{"type": "error", "error": {"message": ...}}`; a private repository
is a 404 to anyone without a token it knows and a bad token a `401`; requests are counted in a
fixed window, with `429` + `Retry-After` over the limit. An old slug of a renamed repository
(`moved_from`) answers `301` to the new API path: the web site redirects renamed repositories,
the API is not documented to, so this only exercises the checker's handling of such a redirect.
Scenario::

    {
      "repos": {
        "workspace/slug": {
          "name": "Display Name", "main_branch": "main", "language": "python",
          "description": "...", "website": "https://...", "private": False, "empty": False,
          "files": {"README.md": "# Name", "src/train.py": "print(1)"},
          "downloads": [{"name": "weights.pth", "size": 1000}],
          "created_on": "2024-01-02T03:04:05+00:00", "updated_on": "2024-05-01T00:00:00+00:00",
          "moved_from": ["workspace/old-slug"], "fork_of": "other/origin",
        },
      },
      "tokens": ["valid-token"],
      "max_pagelen": 100,
      "next_host": None,        # a host for `next` links other than the one asked (a trap)
      "mode": "api",            # "html": every answer an HTML page; "login": 302 to sign-in
      "rate_limit": {"limit": 1000, "window_s": 3600},
    }
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import unquote, urlencode

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow

PREFIX = "/2.0/repositories/"


def _error(message: str, status: int) -> Response:
    return Response.json({"type": "error", "error": {"message": message}}, status=status)


class BitbucketEmulator(EmulatorServer):
    """Serves `/2.0/repositories/...` for the repositories of a scenario."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.repos: dict[str, dict[str, Any]] = {}
        self.moved: dict[str, str] = {}
        for name, spec in scenario.get("repos", {}).items():
            self.repos[name.lower()] = {**spec, "full_name": name.lower()}
            for old in spec.get("moved_from", ()):
                self.moved[old.lower()] = name.lower()
        self.tokens: set[str] = set(scenario.get("tokens", []))
        self.max_pagelen: int = int(scenario.get("max_pagelen", 100))
        self.next_host: str | None = scenario.get("next_host")
        self.mode: str = scenario.get("mode", "api")
        self.window = FixedWindow.from_scenario(scenario.get("rate_limit"), 1000, 3600)

    def handle(self, req: Request) -> Response:
        if self.mode == "html":
            return Response.text("<html><body>Bitbucket</body></html>", 200, "text/html")
        if self.mode == "login":
            return Response(302, b"", {"Location": "https://id.atlassian.com/login"})
        remaining, reset = self.window.hit()
        if remaining < 0:
            resp = _error("Rate limit for this resource has been exceeded", 429)
            resp.headers["Retry-After"] = str(reset)
            return resp
        auth = req.headers.get("authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
        if token is not None and token not in self.tokens:
            return _error("Access token expired or invalid", 401)
        return self._route(req, token is not None)

    def _route(self, req: Request, authorized: bool) -> Response:
        if not req.path.startswith(PREFIX):
            return _error("Resource not found", 404)
        parts = req.path[len(PREFIX) :].split("/", 2)
        if len(parts) < 2:
            return _error("Resource not found", 404)
        name = f"{unquote(parts[0])}/{unquote(parts[1])}".lower()
        rest = parts[2] if len(parts) > 2 else ""
        if name in self.moved and name not in self.repos:
            tail = f"/{rest}" if rest else ""
            where = f"https://{self._host(req)}{PREFIX}{self.moved[name]}{tail}"
            return Response(301, b"", {"Location": where})
        repo = self.repos.get(name)
        if repo is None or (repo.get("private") and not authorized):
            return _error(f"Repository {name} not found", 404)
        if not rest:
            return Response.json(self._repo(repo))
        if rest.startswith("src/"):
            ref, _, path = rest[len("src/") :].partition("/")
            return self._src(req, repo, unquote(ref), unquote(path))
        if rest == "downloads":
            return Response.json(_page(req, _downloads(repo)))
        return _error("Resource not found", 404)

    def _host(self, req: Request) -> str:
        return req.headers.get("host", "api.bitbucket.org")

    def _repo(self, r: dict[str, Any]) -> dict[str, Any]:
        full: str = r["full_name"]
        workspace, _, slug = full.partition("/")
        body: dict[str, Any] = {
            "type": "repository",
            "uuid": "{%08x-0000-4000-8000-000000000000}" % (abs(sum(map(ord, full))) % 2**32),
            "full_name": full,
            "name": r.get("name", slug),
            "slug": slug,
            "is_private": bool(r.get("private")),
            "description": r.get("description", ""),
            "website": r.get("website", ""),
            "language": r.get("language", ""),
            "size": sum(len(t.encode()) for t in r.get("files", {}).values()),
            "scm": "git",
            "fork_policy": "allow_forks",
            "has_issues": False,
            "created_on": r.get("created_on", "2024-01-01T00:00:00.000000+00:00"),
            "updated_on": r.get("updated_on", "2024-06-01T00:00:00.000000+00:00"),
            "workspace": {"type": "workspace", "slug": workspace},
            "links": {"html": {"href": f"https://bitbucket.org/{full}"}},
        }
        if not r.get("empty"):
            body["mainbranch"] = {"type": "branch", "name": r.get("main_branch", "main")}
        if r.get("fork_of"):
            body["parent"] = {"type": "repository", "full_name": r["fork_of"]}
        return body

    def _src(self, req: Request, r: dict[str, Any], ref: str, path: str) -> Response:
        if r.get("empty") or ref != r.get("main_branch", "main"):
            return _error(f"Commit not found: {ref}", 404)
        files: dict[str, str] = r.get("files", {})
        path = path.rstrip("/")
        if path in files:
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return Response(200, files[path].encode(), {"Content-Type": kind})
        entries = _listing(files, path, max(1, int(req.arg("max_depth") or 1)))
        if path and not entries:
            return _error(f"No such file or directory: {path}", 404)
        return Response.json(_page(req, entries, self.max_pagelen, self.next_host))


def _listing(files: dict[str, str], under: str, depth: int) -> list[dict[str, Any]]:
    """The entries below folder `under`, folder by folder, `depth` levels deep."""
    prefix = f"{under}/" if under else ""
    found: dict[str, dict[str, Any]] = {}
    for path, text in files.items():
        if not path.startswith(prefix):
            continue
        segs = path[len(prefix) :].split("/")
        for level in range(1, min(len(segs), depth) + 1):
            entry = prefix + "/".join(segs[:level])
            if level < len(segs):
                found.setdefault(entry, {"type": "commit_directory", "path": entry})
            else:
                found[entry] = {"type": "commit_file", "path": entry, "size": len(text.encode())}
    return sorted(found.values(), key=lambda e: (e["path"].count("/"), e["path"]))


def _downloads(r: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "type": "download",
            "name": d["name"],
            "size": d.get("size", 0),
            "downloads": d.get("downloads", 0),
            "created_on": d.get("created_on", "2024-01-01T00:00:00.000000+00:00"),
        }
        for d in r.get("downloads", [])
    ]


def _page(
    req: Request,
    values: list[dict[str, Any]],
    max_pagelen: int = 100,
    next_host: str | None = None,
) -> dict[str, Any]:
    """One page of `values`; `next` is an absolute URL carrying an opaque cursor."""
    pagelen = min(max(1, int(req.arg("pagelen") or 10)), max_pagelen)
    start = _cursor(req.arg("page") or "")
    body: dict[str, Any] = {"pagelen": pagelen, "values": values[start : start + pagelen]}
    if start + pagelen < len(values):
        query = {k: v[0] for k, v in req.query.items() if k != "page"}
        query["page"] = f"c{start + pagelen:x}"
        host = next_host or req.headers.get("host", "api.bitbucket.org")
        body["next"] = f"https://{host}{req.path}?{urlencode(query)}"
    return body


def _cursor(token: str) -> int:
    """The offset an opaque page token stands for (0 for a token this emulator never gave)."""
    try:
        return int(token[1:], 16) if token.startswith("c") else 0
    except ValueError:
        return 0
