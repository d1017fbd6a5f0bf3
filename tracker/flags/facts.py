"""Shared readings of stored facts: which links count, and what a repository's state means.

Every probe answers from these few definitions so that, for example, "dead" means the same
thing to `code_link_dead`, `code_promised_missing` and the verdict.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tracker.flags.dates import paper_date
from tracker.flags.judge import WEIGHT_PREFIXES
from tracker.flags.weights import hub_key
from tracker.frozen import quick_init
from tracker.hosts import is_code_target
from tracker.models import Availability, HubState, LinkFacts, PaperFacts, RepoState, StatusClaim

NOT_CODE_ROLES = frozenset({"other", "data", "weights"})
"""A repository linked as a reading list, a dataset or weights does not deliver code."""
PROJECT_KINDS = frozenset({"project_page", "github_pages"})
DEAD_HTTP = frozenset({404, 410, 451})
DEAD_CONFIRMATIONS = 2
UNSETTLED = frozenset({"unchecked", "unknown", "forbidden", "blocked"})
"""States that say nothing about whether code exists: rate limits, 5xx, refusals, no check yet."""
_DEAD_DOMAIN = re.compile(
    r"\b(?:nxdomain|dead domain|domain (?:expired|not found)|name (?:does not|doesn't) resolve|"
    r"no such host|name or service not known)\b",
    re.I,
)
_ACCEPTANCE = re.compile(r"\b(?:acceptance|publication|review)\b", re.I)
_MONTH_YEAR = re.compile(r"\bin ([a-z]+) (\d{4})\b", re.I)
_HF_OWNER = re.compile(r"huggingface\.co/(?!datasets/|spaces/)([^/\s]+)/", re.I)


class Horizon:
    """The first day after `today` on which the answers read so far may read differently.

    Probes that compare a date with today note here when that comparison turns (a deadline
    passes, a count of days moves on), so a flag run knows until when a judgement holds for
    unchanged facts and judges the paper again only then (`tracker.flags.run`).
    """

    __slots__ = ("until",)

    def __init__(self) -> None:
        self.until: dt.date | None = None

    def at(self, day: dt.date) -> None:
        if self.until is None or day < self.until:
            self.until = day


@dataclass(frozen=True, slots=True)
class ProbeContext:
    """What probes need beyond the facts: today and the configured thresholds.

    Probes ask about today only through the methods below, which note in `horizon` when the
    answer changes."""

    today: dt.date
    grace_days: int = 90
    stale_months: int = 12
    horizon: Horizon = field(default_factory=Horizon, compare=False, repr=False)

    def not_after(self, day: dt.date) -> bool:
        """Whether today is `day` or before it (true until the day after)."""
        if self.today <= day:
            self.horizon.at(day + dt.timedelta(days=1))
            return True
        return False

    def days_since(self, day: dt.date) -> int:
        """Days from `day` to today (negative before it); the count moves every day."""
        self.horizon.at(self.today + dt.timedelta(days=1))
        return (self.today - day).days

    def periods_since(self, day: dt.date, days: int) -> int:
        """Whole periods of `days` from `day` to today; moves when the next one completes."""
        n = (self.today - day).days // days
        self.horizon.at(day + dt.timedelta(days=days * (n + 1)))
        return n


T = TypeVar("T")


def derived(f: PaperFacts, work: Callable[[PaperFacts], T]) -> T:
    """`work(f)`, worked out once per paper and kept in `f.derived`: several probes read the
    same selection of links, and a paper is judged by every probe in turn. `work` must be a
    pure function of the facts returning an immutable value."""
    memo = f.derived
    value = memo.get(work, memo)  # the memo itself: never a value
    if value is memo:
        value = memo[work] = work(f)
    return value  # type: ignore[return-value]


def _code_links(f: PaperFacts) -> tuple[LinkFacts, ...]:
    return tuple(
        lk
        for lk in f.links
        if is_code_target(lk.kind, lk.role, lk.linked_repo)
        and lk.role not in NOT_CODE_ROLES
        and lk.official != "community"
    )


def code_links(f: PaperFacts) -> tuple[LinkFacts, ...]:
    """The paper's own links to code repositories, and to Spaces, models and records given as
    code (`tracker.hosts`); community reimplementations excluded."""
    return derived(f, _code_links)


def held_license(r: RepoState) -> str | None:
    """The license the repository's license file holds: GitHub's id, or, for a file GitHub
    cannot identify (`NOASSERTION`), the id its own text shows when the judgement found one."""
    if r.license_spdx == "NOASSERTION" and r.license_file:
        return r.license_file
    return r.license_spdx


def is_dead(r: RepoState) -> bool:
    """Definitely gone: 404/410/451 or a dead domain, seen on two checks. Never a rate limit."""
    if r.dead_confirmations < DEAD_CONFIRMATIONS:
        return False
    if r.status == "not_found":
        return r.http_status is None or r.http_status in DEAD_HTTP
    return bool(_DEAD_DOMAIN.search(r.status_reason))


def is_unsettled(lk: LinkFacts) -> bool:
    """Nothing definite is known yet: unchecked, unknown, or dead on only one check."""
    r = lk.repo
    if r is None or r.status in UNSETTLED:
        return True
    return r.status == "not_found" and not is_dead(r)


def is_up(r: RepoState) -> bool:
    """The repository answered (possibly under a new name, possibly empty)."""
    return r.status in ("ok", "moved", "empty")


def is_placeholder(r: RepoState) -> bool:
    """An empty or README-only repository. Leftover "coming soon" text does not make a
    repository with source files a placeholder."""
    if r.status == "empty":
        return True
    if r.status not in ("ok", "moved"):
        return False
    if r.source_files is not None and r.source_files > 0:
        return False
    return bool(r.placeholder) or r.source_files == 0


def delivers_code(r: RepoState) -> bool:
    """Up, not a placeholder, and a code repository (not a model card, list or site)."""
    return is_up(r) and not is_placeholder(r) and r.kind in (None, "code")


def unsettled_reason(lk: LinkFacts) -> str:
    r = lk.repo
    if r is None and lk.linked_repo is None:
        return f"{lk.url}: no checker reads this link"
    if r is None or r.status == "unchecked":
        return f"{lk.url}: not checked yet"
    if r.status == "not_found":
        return f"{lk.url}: not found on {r.dead_confirmations} check(s); dead needs 2"
    return f"{lk.url}: {r.status} ({r.status_reason or 'no reason given'})"


def repo_note(lk: LinkFacts) -> str:
    """One line of evidence about a linked repository's state."""
    r = lk.repo
    if r is None or is_unsettled(lk):
        return unsettled_reason(lk)
    if is_dead(r):
        return (
            f"{lk.url}: dead ({r.http_status or r.status_reason}) on {r.dead_confirmations} checks"
        )
    if is_placeholder(r):
        why = ", ".join(r.placeholder_reasons) or f"{r.source_files or 0} source files"
        return f"{lk.url}: placeholder ({why})"
    files = f"{r.source_files} source files" if r.source_files is not None else "has content"
    return f"{lk.url}: {r.status}, {files}"


