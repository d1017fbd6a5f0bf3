"""The shared HTTP policy against a real local server that answers from a script."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.http import Failure, HttpPolicy, make_client, request, retry_after_s_from, send

TOKEN = "ghp_secretsecretsecret"


class Scripted(EmulatorServer):
    """Answers each request with the next scripted response (the last one repeats)."""

    def __init__(self, script: list[Response]) -> None:
        super().__init__()
        self.script = script

    def handle(self, req: Request) -> Response:
        n = len(self.requests) - 1
        return self.script[min(n, len(self.script) - 1)]


class Clock:
    """A fake clock whose `sleep` just advances time, and remembers each sleep."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.slept: list[float] = []

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.now += s


@pytest.fixture
def clock() -> Clock:
    return Clock()


def policy(clock: Clock, **kw: float) -> HttpPolicy:
    return HttpPolicy(timeout_s=2, sleep=clock.sleep, clock=lambda: clock.now, **kw)  # type: ignore[arg-type]


def serve(*script: Response) -> Scripted:
    return Scripted(list(script))


@pytest.fixture
def ok() -> Response:
    return Response.json({"ok": True})


def get(srv: Scripted, p: HttpPolicy) -> tuple[object, int]:
    with make_client(p, base_url=srv.url, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        result = request(c, c.build_request("GET", "/x"))
    return result, len(srv.requests)


def test_5xx_retried_until_success(clock: Clock, ok: Response) -> None:
    with serve(Response.json({}, 502), Response.json({}, 503), ok) as srv:
        result, calls = get(srv, policy(clock))
    assert (result.status, result.failure, result.attempts, calls) == (200, None, 3, 3)
    assert len(clock.slept) == 2 and all(0 <= s <= 1.0 for s in clock.slept)


def test_persistent_5xx_is_a_failure_value(clock: Clock) -> None:
    with serve(Response.json({}, 500)) as srv:
        result, calls = get(srv, policy(clock, max_attempts=3))
    assert (result.status, result.failure, result.reason, calls) == (
        500,
        Failure.HTTP,
        "HTTP 500 after 3 attempts",
        3,
    )


def test_404_and_501_are_not_retried(clock: Clock) -> None:
    for code in (404, 501, 451):
        with serve(Response.json({}, code)) as srv:
            result, calls = get(srv, policy(clock))
        assert (result.status, result.failure, calls) == (code, None, 1)


def test_retry_after_is_honoured(clock: Clock, ok: Response) -> None:
    limited = Response.json({"message": "slow down"}, 429, {"Retry-After": "7"})
    with serve(limited, ok) as srv:
        result, _ = get(srv, policy(clock))
    assert result.status == 200 and 7 <= clock.slept[0] <= 8


def test_secondary_limit_without_header_waits_a_minute_then_doubles(
    clock: Clock, ok: Response
) -> None:
    msg = {"message": "You have exceeded a secondary rate limit."}
    with serve(Response.json(msg, 403), Response.json(msg, 403), ok) as srv:
        result, _ = get(srv, policy(clock, max_wait_s=500))
    assert result.status == 200
    assert [int(s) for s in clock.slept] == [60, 120]


def test_long_primary_limit_returns_at_once_with_retry_time(clock: Clock) -> None:
    reset = int(clock.now) + 3600
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    with serve(Response.json({"message": "API rate limit exceeded"}, 403, headers)) as srv:
        result, calls = get(srv, policy(clock, max_wait_s=60))
    assert (result.failure, calls, clock.slept) == (Failure.RATE_LIMITED, 1, [])
    assert result.retry_at == pytest.approx(reset + 1)
    assert result.reason.startswith("HTTP 403 rate limited until ")


def test_short_primary_limit_is_slept_inline(clock: Clock, ok: Response) -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(clock.now) + 5)}
    with serve(Response.json({}, 429, headers), ok) as srv:
        result, _ = get(srv, policy(clock))
    assert result.status == 200 and 6 <= clock.slept[0] <= 7


def test_forbidden_without_rate_limit_is_an_answer(clock: Clock) -> None:
    with serve(Response.json({"message": "Resource not accessible"}, 403)) as srv:
        result, calls = get(srv, policy(clock))
    assert (result.status, result.failure, calls) == (403, None, 1)


def test_connection_resets_are_retried(clock: Clock, ok: Response) -> None:
    with serve(ok) as srv:
        srv.faults = {"reset_rate": 1.0, "seed": 3}
        result, calls = get(srv, policy(clock, max_attempts=3))
    assert (result.response, result.failure, calls) == (None, Failure.CONNECTION, 3)
    assert TOKEN not in result.reason


def test_timeouts_are_retried_then_reported(clock: Clock, ok: Response) -> None:
    with serve(ok) as srv:
        srv.faults = {"slow_rate": 1.0, "slow_s": 0.6}
        p = HttpPolicy(timeout_s=0.2, max_attempts=2, sleep=clock.sleep)
        result, calls = get(srv, p)
    assert (result.failure, result.reason, calls) == (
        Failure.TIMEOUT,
        "timeout (ReadTimeout) after 2 attempts",
        2,
    )


@pytest.fixture
def closed_port() -> Iterator[int]:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    yield s.getsockname()[1]
    s.close()


def test_no_network_fails_fast(clock: Clock, closed_port: int) -> None:
    p = policy(clock, max_attempts=5)
    with make_client(p, headers={"Authorization": f"token {TOKEN}"}) as c:
        result = request(c, c.build_request("GET", f"http://127.0.0.1:{closed_port}/"))
        with pytest.raises(httpx.ConnectError) as info:
            send(c, c.build_request("GET", f"http://127.0.0.1:{closed_port}/"))
    assert (result.failure, result.attempts) == (Failure.NO_NETWORK, 2)
    assert TOKEN not in result.reason and TOKEN not in str(info.value)


def test_unresolvable_host_fails_fast(clock: Clock) -> None:
    with make_client(policy(clock)) as c:
        result = request(c, c.build_request("GET", "http://no-such-host.invalid/"))
    assert (result.failure, result.attempts) == (Failure.NO_NETWORK, 2)


def test_ietf_ratelimit_field_is_a_wait_hint(clock: Clock, ok: Response) -> None:
    limited = Response.json({"error": "Too Many Requests"}, 429, {"RateLimit": '"api";r=0;t=5'})
    with serve(limited, ok) as srv:
        result, calls = get(srv, policy(clock))
    assert (result.status, calls) == (200, 2) and 5 <= clock.slept[0] <= 6
    assert retry_after_s_from({"ratelimit": '"a";r=3;t=9, "b";r=0;t=40'}, clock.now) == 40
    assert retry_after_s_from({"ratelimit-remaining": "0", "ratelimit-reset": "12"}, 0) == 12
    assert retry_after_s_from({"ratelimit": '"api";r=2;t=40'}, clock.now) is None


def test_hugging_face_window_reset_comes_back_as_retry_time(clock: Clock) -> None:
    scenario = {"models": {"org/m": {}}, "rate_limit": {"limit": 1, "window_s": 300}}
    with HuggingFaceEmulator(scenario) as hub, make_client(policy(clock, max_wait_s=60)) as c:
        first = request(c, c.build_request("GET", f"{hub.url}/api/models/org/m"))
        second = request(c, c.build_request("GET", f"{hub.url}/api/models/org/m"))
        calls = len(hub.requests)
    assert (first.status, second.status, second.failure, calls) == (
        200,
        429,
        Failure.RATE_LIMITED,
        2,
    )
    assert second.retry_at is not None and 299 <= second.retry_at - clock.now <= 301
    assert clock.slept == []
