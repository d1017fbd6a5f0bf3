"""GitHub's GraphQL API (v4): graphql-core executes queries on GitHub's published schema.

Resolvers are dicts: a key is a field, a callable value is a field with arguments (called as
`fn(info, **args)`). Fields the scenario does not model resolve to null, or to an empty value
of the right type when the schema says non-null, so a valid query never crashes a batch.

Errors follow GitHub: per-alias `NOT_FOUND` / `FORBIDDEN` entries with `type`, `path` and
`locations` while the rest of the batch stands; validation errors answer 200 with `errors`.
Cost follows GitHub's published formula (connection requests / 100, at least 1 point).
"""

from __future__ import annotations

import base64
import functools
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    build_schema,
    execute_sync,
    get_named_type,
    parse,
    validate,
    value_from_ast_untyped,
)

from ..base import Request
from . import shapes as S
from .rest import languages
from .routing import Ctx, ServerState
from .scenario import Commit, Release, Repo, RepoState, TreeEntry, at_time, iso, parse_time

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")
MAX_FIRST = 100
MAX_NODES = 500_000
_schema: GraphQLSchema | None = None
_schema_lock = threading.Lock()


def github_schema() -> GraphQLSchema:
    """GitHub's schema, built once per process (1.2 MB of SDL: worth building only once)."""
    global _schema
    with _schema_lock:
        if _schema is None:
            sdl = SCHEMA_PATH.read_text(encoding="utf-8")
            _schema = build_schema(sdl, assume_valid_sdl=True)
            # GitHub's own schema breaks a few of graphql-core's newer type-system rules
            # (deprecated interface implementations); GitHub serves it as is, so do we.
            _schema._validation_errors = []
        return _schema


@functools.lru_cache(maxsize=256)
def parse_and_validate(query: str) -> tuple[DocumentNode, tuple[GraphQLError, ...]]:
    """Checkers resend the same query text with new variables: validate each text once."""
    if not isinstance(query, str):
        raise TypeError("query must be a string")
    doc = parse(query)
    return doc, tuple(validate(github_schema(), doc))


class GitHubError(Exception):
    """A resolver failure that GitHub reports with a `type` (NOT_FOUND, FORBIDDEN...)."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


# -- cost ----------------------------------------------------------------------------------------


@dataclass
class Cost:
    requests: int = 0
    nodes: int = 0
    top_level: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def points(self) -> int:
        return max(1, round(self.requests / 100))


def estimate_cost(schema: GraphQLSchema, doc: Any, variables: dict[str, Any], op_name: str | None):
    """Requests = one per connection times the pages of its parents; nodes = items asked for."""
    cost = Cost()
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    op = next((o for o in ops if op_name is None or (o.name and o.name.value == op_name)), None)
    if op is None:
        return cost
    root = schema.query_type if op.operation.value == "query" else schema.mutation_type
    cost.top_level = len(op.selection_set.selections)

    def walk(selection_set: Any, parent: Any, mult: int) -> None:
        for sel in selection_set.selections if selection_set else []:
            if isinstance(sel, FieldNode):
                visit_field(sel, parent, mult)
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition
                walk(sel.selection_set, schema.get_type(cond.name.value) if cond else parent, mult)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value in fragments:
                frag = fragments[sel.name.value]
                walk(frag.selection_set, schema.get_type(frag.type_condition.name.value), mult)

    def visit_field(node: FieldNode, parent: Any, mult: int) -> None:
        fdef = getattr(parent, "fields", {}).get(node.name.value)
        if fdef is None:
            return
        ftype = get_named_type(fdef.type)
        args = {
            a.name.value: value_from_ast_untyped(a.value, variables) for a in node.arguments or ()
        }
        size = args.get("first") if args.get("first") is not None else args.get("last")
        if ftype.name.endswith("Connection"):
            check_pagination(node, size)
            cost.requests += mult
            if size is not None:
                cost.nodes += mult * int(size)
                mult *= max(1, int(size))
        walk(node.selection_set, ftype, mult)

    def check_pagination(node: FieldNode, size: Any) -> None:
        name = node.name.value
        wants_items = any(
            isinstance(s, FieldNode) and s.name.value in ("nodes", "edges")
            for s in (node.selection_set.selections if node.selection_set else [])
        )
        if size is None and wants_items:
            cost.errors.append(
                _error(
                    "MISSING_PAGINATION_BOUNDARIES",
                    f"You must provide a `first` or `last` value to properly paginate the "
                    f"`{name}` connection.",
                    node,
                )
            )
        elif size is not None and int(size) > MAX_FIRST:
            which = "first" if "first" in [a.name.value for a in node.arguments or ()] else "last"
            cost.errors.append(
                _error(
                    "EXCESSIVE_PAGINATION",
                    f"Requesting {size} records on the `{name}` connection exceeds the "
                    f"`{which}` limit of {MAX_FIRST} records.",
                    node,
                )
            )

    walk(op.selection_set, root, 1)
    if cost.nodes > MAX_NODES:
        cost.errors.append(
            {
                "type": "MAX_NODE_LIMIT_EXCEEDED",
                "message": f"This query requests up to {cost.nodes:,} possible nodes which "
                f"exceeds the maximum limit of {MAX_NODES:,}.",
            }
        )
    return cost


def _operation_name(doc: Any) -> str:
    """The name of the document's first operation (`""` when anonymous)."""
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    return ops[0].name.value if ops and ops[0].name else ""


