"""Step outputs, the job summary, and the rate-limit budget of a scheduled run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.action.outputs import SUMMARY_LIMIT, append_summary, fit_summary, write_outputs
from tracker.action.quota import QuotaPlan, RateLimit, fetch_rate_limit, plan_quota
from tracker.emulators.github import GitHubEmulator

RESET = dt.datetime(2025, 1, 1, 14, 5, tzinfo=dt.UTC)


def test_outputs_use_delimiters_only_for_multiline_values(tmp_path: Path) -> None:
    target = tmp_path / "out"
    env = {"GITHUB_OUTPUT": str(target)}
    assert write_outputs({"papers": 3, "note": "a\nb=c"}, env)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "papers=3"
    name, delim = lines[1].split("<<")
    assert (name, lines[2:], delim.startswith("EOF_")) == ("note", ["a", "b=c", delim], True)
    assert not write_outputs({"papers": 3}, {})


def test_summary_is_cut_at_a_line_to_fit_githubs_limit(tmp_path: Path) -> None:
    text = "".join(f"| row {i} | {'x' * 90} |\n" for i in range(20_000))
    cut = fit_summary(text, "the artifact")
    assert len(cut.encode()) <= SUMMARY_LIMIT
    body, note = cut.rsplit("\n\n", 1)
    assert text.startswith(body + "\n")
    assert note == "_The report was cut to fit the job summary; the full report: the artifact._\n"
    assert fit_summary("short\n", "x") == "short\n"
    summary = tmp_path / "summary.md"
    summary.write_text("x" * (SUMMARY_LIMIT - 1000), encoding="utf-8")
    assert append_summary(text, "the artifact", {"GITHUB_STEP_SUMMARY": str(summary)})
    assert SUMMARY_LIMIT - 1000 < summary.stat().st_size <= SUMMARY_LIMIT


@pytest.mark.parametrize(
    ("remaining", "cap", "want"),
    [
        (1000, None, QuotaPlan(900, "1,000 of 1,000 graphql points left, 100 kept")),
        (1000, 50, QuotaPlan(50, "capped at 50 (1,000 graphql left)")),
        (
            80,
            None,
            QuotaPlan(0, "only 80 of 1,000 graphql points left (reserve 100); resets at 14:05 UTC"),
        ),
    ],
)
def test_plan_keeps_the_reserve(remaining: int, cap: int | None, want: QuotaPlan) -> None:
    assert plan_quota(RateLimit("graphql", 1000, remaining, RESET), reserve=100, cap=cap) == want


def test_budget_reads_what_github_says_remains(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    limits = {"graphql": {"authenticated": 1000, "window_s": 3600}}
    with GitHubEmulator({"rate_limits": limits}) as gh:
        rate = fetch_rate_limit(gh.url, "ghs_T0ken", "graphql")
        assert (rate.resource, rate.limit, rate.remaining) == ("graphql", 1000, 1000)
        assert fetch_rate_limit(gh.url, None, "core").limit == 60
        outputs = tmp_path / "out"
        env = {
            "GITHUB_TOKEN": "ghs_T0ken",
            "TRACKER_GITHUB_API_URL": gh.url,
            "GITHUB_OUTPUT": str(outputs),
        }
        done = cli("action", "budget", "--reserve", "250", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "750\n"
    assert "check budget 750: 1,000 of 1,000 graphql points left, 250 kept" in done.stderr
    assert outputs.read_text() == "budget=750\n"
