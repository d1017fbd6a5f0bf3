"""JSON APIs of code hosts other than GitHub: one guarded client, and the checker base they share.

Every request goes through the one HTTP policy (`tracker.http`: timeouts, retries, rate-limit
waits, secret scrubbing) and the address guard of `tracker.check.web`: the host a link points
at is resolved and must be public before one byte is sent (a self-hosted instance is reached
only because a link names it), unless `--connect-to` routes it to a local server. Redirects
are never followed blindly: a checker follows one that stays on the API (a moved project) and
reports any other (a login page) as unknown.

What an answer means is decided once here (`ApiChecker.failed`), so every host reports the
same statuses: 404/410/451 `not_found`; 403 `forbidden`; a 401 with a token is a configuration
error (exit 5) and without one `unknown`; 429, 5xx, timeouts, a redirect elsewhere, a page
that is not JSON or is cut off are `unknown` with the reason. A host that cannot be reached,
or that rate-limits past what the policy waits, leaves its remaining targets for the next run.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

import httpx

from tracker.check.evidence import MAX_FILE_CHARS, docs_to_read, files_to_read, readme_path
from tracker.check.interface import Checker, CheckOptions, CheckStopped
from tracker.check.web import Refused, Target, Unresolved, WebPolicy, route
from tracker.config import HOST_TOKEN_ENV, Settings, scrub
from tracker.errors import ConfigError
from tracker.hosts import host_name
from tracker.http import Failure, HttpPolicy, make_client, request
from tracker.models import CheckResult, DueRepo, RepoStatus

MAX_JSON_BYTES = 8_000_000
"""A longer API answer is cut, and a cut answer is not parsed: unknown, never a fact."""
BODY_DEADLINE_S = 60.0
"""The longest one answer's body may take to arrive, however steadily it trickles."""
DEAD_HTTP = frozenset({404, 410, 451})
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class ApiAnswer:
    """One API answer: parsed JSON (`data`) or text, else a failure with a one-line reason."""

    status: int | None
    data: Any = None
    text: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    failure: Failure | None = None
    reason: str = ""
    retry_at: float | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None and self.status is not None and 200 <= self.status < 300

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class HostClient:
    """GETs to one host's API under the policy and the guard, as `ApiAnswer`s."""

    def __init__(
        self,
        base_url: str,
        policy: HttpPolicy,
        web: WebPolicy,
        headers: Mapping[str, str] | None = None,
        *,
        configured: bool = False,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.web = web
        self.configured = configured
        """The base URL is the operator's configuration (`--hf-endpoint`), trusted as such like
        `--github-api-url`; a host only a link names always goes through the guard."""
        self.client = make_client(policy, headers=dict(headers or {}), follow_redirects=False)
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> ApiAnswer:
        """A JSON answer; one that is not JSON (an HTML page), or is cut, is a failure."""
        return self._json(self._get(path, params, MAX_JSON_BYTES))

    def _json(self, answer: ApiAnswer) -> ApiAnswer:
        if not answer.ok:
            return answer
        kind = answer.headers.get("content-type", "")
        if "json" not in kind:
            why = f"answered {kind.split(';')[0] or 'no content type'} instead of JSON"
            return _failed(answer, why)
        try:
            data = json.loads(answer.text)
        except ValueError:
            return _failed(answer, "answered malformed or cut-off JSON")
        return ApiAnswer(answer.status, data, "", answer.headers)

    def post_json(self, path: str, params: Mapping[str, Any] | None = None) -> ApiAnswer:
        """A POST without a body (a request to a service, such as an archive's "save now"),
        read as `get_json` reads its answer; only for requests that may be repeated safely,
        since the policy retries them like any other."""
        return self._json(self._get(path, params, MAX_JSON_BYTES, method="POST"))

    def get_text(self, path: str, params: Mapping[str, Any] | None = None) -> ApiAnswer:
        """A file's text, cut at `MAX_FILE_CHARS` (the parts the judgement reads come early)."""
        answer = self._get(path, params, MAX_FILE_CHARS * 4)
        if not answer.ok:
            return answer
        return ApiAnswer(answer.status, None, answer.text[:MAX_FILE_CHARS], answer.headers)

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        query = f"?{urlencode(params, doseq=True)}" if params else ""
        return f"{self.base_url}{path}{query}"

    def relative(self, url: str) -> str | None:
        """The path (and query) of `url` below this API's root, to ask with `get_json`, when
        `url` stays on this API (a paging link, a redirect to a moved repository); None when it
        leads anywhere else, where this client's token must not go."""
        where, base = urlsplit(url), urlsplit(self.base_url)
        if where.scheme not in ("", base.scheme) or where.netloc.lower() not in ("", base.netloc):
            return None
        if not where.path.startswith(f"{base.path}/"):
            return None
        query = f"?{where.query}" if where.query else ""
        return where.path[len(base.path) :] + query

    def moved(self, answer: ApiAnswer, prefix: str) -> ApiAnswer:
        """For a redirect that stays on this API under `prefix` (a renamed or moved repository,
        as hosts answer its old name), the answer at its target, followed once; else `answer`."""
        if answer.status not in REDIRECTS:
            return answer
        path = self.relative(answer.location)
        return answer if path is None or not path.startswith(prefix) else self.get_json(path)

    def _get(
        self, path: str, params: Mapping[str, Any] | None, limit: int, method: str = "GET"
    ) -> ApiAnswer:
        url = self.url(path, params)
        try:
            target = self._configured(url) if self.configured else route(url, self.web)
        except Refused as exc:
            return ApiAnswer(None, failure=Failure.HTTP, reason=f"refused by the guard: {exc}")
        except Unresolved as exc:
            return ApiAnswer(None, failure=Failure.NO_NETWORK, reason=str(exc))
        req = self.client.build_request(
            method, target.url, headers=target.headers, extensions=target.extensions
        )
        self.requests += 1
        result = request(self.client, req, stream=True)
        response = result.response
        if response is None:
            return ApiAnswer(None, failure=result.failure, reason=result.reason)
        try:
            headers = {k.lower(): v for k, v in response.headers.items()}
            if result.failure is not None:
                return ApiAnswer(
                    response.status_code,
                    headers=headers,
                    failure=result.failure,
                    reason=result.reason,
                    retry_at=result.retry_at,
                )
            if not 200 <= response.status_code < 300:
                return ApiAnswer(response.status_code, headers=headers)
            text, cut = _read(response, limit)
        except (httpx.TransportError, _TooSlow) as exc:
            why = str(exc) or type(exc).__name__
            return ApiAnswer(None, failure=Failure.TIMEOUT, reason=f"body not read: {why}")
        finally:
            response.close()
        if cut:
            return ApiAnswer(
                response.status_code, headers=headers, failure=Failure.HTTP, reason="answer cut"
            )
        return ApiAnswer(response.status_code, None, text, headers)

    def _configured(self, url: str) -> Target:
        """A configured endpoint: `--connect-to` still applies, the address guard does not."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if self.web.connect_to.get(host) or self.web.connect_to.get(parts.netloc.lower()):
            return route(url, self.web)
        return Target(url, {}, {}, ())


class _TooSlow(Exception):
    pass


def _read(response: httpx.Response, limit: int) -> tuple[str, bool]:
    """The body as text, and whether it passed `limit` bytes (then it is cut)."""
    data = bytearray()
    until = time.monotonic() + BODY_DEADLINE_S
    for chunk in response.iter_bytes():
        data.extend(chunk)
        if len(data) > limit:
            return "", True
        if time.monotonic() > until:
            raise _TooSlow(f"still arriving after {BODY_DEADLINE_S:g} s")
    return bytes(data).decode(response.encoding or "utf-8", errors="replace"), False


def _failed(answer: ApiAnswer, why: str) -> ApiAnswer:
    return ApiAnswer(answer.status, headers=answer.headers, failure=Failure.HTTP, reason=why)


class HostStopped(Exception):
    """This network host can answer nothing more in this pass (unreachable, rate limited for
    long): its remaining targets are left for the next run."""


def host_stop(answer: ApiAnswer) -> str | None:
    """Why the host can answer nothing more in this pass, if the answer says so."""
    if answer.failure is Failure.NO_NETWORK:
        return f"unreachable ({answer.reason})"
    if answer.failure is Failure.RATE_LIMITED and answer.retry_at is not None:
        until = dt.datetime.fromtimestamp(answer.retry_at, dt.UTC).strftime("%H:%M:%S UTC")
        return f"rate limited until {until}"
    return None


class Partial(Exception):
    """A request below the target's own (tree, README, releases) failed: the check is unknown,
    never the target's status, and nothing it would have read replaces stored evidence."""


def need(answer: ApiAnswer, what: str) -> Any:
    """The answer's JSON (or text), or `Partial` naming what could not be read (`HostStopped`
    when the host itself is gone or rate-limited for long)."""
    stop = host_stop(answer)
    if stop is not None:
        raise HostStopped(stop)
    if not answer.ok:
        raise Partial(f"partial answer: {what} {answer.reason or f'HTTP {answer.status}'}")
    return answer.data if answer.data is not None else answer.text


class ApiChecker(Checker):
    """A host asked one target at a time over a JSON API (`check` is the host's own)."""

    default_api: ClassVar[str] = ""
    """The API root for a host name, e.g. `https://{host}/api/v4`."""

    def __init__(self, settings: Settings, policy: HttpPolicy, options: CheckOptions) -> None:
        super().__init__(settings, policy, options)
        self.web = WebPolicy(
            allow_private=options.allow_private, connect_to=dict(options.connect_to)
        )
        self._clients: dict[str, HostClient] = {}

    def auth_headers(self, token: str) -> dict[str, str]:
        """The headers that carry `token` to this host's API."""
        return {"Authorization": f"Bearer {token}"}

    def client(self, host: str) -> HostClient:
        """The client for one network host; its token (if one is configured for exactly this
        host name) goes to that host alone."""
        if host not in self._clients:
            token = self.settings.token_for(host)
            headers = self.auth_headers(token) if token else {}
            base = self.default_api.format(host=host)
            self._clients[host] = HostClient(base, self.policy, self.web, headers)
        return self._clients[host]

    def check_all(self, targets: Sequence[DueRepo]) -> Iterator[list[CheckResult]]:
        stopped: dict[str, str] = {}
        done, total = 0, len(targets)
        self.report(done, total)
        try:
            for target in targets:
                host = host_name(target.key)
                if host in stopped:
                    continue
                try:
                    result = self.check(target)
                except HostStopped as exc:
                    stopped[host] = scrub(str(exc), self.secrets)
                    continue
                except Partial as exc:
                    result = self.result(target, RepoStatus.UNKNOWN, str(exc), None)
                except (KeyError, TypeError, ValueError, AttributeError, IndexError):
                    why = "malformed answer: JSON of an unexpected shape"
                    result = self.result(target, RepoStatus.UNKNOWN, why, None)
                done += 1
                yield [result]
                self.report(done, total)
        finally:
            self.tally.requests = sum(c.requests for c in self._clients.values())
            for c in self._clients.values():
                c.close()
        if stopped:
            raise CheckStopped("; ".join(f"{h} {why}" for h, why in stopped.items()))

    def failed(self, target: DueRepo, answer: ApiAnswer) -> CheckResult:
        """The result of a target whose own endpoint did not answer with its data."""
        host = host_name(target.key)
        stop = host_stop(answer)
        if stop is not None:
            raise HostStopped(stop)
        status = answer.status
        if answer.failure is not None:
            return self.result(target, RepoStatus.UNKNOWN, answer.reason, status)
        if status in DEAD_HTTP:
            return self.result(target, RepoStatus.NOT_FOUND, f"HTTP {status}", status)
        if status == 401:
            if self.settings.token_for(host):
                env = HOST_TOKEN_ENV.get(host, "the token")
                raise ConfigError(f"{host} answered 401 (bad credentials): check {env}")
            return self.result(target, RepoStatus.UNKNOWN, "HTTP 401: sign-in required", 401)
        if status == 403:
            return self.result(target, RepoStatus.FORBIDDEN, "HTTP 403 forbidden", 403)
        if status is not None and 300 <= status < 400:
            where = urlsplit(answer.location)
            why = f"HTTP {status} redirect to {where.netloc}{where.path}"[:300]
            return self.result(target, RepoStatus.UNKNOWN, why, status)
        return self.result(target, RepoStatus.UNKNOWN, f"HTTP {status}", status)

    def result(
        self, target: DueRepo, status: RepoStatus, reason: str, http: int | None
    ) -> CheckResult:
        return CheckResult(target.key, status, scrub(reason, self.secrets), http)


def parse_time(value: object) -> dt.datetime | None:
    """An ISO 8601 time as hosts write it (`Z` or an offset), None when absent or malformed."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def read_files(
    api: HostClient,
    paths: tuple[str, ...],
    where: Callable[[str], tuple[str, Mapping[str, Any] | None]],
) -> dict[str, str]:
    """The README, the evidence files the tree holds and the documents the README links, by
    path; `where(path)` is the request (path below the API root, query) that reads one file's
    raw text on this host. A linked document that cannot be read is left out (unread, not
    absent); the README and evidence files must be read for the answer to stand."""
    texts = {}
    readme = readme_path(paths)
    for path in (p for p in (readme, *files_to_read(paths)) if p):
        url, params = where(path)
        texts[path] = str(need(api.get_text(url, params), path))
    for path in docs_to_read(texts.get(readme, "") if readme else "", paths):
        answer = api.get_text(*where(path))
        if (stop := host_stop(answer)) is not None:
            raise HostStopped(stop)
        if answer.ok:
            texts[path] = str(answer.text)
    return texts
