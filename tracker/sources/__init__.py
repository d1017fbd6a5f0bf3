"""Where papers come from: one module per input format, chosen by extension and content.

`read_source(path)` streams `PaperRecord`s; every problem with the input is an `InputError`
that names the file and, when known, the line or entry. One malformed entry among good ones is
skipped and counted in the `ReadStats` the caller passes (or fails the file under `strict`).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Literal, overload

from tracker.errors import InputError, UnsupportedInput
from tracker.models import PaperRecord
from tracker.sources.arxiv_atom import ArxivAtom
from tracker.sources.bibtex import Bibtex
from tracker.sources.csv_table import CsvTable
from tracker.sources.hf_api import HfApiJson
from tracker.sources.hf_listing import HfListing
from tracker.sources.id_list import IdList
from tracker.sources.interface import Entry, ReadContext, ReadStats, Source
from tracker.sources.pdf import Pdf

SOURCES: tuple[Source, ...] = (
    Pdf(), HfApiJson(), ArxivAtom(), Bibtex(), CsvTable(), IdList(), HfListing(),
)  # fmt: skip
"""Tried in order by content; the plain-text listing is the fallback and stays last."""
FORMATS = {s.name: s for s in SOURCES}

_SNIFF_BYTES = 8192


def detect(name: str, head: bytes, hint: str | None = None) -> Source:
    """The source for a file: the `hint` if given, else extension confirmed by content, else
    content alone."""
    if hint is not None:
        if hint not in FORMATS:
            raise InputError(name, f"unknown format {hint!r}; choose from {', '.join(FORMATS)}")
        return FORMATS[hint]
    if b"\x00" in head and not head.startswith(b"%PDF"):
        raise UnsupportedInput(name, "is a binary file, not a paper listing")
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    suffix = Path(name).suffix.lower()
    for source in SOURCES:
        if suffix in source.extensions and source.sniff(text):
            return source
    for source in SOURCES:
        if source.sniff(text):
            return source
    raise UnsupportedInput(name, "format not recognised")


def _open(path: str) -> tuple[BinaryIO, bytes]:
    if path == "-":
        stream = sys.stdin.buffer
        if not hasattr(stream, "peek"):
            stream = io.BufferedReader(stream)  # type: ignore[arg-type]
        return stream, stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]  # type: ignore[attr-defined]
    file = Path(path)
    if not file.exists():
        raise InputError(path, "no such file")
    if file.is_dir():
        raise InputError(path, "is a directory, not a file")
    if file.is_char_device() or file.is_block_device():
        raise InputError(path, "is a device, not a file (read a listing from `-` instead)")
    try:
        fh = file.open("rb")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None
    return fh, fh.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]


@overload
def read_source(
    path: str,
    *,
    strict: bool = False,
    columns: Mapping[str, str] | None = None,
    stats: ReadStats | None = None,
    input_format: str | None = None,
    defer: Literal[False] = False,
) -> Iterator[PaperRecord]: ...


@overload
def read_source(
    path: str,
    *,
    strict: bool = False,
    columns: Mapping[str, str] | None = None,
    stats: ReadStats | None = None,
    input_format: str | None = None,
    defer: bool,
) -> Iterator[PaperRecord | Entry]: ...


def read_source(
    path: str,
    *,
    strict: bool = False,
    columns: Mapping[str, str] | None = None,
    stats: ReadStats | None = None,
    input_format: str | None = None,
    defer: bool = False,
) -> Iterator[PaperRecord | Entry]:
    """Stream the papers in `path` (`-` reads standard input).

    `columns` maps CSV header names to record fields; `input_format` forces a source by name (see
    `FORMATS`); `stats` collects counts and skipped-entry warnings. With `defer`, the source may
    leave entries unparsed (`Source.entries`): whoever parses them (`parse_entry`) counts them
    and passes on the reasons to skip them; without it, only records come.
    """
    fh, head = _open(path)
    try:
        if not head.strip():
            raise InputError(path, "is empty")
        source = detect(path, head, input_format)
        ctx = ReadContext(path, strict, dict(columns or {}), stats or ReadStats())
        read = _position(fh, path, ctx.stats)
        if defer:
            for entry in source.entries(fh, ctx):
                read()
                yield entry
            return
        for record in source.read(fh, ctx):
            ctx.stats.records += 1
            read()
            yield record
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


def _position(fh: BinaryIO, path: str, stats: ReadStats) -> Callable[[], None]:
    """What updates `stats.bytes_read` to where the read of `path` is (nothing for stdin)."""
    if path == "-":
        return lambda: None
    base = stats.bytes_read

    def read() -> None:
        stats.bytes_read = base + fh.tell()

    return read


def parse_entry(entry: Entry) -> Iterator[tuple[int, PaperRecord | str]]:
    """The records of lines `read_source(..., defer=True)` left unparsed, each with its line,
    or why an entry is skipped; raises `InputError` where a read would stop. Pure: it runs in
    whichever process extracts the papers."""
    return FORMATS[entry.source].parse(entry)


__all__ = [
    "FORMATS", "SOURCES", "Entry", "ReadContext", "ReadStats", "detect", "parse_entry",
    "read_source",
]  # fmt: skip
