"""Hugging Face Spaces and model repositories given as a paper's code: their files are the code.

Per repository: `GET /api/spaces/{id}` or `/api/models/{id}` (the file list is `siblings`,
complete and recursive), then the README and the evidence files through `resolve` at the
commit the listing names. The Hub's own `.gitattributes` is not read: every repository
starts with the Hub's template, which routes `*.bin`, `*.ckpt`... to LFS whether or not the
repository holds any, so it says nothing about weights; the file list does.

What an error means is what it means to the Hub look-ups of `tracker.check.huggingface`: a
401 without a token is a missing, private or gated repository alike (`forbidden`, never dead),
404 with a token (`RepoNotFound`) is gone, 403 "disabled" is `blocked`. A 401 with a token is a
refused `HF_TOKEN` (exit 5). The token goes to the configured endpoint's host alone; a renamed
repository answers with a redirect to its new name on the same API, followed once (`moved`).
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from tracker.check.api import ApiAnswer, ApiChecker, HostClient, host_stop, need, parse_time
from tracker.check.evidence import EVIDENCE_FILES, derive, found, readme_path
from tracker.check.huggingface import _failure as hub_failure
from tracker.errors import ConfigError
from tracker.extract.licenses import spdx_of
from tracker.hosts import Host, path_of
from tracker.models import CheckResult, DueRepo, RepoFacts, RepoStatus
from tracker.tree import MAX_TREE_PATHS

HUB_STATUSES = frozenset({401, 403, 404, 410, 451})
"""Answers whose meaning the Hub's headers decide (`tracker.check.huggingface`)."""
MAX_TOPICS = 20


class HfCodeChecker(ApiChecker):
    """Spaces and model repositories on the Hugging Face Hub, linked as code."""

    host: ClassVar[Host] = Host.HUGGINGFACE
    name: ClassVar[str] = "huggingface"

    def client(self, host: str) -> HostClient:
        """One client for the configured endpoint (`HF_ENDPOINT`, `--hf-endpoint`); `HF_TOKEN`
        goes there and nowhere else."""
        if "hub" not in self._clients:
            token = self.settings.hf_token
            headers = self.auth_headers(token) if token else {}
            endpoint = self.settings.hf_endpoint
            self._clients["hub"] = HostClient(
                endpoint, self.policy, self.web, headers, configured=True
            )
        return self._clients["hub"]

    def check(self, target: DueRepo) -> CheckResult:
        api = self.client("hub")
        kind, repo_id = _split(path_of(target.name))
        answer = api.moved(api.get_json(f"/api/{kind}/{_quoted(repo_id)}"), f"/api/{kind}/")
        if not answer.ok:
            return self._failed(target, answer)
        data = answer.data
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return self.result(
                target, RepoStatus.UNKNOWN, "answered JSON that is no repository", 200
            )
        if data.get("disabled"):
            return self.result(target, RepoStatus.BLOCKED, "disabled", 200)
        return self._facts(api, kind, target, data)

    def _failed(self, target: DueRepo, answer: ApiAnswer) -> CheckResult:
        status = answer.status
        if (
            host_stop(answer) is not None
            or answer.failure is not None
            or status not in HUB_STATUSES
        ):
            return self.failed(target, answer)
        has_token = bool(self.settings.hf_token)
        if status == 401 and has_token:
            raise ConfigError("the Hugging Face Hub answered 401 (bad credentials): check HF_TOKEN")
        assert status is not None
        state, reason = hub_failure(httpx.Response(status, headers=dict(answer.headers)), has_token)
        return self.result(target, state, reason, status)

    def _facts(self, api: HostClient, kind: str, target: DueRepo, d: dict[str, Any]) -> CheckResult:
        space = kind == "spaces"
        prefix = "spaces/" if space else ""
        files = [str(s["rfilename"]) for s in d.get("siblings") or () if isinstance(s, dict)]
        paths = _with_folders(files)
        sha = d.get("sha") if isinstance(d.get("sha"), str) else None
        texts = _files(api, f"/{prefix}{d['id']}", sha or "main", paths)
        readme_name = readme_path(paths)
        readme = texts.pop(readme_name, "") if readme_name else ""
        card = _dict(d.get("cardData"))
        facts = RepoFacts(
            full_name=f"huggingface.co/{prefix}{d['id']}",
            stars=int(d.get("likes") or 0),
            description=str(card.get("short_description") or card.get("title") or "")[:500],
            homepage=f"https://huggingface.co/{prefix}{d['id']}",
            topics=_topics(d, space),
            created_at=parse_time(d.get("createdAt")),
            pushed_at=parse_time(d.get("lastModified")),
            default_branch="main",
            disabled=bool(d.get("disabled")),
            license_spdx=_license(card.get("license")),
            readme_size=len(readme.encode()) if readme_name else None,
            readme_text=readme,
            tree_paths=paths,
            head_oid=sha,
            files=tuple(sorted(texts.items())),
        )
        empty = not files
        return found(target.key, derive(facts, empty=empty), empty=empty)


def _split(path: str) -> tuple[str, str]:
    """(`spaces` or `models`, `owner/name`) of a key's path."""
    if path.startswith("spaces/"):
        return "spaces", path.removeprefix("spaces/")
    return "models", path


def _quoted(repo_id: str) -> str:
    return quote(repo_id, safe="/")


def _with_folders(files: list[str]) -> tuple[str, ...]:
    """The file list with its folders (ending in `/`), as the tree readers take it. The Hub
    lists every file, so no folder is left unexplored."""
    folders = {f"{'/'.join(p.split('/')[:i])}/" for p in files for i in range(1, p.count("/") + 1)}
    return tuple(sorted({*files, *folders}))[:MAX_TREE_PATHS]


def _files(api: HostClient, repo: str, rev: str, paths: tuple[str, ...]) -> dict[str, str]:
    """The README and evidence files the repository holds, by path, read at `rev`."""
    present = set(paths)
    wanted = [p for p in (readme_path(paths), *EVIDENCE_FILES) if p and p in present]
    texts = {}
    for path in wanted:
        answer = api.get_text(f"{repo}/resolve/{quote(rev, safe='')}/{quote(path, safe='/')}")
        texts[path] = str(need(answer, path))
    return texts


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _license(value: object) -> str | None:
    """The card's license as SPDX (`NOASSERTION` for a name no list knows, such as `other`)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if not isinstance(value, str) or not value.strip():
        return None
    return spdx_of(value) or "NOASSERTION"


def _topics(d: dict[str, Any], space: bool) -> tuple[str, ...]:
    """The Hub's tags, and for a Space its SDK and runtime stage (a Space whose app fails to
    start still holds its code: the stage is recorded, never judged)."""
    tags = [str(t) for t in d.get("tags") or () if isinstance(t, str)]
    extra: list[str] = []
    if space:
        if isinstance(d.get("sdk"), str):
            extra.append(f"sdk:{d['sdk']}")
        runtime = _dict(d.get("runtime"))
        if isinstance(runtime.get("stage"), str):
            extra.append(f"runtime:{runtime['stage']}")
    return tuple(dict.fromkeys([*extra, *tags]))[:MAX_TOPICS]
