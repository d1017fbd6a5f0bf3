"""Shortlinks and project pages (enrichment follows both) behind the address guard: no hop, in
any address form, reaches internal space, and the connection goes to the address that was
checked. A malformed redirect or a page that trickles in is unknown, never a crash or a hang.

The redirects are served by a real web emulator under made-up names; every other name is
answered by a resolver the test writes, and `connections` traces each socket `connect()`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.enrich.conftest import FAST
from tests.web_pages import PUBLIC, policy_for
from tracker.check.web import (
    HostGate,
    WebPolicy,
    ipv4_number,
    refusal,
    resolve,
    system_resolver,
)
from tracker.emulators.web import WebEmulator
from tracker.http import make_client
from tracker.models import RepoStatus


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "not globally routable"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fd00::1", "unique-local"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("fec0::1", "site-local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("::127.0.0.1", "reserved"),
        ("2002:7f00:1::", "loopback (IPv4 inside IPv6)"),
        ("2002:a9fe:a9fe::1", "link-local (IPv4 inside IPv6)"),
        ("2002:a00:1::", "private (IPv4 inside IPv6)"),
        ("64:ff9b::7f00:1", "loopback (IPv4 inside IPv6)"),
        ("64:ff9b::a9fe:a9fe", "link-local (IPv4 inside IPv6)"),
        ("64:ff9b:1::7f00:1", "reserved"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback (IPv4 inside IPv6)"),
        (PUBLIC, None),
        ("2606:4700:4700::1111", None),
        ("64:ff9b::5db8:d822", None),
    ],
)
def test_refusal_names_the_forbidden_range(address: str, why: str | None) -> None:
    assert refusal(address) == why


INTERNAL_HOPS = [
    ("http://127.0.0.1:9/admin", {}, "127.0.0.1 resolves to 127.0.0.1 (loopback)"),
    ("http://10.0.0.7/", {}, "10.0.0.7 resolves to 10.0.0.7 (private)"),
    (
        "http://169.254.169.254/latest/meta-data/",
        {},
        "169.254.169.254 resolves to 169.254.169.254 (link-local)",
    ),
    ("http://[::1]:8080/", {}, "::1 resolves to ::1 (loopback)"),
    ("http://[fd00::1]/", {}, "fd00::1 resolves to fd00::1 (unique-local)"),
    ("http://[fec0::1]/", {}, "fec0::1 resolves to fec0::1 (site-local)"),
    ("http://[::ffff:127.0.0.1]/", {}, "::ffff:127.0.0.1 resolves to ::ffff:7f00:1 (loopback)"),
    ("http://[::ffff:7f00:1]:8080/", {}, "::ffff:7f00:1 resolves to ::ffff:7f00:1 (loopback)"),
    (
        "http://[2002:7f00:1::]/",
        {},
        "2002:7f00:1:: resolves to 2002:7f00:1:: (loopback (IPv4 inside IPv6))",
    ),
    (
        "http://[64:ff9b::7f00:1]/",
        {},
        "64:ff9b::7f00:1 resolves to 64:ff9b::7f00:1 (loopback (IPv4 inside IPv6))",
    ),
    (
        "http://[64:ff9b::169.254.169.254]/",
        {},
        "64:ff9b::169.254.169.254 resolves to 64:ff9b::a9fe:a9fe (link-local (IPv4 inside IPv6))",
    ),
    (
        "http://evil.example/",
        {"evil.example": ["10.0.0.1"]},
        "evil.example resolves to 10.0.0.1 (private)",
    ),
    (
        "http://evil.example/",
        {"evil.example": ["169.254.169.254"]},
        "evil.example resolves to 169.254.169.254 (link-local)",
    ),
    (
        "http://evil.example/",
        {"evil.example": [PUBLIC, "::1"]},
        "evil.example resolves to ::1 (loopback)",
    ),
    (
        "http://evil.example/",
        {"evil.example": ["fd00::1"]},
        "evil.example resolves to fd00::1 (unique-local)",
    ),
    (
        "http://evil.example/",
        {"evil.example": ["::ffff:127.0.0.1"]},
        "evil.example resolves to ::ffff:127.0.0.1 (loopback)",
    ),
    (
        "http://evil.example/",
        {"evil.example": ["2002:7f00:1::"]},
        "evil.example resolves to 2002:7f00:1:: (loopback (IPv4 inside IPv6))",
    ),
    (
        "http://evil.example/",
        {"evil.example": ["64:ff9b::7f00:1"]},
        "evil.example resolves to 64:ff9b::7f00:1 (loopback (IPv4 inside IPv6))",
    ),
    ("file:///etc/passwd", {}, "scheme 'file' is not http(s)"),
    ("gopher://evil.example/", {}, "scheme 'gopher' is not http(s)"),
]


def _chain(web: WebEmulator, location: str, hop: int) -> None:
    """`start.example/go` reaches `location` on its `hop`-th redirect."""
    chain = [f"http://mid.example/h{i}" for i in range(1, hop)] + [location]
    web.add_page("start.example/go", redirect=chain[0], status=302)
    for i in range(1, hop):
        web.add_page(f"mid.example/h{i}", redirect=chain[i], status=308)


def _only_the_emulator(web: WebEmulator, connections: list[tuple[str, int]]) -> bool:
    port = int(web.url.rsplit(":", 1)[1])
    return bool(connections) and set(connections) == {("127.0.0.1", port)}


@pytest.mark.parametrize(("location", "table", "reason"), INTERNAL_HOPS)
@pytest.mark.parametrize("hop", [1, 2, 3])
def test_every_hop_into_internal_space_is_refused(  # type: ignore[no-untyped-def]
    client, web, connections, location: str, table: dict[str, list[str]], reason: str, hop: int
) -> None:
    _chain(web, location, hop)
    res = resolve(client, "http://start.example/go", policy_for(web, table))
    assert (res.status, res.reason) == (RepoStatus.BLOCKED, f"refused: {reason}")
    assert [h.status for h in res.hops] == [302] + [308] * (hop - 1) + [None]
    assert web.count() == hop  # the refused hop never left the process
    assert _only_the_emulator(web, connections)


NUMERIC_LOOPBACK = [
    "2130706433",
    "0x7f000001",
    "017700000001",
    "127.1",
    "0x7f.0.0.1",
    "127.0.0.1.",
]
UNPARSED_IN_A_REDIRECT = ["0177.0.0.1", "①②⑦.0.0.1"]
"""Numeric spellings httpx's URL parser refuses in a `Location` (it reads every redirect's)."""


def _everything_public(asked: list[str]) -> Callable[[str], list[str]]:
    def resolver(name: str) -> list[str]:
        asked.append(name)
        return [PUBLIC]

    return resolver


@pytest.mark.parametrize("host", NUMERIC_LOOPBACK + UNPARSED_IN_A_REDIRECT)
def test_a_numeric_ipv4_link_is_refused_whatever_the_resolver_says(  # type: ignore[no-untyped-def]
    client, connections, host: str
) -> None:
    """The guard reads a numeric host itself, as browsers and curl do: a resolver that calls
    every name public (or a DNS search domain that answers for it) is never asked."""
    asked: list[str] = []
    policy = WebPolicy(resolver=_everything_public(asked), gate=HostGate(2, 0))
    res = resolve(client, f"http://{host}:8080/admin", policy)
    assert (res.status, res.reason) == (
        RepoStatus.BLOCKED,
        f"refused: {host} resolves to 127.0.0.1 (loopback)",
    )
    assert asked == [] and connections == []


@pytest.mark.parametrize("host", NUMERIC_LOOPBACK)
@pytest.mark.parametrize("hop", [1, 2])
def test_a_redirect_to_a_numeric_ipv4_host_is_refused_on_every_hop(  # type: ignore[no-untyped-def]
    client, web, connections, host: str, hop: int
) -> None:
    asked: list[str] = []
    _chain(web, f"http://{host}:8080/admin", hop)
    routes = policy_for(web).connect_to
    policy = WebPolicy(resolver=_everything_public(asked), connect_to=routes, gate=HostGate(2, 0))
    res = resolve(client, "http://start.example/go", policy)
    assert (res.status, res.reason) == (
        RepoStatus.BLOCKED,
        f"refused: {host} resolves to 127.0.0.1 (loopback)",
    )
    assert asked == []
    assert _only_the_emulator(web, connections)


@pytest.mark.parametrize(
    "location", ["http://0177.0.0.1:8080/admin", "http://[::1/", "http://example.org:99999/"]
)
def test_a_redirect_no_url_parser_takes_is_unknown_at_once(  # type: ignore[no-untyped-def]
    client, web, connections, location: str
) -> None:
    """Not retried as if the connection had dropped, not followed, and said as it is."""
    _chain(web, location, 1)
    res = resolve(client, "http://start.example/go", policy_for(web))
    assert res.status is RepoStatus.UNKNOWN
    assert "malformed URL" in res.reason
    assert web.count() == 1
    assert _only_the_emulator(web, connections)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("169.254.43518", "169.254.169.254"),
        ("0xa9.0376.0xa9fe", "169.254.169.254"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("127.0.0.1.", "127.0.0.1"),
        ("127\u30020\u30020\u30021", "127.0.0.1"),
        ("1.2.3.256", None),
        ("4294967296", None),
        ("1.2.3.4.5", None),
        ("09.0.0.1", None),
        ("1_0", None),
        ("1e2", None),
        ("example.com", None),
        ("127.0.0.1..", None),
    ],
)
def test_numeric_hosts_mean_what_the_url_standard_says(host: str, address: str | None) -> None:
    """What `ipv4_number` makes of a host is what the system resolver (inet_aton) makes of it,
    or stricter (`0x`, a trailing dot), and numbers that are no address are no address."""
    number = ipv4_number(host)
    assert (str(number) if number else None) == address
    if address is not None and host not in ("0x", "127.0.0.1."):
        assert system_resolver(host) == [address]


def test_a_start_url_that_resolves_inside_is_refused_before_any_request(  # type: ignore[no-untyped-def]
    client, web, connections
) -> None:
    policy = WebPolicy(resolver=lambda host: {"evil.example": ["169.254.169.254"]}.get(host, []))
    res = resolve(client, "https://evil.example/", policy)
    assert res.status is RepoStatus.BLOCKED
    assert res.reason == "refused: evil.example resolves to 169.254.169.254 (link-local)"
    assert web.count() == 0 and connections == []


def test_allow_private_reaches_a_local_server(client, web) -> None:  # type: ignore[no-untyped-def]
    web.add_page("/local", html="<p>hi</p>")
    blocked = resolve(client, f"{web.url}/local", WebPolicy())
    allowed = resolve(client, f"{web.url}/local", WebPolicy(allow_private=True), want_html=True)
    assert blocked.status is RepoStatus.BLOCKED
    assert (allowed.status, allowed.html) == (RepoStatus.OK, "<p>hi</p>")


def _rebinding(first: str, then: str) -> tuple[list[str], WebPolicy]:
    """A name that resolves to `first` on its first lookup and to `then` on every later one."""
    asked: list[str] = []

    def resolver(name: str) -> list[str]:
        asked.append(name)
        return [first if len(asked) == 1 else then]

    return asked, WebPolicy(resolver=resolver, gate=HostGate(2, 0))


def test_a_rebinding_name_is_connected_to_only_at_the_address_that_was_checked(  # type: ignore[no-untyped-def]
    client, connections
) -> None:
    """The first lookup says public: every connection of that request, retries included, goes
    to that address (nothing is resolved again between check and connect). The next lookup
    says 127.0.0.1: it is judged in its turn and refused before any connection."""
    asked, policy = _rebinding(PUBLIC, "127.0.0.1")
    first = resolve(client, "http://rebind.example/p", policy, want_html=True)
    assert first.status is RepoStatus.UNKNOWN  # the public address does not answer here
    assert asked == ["rebind.example"]
    assert connections and set(connections) == {(PUBLIC, 80)}
    again = resolve(client, "http://rebind.example/p", policy, want_html=True)
    assert (again.status, again.reason) == (
        RepoStatus.BLOCKED,
        "refused: rebind.example resolves to 127.0.0.1 (loopback)",
    )
    assert set(connections) == {(PUBLIC, 80)}


def test_each_request_of_a_hop_is_sent_to_its_own_checked_address() -> None:
    """HEAD and GET of one page are two lookups: the HEAD goes to the public answer it was
    checked at (the name kept as `Host`), and the GET, whose lookup says 127.0.0.1, is refused
    instead of reusing a connection or a name. An in-process transport plays the public host."""
    sent: list[tuple[str, str]] = []

    def public_host(request: httpx.Request) -> httpx.Response:
        sent.append((str(request.url), request.headers["host"]))
        return httpx.Response(200, headers={"content-type": "text/html"}, text="<p>page</p>")

    asked, policy = _rebinding(PUBLIC, "127.0.0.1")
    with make_client(FAST, transport=httpx.MockTransport(public_host)) as client:
        res = resolve(client, "http://rebind.example/p", policy, want_html=True)
    assert (res.status, res.reason) == (
        RepoStatus.BLOCKED,
        "refused: rebind.example resolves to 127.0.0.1 (loopback)",
    )
    assert sent == [(f"http://{PUBLIC}/p", "rebind.example")]
    assert asked == ["rebind.example", "rebind.example"]
    assert [(h.method, h.status, h.addresses) for h in res.hops] == [
        ("HEAD", 200, (PUBLIC,)),
        ("HEAD", None, ()),
    ]


class _Hostile(BaseHTTPRequestHandler):
    """`/bad` redirects to a URL no parser takes; `/drip` sends its page a byte at a time."""

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        if self.path == "/bad":
            self.send_response(302)
            self.send_header("Location", "http:x")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        if body:
            for _ in range(40):
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.1)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_malformed_redirect_or_a_trickling_page_is_unknown_never_a_crash_or_a_hang(
    client,
    hostile: str,  # type: ignore[no-untyped-def]
) -> None:
    policy = WebPolicy(allow_private=True, gate=HostGate(2, 0), body_deadline_s=0.5)
    bad = resolve(client, f"{hostile}/bad", policy)
    assert bad.status is RepoStatus.UNKNOWN
    assert bad.reason.startswith("malformed URL at ")
    started = time.monotonic()
    drip = resolve(client, f"{hostile}/drip", policy, want_html=True)
    assert (drip.status, drip.reason) == (
        RepoStatus.UNKNOWN,
        "page body still arriving after 0.5 s",
    )
    assert time.monotonic() - started < 3
