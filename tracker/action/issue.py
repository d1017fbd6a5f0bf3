"""The one tracking issue: found by its label, opened when flags appear, kept up to date, closed
when none remain.

Deciding and rendering are pure (`plan_issue`, `render_body`, `change_note`); `sync_issue` is
the only part that talks to GitHub, through PyGithub. The body carries the identities of the
flags it lists in an HTML comment, so the next run can say what is new and what was resolved
without any state of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import requests
from github import Auth, Github, GithubException
from github.Issue import Issue
from github.Repository import Repository

from tracker.errors import CheckError, ConfigError
from tracker.models import OpenFlag
from tracker.reports.markdown import GITHUB_LIMIT, cell, href, paper_link

MARKER = "<!-- tracker:tracking-issue -->"
_IDS = re.compile(r"<!-- tracker:flags ([0-9a-f ]*) -->")
_ROOM = 500
"""Characters kept free below GitHub's body limit for the "and N more" line."""
LISTED_IN_NOTE = 20


class IssueAction(StrEnum):
    """What a run does to the tracking issue."""

    CREATE = "created"
    UPDATE = "updated"
    REOPEN = "reopened"
    CLOSE = "closed"
    NOTHING = "unchanged"


@dataclass(frozen=True, slots=True)
class IssueOutcome:
    """What happened to the tracking issue, for the log and the step outputs."""

    action: IssueAction
    number: int | None = None
    url: str = ""
    state: str = "none"
    """`open`, `closed`, or `none` when there is no tracking issue."""


def flag_id(f: OpenFlag) -> str:
    """A short stable identity of one flag (paper, probe, subject)."""
    text = "\x00".join((f.paper_key, f.code, f.subject))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def listed_ids(body: str | None) -> set[str] | None:
    """The flag ids a previous body listed; None when it did not list them (too many flags, or
    a body tracker did not write)."""
    m = _IDS.search(body or "")
    return set(m[1].split()) if m else None


def plan_issue(state: str | None, flagged: bool) -> IssueAction:
    """What to do, given the tracking issue's state (None when there is none) and the flags."""
    if not flagged:
        return IssueAction.CLOSE if state == "open" else IssueAction.NOTHING
    if state is None:
        return IssueAction.CREATE
    return IssueAction.REOPEN if state == "closed" else IssueAction.UPDATE


def _row(f: OpenFlag) -> str:
    since = f.since.isoformat() if f.since else ""
    cells = [
        paper_link(f.title, f.arxiv_id),
        f"`{f.code}`",
        f.severity,
        cell(f.message),
        cell(f.subject),
        since,
    ]
    return "| " + " | ".join(cells) + " |\n"


def render_body(
    flags: Sequence[OpenFlag], *, today: dt.date, run_url: str = "", limit: int = GITHUB_LIMIT
) -> str:
    """The issue body: a table of every open flag, cut to fit GitHub's limit."""
    papers = len({f.paper_key for f in flags})
    run = f" by [this run]({href(run_url)})" if run_url else ""
    head = (
        f"{MARKER}\n## Papers flagged by tracker\n\n"
        f"**{papers:,} papers** carry **{len(flags):,} open flags** "
        f"(checked {today.isoformat()}{run}).\n\n"
        "| Paper | Flag | Severity | Details | About | Since |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
    )
    ids = " ".join(flag_id(f) for f in flags)
    memo = f"<!-- tracker:flags {ids} -->\n" if len(ids) <= limit // 4 else ""
    foot = (
        "\nThis issue is kept up to date by the scheduled tracker workflow and closed when no "
        "flags remain. A false positive can be silenced with `tracker ack PAPER FLAG`.\n"
    )
    budget = limit - len(head) - len(foot) - len(memo) - _ROOM
    rows: list[str] = []
    used = 0
    for f in flags:
        row = _row(f)
        if used + len(row) > budget:
            rows.append(f"\n… and {len(flags) - len(rows):,} more flags (see the run's exports).\n")
            break
        rows.append(row)
        used += len(row)
    return head + "".join(rows) + foot + memo


