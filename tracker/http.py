"""The one HTTP policy every checker uses: timeouts, retries, rate-limit waits, secret hygiene.

Behaviour of `request()` (and of `send()`, its raising twin for existing callers):

* Every request has a timeout (`HttpPolicy.timeout_s`, connect `connect_timeout_s`).
* Retried, at most `max_attempts` attempts in all, with full-jitter exponential backoff
  (`backoff_base_s * 2**n`, capped at `backoff_cap_s`, via tenacity): 5xx except 501/505,
  408, 429, a 403 that says it is a rate limit (`x-ratelimit-remaining: 0`, `Retry-After`, or a
  body mentioning "rate limit"), timeouts, and dropped connections.
* Rate limits decide the wait themselves: `Retry-After` (seconds or HTTP date) wins, then the
  IETF draft `RateLimit` field (`"api";r=0;t=42`, as the Hugging Face Hub sends it, or the older
  `RateLimit-Remaining`/`RateLimit-Reset` pair), then `x-ratelimit-reset` when
  `x-ratelimit-remaining` is 0; a limit that names no time (a GitHub
  secondary limit) waits `secondary_wait_s` (one minute, as GitHub asks), doubling on each repeat.
  A wait longer than `max_wait_s` is not slept here: the result comes back at once as
  `RATE_LIMITED` with `retry_at`, so the caller can show a countdown, stop (`--no-wait`), or
  leave the rest for the next run.
* A connection that cannot be opened at all (DNS failure, refused) is tried only
  `connect_attempts` times with a short pause: with no network a run fails in seconds, not
  minutes.
* A run bounds its retries as a whole: `HttpPolicy.retry_budget` (a `RetryBudget` shared by
  every client and thread of one run) counts the seconds spent retrying transient failures
  (backoff pauses and the attempts after them). Once spent, a transient failure is no longer
  retried but returned at once, with the reason saying so, and its target is unknown for this
  run. Without a budget, a host failing on every call would cost each target all its attempts
  and pauses, and a run over a few hundred targets minutes. Rate-limit waits are not charged:
  they are the server's schedule, bounded by `max_wait_s`.
* A redirect whose `Location` httpx cannot parse is the server's answer: not retried, and
  its reason says so.
* Expected conditions are values, not exceptions: `HttpResult` holds the response, or a
  `Failure` kind with a one-line reason. Reasons name the status or the exception type, never
  a URL's query or a header, and every `Authorization` value the client or request carries is
  scrubbed from them.

PyGithub keeps its own retry (`GithubRetry`, urllib3). The REST checker passes it a
`urllib3.Retry` built by `pygithub_retry()` from the same policy (same attempts, same backoff,
same statuses, honouring `Retry-After`, charging the same retry budget) so both transports
behave alike; its primary-limit waits are bounded by `max_wait_s` like ours.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, retry_if_result

from tracker.config import scrub

USER_AGENT = "tracker/0.1 (+https://pypi.org/project/tracker)"
NO_RETRY_5XX = frozenset({501, 505})


class Failure(StrEnum):
    """Why no usable response came back."""

    TIMEOUT = "timeout"
    NO_NETWORK = "no_network"
    """The host could not be resolved or connected to: retrying soon will not help."""
    CONNECTION = "connection"
    """The connection dropped mid-request (reset, closed without an answer)."""
    RATE_LIMITED = "rate_limited"
    """A rate limit whose reset is further away than the policy waits inline."""
    HTTP = "http"
    """A retryable status (5xx, 408, 429) persisted through every attempt."""


class RetryBudget:
    """Seconds one run may spend retrying transient failures, shared by all its clients.

    Thread-safe: enrichment retries from several threads at once. `clock` is monotonic so a
    wall-clock jump neither refunds nor spends the budget."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._spent = 0.0
        self._lock = threading.Lock()

    @property
    def spent(self) -> float:
        with self._lock:
            return self._spent

    @property
    def left(self) -> float:
        with self._lock:
            return max(0.0, self.seconds - self._spent)

    @property
    def exhausted(self) -> bool:
        return self.left <= 0.0

    def charge(self, seconds: float) -> None:
        with self._lock:
            self._spent += max(0.0, seconds)

    def __repr__(self) -> str:
        return f"RetryBudget(seconds={self.seconds}, spent={self.spent:.2f})"


