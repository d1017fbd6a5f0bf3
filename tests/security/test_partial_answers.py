"""A GraphQL node with a field an error touched is not a fact: nothing stored changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from tests.check.conftest import NAMES, TOKEN, linked_db, scenario
from tests.check.test_github_checks import FAST, cfg, repos
from tracker.check.github.graphql import parse_batch
from tracker.config import Settings
from tracker.emulators.github import GitHubEmulator
from tracker.flags.run import judge_repositories
from tracker.models import RepoStatus
from tracker.schedule import check_targets
from tracker.store.schema import IngestRun, RepoEvidence, RepoHistory

VERDICTS = ("status", "license_spdx", "placeholder", "has_weights", "source_files", "stars")


def _state(engine: Any) -> tuple[dict[str, tuple[Any, ...]], int, list[str]]:
    judge_repositories(engine)
    rows = repos(engine)
    with engine.connect() as conn:
        history = len(conn.execute(select(RepoHistory.c.id)).all())
        trees = sorted(conn.scalars(select(RepoEvidence.c.tree)))
    return {k: tuple(r[c] for c in VERDICTS) for k, r in rows.items()}, history, trees


def test_partial_answers_leave_stored_facts_and_history_alone(sqlite_url: str) -> None:
    engine = linked_db(sqlite_url, NAMES)
    with GitHubEmulator(scenario()) as gh:
        check_targets(engine, cfg(gh, TOKEN), policy=FAST)
        clean = _state(engine)
        gh.faults = {"graphql_partial": {"rate": 1.0, "fields": ["tree", "licenseInfo"]}}
        hit = check_targets(engine, cfg(gh, TOKEN), policy=FAST, max_age=None)
        # what the error touched keeps its stored value; the rest of the answer stands
        assert (hit.checked, hit.unknown, hit.changed) == (8, 0, 0)
        assert _state(engine) == clean
        gh.faults = {"graphql_partial": {"rate": 1.0, "fields": ["description"]}}
        hit = check_targets(engine, cfg(gh, TOKEN), policy=FAST, max_age=None)
        # an error where no stored column is known to depend on it: the whole answer is unknown
        assert (hit.unknown, hit.changed) == (1, 0)
        assert _state(engine) == clean
        gh.faults = {}
        check_targets(engine, cfg(gh, TOKEN), policy=FAST, max_age=None)
        assert _state(engine) == clean


def test_a_failing_sub_request_is_unknown_never_the_repositorys_status(sqlite_url: str) -> None:
    engine = linked_db(sqlite_url, ["lab/code"])
    releases = ["/repos/lab/code/releases"]
    with GitHubEmulator(scenario()) as gh:
        gh.faults = {"error_rate": 1.0, "error_statuses": [404], "only_paths": releases}
        for _ in range(3):  # dead would need two checks; a sub-request never counts
            hit = check_targets(engine, cfg(gh, None), policy=FAST, max_age=None)
            assert (hit.checked, hit.unknown) == (1, 1)
        row = repos(engine)["lab/code"]
        assert (row["status"], row["dead_confirmations"], row["status_reason"]) == (
            "unknown",
            0,
            "partial answer: a sub-request answered HTTP 404 Server Error",  # the fault's message
        )
        gh.faults = {}
        check_targets(engine, cfg(gh, None), policy=FAST, max_age=None)
    assert repos(engine)["lab/code"]["status"] == "ok"


def test_a_refused_token_stops_the_check_before_writing(sqlite_url: str, cli: Any) -> None:
    engine = linked_db(sqlite_url, NAMES)
    with GitHubEmulator({**scenario(), "tokens": {TOKEN: "alice"}}) as gh:
        env = {
            "GITHUB_TOKEN": "ghp_revoked0000000000000000000000000000",
            "TRACKER_GITHUB_API_URL": gh.url,
        }
        for transport in ([], ["--rest"]):
            ran = cli("check", "--db", sqlite_url, *transport, env=env)
            assert ran.returncode == 5, ran.stderr
            assert "401" in ran.stderr and "GITHUB_TOKEN" in ran.stderr
            assert "ghp_revoked" not in ran.stderr + ran.stdout
    assert repos(engine) == {}


def test_a_403_on_every_call_stops_the_check_before_writing(sqlite_url: str, cli: Any) -> None:
    """Item 2: a 403 that is no rate limit, on every call, made every repository `forbidden`
    over REST, and over GraphQL was waited on as a rate limit, forever. GitHub refusing the
    client everything is a configuration error: exit 5, nothing written, what to fix."""
    engine = linked_db(sqlite_url, NAMES)
    with GitHubEmulator(scenario(faults={"error_rate": 1.0, "error_statuses": [403]})) as gh:
        env = {"GITHUB_TOKEN": TOKEN, "TRACKER_GITHUB_API_URL": gh.url}
        for transport in ([], ["--rest"]):
            started = time.monotonic()
            ran = cli("check", "--db", sqlite_url, *transport, env=env)
            assert ran.returncode == 5, ran.stderr
            assert "403" in ran.stderr and "GITHUB_TOKEN" in ran.stderr
            assert time.monotonic() - started < 60
    assert repos(engine) == {}


def test_a_403_from_one_repository_is_its_own_forbidden(sqlite_url: str) -> None:
    """The same status from one repository's endpoint, while GitHub answers the client, is
    that repository's: `forbidden`, and the others are checked."""
    engine = linked_db(sqlite_url, NAMES)
    refused = {"error_rate": 1.0, "error_statuses": [403], "only_paths": ["/repos/lab/code"]}
    with GitHubEmulator(scenario(faults=refused)) as gh:
        done = check_targets(engine, cfg(gh, None), policy=FAST)
    statuses = {k: r["status"] for k, r in repos(engine).items()}
    assert done.checked == 8 and statuses["lab/code"] == "forbidden"
    assert statuses["lab/soon"] == "ok" and statuses["lab/gone"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"r0": []}},
        {"data": {"r0": "text"}},
        {"data": {"r0": {"nameWithOwner": None}}},
        {"data": {"r0": {"nameWithOwner": "lab/code", "releases": "many"}}},
        {"data": {"r0": None}, "errors": "something broke"},
        {"data": {"r0": None}, "errors": [None, 3, {"path": "r0"}]},
    ],
)
def test_a_malformed_node_is_unknown_never_a_crash_or_a_fact(body: dict[str, Any]) -> None:
    (result,) = parse_batch(["lab/code"], body).values()
    assert (result.status, result.facts) == (RepoStatus.UNKNOWN, None)


