"""What the route modules (`rest`, `issues`, `graphql_api`) share and what they may use of the
server: a handler's `Reply`, the per-request `Ctx`, and `ServerState`, the part of
`GitHubEmulator` a route reads or updates. The routes are typed against this protocol, not
the server class, so the server imports its routes and nothing imports the server back.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ..base import Faults, Request
from .limits import RateLimiter
from .scenario import Repo, RepoState, World


@dataclass
class Reply:
    data: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None


@dataclass
class Ctx:
    """Per-request view: the API base URL, the scenario clock and who is asking."""

    api: str
    now: datetime
    viewer: str | None


class IssueRouter(Protocol):
    def route(self, req: Request, ctx: Ctx, repo: Repo, st: RepoState, rest: str) -> Reply: ...


class ServerState(Protocol):
    """The scenario and its world, who may see what, issues, rate limits, faults and the
    GraphQL tallies, and the lock that guards what changes while requests run."""

    @property
    def scenario(self) -> dict[str, Any]: ...

    @property
    def world(self) -> World: ...

    @property
    def issues(self) -> dict[str, list[dict[str, Any]]]: ...

    @property
    def issue_routes(self) -> IssueRouter: ...

    @property
    def limits(self) -> RateLimiter: ...

    @property
    def faults(self) -> Faults: ...

    @property
    def lock(self) -> AbstractContextManager[Any]: ...

    @property
    def points_by_operation(self) -> dict[str, int]: ...

    @property
    def queries_by_operation(self) -> dict[str, int]: ...

    points_used: int

    def visible(self, st: RepoState | None, viewer: str | None) -> bool: ...

    def owned_repos(self, login: str, ctx: Ctx) -> list[tuple[Repo, RepoState]]: ...

    def open_issue_count(self, repo: Repo) -> int: ...

    def search(self, q: str, ctx: Ctx, sort: str | None = None) -> list[tuple[Repo, RepoState]]: ...