def owner_of(r: RepoState) -> str:
    name = r.full_name or r.key
    return name.rsplit("/", 2)[-2].lower() if "/" in name else name.lower()


_NOT_OWN = tuple(WEIGHT_PREFIXES.values())


def hub_answer(r: RepoState, line: str) -> str:
    """For a weights evidence line naming a Hub model, collection or organization: `yes` when
    the Hub shows weight files (a model's, or a model's of the collection or organization) or a
    gate, `no` when it answered the model is not public or holds none, `open` when it was not
    asked or could not tell; `""` for any other line."""
    key = hub_key(line)
    if key is None:
        return ""
    h = dict(r.hub_models).get(key)
    if h is not None and not_public(h):
        return "no"
    if h is None or h.status not in ("ok", "moved"):
        return "open"
    return "yes" if h.weight_files > 0 or h.gated else "no"


def not_public(h: HubState) -> bool:
    """The Hub says the model is not public: gone, or a 401 to an anonymous request (which it
    gives for missing and private models alike; a gated model's card stays public)."""
    return h.status == "not_found" or (
        h.status == "forbidden" and h.status_reason.startswith("401: missing")
    )


def own_weights_evidence(r: RepoState) -> tuple[str, ...]:
    """Weights evidence that belongs to the repository itself (`tracker.flags.weights`): files,
    release assets, LFS, checkpoint links, and its own Hub models that the Hub confirmed. Links
    to other people's models are kept apart, and so are Hub models not confirmed yet."""
    if r.kind is None:  # judged before evidence was stored: only same-owner Hub models count
        return _legacy_own(r)
    own = [x for x in r.weights_evidence if not x.startswith(_NOT_OWN)]
    return tuple(x for x in own if hub_answer(r, x) in ("", "yes"))


