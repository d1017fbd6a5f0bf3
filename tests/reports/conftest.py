"""Fixtures for report tests: a small flagged database (see `reports_seed`)."""

from __future__ import annotations

import pytest
from reports_seed import Seeded, seed


@pytest.fixture
def seeded(sqlite_url: str) -> Seeded:
    return seed(sqlite_url)
