"""GraphQL transport: many repositories per query through aliases, one POST per batch.

A per-alias `NOT_FOUND`/`FORBIDDEN` in `errors` is that repository's answer; the rest of the
batch stands. A rename shows as a `nameWithOwner` different from the name asked for. Sent with
httpx (PyGithub's GraphQL helper raises on any error in a batch, which would lose 99 good
answers for one missing repository).

Cost: GitHub charges one request per connection per repository (totalCount-only connections
included) and bills requests / 100 per query, at least one point. The full fragment asks for the
five connections the facts need (watchers, open issues, topics, releases and the newest release's
assets; four when the repository is known to have no release); everything else is scalars and
`object(expression:)` lookups, which are free.

So checks come in two tiers. The probe (`fetch_probe`) asks only for free fields, 100
repositories for one point: names, flags, stars, dates (`updatedAt` moves on pushes, stars,
releases and metadata edits), license, the HEAD commit (its oid pins tree, README and
`.gitattributes`) and the latest release. Its `digest` is stored with every full check; a probe
with the same digest means the stored facts still hold, and only the others get the full query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

import httpx

from tracker.check.evidence import (
    EVIDENCE_COLUMNS,
    EVIDENCE_FILES,
    MAX_FILE_CHARS,
    README_NAMES,
    derive,
    docs_to_read,
    found,
    lfs_patterns,
    with_docs,
)
from tracker.http import Failure, HttpResult, request
from tracker.models import CheckResult, ReleaseAsset, RepoFacts, RepoStatus
from tracker.tree import tree_paths, unexplored_dirs

MAX_ASSETS = 50
MAX_TOPICS = 20

TREE_DEPTH = 3
"""Levels of the tree the batch query reads: root, its folders, and theirs; a repository with
folders below that depth gets the rest from `git/trees` (`deepen`)."""


def _tree_selection(depth: int) -> str:
    inner = "" if depth <= 1 else f" object {{ ... on Tree {{ {_tree_selection(depth - 1)} }} }}"
    return f"entries {{ name type{inner} }}"


_READMES = "\n".join(
    f'  readme{i}: object(expression: "HEAD:{n}") {{ ... on Blob {{ byteSize oid text }} }}'
    for i, n in enumerate(README_NAMES)
)
PROBE_FIELDS = (
    "nameWithOwner",
    "isPrivate",
    "isEmpty",
    "isArchived",
    "isDisabled",
    "isFork",
    "stargazerCount",
    "forkCount",
    "description",
    "homepageUrl",
    "primaryLanguage",
    "createdAt",
    "pushedAt",
    "updatedAt",
    "parent",
    "licenseInfo",
    "defaultBranchRef",
    "latestRelease",
)
"""The free fields whose values make the digest; the selection below must ask for each."""
_FILES = "\n".join(
    f'  file{i}: object(expression: "HEAD:{n}") {{ ... on Blob {{ text }} }}'
    for i, n in enumerate(EVIDENCE_FILES)
)
_PROBE = """
  nameWithOwner isPrivate isEmpty isArchived isDisabled isFork
  stargazerCount forkCount description homepageUrl
  primaryLanguage { name }
  createdAt pushedAt updatedAt
  parent { nameWithOwner }
  licenseInfo { spdxId }
  defaultBranchRef { name target { ... on Commit { committedDate oid } } }
  latestRelease { tagName createdAt }"""


def _releases(assets: bool) -> str:
    listed = f" releaseAssets(first: {MAX_ASSETS}) {{ nodes {{ name size downloadCount }} }}"
    return (
        "releases(first: 1, orderBy: {field: CREATED_AT, direction: DESC}) {\n"
        f"    totalCount nodes {{ tagName publishedAt createdAt{listed if assets else ''} }}\n  }}"
    )


def _full(name: str, assets: bool) -> str:
    return f"""
