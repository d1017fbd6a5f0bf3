"""An emulator stays quiet when a client hangs up: `tracker demo` serves its emulators in the
user's process, so whatever they print lands in the user's terminal."""

from __future__ import annotations

import socket
import struct
import time

import httpx
import pytest

from tracker.emulators.web import WebEmulator


def _reset(port: int) -> None:
    """Open a connection, send half a request line, and close with a reset (SO_LINGER 0)."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /half")
        time.sleep(0.05)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_a_client_reset_prints_nothing_and_the_emulator_keeps_serving(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with WebEmulator({"pages": {"/here": {"html": "<p>hi</p>"}}}) as web:
        port = int(web.url.rsplit(":", 1)[1].strip("/"))
        for _ in range(3):
            _reset(port)
        time.sleep(0.2)
        answer = httpx.get(f"{web.url}/here", timeout=5)
    assert (answer.status_code, answer.text) == (200, "<p>hi</p>")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
