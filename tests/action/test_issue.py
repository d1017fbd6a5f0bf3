"""The tracking issue through PyGithub against the GitHub emulator's issue endpoints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.action.issue import (
    CLOSING_NOTE,
    IssueAction,
    IssueOutcome,
    change_note,
    listed_ids,
    open_repository,
    plan_issue,
    render_body,
    sync_issue,
)
from tracker.emulators.github import GitHubEmulator
from tracker.errors import ConfigError
from tracker.models import OpenFlag

TODAY = dt.date(2025, 3, 1)
SCENARIO = {
    "tokens": {"ghs_IssueT0ken": "acme-bot"},
    "repos": [
        {
            "owner": "acme",
            "name": "papers",
            "issues": [{"title": "Unrelated bug", "labels": ["bug"], "user": "someone"}],
        }
    ],
}


def flag(n: int, code: str = "code_placeholder") -> OpenFlag:
    return OpenFlag(
        paper_key=f"arxiv:2401.{n:05d}",
        title=f"Paper | {n}",
        arxiv_id=f"2401.{n:05d}",
        code=code,
        severity="medium",
        message=f"repository lab/r{n} holds no code",
        subject=f"https://github.com/lab/r{n}",
        since=dt.date(2025, 1, n),
    )


@pytest.fixture
def gh() -> Iterator[GitHubEmulator]:
    with GitHubEmulator(SCENARIO) as emu:
        yield emu


@pytest.mark.parametrize(
    ("state", "flagged", "want"),
    [
        (None, True, IssueAction.CREATE),
        ("open", True, IssueAction.UPDATE),
        ("closed", True, IssueAction.REOPEN),
        ("open", False, IssueAction.CLOSE),
        ("closed", False, IssueAction.NOTHING),
        (None, False, IssueAction.NOTHING),
    ],
)
def test_plan_issue(state: str | None, flagged: bool, want: IssueAction) -> None:
    assert plan_issue(state, flagged) is want


def test_body_lists_every_flag_and_remembers_them() -> None:
    flags = [flag(1), flag(2, "no_license")]
    body = render_body(flags, today=TODAY, run_url="https://github.com/acme/papers/actions/runs/7")
    assert "**2 papers** carry **2 open flags** (checked 2025-03-01 by [this run](" in body
    assert (
        "| [Paper \\| 1](https://arxiv.org/abs/2401.00001) | `code_placeholder` | medium | "
        "repository lab/r1 holds no code | https://github.com/lab/r1 | 2025-01-01 |"
    ) in body
    assert listed_ids(body) == listed_ids(render_body(flags[::-1], today=TODAY))
    assert len(listed_ids(body) or ()) == 2


def test_body_fits_githubs_limit_and_says_what_was_left_out() -> None:
    flags = [flag(n % 28 + 1) for n in range(3000)]
    body = render_body(flags, today=TODAY, limit=20_000)
    assert len(body) <= 20_000
    shown = body.count("| `code_placeholder` |")
    assert 50 < shown < 3000
    assert f"… and {3000 - shown:,} more flags" in body
    assert listed_ids(body) is None
    assert change_note(listed_ids(body), flags) is None


def test_change_note_names_new_flags_and_counts_resolved_ones() -> None:
    before = listed_ids(render_body([flag(1), flag(2)], today=TODAY))
    note = change_note(before, [flag(2), flag(3)])
    assert note == (
        "1 new flag and 1 resolved since the last run.\n\n"
        "- [Paper \\| 3](https://arxiv.org/abs/2401.00003): `code_placeholder` "
        "repository lab/r3 holds no code"
    )
    assert change_note(before, [flag(1), flag(2)]) is None


def test_runs_keep_one_issue_open_update_close_reopen(gh: GitHubEmulator) -> None:
    repo = open_repository(gh.url, "ghs_IssueT0ken", "acme/papers", paced=False)

    def sync(flags: list[OpenFlag]) -> IssueOutcome:
        return sync_issue(repo, flags, label="paper-tracker", title="Flags", today=TODAY)

    url = "https://github.com/acme/papers/issues/2"
    assert sync([]) == IssueOutcome(IssueAction.NOTHING)
    assert sync([flag(1)]) == IssueOutcome(IssueAction.CREATE, 2, url, "open")
    assert sync([flag(1), flag(2)]) == IssueOutcome(IssueAction.UPDATE, 2, url, "open")
    assert sync([]) == IssueOutcome(IssueAction.CLOSE, 2, url, "closed")
    assert sync([flag(2)]) == IssueOutcome(IssueAction.REOPEN, 2, url, "open")

    bug, tracking = gh.issues["acme/papers"]
    assert (bug["state"], bug["labels"], bug["comments"]) == ("open", ["bug"], [])
    assert (tracking["title"], tracking["labels"], tracking["user"]) == (
        "Flags",
        ["paper-tracker"],
        "acme-bot",
    )
    assert [c["body"].splitlines()[0] for c in tracking["comments"]] == [
        "1 new flag since the last run.",
        CLOSING_NOTE,
        "1 resolved since the last run.",
    ]
    assert listed_ids(tracking["body"]) == listed_ids(render_body([flag(2)], today=TODAY))


def test_a_bad_token_is_a_configuration_error_without_the_token(gh: GitHubEmulator) -> None:
    with pytest.raises(ConfigError) as caught:
        open_repository(gh.url, "ghs_WrongT0ken", "acme/papers")
    assert "401" in str(caught.value) and "ghs_WrongT0ken" not in str(caught.value)
    assert "issues: write" in caught.value.tip


def test_cli_issue_reads_flags_from_the_database(
    gh: GitHubEmulator,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    outputs = tmp_path / "out.txt"
    db = str(tmp_path / "empty.db")
    env = {
        "GITHUB_TOKEN": "ghs_IssueT0ken",
        "TRACKER_GITHUB_API_URL": gh.url,
        "GITHUB_REPOSITORY": "acme/papers",
        "GITHUB_OUTPUT": str(outputs),
    }
    assert cli("db", "upgrade", "--db", db).returncode == 0
    done = cli("action", "issue", "--db", db, env=env)
    assert done.returncode == 0, done.stderr
    assert "tracking issue unchanged (0 open flags)" in done.stderr
    assert outputs.read_text() == (
        "issue-action=unchanged\nissue-number=\nissue-url=\nissue-state=none\n"
    )
    bad = cli("action", "issue", "--db", db, env={**env, "GITHUB_TOKEN": "ghs_Nope"})
    assert bad.returncode == 5
    assert "ghs_Nope" not in bad.stderr + bad.stdout