fragment {name} on Repository {{{_PROBE}
  watchers {{ totalCount }}
  issues(states: OPEN) {{ totalCount }}
  repositoryTopics(first: {MAX_TOPICS}) {{ nodes {{ topic {{ name }} }} }}
  {_releases(assets)}
  tree: object(expression: "HEAD:") {{ ... on Tree {{ {_tree_selection(TREE_DEPTH)} }} }}
  gitattributes: object(expression: "HEAD:.gitattributes") {{ ... on Blob {{ text }} }}
{_READMES}
{_FILES}
}}
"""


FRAGMENTS = {
    "RepoFacts": _full("RepoFacts", True),
    "RepoFactsNoAssets": _full("RepoFactsNoAssets", False),
    "RepoProbe": f"\nfragment RepoProbe on Repository {{{_PROBE}\n}}\n",
}


def _query(names: Sequence[str], fragment_of: Callable[[str], str]) -> tuple[str, dict[str, str]]:
    """A batch query, each alias spreading its fragment; names travel as variables."""
    decls, fields, variables = [], [], {}
    used: dict[str, None] = {}
    for i, name in enumerate(names):
        owner, _, repo = name.partition("/")
        fragment = fragment_of(name)
        used[fragment] = None
        decls.append(f"$o{i}: String!, $n{i}: String!")
        fields.append(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ ...{fragment} }}")
        variables[f"o{i}"], variables[f"n{i}"] = owner, repo
    head = f"query Repos({', '.join(decls)}) {{" if decls else "query Repos {"
    body = "\n".join(fields)
    rate = "  rateLimit { cost limit remaining resetAt }"
    fragments = "".join(FRAGMENTS[f] for f in used)
    return f"{head}\n{body}\n{rate}\n}}\n{fragments}", variables


def build_query(
    names: Sequence[str], no_assets: Collection[str] = ()
) -> tuple[str, dict[str, str]]:
    """The full-facts query; `no_assets` names skip the release-assets connection."""
    return _query(names, lambda n: "RepoFactsNoAssets" if n in no_assets else "RepoFacts")


def build_probe(names: Sequence[str]) -> tuple[str, dict[str, str]]:
    """The probe query: free fields only, so one point for up to 100 repositories."""
    return _query(names, lambda n: "RepoProbe")


def digest(node: dict[str, Any]) -> str:
    """What a probe compares: the same for a probe node and a full node of one state."""
    picked = {k: node.get(k) for k in PROBE_FIELDS}
    return hashlib.sha256(json.dumps(picked, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Probe:
    """One repository's probe answer: final when GitHub gave no node (not found, blocked...),
    else the digest to compare with the stored one."""

    result: CheckResult | None
    digest: str | None = None
    has_release: bool = False


@dataclass(frozen=True)
class Batch:
    """One batch's answers; `failure` set when the batch as a whole failed (then no results)."""

    results: dict[str, CheckResult]
    failure: Failure | None = None
    reason: str = ""
    http_status: int | None = None
    cost: int = 0
    remaining: int | None = None
    reset_at: float | None = None
    elapsed_s: float = 0.0
    probes: dict[str, Probe] = field(default_factory=dict)


def _when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _paths(entries: list[dict[str, Any]] | None, prefix: str = "") -> list[str]:
    out: list[str] = []
    for e in entries or []:
        path = prefix + e["name"]
        if e.get("type") == "tree":
            out.append(path + "/")
            sub = (e.get("object") or {}).get("entries")
            out += _paths(sub, path + "/")
        else:
            out.append(path)
    return out


def _readme(node: dict[str, Any]) -> dict[str, Any] | None:
    for i in range(len(README_NAMES)):
        blob = node.get(f"readme{i}")
        if blob:
            return blob
    return None