def _error(kind: str, message: str, node: Any) -> dict[str, Any]:
    loc = node.loc.source.get_location(node.loc.start) if node.loc else None
    out: dict[str, Any] = {"type": kind, "message": message}
    if loc:
        out["locations"] = [{"line": loc.line, "column": loc.column}]
    return out


# -- execution -----------------------------------------------------------------------------------


def resolve_field(source: Any, info: Any, **args: Any) -> Any:
    value = source.get(info.field_name) if isinstance(source, dict) else None
    if callable(value):
        value = value(info, **args)
    if value is None and isinstance(info.return_type, GraphQLNonNull):
        return empty_value(info.return_type.of_type)
    return value


def empty_value(t: Any) -> Any:
    """A harmless stand-in for a non-null field the scenario does not model."""
    if isinstance(t, GraphQLNonNull):
        t = t.of_type
    if isinstance(t, GraphQLList):
        return []
    if isinstance(t, GraphQLObjectType):
        return {}
    if isinstance(t, GraphQLEnumType):
        return next(iter(t.values))
    if isinstance(t, GraphQLScalarType):
        return {"Boolean": False, "Int": 0, "Float": 0.0, "DateTime": "1970-01-01T00:00:00Z"}.get(
            t.name, ""
        )
    return None


def resolve_type(value: Any, info: Any, abstract_type: Any) -> str | None:
    return value.get("__typename") if isinstance(value, dict) else None


def format_error(err: GraphQLError) -> dict[str, Any]:
    out: dict[str, Any] = {}
    original = err.original_error
    if isinstance(original, GitHubError):
        out["type"] = original.kind
    if err.path:
        out["path"] = list(err.path)
    if err.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in err.locations]
    out["message"] = err.message
    return out


