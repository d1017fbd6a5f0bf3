"""Settings derived from others: where GitHub's GraphQL endpoint is."""

from __future__ import annotations

import pytest

from tracker.config import Settings


@pytest.mark.parametrize(
    ("api", "graphql"),
    [
        ("https://api.github.com", "https://api.github.com/graphql"),
        ("https://api.github.com/", "https://api.github.com/graphql"),
        ("https://ghe.example.org/api/v3", "https://ghe.example.org/api/graphql"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123/graphql"),
    ],
)
def test_the_graphql_endpoint_sits_beside_the_rest_api(api: str, graphql: str) -> None:
    """api.github.com answers GraphQL at `/graphql`; a GitHub Enterprise Server whose REST API
    is `/api/v3` answers it at `/api/graphql` (the checker and the open-requests query both
    ask this one property)."""
    assert Settings(github_api_url=api).github_graphql_url == graphql
