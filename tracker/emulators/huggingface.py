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
                              "lastModified": "2024-01-02T03:04:05.000Z", "owner_token": None}},
      "datasets": {...}, "spaces": {...},
      "papers": {"2306.02707": {"title": "...", "githubRepo": "https://github.com/o/r",
                                "githubRepoAddedBy": "user", "projectPage": "...",
                                "authors": ["Ada Lovelace"]}},
      "collections": {"org/family-65f0c1": {"items": [{"type": "model", "id": "org/name"}],
                                           "private": False}},
      "tokens": ["hf_valid"],
      "rate_limit": {"limit": 1000, "window_s": 300},
    }
"""

from __future__ import annotations

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
        if len(parts) < 2 or parts[0] != "api":
            return Response.json({"error": "Not Found"}, status=404)
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
            repo = self.repos[kind].get(repo_id)
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
        body["siblings"] = [{"rfilename": name} for name in repo.get("siblings", [])]
        if repo.get("license"):
            body["cardData"] = {"license": repo["license"]}
        return Response.json(body)


def main() -> None:
    """Serve an empty Hub until Ctrl-C (offline demos)."""
    emu = HuggingFaceEmulator().start()
    print(emu.url, flush=True)
    emu.serve_forever()


if __name__ == "__main__":
    main()
