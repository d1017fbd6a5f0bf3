"""`--shard K/N`: a partition every runner agrees on, in Python and in SQL on both backends."""

from __future__ import annotations

from collections import Counter

import pytest

from tracker.check.shard import Shard, in_shard, parse_shard, shard_of
from tracker.errors import ConfigError

KEYS = [f"owner{i % 37}/repo-{i}" for i in range(600)]


@pytest.mark.parametrize(
    ("text", "want"), [("1/1", Shard(1, 1)), ("2/4", Shard(2, 4)), (" 4 / 4 ", Shard(4, 4))]
)
def test_parse_shard_reads_k_of_n(text: str, want: Shard) -> None:
    assert parse_shard(text) == want


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "2", "a/b", "-1/3", "1/2/3"])
def test_parse_shard_rejects_nonsense(text: str) -> None:
    with pytest.raises(ConfigError, match="--shard"):
        parse_shard(text)


@pytest.mark.parametrize("n", [1, 2, 3, 8])
def test_every_repository_lands_in_exactly_one_shard(n: int) -> None:
    owners = [[k for k in KEYS if in_shard(k, s, n)] for s in range(1, n + 1)]
    assert sorted(k for part in owners for k in part) == sorted(KEYS)
    sizes = Counter(shard_of(k, n) for k in KEYS)
    assert set(sizes) == set(range(1, n + 1))
    assert min(sizes.values()) > len(KEYS) / n * 0.7


def test_case_does_not_move_a_repository() -> None:
    assert [shard_of(k.upper(), 5) for k in KEYS] == [shard_of(k, 5) for k in KEYS]
