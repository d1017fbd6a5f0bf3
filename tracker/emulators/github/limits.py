"""GitHub's rate limits: primary buckets per resource and per caller, plus a secondary burst limit.

Buckets run on the wall clock (not the scenario clock) because clients sleep until
`x-ratelimit-reset`. Windows are configurable so tests can use resets of a few seconds.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

DEFAULTS: dict[str, dict[str, Any]] = {
    "core": {"unauthenticated": 60, "authenticated": 5000, "window_s": 3600},
    "search": {"unauthenticated": 10, "authenticated": 30, "window_s": 60},
    "graphql": {"unauthenticated": 0, "authenticated": 5000, "window_s": 3600},
}


@dataclass
class Bucket:
    limit: int
    window_s: float
    used: int = 0
    reset_at: float = 0.0

    def roll(self, now: float) -> None:
        if now >= self.reset_at:
            self.used = 0
            self.reset_at = now + self.window_s

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def headers(self, resource: str) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-reset": str(math.ceil(self.reset_at)),
            "x-ratelimit-resource": resource,
        }


def caller_key(authorization: str | None) -> str:
    """Token buckets are keyed by a hash so tokens never sit in emulator state in clear."""
    if not authorization:
        return "anonymous"
    return hashlib.sha256(authorization.encode()).hexdigest()[:16]


class RateLimiter:
    """Thread-safe primary and secondary limits, configured by the scenario's `rate_limits`."""

    def __init__(self, config: dict[str, Any] | None = None):
        config = config or {}
        self.config = {k: {**v, **config.get(k, {})} for k, v in DEFAULTS.items()}
        self.secondary = config.get("secondary")
        self.exhausted_status = int(config.get("exhausted_status", 403))
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._recent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def bucket(self, resource: str, key: str) -> Bucket:
        """The caller's bucket for `resource`, rolled over if its window has passed."""
        with self._lock:
            return self._bucket(resource, key)

    def _bucket(self, resource: str, key: str) -> Bucket:
        b = self._buckets.get((resource, key))
        if b is None:
            cfg = self.config[resource]
            limit = cfg["unauthenticated" if key == "anonymous" else "authenticated"]
            b = self._buckets[(resource, key)] = Bucket(int(limit), float(cfg["window_s"]))
        b.roll(time.time())
        return b

    def charge(self, resource: str, key: str, cost: int = 1) -> tuple[bool, Bucket]:
        """Spend `cost`; False when the bucket cannot cover it (nothing is spent then)."""
        with self._lock:
            b = self._bucket(resource, key)
            if b.used + cost > b.limit:
                return False, b
            b.used += cost
            return True, b

    def refund(self, resource: str, key: str, cost: int = 1) -> None:
        """Conditional requests answered 304 do not count, as on GitHub."""
        with self._lock:
            b = self._bucket(resource, key)
            b.used = max(0, b.used - cost)

    def secondary_retry_after(self, key: str) -> int | None:
        """Seconds to wait when this caller exceeded the burst limit, else None."""
        if not self.secondary:
            return None
        window = float(self.secondary.get("window_s", 60))
        limit = int(self.secondary.get("max_requests", 90))
        now = time.monotonic()
        with self._lock:
            recent = self._recent.setdefault(key, deque())
            while recent and recent[0] <= now - window:
                recent.popleft()
            if len(recent) >= limit:
                return int(self.secondary.get("retry_after_s", 60))
            recent.append(now)
        return None

    def snapshot(self, key: str) -> dict[str, dict[str, int]]:
        """The `/rate_limit` resources object for one caller."""
        out = {}
        for resource in self.config:
            b = self.bucket(resource, key)
            out[resource] = {
                "limit": b.limit,
                "used": b.used,
                "remaining": b.remaining,
                "reset": math.ceil(b.reset_at),
            }
        return out