def facts_of(node: dict[str, Any]) -> RepoFacts:
    """RepoFacts from one aliased repository node."""
    releases = node.get("releases") or {}
    latest = (releases.get("nodes") or [None])[0]
    assets = tuple(
        ReleaseAsset(a["name"], int(a["size"]), int(a["downloadCount"]))
        for a in ((latest or {}).get("releaseAssets") or {}).get("nodes") or []
        if a is not None
    )
    branch = node.get("defaultBranchRef") or {}
    readme = _readme(node) or {}
    lic = node.get("licenseInfo") or {}
    facts = RepoFacts(
        full_name=node["nameWithOwner"],
        stars=int(node.get("stargazerCount") or 0),
        forks=int(node.get("forkCount") or 0),
        watchers=int((node.get("watchers") or {}).get("totalCount") or 0),
        open_issues=int((node.get("issues") or {}).get("totalCount") or 0),
        description=node.get("description") or "",
        homepage=node.get("homepageUrl") or "",
        topics=tuple(
            t["topic"]["name"] for t in (node.get("repositoryTopics") or {}).get("nodes") or []
        ),
        language=(node.get("primaryLanguage") or {}).get("name"),
        created_at=_when(node.get("createdAt")),
        pushed_at=_when(node.get("pushedAt")),
        last_commit_at=_when((branch.get("target") or {}).get("committedDate")),
        default_branch=branch.get("name"),
        archived=bool(node.get("isArchived")),
        disabled=bool(node.get("isDisabled")),
        is_fork=bool(node.get("isFork")),
        parent=(node.get("parent") or {}).get("nameWithOwner"),
        license_spdx=lic.get("spdxId") or None,
        releases_count=int(releases.get("totalCount") or 0),
        latest_release_tag=(latest or {}).get("tagName"),
        latest_release_at=_when(
            (latest or {}).get("publishedAt") or (latest or {}).get("createdAt")
        ),
        assets=assets,
        readme_size=readme.get("byteSize"),
        readme_sha=readme.get("oid"),
        readme_text=readme.get("text") or "",
        tree_paths=tuple(sorted(_paths((node.get("tree") or {}).get("entries")))),
        lfs_patterns=lfs_patterns((node.get("gitattributes") or {}).get("text")),
        head_oid=(branch.get("target") or {}).get("oid"),
        files=tuple(
            (name, str(blob["text"])[:MAX_FILE_CHARS])
            for i, name in enumerate(EVIDENCE_FILES)
            if (blob := node.get(f"file{i}")) and blob.get("text") is not None
        ),
    )
    return derive(facts, empty=bool(node.get("isEmpty")))


def result_of(
    target: str, node: dict[str, Any] | None, error: dict[str, Any] | None
) -> CheckResult:
    """One repository's answer from its alias's data and error."""
    if node is None:
        kind = (error or {}).get("type", "")
        message = str((error or {}).get("message", "no data"))[:300]
        if kind == "NOT_FOUND":
            return CheckResult(target, RepoStatus.NOT_FOUND, f"not found: {message}", 404)
        if kind == "FORBIDDEN" and "block" in message.lower():
            return CheckResult(target, RepoStatus.BLOCKED, f"blocked: {message}", 451)
        if kind == "FORBIDDEN":
            return CheckResult(target, RepoStatus.FORBIDDEN, f"forbidden: {message}", 403)
        return CheckResult(target, RepoStatus.UNKNOWN, f"no answer: {kind or message}")
    return found(target, facts_of(node), empty=bool(node.get("isEmpty")), probe_digest=digest(node))


def _errors(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The answer's `errors`, keeping only well-formed entries (objects with a list `path`)."""
    found = body.get("errors")
    if not isinstance(found, list):
        return []
    return [e for e in found if isinstance(e, dict) and isinstance(e.get("path") or [], list)]


def _aliases(
    names: Sequence[str], body: dict[str, Any]
) -> list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]:
    """(name, node, error) per alias, in the order asked."""
    data = body.get("data")
    data = data if isinstance(data, dict) else {}
    errors: dict[int, dict[str, Any]] = {}
    for err in _errors(body):
        path = err.get("path") or []
        if len(path) == 1 and str(path[0]).startswith("r") and str(path[0])[1:].isdigit():
            errors.setdefault(int(str(path[0])[1:]), err)
    return [(name, data.get(f"r{i}"), errors.get(i)) for i, name in enumerate(names)]


