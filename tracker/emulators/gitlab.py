"""A GitLab REST API v4 emulator: projects by path or id, trees, raw files, releases.

It answers the way GitLab documents where that matters to a checker: a project is found by its
URL-encoded full path or its numeric id; a private project is a 404 to anyone without a token
it knows ("404 Project Not Found", as GitLab hides private projects); an old path of a renamed
or transferred project answers `301` with `Location: /api/v4/projects/:id`; a bad token is a
`401`; trees are paged with `x-page`/`x-next-page`/`x-total`; requests are counted in a fixed
window with `RateLimit-*` headers and `429` + `Retry-After` over the limit. Scenario::

    {
      "projects": {
        "Group/Sub/Name": {
          "id": 12, "stars": 3, "forks": 1, "default_branch": "main", "license": "mit",
          "files": {"README.md": "# Name", "src/train.py": "print(1)"},
          "topics": ["ml"], "archived": False, "private": False, "empty": False,
          "created_at": "2024-01-02T03:04:05Z", "last_activity_at": "2024-05-01T00:00:00Z",
          "releases": [{"tag_name": "v1.0", "released_at": "2024-04-01T00:00:00Z",
                        "links": ["model.ckpt"]}],
          "moved_from": ["group/old-name"], "forked_from": "Other/Origin",
        },
      },
      "tokens": ["glpat-valid"],
      "mode": "api",            # "html": every answer an HTML page; "login": 302 to sign-in
      "rate_limit": {"limit": 2000, "window_s": 60},
    }
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow

LICENSE_NAMES = {
    "mit": "MIT License",
    "apache-2.0": "Apache License 2.0",
    "gpl-3.0": "GNU General Public License v3.0",
    "bsd-3-clause": 'BSD 3-Clause "New" or "Revised" License',
    "other": "Other",
}
_NOT_FOUND = {"message": "404 Project Not Found"}


class GitLabEmulator(EmulatorServer):
    """Serves `/api/v4/projects/...` for the projects of a scenario."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.projects: dict[str, dict[str, Any]] = {}
        self.by_id: dict[int, str] = {}
        self.moved: dict[str, int] = {}
        for i, (path, spec) in enumerate(scenario.get("projects", {}).items(), start=1):
            pid = int(spec.get("id", 1000 + i))
            self.projects[path.lower()] = {**spec, "id": pid, "path": path}
            self.by_id[pid] = path.lower()
            for old in spec.get("moved_from", ()):
                self.moved[old.lower()] = pid
        self.tokens: set[str] = set(scenario.get("tokens", []))
        self.mode: str = scenario.get("mode", "api")
        self.window = FixedWindow.from_scenario(scenario.get("rate_limit"), 2000, 60)

    def handle(self, req: Request) -> Response:
        if self.mode == "html":
            return Response.text("<html><body>GitLab</body></html>", 200, "text/html")
        if self.mode == "login":
            return Response(302, b"", {"Location": "/users/sign_in"})
        remaining, reset = self.window.hit()
        headers = {
            "RateLimit-Limit": str(self.window.limit),
            "RateLimit-Remaining": str(max(remaining, 0)),
            "RateLimit-Reset": str(reset),
        }
        if remaining < 0:
            headers["Retry-After"] = str(reset)
            return Response.json({"message": "429 Too Many Requests"}, status=429, headers=headers)
        token = self._token(req)
        if token is not None and token not in self.tokens:
            return Response.json({"message": "401 Unauthorized"}, status=401, headers=headers)
        resp = self._route(req, token is not None)
        resp.headers.update(headers)
        return resp

    def _token(self, req: Request) -> str | None:
        auth = req.headers.get("authorization", "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer ") :]
        return req.headers.get("private-token")

    def _route(self, req: Request, authorized: bool) -> Response:
        prefix = "/api/v4/projects/"
        if not req.path.startswith(prefix):
            return Response.json({"error": "404 Not Found"}, status=404)
        ident, _, rest = req.path[len(prefix) :].partition("/")
        ident = unquote(ident)
        if ident.lower() in self.moved and ident.lower() not in self.projects:
            tail = f"/{rest}" if rest else ""
            return Response(301, b"", {"Location": f"{prefix}{self.moved[ident.lower()]}{tail}"})
        project = self._find(ident)
        if project is None or (project.get("private") and not authorized):
            return Response.json(_NOT_FOUND, status=404)
        if not rest:
            return Response.json(self._project(project, req.arg("license") == "true"))
        if rest == "repository/tree":
            return self._tree(project, req)
        if rest.startswith("repository/files/") and rest.endswith("/raw"):
            return self._raw(project, unquote(rest[len("repository/files/") : -len("/raw")]))
        if rest == "releases":
            return Response.json([_release(r) for r in project.get("releases", [])])
        return Response.json({"error": "404 Not Found"}, status=404)

    def _find(self, ident: str) -> dict[str, Any] | None:
        with self.lock:
            if ident.isdigit():
                path = self.by_id.get(int(ident))
                return self.projects.get(path) if path else None
            return self.projects.get(ident.lower())

    def _project(self, p: dict[str, Any], license: bool) -> dict[str, Any]:
        path: str = p["path"]
        body: dict[str, Any] = {
            "id": p["id"],
            "name": path.rsplit("/", 1)[-1],
            "path": path.rsplit("/", 1)[-1],
            "path_with_namespace": path,
            "description": p.get("description", ""),
            "default_branch": None if p.get("empty") else p.get("default_branch", "main"),
            "visibility": "private" if p.get("private") else "public",
            "web_url": f"https://gitlab.example/{path}",
            "star_count": p.get("stars", 0),
            "forks_count": p.get("forks", 0),
            "open_issues_count": p.get("open_issues", 0),
            "topics": p.get("topics", []),
            "created_at": p.get("created_at", "2024-01-01T00:00:00.000Z"),
            "last_activity_at": p.get("last_activity_at", "2024-06-01T00:00:00.000Z"),
            "archived": bool(p.get("archived")),
            "empty_repo": bool(p.get("empty")),
        }
        if p.get("forked_from"):
            body["forked_from_project"] = {"path_with_namespace": p["forked_from"]}
        if license:
            key = p.get("license")
            body["license"] = (
                {"key": key, "name": LICENSE_NAMES.get(key, key), "nickname": None} if key else None
            )
        return body

    def _tree(self, p: dict[str, Any], req: Request) -> Response:
        if p.get("empty"):
            return Response.json({"message": "404 Tree Not Found"}, status=404)
        paths = _with_folders(p.get("files", {}))
        if req.arg("recursive") != "true":
            paths = [x for x in paths if "/" not in x[0]]
        page, per = int(req.arg("page") or 1), min(100, int(req.arg("per_page") or 20))
        chunk = paths[(page - 1) * per : page * per]
        items = [
            {"id": f"{i:040x}", "name": path.rsplit("/", 1)[-1], "type": kind, "path": path}
            for i, (path, kind) in enumerate(chunk)
        ]
        more = page * per < len(paths)
        headers = {"x-page": str(page), "x-total": str(len(paths)), "x-per-page": str(per)}
        headers["x-next-page"] = str(page + 1) if more else ""
        return Response.json(items, headers=headers)

    def _raw(self, p: dict[str, Any], path: str) -> Response:
        text = p.get("files", {}).get(path)
        if text is None:
            return Response.json({"message": "404 File Not Found"}, status=404)
        return Response.text(text)


def _with_folders(files: dict[str, str]) -> list[tuple[str, str]]:
    """Every file and folder as the tree endpoint lists them (folders as `tree`)."""
    folders = {"/".join(f.split("/")[:i]) for f in files for i in range(1, f.count("/") + 1)}
    entries = [(f, "tree") for f in folders] + [(f, "blob") for f in files]
    return sorted(entries)


def _release(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "tag_name": r["tag_name"],
        "name": r.get("name", r["tag_name"]),
        "released_at": r.get("released_at", "2024-01-01T00:00:00.000Z"),
        "assets": {
            "count": len(r.get("links", [])),
            "links": [
                {"id": i, "name": n, "url": f"https://example.invalid/{n}", "link_type": "other"}
                for i, n in enumerate(r.get("links", []))
            ],
        },
    }
