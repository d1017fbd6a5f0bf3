"""The web checker: hop-by-hop resolution behind the address guard, and project page scanning."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tracker.check.web import HostGate, WebPolicy, page_links, refusal, resolve
from tracker.emulators.web import WebEmulator
from tracker.models import Link, LinkKind, Provenance, RepoStatus, Role

PUBLIC = "93.184.216.34"


def resolver_of(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    return lambda host: table.get(host, [])


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
        ("fd00::1", "unique-local"),
        ("fe80::1", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:7f00:1::", "loopback (IPv4 inside IPv6)"),
        ("2002:a9fe:a9fe::1", "link-local (IPv4 inside IPv6)"),
        ("64:ff9b::7f00:1", "loopback (IPv4 inside IPv6)"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback (IPv4 inside IPv6)"),
        (PUBLIC, None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_refusal_names_the_forbidden_range(address: str, why: str | None) -> None:
    assert refusal(address) == why


@pytest.fixture
def web():  # type: ignore[no-untyped-def]
    pages = {
        "start.example/a": {"redirect": "http://mid.example/b", "status": 301},
        "mid.example/b": {"redirect": "/c", "status": 307},
        "mid.example/c": {"html": "<a href='https://github.com/o/r'>Code</a>"},
    }
    with WebEmulator({"pages": pages}) as emu:
        yield emu


def policy_for(web: WebEmulator, table: dict[str, list[str]] | None = None, **kw) -> WebPolicy:  # type: ignore[no-untyped-def]
    routes = {"start.example": web.url, "mid.example": web.url}
    return WebPolicy(
        resolver=resolver_of(table or {}), connect_to=routes, gate=HostGate(2, 0), **kw
    )


def test_a_redirect_chain_is_followed_hop_by_hop(client, web) -> None:  # type: ignore[no-untyped-def]
    res = resolve(client, "http://start.example/a", policy_for(web), want_html=True)
    assert (res.status, res.final_url, res.reason) == (RepoStatus.OK, "http://mid.example/c", "")
    assert [(h.url, h.method, h.status) for h in res.hops] == [
        ("http://start.example/a", "HEAD", 301),
        ("http://mid.example/b", "HEAD", 307),
        ("http://mid.example/c", "HEAD", 200),
        ("http://mid.example/c", "GET", 200),
    ]
    assert "github.com/o/r" in res.html


@pytest.mark.parametrize(
    ("location", "table", "reason"),
    [
        ("http://127.0.0.1:9/admin", {}, "127.0.0.1 resolves to 127.0.0.1 (loopback)"),
        ("http://10.0.0.7/", {}, "10.0.0.7 resolves to 10.0.0.7 (private)"),
        (
            "http://169.254.169.254/latest/meta-data/",
            {},
            "169.254.169.254 resolves to 169.254.169.254 (link-local)",
        ),
        ("http://[::1]:8080/", {}, "::1 resolves to ::1 (loopback)"),
        ("http://[fd00::1]/", {}, "fd00::1 resolves to fd00::1 (unique-local)"),
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
        ("file:///etc/passwd", {}, "scheme 'file' is not http(s)"),
        ("gopher://evil.example/", {}, "scheme 'gopher' is not http(s)"),
    ],
)
@pytest.mark.parametrize("hop", [1, 2, 3])
def test_every_hop_into_internal_space_is_refused(  # type: ignore[no-untyped-def]
    client, web, location: str, table: dict[str, list[str]], reason: str, hop: int
) -> None:
    chain = [f"http://mid.example/h{i}" for i in range(1, hop)] + [location]
    web.add_page("start.example/go", redirect=chain[0], status=302)
    for i in range(1, hop):
        web.add_page(f"mid.example/h{i}", redirect=chain[i], status=308)
    res = resolve(client, "http://start.example/go", policy_for(web, table))
    assert (res.status, res.reason) == (RepoStatus.BLOCKED, f"refused: {reason}")
    assert [h.status for h in res.hops] == [302] + [308] * (hop - 1) + [None]
    assert web.count() == hop  # the refused hop never left the process


def test_a_start_url_that_resolves_inside_is_refused_before_any_request(client, web) -> None:  # type: ignore[no-untyped-def]
    policy = WebPolicy(resolver=resolver_of({"evil.example": ["169.254.169.254"]}))
    res = resolve(client, "https://evil.example/", policy)
    assert res.status is RepoStatus.BLOCKED
    assert res.reason == "refused: evil.example resolves to 169.254.169.254 (link-local)"
    assert web.count() == 0


def test_allow_private_reaches_a_local_server(client, web) -> None:  # type: ignore[no-untyped-def]
    web.add_page("/local", html="<p>hi</p>")
    blocked = resolve(client, f"{web.url}/local", WebPolicy())
    allowed = resolve(client, f"{web.url}/local", WebPolicy(allow_private=True), want_html=True)
    assert blocked.status is RepoStatus.BLOCKED
    assert (allowed.status, allowed.html) == (RepoStatus.OK, "<p>hi</p>")


def test_a_shortlink_landing_on_github_stops_there(client, web) -> None:  # type: ignore[no-untyped-def]
    web.add_page("start.example/s", redirect="https://www.github.com/Owner/Repo.git/", status=301)
    res = resolve(client, "http://start.example/s", policy_for(web))
    assert (res.status, res.final_url) == (RepoStatus.OK, "https://github.com/Owner/Repo")
    assert web.count() == 1


@pytest.mark.parametrize(
    ("page", "status", "reason"),
    [
        (
            {"status": 403, "html": "Just a moment..."},
            RepoStatus.UNKNOWN,
            "HTTP 403 (bot wall or forbidden)",
        ),
        ({"status": 404}, RepoStatus.NOT_FOUND, "HTTP 404"),
        ({"status": 410}, RepoStatus.NOT_FOUND, "HTTP 410"),
        ({"status": 503}, RepoStatus.UNKNOWN, "HTTP 503"),
        ({"html": "ok", "head": 405}, RepoStatus.OK, ""),
    ],
)
def test_final_answers_map_to_statuses(client, web, page, status, reason) -> None:  # type: ignore[no-untyped-def]
    web.add_page("start.example/p", **page)
    res = resolve(client, "http://start.example/p", policy_for(web))
    assert (res.status, res.reason) == (status, reason)


def test_a_rate_limited_site_is_unknown(client) -> None:  # type: ignore[no-untyped-def]
    with WebEmulator({"pages": {"/x": {"html": "x"}}, "rate_limit": {"limit": 1}}) as emu:
        policy = WebPolicy(allow_private=True)
        first = resolve(client, f"{emu.url}/x", policy)
        second = resolve(client, f"{emu.url}/x", policy)
    assert first.status is RepoStatus.OK
    assert (second.status, second.reason) == (RepoStatus.UNKNOWN, "HTTP 429 rate limited")


def test_more_than_ten_hops_is_unknown_and_loops_stop(client, web) -> None:  # type: ignore[no-untyped-def]
    for i in range(12):
        web.add_page(f"mid.example/r{i}", redirect=f"/r{i + 1}", status=302)
    web.add_page("mid.example/loop", redirect="/loop2", status=302)
    web.add_page("mid.example/loop2", redirect="/loop", status=302)
    long = resolve(client, "http://mid.example/r0", policy_for(web))
    loop = resolve(client, "http://mid.example/loop", policy_for(web))
    assert (long.status, long.reason) == (RepoStatus.UNKNOWN, "more than 10 redirects")
    assert len(long.hops) == 11
    assert (loop.status, loop.reason) == (
        RepoStatus.UNKNOWN,
        "redirect loop at http://mid.example/loop",
    )


PAGE = """<html><body>
<div class="buttons">
  <a href="https://arxiv.org/abs/2401.00001">Paper</a>
  <a href="https://github.com/Con6924/SPM"><span class="icon"></span><span>Code</span></a>
  <a href="https://huggingface.co/lyumengyao/spm-models" title="Models"><i class="hf"></i></a>