_TOUCHED: dict[str, tuple[str, ...]] = {
    "releases": ("releases_count", "latest_release_tag", "latest_release_at", "assets_json"),
    "latestRelease": ("latest_release_tag", "latest_release_at"),
    "licenseInfo": ("license_spdx",),
    "repositoryTopics": ("topics",),
    "watchers": ("watchers",),
    "issues": ("open_issues",),
    "tree": EVIDENCE_COLUMNS,
    "gitattributes": EVIDENCE_COLUMNS,
    **{f"readme{i}": EVIDENCE_COLUMNS for i in range(len(README_NAMES))},
    **{f"file{i}": EVIDENCE_COLUMNS for i in range(len(EVIDENCE_FILES))},
}
"""Stored columns an error inside each field of a repository node leaves unanswered; an
error anywhere else leaves the whole answer unknown."""


def _touched(body: dict[str, Any]) -> dict[int, tuple[set[str] | None, str]]:
    """Aliases whose node came back with fields an error touched (a timeout, a resource limit,
    a value the schema cannot carry): alias index -> (the columns left unanswered, or None
    when no column list covers them, and the first error's path and message)."""
    out: dict[int, tuple[set[str] | None, str]] = {}
    for err in _errors(body):
        path = [str(p) for p in err.get("path") or []]
        if len(path) < 2 or not path[0].startswith("r") or not path[0][1:].isdigit():
            continue
        i = int(path[0][1:])
        columns, why = out.get(i, (set(), ""))
        why = why or f"{'.'.join(path[1:])}: {str(err.get('message', ''))[:200]}"
        touched = _TOUCHED.get(path[1])
        out[i] = (None if columns is None or touched is None else columns | set(touched), why)
    return out


def parse_batch(names: Sequence[str], body: dict[str, Any]) -> dict[str, CheckResult]:
    """Each alias's result. A field an error touched is not a fact: its columns keep what was
    stored (`CheckResult.unanswered`; a null license, README or tree there means "not
    answered", not "none"), and when the error lies where no column list covers it the whole
    answer is UNKNOWN for this check."""
    touched = _touched(body)
    out: dict[str, CheckResult] = {}
    for i, (name, node, err) in enumerate(_aliases(names, body)):
        result = _safe_result(name, node, err)
        if node is not None and i in touched:
            columns, why = touched[i]
            if columns is None or result.facts is None:
                result = CheckResult(name, RepoStatus.UNKNOWN, f"partial answer, {why}")
            else:
                result = replace(result, unanswered=frozenset(columns), probe_digest=None)
        out[name] = result
    return out


def _safe_result(name: str, node: dict[str, Any] | None, err: dict[str, Any] | None) -> CheckResult:
    """`result_of`, or UNKNOWN when the node is not the shape the query asked for."""
    if node is not None and not isinstance(node, dict):
        return CheckResult(name, RepoStatus.UNKNOWN, "malformed answer: node is not an object")
    try:
        return result_of(name, node, err)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        return CheckResult(name, RepoStatus.UNKNOWN, f"malformed answer ({type(exc).__name__})")


def parse_probe(names: Sequence[str], body: dict[str, Any]) -> dict[str, Probe]:
    out: dict[str, Probe] = {}
    for name, node, err in _aliases(names, body):
        if node is None or not isinstance(node, dict):
            out[name] = Probe(_safe_result(name, node, err))
        else:
            out[name] = Probe(None, digest(node), node.get("latestRelease") is not None)
    return out


def _rate(body: dict[str, Any], response: httpx.Response) -> tuple[int, int | None, float | None]:
    data = body.get("data")
    rate = (data.get("rateLimit") if isinstance(data, dict) else None) or {}
    rate = rate if isinstance(rate, dict) else {}
    remaining = rate.get("remaining")
    if remaining is None and response.headers.get("x-ratelimit-remaining", "").isdigit():
        remaining = int(response.headers["x-ratelimit-remaining"])
    reset = _when(rate.get("resetAt"))
    reset_at = reset.timestamp() if reset else None
    if reset_at is None and response.headers.get("x-ratelimit-reset", "").isdigit():
        reset_at = float(response.headers["x-ratelimit-reset"])
    return int(rate.get("cost") or 0), remaining, reset_at