@dataclass(frozen=True)
class HttpPolicy:
    """Timeouts and retry limits, shared by every checker so they all behave alike.

    `sleep` and `clock` are injectable so tests (and emulators with a movable clock) need not
    wait in real time.
    """

    timeout_s: float = 20.0
    connect_timeout_s: float = 5.0
    max_attempts: int = 4
    connect_attempts: int = 2
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 30.0
    max_wait_s: float = 90.0
    """Longest rate-limit wait slept inside one request; longer ones are returned."""
    secondary_wait_s: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    clock: Callable[[], float] = field(default=time.time, compare=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    retry_budget: RetryBudget | None = field(default=None, compare=False)
    """Shared by every request of one run; None retries each request in full."""

    def with_(self, **changes: Any) -> HttpPolicy:
        return replace(self, **changes)


DEFAULT_POLICY = HttpPolicy()
RUN_RETRY_BUDGET_S = 120.0
"""Seconds each step of a run (enrich, check, Hub verification) may spend retrying faults."""


@dataclass(frozen=True)
class HttpResult:
    """A response, or the reason there is none. `retry_at` is epoch seconds for rate limits."""

    response: httpx.Response | None
    failure: Failure | None = None
    reason: str = ""
    attempts: int = 1
    retry_at: float | None = None

    @property
    def status(self) -> int | None:
        return None if self.response is None else self.response.status_code


class PolicyClient(httpx.Client):
    """An `httpx.Client` that carries its `HttpPolicy`, so `send(client, request)` finds it."""

    def __init__(self, policy: HttpPolicy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.policy = policy


def make_client(
    policy: HttpPolicy = DEFAULT_POLICY,
    *,
    base_url: str = "",
    headers: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> PolicyClient:
    """A client with the policy's timeouts, our User-Agent and keep-alive pooling."""
    all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    timeout = httpx.Timeout(policy.timeout_s, connect=policy.connect_timeout_s)
    return PolicyClient(policy, base_url=base_url, headers=all_headers, timeout=timeout, **kwargs)


def _header_secrets(client: httpx.Client, request: httpx.Request) -> tuple[str, ...]:
    found = []
    for headers in (client.headers, request.headers):
        value = headers.get("authorization")
        if value:
            found.append(value.split(" ", 1)[-1])
    return tuple(found)


def ratelimit_field_wait_s(headers: Mapping[str, str]) -> float | None:
    """Seconds until an exhausted policy resets, from the IETF draft RateLimit fields.

    `RateLimit: "api";r=0;t=42` lists policies (comma-separated) with `r` remaining and `t`
    seconds to reset; the longest wait of those with nothing left counts. Earlier drafts send
    `RateLimit-Remaining: 0` and `RateLimit-Reset: 42` instead."""
    waits = []
    for item in headers.get("ratelimit", "").split(","):
        params = dict(p.strip().partition("=")[::2] for p in item.split(";")[1:])
        left, reset = params.get("r", "").strip(), params.get("t", "").strip()
        if left == "0" and reset.isdigit():
            waits.append(float(reset))
    reset = headers.get("ratelimit-reset", "").strip()
    if headers.get("ratelimit-remaining", "").strip() == "0" and reset.isdigit():
        waits.append(float(reset))
    return max(waits) if waits else None


def retry_after_s_from(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asked us to wait, from `Retry-After` or an exhausted rate limit.

    `headers` must answer lower-case names (httpx headers do, whatever the case sent)."""
    value = headers.get("retry-after")
    if value:
        if value.strip().isdigit():
            return float(value.strip())
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when.timestamp() - now)
    draft = ratelimit_field_wait_s(headers)
    if draft is not None:
        return draft
    if headers.get("x-ratelimit-remaining") == "0":
        reset = headers.get("x-ratelimit-reset", "")
        if reset.isdigit():
            return max(0.0, float(reset) - now) + 1.0
    return None


def retry_after_s(response: httpx.Response, now: float) -> float | None:
    return retry_after_s_from(response.headers, now)


def _says_rate_limit(response: httpx.Response) -> bool:
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    if "retry-after" in response.headers or response.headers.get("x-ratelimit-remaining") == "0":
        return True
    try:
        return "rate limit" in response.text.lower()
    except httpx.ResponseNotRead:
        return False


def is_retryable(response: httpx.Response) -> bool:
    code = response.status_code
    if code >= 500:
        return code not in NO_RETRY_5XX
    return code == 408 or _says_rate_limit(response)


class _Attempts:
    """Wait and stop decisions for tenacity, planned once per attempt (order-independent)."""

    def __init__(self, policy: HttpPolicy) -> None:
        self.policy = policy
        self.budget = policy.retry_budget
        self.limit_hits = 0
        self.retry_at: float | None = None
        self.too_long = False
        self.budget_spent = False
        """Retries stopped because the run's retry budget was spent."""
        self.after_fault = False
        """The next attempt retries a transient failure: its time is charged to the budget."""
        self._planned: tuple[int, float, bool] = (0, 0.0, False)
        """(attempt number, pause, stop) of the last plan."""

    def _limit_wait(self, response: httpx.Response) -> float | None:
        asked = retry_after_s(response, self.policy.clock())
        if asked is None and not _says_rate_limit(response):
            return None
        self.limit_hits += 1
        if asked is None:
            asked = self.policy.secondary_wait_s * 2 ** (self.limit_hits - 1)
        return asked

    def plan(self, state: RetryCallState) -> tuple[float, bool]:
        """The pause before the next attempt and whether to stop instead, decided once per
        attempt whichever of wait and stop tenacity asks first; a fault's pause is charged to
        the run's budget here, once, and only when the retry happens."""
        if self._planned[0] == state.attempt_number:
            return self._planned[1], self._planned[2]
        p = self.policy
        exp = min(p.backoff_cap_s, p.backoff_base_s * 2 ** (state.attempt_number - 1))
        delay = random.uniform(0, exp)
        fault = True
        outcome = state.outcome
        if outcome is not None and outcome.failed:
            exc = outcome.exception()
            if isinstance(exc, httpx.ConnectError) and state.attempt_number >= p.connect_attempts:
                self._planned = (state.attempt_number, 0.0, True)
                return 0.0, True
        if outcome is not None and not outcome.failed:
            limit = self._limit_wait(outcome.result())
            if limit is not None:
                fault = False
                delay = limit + random.uniform(0, 1)
                if limit > p.max_wait_s:
                    self.too_long = True
                    self.retry_at = p.clock() + limit
        stop = self.too_long or state.attempt_number >= p.max_attempts
        if fault and not stop and self.budget is not None:
            if self.budget.exhausted:
                self.budget_spent = stop = True
            else:
                delay = min(delay, self.budget.left)
                self.budget.charge(delay)
        self.after_fault = fault and self.budget is not None
        self._planned = (state.attempt_number, delay, stop)
        return delay, stop

    def wait(self, state: RetryCallState) -> float:
        return self.plan(state)[0]

    def stop(self, state: RetryCallState) -> bool:
        return self.plan(state)[1]


_SPENT = " (the run's retry budget is spent)"


def malformed_redirect(exc: BaseException) -> bool:
    """httpx reads the `Location` of every redirect, followed or not, and raises a protocol
    error for one its URL parser refuses (`http://0177.0.0.1/`): that is the server's answer,
    not a dropped connection, so it is never retried."""
    return isinstance(exc, httpx.RemoteProtocolError) and str(exc).startswith(
        "Invalid URL in location header"
    )


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, httpx.TransportError) and not malformed_redirect(exc)


def _failure_of(exc: BaseException) -> tuple[Failure, str]:
    name = type(exc).__name__
    if malformed_redirect(exc):
        detail = str(exc).removeprefix("Invalid URL in location header:").strip(" .")
        return Failure.HTTP, f"redirect to a malformed URL ({detail[:160]})"
    if isinstance(exc, httpx.TimeoutException):
        return Failure.TIMEOUT, f"timeout ({name})"
    if isinstance(exc, httpx.ConnectError):
        detail = str(exc).split("]")[-1].strip()[:120]
        return Failure.NO_NETWORK, f"cannot connect ({detail or name})"
    return Failure.CONNECTION, f"connection failed ({name})"


def _discard(state: RetryCallState) -> None:
    """Release a streamed answer that is about to be retried."""
    if state.outcome is not None and not state.outcome.failed:
        state.outcome.result().close()


def request(
    client: httpx.Client,
    req: httpx.Request,
    *,
    policy: HttpPolicy | None = None,
    stream: bool = False,
) -> HttpResult:
    """Send `req` under the policy; never raises for network or HTTP conditions."""
    p: HttpPolicy = policy if policy is not None else getattr(client, "policy", DEFAULT_POLICY)
    secrets = (*p.secrets, *_header_secrets(client, req))
    attempts = _Attempts(p)
    calls = 0

    def once() -> httpx.Response:
        nonlocal calls
        calls += 1
        if not (attempts.after_fault and p.retry_budget is not None):
            return client.send(req, stream=stream)
        started = p.retry_budget.clock()
        try:
            return client.send(req, stream=stream)
        finally:
            p.retry_budget.charge(p.retry_budget.clock() - started)

    retrying = Retrying(
        retry=retry_if_exception(_transient) | retry_if_result(is_retryable),
        wait=attempts.wait,
        stop=attempts.stop,
        sleep=p.sleep,
        before_sleep=_discard,
        reraise=True,
        retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
    )
    try:
        response = retrying(once)
    except httpx.TransportError as exc:
        kind, why = _failure_of(exc)
        tries = f" after {calls} attempts" if calls > 1 else ""
        why += tries + (_SPENT if attempts.budget_spent else "")
        return HttpResult(None, kind, scrub(why, secrets), calls)
    return _result(response, attempts, calls, secrets)


def _result(
    response: httpx.Response, attempts: _Attempts, calls: int, secrets: tuple[str, ...]
) -> HttpResult:
    if attempts.too_long:
        until = dt.datetime.fromtimestamp(attempts.retry_at or 0, dt.UTC).strftime("%H:%M:%S")
        why = f"HTTP {response.status_code} rate limited until {until} UTC"
        return HttpResult(response, Failure.RATE_LIMITED, why, calls, attempts.retry_at)
    if is_retryable(response):
        kind = Failure.RATE_LIMITED if _says_rate_limit(response) else Failure.HTTP
        why = f"HTTP {response.status_code} after {calls} attempts"
        why += _SPENT if attempts.budget_spent else ""
        return HttpResult(response, kind, scrub(why, secrets), calls)
    return HttpResult(response, None, "", calls)


def send(
    client: httpx.Client,
    req: httpx.Request,
    *,
    policy: HttpPolicy | None = None,
    stream: bool = False,
) -> httpx.Response:
    """`request()` for callers that want the final response: raises `httpx.TransportError`
    (with a scrubbed message) only when no response arrived at all."""
    result = request(client, req, policy=policy, stream=stream)
    if result.response is None:
        errors: dict[Failure | None, type[httpx.TransportError]] = {
            Failure.TIMEOUT: httpx.TimeoutException,
            Failure.NO_NETWORK: httpx.ConnectError,
        }
        raise errors.get(result.failure, httpx.RemoteProtocolError)(result.reason, request=req)
    return result.response


def pygithub_retry(policy: HttpPolicy) -> Any:
    """A `urllib3.Retry` for PyGithub with the policy's attempts, backoff and statuses.

    A 403 is retried only when it carries `Retry-After` (a secondary limit), after sleeping it.
    Backoff pauses and the attempts after them are charged to the policy's retry budget; once
    it is spent, a fault is answered as it came (a status) or raised (no answer)."""
    from urllib3.exceptions import MaxRetryError
    from urllib3.util.retry import Retry

    budget = policy.retry_budget
    retried_since = threading.local()

    def charge_attempt() -> None:
        started = getattr(retried_since, "at", None)
        if budget is not None and started is not None:
            budget.charge(budget.clock() - started)
        retried_since.at = None

    class PolicyRetry(Retry):
        def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
            charge_attempt()
            if status_code == 403 and has_retry_after and self.total:
                return True
            if budget is not None and budget.exhausted and not has_retry_after:
                return False
            return bool(super().is_retry(method, status_code, has_retry_after))

        def increment(self, *args: Any, **kwargs: Any) -> Any:
            error = kwargs.get("error")
            if error is not None:
                charge_attempt()
                if budget is not None and budget.exhausted:
                    pool: Any = kwargs.get("_pool")
                    url = args[1] if len(args) > 1 else kwargs.get("url")
                    raise MaxRetryError(pool, url or "", error)
            return super().increment(*args, **kwargs)

        def _sleep_backoff(self) -> None:
            backoff = self.get_backoff_time()
            if budget is not None:
                backoff = min(backoff, budget.left)
                budget.charge(backoff)
            if backoff > 0:
                time.sleep(backoff)
            if budget is not None:
                retried_since.at = budget.clock()

    return PolicyRetry(
        total=policy.max_attempts - 1,
        connect=policy.connect_attempts - 1,
        backoff_factor=policy.backoff_base_s,
        backoff_max=policy.backoff_cap_s,
        backoff_jitter=policy.backoff_base_s,
        status_forcelist=(408, 429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
