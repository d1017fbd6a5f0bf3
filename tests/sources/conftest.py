"""Helpers for source tests: write an input file and read it back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tracker.models import PaperRecord
from tracker.sources import ReadStats, read_source

Reader = Callable[..., tuple[list[PaperRecord], ReadStats]]


@pytest.fixture
def read(tmp_path: Path) -> Reader:
    def _read(
        name: str, content: str | bytes, **options: object
    ) -> tuple[list[PaperRecord], ReadStats]:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        stats = ReadStats()
        return list(read_source(str(path), stats=stats, **options)), stats  # type: ignore[arg-type]

    return _read
