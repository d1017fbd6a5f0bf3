"""A host that fails on every call costs a run its retry budget, not every target's retries.

Real emulators answer 502 to everything; the check runs through the one scheduling loop with
real backoff pauses. Without the budget each target would pay all its attempts and pauses (tens
of seconds for these few targets); with it the run ends within the budget plus the time of one
attempt per remaining request, every target unknown and none counted towards dead.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine

from tests.check.test_gitlab import ingest, repos, settings, verdicts
from tracker.config import Settings
from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.gitlab import GitLabEmulator
from tracker.http import Failure, HttpPolicy, RetryBudget, make_client, request
from tracker.schedule import check_targets

TARGETS = 30
ALWAYS_502 = {"error_rate": 1.0, "error_statuses": [502]}
BUDGET_S = 1.0
SLACK_S = 6.0
"""One unretried attempt per remaining request, on a shared machine."""


def real_policy(budget: RetryBudget) -> HttpPolicy:
    """Real pauses (no fake clock): the bound must hold in wall time."""
    return HttpPolicy(
        timeout_s=5, backoff_base_s=0.2, backoff_cap_s=1.0, max_attempts=4, retry_budget=budget
    )


def papers(host: str) -> dict[str, str]:
    return {f"p{i:02d}": f"Code: https://{host}/lab{i}/method{i}" for i in range(TARGETS)}


def assert_all_unknown(engine: Engine) -> None:
    stored = repos(engine)
    assert len(stored) == TARGETS
    assert {r["status"] for r in stored.values()} == {"unknown"}
    assert {r["dead_confirmations"] for r in stored.values()} == {0}
    assert set(verdicts(engine).values()) == {"unknown"}


def test_gitlab_answering_502_to_everything_ends_within_the_budget(sqlite_url: str) -> None:
    engine = ingest(sqlite_url, papers("gitlab.com"))
    budget = RetryBudget(BUDGET_S)
    with GitLabEmulator({"projects": {}}, faults=ALWAYS_502) as emu:
        started = time.monotonic()
        done = check_targets(
            engine, settings(), connect_to={"gitlab.com": emu.url}, policy=real_policy(budget)
        )
        wall = time.monotonic() - started
    assert (done.checked, done.unknown, done.unchecked) == (TARGETS, TARGETS, 0)
    assert wall < BUDGET_S + SLACK_S
    assert budget.exhausted and budget.spent <= BUDGET_S + 0.5
    assert_all_unknown(engine)
    assert any("retry budget" in r["status_reason"] for r in repos(engine).values())


def test_github_rest_answering_502_to_everything_ends_within_the_budget(
    sqlite_url: str,
) -> None:
    engine = ingest(sqlite_url, papers("github.com"))
    budget = RetryBudget(BUDGET_S)
    with GitHubEmulator({"repos": []}, faults=ALWAYS_502) as gh:
        started = time.monotonic()
        done = check_targets(
            engine, Settings(github_api_url=gh.url), rest=True, policy=real_policy(budget)
        )
        wall = time.monotonic() - started
    assert (done.checked, done.unknown, done.unchecked) == (TARGETS, TARGETS, 0)
    assert wall < BUDGET_S + SLACK_S
    assert_all_unknown(engine)


def test_the_budget_is_shared_and_rate_limit_waits_are_not_charged() -> None:
    class Script(EmulatorServer):
        """Each path answers a rate limit once with a short Retry-After, then 200; `/down`
        answers 503 always."""

        def handle(self, req: Request) -> Response:
            if req.path == "/down":
                return Response.json({"message": "unavailable"}, status=503)
            seen = sum(1 for r in self.requests if r.path == req.path)
            if seen == 1:
                return Response.json({}, status=429, headers={"Retry-After": "0"})
            return Response.json({"ok": True})

    slept: list[float] = []
    budget = RetryBudget(0.001)
    pol = HttpPolicy(timeout_s=5, backoff_base_s=1.0, retry_budget=budget, sleep=slept.append)
    with Script() as srv, make_client(pol, base_url=srv.url) as one, make_client(pol) as two:
        limited = request(one, one.build_request("GET", "/a"))
        assert (limited.status, limited.failure, budget.spent) == (200, None, 0.0)
        down = request(two, two.build_request("GET", srv.url + "/down"))
        assert down.failure is Failure.HTTP and budget.exhausted
        assert down.reason.startswith("HTTP 503 after 2 attempts") and "retry budget" in down.reason
        again = request(one, one.build_request("GET", "/down"))
        assert (again.attempts, again.failure) == (1, Failure.HTTP)
        after = request(one, one.build_request("GET", "/b"))
        assert after.status == 200
    limit_waits, fault_pauses = [slept[0], slept[2]], [slept[1]]
    assert len(slept) == 3 and fault_pauses[0] <= 0.001 and all(w < 1.0 for w in limit_waits)


def test_a_spent_budget_returns_a_dropped_connection_at_once() -> None:
    budget = RetryBudget(0.0)
    pol = HttpPolicy(timeout_s=2, backoff_base_s=1.0, retry_budget=budget)
    with EmulatorServer(faults={"reset_rate": 1.0}) as srv, make_client(pol) as client:
        started = time.monotonic()
        result = request(client, client.build_request("GET", srv.url + "/x"))
    assert time.monotonic() - started < 1.0
    assert (result.response, result.failure, result.attempts) == (None, Failure.CONNECTION, 1)
    assert "retry budget" in result.reason
