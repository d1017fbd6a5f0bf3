"""Code hosts, defined once: which links point at something a checker reads, and its key.

A checked target is a row of the `repository` table, found by its key:

* GitHub: `owner/name`, lower-cased (the oldest and by far the largest host keeps short keys);
* every other host: `host/path`, lower-cased: `gitlab.com/group/sub/project`,
  `codeberg.org/owner/name`, `bitbucket.org/workspace/repo`, `huggingface.co/spaces/o/n`,
  `huggingface.co/o/n` (a model repository given as the code), `zenodo.org/records/123`.

A GitHub owner never holds a dot and every host does, so the key alone tells the host
(`host_of`). Which links get a key (`target_key`): links to a repository on a code host, and a
Hugging Face Space or model repository or a Zenodo record that its sentence gives as the code
(their files are the code). Everything that reads "is this link code?" asks here.
"""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import unquote, urlsplit


class Host(StrEnum):
    """A kind of code host, each read by one checker (`tracker.check.registry`)."""

    GITHUB = "github"
    GITLAB = "gitlab"
    """gitlab.com and self-hosted GitLab instances (`gitlab.<domain>`)."""
    GITEA = "gitea"
    """Codeberg and other Gitea or Forgejo instances."""
    BITBUCKET = "bitbucket"
    HUGGINGFACE = "huggingface"
    """Spaces and model repositories given as code."""
    ZENODO = "zenodo"


REPO_LINK_KINDS = frozenset({"github_repo", "gitlab_repo", "gitea_repo", "bitbucket_repo"})
"""Link kinds that name a repository on a code host (`LinkKind` values)."""
AS_CODE_LINK_KINDS = frozenset({"hf_space", "hf_model", "data_host"})
"""Link kinds that are code only when their sentence says so (then they carry a key)."""
GITEA_HOSTS = frozenset({"codeberg.org", "gitea.com"})
"""Public Gitea/Forgejo instances; self-hosted ones are recognised by a `gitea.` or
`forgejo.` host name."""
_GITLAB_ROUTES = frozenset(
    {"tree", "blob", "raw", "issues", "commits", "commit", "wikis", "releases", "merge_requests"}
)
"""Old GitLab URLs put these right after the project path (new ones put `/-/` first)."""
_ZENODO_RECORD = re.compile(r"^(?:records?|deposit|uploads)/(\d+)(?:/|$)")
_ZENODO_DOI = re.compile(r"^10\.5281/zenodo\.(\d+)$", re.I)


def is_gitlab_host(host: str) -> bool:
    """gitlab.com, or a self-hosted instance named `gitlab.<domain>` (the common convention)."""
    return host == "gitlab.com" or (host.startswith("gitlab.") and host.count(".") >= 2)


def is_gitea_host(host: str) -> bool:
    """Codeberg, gitea.com, or an instance named `gitea.<domain>` / `forgejo.<domain>`."""
    return host in GITEA_HOSTS or (host.startswith(("gitea.", "forgejo.")) and host.count(".") >= 2)


def repo_host(host: str) -> Host | None:
    """The host kind of a repository host name (`github.com`, `gitlab.com`...)."""
    if host == "github.com":
        return Host.GITHUB
    if host == "bitbucket.org":
        return Host.BITBUCKET
    if is_gitlab_host(host):
        return Host.GITLAB
    if is_gitea_host(host):
        return Host.GITEA
    return None


def repo_path(host: str, segs: list[str]) -> tuple[str | None, str]:
    """`(repository path, subpath)` of a URL on a repository host, `(None, "")` if none.

    GitLab nests groups (`group/sub/project`): the path ends at `/-/`, at an old-style route
    word, or at the URL's end. Every other host has `owner/name`."""
    if len(segs) < 2:
        return None, ""
    if repo_host(host) is Host.GITLAB:
        cut = next(
            (i for i, s in enumerate(segs) if s == "-" or (i >= 2 and s in _GITLAB_ROUTES)),
            len(segs),
        )
        if cut < 2:
            return None, ""
        rest = segs[cut + 1 :] if cut < len(segs) and segs[cut] == "-" else segs[cut:]
        return "/".join(segs[:cut]).removesuffix(".git"), "/".join(rest)
    return f"{segs[0]}/{segs[1].removesuffix('.git')}", "/".join(segs[2:])


def _as_code_key(kind: str, url: str) -> str | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    segs = [unquote(s) for s in parts.path.split("/") if s]
    if kind == "hf_space" and len(segs) >= 3 and segs[0] == "spaces":
        return f"huggingface.co/spaces/{segs[1]}/{segs[2]}".lower()
    if kind == "hf_model" and len(segs) >= 2:
        return f"huggingface.co/{segs[0]}/{segs[1]}".lower()
    if kind == "data_host":
        path = "/".join(segs)
        if host == "zenodo.org" and (m := _ZENODO_RECORD.match(path)):
            return f"zenodo.org/records/{m[1]}"
        if host in ("doi.org", "dx.doi.org") and (m := _ZENODO_DOI.match(path)):
            return f"zenodo.org/records/{m[1]}"
    return None


def target_key(kind: str, role: str, url: str, repo: str | None) -> str | None:
    """The repository key a link is checked and stored under, or None when no checker
    reads it: a repository link always, a Space, model or Zenodo record when given as code."""
    if kind in REPO_LINK_KINDS:
        if not repo:
            return None
        if kind == "github_repo":
            return repo.lower()
        host = (urlsplit(url).hostname or "").lower()
        return f"{host}/{repo}".lower()
    if kind in AS_CODE_LINK_KINDS and role == "code":
        return _as_code_key(kind, url)
    return None


def host_of(key: str) -> Host | None:
    """The host kind of a repository key (see the module docstring), None when unknown."""
    first = key.split("/", 1)[0]
    if "." not in first:
        return Host.GITHUB
    if first == "huggingface.co":
        return Host.HUGGINGFACE
    if first == "zenodo.org":
        return Host.ZENODO
    return repo_host(first)


def host_name(key: str) -> str:
    """The network host a key lives on (`github.com` for the short GitHub keys)."""
    first = key.split("/", 1)[0]
    return first if "." in first else "github.com"


def path_of(key: str) -> str:
    """The key without its host: what the host's API is asked for."""
    first, _, rest = key.partition("/")
    return rest if "." in first else key


def is_code_target(kind: str, role: str, key: str | None) -> bool:
    """A link that delivers code when its target is up: a repository link, or a Space,
    model or record given as code."""
    return kind in REPO_LINK_KINDS or (kind in AS_CODE_LINK_KINDS and role == "code" and bool(key))
