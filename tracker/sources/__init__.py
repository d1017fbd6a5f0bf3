"""Where papers come from: one module per input format, chosen by extension and content.

`read_source(path)` streams `PaperRecord`s; every problem with the input is an `InputError`
that names the file and, when known, the line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from tracker.errors import InputError, UnsupportedInput
from tracker.models import PaperRecord
from tracker.sources.hf_listing import HfListing
from tracker.sources.interface import Source

SOURCES: tuple[Source, ...] = (HfListing(),)
"""Tried in order; the plain-text listing is the fallback and stays last."""

_SNIFF_BYTES = 8192


def _check_file(path: Path, name: str) -> bytes:
    if not path.exists():
        raise InputError(name, "no such file")
    if path.is_dir():
        raise InputError(name, "is a directory, not a file")
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror}") from None
    if not head.strip():
        raise InputError(name, "is empty")
    return head


def detect(name: str, head: bytes) -> Source:
    """The source for a file, by extension first and then by content."""
    if b"\x00" in head and not head.startswith(b"%PDF"):
        raise InputError(name, "is a binary file, not a paper listing")
    text = head.decode("utf-8", errors="ignore")
    suffix = Path(name).suffix.lower()
    for source in SOURCES:
        if suffix in source.extensions and source.sniff(text):
            return source
    for source in SOURCES:
        if source.sniff(text):
            return source
    raise UnsupportedInput(name, "format not recognised")


def _lines(fh: Iterator[bytes], name: str) -> Iterator[str]:
    for number, raw in enumerate(fh, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"invalid UTF-8 at byte {exc.start}", number) from None
        if "\x00" in line:
            raise InputError(name, "contains NUL bytes (binary data)", number)
        yield line.lstrip("\ufeff") if number == 1 else line


def read_source(path: str) -> Iterator[PaperRecord]:
    """Stream the papers in `path` (`-` reads standard input)."""
    if path == "-":
        data = sys.stdin.buffer
        head = data.peek(_SNIFF_BYTES)[:_SNIFF_BYTES] if hasattr(data, "peek") else b""
        source = detect("-", head) if head else SOURCES[-1]
        yield from source.read(_lines(iter(data), "-"), "-")
        return
    file = Path(path)
    head = _check_file(file, path)
    source = detect(path, head)
    with file.open("rb") as fh:
        yield from source.read(_lines(iter(fh), path), path)
