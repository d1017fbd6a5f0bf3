"""`GitHubEmulator`: GitHub's REST and GraphQL APIs over a scenario, on a real local socket.

The request path is the one GitHub takes: authentication, secondary (burst) limit, primary
limit per resource and caller, the route itself, then ETag / Last-Modified with conditional
requests (a 304 is refunded: it does not count against the primary limit).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shlex
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

from ..base import EmulatorServer, Request, Response
from . import shapes as S
from .graphql_api import GraphQLApi
from .issues import IssueRoutes, seed_issues
from .limits import RateLimiter, caller_key
from .rest import Rest
from .routing import Ctx, Reply
from .scenario import Repo, RepoState, World, load_scenario, parse_time

DEFAULT_VIEWER = "emulator-user"
RATE_DOC = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"


class GitHubEmulator(EmulatorServer):
    """`with GitHubEmulator(scenario) as gh:` serves `gh.url` until the block ends."""

    def __init__(
        self,
        scenario: dict[str, Any] | str | Path | None = None,
        port: int = 0,
        faults: dict[str, Any] | None = None,
    ):
        self.scenario = load_scenario(scenario if scenario is not None else {"repos": []})
        super().__init__(faults if faults is not None else self.scenario.get("faults"), port)
        self.world = World(self.scenario)
        now = self.scenario.get("now")
        self._now = parse_time(now) if now else datetime.now(UTC).replace(microsecond=0)
        self.limits = RateLimiter(self.scenario.get("rate_limits"))
        self.tokens: dict[str, str] | None = self.scenario.get("tokens")
        self.issues: dict[str, list[dict[str, Any]]] = {
            f"{r.owner}/{r.name}": seed_issues(r) for r in self.world.repos if r.spec.get("issues")
        }
        self.points_used = 0
        self.points_by_operation: dict[str, int] = {}
        """GraphQL points charged per operation name (`OpenRequests`, `Repos`...)."""
        self.queries_by_operation: dict[str, int] = {}
        """GraphQL queries answered per operation name."""
        self.rest = Rest(self)
        self.issue_routes = IssueRoutes(self)
        self.graphql = GraphQLApi(self)
        self._request_ids = itertools.count(1)

    # -- clock -------------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self._now

    def set_time(self, when: datetime | str) -> None:
        """Move the scenario clock; what is visible (repos, commits, events) follows it."""
        with self.lock:
            self._now = parse_time(when)

    def advance(self, **delta: float) -> None:
        """`advance(days=30)`: takes `timedelta` keywords."""
        with self.lock:
            self._now += timedelta(**delta)

    @property
    def graphql_url(self) -> str:
        return self.url + "/graphql"

    # -- request pipeline -----------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        rid = f"EMU:{next(self._request_ids):06d}"
        key = caller_key(req.headers.get("authorization"))
        viewer = self._viewer(req)
        if viewer == "":
            body = {
                "message": "Bad credentials",
                "documentation_url": "https://docs.github.com/rest",
            }
            return self._respond(req, Reply(body, 401), None, key, rid)
        ctx = Ctx(self.url, self.now, viewer)
        if req.path.rstrip("/") == "/rate_limit":
            return self._rate_limit(req, key, rid)
        resource = "graphql" if req.path == "/graphql" else "core"
        if req.path.startswith("/search/"):
            resource = "search"
        retry = self.limits.secondary_retry_after(key)
        if retry is not None:
            return self._secondary(req, resource, key, rid, retry)
        if resource == "graphql":
            status, body, headers = self.graphql.handle(req, ctx, key, rid)
            return Response.json(body, status, {**self._common(req, rid), **headers})
        ok, _ = self.limits.charge(resource, key)
        if not ok:
            return self._exhausted(req, resource, key, rid, viewer)
        return self._respond(req, self.rest.route(req, ctx), resource, key, rid)

    def _viewer(self, req: Request) -> str | None:
        """Login behind the token; None when anonymous, "" when the token is unknown."""
        auth = req.headers.get("authorization", "")
        if not auth:
            return None
        token = auth.split(" ", 1)[-1].strip()
        if self.tokens is None:
            return DEFAULT_VIEWER
        return self.tokens.get(token, "")

    def _common(self, req: Request, rid: str) -> dict[str, str]:
        scope = "private" if req.authorized else "public"
        return {
            "Cache-Control": f"{scope}, max-age=60, s-maxage=60",
            "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP",
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-GitHub-Request-Id": rid,
            "Access-Control-Expose-Headers": "ETag, Link, Location, Retry-After, X-RateLimit-Limit,"
            " X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset",
        }

    def _respond(
        self, req: Request, reply: Reply, resource: str | None, key: str, rid: str
    ) -> Response:
        raw = isinstance(reply.data, bytes)
        body = reply.data if raw else json.dumps(reply.data, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            **self._common(req, rid),
            **reply.headers,
        }
        status = reply.status
        if status == 200 and req.method in ("GET", "HEAD"):
            headers["ETag"] = 'W/"' + hashlib.sha256(body).hexdigest() + '"'
            if reply.last_modified is not None:
                headers["Last-Modified"] = format_datetime(reply.last_modified, usegmt=True)
            if _not_modified(req, headers["ETag"], reply.last_modified):
                status, body = 304, b""
                if resource:
                    self.limits.refund(resource, key)
        if resource:
            headers.update(self.limits.bucket(resource, key).headers(resource))
        return Response(status, body, headers)

    def _rate_limit(self, req: Request, key: str, rid: str) -> Response:
        resources = self.limits.snapshot(key)
        data = {"resources": resources, "rate": resources["core"]}
        headers = self.limits.bucket("core", key).headers("core")
        return Response.json(data, 200, {**self._common(req, rid), **headers})

    def _exhausted(self, req: Request, resource: str, key: str, rid: str, viewer: str | None):
        who = f"user ID {S.account_id(viewer)}." if viewer else "127.0.0.1."
        message = f"API rate limit exceeded for {who}"
        if not viewer:
            message += (
                " (But here's the good news: Authenticated requests get a higher rate limit."
                " Check out the documentation for more details.)"
            )
        body = {"message": message, "documentation_url": RATE_DOC}
        headers = {**self._common(req, rid), **self.limits.bucket(resource, key).headers(resource)}
        return Response.json(body, self.limits.exhausted_status, headers)

    def _secondary(self, req: Request, resource: str, key: str, rid: str, retry: int):
        body = {
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes before"
            " you try again. If you reach out to GitHub Support for help, please include the"
            f" request ID {rid}.",
            "documentation_url": RATE_DOC + "#about-secondary-rate-limits",
        }
        headers = {
            **self._common(req, rid),
            **self.limits.bucket(resource, key).headers(resource),
            "Retry-After": str(retry),
        }
        return Response.json(body, 403, headers)

    # -- queries shared by REST and GraphQL ----------------------------------------------------------

    def visible(self, st: RepoState | None, viewer: str | None) -> bool:
        if st is None or st.deleted:
            return False
        return not st.private or (viewer or "").lower() == st.owner.lower()

    def owned_repos(self, login: str, ctx: Ctx) -> list[tuple[Repo, RepoState]]:
        out = []
        for r in self.world.repos:
            st = r.state(ctx.now)
            if self.visible(st, ctx.viewer) and st and st.owner.lower() == login.lower():
                out.append((r, st))
        return sorted(out, key=lambda p: p[1].name.lower())

    def open_issue_count(self, repo: Repo) -> int:
        with self.lock:
            issues = self.issues.get(f"{repo.owner}/{repo.name}", [])
            return sum(1 for i in issues if i["state"] == "open")

    def search(self, q: str, ctx: Ctx, sort: str | None = None) -> list[tuple[Repo, RepoState]]:
        """Substring search with GitHub's common qualifiers; best match = most stars."""
        terms, quals = _parse_query(q)
        hits = []
        for r in self.world.repos:
            st = r.state(ctx.now)
            if not self.visible(st, ctx.viewer) or st is None or st.blocked:
                continue
            if _matches(r, st, ctx.now, terms, quals):
                hits.append((r, st))
        if sort == "updated":
            hits.sort(key=lambda p: p[0].updated_at(ctx.now), reverse=True)
        else:
            key = "forks" if sort == "forks" else "stars"
            hits.sort(key=lambda p: (-int(p[0].value(key, ctx.now)), p[1].full_name.lower()))
        return hits


