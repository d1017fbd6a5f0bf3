"""Fixtures for the attack tests: the web emulator behind made-up names, a policy client, a file
reader, and a trace of every socket `connect()` the process makes."""

from __future__ import annotations

import errno
import ipaddress
import socket
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.enrich.conftest import client  # noqa: F401  (fixture: enrichment's fast client)
from tests.sources.conftest import read  # noqa: F401  (fixture: a file read as ingest reads it)
from tests.web_pages import redirect_site
from tracker.emulators.web import WebEmulator


@pytest.fixture
def web() -> Iterator[WebEmulator]:
    with redirect_site() as emu:
        yield emu


_TRACES: list[list[tuple[str, int]]] = []
_HOOKED = False


def _trace_connect(event: str, args: tuple[Any, ...]) -> None:
    """Record a traced test's IP connections; refuse any beyond loopback, so a test that
    reaches for a public address never sends a packet (the refusal is an ordinary OSError)."""
    if event != "socket.connect" or not _TRACES:
        return
    sock, address = args
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    host, port = str(address[0]), int(address[1])
    _TRACES[-1].append((host, port))
    if not ipaddress.ip_address(host.split("%")[0]).is_loopback:
        raise OSError(errno.ENETUNREACH, "outside loopback: not connected by the test")


@pytest.fixture
def connections() -> Iterator[list[tuple[str, int]]]:
    """Every (address, port) this process tries to connect to during the test. An audit hook
    cannot be removed, so it is installed once and records only while a test holds a trace."""
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_trace_connect)
        _HOOKED = True
    trace: list[tuple[str, int]] = []
    _TRACES.append(trace)
    try:
        yield trace
    finally:
        _TRACES.remove(trace)
