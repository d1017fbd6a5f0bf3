"""REST routes: repositories and their contents, releases, search, accounts and issues.

Handlers return a `Reply` (data + status + Last-Modified); the server turns it into HTTP with
ETag, conditional requests, rate-limit headers and pagination links.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote, urlencode

from ..base import Request
from . import shapes as S
from .routing import Ctx, Reply, ServerState
from .scenario import Blob, Commit, Repo, RepoState, parse_time

MAX_PER_PAGE = 100


def not_found(doc: str = "") -> Reply:
    return Reply(S.error("Not Found", doc), 404)


def paginate(req: Request, ctx: Ctx, items: list[Any], default: int = 30) -> tuple[list, dict]:
    """One page of `items` plus GitHub's `Link` header (next/last/first/prev)."""
    try:
        per_page = max(1, min(MAX_PER_PAGE, int(req.arg("per_page") or default)))
        page = max(1, int(req.arg("page") or 1))
    except ValueError:
        per_page, page = default, 1
    last = max(1, -(-len(items) // per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    params = {k: v[0] for k, v in req.query.items() if k != "page"}

    def link(p: int, rel: str) -> str:
        return f'<{ctx.api}{req.path}?{urlencode({**params, "page": p})}>; rel="{rel}"'

    links = []
    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    if page > 1:
        links += [link(page - 1, "prev"), link(1, "first")]
    return chunk, ({"Link": ", ".join(links)} if links else {})


class Rest:
    def __init__(self, emu: ServerState):
        self.emu = emu

    @property
    def accounts(self) -> dict[str, Any]:
        return self.emu.world.accounts

    def route(self, req: Request, ctx: Ctx) -> Reply:
        p = req.path.rstrip("/") if req.path != "/" else req.path
        if m := re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", req.path):
            return self._repos(req, ctx, unquote(m[1]), unquote(m[2]), m[3] or "")
        if m := re.fullmatch(r"/repositories/(\d+)(/.*)?", req.path):
            return self._repository_id(req, ctx, int(m[1]), m[2] or "")
        if p == "/search/repositories":
            return self._search(req, ctx)
        if m := re.fullmatch(r"/(users|orgs)/([^/]+)(/repos)?", p):
            return self._account(req, ctx, m[1], m[2], bool(m[3]))
        if p == "/user" and ctx.viewer:
            acc = self.emu.world.account(ctx.viewer) or {"login": ctx.viewer, "type": "User"}
            return Reply(S.user_json(ctx.api, acc, 0))
        if p == "/user":
            return Reply(S.error("Requires authentication", "/users/users", 401), 401)
        return not_found()

    # -- repositories ------------------------------------------------------------------------

    def _repos(self, req: Request, ctx: Ctx, owner: str, name: str, rest: str) -> Reply:
        repo, st, moved = self.emu.world.lookup(f"{owner}/{name}", ctx.now)
        if repo is None or not self.emu.visible(st, ctx.viewer):
            return not_found("/repos/repos#get-a-repository")
        assert st is not None
        if moved:
            return self._moved(req, ctx, repo, rest)
        return self._repo_resource(req, ctx, repo, st, rest)

    def _moved(self, req: Request, ctx: Ctx, repo: Repo, rest: str) -> Reply:
        target = f"{ctx.api}/repositories/{repo.id}{rest}"
        if req.query:
            target += "?" + urlencode({k: v[0] for k, v in req.query.items()})
        status = 301 if req.method in ("GET", "HEAD") else 307
        body = {
            "message": "Moved Permanently",
            "url": target,
            "documentation_url": "https://docs.github.com/v3/#http-redirects",
        }
        return Reply(body, status, {"Location": target})

    def _repository_id(self, req: Request, ctx: Ctx, rid: int, rest: str) -> Reply:
        repo = self.emu.world.by_id.get(rid)
        st = repo.state(ctx.now) if repo else None
        if repo is None or not self.emu.visible(st, ctx.viewer):
            return not_found()
        assert st is not None
        return self._repo_resource(req, ctx, repo, st, rest)

    def _repo_resource(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState, rest: str):
        if st.blocked:
            body = {"message": "Repository access blocked", "block": st.blocked}
            return Reply(body, 451)
        reply = self._dispatch(req, ctx, repo, st, rest.rstrip("/") if rest != "/" else rest)
        if reply.last_modified is None and reply.status == 200:
            reply.last_modified = repo.updated_at(ctx.now)
        return reply

    def _dispatch(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState, rest: str) -> Reply:
        if rest.startswith("/issues"):
            return self.emu.issue_routes.route(req, ctx, repo, st, rest)
        if req.method not in ("GET", "HEAD"):
            return not_found()
        routes: list[tuple[str, Any]] = [
            (r"", self._repo),
            (r"/commits", self._commits),
            (r"/commits/([^/]+)", self._commit),
            (r"/license", self._license),
            (r"/readme", self._readme),
            (r"/contents(?:/(.*))?", self._contents),
            (r"/git/trees/([^/]+)", self._tree),
            (r"/releases", self._releases),
            (r"/releases/latest", self._latest_release),
            (r"/releases/tags/([^/]+)", self._release_by_tag),
            (r"/releases/(\d+)(/assets)?", self._release_by_id),
            (r"/topics", lambda *a: Reply({"names": list(repo.value("topics", ctx.now, []))})),
            (r"/languages", self._languages),
            (r"/branches/([^/]+)", self._branch),
            (r"/tags", self._tags),
        ]
        for pattern, fn in routes:
            if m := re.fullmatch(pattern, rest):
                return fn(req, ctx, repo, st, *[unquote(g or "") for g in m.groups()])
        return not_found()

    def _repo(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState) -> Reply:
        parent = None
        if repo.spec.get("fork") and repo.spec.get("parent"):
            parent = self._parent_json(ctx, repo.spec["parent"])
        data = S.repo_json(ctx.api, repo, st, ctx.now, self.accounts, parent)
        data["open_issues_count"] += self.emu.open_issue_count(repo)
        data["open_issues"] = data["open_issues_count"]
        return Reply(data)

    def _parent_json(self, ctx: Ctx, full_name: str) -> dict[str, Any]:
        prepo, pst, _ = self.emu.world.lookup(full_name, ctx.now)
        if prepo is None or pst is None:
            return S.stub_repo_json(ctx.api, full_name)
        return S.repo_json(ctx.api, prepo, pst, ctx.now, self.accounts, full=False)

    def _empty(self, doc: str) -> Reply:
        return Reply(S.error("Git Repository is empty.", doc, 409), 409)

    def _commits(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState) -> Reply:
        doc = "/commits/commits#list-commits"
        if repo.head(ctx.now) is None:
            return self._empty(doc)
        start = repo.commit(req.arg("sha") or "HEAD", ctx.now)
        if start is None:
            return Reply(
                S.error("No commit found for SHA: " + (req.arg("sha") or ""), doc, 404), 404
            )
        commits = [c for c in repo.history(ctx.now) if c.date <= start.date]
        if since := req.arg("since"):
            low = parse_time(since)
            commits = [c for c in commits if c.date >= low]
        if until := req.arg("until"):
            high = parse_time(until)
            commits = [c for c in commits if c.date <= high]
        page, links = paginate(req, ctx, commits)
        data = [S.commit_json(ctx.api, st.full_name, c, self.accounts) for c in page]
        return Reply(data, headers=links)

    def _commit(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState, ref: str) -> Reply:
        if repo.head(ctx.now) is None:
            return self._empty("/commits/commits#get-a-commit")
        c = repo.commit(ref, ctx.now)
        if c is None:
            return Reply(S.error(f"No commit found for SHA: {ref}", "/commits/commits", 422), 422)
        data = S.commit_json(ctx.api, st.full_name, c, self.accounts)
        data["files"] = []
        data["stats"] = {"total": 0, "additions": 0, "deletions": 0}
        return Reply(data, last_modified=c.date)

    def _license(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState) -> Reply:
        head = repo.head(ctx.now)
        blob = S.license_file(head)
        if head is None or blob is None:
            return not_found("/licenses/licenses#get-the-license-for-a-repository")
        data = S.file_json(ctx.api, st.full_name, repo.default_branch, blob)
        data["license"] = S.license_json(ctx.api, repo, head)
        return Reply(data, last_modified=head.date)

    def _readme(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState) -> Reply:
        head = repo.head(ctx.now)
        blob = S.readme_file(head)
        if head is None or blob is None:
            return not_found("/repos/contents#get-a-repository-readme")
        return _file_reply(req, ctx, st, repo.default_branch, blob, head.date)

    def _contents(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState, path: str) -> Reply:
        doc = "/repos/contents#get-repository-content"
        if repo.head(ctx.now) is None:
            return Reply(S.error("This repository is empty.", doc), 404)
        commit = repo.commit(req.arg("ref") or "HEAD", ctx.now)
        entry = commit.entry(path) if commit else None
        if commit is None or entry is None:
            return not_found(doc)
        fn, branch = st.full_name, req.arg("ref") or repo.default_branch
        if entry.type == "blob":
            assert entry.blob is not None
            return _file_reply(req, ctx, st, branch, entry.blob, commit.date)
        listing = [
            S.content_json(
                ctx.api,
                fn,
                branch,
                e.path,
                "dir" if e.type == "tree" else "file",
                e.sha,
                e.size or 0,
            )
            for e in commit.dirs().get(entry.path, [])
        ]
        return Reply(listing, last_modified=commit.date)

    def _tree(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState, sha: str) -> Reply:
        if repo.head(ctx.now) is None:
            return self._empty("/git/trees#get-a-tree")
        found = self._find_tree(repo, ctx.now, sha)
        if found is None:
            return not_found("/git/trees#get-a-tree")
        commit, root = found
        recursive = req.arg("recursive") not in (None, "", "0", "false")
        entries = commit.walk() if recursive else commit.dirs().get(root, [])
        if recursive and root:
            entries = [e for e in entries if e.path.startswith(root + "/")]
        limit = int(self.emu.scenario.get("tree_limit", 100_000))
        cut = len(entries) > limit
        fn = st.full_name
        tree = [_tree_entry(ctx.api, fn, e, root) for e in entries[:limit]]
        data = {
            "sha": commit.dir_sha(root),
            "url": f"{ctx.api}/repos/{fn}/git/trees/{commit.dir_sha(root)}",
            "tree": tree,
            "truncated": cut,
        }
        return Reply(data, last_modified=commit.date)

    @staticmethod
    def _find_tree(repo: Repo, now: datetime, sha: str) -> tuple[Commit, str] | None:
        commit = repo.commit(sha, now)
        if commit is not None:
            return commit, ""
        for c in repo.history(now):
            for d in c.dirs():
                if c.dir_sha(d) == sha:
                    return c, d
        return None

    def _releases(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState) -> Reply:
        page, links = paginate(req, ctx, repo.visible_releases(ctx.now))
        data = [S.release_json(ctx.api, st.full_name, r, ctx.now, self.accounts) for r in page]
        return Reply(data, headers=links)

    def _latest_release(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState) -> Reply:
        stable = [r for r in repo.visible_releases(ctx.now) if not r.prerelease]
        if not stable:
            return not_found("/releases/releases#get-the-latest-release")
        return Reply(S.release_json(ctx.api, st.full_name, stable[0], ctx.now, self.accounts))

    def _release_by_tag(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState, tag: str):
        for r in repo.visible_releases(ctx.now):
            if r.tag == tag:
                return Reply(S.release_json(ctx.api, st.full_name, r, ctx.now, self.accounts))
        return not_found("/releases/releases#get-a-release-by-tag-name")

    def _release_by_id(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState, rid: str, sub: str):
        release = next((r for r in repo.visible_releases(ctx.now) if r.id == int(rid)), None)
        if release is None:
            return not_found("/releases/releases#get-a-release")
        data = S.release_json(ctx.api, st.full_name, release, ctx.now, self.accounts)
        if not sub:
            return Reply(data)
        page, links = paginate(req, ctx, data["assets"])
        return Reply(page, headers=links)

    def _branch(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState, name: str) -> Reply:
        head = repo.head(ctx.now)
        if head is None or name != repo.default_branch:
            return Reply(S.error("Branch not found", "/branches/branches#get-a-branch"), 404)
        fn = st.full_name
        data = {
            "name": name,
            "commit": S.commit_json(ctx.api, fn, head, self.accounts),
            "_links": {
                "self": f"{ctx.api}/repos/{fn}/branches/{name}",
                "html": f"{S.WEB}/{fn}/tree/{name}",
            },
            "protected": False,
        }
        return Reply(data, last_modified=head.date)

    def _tags(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState) -> Reply:
        head = repo.head(ctx.now)
        fn = st.full_name
        tags = [
            {
                "name": r.tag,
                "zipball_url": f"{ctx.api}/repos/{fn}/zipball/refs/tags/{r.tag}",
                "tarball_url": f"{ctx.api}/repos/{fn}/tarball/refs/tags/{r.tag}",
                "commit": {"sha": head.sha, "url": f"{ctx.api}/repos/{fn}/commits/{head.sha}"},
                "node_id": S.node_id("REF_", r.id),
            }
            for r in repo.visible_releases(ctx.now)
            if head is not None
        ]
        page, links = paginate(req, ctx, tags)
        return Reply(page, headers=links)

    def _languages(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState) -> Reply:
        return Reply(languages(repo))

    # -- search and accounts -------------------------------------------------------------------

    def _search(self, req: Request, ctx: Ctx) -> Reply:
        q = req.arg("q")
        if not q:
            errors = [{"resource": "Search", "field": "q", "code": "missing"}]
            body = S.error("Validation Failed", "/search/search#search-repositories", 422)
            return Reply({**body, "errors": errors}, 422)
        hits = self.emu.search(q, ctx, req.arg("sort"))
        page, links = paginate(req, ctx, hits[:1000])
        items = []
        for repo, st in page:
            item = S.repo_json(ctx.api, repo, st, ctx.now, self.accounts, full=False)
            items.append({**item, "score": 1.0})
        data = {"total_count": len(hits), "incomplete_results": False, "items": items}
        return Reply(data, headers=links)

    def _account(self, req: Request, ctx: Ctx, kind: str, login: str, repos: bool) -> Reply:
        acc = self.emu.world.account(login)
        if acc is None or (kind == "orgs" and acc.get("type") != "Organization"):
            return not_found("/users/users#get-a-user" if kind == "users" else "/orgs/orgs")
        owned = self.emu.owned_repos(acc["login"], ctx)
        if repos:
            page, links = paginate(req, ctx, owned)
            data = [
                S.repo_json(ctx.api, r, st, ctx.now, self.accounts, full=False) for r, st in page
            ]
            return Reply(data, headers=links)
        if kind == "orgs":
            return Reply(S.org_json(ctx.api, acc, len(owned)))
        return Reply(S.user_json(ctx.api, acc, len(owned)))


def _file_reply(
    req: Request, ctx: Ctx, st: RepoState, branch: str, blob: Blob, modified: datetime
) -> Reply:
    """JSON with base64 content, or the bytes themselves for `Accept: ...vnd.github.raw`."""
    if "vnd.github.raw" in req.headers.get("accept", "") and blob.data() is not None:
        raw = {"Content-Type": "application/vnd.github.raw; charset=utf-8"}
        return Reply(blob.data(), headers=raw, last_modified=modified)
    return Reply(S.file_json(ctx.api, st.full_name, branch, blob), last_modified=modified)


def languages(repo: Repo) -> dict[str, int]:
    langs = repo.spec.get("languages")
    if langs is None and repo.spec.get("language"):
        langs = {repo.spec["language"]: 10_000}
    return dict(langs or {})


def _tree_entry(api: str, fn: str, e: Any, root: str) -> dict[str, Any]:
    path = e.path[len(root) + 1 :] if root else e.path
    kind = "trees" if e.type == "tree" else "blobs"
    d = {"path": path, "mode": e.mode, "type": e.type, "sha": e.sha}
    if e.type == "blob":
        d["size"] = e.size
    d["url"] = f"{api}/repos/{quote(fn)}/git/{kind}/{e.sha}"
    return d
