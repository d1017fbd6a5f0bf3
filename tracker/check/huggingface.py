"""Hugging Face Hub: repository facts, models citing a paper, and the papers API.

The Hub answers 401 to a request without a token for a missing, private or gated repository
alike; only with a token does `X-Error-Code` (`RepoNotFound`, `GatedRepo`) tell them apart. So
a 401 without a token is FORBIDDEN ("cannot tell"), never NOT_FOUND: dead needs a definite
404 seen twice. 429 and 5xx are UNKNOWN after the shared retry policy has waited its turn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from tracker.http import send
from tracker.models import HfCheckResult, HfPaperInfo, HfRepoFacts, RepoStatus

T = TypeVar("T")

WEIGHT_EXTENSIONS = (
    ".safetensors",
    ".bin",
    ".gguf",
    ".ggml",
    ".pt",
    ".pth",
    ".ckpt",
    ".h5",
    ".onnx",
    ".msgpack",
    ".tflite",
    ".mlmodel",
    ".keras",
    ".npz",
    ".nemo",
)
NOT_WEIGHTS = frozenset({"training_args.bin", "optimizer.pt", "scheduler.pt", "rng_state.pth"})


@dataclass(frozen=True, slots=True)
class Answer(Generic[T]):
    """A look-up's value, or why there is none (a failure is a value with a reason)."""

    value: T | None
    status: RepoStatus = RepoStatus.OK
    reason: str = ""
    http_status: int | None = None


def _headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _get(client: httpx.Client, url: str, token: str | None, **params: str) -> httpx.Response:
    return send(client, client.build_request("GET", url, params=params, headers=_headers(token)))


def weight_files(names: Iterable[str]) -> tuple[str, ...]:
    """Files that hold weights, judged by extension (training state files excluded)."""
    return tuple(
        n
        for n in names
        if n.lower().endswith(WEIGHT_EXTENSIONS) and n.rsplit("/", 1)[-1] not in NOT_WEIGHTS
    )