def change_note(before: set[str] | None, flags: Sequence[OpenFlag]) -> str | None:
    """A comment saying which flags are new and how many were resolved; None when nothing
    changed or the previous flags are not known."""
    if before is None:
        return None
    now = {flag_id(f): f for f in flags}
    new = [f for i, f in now.items() if i not in before]
    resolved = len(before - now.keys())
    if not new and not resolved:
        return None
    parts = []
    if new:
        parts.append(f"{len(new):,} new flag{'s' if len(new) != 1 else ''}")
    if resolved:
        parts.append(f"{resolved:,} resolved")
    lines = [
        f"- {paper_link(f.title, f.arxiv_id)}: `{f.code}` {cell(f.message)}"
        for f in new[:LISTED_IN_NOTE]
    ]
    if len(new) > LISTED_IN_NOTE:
        lines.append(f"- … and {len(new) - LISTED_IN_NOTE:,} more")
    return " and ".join(parts).capitalize() + " since the last run.\n\n" + "\n".join(lines)


CLOSING_NOTE = "No flags remain: closing. tracker reopens this issue if flags come back."


def open_repository(
    api_url: str, token: str | None, full_name: str, *, paced: bool = True
) -> Repository:
    """The repository that holds the tracking issue, or a configuration error saying why not.

    `paced` keeps PyGithub's pauses between requests (a second between writes), as GitHub asks
    of clients to stay clear of its secondary rate limit; a local emulator needs none."""
    if not token:
        raise ConfigError(
            "no GitHub token: set GITHUB_TOKEN (the workflow passes secrets.GITHUB_TOKEN)"
        )
    gh = Github(
        base_url=api_url.rstrip("/"),
        auth=Auth.Token(token),
        timeout=20,
        retry=2,
        seconds_between_requests=0.25 if paced else 0,
        seconds_between_writes=1.0 if paced else 0,
    )
    try:
        return gh.get_repo(full_name)
    except GithubException as exc:
        raise _error(exc, f"cannot open repository {full_name}") from None
    except requests.RequestException as exc:
        raise CheckError(f"cannot reach GitHub: {type(exc).__name__} (rerun later)") from None


def _error(exc: GithubException, doing: str) -> ConfigError | CheckError:
    message = exc.data.get("message") if isinstance(exc.data, dict) else None
    text = f"{doing}: {exc.status} {message or ''}".strip()
    if exc.status in (401, 403, 404):
        err = ConfigError(text)
        err.tip = "the workflow needs `permissions: issues: write` and a valid GITHUB_TOKEN"
        return err
    return CheckError(text + " (rerun later)")


def find_issue(repo: Repository, label: str) -> Issue | None:
    """The tracking issue: the newest open issue with `label`, else the newest closed one."""
    found = [
        i
        for i in repo.get_issues(state="all", labels=[label], sort="created", direction="desc")
        if i.pull_request is None
    ]
    return next((i for i in found if i.state == "open"), found[0] if found else None)


def sync_issue(
    repo: Repository,
    flags: Sequence[OpenFlag],
    *,
    label: str,
    title: str,
    today: dt.date,
    run_url: str = "",
) -> IssueOutcome:
    """Bring the tracking issue in line with `flags`: at most one issue, ever, per label."""
    try:
        issue = find_issue(repo, label)
        action = plan_issue(issue.state if issue else None, bool(flags))
        body = render_body(flags, today=today, run_url=run_url)
        if action is IssueAction.CREATE:
            issue = repo.create_issue(title=title, body=body, labels=[label])
        elif action in (IssueAction.UPDATE, IssueAction.REOPEN):
            assert issue is not None
            note = change_note(listed_ids(issue.body), flags)
            issue.edit(body=body, state="open")
            if note:
                issue.create_comment(note)
        elif action is IssueAction.CLOSE:
            assert issue is not None
            issue.create_comment(CLOSING_NOTE)
            issue.edit(state="closed", state_reason="completed")
    except GithubException as exc:
        raise _error(exc, "cannot update the tracking issue") from None
    except requests.RequestException as exc:
        raise CheckError(f"cannot reach GitHub: {type(exc).__name__} (rerun later)") from None
    if issue is None:
        return IssueOutcome(action)
    state = "closed" if action is IssueAction.CLOSE else issue.state
    return IssueOutcome(action, issue.number, issue.html_url, state)
