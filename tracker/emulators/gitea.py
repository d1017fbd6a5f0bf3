"""A Gitea/Forgejo API v1 emulator: repositories, licenses, trees, raw files, releases.

It answers the way Gitea documents where that matters to a checker: a repository is found by
`owner/name` (any case); a private repository is a 404 to anyone without a token it knows; an
old name of a renamed or transferred repository answers `307` with `Location:
/api/v1/repos/<new owner>/<new name>/...` and the query kept (Gitea's `RedirectToRepo`); a
bad token is a `401`; errors are `{"message": ..., "url": ...}`; trees are paged by `page` and
`per_page` (at most `trees_per_page`) with `total_count`, and `truncated` while entries are
left; `/licenses` lists SPDX ids, or is a 404 where the instance predates it
(`"licenses_api": false`, as Forgejo and Gitea before 1.23); requests are counted in a fixed
window, with `429` + `Retry-After` over the limit. Scenario::

    {
      "repos": {
        "Owner/Name": {
          "stars": 3, "forks": 1, "watchers": 2, "default_branch": "main",
          "licenses": ["MIT"], "files": {"README.md": "# Name", "src/train.py": "print(1)"},
          "topics": ["ml"], "archived": False, "private": False, "empty": False,
          "language": "Python", "description": "...", "website": "https://...",
          "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-05-01T00:00:00Z",
          "releases": [{"tag_name": "v1.0", "published_at": "2024-04-01T00:00:00Z",
                        "assets": [{"name": "model.ckpt", "size": 1000}]}],
          "moved_from": ["owner/old-name"], "fork_of": "Other/Origin",
        },
      },
      "tokens": ["valid-token"],
      "licenses_api": True,
      "trees_per_page": 1000,
      "mode": "api",            # "html": every answer an HTML page; "login": 302 to sign-in
      "rate_limit": {"limit": 2000, "window_s": 60},
    }
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow

PREFIX = "/api/v1/repos/"
_SWAGGER = "https://gitea.example/api/swagger"


def _error(message: str, status: int) -> Response:
    return Response.json({"message": message, "url": _SWAGGER}, status=status)


class GiteaEmulator(EmulatorServer):
    """Serves `/api/v1/repos/...` for the repositories of a scenario."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.repos: dict[str, dict[str, Any]] = {}
        self.moved: dict[str, str] = {}
        for i, (name, spec) in enumerate(scenario.get("repos", {}).items(), start=1):
            self.repos[name.lower()] = {**spec, "id": int(spec.get("id", 2000 + i)), "name": name}
            for old in spec.get("moved_from", ()):
                self.moved[old.lower()] = name
        self.tokens: set[str] = set(scenario.get("tokens", []))
        self.licenses_api: bool = scenario.get("licenses_api", True)
        self.trees_per_page: int = int(scenario.get("trees_per_page", 1000))
        self.mode: str = scenario.get("mode", "api")
        self.window = FixedWindow.from_scenario(scenario.get("rate_limit"), 2000, 60)

    def handle(self, req: Request) -> Response:
        if self.mode == "html":
            return Response.text("<html><body>Gitea</body></html>", 200, "text/html")
        if self.mode == "login":
            return Response(302, b"", {"Location": "/user/login"})
        remaining, reset = self.window.hit()
        if remaining < 0:
            resp = _error("rate limit exceeded", 429)
            resp.headers["Retry-After"] = str(reset)
            return resp
        token = _token(req)
        if token is not None and token not in self.tokens:
            return _error("invalid access token", 401)
        return self._route(req, token is not None)

    def _route(self, req: Request, authorized: bool) -> Response:
        if not req.path.startswith(PREFIX):
            return _error("not found", 404)
        parts = req.path[len(PREFIX) :].split("/", 2)
        if len(parts) < 2:
            return _error("not found", 404)
        name = f"{unquote(parts[0])}/{unquote(parts[1])}"
        rest = parts[2] if len(parts) > 2 else ""
        if name.lower() in self.moved and name.lower() not in self.repos:
            return self._redirect(req, self.moved[name.lower()], rest)
        repo = self.repos.get(name.lower())
        if repo is None or (repo.get("private") and not authorized):
            return _error("The target couldn't be found.", 404)
        if not rest:
            return Response.json(self._repo(repo))
        if rest == "licenses":
            if not self.licenses_api:
                return _error("not found", 404)
            return Response.json(list(repo.get("licenses", [])))
        if rest == "topics":
            return Response.json({"topics": list(repo.get("topics", []))})
        if rest.startswith("git/trees/"):
            return self._tree(repo, unquote(rest[len("git/trees/") :]), req)
        if rest.startswith("raw/"):
            return self._raw(repo, unquote(rest[len("raw/") :]), req.arg("ref"))
        if rest == "releases":
            return Response.json(
                [_release(i, r) for i, r in enumerate(repo.get("releases", []), 1)]
            )
        return _error("not found", 404)

    def _redirect(self, req: Request, new: str, rest: str) -> Response:
        owner, _, name = new.partition("/")
        tail = f"/{rest}" if rest else ""
        query = "&".join(f"{k}={quote(v)}" for k, vs in req.query.items() for v in vs)
        where = f"{PREFIX}{quote(owner)}/{quote(name)}{tail}" + (f"?{query}" if query else "")
        return Response(307, b"", {"Location": where})

    def _repo(self, r: dict[str, Any]) -> dict[str, Any]:
        full: str = r["name"]
        owner, _, name = full.partition("/")
        body: dict[str, Any] = {
            "id": r["id"],
            "owner": {"login": owner, "username": owner},
            "name": name,
            "full_name": full,
            "description": r.get("description", ""),
            "empty": bool(r.get("empty")),
            "private": bool(r.get("private")),
            "fork": bool(r.get("fork_of")),
            "parent": None,
            "mirror": False,
            "html_url": f"https://gitea.example/{full}",
            "website": r.get("website", ""),
            "stars_count": r.get("stars", 0),
            "forks_count": r.get("forks", 0),
            "watchers_count": r.get("watchers", 0),
            "open_issues_count": r.get("open_issues", 0),
            "default_branch": r.get("default_branch", "main"),
            "archived": bool(r.get("archived")),
            "created_at": r.get("created_at", "2024-01-01T00:00:00Z"),
            "updated_at": r.get("updated_at", "2024-06-01T00:00:00Z"),
            "language": r.get("language", ""),
            "topics": list(r.get("topics", [])),
        }
        if r.get("fork_of"):
            parent_owner, _, parent_name = r["fork_of"].partition("/")
            body["parent"] = {"full_name": r["fork_of"], "name": parent_name}
            body["parent"]["owner"] = {"login": parent_owner}
        return body

    def _tree(self, r: dict[str, Any], ref: str, req: Request) -> Response:
        if r.get("empty") or ref != r.get("default_branch", "main"):
            return _error(f"sha not found [{ref}]", 404)
        entries = _with_folders(r.get("files", {}))
        if req.arg("recursive") != "true":
            entries = [e for e in entries if "/" not in e[0]]
        page = max(1, int(req.arg("page") or 1))
        asked = int(req.arg("per_page") or 0)
        per = asked if 0 < asked <= self.trees_per_page else self.trees_per_page
        start, end = per * (page - 1), min(per * page, len(entries))
        body: dict[str, Any] = {
            "sha": f"{r['id']:040x}",
            "url": f"https://gitea.example/api/v1/repos/{r['name']}/git/trees/{r['id']:040x}",
            "tree": None,
            "truncated": False,
            "page": page,
            "total_count": len(entries),
        }
        if start < len(entries):
            body["truncated"] = end < len(entries)
            body["tree"] = [
                {"path": path, "mode": mode, "type": kind, "size": size, "sha": f"{i:040x}"}
                for i, (path, kind, mode, size) in enumerate(entries[start:end], start=start)
            ]
        return Response.json(body, headers={"X-Total-Count": str(len(entries))})

    def _raw(self, r: dict[str, Any], path: str, ref: str | None) -> Response:
        text = r.get("files", {}).get(path)
        if text is None or (ref and ref != r.get("default_branch", "main")):
            return _error("file not found", 404)
        return Response.text(text, content_type="application/octet-stream")