def _not_modified(req: Request, etag: str, last_modified: datetime | None) -> bool:
    inm = req.headers.get("if-none-match")
    if inm:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    ims = req.headers.get("if-modified-since")
    if ims and last_modified is not None:
        try:
            return last_modified.replace(microsecond=0) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def _parse_query(q: str) -> tuple[list[str], dict[str, str]]:
    try:
        tokens = shlex.split(q)
    except ValueError:
        tokens = q.split()
    terms, quals = [], {}
    for t in tokens:
        k, sep, v = t.partition(":")
        if sep and k in {
            "user",
            "org",
            "repo",
            "language",
            "topic",
            "fork",
            "archived",
            "in",
            "is",
        }:
            quals[k] = v.lower()
        else:
            terms.append(t.lower())
    return terms, quals


def _matches(r: Repo, st: RepoState, now: datetime, terms: list[str], quals: dict[str, str]):
    owner = st.owner.lower()
    checks = {
        "user": lambda v: owner == v,
        "org": lambda v: owner == v,
        "repo": lambda v: st.full_name.lower() == v,
        "language": lambda v: (r.spec.get("language") or "").lower() == v,
        "topic": lambda v: v in [t.lower() for t in r.value("topics", now, [])],
        "archived": lambda v: st.archived == (v == "true"),
        "fork": lambda v: v in ("true", "only") or not r.spec.get("fork"),
        "is": lambda v: (v == "public") != st.private,
        "in": lambda v: True,
    }
    if not all(checks[k](v) for k, v in quals.items()):
        return False
    if quals.get("fork") == "only" and not r.spec.get("fork"):
        return False
    fields = set((quals.get("in") or "name,description,readme").split(","))
    hay = []
    if "name" in fields:
        hay.append(st.full_name)
    if "description" in fields:
        hay.append(r.value("description", now, None) or "")
    if "readme" in fields:
        blob = S.readme_file(r.head(now))
        hay.append((blob.text() or "") if blob else "")
    text = "\n".join(hay).lower()
    return all(t in text for t in terms)
