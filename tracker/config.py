"""Settings read once from the environment and command-line options.

Tokens live only here and in the HTTP client's headers: `Settings.__repr__` hides them so they
never reach logs, exceptions, the database or exports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from tracker.errors import ConfigError

DEFAULT_DB_URL = "sqlite:///tracker.db"
DEFAULT_GITHUB_API_URL = "https://api.github.com"
DEFAULT_HF_ENDPOINT = "https://huggingface.co"
DEFAULT_ARXIV_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_OPENREVIEW_API_URL = "https://api2.openreview.net"
DEFAULT_OPENALEX_API_URL = "https://api.openalex.org"
DEFAULT_SWH_API_URL = "https://archive.softwareheritage.org/api/1"
DEFAULT_WAYBACK_API_URL = "https://archive.org"
"""The Wayback Machine's root; its availability API is `/wayback/available` below it."""
DEFAULT_ARXIV_PACE_S = 3.0
"""arXiv asks API clients for one request every three seconds."""


HOST_TOKEN_ENV = {
    "gitlab.com": "GITLAB_TOKEN",
    "codeberg.org": "CODEBERG_TOKEN",
    "bitbucket.org": "BITBUCKET_TOKEN",
    "zenodo.org": "ZENODO_TOKEN",
}
"""Environment variables holding a token for a code host other than GitHub and the Hub."""


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. Build with `Settings.from_env()` and override with `replace`."""

    db_url: str = DEFAULT_DB_URL
    github_token: str | None = field(default=None, repr=False)
    github_api_url: str = DEFAULT_GITHUB_API_URL
    hf_token: str | None = field(default=None, repr=False)
    host_tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    """(host name, token) for the other code hosts (`HOST_TOKEN_ENV`); a token is only ever
    sent to its own host."""
    hf_endpoint: str = DEFAULT_HF_ENDPOINT
    arxiv_api_url: str = DEFAULT_ARXIV_API_URL
    openreview_api_url: str = DEFAULT_OPENREVIEW_API_URL
    openalex_api_url: str = DEFAULT_OPENALEX_API_URL
    swh_api_url: str = DEFAULT_SWH_API_URL
    """Software Heritage's web API (last visits of code origins, "save code now")."""
    wayback_api_url: str = DEFAULT_WAYBACK_API_URL
    mailto: str | None = None
    """Contact address sent to OpenAlex (`mailto=`), which puts feeds in its polite pool."""
    arxiv_pace_s: float = DEFAULT_ARXIV_PACE_S
    """Seconds between two requests to the arXiv API by a feed (tests scale it down)."""
    timeout_s: float = 20.0
    """Per-request timeout (connect, read, write, pool)."""
    max_retries: int = 4
    """Attempts for one request on 5xx/408/429/timeouts before the result is UNKNOWN."""
    grace_days: int = 90
    """Days after the paper date before a promise counts as missing."""
    stale_months: int = 12
    allow_private: bool = False
    """Allow web checks to reach private and loopback addresses (local testing only)."""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        return cls(
            db_url=e.get("TRACKER_DB") or DEFAULT_DB_URL,
            github_token=e.get("GITHUB_TOKEN") or e.get("GH_TOKEN") or None,
            github_api_url=e.get("TRACKER_GITHUB_API_URL") or DEFAULT_GITHUB_API_URL,
            hf_token=e.get("HF_TOKEN") or None,
            host_tokens=tuple((h, e[v]) for h, v in HOST_TOKEN_ENV.items() if e.get(v)),
            hf_endpoint=e.get("HF_ENDPOINT") or DEFAULT_HF_ENDPOINT,
            arxiv_api_url=e.get("TRACKER_ARXIV_API_URL") or DEFAULT_ARXIV_API_URL,
            openreview_api_url=e.get("TRACKER_OPENREVIEW_API_URL") or DEFAULT_OPENREVIEW_API_URL,
            openalex_api_url=e.get("TRACKER_OPENALEX_API_URL") or DEFAULT_OPENALEX_API_URL,
            swh_api_url=e.get("TRACKER_SWH_API_URL") or DEFAULT_SWH_API_URL,
            wayback_api_url=e.get("TRACKER_WAYBACK_API_URL") or DEFAULT_WAYBACK_API_URL,
            mailto=e.get("TRACKER_MAILTO") or None,
            arxiv_pace_s=_seconds(e.get("TRACKER_ARXIV_PACE_S"), DEFAULT_ARXIV_PACE_S),
            grace_days=int(e.get("TRACKER_GRACE_DAYS") or 90),
        )

    def with_(self, **changes: object) -> Settings:
        """A copy with the non-None `changes` applied (CLI options override the environment)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]

    @property
    def github_graphql_url(self) -> str:
        """The GraphQL endpoint beside `github_api_url`: `<api>/graphql` on api.github.com,
        `/api/graphql` on a GitHub Enterprise Server whose REST API is `/api/v3`."""
        url = self.github_api_url.rstrip("/") + "/graphql"
        return url.replace("/api/v3/graphql", "/api/graphql")

    def secrets(self) -> tuple[str, ...]:
        """Values that must be scrubbed from any text that leaves the process."""
        tokens = (self.github_token, self.hf_token, *(t for _, t in self.host_tokens))
        return tuple(s for s in tokens if s)

    def token_for(self, host: str) -> str | None:
        """The token configured for exactly this host name, if any."""
        return next((t for h, t in self.host_tokens if h == host), None)

    def checked(self) -> Settings:
        """These settings, or a `ConfigError` naming the first service URL that is not an
        `http(s)://host[:port][/path]` URL (a typo there would make every look-up unknown)."""
        for name, value in (
            ("GitHub API URL (--github-api-url, TRACKER_GITHUB_API_URL)", self.github_api_url),
            ("Hugging Face endpoint (--hf-endpoint, HF_ENDPOINT)", self.hf_endpoint),
            ("arXiv API URL (--arxiv-api-url, TRACKER_ARXIV_API_URL)", self.arxiv_api_url),
            (
                "OpenReview API URL (--openreview-api-url, TRACKER_OPENREVIEW_API_URL)",
                self.openreview_api_url,
            ),
            (
                "OpenAlex API URL (--openalex-api-url, TRACKER_OPENALEX_API_URL)",
                self.openalex_api_url,
            ),
            ("Software Heritage API URL (--swh-api-url, TRACKER_SWH_API_URL)", self.swh_api_url),
            (
                "Wayback Machine URL (--wayback-api-url, TRACKER_WAYBACK_API_URL)",
                self.wayback_api_url,
            ),
        ):
            if not _web_url(value):
                raise ConfigError(f"{name} is not an http(s) URL: {value!r}")
        return self


def _seconds(value: str | None, default: float) -> float:
    """A non-negative number of seconds from the environment, or a `ConfigError` naming it."""
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise ConfigError(f"TRACKER_ARXIV_PACE_S wants seconds (a number >= 0), got {value!r}")
    return seconds


def _web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """Replace every secret in `text` with `***`."""
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text