def _batch_error(body: dict[str, Any]) -> tuple[Failure, str] | None:
    """A whole-batch failure hidden in a 200 answer (no data, only errors)."""
    if body.get("data"):
        return None
    errors = _errors(body) or [{"message": "empty answer"}]
    first = errors[0]
    kind = str(first.get("type") or "")
    message = str(first.get("message", ""))[:300]
    if kind == "RATE_LIMITED" or "rate limit" in message.lower():
        return Failure.RATE_LIMITED, f"GraphQL rate limited: {message}"
    return Failure.HTTP, f"GraphQL error {kind}: {message}".replace("  ", " ")


def _post(
    client: httpx.Client, url: str, query: str, variables: dict[str, str]
) -> tuple[dict[str, Any] | None, Batch]:
    """The answer's JSON body and its cost and timing; no body when the batch failed."""
    req = client.build_request("POST", url, json={"query": query, "variables": variables})
    answer: HttpResult = request(client, req)
    response = answer.response
    elapsed = response.elapsed.total_seconds() if response is not None else 0.0
    if answer.failure is not None or response is None:
        return None, Batch(
            {}, answer.failure, answer.reason, answer.status, 0, None, answer.retry_at, elapsed
        )
    if response.status_code != 200:
        # the policy answers a rate limit (429, or a 403 that says so) as RATE_LIMITED above:
        # a status here is no limit, and a 403 to the endpoint refuses every query
        kind = Failure.RATE_LIMITED if response.status_code == 429 else Failure.HTTP
        return None, Batch(
            {}, kind, f"HTTP {response.status_code}", response.status_code, elapsed_s=elapsed
        )
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, Batch({}, Failure.HTTP, "malformed JSON answer", 200, elapsed_s=elapsed)
    if not isinstance(body, dict):
        return None, Batch({}, Failure.HTTP, "answer is not a JSON object", 200, elapsed_s=elapsed)
    cost, remaining, reset_at = _rate(body, response)
    failed = _batch_error(body)
    if failed is not None:
        return None, Batch({}, failed[0], failed[1], 200, cost, remaining, reset_at, elapsed)
    return body, Batch({}, None, "", 200, cost, remaining, reset_at, elapsed)


def fetch_graphql(
    client: httpx.Client, url: str, names: Sequence[str], no_assets: Collection[str] = ()
) -> Batch:
    """Check `names` in one query. Batch-level failures come back as `Batch.failure`."""
    body, batch = _post(client, url, *build_query(names, no_assets))
    return batch if body is None else replace(batch, results=parse_batch(names, body))


def deepen(client: httpx.Client, api_url: str, result: CheckResult) -> tuple[CheckResult, int]:
    """The whole tree of a repository whose batch answer stopped at `TREE_DEPTH` with folders
    below, from one recursive `git/trees` request (a REST request, not GraphQL points). When
    that request fails the partial tree stays, its unread folders still counted as unexplored.
    Returns the result and the requests spent."""
    f = result.facts
    if f is None or not f.head_oid or not unexplored_dirs(f.tree_paths):
        return result, 0
    url = f"{api_url.rstrip('/')}/repos/{f.full_name}/git/trees/{f.head_oid}"
    res = request(client, client.build_request("GET", url, params={"recursive": "1"}))
    if res.response is None or res.status != 200:
        return result, 1
    try:
        listing = res.response.json()
    except ValueError:
        return result, 1
    if not isinstance(listing, dict):
        return result, 1
    facts = derive(replace(f, tree_paths=tree_paths(listing)), empty=f.empty)
    return replace(result, facts=facts), 1


def read_docs(client: httpx.Client, api_url: str, result: CheckResult) -> tuple[CheckResult, int]:
    """The in-repository documents the README links (`docs_to_read`), each from one raw
    contents request at the checked commit (REST requests, not GraphQL points), after `deepen`
    so documents deep in the tree are known. A document whose request fails stays unread.
    Returns the result and the requests spent."""
    f = result.facts
    if f is None or not f.head_oid or "evidence" in result.unanswered:
        return result, 0
    wanted = docs_to_read(f.readme_text, f.tree_paths, f.full_name)
    texts: dict[str, str] = {}
    headers = {"Accept": "application/vnd.github.raw"}
    for path in wanted:
        url = f"{api_url.rstrip('/')}/repos/{f.full_name}/contents/{quote(path)}"
        req = client.build_request("GET", url, params={"ref": f.head_oid}, headers=headers)
        res = request(client, req)
        if res.response is not None and res.status == 200:
            texts[path] = res.response.text[:MAX_FILE_CHARS]
    return replace(result, facts=with_docs(f, texts)), len(wanted)


