"""GitLab (gitlab.com and self-hosted instances), through the REST API v4.

Per project: `GET /projects/:path` (with `license=true`), the whole tree
(`/repository/tree?recursive=true`, paged), the README and the evidence files
(`/repository/files/:path/raw`), and the releases. A project renamed or moved answers its old
path with `301` to `/projects/:id` (GitLab redirects API requests since 16.x): that one redirect
is followed and the result is `moved`. An empty repository (`empty_repo`) has no tree to read.
A token (`GITLAB_TOKEN`, for gitlab.com only) goes in `Authorization: Bearer`.
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

PER_PAGE = 100
MAX_TREE_PAGES = 100
"""A tree of more than 10,000 entries is read in part: source found is still source."""
MAX_RELEASES = 20


class GitLabChecker(ApiChecker):
    """Projects on GitLab instances."""

    host: ClassVar[Host] = Host.GITLAB
    name: ClassVar[str] = "gitlab"
    default_api: ClassVar[str] = "https://{host}/api/v4"

    def check(self, target: DueRepo) -> CheckResult:
        host = host_name(target.key)
        api = self.client(host)
        answer = api.get_json(f"/projects/{quote(path_of(target.name), safe='')}", _LICENSE)
        answer = api.moved(answer, "/projects/")
        if not answer.ok:
            return self.failed(target, answer)
        project = answer.data
        if not isinstance(project, dict) or not project.get("path_with_namespace"):
            return self.result(target, RepoStatus.UNKNOWN, "answered JSON that is no project", 200)
        return self._facts(api, host, target, project)

    def _facts(self, api: HostClient, host: str, target: DueRepo, p: dict[str, Any]) -> CheckResult:
        pid = p["id"]
        empty = bool(p.get("empty_repo"))
        branch = p.get("default_branch") or None
        paths: tuple[str, ...] = () if empty else _tree(api, pid, branch)
        texts = {} if empty else _files(api, pid, branch, paths)
        releases = need(
            api.get_json(f"/projects/{pid}/releases", {"per_page": MAX_RELEASES}), "releases"
        )
        latest = releases[0] if releases else {}
        parent = (p.get("forked_from_project") or {}).get("path_with_namespace")
        lic = p.get("license") or {}
        facts = RepoFacts(
            full_name=f"{host}/{p['path_with_namespace']}",
            stars=int(p.get("star_count") or 0),
            forks=int(p.get("forks_count") or 0),
            open_issues=int(p.get("open_issues_count") or 0),
            description=str(p.get("description") or ""),
            homepage=str(p.get("web_url") or ""),
            topics=tuple(str(t) for t in p.get("topics") or p.get("tag_list") or ())[:20],
            created_at=parse_time(p.get("created_at")),
            pushed_at=parse_time(p.get("last_activity_at")),
            default_branch=branch,
            archived=bool(p.get("archived")),
            is_fork=parent is not None,
            parent=f"{host}/{parent}" if parent else None,
            license_spdx=(spdx_of(lic.get("key") or "") or "NOASSERTION") if lic else None,
            releases_count=len(releases),
            latest_release_tag=latest.get("tag_name"),
            latest_release_at=parse_time(latest.get("released_at")),
            assets=_assets(latest),
        )
        facts = with_files(facts, paths, texts)
        return found(target.key, derive(facts, empty=empty), empty=empty)


_LICENSE = {"license": "true"}


def _tree(api: HostClient, pid: int, branch: str | None) -> tuple[str, ...]:
    """Every path of the default branch (folders end in `/`), page by page."""
    paths: list[str] = []
    params: dict[str, Any] = {"recursive": "true", "per_page": PER_PAGE}
    if branch:
        params["ref"] = branch
    for page in range(1, MAX_TREE_PAGES + 1):
        answer = api.get_json(f"/projects/{pid}/repository/tree", {**params, "page": page})
        if answer.status == 404 and page == 1:
            return ()  # a project whose repository was never pushed
        items = need(answer, "tree")
        for item in items:
            folder = item.get("type") == "tree"
            paths.append(str(item["path"]) + ("/" if folder else ""))
        following = answer.headers.get("x-next-page", "")
        if not following or len(paths) >= MAX_TREE_PATHS:
            break
    return tuple(paths[:MAX_TREE_PATHS])


def _files(api: HostClient, pid: int, branch: str | None, paths: tuple[str, ...]) -> dict[str, str]:
    """The README and evidence files the tree holds, by path."""
    ref = {"ref": branch or "HEAD"}
    return read_files(
        api,
        paths,
        lambda path: (f"/projects/{pid}/repository/files/{quote(path, safe='')}/raw", ref),
    )


def _assets(release: dict[str, Any]) -> tuple[ReleaseAsset, ...]:
    """A release's uploaded links (GitLab keeps no sizes for links: 0)."""
    links = (release.get("assets") or {}).get("links") or ()
    return tuple(ReleaseAsset(str(x.get("name") or ""), 0, 0) for x in links)[:50]
