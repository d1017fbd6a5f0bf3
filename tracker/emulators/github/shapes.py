"""JSON shapes of GitHub's REST API (v3, API version 2022-11-28), built from scenario objects.

Field names and nesting follow api.github.com so PyGithub and raw-HTTP clients read them as
they read the real service. URLs to the API point at the emulator (clients follow them);
`html_url`s stay on github.com, as users would see them.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any

from .scenario import (
    LICENSE_PREFIXES,
    LICENSES,
    README_PREFIXES,
    Blob,
    Commit,
    Release,
    Repo,
    RepoState,
    at_time,
    iso,
    root_file,
)

WEB = "https://github.com"
DOCS = "https://docs.github.com/rest"


def account_id(login: str) -> int:
    return int(hashlib.sha1(login.lower().encode()).hexdigest()[:7], 16)


def node_id(prefix: str, number: int) -> str:
    return prefix + base64.b64encode(f"emu:{number}".encode()).decode().rstrip("=")


def error(message: str, doc: str = "", status: int = 404, **extra: Any) -> dict[str, Any]:
    return {"message": message, "documentation_url": f"{DOCS}{doc}", "status": str(status), **extra}


def owner_json(api: str, login: str, kind: str = "User") -> dict[str, Any]:
    aid = account_id(login)
    url = f"{api}/users/{login}"
    return {
        "login": login,
        "id": aid,
        "node_id": node_id("U_" if kind == "User" else "O_", aid),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{aid}?v=4",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{WEB}/{login}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": kind,
        "user_view_type": "public",
        "site_admin": False,
    }


def license_file(head: Commit | None) -> Blob | None:
    name = root_file(head.files, LICENSE_PREFIXES) if head else None
    return head.files[name] if head and name else None


def readme_file(head: Commit | None) -> Blob | None:
    name = root_file(head.files, README_PREFIXES) if head else None
    return head.files[name] if head and name else None


def license_info(repo: Repo, head: Commit | None) -> dict[str, Any] | None:
    """GitHub detects the license from the default branch: no file, no license."""
    if license_file(head) is None:
        return None
    spdx = repo.license or "NOASSERTION"
    key, name = LICENSES.get(spdx, LICENSES["NOASSERTION"])
    if spdx not in LICENSES:
        spdx = "NOASSERTION"
    return {"spdx": spdx, "key": key, "name": name}


def license_json(api: str, repo: Repo, head: Commit | None) -> dict[str, Any] | None:
    info = license_info(repo, head)
    if info is None:
        return None
    return {
        "key": info["key"],
        "name": info["name"],
        "spdx_id": info["spdx"],
        "url": None if info["key"] == "other" else f"{api}/licenses/{info['key']}",
        "node_id": node_id("MDc6TGljZW5zZ", account_id(info["key"])),
    }


def owner_kind(accounts: dict[str, Any], login: str) -> str:
    acc = accounts.get(login.lower())
    return acc.get("type", "User") if acc else "User"


def repo_json(
    api: str,
    repo: Repo,
    st: RepoState,
    now: datetime,
    accounts: dict[str, Any],
    parent: dict[str, Any] | None = None,
    full: bool = True,
) -> dict[str, Any]:
    """The repository object; `full` adds what only GET /repos/{o}/{r} returns."""
    fn = st.full_name
    url = f"{api}/repos/{fn}"
    head = repo.head(now)
    spec = repo.spec
    stars = int(repo.value("stars", now))
    forks = int(repo.value("forks", now))
    open_issues = int(repo.value("open_issues", now))
    kind = owner_kind(accounts, st.owner)
    d: dict[str, Any] = {
        "id": repo.id,
        "node_id": node_id("R_", repo.id),
        "name": st.name,
        "full_name": fn,
        "private": st.private,
        "owner": owner_json(api, st.owner, kind),
        "html_url": f"{WEB}/{fn}",
        "description": repo.value("description", now, None),
        "fork": bool(spec.get("fork", False)),
        "url": url,
        **_repo_urls(url),
        "created_at": iso(repo.created_at),
        "updated_at": iso(repo.updated_at(now)),
        "pushed_at": iso(repo.pushed_at(now)),
        "git_url": f"git://github.com/{fn}.git",
        "ssh_url": f"git@github.com:{fn}.git",
        "clone_url": f"{WEB}/{fn}.git",
        "svn_url": f"{WEB}/{fn}",
        "homepage": spec.get("homepage"),
        "size": sum(b.size for b in head.files.values()) // 1024 if head else 0,
        "stargazers_count": stars,
        "watchers_count": stars,
        "language": spec.get("language"),
        "has_issues": True,
        "has_projects": True,
        "has_downloads": True,
        "has_wiki": True,
        "has_pages": False,
        "has_discussions": False,
        "forks_count": forks,
        "mirror_url": None,
        "archived": st.archived,
        "disabled": st.disabled,
        "open_issues_count": open_issues,
        "license": license_json(api, repo, head),
        "allow_forking": True,
        "is_template": False,
        "web_commit_signoff_required": False,
        "topics": list(repo.value("topics", now, [])),
        "visibility": "private" if st.private else "public",
        "forks": forks,
        "open_issues": open_issues,
        "watchers": stars,
        "default_branch": repo.default_branch,
    }
    if full:
        d["network_count"] = forks
        d["subscribers_count"] = int(repo.value("watchers", now))
        if kind == "Organization":
            d["organization"] = owner_json(api, st.owner, kind)
        if parent is not None:
            d["parent"] = parent
            d["source"] = parent
    return d


def stub_repo_json(api: str, full_name: str) -> dict[str, Any]:
    """A parent that the scenario does not describe: enough for `parent.full_name`."""
    owner, name = full_name.split("/", 1)
    url = f"{api}/repos/{full_name}"
    rid = account_id(full_name)
    return {
        "id": rid,
        "node_id": node_id("R_", rid),
        "name": name,
        "full_name": full_name,
        "private": False,
        "owner": owner_json(api, owner),
        "html_url": f"{WEB}/{full_name}",
        "description": None,
        "fork": False,
        "url": url,
        **_repo_urls(url),
    }


def _repo_urls(url: str) -> dict[str, str]:
    names = {
        "forks_url": "/forks",
        "keys_url": "/keys{/key_id}",
        "collaborators_url": "/collaborators{/collaborator}",
        "teams_url": "/teams",
        "hooks_url": "/hooks",
        "issue_events_url": "/issues/events{/number}",
        "events_url": "/events",
        "assignees_url": "/assignees{/user}",
        "branches_url": "/branches{/branch}",
        "tags_url": "/tags",
        "blobs_url": "/git/blobs{/sha}",
        "git_tags_url": "/git/tags{/sha}",
        "git_refs_url": "/git/refs{/sha}",
        "trees_url": "/git/trees{/sha}",
        "statuses_url": "/statuses/{sha}",
        "languages_url": "/languages",
        "stargazers_url": "/stargazers",
        "contributors_url": "/contributors",
        "subscribers_url": "/subscribers",
        "subscription_url": "/subscription",
        "commits_url": "/commits{/sha}",
        "git_commits_url": "/git/commits{/sha}",
        "comments_url": "/comments{/number}",
        "issue_comment_url": "/issues/comments{/number}",
        "contents_url": "/contents/{+path}",
        "compare_url": "/compare/{base}...{head}",
        "merges_url": "/merges",
        "archive_url": "/{archive_format}{/ref}",
        "downloads_url": "/downloads",
        "issues_url": "/issues{/number}",
        "pulls_url": "/pulls{/number}",
        "milestones_url": "/milestones{/number}",
        "notifications_url": "/notifications{?since,all,participating}",
        "labels_url": "/labels{/name}",
        "releases_url": "/releases{/id}",
        "deployments_url": "/deployments",
    }
    return {k: url + v for k, v in names.items()}


def commit_json(api: str, fn: str, c: Commit, accounts: dict[str, Any]) -> dict[str, Any]:
    url = f"{api}/repos/{fn}/commits/{c.sha}"
    person = {
        "name": c.author,
        "email": f"{c.author}@users.noreply.github.com",
        "date": iso(c.date),
    }
    user = owner_json(api, c.author, owner_kind(accounts, c.author))
    return {
        "sha": c.sha,
        "node_id": node_id("C_", int(c.sha[:7], 16)),
        "commit": {
            "author": person,
            "committer": person,
            "message": c.message,
            "tree": {"sha": c.tree_sha, "url": f"{api}/repos/{fn}/git/trees/{c.tree_sha}"},
            "url": f"{api}/repos/{fn}/git/commits/{c.sha}",
            "comment_count": 0,
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        },
        "url": url,
        "html_url": f"{WEB}/{fn}/commit/{c.sha}",
        "comments_url": f"{url}/comments",
        "author": user,
        "committer": user,
        "parents": [
            {"sha": p, "url": f"{api}/repos/{fn}/commits/{p}", "html_url": f"{WEB}/{fn}/commit/{p}"}
            for p in c.parents
        ],
    }


def content_json(
    api: str, fn: str, branch: str, path: str, kind: str, sha: str, size: int
) -> dict[str, Any]:
    """One contents-API entry without its payload (as in a directory listing)."""
    url = f"{api}/repos/{fn}/contents/{path}?ref={branch}"
    git = f"{api}/repos/{fn}/git/{'trees' if kind == 'dir' else 'blobs'}/{sha}"
    html = f"{WEB}/{fn}/{'tree' if kind == 'dir' else 'blob'}/{branch}/{path}"
    download = f"https://raw.githubusercontent.com/{fn}/{branch}/{path}" if kind == "file" else None
    return {
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "size": size if kind == "file" else 0,
        "url": url,
        "html_url": html,
        "git_url": git,
        "download_url": download,
        "type": kind,
        "_links": {"self": url, "git": git, "html": html},
    }


def file_json(api: str, fn: str, branch: str, blob: Blob) -> dict[str, Any]:
    """A file with its base64 content, wrapped at 60 columns; over 1 MB: encoding "none"."""
    d = content_json(api, fn, branch, blob.path, "file", blob.sha, blob.size)
    data = blob.data()
    if data is None:
        d.update(content="", encoding="none")
    else:
        b64 = base64.b64encode(data).decode()
        d.update(
            content="".join(b64[i : i + 60] + "\n" for i in range(0, len(b64), 60)),
            encoding="base64",
        )
    return d


def release_json(api: str, fn: str, r: Release, now: datetime, accounts: dict[str, Any]):
    url = f"{api}/repos/{fn}/releases/{r.id}"
    owner = fn.split("/", 1)[0]
    author = owner_json(api, owner, owner_kind(accounts, owner))
    return {
        "url": url,
        "assets_url": f"{url}/assets",
        "upload_url": f"https://uploads.github.com/repos/{fn}/releases/{r.id}/assets{{?name,label}}",
        "html_url": f"{WEB}/{fn}/releases/tag/{r.tag}",
        "id": r.id,
        "author": author,
        "node_id": node_id("RE_", r.id),
        "tag_name": r.tag,
        "target_commitish": "main",
        "name": r.name,
        "draft": r.draft,
        "immutable": False,
        "prerelease": r.prerelease,
        "created_at": iso(r.date),
        "updated_at": iso(r.date),
        "published_at": iso(r.date),
        "assets": [asset_json(api, fn, r, i, a, now, author) for i, a in enumerate(r.assets)],
        "tarball_url": f"{api}/repos/{fn}/tarball/{r.tag}",
        "zipball_url": f"{api}/repos/{fn}/zipball/{r.tag}",
        "body": r.body,
    }


def asset_json(api, fn, r: Release, i: int, a: dict[str, Any], now: datetime, uploader):
    aid = r.id * 100 + i
    return {
        "url": f"{api}/repos/{fn}/releases/assets/{aid}",
        "id": aid,
        "node_id": node_id("RA_", aid),
        "name": a["name"],
        "label": a.get("label", ""),
        "uploader": uploader,
        "content_type": a.get("content_type", "application/octet-stream"),
        "state": "uploaded",
        "size": int(a.get("size", 0)),
        "digest": None,
        "download_count": int(at_time(a.get("download_count", 0), now)),
        "created_at": iso(r.date),
        "updated_at": iso(r.date),
        "browser_download_url": f"{WEB}/{fn}/releases/download/{r.tag}/{a['name']}",
    }


def user_json(api: str, acc: dict[str, Any], public_repos: int) -> dict[str, Any]:
    login = acc["login"]
    d = owner_json(api, login, acc.get("type", "User"))
    d.update(
        name=acc.get("name"),
        company=acc.get("company"),
        blog=acc.get("blog", ""),
        location=acc.get("location"),
        email=None,
        hireable=None,
        bio=acc.get("bio"),
        twitter_username=None,
        public_repos=public_repos,
        public_gists=0,
        followers=int(acc.get("followers", 0)),
        following=0,
        created_at=acc.get("created_at"),
        updated_at=acc.get("created_at"),
    )
    return d


def org_json(api: str, acc: dict[str, Any], public_repos: int) -> dict[str, Any]:
    login = acc["login"]
    url = f"{api}/orgs/{login}"
    aid = account_id(login)
    return {
        "login": login,
        "id": aid,
        "node_id": node_id("O_", aid),
        "url": url,
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events",
        "hooks_url": f"{url}/hooks",
        "issues_url": f"{url}/issues",
        "members_url": f"{url}/members{{/member}}",
        "public_members_url": f"{url}/public_members{{/member}}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{aid}?v=4",
        "description": acc.get("description"),
        "name": acc.get("name"),
        "company": None,
        "blog": acc.get("blog", ""),
        "location": acc.get("location"),
        "email": None,
        "is_verified": False,
        "has_organization_projects": True,
        "has_repository_projects": True,
        "public_repos": public_repos,
        "public_gists": 0,
        "followers": int(acc.get("followers", 0)),
        "following": 0,
        "html_url": f"{WEB}/{login}",
        "created_at": acc.get("created_at"),
        "updated_at": acc.get("created_at"),
        "archived_at": None,
        "type": "Organization",
    }


def issue_json(api: str, fn: str, issue: dict[str, Any]) -> dict[str, Any]:
    url = f"{api}/repos/{fn}/issues/{issue['number']}"
    user = owner_json(api, issue["user"])
    iid = account_id(f"{fn}#{issue['number']}")
    return {
        "url": url,
        "repository_url": f"{api}/repos/{fn}",
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"{WEB}/{fn}/issues/{issue['number']}",
        "id": iid,
        "node_id": node_id("I_", iid),
        "number": issue["number"],
        "title": issue["title"],
        "user": user,
        "labels": [label_json(api, fn, name) for name in issue["labels"]],
        "state": issue["state"],
        "locked": False,
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "comments": len(issue["comments"]),
        "created_at": issue["created_at"],
        "updated_at": issue["updated_at"],
        "closed_at": issue["closed_at"],
        "author_association": "OWNER",
        "state_reason": issue.get("state_reason"),
        "body": issue["body"],
    }


def label_json(api: str, fn: str, name: str) -> dict[str, Any]:
    lid = account_id(f"{fn}:{name}")
    return {
        "id": lid,
        "node_id": node_id("LA_", lid),
        "url": f"{api}/repos/{fn}/labels/{name}",
        "name": name,
        "color": "ededed",
        "default": False,
        "description": None,
    }


def comment_json(api: str, fn: str, number: int, comment: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": comment["id"],
        "node_id": node_id("IC_", comment["id"]),
        "url": f"{api}/repos/{fn}/issues/comments/{comment['id']}",
        "html_url": f"{WEB}/{fn}/issues/{number}#issuecomment-{comment['id']}",
        "issue_url": f"{api}/repos/{fn}/issues/{number}",
        "body": comment["body"],
        "user": owner_json(api, comment["user"]),
        "created_at": comment["created_at"],
        "updated_at": comment["created_at"],
        "author_association": "OWNER",
    }