def fetch_probe(client: httpx.Client, url: str, names: Sequence[str]) -> Batch:
    """Probe `names` in one query; answers land in `Batch.probes`."""
    body, batch = _post(client, url, *build_probe(names))
    return batch if body is None else replace(batch, probes=parse_probe(names, body))


ISSUES_PER_REPO = 30
"""The newest open issues read per repository for requests of code, weights or data."""
_OPEN_ISSUES = f"""
fragment OpenIssues on Repository {{
  nameWithOwner
  issues(states: OPEN, first: {ISSUES_PER_REPO}, orderBy: {{field: CREATED_AT, direction: DESC}}) {{
    nodes {{ number title createdAt url bodyText }}
  }}
}}
"""


def build_issue_query(names: Sequence[str]) -> tuple[str, dict[str, str]]:
    """The open-issues query: one connection per repository, so 100 repositories cost one
    point (GitHub bills connections / 100), whatever their issues hold."""
    decls, fields, variables = [], [], {}
    for i, name in enumerate(names):
        owner, _, repo = name.partition("/")
        decls.append(f"$o{i}: String!, $n{i}: String!")
        fields.append(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ ...OpenIssues }}")
        variables[f"o{i}"], variables[f"n{i}"] = owner, repo
    head = f"query OpenRequests({', '.join(decls)}) {{"
    rate = "  rateLimit { cost limit remaining resetAt }"
    return f"{head}\n" + "\n".join(fields) + f"\n{rate}\n}}\n{_OPEN_ISSUES}", variables


@dataclass(frozen=True)
class IssueNode:
    """One open issue as the query reads it."""

    number: int
    title: str
    created_at: dt.datetime | None
    url: str
    body: str = ""


@dataclass(frozen=True)
class IssueBatch:
    """One open-issues query's answers: per repository name its newest open issues, or None
    when GitHub gave no node (not found, blocked); `failure` set when the query failed."""

    issues: dict[str, list[IssueNode] | None]
    failure: Failure | None = None
    reason: str = ""
    http_status: int | None = None
    cost: int = 0
    remaining: int | None = None
    limit: int | None = None
    reset_at: float | None = None


def _issue_nodes(node: dict[str, Any]) -> list[IssueNode] | None:
    listed = (node.get("issues") or {}).get("nodes")
    if not isinstance(listed, list):
        return None
    out = []
    for item in listed:
        if isinstance(item, dict) and isinstance(item.get("number"), int):
            out.append(
                IssueNode(
                    item["number"],
                    str(item.get("title") or ""),
                    _when(item.get("createdAt")),
                    str(item.get("url") or ""),
                    str(item.get("bodyText") or ""),
                )
            )
    return out


def fetch_open_issues(client: httpx.Client, url: str, names: Sequence[str]) -> IssueBatch:
    """The newest open issues of `names` in one query (a separate query from the facts: it
    runs only for repositories whose papers a request would concern)."""
    body, batch = _post(client, url, *build_issue_query(names))
    if body is None:
        return IssueBatch(
            {},
            batch.failure,
            batch.reason,
            batch.http_status,
            batch.cost,
            batch.remaining,
            None,
            batch.reset_at,
        )
    data = body.get("data")
    data = data if isinstance(data, dict) else {}
    rate = data.get("rateLimit")
    rate = rate if isinstance(rate, dict) else {}
    limit = rate.get("limit") if isinstance(rate.get("limit"), int) else None
    issues: dict[str, list[IssueNode] | None] = {}
    for name, node, _ in _aliases(names, body):
        issues[name] = _issue_nodes(node) if isinstance(node, dict) else None
    return IssueBatch(issues, None, "", 200, batch.cost, batch.remaining, limit, batch.reset_at)
