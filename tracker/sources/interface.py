"""What every source provides: a name, a content sniff, and a streaming reader.

Readers take the open binary stream and a `ReadContext`. One malformed entry among good ones
is passed to `ReadContext.bad`, which skips it with a counted warning or, under `strict`,
raises; a file that cannot be read at all raises `InputError` at once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, NamedTuple, cast

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
    bytes_read: int = 0
    """Bytes of the input files read so far, over every file this was passed to (standard
    input is not counted): with their sizes, how far an ingest is."""

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


MAX_ENTRY = 8 << 20
"""The longest line (in bytes) or JSON array element (in characters) read: a paper's entry is
a few kilobytes. A longer one is skipped with a counted warning (`--strict`: the file fails),
read through in chunks without being held, so memory stays flat whatever the file."""
TOO_LONG = f"longer than {MAX_ENTRY >> 20} MiB: skipped"
"""Why an entry over `MAX_ENTRY` is skipped."""
LONG_LINE = b"\x00 line over MAX_ENTRY \x00\n"
"""What `bounded_lines` gives for a line over `MAX_ENTRY`: it cannot be a line of text (a
NUL byte is refused in text), so `decode_line` can tell it."""
_SKIP_CHUNK = 1 << 20


def bounded_lines(fh: BinaryIO) -> Iterator[bytes]:
    """The lines of `fh` as iterating it gives them, each one over `MAX_ENTRY` bytes read
    through and given as `LONG_LINE`."""
    while True:
        line = fh.readline(MAX_ENTRY + 1)
        if not line:
            return
        if len(line) > MAX_ENTRY and not line.endswith(b"\n"):
            del line
            while (rest := fh.readline(_SKIP_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield LONG_LINE
            continue
        yield line


def text_lines(fh: BinaryIO | Iterator[bytes], ctx: ReadContext) -> Iterator[tuple[int, str]]:
    """`(line number, line)` decoded as UTF-8, line ends and a leading BOM removed; a line over
    `MAX_ENTRY` is a bad entry (`ReadContext.bad`). A stream is read with `bounded_lines`; an
    iterator of lines is taken to come from it."""
    lines = (
        bounded_lines(cast(BinaryIO, fh)) if hasattr(fh, "readline") else cast(Iterator[bytes], fh)
    )
    for number, raw in enumerate(lines, 1):
        if raw == LONG_LINE:
            ctx.bad(f"line {TOO_LONG}", number)
            continue
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
