"""A Hugging Face Hub emulator: repository metadata, arXiv-tag search and the papers API.

It answers the way the Hub does where that matters to a checker: 401 without a token for a
repository that is missing or private (indistinguishable), 404 with `X-Error-Code: RepoNotFound`
when a token is sent, 403 "Access to this resource is disabled." for disabled repositories, and
429 with `RateLimit` / `RateLimit-Policy` headers counted in fixed windows (5 minutes by
default). Scenario::

    {
      "models": {"org/name": {"siblings": ["model.safetensors"], "license": "mit",
                              "tags": ["arxiv:2306.02707"], "downloads": 10, "likes": 2,
                              "private": False, "gated": False, "disabled": False,
                              "lastModified": "2024-01-02T03:04:05.000Z", "owner_token": None,
                              "files": {"app.py": "import gradio"}, "moved_from": ["org/old"],
                              "card": {"title": "Name"}, "sdk": "gradio",
                              "runtime": {"stage": "RUNNING"}, "createdAt": "2024-01-01T00:00:00Z"}},
      "datasets": {...}, "spaces": {...},
      "papers": {"2306.02707": {"title": "...", "githubRepo": "https://github.com/o/r",
                                "githubRepoAddedBy": "user", "projectPage": "...",
                                "authors": ["Ada Lovelace"]}},
      "collections": {"org/family-65f0c1": {"items": [{"type": "model", "id": "org/name"}],
                                           "private": False}},
      "daily": {"2025-04-21": [{"id": "2504.01234", "title": "...", "summary": "...",
                                "authors": ["Ada Lovelace", {"name": "Alan Turing",
                                                             "user": "aturing"}], "upvotes": 12,
                                "githubRepo": "https://github.com/o/r",
                                "githubRepoAddedBy": "author", "projectPage": "..."}]},
      "tokens": ["hf_valid"],
      "rate_limit": {"limit": 1000, "window_s": 300},
    }

`/api/daily_papers?date=YYYY-MM-DD` lists a day of `daily` (`p` pages from 0, `limit` at most
100), each paper inside a `paper` object as the Hub nests it; without a date, `sort=trending`
lists every day's papers by upvotes. A day's list has an `ETag`, and `If-None-Match` with it is
answered 304.

Repositories are found whatever the case of their name. `files` lists a repository's files with
their text (added to `siblings`), served raw at `/{id}/resolve/{revision}/{path}` (Spaces and
datasets under `/spaces/` and `/datasets/`) to whoever may see the repository; an old name in
`moved_from` answers `307` to the new one, as the Hub redirects a renamed repository.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow

REPO_KINDS = {"models": "model", "datasets": "dataset", "spaces": "space"}


class HuggingFaceEmulator(EmulatorServer):
    """Serves `/api/{models,datasets,spaces}[/{id}]` (listings filter by `filter` tags and
    `author`), `/api/collections/{namespace}/{slug}` and `/api/papers/{arxiv_id}`."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.repos: dict[str, dict[str, dict[str, Any]]] = {
            kind: dict(scenario.get(kind, {})) for kind in REPO_KINDS
        }
        self.papers: dict[str, dict[str, Any]] = dict(scenario.get("papers", {}))
        self.daily: dict[str, list[dict[str, Any]]] = {
            day: list(items) for day, items in scenario.get("daily", {}).items()
        }
        self.collections: dict[str, dict[str, Any]] = dict(scenario.get("collections", {}))
        self.tokens: set[str] = set(scenario.get("tokens", []))
        self.window = FixedWindow.from_scenario(scenario.get("rate_limit"), 1000, 300)

    def _token(self, req: Request) -> str | None:
        auth = req.headers.get("authorization", "")
        return auth[len("Bearer ") :] if auth.startswith("Bearer ") else None

    def handle(self, req: Request) -> Response:
        remaining, reset = self.window.hit()
        policy = f'"fixed window";"api";q={self.window.limit};w={int(self.window.window_s)}'
        headers = {
            "RateLimit": f'"api";r={max(remaining, 0)};t={reset}',
            "RateLimit-Policy": policy,
        }
        if remaining < 0:
            return Response.json({"error": "Too Many Requests"}, status=429, headers=headers)
        resp = self._route(req)
        resp.headers.update(headers)
        return resp

    def _route(self, req: Request) -> Response:
        parts = [p for p in req.path.split("/") if p]
        if parts and parts[0] != "api" and "resolve" in parts[2:4]:
            return self._resolve(parts, req)
        if len(parts) < 2 or parts[0] != "api":
            return Response.json({"error": "Not Found"}, status=404)
        if parts[1] == "daily_papers" and len(parts) == 2:
            return self._daily(req)
        if parts[1] == "papers" and len(parts) == 3:
            return self._paper(parts[2])
        if parts[1] == "collections" and len(parts) == 4:
            return self._collection(f"{parts[2]}/{parts[3]}", req)
        if parts[1] in REPO_KINDS and len(parts) == 2:
            return self._search(parts[1], req)
        if parts[1] in REPO_KINDS and len(parts) >= 4:
            return self._repo(parts[1], f"{parts[2]}/{parts[3]}", req)
        return Response.json({"error": "Not Found"}, status=404)

    def _paper(self, arxiv_id: str) -> Response:
        with self.lock:
            paper = self.papers.get(arxiv_id)
        if paper is None:
            return Response.json({"error": "Paper not found"}, status=404)
        body = {
            "id": arxiv_id,
            "title": paper.get("title", ""),
            "authors": [{"name": a, "hidden": False} for a in paper.get("authors", [])],
            "upvotes": paper.get("upvotes", 0),
        }
        for key in ("githubRepo", "githubRepoAddedBy", "projectPage"):
            if paper.get(key) is not None:
                body[key] = paper[key]
        return Response.json(body)

    def _daily(self, req: Request) -> Response:
        day = req.arg("date")
        try:
            page, limit = int(req.arg("p") or 0), int(req.arg("limit") or 50)
        except ValueError:
            return Response.json({"error": "Invalid query parameters"}, status=400)
        if page < 0 or not 1 <= limit <= 100:
            return Response.json({"error": "limit must be between 1 and 100"}, status=400)
        with self.lock:
            if day:
                listed = list(self.daily.get(day, []))
            else:
                listed = sorted(
                    (p for items in self.daily.values() for p in items),
                    key=lambda p: -int(p.get("upvotes", 0)),
                )
        tag = (
            '"' + hashlib.sha256(json.dumps(listed, sort_keys=True).encode()).hexdigest()[:16] + '"'
        )
        if day and page == 0 and req.headers.get("if-none-match") == tag:
            return Response(304, b"", {"ETag": tag})
        chunk = listed[page * limit : (page + 1) * limit]
        body = [self._daily_entry(p, day) for p in chunk]
        return Response.json(body, headers={"ETag": tag} if day else None)

    def _daily_entry(self, p: dict[str, Any], day: str | None) -> dict[str, Any]:
        when = p.get("publishedAt") or f"{day or '2025-01-01'}T00:00:00.000Z"
        paper: dict[str, Any] = {
            "id": p["id"],
            "authors": [_author(i, a) for i, a in enumerate(p.get("authors", []))],
            "publishedAt": when,
            "title": p.get("title", ""),
            "summary": p.get("summary", ""),
            "upvotes": p.get("upvotes", 0),
        }
        for key in ("githubRepo", "githubRepoAddedBy", "projectPage"):
            if p.get(key) is not None:
                paper[key] = p[key]
        return {
            "paper": paper,
            "publishedAt": when,
            "title": paper["title"],
            "summary": paper["summary"],
            "numComments": p.get("numComments", 0),
        }

    def _collection(self, slug: str, req: Request) -> Response:
        with self.lock:
            found = self.collections.get(slug)
        if found is None or not self._visible(found, self._token(req)):
            return Response.json({"error": "Collection not found"}, status=404)
        items = [
            {"_id": f"{i:024x}", "id": item["id"], "type": item.get("type", "model"), "position": i}
            for i, item in enumerate(found.get("items", []))
        ]
        owner = slug.split("/")[0]
        body = {"slug": slug, "title": found.get("title", slug), "owner": {"name": owner}}
        return Response.json({**body, "items": items, "private": bool(found.get("private"))})

    def _visible(self, repo: dict[str, Any], token: str | None) -> bool:
        return not repo.get("private") or (token is not None and token == repo.get("owner_token"))

    def _search(self, kind: str, req: Request) -> Response:
        wanted = [f for fs in req.query.get("filter", []) for f in fs.split(",") if f]
        author = (req.arg("author") or "").lower()
        token = self._token(req)
        with self.lock:
            items = list(self.repos[kind].items())
        found = [
            self._summary(kind, repo_id, repo)
            for repo_id, repo in items
            if self._visible(repo, token)
            and all(w in repo.get("tags", []) for w in wanted)
            and (not author or repo_id.split("/")[0].lower() == author)
        ]
        limit = int(req.arg("limit") or 1000)
        return Response.json(found[:limit])

    def _summary(self, kind: str, repo_id: str, repo: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": repo_id,
            "author": repo_id.split("/")[0],
            "private": bool(repo.get("private")),
            "gated": repo.get("gated", False),
            "disabled": bool(repo.get("disabled")),
            "downloads": repo.get("downloads", 0),
            "likes": repo.get("likes", 0),
            "lastModified": repo.get("lastModified", "2024-01-01T00:00:00.000Z"),
            "tags": list(repo.get("tags", [])),
            "repoType": REPO_KINDS[kind],
        }

    def _repo(self, kind: str, repo_id: str, req: Request) -> Response:
        token = self._token(req)
        if token is not None and token not in self.tokens:
            return Response.json(
                {"error": "Invalid credentials in Authorization header"},
                status=401,
                headers={"X-Error-Message": "Invalid credentials in Authorization header"},
            )
        with self.lock:
            repo_id, repo = self._find(kind, repo_id)
        if repo is not None and repo_id.lower() in repo.get("moved_from_lower", ()):
            return Response(307, b"", {"Location": f"/api/{kind}/{repo['id']}"})
        if repo is None or not self._visible(repo, token):
            if token is None:
                return Response.json({"error": "Invalid username or password."}, status=401)
            return Response.json(
                {"error": "Repository not found"},
                status=404,
                headers={"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"},
            )
        if repo.get("disabled"):
            message = "Access to this resource is disabled."
            return Response.json(
                {"error": message}, status=403, headers={"X-Error-Message": message}
            )
        body = self._summary(kind, repo_id, repo)
        body["sha"] = repo.get("sha", "0" * 40)
        names = [*repo.get("siblings", []), *repo.get("files", {})]
        body["siblings"] = [{"rfilename": name} for name in dict.fromkeys(names)]
        body["createdAt"] = repo.get("createdAt", "2024-01-01T00:00:00.000Z")
        card = {
            **repo.get("card", {}),
            **({"license": repo["license"]} if repo.get("license") else {}),
        }
        if card:
            body["cardData"] = card
        if kind == "spaces":
            body["sdk"] = repo.get("sdk", "gradio")
            body["runtime"] = repo.get(
                "runtime", {"stage": "RUNNING", "hardware": {"current": None}}
            )
        return Response.json(body)

    def _find(self, kind: str, repo_id: str) -> tuple[str, dict[str, Any] | None]:
        """(the repository's own id, its spec) for a name in any case, or an old name of it
        (the spec then carries `id` and the old names); call with the lock held."""
        wanted = repo_id.lower()
        for rid, repo in self.repos[kind].items():
            if rid.lower() == wanted:
                return rid, repo
        for rid, repo in self.repos[kind].items():
            old = [m.lower() for m in repo.get("moved_from", ())]
            if wanted in old:
                return repo_id, {**repo, "id": rid, "moved_from_lower": old}
        return repo_id, None

    def _resolve(self, parts: list[str], req: Request) -> Response:
        """A file's raw text: `/{id}/resolve/{rev}/{path}`, under `/spaces/` or `/datasets/`."""
        kind = {"spaces": "spaces", "datasets": "datasets"}.get(parts[0], "models")
        at = parts.index("resolve")
        head = parts[1:at] if kind != "models" else parts[:at]
        path = "/".join(parts[at + 2 :])
        token = self._token(req)
        if token is not None and token not in self.tokens:
            return Response.json({"error": "Invalid credentials in Authorization header"}, 401)
        with self.lock:
            _, repo = self._find(kind, "/".join(head))
        if repo is None or "moved_from_lower" in repo or not self._visible(repo, token):
            return Response.json(
                {"error": "Repository not found"}, status=401 if token is None else 404
            )
        text = repo.get("files", {}).get(path)
        if text is None:
            return Response.json(
                {"error": "Entry not found"}, status=404, headers={"X-Error-Code": "EntryNotFound"}
            )
        return Response.text(text)


def _author(n: int, given: str | dict[str, str]) -> dict[str, Any]:
    """A daily-papers author: a name, and when the scenario gives `{"name", "user"}` the Hub
    account the author claimed (`user.user`), nested as the Hub nests it."""
    name, user = (given, None) if isinstance(given, str) else (given["name"], given.get("user"))
    author: dict[str, Any] = {"_id": f"{n:024x}", "name": name, "hidden": False}
    if user:
        author["user"] = {"_id": f"{n + 1:024x}", "user": user, "fullname": name, "type": "user"}
    return author


def main() -> None:
    """Serve an empty Hub until Ctrl-C (offline demos)."""
    emu = HuggingFaceEmulator().start()
    print(emu.url, flush=True)
    emu.serve_forever()


if __name__ == "__main__":
    main()