def _when(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def parse_repo(data: dict[str, Any], repo_type: str) -> HfRepoFacts:
    """Facts from a Hub repository JSON (full, or the short form list endpoints give)."""
    tags = [t for t in data.get("tags") or [] if isinstance(t, str)]
    card = data.get("cardData") or {}
    license_ = card.get("license") if isinstance(card, dict) else None
    if not license_:
        license_ = next((t.split(":", 1)[1] for t in tags if t.startswith("license:")), None)
    files = [s.get("rfilename", "") for s in data.get("siblings") or [] if isinstance(s, dict)]
    gated = data.get("gated")
    return HfRepoFacts(
        repo_id=str(data.get("id") or data.get("modelId") or ""),
        repo_type=repo_type,
        private=bool(data.get("private")),
        gated=gated if isinstance(gated, str) else None,
        disabled=bool(data.get("disabled")),
        downloads=int(data.get("downloads") or 0),
        likes=int(data.get("likes") or 0),
        last_modified=_when(data.get("lastModified")),
        sha=data.get("sha"),
        weight_files=weight_files(files),
        file_count=len(files),
        license=str(license_) if license_ else None,
        arxiv_ids=tuple(t.split(":", 1)[1] for t in tags if t.startswith("arxiv:")),
    )


def _failure(response: httpx.Response, has_token: bool) -> tuple[RepoStatus, str]:
    code = response.headers.get("x-error-code", "")
    message = response.headers.get("x-error-message", "")
    status = response.status_code
    if status == 401 and not has_token:
        return RepoStatus.FORBIDDEN, "401: missing, private or gated (a token tells them apart)"
    if code == "GatedRepo":
        return RepoStatus.FORBIDDEN, f"{status}: gated"
    if status == 403 and "disabled" in message.lower():
        return RepoStatus.BLOCKED, "403: disabled"
    if code == "RepoNotFound" or status in (404, 410):
        return RepoStatus.NOT_FOUND, f"{status}: {message or 'not found'}"
    if status == 451:
        return RepoStatus.BLOCKED, "451: unavailable for legal reasons"
    if status in (401, 403):
        return RepoStatus.FORBIDDEN, f"{status}: {message or 'forbidden'}"
    if status == 429:
        return RepoStatus.UNKNOWN, "429 rate limited"
    return RepoStatus.UNKNOWN, f"HTTP {status}"


def fetch_hf_repo(
    client: httpx.Client, endpoint: str, repo_type: str, repo_id: str, token: str | None = None
) -> HfCheckResult:
    """Check one repository; every failure comes back as a status with a reason."""
    url = f"{endpoint.rstrip('/')}/api/{repo_type}s/{repo_id}"
    try:
        response = _get(client, url, token)
    except httpx.HTTPError as exc:
        return HfCheckResult(repo_id, repo_type, RepoStatus.UNKNOWN, f"{type(exc).__name__}")
    if response.status_code != 200:
        status, reason = _failure(response, token is not None)
        return HfCheckResult(repo_id, repo_type, status, reason, response.status_code)
    try:
        facts = parse_repo(response.json(), repo_type)
    except (ValueError, TypeError, AttributeError):
        return HfCheckResult(repo_id, repo_type, RepoStatus.UNKNOWN, "malformed JSON", 200)
    status = RepoStatus.BLOCKED if facts.disabled else RepoStatus.OK
    moved = facts.repo_id and facts.repo_id.lower() != repo_id.lower()
    return HfCheckResult(repo_id, repo_type, RepoStatus.MOVED if moved else status, "", 200, facts)


MAX_LISTED = 20
"""Models read from one collection or organization: enough to find whose weights are there."""


def _listing_failure(response: httpx.Response, token: str | None) -> Answer[Any]:
    status, reason = _failure(response, token is not None)
    if response.status_code == 404:
        status, reason = RepoStatus.NOT_FOUND, "404: not found"
    return Answer(None, status, reason, response.status_code)


def fetch_hf_collection_models(
    client: httpx.Client, endpoint: str, slug: str, token: str | None = None
) -> Answer[tuple[str, ...]]:
    """The model ids a Hub collection lists (`namespace/slug-id`), in its order."""
    url = f"{endpoint.rstrip('/')}/api/collections/{slug}"
    try:
        response = _get(client, url, token)
    except httpx.HTTPError as exc:
        return Answer(None, RepoStatus.UNKNOWN, type(exc).__name__)
    if response.status_code != 200:
        return _listing_failure(response, token)
    try:
        items = response.json().get("items") or []
        ids = [
            str(i.get("id") or i.get("item_id"))
            for i in items
            if (i.get("type") or i.get("item_type")) == "model"
        ]
    except (ValueError, TypeError, AttributeError):
        return Answer(None, RepoStatus.UNKNOWN, "malformed JSON", 200)
    return Answer(tuple(ids[:MAX_LISTED]))


def fetch_hf_author_models(
    client: httpx.Client, endpoint: str, author: str, token: str | None = None
) -> Answer[tuple[str, ...]]:
    """The model ids a Hub user or organization publishes (at most `MAX_LISTED`)."""
    url = f"{endpoint.rstrip('/')}/api/models"
    try:
        response = _get(client, url, token, author=author, limit=str(MAX_LISTED))
    except httpx.HTTPError as exc:
        return Answer(None, RepoStatus.UNKNOWN, type(exc).__name__)
    if response.status_code != 200:
        return _listing_failure(response, token)
    try:
        ids = tuple(str(m["id"]) for m in response.json())
    except (ValueError, TypeError, KeyError):
        return Answer(None, RepoStatus.UNKNOWN, "malformed JSON", 200)
    return Answer(ids[:MAX_LISTED])


def fetch_hf_citing(
    client: httpx.Client, endpoint: str, arxiv_id: str, token: str | None = None
) -> Answer[tuple[HfRepoFacts, ...]]:
    """Models and datasets whose cards cite `arxiv_id` (the Hub's `arxiv:` tag)."""
    found: list[HfRepoFacts] = []
    for repo_type in ("model", "dataset"):
        url = f"{endpoint.rstrip('/')}/api/{repo_type}s"
        try:
            response = _get(client, url, token, filter=f"arxiv:{arxiv_id}", limit="50")
        except httpx.HTTPError as exc:
            return Answer(None, RepoStatus.UNKNOWN, type(exc).__name__)
        if response.status_code != 200:
            reason = _failure(response, token is not None)[1]
            return Answer(None, RepoStatus.UNKNOWN, reason, response.status_code)
        try:
            found.extend(parse_repo(item, repo_type) for item in response.json())
        except (ValueError, TypeError, AttributeError):
            return Answer(None, RepoStatus.UNKNOWN, "malformed JSON", 200)
    return Answer(tuple(found))


def parse_paper(data: dict[str, Any], arxiv_id: str) -> HfPaperInfo:
    authors = tuple(
        str(a.get("name"))
        for a in data.get("authors") or []
        if isinstance(a, dict) and a.get("name")
    )
    return HfPaperInfo(
        arxiv_id=arxiv_id,
        title=str(data.get("title") or ""),
        github_repo=data.get("githubRepo") or None,
        github_repo_added_by=data.get("githubRepoAddedBy") or None,
        project_page=data.get("projectPage") or None,
        authors=authors,
    )


def fetch_hf_paper(
    client: httpx.Client, endpoint: str, arxiv_id: str, token: str | None = None
) -> Answer[HfPaperInfo]:
    """The papers API entry; NOT_FOUND when the Hub has no page for the paper."""
    url = f"{endpoint.rstrip('/')}/api/papers/{arxiv_id}"
    try:
        response = _get(client, url, token)
    except httpx.HTTPError as exc:
        return Answer(None, RepoStatus.UNKNOWN, type(exc).__name__)
    if response.status_code == 404:
        return Answer(None, RepoStatus.NOT_FOUND, "no papers page", 404)
    if response.status_code != 200:
        reason = _failure(response, token is not None)[1]
        return Answer(None, RepoStatus.UNKNOWN, reason, response.status_code)
    try:
        return Answer(parse_paper(response.json(), arxiv_id))
    except (ValueError, TypeError, AttributeError):
        return Answer(None, RepoStatus.UNKNOWN, "malformed JSON", 200)
