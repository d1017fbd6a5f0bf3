"""A fixed-window request counter shared by the Hub, arXiv and web emulators."""

from __future__ import annotations

import threading
import time


class FixedWindow:
    """Counts requests in windows of `window_s` seconds, like the Hub's 5-minute windows."""

    def __init__(self, limit: int, window_s: float):
        self.limit = limit
        self.window_s = window_s
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self._count = 0

    @classmethod
    def from_scenario(cls, spec: dict | None, limit: int, window_s: float) -> FixedWindow:
        spec = spec or {}
        return cls(int(spec.get("limit", limit)), float(spec.get("window_s", window_s)))

    def hit(self) -> tuple[int, int]:
        """Count one request: (remaining, whole seconds until the window resets).

        Remaining below zero means the request is over the limit.
        """
        with self._lock:
            now = time.monotonic()
            if now - self._start >= self.window_s:
                self._start, self._count = now, 0
            self._count += 1
            reset = max(1, int(self.window_s - (now - self._start) + 0.999))
            return self.limit - self._count, reset
