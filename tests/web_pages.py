"""A web emulator behind made-up host names, for the web checker's tests (tests/enrich) and the
address guard's (tests/security): the names are served through `connect_to`, like an operator's
`--connect-to`, and every other name is answered by a resolver table the test writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from tracker.check.web import HostGate, WebPolicy
from tracker.emulators.web import WebEmulator

PUBLIC = "93.184.216.34"
"""A public address no test connects to: the guard lets it through, nothing answers there."""


def resolver_of(table: dict[str, list[str]]) -> Callable[[str], Sequence[str]]:
    return lambda host: table.get(host, [])


@contextmanager
def redirect_site() -> Iterator[WebEmulator]:
    """`start.example/a` redirects to `mid.example/b`, which redirects to a page with a link."""
    pages = {
        "start.example/a": {"redirect": "http://mid.example/b", "status": 301},
        "mid.example/b": {"redirect": "/c", "status": 307},
        "mid.example/c": {"html": "<a href='https://github.com/o/r'>Code</a>"},
    }
    with WebEmulator({"pages": pages}) as emu:
        yield emu


def policy_for(web: WebEmulator, table: dict[str, list[str]] | None = None, **kw: Any) -> WebPolicy:
    """`start.example` and `mid.example` served by `web`; other names resolved by `table`."""
    routes = {"start.example": web.url, "mid.example": web.url}
    return WebPolicy(
        resolver=resolver_of(table or {}), connect_to=routes, gate=HostGate(2, 0), **kw
    )