def connection(items: list[Any], first=None, last=None, after=None, before=None, **_: Any):
    """A Relay connection (nodes, edges, pageInfo, totalCount) over an in-memory list."""
    start = _cursor_index(after) + 1 if after else 0
    end = _cursor_index(before) if before else len(items)
    idx = list(range(start, min(end, len(items))))
    if first is not None:
        idx = idx[:first]
    if last is not None:
        idx = idx[-last:] if last else []
    edges = [{"cursor": _cursor(i), "node": items[i]} for i in idx]
    return {
        "totalCount": len(items),
        "nodes": [items[i] for i in idx],
        "edges": edges,
        "pageInfo": {
            "hasNextPage": bool(idx) and idx[-1] < len(items) - 1,
            "hasPreviousPage": bool(idx) and idx[0] > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def _cursor(i: int) -> str:
    return base64.b64encode(f"cursor:{i + 1}".encode()).decode()


def _cursor_index(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode().split(":")[1]) - 1
    except (ValueError, IndexError):
        return -1


class GraphQLApi:
    def __init__(self, emu: ServerState):
        self.emu = emu
        self._partial_rng: random.Random | None = None
        """Drawn from by `graphql_partial` faults; seeded by the first plan that asks."""

    def handle(self, req: Request, ctx: Ctx, key: str, rid: str):
        """(status, body, headers) for one POST /graphql."""
        headers = self.emu.limits.bucket("graphql", key).headers("graphql")
        if req.method != "POST":
            return 404, S.error("Not Found", "/graphql"), {}
        if not ctx.viewer:
            body = {
                "message": "This endpoint requires you to be authenticated.",
                "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
            }
            return 401, body, {}
        try:
            payload = req.json() or {}
            doc, errors = parse_and_validate(payload["query"])
        except (ValueError, KeyError, TypeError):
            return (
                200,
                {
                    "errors": [
                        {"message": "A query attribute must be specified and must be a string."}
                    ]
                },
                headers,
            )
        except GraphQLError as exc:
            return 200, {"errors": [format_error(exc)]}, headers
        schema = github_schema()
        if errors:
            return 200, {"errors": [format_error(e) for e in errors]}, headers
        variables = payload.get("variables") or {}
        op_name = payload.get("operationName")
        cost = estimate_cost(schema, doc, variables, op_name)
        if cost.errors:
            return 200, {"errors": cost.errors}, headers
        return self._run(schema, doc, variables, op_name, cost, ctx, key, rid)

    def _run(self, schema, doc, variables, op_name, cost: Cost, ctx: Ctx, key: str, rid: str):
        limits = self.emu.limits
        ok, bucket = limits.charge("graphql", key, cost.points)
        if not ok:
            limited = {
                "errors": [
                    {
                        "type": "RATE_LIMITED",
                        "code": "graphql_rate_limit",
                        "message": f"API rate limit already exceeded for user ID "
                        f"{S.account_id(ctx.viewer or '')}.",
                    }
                ]
            }
            status = int(limits.config["graphql"].get("exhausted_status", 200))
            return status, limited, bucket.headers("graphql")
        with self.emu.lock:
            self.emu.points_used += cost.points
            name = op_name or _operation_name(doc)
            self.emu.points_by_operation[name] = (
                self.emu.points_by_operation.get(name, 0) + cost.points
            )
            self.emu.queries_by_operation[name] = self.emu.queries_by_operation.get(name, 0) + 1
        extra = self.emu.faults.extra
        budget = extra.get("graphql_node_budget")
        if budget is not None and cost.nodes + cost.top_level > int(budget):
            time.sleep(float(extra.get("graphql_timeout_s", 0)))
            message = (
                "Something went wrong while executing your query. This may be the result of a "
                f"timeout, or it could be a GitHub bug. Please include `{rid}` when reporting "
                "this issue."
            )
            return 502, {"data": None, "errors": [{"message": message}]}, bucket.headers("graphql")
        root = Resolvers(self.emu, ctx, cost, bucket).root()
        result = execute_sync(
            schema,
            doc,
            root_value=root,
            variable_values=variables,
            operation_name=op_name,
            field_resolver=resolve_field,
            type_resolver=resolve_type,
        )
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [format_error(e) for e in result.errors]
        self._partial(body, extra.get("graphql_partial"), rid)
        return 200, body, bucket.headers("graphql")

    def _partial(self, body: dict[str, Any], plan: dict[str, Any] | None, rid: str) -> None:
        """GitHub's partial answers: a field inside a repository node comes back null with an
        error whose `path` points at it (a timeout or resource limit inside the query)."""
        if not plan or not isinstance(body.get("data"), dict):
            return
        with self.emu.lock:
            if self._partial_rng is None:
                self._partial_rng = random.Random(plan.get("seed", 0))
            rng = self._partial_rng
        fields = list(plan.get("fields", ["tree", "licenseInfo"]))
        rate = float(plan.get("rate", 1.0))
        for alias, node in body["data"].items():
            if not isinstance(node, dict) or not alias.startswith("r"):
                continue
            hit = next((f for f in fields if node.get(f) is not None), None)
            if hit is None or rng.random() >= rate:
                continue
            node[hit] = None
            body.setdefault("errors", []).append(
                {
                    "type": "SERVICE_UNAVAILABLE",
                    "path": [alias, hit],
                    "locations": [{"line": 1, "column": 1}],
                    "message": f"Something went wrong while executing your query ({rid}).",
                }
            )


class Resolvers:
    """Dict views of scenario objects at one instant, for one viewer."""

    def __init__(self, emu: ServerState, ctx: Ctx, cost: Cost, bucket: Any):
        self.emu = emu
        self.ctx = ctx
        self.now: datetime = ctx.now
        self.cost = cost
        self.bucket = bucket

    def root(self) -> dict[str, Any]:
        viewer = self.ctx.viewer or ""
        return {
            "repository": self.repository,
            "rateLimit": lambda info, **_: self.rate_limit(),
            "search": self.search,
            "viewer": self.owner(viewer),
            "user": lambda info, login: self.account(login, "User"),
            "organization": lambda info, login: self.account(login, "Organization"),
            "repositoryOwner": lambda info, login: self.account(login, None),
        }

    def rate_limit(self) -> dict[str, Any]:
        b = self.bucket
        return {
            "cost": self.cost.points,
            "limit": b.limit,
            "remaining": b.remaining,
            "used": b.used,
            "resetAt": iso(datetime.fromtimestamp(int(b.reset_at), tz=self.now.tzinfo)),
            "nodeCount": self.cost.nodes,
        }

    def repository(self, info: Any, owner: str, name: str, followRenames: bool = True):
        repo, st, moved = self.emu.world.lookup(f"{owner}/{name}", self.now)
        if (
            repo is None
            or not self.emu.visible(st, self.ctx.viewer)
            or (moved and not followRenames)
        ):
            raise GitHubError(
                f"Could not resolve to a Repository with the name '{owner}/{name}'.", "NOT_FOUND"
            )
        assert st is not None
        if st.blocked:
            raise GitHubError("Repository access blocked", "FORBIDDEN")
        return self.repo_node(repo, st)

    def account(self, login: str, kind: str | None):
        acc = self.emu.world.account(login)
        if acc is None or (kind and acc.get("type", "User") != kind):
            if kind is None:
                return None
            what = "a User" if kind == "User" else "an Organization"
            raise GitHubError(
                f"Could not resolve to {what} with the login of '{login}'.", "NOT_FOUND"
            )
        return self.owner(acc["login"], acc.get("type", "User"))

    def search(self, info: Any, query: str, type: str, **page: Any) -> dict[str, Any]:
        hits = self.emu.search(query, self.ctx) if type == "REPOSITORY" else []
        conn = connection([self.repo_node(r, st) for r, st in hits[:1000]], **page)
        counts = ("codeCount", "discussionCount", "issueCount", "userCount", "wikiCount")
        return {**conn, "repositoryCount": len(hits), **dict.fromkeys(counts, 0)}

    def owner(self, login: str, kind: str | None = None) -> dict[str, Any]:
        kind = kind or S.owner_kind(self.emu.world.accounts, login)
        aid = S.account_id(login)
        return {
            "__typename": kind,
            "login": login,
            "id": S.node_id("U_" if kind == "User" else "O_", aid),
            "databaseId": aid,
            "url": f"{S.WEB}/{login}",
            "resourcePath": f"/{login}",
            "avatarUrl": f"https://avatars.githubusercontent.com/u/{aid}?v=4",
            "repositories": lambda info, **page: connection(
                [self.repo_node(r, st) for r, st in self.emu.owned_repos(login, self.ctx)], **page
            ),
        }

    def repo_node(self, repo: Repo, st: RepoState) -> dict[str, Any]:
        now, spec = self.now, repo.spec
        head = repo.head(now)
        fn = st.full_name
        lic = S.license_info(repo, head)
        langs = languages(repo)
        issues = self.emu.issues.get(f"{repo.owner}/{repo.name}", [])
        open_n = int(repo.value("open_issues", now)) + sum(i["state"] == "open" for i in issues)
        closed_n = sum(i["state"] == "closed" for i in issues)
        parent = None
        if spec.get("fork") and spec.get("parent"):
            parent = self._parent(spec["parent"])

        def count(n: int):
            return lambda info, **_: {"totalCount": n, "nodes": [], "edges": []}

        def issue_count(
            info: Any,
            states: list[str] | None = None,
            orderBy: dict[str, str] | None = None,
            **page: Any,
        ):
            chosen = set(states or ["OPEN", "CLOSED"])
            n = (open_n if "OPEN" in chosen else 0) + (closed_n if "CLOSED" in chosen else 0)
            listed = self._issues(fn, issues, chosen, orderBy)
            return {**connection(listed, **page), "totalCount": n}

        topics = [
            {"__typename": "RepositoryTopic", "topic": {"__typename": "Topic", "name": t}}
            for t in repo.value("topics", now, [])
        ]
        return {
            "__typename": "Repository",
            "id": S.node_id("R_", repo.id),
            "databaseId": repo.id,
            "name": st.name,
            "nameWithOwner": fn,
            "owner": self.owner(st.owner),
            "description": repo.value("description", now, None),
            "homepageUrl": spec.get("homepage"),
            "url": f"{S.WEB}/{fn}",
            "resourcePath": f"/{fn}",
            "stargazerCount": int(repo.value("stars", now)),
            "forkCount": int(repo.value("forks", now)),
            "stargazers": count(int(repo.value("stars", now))),
            "forks": count(int(repo.value("forks", now))),
            "watchers": count(int(repo.value("watchers", now))),
            "issues": issue_count,
            "repositoryTopics": lambda info, **page: connection(topics, **page),
            "primaryLanguage": self._language(spec["language"]) if spec.get("language") else None,
            "languages": lambda info, **page: self._languages(langs, page),
            "createdAt": iso(repo.created_at),
            "pushedAt": iso(repo.pushed_at(now)),
            "updatedAt": iso(repo.updated_at(now)),
            "archivedAt": None,
            "isArchived": st.archived,
            "isDisabled": st.disabled,
            "isFork": bool(spec.get("fork")),
            "isPrivate": st.private,
            "isEmpty": head is None,
            "isLocked": False,
            "isMirror": False,
            "isTemplate": False,
            "isInOrganization": S.owner_kind(self.emu.world.accounts, st.owner) == "Organization",
            "visibility": "PRIVATE" if st.private else "PUBLIC",
            "parent": parent,
            "licenseInfo": self._license(lic),
            "diskUsage": sum(b.size for b in head.files.values()) // 1024 if head else 0,
            "hasIssuesEnabled": True,
            "hasWikiEnabled": True,
            "defaultBranchRef": self._ref(repo, st, head),
            "object": lambda info, expression=None, oid=None: self._object(
                repo, st, expression, oid
            ),
            "releases": lambda info, orderBy=None, **page: self._releases(repo, st, orderBy, page),
            "latestRelease": self._latest(repo, st),
        }

    def _issues(
        self,
        fn: str,
        issues: list[dict[str, Any]],
        states: set[str],
        order: dict[str, str] | None,
    ) -> list[dict[str, Any]]:
        """The scenario's issues in `states` opened by now, as Issue nodes in `order` (by
        creation, oldest first, unless asked otherwise)."""
        now = iso(self.now)
        with self.emu.lock:
            shown = [
                i for i in issues if i["state"].upper() in states and str(i["created_at"]) <= now
            ]
        field = "updated_at" if (order or {}).get("field") == "UPDATED_AT" else "created_at"
        shown.sort(key=lambda i: str(i[field]))
        if (order or {}).get("direction") == "DESC":
            shown.reverse()
        return [
            {
                "__typename": "Issue",
                "id": S.node_id("I_", S.account_id(f"{fn}#{i['number']}")),
                "number": i["number"],
                "title": i["title"],
                "body": i["body"] or "",
                "bodyText": i["body"] or "",
                "state": i["state"].upper(),
                "createdAt": i["created_at"],
                "updatedAt": i["updated_at"],
                "closedAt": i["closed_at"],
                "url": f"{S.WEB}/{fn}/issues/{i['number']}",
                "resourcePath": f"/{fn}/issues/{i['number']}",
            }
            for i in shown
        ]

    def _parent(self, full_name: str) -> dict[str, Any]:
        prepo, pst, _ = self.emu.world.lookup(full_name, self.now)
        if prepo is not None and pst is not None and self.emu.visible(pst, self.ctx.viewer):
            return self.repo_node(prepo, pst)
        owner, name = full_name.split("/", 1)
        return {
            "__typename": "Repository",
            "nameWithOwner": full_name,
            "name": name,
            "owner": self.owner(owner),
            "url": f"{S.WEB}/{full_name}",
        }

    @staticmethod
    def _language(name: str) -> dict[str, Any]:
        return {"__typename": "Language", "name": name, "id": S.node_id("L_", S.account_id(name))}

    def _languages(self, langs: dict[str, int], page: dict[str, Any]) -> dict[str, Any]:
        ranked = sorted(langs.items(), key=lambda kv: -kv[1])
        conn = connection([self._language(n) for n, _ in ranked], **page)
        sizes = dict(ranked)
        for edge in conn["edges"]:
            edge["size"] = sizes[edge["node"]["name"]]
        return {**conn, "totalSize": sum(langs.values())}

    @staticmethod
    def _license(lic: dict[str, Any] | None) -> dict[str, Any] | None:
        if lic is None:
            return None
        return {
            "__typename": "License",
            "spdxId": lic["spdx"],
            "key": lic["key"],
            "name": lic["name"],
            "nickname": None,
            "url": None
            if lic["key"] == "other"
            else f"http://choosealicense.com/licenses/{lic['key']}/",
            "id": S.node_id("MDc6TGljZW5zZ", S.account_id(lic["key"])),
            "pseudoLicense": lic["key"] == "other",
        }

    def _ref(self, repo: Repo, st: RepoState, head: Commit | None) -> dict[str, Any] | None:
        if head is None:
            return None
        return {
            "__typename": "Ref",
            "name": repo.default_branch,
            "prefix": "refs/heads/",
            "id": S.node_id("REF_", repo.id),
            "target": self.commit_node(repo, st, head),
        }

    def commit_node(self, repo: Repo, st: RepoState, c: Commit) -> dict[str, Any]:
        fn = st.full_name
        person = {
            "__typename": "GitActor",
            "name": c.author,
            "email": f"{c.author}@users.noreply.github.com",
            "date": iso(c.date),
        }

        def history(info: Any, since=None, until=None, **page: Any):
            older = [x for x in repo.history(self.now) if x.date <= c.date]
            if since:
                older = [x for x in older if x.date >= parse_time(since)]
            if until:
                older = [x for x in older if x.date <= parse_time(until)]
            page.pop("path", None)
            page.pop("author", None)
            return connection([self.commit_node(repo, st, x) for x in older], **page)

        return {
            "__typename": "Commit",
            "id": S.node_id("C_", int(c.sha[:7], 16)),
            "oid": c.sha,
            "abbreviatedOid": c.sha[:7],
            "committedDate": iso(c.date),
            "authoredDate": iso(c.date),
            "message": c.message,
            "messageHeadline": c.message.splitlines()[0] if c.message else "",
            "url": f"{S.WEB}/{fn}/commit/{c.sha}",
            "author": person,
            "committer": person,
            "history": history,
            "tree": self.tree_node(c, ""),
        }

    def tree_node(self, c: Commit, path: str) -> dict[str, Any]:
        return {
            "__typename": "Tree",
            "oid": c.dir_sha(path),
            "abbreviatedOid": c.dir_sha(path)[:7],
            "id": S.node_id("T_", int(c.dir_sha(path)[:7], 16)),
            "entries": lambda info: [self.entry_node(c, e) for e in c.dirs().get(path, [])],
        }

    def entry_node(self, c: Commit, e: TreeEntry) -> dict[str, Any]:
        ext = "." + e.name.rsplit(".", 1)[1] if e.type == "blob" and "." in e.name[1:] else None
        return {
            "__typename": "TreeEntry",
            "name": e.name,
            "path": e.path,
            "type": e.type,
            "mode": int(e.mode, 8),
            "oid": e.sha,
            "size": e.size or 0,
            "extension": ext,
            "isGenerated": False,
            "object": lambda info: self._git_object(c, e),
        }

    def _git_object(self, c: Commit, e: TreeEntry) -> dict[str, Any]:
        if e.type == "tree":
            return self.tree_node(c, e.path)
        assert e.blob is not None
        text = e.blob.text()
        return {
            "__typename": "Blob",
            "oid": e.sha,
            "abbreviatedOid": e.sha[:7],
            "id": S.node_id("B_", int(e.sha[:7], 16)),
            "byteSize": e.blob.size,
            "text": text,
            "isBinary": text is None and e.blob.size <= 1_000_000,
            "isTruncated": False,
        }

    def _object(self, repo: Repo, st: RepoState, expression: str | None, oid: str | None):
        """`object(expression: "HEAD:README.md")`, `"main:"`, `"HEAD"` or `object(oid:)`."""
        ref, sep, path = (expression or oid or "").partition(":")
        commit = repo.commit(ref or "HEAD", self.now)
        if commit is None:
            return None
        if not sep:
            return self.commit_node(repo, st, commit)
        entry = commit.entry(path)
        if entry is None:
            return None
        return self._git_object(commit, entry) if path.strip("/") else self.tree_node(commit, "")

    def _release_node(self, repo: Repo, st: RepoState, r: Release, latest: Release | None):
        fn = st.full_name
        assets = [
            {
                "__typename": "ReleaseAsset",
                "id": S.node_id("RA_", r.id * 100 + i),
                "name": a["name"],
                "size": int(a.get("size", 0)),
                "downloadCount": int(at_time(a.get("download_count", 0), self.now)),
                "downloadUrl": f"{S.WEB}/{fn}/releases/download/{r.tag}/{a['name']}",
                "contentType": a.get("content_type", "application/octet-stream"),
                "createdAt": iso(r.date),
                "updatedAt": iso(r.date),
            }
            for i, a in enumerate(r.assets)
        ]
        return {
            "__typename": "Release",
            "id": S.node_id("RE_", r.id),
            "databaseId": r.id,
            "name": r.name,
            "tagName": r.tag,
            "description": r.body,
            "publishedAt": iso(r.date),
            "createdAt": iso(r.date),
            "updatedAt": iso(r.date),
            "isPrerelease": r.prerelease,
            "isDraft": r.draft,
            "isLatest": latest is not None and r.id == latest.id,
            "url": f"{S.WEB}/{fn}/releases/tag/{r.tag}",
            "releaseAssets": lambda info, name=None, **page: connection(
                [a for a in assets if name is None or a["name"] == name], **page
            ),
        }

    def _latest_release(self, repo: Repo) -> Release | None:
        return next((r for r in repo.visible_releases(self.now) if not r.prerelease), None)

    def _releases(self, repo: Repo, st: RepoState, order: dict | None, page: dict[str, Any]):
        rels = list(repo.visible_releases(self.now))
        order = order or {"field": "CREATED_AT", "direction": "DESC"}
        if order.get("field") == "NAME":
            rels.sort(key=lambda r: r.name)
        else:
            rels.sort(key=lambda r: r.date)
        if order.get("direction", "DESC") == "DESC":
            rels.reverse()
        latest = self._latest_release(repo)
        return connection([self._release_node(repo, st, r, latest) for r in rels], **page)

    def _latest(self, repo: Repo, st: RepoState) -> dict[str, Any] | None:
        latest = self._latest_release(repo)
        return self._release_node(repo, st, latest, latest) if latest else None
