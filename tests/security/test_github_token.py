"""The GitHub token never reaches output, the database or another host: not when the API
fails, not when a server echoes it in its messages, not when the API redirects elsewhere."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.check.conftest import NAMES, TOKEN, linked_db, scenario
from tests.check.test_github_checks import FAST, cfg, repos
from tracker.config import Settings
from tracker.emulators.github import GitHubEmulator
from tracker.schedule import check_targets
from tracker.store.schema import metadata

ECHOED = "ghp_Echo0000SecretToken0000000000000000"


def test_token_never_stored_or_reported(sqlite_url: str) -> None:
    engine = linked_db(sqlite_url, NAMES)
    with GitHubEmulator(scenario(faults={"error_rate": 0.5, "seed": 1})) as gh:
        summary = check_targets(engine, cfg(gh), policy=FAST.with_(max_attempts=1))
    assert TOKEN not in repr(summary)
    engine.dispose()  # the last connection closing writes the log into the database file
    db = Path(sqlite_url.removeprefix("sqlite:///"))
    stored = [f.read_bytes() for f in db.parent.glob(db.name + "*")]
    assert stored and all(TOKEN.encode() not in data for data in stored)
    assert json.dumps(summary.reason).find(TOKEN) == -1


class _Echo(BaseHTTPRequestHandler):
    """Answers every request as missing, quoting the Authorization header it was sent."""

    def _answer(self) -> None:
        said = self.headers.get("Authorization", "")
        if self.command == "POST":
            body = {
                "data": {"r0": None},
                "errors": [{"path": ["r0"], "type": "NOT_FOUND", "message": f"no repo for {said}"}],
            }
            status = 200
        else:
            body, status = {"message": f"Not Found (you sent {said})"}, 404
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _everything(engine: Engine) -> str:
    """Every row of every table the models define (search tables are indexes of them)."""
    with engine.connect() as conn:
        return repr([conn.execute(select(t)).all() for t in metadata.sorted_tables])


@pytest.mark.parametrize("rest", [True, False])
def test_an_echoed_token_is_scrubbed_before_it_is_stored(
    sqlite_url: str, echo: str, rest: bool
) -> None:
    engine = linked_db(sqlite_url, ["lab/code"])
    settings = Settings(db_url=sqlite_url, github_token=ECHOED, github_api_url=echo)
    done = check_targets(engine, settings, policy=FAST, rest=rest)
    assert done.checked == 1
    stored = _everything(engine)
    assert "not found" in stored.lower() or "no repo" in stored
    assert ECHOED not in stored


class _Recorder(BaseHTTPRequestHandler):
    """Another host: records what reaches it (path and Authorization) and answers `{}`."""

    server: Any

    def _answer(self) -> None:
        self.server.seen.append((self.path, self.headers.get("Authorization")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


class _Redirecting(BaseHTTPRequestHandler):
    """An API that sends every request to `server.elsewhere` with `server.status`."""

    server: Any

    def _answer(self) -> None:
        self.send_response(self.server.status)
        self.send_header("Location", f"{self.server.elsewhere}{self.path}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


def _serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def redirected() -> Iterator[tuple[ThreadingHTTPServer, ThreadingHTTPServer]]:
    """(the API, the other host it redirects to: `localhost`, a name other than the API's)."""
    other = _serve(_Recorder)
    other.seen = []
    api = _serve(_Redirecting)
    api.elsewhere = f"http://localhost:{other.server_address[1]}"
    yield api, other
    api.shutdown()
    other.shutdown()


@pytest.mark.parametrize("status", [301, 307])
@pytest.mark.parametrize("rest", [False, True], ids=["graphql", "rest"])
def test_an_api_redirect_to_another_host_is_unknown_and_sends_it_nothing(
    sqlite_url: str, redirected: tuple[Any, Any], status: int, rest: bool
) -> None:
    """Item 10: PyGithub refuses such a redirect by raising, which ended the check in a
    traceback; now each repository is unknown, saying where the API sent it."""
    api, other = redirected
    api.status = status
    engine = linked_db(sqlite_url, ["lab/code", "lab/soon"])
    settings = Settings(github_token=TOKEN, github_api_url=f"http://127.0.0.1:{api.server_port}")
    done = check_targets(engine, settings, policy=FAST, rest=rest)
    assert (done.checked, done.unknown) == (2, 2)
    reasons = {r["status_reason"] for r in repos(engine).values()}
    assert all("redirect" in r or r == f"HTTP {status}" for r in reasons), reasons
    assert other.seen == []


def test_a_redirect_loop_is_unknown_not_a_recursion_error(sqlite_url: str) -> None:
    """PyGithub follows a same-host 301 by calling itself, with no limit: a loop ended in a
    RecursionError traceback."""
    api = _serve(_Redirecting)
    api.status = 301
    api.elsewhere = f"http://127.0.0.1:{api.server_port}/again"
    try:
        engine = linked_db(sqlite_url, ["lab/code"])
        settings = Settings(github_api_url=f"http://127.0.0.1:{api.server_port}")
        done = check_targets(engine, settings, policy=FAST, rest=True)
    finally:
        api.shutdown()
    assert (done.checked, done.unknown) == (1, 1)
    assert repos(engine)["lab/code"]["status_reason"] == "malformed answer: redirect loop"


def test_the_command_line_reports_a_redirecting_api_without_a_traceback(
    sqlite_url: str, redirected: tuple[Any, Any], cli: Any
) -> None:
    api, other = redirected
    api.status = 301
    engine = linked_db(sqlite_url, ["lab/code"])
    env = {"GITHUB_TOKEN": TOKEN, "TRACKER_GITHUB_API_URL": f"http://127.0.0.1:{api.server_port}"}
    ran = cli("check", "--rest", "--db", sqlite_url, env=env)
    assert ran.returncode == 6, ran.stderr  # some links could not be checked
    assert "1 unknown" in ran.stderr
    assert repos(engine)["lab/code"]["status_reason"] == (
        "malformed answer: redirected from host 127.0.0.1 to localhost"
    )
    assert "Traceback" not in ran.stderr and TOKEN not in ran.stdout + ran.stderr
    assert other.seen == []