def open_weights(r: RepoState) -> tuple[str, ...]:
    """Weights evidence that can neither confirm nor deny: the repository's own Hub models the
    Hub has not confirmed yet, and Hub models of other owners that no rule ties to it."""
    p = WEIGHT_PREFIXES["unattributed"]
    own = [x for x in r.weights_evidence if not x.startswith(_NOT_OWN)]
    unverified = [f"{x}: not confirmed on the Hub" for x in own if hub_answer(r, x) == "open"]
    other = [x.removeprefix(p) for x in r.weights_evidence if x.startswith(p)]
    return (*unverified, *(f"{x}: whose it is cannot be told" for x in other))


def _legacy_own(r: RepoState) -> tuple[str, ...]:
    if not r.has_weights:
        return ()
    owner = owner_of(r)
    own = []
    for item in r.weights_evidence:
        m = _HF_OWNER.search(item)
        if m is None or m.group(1).lower() == owner:
            own.append(item)
    return tuple(own)


def _month_end(month: str, year: str) -> dt.date | None:
    names = [n.lower() for n in calendar.month_name]
    if month.lower() not in names:
        return None
    m, y = names.index(month.lower()), int(year)
    return dt.date(y, m, calendar.monthrange(y, m)[1])


@quick_init
@dataclass(frozen=True, slots=True)
class Deadline:
    """When a promise falls due, and how that day was worked out (for the evidence)."""

    due: dt.date
    basis: str


def deadline(claim: StatusClaim, f: PaperFacts, grace_days: int) -> Deadline | None:
    """Grace days from the paper's date (`tracker.flags.dates`: the source's date, arXiv's, the
    month of the arXiv ID counted from its last day, else the day the tracker first saw it);
    from the venue date for "upon acceptance" when known; the end of the named month for "in
    March 2025". None without any date."""
    cond = claim.condition
    named = _MONTH_YEAR.search(cond)
    if named and (end := _month_end(named.group(1), named.group(2))):
        return Deadline(end, f"promised for {named.group(1)} {named.group(2)}")
    if cond and _ACCEPTANCE.search(cond) and f.venue_date:
        return Deadline(
            f.venue_date + dt.timedelta(days=grace_days),
            f"{grace_days} days after the venue date {f.venue_date} ({cond})",
        )
    when = paper_date(f)
    if when is None:
        return None
    note = f" ({cond}; venue date unknown)" if cond and _ACCEPTANCE.search(cond) else ""
    after = "the end of " if when.monthly else ""
    return Deadline(
        when.end + dt.timedelta(days=grace_days),
        f"{grace_days} days after {after}{when.describe(f.arxiv_id)}{note}",
    )


READ_KINDS = PROJECT_KINDS | {"shortlink"}
"""Links discovery reads to find code behind them."""
READ_DEFINITELY = frozenset({"ok", "not_found"})
"""A page read, or definitely gone (404/410/451): anything else leaves what is behind it open."""


def _unread_pages(f: PaperFacts) -> tuple[LinkFacts, ...]:
    return tuple(
        lk
        for lk in f.links
        if lk.kind in READ_KINDS
        and lk.official != "community"
        and lk.role not in ("data", "other")
        and lk.resolve_status not in READ_DEFINITELY
    )


def unread_pages(f: PaperFacts) -> tuple[LinkFacts, ...]:
    """The paper's own project pages and shortlinks that were not read (not yet, or refused,
    rate limited, 5xx, timed out): code may be behind them, so "no code" cannot be said."""
    return derived(f, _unread_pages)


def unread_reason(lk: LinkFacts) -> str:
    if lk.resolve_status is None:
        return f"{lk.url}: not read yet"
    why = lk.resolve_reason or lk.resolve_status
    return f"{lk.url}: could not be read ({why})"


def not_yet_created(lk: LinkFacts, f: PaperFacts, ctx: ProbeContext) -> bool:
    """A linked repository that answers 404 but was never seen up, while the paper's code is
    still inside its grace period: promised (or still private), not dead."""
    r = lk.repo
    if r is None or r.status != "not_found" or r.ever_up or r.first_ok_at is not None:
        return False
    if r.http_status is not None and r.http_status not in DEAD_HTTP:
        return False
    due = deadline(f.code, f, ctx.grace_days)
    return due is None or ctx.not_after(due.due)


def claims(claim: StatusClaim) -> bool:
    """Whether the paper promises the artifact or says where it is."""
    return claim.status in (Availability.PROMISED, Availability.RELEASED)