class _Misanswering(BaseHTTPRequestHandler):
    """A GitHub API answering every request 200 with the body `server.body`."""

    server: Any

    def _answer(self) -> None:
        body: bytes = self.server.body
        self.send_response(200)
        self.send_header("Content-Type", self.server.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def misanswering() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Misanswering)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def _runs(engine: Any) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(IngestRun.c.status)))


MALFORMED_BODIES = {
    "null": (b"null", "application/json"),
    "array": (b"[]", "application/json"),
    "html": (b"<html><body>Sign in to continue</body></html>", "text/html"),
    "cut utf-8": ('{"data": {"r0": {"name": "caf\u00e9'.encode()[:-1], "application/json"),
    "empty": (b"", "application/json"),
}


@pytest.mark.parametrize("body", MALFORMED_BODIES, ids=list(MALFORMED_BODIES))
@pytest.mark.parametrize("rest", [False, True], ids=["graphql", "rest"])
def test_a_malformed_200_answer_is_unknown_and_changes_nothing(
    sqlite_url: str, misanswering: ThreadingHTTPServer, body: str, rest: bool
) -> None:
    """Item 4: a `null`, `[]`, HTML, cut-off or empty body that says 200 is no fact about any
    repository (an empty REST body once made 54 live repositories `empty`; now it must not
    pass for a 304 "not modified" either). The run finishes; nothing stored changes."""
    engine = linked_db(sqlite_url, NAMES)
    token = None if rest else TOKEN
    with GitHubEmulator(scenario()) as gh:
        check_targets(engine, cfg(gh, token), policy=FAST, rest=rest)
    clean = _state(engine)
    misanswering.body, misanswering.content_type = MALFORMED_BODIES[body]
    api = f"http://127.0.0.1:{misanswering.server_address[1]}"
    settings = Settings(github_token=token, github_api_url=api)
    done = check_targets(engine, settings, policy=FAST, rest=rest, max_age=None)
    assert (done.checked, done.unknown, done.changed) == (8, 8, 0)
    assert _state(engine) == clean
    assert {r["status_reason"] for r in repos(engine).values()} != {"not modified"}
    assert _runs(engine) == ["done", "done"]


def test_a_linked_document_answered_malformed_stays_unread(sqlite_url: str) -> None:
    """A document the README links is extra evidence: when its answer is not JSON it stays
    unread, and the repository's own answer stands (REST)."""
    repo = {
        "owner": "lab",
        "name": "zoo",
        "created_at": "2024-01-01T00:00:00Z",
        "readme": "# Zoo\nWeights are listed in [the zoo](MODEL_ZOO.md).\n",
        "files": {"train.py": "import torch\n", "MODEL_ZOO.md": "| model | link |\n"},
    }
    cut = {"malformed_rate": 1.0, "only_paths": ["/repos/lab/zoo/contents/MODEL_ZOO.md"]}
    engine = linked_db(sqlite_url, ["lab/zoo"])
    with GitHubEmulator({"now": "2025-01-01T00:00:00Z", "repos": [repo], "faults": cut}) as gh:
        done = check_targets(engine, cfg(gh, None), policy=FAST)
        asked = [r.path for r in gh.requests if r.fault == "malformed"]
    row = repos(engine)["lab/zoo"]
    assert asked == ["/repos/lab/zoo/contents/MODEL_ZOO.md"]
    assert (done.unknown, row["status"], row["status_reason"]) == (0, "ok", "")