</div>
<p>We build on <a href="https://github.com/CompVis/stable-diffusion">Stable Diffusion</a>.</p>
<footer><p>This website is adapted from <a href="https://github.com/nerfies/nerfies.github.io">
Nerfies</a>.</p></footer>
</body></html>"""


def test_project_page_buttons_become_links_and_template_credits_do_not() -> None:
    links = page_links(PAGE, "https://lyumengyao.github.io/projects/spm")
    assert links == [
        Link(
            url="https://github.com/Con6924/SPM",
            raw="https://github.com/Con6924/SPM",
            kind=LinkKind.GITHUB_REPO,
            role=Role.CODE,
            provenance=Provenance.PROJECT_PAGE,
            repo="Con6924/SPM",
            sentence="Paper Code",
            confidence=0.9,
        ),
        Link(
            url="https://huggingface.co/lyumengyao/spm-models",
            raw="https://huggingface.co/lyumengyao/spm-models",
            kind=LinkKind.HF_MODEL,
            role=Role.WEIGHTS,
            provenance=Provenance.PROJECT_PAGE,
            sentence="Paper Code",
            confidence=0.9,
        ),
        Link(
            url="https://github.com/CompVis/stable-diffusion",
            raw="https://github.com/CompVis/stable-diffusion",
            kind=LinkKind.GITHUB_REPO,
            role=Role.CODE,
            provenance=Provenance.PROJECT_PAGE,
            repo="CompVis/stable-diffusion",
            sentence="We build on Stable Diffusion .",
            confidence=0.7,
        ),
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
