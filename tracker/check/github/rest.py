"""REST transport through PyGithub, for runs without a token (GraphQL needs one) and `--rest`.

Fewest calls per repository: the repository itself (conditional on the stored ETag: a 304 ends
the check and costs no quota), the newest commit (date and tree), the recursive tree, and then
only what the tree says exists: the README, `.gitattributes`; plus one page of releases
(`per_page=1`: the `Link: rel="last"` page number is the count). The facts are cut to what
the GraphQL query sees (tree depth, topics, assets) so both transports agree exactly.

PyGithub runs with the shared policy's retry (`tracker.http.pygithub_retry`) instead of its
`GithubRetry`, whose unbounded secondary-limit sleeps would hide a rate limit from the run, and
without its 0.25 s pause between requests: requests are already serial, as GitHub asks, and
rate limits are handled by the runner from the headers.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from github import Auth, Github, GithubException
from github.Requester import Requester

from tracker.check.evidence import (
    EVIDENCE_FILES,
    MAX_FILE_CHARS,
    derive,
    docs_to_read,
    found,
    lfs_patterns,
)
from tracker.check.github.graphql import MAX_ASSETS, MAX_TOPICS
from tracker.http import HttpPolicy, pygithub_retry
from tracker.models import CheckResult, DueRepo, ReleaseAsset, RepoFacts, RepoStatus
from tracker.tree import tree_paths

_LAST_PAGE = re.compile(r'[?&]page=(\d+)[^>]*>;\s*rel="last"')


@dataclass(frozen=True)
class RestAnswer:
    """One repository's result plus what the run needs to pace itself."""

    result: CheckResult | None
    """None when the check must be retried later (rate limited, no network)."""
    requests: int = 0
    points: int = 0
    """Requests that counted against the primary limit (304s do not)."""
    headers: dict[str, str] | None = None
    """Headers of the last answer, for `x-ratelimit-*` and `Retry-After`."""
    no_network: bool = False
    reason: str = ""
    bad_token: bool = False
    """GitHub refused the token (401): a configuration error, for every repository alike."""


def make_github(api_url: str, token: str | None, policy: HttpPolicy) -> Github:
    auth = Auth.Token(token) if token else None
    return Github(
        auth=auth,
        base_url=api_url.rstrip("/"),
        timeout=int(max(1, policy.timeout_s)),
        retry=pygithub_retry(policy),
        seconds_between_requests=None,
        per_page=100,
    )


class Unusable(ValueError):
    """An answer that is not what was asked: a body that is not JSON (an HTML page, cut-off
    UTF-8), or a redirect PyGithub will not follow (another host or scheme, a loop)."""


