"""Bitbucket Cloud, through the REST API 2.0.

The API lives on its own host: a link to `bitbucket.org/workspace/repo` is asked of
`https://api.bitbucket.org/2.0`, so `--connect-to api.bitbucket.org=ORIGIN` is what routes this
checker to an emulator, and the token (`BITBUCKET_TOKEN`, configured under `bitbucket.org`,
sent as `Authorization: Bearer`) goes to api.bitbucket.org alone.

Per repository: `GET /repositories/:workspace/:slug`, the tree of its main branch
(`/src/:branch/?max_depth=`, paged by `next` links, followed only while they stay on the API),
the README and the evidence files (`/src/:branch/:path`), and the files uploaded to its
Downloads, kept as release assets (Bitbucket has no releases; checkpoints are put there). A
repository without a `mainbranch` has no commit: empty. Bitbucket reports no license and no
stars: the license is None (the flag run reads the LICENSE files of the evidence) and stars 0.
A redirect that stays on the API's `/repositories/` (a renamed repository) is followed once
and the result is `moved`; rate limits come as `429` with `Retry-After`, handled by the policy.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

from tracker.check.api import ApiChecker, HostClient, Partial, need, parse_time, read_files
from tracker.check.evidence import (
    derive,
    found,
    with_files,
)
from tracker.hosts import Host, host_name, path_of
from tracker.models import CheckResult, DueRepo, ReleaseAsset, RepoFacts, RepoStatus
from tracker.tree import MAX_TREE_PATHS

API = "https://api.bitbucket.org/2.0"
PAGELEN = 100
"""Bitbucket's ceiling per page of a directory listing."""
MAX_TREE_PAGES = 100
"""A tree of more than 10,000 entries is read in part: source found is still source."""
MAX_DEPTH = 10
"""Folders nested deeper are listed but not read: the evidence says so by their emptiness."""


class BitbucketChecker(ApiChecker):
    """Repositories on Bitbucket Cloud."""

    host: ClassVar[Host] = Host.BITBUCKET
    name: ClassVar[str] = "bitbucket"
    default_api: ClassVar[str] = API
    """The same API whatever the link host (`bitbucket.org`): `client()` asks it, with the
    token configured for `bitbucket.org`."""

    def check(self, target: DueRepo) -> CheckResult:
        api = self.client(host_name(target.key))
        answer = api.moved(api.get_json(_repo_path(path_of(target.name))), "/repositories/")
        if not answer.ok:
            return self.failed(target, answer)
        repo = answer.data
        if not isinstance(repo, dict) or not repo.get("full_name"):
            why = "answered JSON that is no repository"
            return self.result(target, RepoStatus.UNKNOWN, why, 200)
        return self._facts(api, target, repo)

    def _facts(self, api: HostClient, target: DueRepo, r: dict[str, Any]) -> CheckResult:
        host = host_name(target.key)
        base = _repo_path(str(r["full_name"]))
        branch = (r.get("mainbranch") or {}).get("name") or None
        empty = branch is None
        paths: tuple[str, ...] = () if branch is None else _tree(api, base, branch)
        texts = {} if branch is None else _files(api, base, branch, paths)
        parent = (r.get("parent") or {}).get("full_name")
        facts = RepoFacts(
            full_name=f"{host}/{r['full_name']}",
            description=str(r.get("description") or ""),
            homepage=str(r.get("website") or ""),
            language=r.get("language") or None,
            created_at=parse_time(r.get("created_on")),
            pushed_at=parse_time(r.get("updated_on")),
            default_branch=branch,
            is_fork=parent is not None,
            parent=f"{host}/{parent}" if parent else None,
            license_spdx=None,
            assets=_downloads(api, base),
        )
        facts = with_files(facts, paths, texts)
        return found(target.key, derive(facts, empty=empty), empty=empty)


def _repo_path(full_name: str) -> str:
    workspace, _, slug = full_name.partition("/")
    return f"/repositories/{quote(workspace, safe='')}/{quote(slug, safe='')}"


def _tree(api: HostClient, base: str, branch: str) -> tuple[str, ...]:
    """Every path of the branch down to `MAX_DEPTH` (folders end in `/`), page by page. A
    `next` link that leaves the API is not followed: the tree is unknown, not smaller."""
    paths: list[str] = []
    path = f"{base}/src/{quote(branch, safe='')}/"
    params: dict[str, Any] | None = {"max_depth": MAX_DEPTH, "pagelen": PAGELEN}
    for _ in range(MAX_TREE_PAGES):
        data = need(api.get_json(path, params), "tree")
        for item in data.get("values") or ():
            folder = item.get("type") == "commit_directory"
            paths.append(str(item["path"]).rstrip("/") + ("/" if folder else ""))
        following = data.get("next")
        if not following or len(paths) >= MAX_TREE_PATHS:
            break
        relative = api.relative(str(following))
        if relative is None:
            raise Partial("partial answer: tree paging link leads off the API")
        path, params = relative, None
    return tuple(paths[:MAX_TREE_PATHS])


def _files(api: HostClient, base: str, branch: str, paths: tuple[str, ...]) -> dict[str, str]:
    """The README and evidence files the tree holds, by path."""
    at = quote(branch, safe="")
    return read_files(api, paths, lambda path: (f"{base}/src/{at}/{quote(path)}", None))


def _downloads(api: HostClient, base: str) -> tuple[ReleaseAsset, ...]:
    """The files uploaded to the repository's Downloads (the first page: the newest)."""
    data = need(api.get_json(f"{base}/downloads", {"pagelen": PAGELEN}), "downloads")
    return tuple(
        ReleaseAsset(
            str(d.get("name") or ""), int(d.get("size") or 0), int(d.get("downloads") or 0)
        )
        for d in data.get("values") or ()
    )[:50]
