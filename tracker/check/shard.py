"""Splitting repositories between parallel checkers (`tracker check --shard K/N`).

A repository belongs to shard `hash(name) mod N + 1`, where the hash is the first 32 bits of
the SHA-256 of the lower-cased `owner/name` the papers' links give it: its key when a link names
it, else the smallest of its old names a link names (a repository found renamed keeps the shard
of the name it was linked by; by its new key it could move to a second shard while the other
jobs of the same run were still planning, and be checked twice). The hash depends on nothing
but that name, so every runner of an Actions matrix agrees on the split without talking to the
others, and a repository keeps its shard from one run to the next. A plan has the database
pick a shard's repositories (`tracker.store.repos.due_in_check_order`: PostgreSQL computes the
same number with its own SHA-256, SQLite calls `shard_hash`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from tracker.errors import ConfigError

_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard `k` of `n`, counted from 1 as in `--shard 2/4` (a matrix index plus one)."""

    k: int
    n: int

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"


def parse_shard(text: str) -> Shard:
    """`"2/4"` -> Shard(2, 4); anything else is a configuration error naming the rule."""
    m = _SHARD.fullmatch(text)
    if m is None:
        raise ConfigError(f"--shard must look like K/N (e.g. 2/4), got {text!r}")
    k, n = int(m[1]), int(m[2])
    if n < 1 or not 1 <= k <= n:
        raise ConfigError(f"--shard {text}: K must be between 1 and N (N at least 1)")
    return Shard(k, n)


def shard_hash(repo_key: str) -> int:
    """The stable 32-bit number a repository key is partitioned by."""
    return int.from_bytes(hashlib.sha256(repo_key.lower().encode("utf-8")).digest()[:4], "big")


def shard_of(repo_key: str, n: int) -> int:
    """Which of `n` shards (1-based) checks `repo_key`."""
    return shard_hash(repo_key) % n + 1


def in_shard(repo_key: str, k: int, n: int) -> bool:
    """Whether shard `k` of `n` checks `repo_key`."""
    return shard_of(repo_key, n) == k