def _token(req: Request) -> str | None:
    auth = req.headers.get("authorization", "")
    for scheme in ("token ", "Bearer "):
        if auth.startswith(scheme):
            return auth[len(scheme) :]
    return None


def _with_folders(files: dict[str, str]) -> list[tuple[str, str, str, int]]:
    """Every file and folder as a recursive tree lists them: (path, type, mode, size)."""
    folders = {"/".join(f.split("/")[:i]) for f in files for i in range(1, f.count("/") + 1)}
    entries = [(f, "tree", "040000", 0) for f in folders]
    entries += [(f, "blob", "100644", len(t.encode())) for f, t in files.items()]
    return sorted(entries)


def _release(rid: int, r: dict[str, Any]) -> dict[str, Any]:
    published = r.get("published_at", "2024-01-01T00:00:00Z")
    return {
        "id": rid,
        "tag_name": r["tag_name"],
        "name": r.get("name", r["tag_name"]),
        "draft": False,
        "prerelease": False,
        "created_at": published,
        "published_at": published,
        "assets": [
            {
                "id": i,
                "name": a["name"],
                "size": a.get("size", 0),
                "download_count": a.get("download_count", 0),
                "browser_download_url": f"https://gitea.example/attachments/{i}",
            }
            for i, a in enumerate(r.get("assets", []))
        ],
    }
