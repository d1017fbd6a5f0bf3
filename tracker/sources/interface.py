"""What every source provides: a name, a content sniff, and a streaming reader."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from tracker.models import PaperRecord


class Source(ABC):
    """One input format. Readers stream: memory stays flat however long the input is."""

    name: str = ""
    extensions: tuple[str, ...] = ()

    @abstractmethod
    def sniff(self, head: str) -> bool:
        """True when the first few kilobytes look like this format."""

    @abstractmethod
    def read(self, lines: Iterator[str], source: str) -> Iterator[PaperRecord]:
        """Records in input order; raises `InputError` naming `source` and the line."""
