"""A small threaded HTTP server that the emulators (GitHub, Hugging Face, arXiv, web) share.

Why a base: every emulator needs the same four things and they should behave the same way so
tests can rely on them: a real socket on 127.0.0.1 (ephemeral port), a log of what clients asked
(to count calls), reproducible fault injection (latency, 5xx, connection resets, slow responses,
malformed JSON) and a start/stop context manager.

Usage in a subclass::

    class MyEmulator(EmulatorServer):
        def handle(self, req: Request) -> Response:
            if req.path == "/ping":
                return Response.json({"ok": True})
            return Response.json({"message": "Not Found"}, status=404)

    with MyEmulator(faults={"latency_ms": 50, "seed": 1}) as emu:
        httpx.get(emu.url + "/ping")
        assert emu.requests[-1].status == 200

Each request runs in its own thread (`ThreadingHTTPServer`), so injected latency sleeps only
that request. `handle` may be called concurrently: subclasses guard shared state with
`self.lock`. Faults are decided before `handle` runs, from one seeded RNG, so a sequential run
with the same seed injects the same faults on the same requests.
"""

from __future__ import annotations

import json
import random
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SERVER_ERRORS = (500, 502, 503, 504)


@dataclass
class Request:
    """One request as the emulator saw it; `status` is filled in once answered (0 = no answer)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    """Lower-cased header names. Authorization/Cookie values are masked once answered."""
    body: bytes = b""
    status: int = 0
    fault: str | None = None
    """Which injected fault hit this request, if any (latency is not counted as a fault)."""
    at: float = field(default_factory=time.time)

    @property
    def authorized(self) -> bool:
        return bool(self.headers.get("authorization"))

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def summary(self) -> dict[str, Any]:
        """The log entry without secrets: whether Authorization was present, never its value."""
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "authorized": self.authorized,
            "status": self.status,
            "fault": self.fault,
        }


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None):
        body = json.dumps(data, separators=(",", ":")).encode()
        h = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        return cls(status, body, h)

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain; charset=utf-8"):
        return cls(status, text.encode(), {"Content-Type": content_type})


@dataclass
class Faults:
    """Injected misbehaviour. Rates are probabilities per request in [0, 1].

    `latency_ms` is fixed, or `[low, high]` for a per-request uniform draw. `slow_s` is how long a
    "slow" response sleeps before answering (set it beyond the client's timeout). `only_paths`
    limits faults (not latency) to paths starting with one of the given prefixes.
    """

    latency_ms: float | list[float] = 0
    error_rate: float = 0.0
    error_statuses: list[int] = field(default_factory=lambda: list(SERVER_ERRORS))
    reset_rate: float = 0.0
    slow_rate: float = 0.0
    slow_s: float = 30.0
    malformed_rate: float = 0.0
    only_paths: list[str] = field(default_factory=list)
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    """Emulator-specific knobs (e.g. the GitHub GraphQL node budget)."""

    @classmethod
    def from_dict(cls, data: dict[str, Any] | Faults | None) -> Faults:
        if isinstance(data, Faults):
            return data
        data = dict(data or {})
        known = {k: data.pop(k) for k in list(data) if k in cls.__dataclass_fields__}
        return cls(**known, extra=data)


class FaultPlan:
    """Draws fault decisions from one seeded RNG, under a lock, in request-arrival order."""

    def __init__(self, faults: Faults):
        self.faults = faults
        self._rng = random.Random(faults.seed)
        self._lock = threading.Lock()

    def draw(self, path: str) -> tuple[float, str | None, int]:
        """(latency seconds, fault name or None, status for an injected error)."""
        f = self.faults
        with self._lock:
            lat = f.latency_ms
            latency = self._rng.uniform(*lat) if isinstance(lat, list) else float(lat)
            roll = self._rng.random()
            status = self._rng.choice(f.error_statuses) if f.error_statuses else 500
        if f.only_paths and not any(path.startswith(p) for p in f.only_paths):
            return latency / 1000, None, status
        edges = [
            ("reset", f.reset_rate),
            ("error", f.error_rate),
            ("slow", f.slow_rate),
            ("malformed", f.malformed_rate),
        ]
        acc = 0.0
        for name, rate in edges:
            acc += rate
            if roll < acc:
                return latency / 1000, name, status
        return latency / 1000, None, status


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a pooled keep-alive connection closed, a reset) is no error
        of the emulator: `tracker demo` runs emulators in its own process, and the default
        handler would print a traceback into the user's terminal. Anything else still shows."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    """Headers and body go out in two writes; with Nagle on, keep-alive clients wait ~200 ms."""
    server: _Server
    emulator: EmulatorServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log on the emulator is the record."""

    def _serve(self) -> None:
        emu = self.emulator
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        with emu.lock:
            emu.requests.append(req)
        latency, fault, status = emu.fault_plan.draw(req.path)
        if latency:
            time.sleep(latency)
        req.fault = fault
        if fault == "reset":
            self._reset()
            _redact(req)
            return
        if fault == "slow":
            time.sleep(emu.fault_plan.faults.slow_s)
        if fault == "error":
            resp = Response.json({"message": "Server Error"}, status=status)
        else:
            try:
                resp = emu.handle(req)
            except Exception as exc:  # a bug in a handler must still answer, visibly
                resp = Response.json({"message": f"emulator error: {exc!r}"}, status=500)
        if fault == "malformed" and resp.body:
            resp.body = resp.body[: max(1, len(resp.body) // 2)]
        try:
            self._send(req, resp)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up first (e.g. a "slow" fault)
        _redact(req)

    def _reset(self) -> None:
        self.close_connection = True
        try:
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, req: Request, resp: Response) -> None:
        req.status = resp.status
        self.send_response(resp.status)
        for name, value in resp.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp.body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _serve


def _redact(req: Request) -> None:
    """Tokens must not outlive the request in the log; `authorized` still tells they were sent."""
    for name in ("authorization", "cookie"):
        if name in req.headers:
            req.headers[name] = "***"


class EmulatorServer:
    """Base for the emulators: subclass and implement `handle(req) -> Response`."""

    def __init__(self, faults: dict[str, Any] | Faults | None = None, port: int = 0):
        self.lock = threading.RLock()
        self.requests: list[Request] = []
        self._faults = Faults.from_dict(faults)
        self.fault_plan = FaultPlan(self._faults)
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def faults(self) -> Faults:
        return self._faults

    @faults.setter
    def faults(self, value: dict[str, Any] | Faults | None) -> None:
        """Replace the faults at runtime; the RNG restarts from the new seed."""
        self._faults = Faults.from_dict(value)
        self.fault_plan = FaultPlan(self._faults)

    def handle(self, req: Request) -> Response:
        raise NotImplementedError

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("emulator not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> EmulatorServer:
        handler = type("Handler", (_Handler,), {"emulator": self})
        self._server = _Server(("127.0.0.1", self._port), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def serve_forever(self) -> None:
        """Block until Ctrl-C (for the command-line entry points)."""
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, method: str | None = None, path_prefix: str = "") -> int:
        """How many requests matched, to assert on call counts in tests."""
        with self.lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method) and r.path.startswith(path_prefix)
            )
