"""Issue endpoints with mutable state, so a scheduled job can open, update and comment on issues.

State lives in `GitHubEmulator.issues`: scenario full name ("owner/name" as first declared) ->
list of issue records. Writes need an Authorization header (401 otherwise), as on GitHub.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from ..base import Request
from . import shapes as S
from .rest import not_found, paginate
from .routing import Ctx, Reply, ServerState
from .scenario import Repo, RepoState, iso

DOC = "/issues/issues"


def seed_issues(repo: Repo) -> list[dict[str, Any]]:
    out = []
    for i, spec in enumerate(repo.spec.get("issues", []), start=1):
        created = spec.get("created_at", iso(repo.created_at))
        out.append(
            {
                "number": spec.get("number", i),
                "title": spec["title"],
                "body": spec.get("body"),
                "labels": list(spec.get("labels", [])),
                "state": spec.get("state", "open"),
                "state_reason": None,
                "user": spec.get("user", repo.owner),
                "created_at": created,
                "updated_at": created,
                "closed_at": spec.get("closed_at"),
                "comments": [],
            }
        )
    return out


class IssueRoutes:
    def __init__(self, emu: ServerState):
        self.emu = emu
        self._comment_ids = itertools.count(9_000_000)

    def route(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState, rest: str) -> Reply:
        if req.method not in ("GET", "HEAD") and not ctx.viewer:
            return Reply(S.error("Requires authentication", DOC, 401), 401)
        issues = self.emu.issues.setdefault(f"{repo.owner}/{repo.name}", [])
        fn = st.full_name
        with self.emu.lock:
            if rest == "/issues":
                if req.method == "POST":
                    return self._create(req, ctx, fn, issues)
                return self._list(req, ctx, fn, issues)
            m = re.fullmatch(r"/issues/(\d+)(/comments)?", rest)
            issue = next((i for i in issues if m and i["number"] == int(m[1])), None)
            if m is None or issue is None:
                return not_found(DOC)
            if m[2]:
                return self._comments(req, ctx, fn, issue)
            if req.method == "PATCH":
                return self._update(req, ctx, fn, issue)
            return Reply(S.issue_json(ctx.api, fn, issue))

    def _list(self, req: Request, ctx: Ctx, fn: str, issues: list[dict[str, Any]]) -> Reply:
        state = req.arg("state", "open")
        wanted = {x for x in (req.arg("labels") or "").split(",") if x}
        chosen = [
            i
            for i in issues
            if (state == "all" or i["state"] == state) and wanted <= set(i["labels"])
        ]
        if creator := req.arg("creator"):
            chosen = [i for i in chosen if i["user"].lower() == creator.lower()]
        chosen.sort(key=lambda i: i["number"], reverse=req.arg("direction", "desc") == "desc")
        page, links = paginate(req, ctx, chosen)
        return Reply([S.issue_json(ctx.api, fn, i) for i in page], headers=links)

    def _create(self, req: Request, ctx: Ctx, fn: str, issues: list[dict[str, Any]]) -> Reply:
        body = req.json() or {}
        if not body.get("title"):
            errors = [{"resource": "Issue", "field": "title", "code": "missing_field"}]
            return Reply({**S.error("Validation Failed", DOC, 422), "errors": errors}, 422)
        now = iso(ctx.now)
        issue = {
            "number": max((i["number"] for i in issues), default=0) + 1,
            "title": body["title"],
            "body": body.get("body"),
            "labels": [x if isinstance(x, str) else x["name"] for x in body.get("labels", [])],
            "state": "open",
            "state_reason": None,
            "user": ctx.viewer,
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
            "comments": [],
        }
        issues.append(issue)
        return Reply(S.issue_json(ctx.api, fn, issue), 201)

    def _update(self, req: Request, ctx: Ctx, fn: str, issue: dict[str, Any]) -> Reply:
        body = req.json() or {}
        for key in ("title", "body", "state_reason"):
            if key in body:
                issue[key] = body[key]
        if "labels" in body:
            issue["labels"] = [x if isinstance(x, str) else x["name"] for x in body["labels"]]
        if body.get("state") in ("open", "closed") and body["state"] != issue["state"]:
            issue["state"] = body["state"]
            issue["closed_at"] = iso(ctx.now) if body["state"] == "closed" else None
        issue["updated_at"] = iso(ctx.now)
        return Reply(S.issue_json(ctx.api, fn, issue))

    def _comments(self, req: Request, ctx: Ctx, fn: str, issue: dict[str, Any]) -> Reply:
        n = issue["number"]
        if req.method == "POST":
            text = (req.json() or {}).get("body")
            if not text:
                errors = [{"resource": "IssueComment", "field": "body", "code": "missing_field"}]
                return Reply({**S.error("Validation Failed", DOC, 422), "errors": errors}, 422)
            comment = {
                "id": next(self._comment_ids),
                "body": text,
                "user": ctx.viewer,
                "created_at": iso(ctx.now),
            }
            issue["comments"].append(comment)
            issue["updated_at"] = iso(ctx.now)
            return Reply(S.comment_json(ctx.api, fn, n, comment), 201)
        page, links = paginate(req, ctx, issue["comments"])
        return Reply([S.comment_json(ctx.api, fn, n, c) for c in page], headers=links)
