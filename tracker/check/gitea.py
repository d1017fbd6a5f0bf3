"""Gitea and Forgejo (Codeberg, gitea.com and self-hosted instances), through the API v1.

Per repository: `GET /repos/:owner/:repo`, the licenses Gitea detected (`/licenses`, recent
Gitea only: a 404 there is an instance without it, so the license is unknown rather than the
check failed), the whole tree (`/git/trees/:branch?recursive=true`, paged: `page`,
`total_count`, `truncated`), the README and the evidence files (`/raw/:path?ref=`), and the
releases with their attachments. A renamed or transferred repository answers its old name with
a redirect to the new `/repos/...` (Gitea sends 307): that one redirect is followed and the
result is `moved`. An empty repository (`empty`) has no tree to read. A token
(`CODEBERG_TOKEN`, for codeberg.org only) goes in `Authorization: token`.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

from tracker.check.api import ApiChecker, HostClient, need, parse_time, read_files
from tracker.check.evidence import (
    derive,
    found,
    with_files,
)
from tracker.extract.licenses import spdx_of
from tracker.hosts import Host, host_name, path_of
from tracker.models import CheckResult, DueRepo, ReleaseAsset, RepoFacts, RepoStatus
from tracker.tree import MAX_TREE_PATHS

PER_PAGE = 1000
"""Gitea's own ceiling per tree page (`DefaultGitTreesPerPage`); an instance set lower answers
fewer per page, and the paging by `page` and `total_count` still reads them all."""
MAX_TREE_PAGES = 100
MAX_RELEASES = 20


class GiteaChecker(ApiChecker):
    """Repositories on Gitea and Forgejo instances."""

    host: ClassVar[Host] = Host.GITEA
    name: ClassVar[str] = "gitea"
    default_api: ClassVar[str] = "https://{host}/api/v1"

    def auth_headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"token {token}"}

    def check(self, target: DueRepo) -> CheckResult:
        host = host_name(target.key)
        api = self.client(host)
        answer = api.moved(api.get_json(_repo_path(path_of(target.name))), "/repos/")
        if not answer.ok:
            return self.failed(target, answer)
        repo = answer.data
        if not isinstance(repo, dict) or not repo.get("full_name"):
            return self.result(
                target, RepoStatus.UNKNOWN, "answered JSON that is no repository", 200
            )
        return self._facts(api, host, target, repo)

    def _facts(self, api: HostClient, host: str, target: DueRepo, r: dict[str, Any]) -> CheckResult:
        base = _repo_path(str(r["full_name"]))
        empty = bool(r.get("empty"))
        branch = r.get("default_branch") or None
        paths: tuple[str, ...] = () if empty or not branch else _tree(api, base, branch)
        texts = _files(api, base, branch, paths) if paths and branch else {}
        releases = need(api.get_json(f"{base}/releases", {"limit": MAX_RELEASES}), "releases")
        latest = releases[0] if releases else {}
        parent = (r.get("parent") or {}).get("full_name") if r.get("fork") else None
        facts = RepoFacts(
            full_name=f"{host}/{r['full_name']}",
            stars=int(r.get("stars_count") or 0),
            forks=int(r.get("forks_count") or 0),
            watchers=int(r.get("watchers_count") or 0),
            open_issues=int(r.get("open_issues_count") or 0),
            description=str(r.get("description") or ""),
            homepage=str(r.get("website") or ""),
            topics=_topics(api, base, r),
            language=r.get("language") or None,
            created_at=parse_time(r.get("created_at")),
            pushed_at=parse_time(r.get("updated_at")),
            default_branch=branch,
            archived=bool(r.get("archived")),
            is_fork=bool(r.get("fork")),
            parent=f"{host}/{parent}" if parent else None,
            license_spdx=_license(api, base, r),
            releases_count=len(releases),
            latest_release_tag=latest.get("tag_name"),
            latest_release_at=parse_time(latest.get("published_at") or latest.get("created_at")),
            assets=_assets(latest),
        )
        facts = with_files(facts, paths, texts)
        return found(target.key, derive(facts, empty=empty), empty=empty)


def _repo_path(full_name: str) -> str:
    owner, _, name = full_name.partition("/")
    return f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"


def _tree(api: HostClient, base: str, branch: str) -> tuple[str, ...]:
    """Every path of the branch (folders end in `/`), page by page. Gitea before 1.22 marks
    every page of a long tree `truncated`, so the end is where `total_count` is reached."""
    paths: list[str] = []
    url = f"{base}/git/trees/{quote(branch, safe='')}"
    for page in range(1, MAX_TREE_PAGES + 1):
        params = {"recursive": "true", "per_page": PER_PAGE, "page": page}
        data = need(api.get_json(url, params), "tree")
        items = data.get("tree") or ()
        for item in items:
            folder = item.get("type") == "tree"
            paths.append(str(item["path"]) + ("/" if folder else ""))
        total = data.get("total_count")
        more = len(paths) < total if isinstance(total, int) else bool(data.get("truncated"))
        if not items or not more or len(paths) >= MAX_TREE_PATHS:
            break
    return tuple(paths[:MAX_TREE_PATHS])


def _files(api: HostClient, base: str, branch: str, paths: tuple[str, ...]) -> dict[str, str]:
    """The README and evidence files the tree holds, by path."""
    return read_files(api, paths, lambda path: (f"{base}/raw/{quote(path)}", {"ref": branch}))


def _license(api: HostClient, base: str, r: dict[str, Any]) -> str | None:
    """The first license Gitea recognised (`NOASSERTION` for an id we do not know), None when
    it found none or the instance does not detect licenses (no `/licenses`: a 404)."""
    ids = r.get("licenses")
    if not isinstance(ids, list):
        answer = api.get_json(f"{base}/licenses")
        if answer.status == 404:
            return None
        ids = need(answer, "licenses")
    names = [str(x) for x in ids or () if x]
    if not names:
        return None
    return next((s for s in map(spdx_of, names) if s), "NOASSERTION")


def _topics(api: HostClient, base: str, r: dict[str, Any]) -> tuple[str, ...]:
    """The repository's topics: in its own answer on current instances, else `/topics`
    (informational: one that cannot be read leaves none)."""
    topics = r.get("topics")
    if not isinstance(topics, list):
        answer = api.get_json(f"{base}/topics")
        topics = (answer.data or {}).get("topics") if answer.ok else None
    return tuple(str(t) for t in topics or ())[:20]


def _assets(release: dict[str, Any]) -> tuple[ReleaseAsset, ...]:
    """A release's attachments, with their sizes and download counts."""
    return tuple(
        ReleaseAsset(
            str(a.get("name") or ""), int(a.get("size") or 0), int(a.get("download_count") or 0)
        )
        for a in release.get("assets") or ()
    )[:50]
