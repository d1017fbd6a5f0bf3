"""What every source provides: a name, a content sniff, and a streaming reader.

Readers take the open binary stream and a `ReadContext`. One malformed entry among good ones
is passed to `ReadContext.bad`, which skips it with a counted warning or, under `strict`,
raises; a file that cannot be read at all raises `InputError` at once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, NamedTuple

from tracker.errors import InputError
from tracker.models import PaperRecord

MAX_WARNINGS = 100
"""Warnings kept verbatim; beyond this only the count grows, so memory stays flat."""


@dataclass
class ReadStats:
    """What a read skipped. Mutable on purpose: the caller passes one in and reads it after."""

    records: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)

    def skip(self, error: InputError) -> None:
        self.skipped += 1
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(str(error))


@dataclass(frozen=True)
class ReadContext:
    """How to read one input: its display name, strictness, column mapping and stats."""

    source: str
    """Path as the user gave it, or `-` for standard input; used in every message."""
    strict: bool = False
    columns: Mapping[str, str] = field(default_factory=dict)
    """CSV header name → record field (`title`, `abstract`, `url`, `arxiv_id`, `doi`...)."""
    stats: ReadStats = field(default_factory=ReadStats)

    def error(self, message: str, line: int | None = None) -> InputError:
        return InputError(self.source, message, line)

    def bad(self, message: str, line: int | None = None) -> None:
        """One bad entry: raise under strict, else count it and go on."""
        error = self.error(message, line)
        if self.strict:
            raise error
        self.stats.skip(error)


class Entry(NamedTuple):
    """Lines of an input, read but neither decoded nor parsed: a worker process turns them
    into records with their source's `parse`, so the ingesting process only reads bytes."""

    source: str
    """The name of the source format (a key of `tracker.sources.FORMATS`)."""
    path: str
    """The input as the user gave it (`ReadContext.source`)."""
    line: int
    """The number of the first line."""
    lines: list[bytes]
    """The lines as read, line ends included."""


class Source(ABC):
    """One input format. Readers stream: memory stays flat however long the input is."""

    name: str = ""
    extensions: tuple[str, ...] = ()

    @abstractmethod
    def sniff(self, head: str) -> bool:
        """True when the first few kilobytes look like this format."""

    @abstractmethod
    def read(self, fh: BinaryIO, ctx: ReadContext) -> Iterator[PaperRecord]:
        """Records in input order; raises `InputError` naming the source and the line."""

    def entries(self, fh: BinaryIO, ctx: ReadContext) -> Iterator[PaperRecord | Entry]:
        """`read`, leaving to `parse` the lines it can parse apart from what came before
        them. A source that cannot parses everything here (the default)."""
        return self.read(fh, ctx)

    def parse(self, entry: Entry) -> Iterator[tuple[int, PaperRecord | str]]:
        """`(line, record)` for each paper of lines `entries` left unparsed, or `(line,
        reason)` for an entry `read` would pass to `ReadContext.bad`; raises `InputError`
        where `read` would stop."""
        raise NotImplementedError(f"{self.name} leaves no entry unparsed")


def text_lines(fh: Iterable[bytes], ctx: ReadContext) -> Iterator[tuple[int, str]]:
    """`(line number, line)` decoded as UTF-8, line ends and a leading BOM removed."""
    for number, raw in enumerate(fh, 1):
        yield number, decode_line(raw, number, ctx.source)


def decode_line(raw: bytes, number: int, source: str) -> str:
    """One line as `text_lines` gives it; an `InputError` naming `source` and the line if it
    is not UTF-8 text."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(source, f"invalid UTF-8 at byte {exc.start} of the line", number) from None
    if "\x00" in line:
        raise InputError(source, "contains NUL bytes (binary data)", number)
    if number == 1:
        line = line.lstrip("\ufeff")
    return line.rstrip("\r\n").replace("\r", "")
