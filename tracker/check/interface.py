"""What every code-host checker provides: the host it reads, and evidence for a batch of targets.

A checker fetches and returns values; it never touches the database and never judges. The
scheduling loop (`tracker.schedule`) picks the due targets of every host, hands each checker
its own, saves every batch of results as it arrives, and keeps the run's history; so adding a
host is one module here, one emulator, their tests and one line in `tracker.check.registry`.

Results use the same statuses and the same evidence for every host (`CheckResult` with
`RepoFacts`), so placeholder, weights and license judgements work unchanged:

* `ok` / `empty` / `moved` with facts: the host answered for this target;
* `not_found` with the HTTP status (404/410/451): definite, dead after two checks;
* `forbidden` / `blocked`: the host refuses (private, disabled, legal takedown);
* `unknown` with a reason: rate limits, 5xx, timeouts, an answer that is not the expected
  JSON (an HTML page, a login redirect), a cut body. Never evidence of death.

A condition that makes every answer of a host meaningless (a refused token) is raised as
`ConfigError`; one that ends the pass early for that host (no network, the user's budget,
`--no-wait` on a rate limit) is raised as `CheckStopped` after the results so far were yielded.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from tracker.config import Settings
from tracker.hosts import Host
from tracker.http import HttpPolicy
from tracker.models import CheckResult, DueRepo


@dataclass(frozen=True)
class Progress:
    """A snapshot for progress bars: done/left, quota, and any rate-limit countdown."""

    done: int
    total: int
    points: int
    remaining: int | None = None
    waiting_s: float = 0.0
    note: str = ""


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class CheckOptions:
    """How one pass checks, the same for every host (each uses what applies to it)."""

    budget: int | None = None
    """GitHub rate-limit points this pass may spend."""
    no_wait: bool = False
    """Stop instead of waiting for a rate-limit reset."""
    rest: bool = False
    """GitHub: use REST even with a token."""
    max_batch: int = 100
    """Targets per request where a host answers many at once (GitHub GraphQL)."""
    connect_to: dict[str, str] = field(default_factory=dict)
    """Host -> origin that serves it (curl's `--connect-to`): emulators and offline demos."""
    allow_private: bool = False
    """Reach loopback and private addresses (local testing only)."""
    progress: ProgressFn | None = None


@dataclass
class Tally:
    """What a checker spent in this pass, for the summary line. Mutable: the checker counts."""

    requests: int = 0
    points: int = 0
    """Rate-limit points, where the host counts them (GitHub)."""
    transport: str = ""
    """How it asked (`graphql`, `rest`, `api v4`...), shown in the summary."""


class CheckStopped(Exception):
    """Ends a host's pass early; the message is the reason reported for its unchecked rest."""


class Checker(ABC):
    """One code host's checker. Construct it per pass with the settings, policy and options."""

    host: ClassVar[Host]
    """The host kind whose targets (`tracker.hosts.host_of`) this checker reads."""
    name: ClassVar[str]
    """Recorded with every attempt (`check_attempt.checker`)."""

    def __init__(self, settings: Settings, policy: HttpPolicy, options: CheckOptions) -> None:
        self.settings, self.policy, self.options = settings, policy, options
        self.tally = Tally(transport=self.name)
        self.secrets: tuple[str, ...] = (*policy.secrets, *settings.secrets())
        """Every value that must not reach stored reasons (tokens)."""

    @abstractmethod
    def check(self, target: DueRepo) -> CheckResult:
        """Fetch one target's evidence (raises only `ConfigError` / `CheckStopped`)."""

    def check_all(self, targets: Sequence[DueRepo]) -> Iterator[list[CheckResult]]:
        """Results in batches as they land, in the given order. The default asks one target
        at a time and reports progress; hosts that answer many targets at once override it."""
        total, done = len(targets), 0
        self.report(done, total)
        for target in targets:
            result = self.check(target)
            done += 1
            yield [result]
            self.report(done, total)

    def report(self, done: int, total: int, waiting_s: float = 0.0, note: str = "") -> None:
        if self.options.progress is not None:
            self.options.progress(Progress(done, total, self.tally.points, None, waiting_s, note))