class _Calls:
    """Counts requests and quota for one repository's check, and keeps the last answer's
    status: a 304 and a 200 whose body is empty or `null` both come back as None."""

    def __init__(self, gh: Github) -> None:
        self.gh = gh
        self.requests = 0
        self.points = 0
        self.headers: dict[str, str] = {}
        self.status: int | None = None

    def get(self, url: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        self.requests += 1
        try:
            status, hdrs, body = self.gh.requester.requestJson(
                "GET", url, parameters=params or None, headers=headers
            )
        except RecursionError:  # PyGithub follows same-host 301s by recursion, without a limit
            raise Unusable("redirect loop") from None
        except RuntimeError as exc:  # PyGithub's refusal of a redirect to another host
            if "redirected" not in str(exc):
                raise
            raise Unusable(str(exc).split(",")[0].replace("Github server r", "r")) from None
        self.status = status
        self.headers = {k.lower(): str(v) for k, v in hdrs.items()}
        self.points += 0 if status == 304 else 1
        if 300 <= status < 400 and status != 304:  # not followed: PyGithub follows only 301
            where = urlsplit(self.headers.get("location", ""))
            raise Unusable(f"HTTP {status} redirect to {where.netloc}{where.path}"[:300])
        data = _json(body, status)
        if status >= 400:
            raise Requester.createException(status, hdrs, data)
        return data


def _json(body: str, status: int) -> Any:
    """The answer's JSON (None for an empty body); an error status may carry any text."""
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        if status >= 400:
            return {"message": body[:300]}
        raise Unusable(f"HTTP {status} answer is not JSON") from None


def _cannot_connect(exc: Exception) -> bool:
    """DNS failure or refused connection (as opposed to a dropped one): the network is down."""
    text = repr(exc)
    return "NewConnectionError" in text or "NameResolutionError" in text


def _when(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None


def _message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    return str(data.get("message") or "")[:300]


def _is_rate_limit(exc: GithubException) -> bool:
    headers = {k.lower(): str(v) for k, v in (exc.headers or {}).items()}
    if exc.status == 429:
        return True
    return exc.status == 403 and (
        headers.get("x-ratelimit-remaining") == "0"
        or "retry-after" in headers
        or "rate limit" in _message(exc).lower()
    )


def _failure(target: str, exc: GithubException) -> CheckResult:
    status, message = exc.status, _message(exc)
    if status in (404, 410):
        return CheckResult(target, RepoStatus.NOT_FOUND, f"HTTP {status} {message}".strip(), status)
    if status == 451:
        return CheckResult(target, RepoStatus.BLOCKED, f"HTTP 451 {message}".strip(), 451)
    if status in (401, 403):
        return CheckResult(target, RepoStatus.FORBIDDEN, f"HTTP {status} {message}".strip(), status)
    return CheckResult(target, RepoStatus.UNKNOWN, f"HTTP {status} {message}".strip(), status)


def _release_count(calls: _Calls, page: list[Any]) -> int:
    m = _LAST_PAGE.search(calls.headers.get("link", ""))
    return int(m.group(1)) if m else len(page)


def _text(blob: dict[str, Any] | None) -> str:
    if not blob or blob.get("encoding") != "base64" or not blob.get("content"):
        return ""
    return base64.b64decode(blob["content"]).decode("utf-8", errors="replace")


def _docs(
    calls: _Calls, base: str, readme: str, paths: tuple[str, ...], full_name: str
) -> tuple[tuple[str, str], ...]:
    """The documents the README links (`docs_to_read`); one that fails to read stays unread."""
    out = []
    for path in docs_to_read(readme, paths, full_name):
        try:
            blob = calls.get(f"{base}/contents/{quote(path)}")
        except (GithubException, Unusable, requests.exceptions.RequestException):
            continue
        if isinstance(blob, dict) and blob.get("encoding") == "base64":
            out.append((path, _text(blob)[:MAX_FILE_CHARS]))
    return tuple(out)


def _facts(calls: _Calls, repo: dict[str, Any]) -> tuple[RepoFacts, bool]:
    """Facts after the repository JSON; second value is True for an empty repository."""
    base = f"/repos/{repo['full_name']}"
    try:
        commits = calls.get(f"{base}/commits", per_page=1)
    except GithubException as exc:
        if exc.status != 409:
            raise
        commits = []
    head = commits[0] if commits else None
    paths: tuple[str, ...] = ()
    files: tuple[tuple[str, str], ...] = ()
    readme: dict[str, Any] | None = None
    attributes: dict[str, Any] | None = None
    if head is not None:
        tree_sha = head["commit"]["tree"]["sha"]
        paths = tree_paths(calls.get(f"{base}/git/trees/{tree_sha}", recursive=1))
        if any(p.lower().startswith("readme") and "/" not in p for p in paths):
            readme = calls.get(f"{base}/readme")
        if ".gitattributes" in paths:
            attributes = calls.get(f"{base}/contents/.gitattributes")
        files = tuple(
            (name, _text(calls.get(f"{base}/contents/{name}"))[:MAX_FILE_CHARS])
            for name in EVIDENCE_FILES
            if name in paths
        )
        files += _docs(calls, base, _text(readme), paths, repo["full_name"])
    releases = calls.get(f"{base}/releases", per_page=1)
    latest = releases[0] if releases else {}
    lic = repo.get("license") or {}
    facts = RepoFacts(
        full_name=repo["full_name"],
        stars=int(repo.get("stargazers_count") or 0),
        forks=int(repo.get("forks_count") or 0),
        watchers=int(repo.get("subscribers_count") or 0),
        open_issues=int(repo.get("open_issues_count") or 0),
        description=repo.get("description") or "",
        homepage=repo.get("homepage") or "",
        topics=tuple(repo.get("topics") or ())[:MAX_TOPICS],
        language=repo.get("language"),
        created_at=_when(repo.get("created_at")),
        pushed_at=_when(repo.get("pushed_at")),
        last_commit_at=_when(head["commit"]["committer"]["date"]) if head else None,
        default_branch=repo.get("default_branch") if head else None,
        archived=bool(repo.get("archived")),
        disabled=bool(repo.get("disabled")),
        is_fork=bool(repo.get("fork")),
        parent=(repo.get("parent") or {}).get("full_name"),
        license_spdx=lic.get("spdx_id") or None,
        releases_count=_release_count(calls, releases) if releases else 0,
        latest_release_tag=latest.get("tag_name"),
        latest_release_at=_when(latest.get("published_at") or latest.get("created_at")),
        assets=tuple(
            ReleaseAsset(a["name"], int(a["size"]), int(a["download_count"]))
            for a in (latest.get("assets") or [])[:MAX_ASSETS]
        ),
        readme_size=(readme or {}).get("size"),
        readme_sha=(readme or {}).get("sha"),
        readme_text=_text(readme),
        tree_paths=paths,
        lfs_patterns=lfs_patterns(_text(attributes)) if attributes else (),
        head_oid=head["sha"] if head else None,
        files=files,
    )
    return derive(facts, empty=head is None), head is None


def refused_everywhere(gh: Github) -> str | None:
    """After a repository answered 403 without a rate limit: whether GitHub refuses this
    client everything (a token without access, an organization's SSO or IP allow list), asked
    of `/rate_limit`, which is free and answers any client GitHub serves at all. None when it
    answers: the 403 was that repository's own."""
    try:
        status, _, _ = gh.requester.requestJson("GET", "/rate_limit")
    except (requests.exceptions.RequestException, RuntimeError):
        return None
    if status not in (401, 403):
        return None
    return (
        f"GitHub answered {status} to every request, not only for one repository: check"
        " GITHUB_TOKEN (its access, SSO authorization) and that this network may reach the API"
    )


def fetch_rest(gh: Github, due: DueRepo) -> RestAnswer:
    """Check one repository over REST; conditional on `due.etag`/`due.last_modified`."""
    calls = _Calls(gh)
    headers = {}
    if due.etag:
        headers["If-None-Match"] = due.etag
    elif due.last_modified:
        headers["If-Modified-Since"] = due.last_modified
    try:
        repo = calls.get(f"/repos/{due.name}", headers=headers or None)
        if calls.status == 304:
            result = CheckResult(
                due.key,
                RepoStatus.OK,
                "not modified",
                304,
                unchanged=True,
                etag=due.etag,
                last_modified=due.last_modified,
            )
            return RestAnswer(result, calls.requests, calls.points, calls.headers)
        etag, modified = calls.headers.get("etag"), calls.headers.get("last-modified")
        if not isinstance(repo, dict) or not repo.get("full_name"):
            raise Unusable(f"HTTP {calls.status} answer is not a repository")
    except GithubException as exc:
        return _repo_error(due, calls, exc)
    except requests.exceptions.RequestException as exc:
        if _cannot_connect(exc):
            why = "cannot connect (no network)"
            return RestAnswer(None, calls.requests, calls.points, None, no_network=True, reason=why)
        result = CheckResult(due.key, RepoStatus.UNKNOWN, f"request failed ({type(exc).__name__})")
        return RestAnswer(result, calls.requests, calls.points, None)
    except ValueError as exc:
        why = f"malformed answer: {exc}" if isinstance(exc, Unusable) else "malformed JSON answer"
        result = CheckResult(due.key, RepoStatus.UNKNOWN, why)
        return RestAnswer(result, calls.requests, calls.points, None)
    return _with_facts(due, calls, repo, etag, modified)


def _repo_error(due: DueRepo, calls: _Calls, exc: GithubException) -> RestAnswer:
    """The repository's own endpoint failed: that answer is its status (404 dead, 451
    blocked...), a rate limit waits, and a 401 is the token's fault, not the repository's."""
    if _is_rate_limit(exc):
        why = f"HTTP {exc.status} rate limited"
        return RestAnswer(None, calls.requests, calls.points, calls.headers, reason=why)
    if exc.status == 401:
        why = f"GitHub answered 401 {_message(exc) or 'Bad credentials'}: check GITHUB_TOKEN"
        return RestAnswer(
            None, calls.requests, calls.points, calls.headers, bad_token=True, reason=why
        )
    return RestAnswer(_failure(due.key, exc), calls.requests, calls.points, calls.headers)


def _with_facts(
    due: DueRepo, calls: _Calls, repo: dict[str, Any], etag: str | None, modified: str | None
) -> RestAnswer:
    """The facts below a repository that answered. A failing sub-request (releases, tree,
    README...) or a malformed answer there makes this check UNKNOWN, never the repository's
    status: only its own endpoint says whether it exists."""
    try:
        facts, empty = _facts(calls, repo)
    except GithubException as exc:
        if _is_rate_limit(exc) or exc.status == 401:
            return _repo_error(due, calls, exc)
        why = f"partial answer: a sub-request answered HTTP {exc.status} {_message(exc)}".strip()
        result = CheckResult(due.key, RepoStatus.UNKNOWN, why)
        return RestAnswer(result, calls.requests, calls.points, calls.headers)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        why = f": {exc}" if isinstance(exc, Unusable) else ""
        result = CheckResult(
            due.key, RepoStatus.UNKNOWN, f"partial answer: malformed sub-answer{why}"
        )
        return RestAnswer(result, calls.requests, calls.points, calls.headers)
    except requests.exceptions.RequestException as exc:
        result = CheckResult(due.key, RepoStatus.UNKNOWN, f"request failed ({type(exc).__name__})")
        return RestAnswer(result, calls.requests, calls.points, None)
    return RestAnswer(
        _result(due.key, facts, empty, etag, modified), calls.requests, calls.points, calls.headers
    )


def _result(
    target: str, facts: RepoFacts, empty: bool, etag: str | None, modified: str | None
) -> CheckResult:
    return found(target, facts, empty=empty, etag=etag, last_modified=modified)
