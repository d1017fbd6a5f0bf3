"""Project pages and shortlinks: follow them hop by hop behind an address guard, read links.

Redirects are never followed automatically: every hop's host is resolved, and every address it
resolves to must be public (no loopback, private, link-local such as 169.254.169.254,
multicast, reserved, IPv6 unique-local or site-local space, nor an IPv4 address of those
inside IPv6) before one byte is sent. The request then goes to the address that was checked,
with the original `Host` (and TLS server name), so a second DNS answer cannot swap in an
internal address between check and connect.

A host that is a number is read as the URL standard reads it (`2130706433`, `0x7f000001`,
`0177.0.0.1`, `127.1` are 127.0.0.1), before and instead of any resolver: the guard judges
what a browser or curl would connect to, whichever resolver it was given.

`connect_to` is curl's `--connect-to`: an operator's explicit "serve this host from that
origin" (offline demos and the local emulators). It is trusted as configuration and skips
resolution; the hosts a page redirects to are still resolved and checked.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from tracker.extract.classify import classify, repo_of
from tracker.extract.links import normalize
from tracker.http import send
from tracker.models import Link, LinkKind, Provenance, RepoStatus, Role, WebHop, WebResolution

Resolver = Callable[[str], Sequence[str]]
"""Host name -> the addresses it resolves to (IPv4/IPv6 text)."""

CODE_HOST_NAMES = frozenset({"github.com", "www.github.com", "huggingface.co", "hf.co"})
MAX_HOPS = 10
MAX_BODY_BYTES = 2_000_000
DEAD_STATUSES = frozenset({404, 410, 451})


def system_resolver(host: str) -> list[str]:
    """Every address the system resolver gives for `host` (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal(address: str) -> str | None:
    """Why the guard will not connect to `address`, or None when it is public."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = refusal(str(embedded))
            if inner is not None:
                return f"{inner} (IPv4 inside IPv6)"
            ip = embedded
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("unique-local", isinstance(ip, ipaddress.IPv6Address) and ip in _ULA),
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    )
    for name, hit in checks:
        if hit:
            return name
    return None if ip.is_global else "not globally routable"


_ULA = ipaddress.IPv6Network("fc00::/7")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and routes to: 6to4 (`2002:AABB:CCDD::`),
    Teredo's client, or NAT64 (`64:ff9b::a.b.c.d`); mapped addresses are unwrapped before."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


class HostGate:
    """At most `concurrency` requests in flight per host, and `interval_s` between starts."""

    def __init__(self, concurrency: int = 2, interval_s: float = 0.25) -> None:
        self.concurrency = concurrency
        self.interval_s = interval_s
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            sem = self._slots.setdefault(host, threading.Semaphore(self.concurrency))
        with sem:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self.interval_s
            time.sleep(max(0.0, start - now))
            yield


@dataclass(frozen=True)
class WebPolicy:
    """How far the web checker may go: the guard, hop limit, pacing and test routing."""

    allow_private: bool = False
    """Reach loopback and private addresses (local testing only)."""
    resolver: Resolver = system_resolver
    connect_to: Mapping[str, str] = field(default_factory=dict)
    """Host (or `host:port`) -> origin that serves it, e.g. `http://127.0.0.1:8001`."""
    max_hops: int = MAX_HOPS
    gate: HostGate = field(default_factory=HostGate)
    body_deadline_s: float = 30.0
    """The longest a page's body may take to arrive, however steadily it trickles."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where one hop's request really goes, after the guard approved it."""

    url: str
    headers: dict[str, str]
    extensions: dict[str, str]
    addresses: tuple[str, ...]


class Refused(Exception):
    """The guard or the URL's form forbids this hop."""


def route(url: str, policy: WebPolicy) -> Target:
    """Where a request for `url` really goes: the `connect_to` origin, or the one resolved
    address the guard approved (raises `Refused`, or `Unresolved` when the host has none)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"scheme {parts.scheme or 'none'!r} is not http(s)")
    host = (parts.hostname or "").lower()
    if not host:
        raise Refused("no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    origin = policy.connect_to.get(f"{host}:{port}") or policy.connect_to.get(host)
    if origin:
        return Target(origin.rstrip("/") + path, {"Host": parts.netloc}, {}, (origin,))
    addresses = tuple(_addresses(host, policy.resolver))
    if not addresses:
        raise Unresolved(f"{host} does not resolve")
    for address in addresses:
        why = refusal(address)
        if why and not policy.allow_private:
            raise Refused(f"{host} resolves to {address} ({why})")
    pinned = f"[{addresses[0]}]" if ":" in addresses[0] else addresses[0]
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return Target(
        f"{parts.scheme}://{pinned}:{port}{path}", {"Host": parts.netloc}, extensions, addresses
    )


class Unresolved(Exception):
    """No usable answer (the host has no address, or a body never finished): unknown, not
    refused."""


def _addresses(host: str, resolver: Resolver) -> Sequence[str]:
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    number = ipv4_number(host)
    return [str(number)] if number is not None else resolver(host)


_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def ipv4_number(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host written as numbers means (the WHATWG URL host parser): one to
    four dot-separated parts, each decimal, `0x` hex or `0`-led octal, the last filling the
    remaining bytes, and a trailing dot allowed. None when `host` is a name, or numbers that
    make no address (those are left to the resolver, which finds nothing)."""
    text = unicodedata.normalize("NFKC", host).translate(_DOTS)
    parts = text.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_ipv4_part(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    *high, last = [n for n in numbers if n is not None]
    if any(n > 255 for n in high) or last >= 256 ** (4 - len(high)):
        return None
    value = last + sum(n << (8 * (3 - i)) for i, n in enumerate(high))
    return ipaddress.IPv4Address(value)


def _ipv4_part(part: str) -> int | None:
    digits, base = part, 10
    if part[:2].lower() == "0x":
        digits, base = part[2:] or "0", 16
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    if not digits.isascii() or not digits.isalnum():
        return None
    try:
        return int(digits, base)
    except ValueError:
        return None


def lands_on_code_host(url: str) -> bool:
    """True for GitHub and Hugging Face URLs, where a shortlink's chain stops being followed."""
    return (urlsplit(url).hostname or "").lower() in CODE_HOST_NAMES


def _is_html(response: httpx.Response) -> bool:
    kind = response.headers.get("content-type", "")
    return "html" in kind or not kind


def _read_body(response: httpx.Response, deadline_s: float) -> str:
    """At most `MAX_BODY_BYTES` of the body, within `deadline_s` in all: a server that sends a
    byte every few seconds never trips a read timeout, so the whole read has its own limit."""
    data = bytearray()
    until = time.monotonic() + deadline_s
    for chunk in response.iter_bytes():
        data.extend(chunk)
        if len(data) >= MAX_BODY_BYTES:
            break
        if time.monotonic() > until:
            raise Unresolved(f"page body still arriving after {deadline_s:g} s")
    return bytes(data[:MAX_BODY_BYTES]).decode(response.encoding or "utf-8", errors="replace")


def _request(
    client: httpx.Client, method: str, url: str, policy: WebPolicy
) -> tuple[httpx.Response, str, Target]:
    """One request to the guarded address; the body is read only for GET."""
    target = route(url, policy)
    request = client.build_request(
        method, target.url, headers=target.headers, extensions=target.extensions
    )
    host = (urlsplit(url).hostname or "").lower()
    with policy.gate.slot(host):
        response = send(client, request, stream=True)
        try:
            wanted = method == "GET" and _is_html(response)
            body = _read_body(response, policy.body_deadline_s) if wanted else ""
        finally:
            response.close()
    return response, body, target


def _final_status(status: int) -> tuple[RepoStatus, str]:
    if 200 <= status < 300:
        return RepoStatus.OK, ""
    if status in DEAD_STATUSES:
        return RepoStatus.NOT_FOUND, f"HTTP {status}"
    if status == 403:
        return RepoStatus.UNKNOWN, "HTTP 403 (bot wall or forbidden)"
    if status == 429:
        return RepoStatus.UNKNOWN, "HTTP 429 rate limited"
    return RepoStatus.UNKNOWN, f"HTTP {status}"


def resolve(
    client: httpx.Client, url: str, policy: WebPolicy, *, want_html: bool = False
) -> WebResolution:
    """Follow `url` hop by hop (HEAD, then GET when the body is wanted or HEAD is refused).

    Stops at a 2xx page, at a redirect onto GitHub or Hugging Face (that link is the answer,
    not fetched), or at the first refused, failed or final hop.
    """
    hops: list[WebHop] = []
    current, seen = url, {url}

    def done(
        status: RepoStatus, reason: str, final: str | None = None, html: str = ""
    ) -> WebResolution:
        return WebResolution(url, status, final, reason, tuple(hops), html)

    for _ in range(policy.max_hops + 1):
        try:
            response, body, location = _hop(client, current, policy, hops, want_html)
        except Refused as exc:
            hops.append(WebHop(current, "HEAD", None))
            return done(RepoStatus.BLOCKED, f"refused: {exc}")
        except Unresolved as exc:
            hops.append(WebHop(current, "HEAD", None))
            return done(RepoStatus.UNKNOWN, str(exc))
        except httpx.HTTPError as exc:
            return done(RepoStatus.UNKNOWN, f"{type(exc).__name__}: {exc}")
        except (httpx.InvalidURL, ValueError) as exc:  # a hop the URL parser cannot take
            return done(RepoStatus.UNKNOWN, f"malformed URL at {current!r}: {exc}"[:300])
        if location is None:
            status, reason = _final_status(response.status_code)
            html = body if status is RepoStatus.OK else ""
            return done(status, reason, current, html)
        try:
            nxt = urljoin(current, location)
        except ValueError:
            nxt = ""
        parts = urlsplit(nxt) if nxt else None
        if parts is None or (parts.scheme in ("http", "https") and not parts.hostname):
            # other schemes go on to the guard, which refuses them by name
            return done(RepoStatus.UNKNOWN, f"redirect to a malformed URL: {location!r}"[:300])
        if lands_on_code_host(nxt):
            return done(RepoStatus.OK, "", normalize(nxt))
        if nxt in seen:
            return done(RepoStatus.UNKNOWN, f"redirect loop at {nxt}")
        seen.add(nxt)
        current = nxt
    return done(RepoStatus.UNKNOWN, f"more than {policy.max_hops} redirects")


def _hop(
    client: httpx.Client, url: str, policy: WebPolicy, hops: list[WebHop], want_html: bool
) -> tuple[httpx.Response, str, str | None]:
    """HEAD first; GET when HEAD is not a redirect and the body (or a real answer) is needed."""
    response, body, target = _request(client, "HEAD", url, policy)
    location = _location(response)
    hops.append(WebHop(url, "HEAD", response.status_code, location, target.addresses))
    if location is not None or (response.is_success and not want_html):
        return response, body, location
    response, body, target = _request(client, "GET", url, policy)
    location = _location(response)
    hops.append(WebHop(url, "GET", response.status_code, location, target.addresses))
    return response, body, location


def _location(response: httpx.Response) -> str | None:
    if response.status_code in (301, 302, 303, 307, 308):
        return response.headers.get("location") or None
    return None


# --- project page scanning -------------------------------------------------------------

ARTIFACT_KINDS = frozenset(
    {
        LinkKind.GITHUB_REPO,
        LinkKind.GITHUB_OWNER,
        LinkKind.GITLAB_REPO,
        LinkKind.BITBUCKET_REPO,
        LinkKind.HF_MODEL,
        LinkKind.HF_DATASET,
        LinkKind.HF_SPACE,
        LinkKind.SHORTLINK,
    }
)
_BUTTON_ROLES: tuple[tuple[Role, tuple[str, ...]], ...] = (
    (Role.WEIGHTS, ("model", "weight", "checkpoint", "ckpt")),
    (Role.DATA, ("dataset", "data")),
    (Role.DEMO, ("demo", "space")),
    (Role.CODE, ("code", "github", "source", "repo", "implementation")),
)
_TEMPLATE_WORDS = (
    "template",
    "adapted from",
    "borrowed from",
    "website source",
    "this website",
    "this page",
    "based on the",
    "nerfies",
)
_BLOCKS = frozenset({"p", "div", "li", "footer", "section", "td", "span", "small", "header"})


@dataclass(frozen=True, slots=True)
class PageAnchor:
    """An `<a href>` with its visible text and the text of the block around it."""

    href: str
    text: str
    context: str = ""
    in_footer: bool = False


class _AnchorParser(HTMLParser):
    """Collects anchors with their text, the innermost block's text and footer membership."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[PageAnchor] = []
        self._href: str | None = None
        self._text: list[str] = []
        self._blocks: list[tuple[str, list[str], list[int]]] = []
        self._footer = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "footer":
            self._footer += 1
        if tag in _BLOCKS:
            self._blocks.append((tag, [], []))
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []
            # Icons often carry the button's name only in an attribute.
            self._text.extend(v for k, v in attrs if k in ("title", "aria-label") and v)

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)
        for _, text, _ in self._blocks:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            text = " ".join(" ".join(self._text).split())
            self.anchors.append(PageAnchor(self._href, text, "", self._footer > 0))
            if self._blocks:
                self._blocks[-1][2].append(len(self.anchors) - 1)
            self._href = None
        if tag in _BLOCKS and self._blocks:
            _, words, members = self._blocks.pop()
            context = " ".join(" ".join(words).split())
            for i in members:
                a = self.anchors[i]
                self.anchors[i] = PageAnchor(a.href, a.text, context, a.in_footer)
        if tag == "footer":
            self._footer = max(0, self._footer - 1)


def anchors(html: str) -> list[PageAnchor]:
    parser = _AnchorParser()
    parser.feed(html)
    parser.close()
    return parser.anchors


def _is_template_credit(anchor: PageAnchor, url: str) -> bool:
    """The page's own source, the template it was built from, or a footer credit."""
    repo, _ = repo_of(url)
    if repo and repo.lower().split("/")[1].endswith(".github.io"):
        return True
    if anchor.in_footer and _button_role(anchor.text) is None:
        return True
    context = f"{anchor.text} {anchor.context}".lower()
    return any(w in context for w in _TEMPLATE_WORDS)


def _button_role(text: str) -> Role | None:
    words = text.lower()
    for role, names in _BUTTON_ROLES:
        if any(n in words for n in names):
            return role
    return None


def page_links(html: str, page_url: str) -> list[Link]:
    """Code, weights, data and demo links a project page offers, best evidence first.

    A link behind a "Code"/"GitHub"/"Models" button scores 0.9; any other artifact link on
    the page 0.7; template credits (the Nerfies footer, `*.github.io` sources) are dropped.
    """
    found: dict[str, Link] = {}
    for anchor in anchors(html):
        if not anchor.href or anchor.href.startswith(("#", "mailto:", "javascript:")):
            continue
        url = normalize(urljoin(page_url, anchor.href))
        kind = classify(url)
        if kind not in ARTIFACT_KINDS or url in found or _is_template_credit(anchor, url):
            continue
        button = _button_role(anchor.text)
        role = button or _default_role(kind)
        repo, sub = repo_of(url)
        found[url] = Link(
            url=url,
            raw=anchor.href,
            kind=kind,
            role=role,
            provenance=Provenance.PROJECT_PAGE,
            repo=repo,
            subpath=sub,
            sentence=anchor.context or anchor.text,
            confidence=0.9 if button else 0.7,
        )
    return sorted(found.values(), key=lambda lk: -lk.confidence)


def _default_role(kind: LinkKind) -> Role:
    return {
        LinkKind.HF_MODEL: Role.WEIGHTS,
        LinkKind.HF_DATASET: Role.DATA,
        LinkKind.HF_SPACE: Role.DEMO,
    }.get(kind, Role.CODE)
