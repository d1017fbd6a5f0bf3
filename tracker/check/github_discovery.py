"""The three GitHub questions discovery asks: an owner's repositories, which repositories name
an arXiv ID, and whether a README cites it.

Search is limited to 30 requests a minute (10 without a token), so discovery asks it last and
only for papers that have no code link by any other route.
"""

from __future__ import annotations

import base64
import binascii

import httpx

from tracker.check.huggingface import Answer
from tracker.http import send
from tracker.models import RepoStatus


def _get(
    client: httpx.Client, api_url: str, path: str, token: str | None, **params: str
) -> httpx.Response:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = client.build_request(
        "GET", api_url.rstrip("/") + path, params=params, headers=headers
    )
    return send(client, request)


def _names(data: object) -> tuple[str, ...]:
    items = data.get("items", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        return ()
    return tuple(str(i["full_name"]) for i in items if isinstance(i, dict) and i.get("full_name"))


def fetch_owner_repos(
    client: httpx.Client, api_url: str, owner: str, token: str | None = None
) -> Answer[tuple[str, ...]]:
    """`owner/name` of an account's public repositories (first 100, most recently pushed)."""
    try:
        response = _get(
            client, api_url, f"/users/{owner}/repos", token, per_page="100", sort="pushed"
        )
    except httpx.HTTPError as exc:
        return Answer(None, RepoStatus.UNKNOWN, type(exc).__name__)
    if response.status_code == 404:
        return Answer(None, RepoStatus.NOT_FOUND, "no such account", 404)
    if response.status_code != 200:
        return Answer(
            None, RepoStatus.UNKNOWN, f"HTTP {response.status_code}", response.status_code
        )
    return Answer(_names(response.json()))


def fetch_repos_naming(
    client: httpx.Client, api_url: str, arxiv_id: str, token: str | None = None
) -> Answer[tuple[str, ...]]:
    """Repositories whose name, description or README contains the arXiv ID."""
    try:
        response = _get(
            client,
            api_url,
            "/search/repositories",
            token,
            q=f'"{arxiv_id}" in:name,description,readme',
            per_page="10",
        )
    except httpx.HTTPError as exc:
        return Answer(None, RepoStatus.UNKNOWN, type(exc).__name__)
    if response.status_code != 200:
        return Answer(
            None, RepoStatus.UNKNOWN, f"HTTP {response.status_code}", response.status_code
        )
    return Answer(_names(response.json()))


def fetch_readme_cites(
    client: httpx.Client, api_url: str, repo: str, arxiv_id: str, token: str | None = None
) -> Answer[bool]:
    """Whether the README mentions `arxiv_id` (False when there is no README)."""
    try:
        response = _get(client, api_url, f"/repos/{repo}/readme", token)
    except httpx.HTTPError as exc:
        return Answer(None, RepoStatus.UNKNOWN, type(exc).__name__)
    if response.status_code == 404:
        return Answer(False)
    if response.status_code != 200:
        return Answer(
            None, RepoStatus.UNKNOWN, f"HTTP {response.status_code}", response.status_code
        )
    try:
        text = base64.b64decode(response.json().get("content", "")).decode("utf-8", "replace")
    except (ValueError, binascii.Error, AttributeError):
        return Answer(None, RepoStatus.UNKNOWN, "malformed README", 200)
    return Answer(arxiv_id in text)
