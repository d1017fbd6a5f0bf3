"""A server that echoes the request's token in its error messages never gets it stored."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from tests.check.conftest import linked_db
from tests.check.test_github_checks import FAST
from tracker.config import Settings
from tracker.schedule import check_targets

TOKEN = "ghp_Echo0000SecretToken0000000000000000"


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
        return repr([conn.execute(select(t)).all() for t in SQLModel.metadata.sorted_tables])


@pytest.mark.parametrize("rest", [True, False])
def test_an_echoed_token_is_scrubbed_before_it_is_stored(
    sqlite_url: str, echo: str, rest: bool
) -> None:
    engine = linked_db(sqlite_url, ["lab/code"])
    settings = Settings(db_url=sqlite_url, github_token=TOKEN, github_api_url=echo)
    done = check_targets(engine, settings, policy=FAST, rest=rest)
    assert done.checked == 1
    stored = _everything(engine)
    assert "not found" in stored.lower() or "no repo" in stored
    assert TOKEN not in stored
