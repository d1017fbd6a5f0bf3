"""Hugging Face papers API JSON: one document (object or array) or JSON Lines.

Items are `/api/daily_papers` entries (the paper inside a `paper` object) or `/api/papers/{id}`
objects. `githubRepo` keeps who added it (`githubRepoAddedBy`: the authors or a machine), so a
later stage can tell an official repository from a guessed one.

A top-level array is read element by element, so a million-paper dump never sits in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from itertools import islice
from typing import Any, BinaryIO, cast

from tracker.extract.identity import arxiv_id
from tracker.models import Author, Location, PaperRecord, Provenance, SourceLink
from tracker.sources.interface import (
    LONG_LINE,
    MAX_ENTRY,
    TOO_LONG,
    Entry,
    ReadContext,
    Source,
    bounded_lines,
    decode_line,
    text_lines,
)

_DECODER = json.JSONDecoder()
ENTRY_LINES = 100
"""Lines per `Entry` left to `parse`: enough that handing them over costs little per line."""
_CHUNK = 1 << 16


class HfApiJson(Source):
    name = "hf_api"
    extensions = (".json", ".jsonl", ".ndjson")

    def sniff(self, head: str) -> bool:
        return head.lstrip().startswith(("{", "["))

    def read(self, fh: BinaryIO, ctx: ReadContext) -> Iterator[PaperRecord]:
        return cast(Iterator[PaperRecord], self._read(fh, ctx, defer=False))

    def entries(self, fh: BinaryIO, ctx: ReadContext) -> Iterator[PaperRecord | Entry]:
        """JSON Lines after the first are left to `parse`, `ENTRY_LINES` at a time; an array,
        and a document over many lines (which the first line tells), are decoded here."""
        return self._read(fh, ctx, defer=True)

    def parse(self, entry: Entry) -> Iterator[tuple[int, PaperRecord | str]]:
        for number, raw in enumerate(entry.lines, entry.line):
            if raw == LONG_LINE:
                yield number, f"line {TOO_LONG}"
                continue
            line = decode_line(raw, number, entry.path)
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except (json.JSONDecodeError, RecursionError) as exc:
                yield number, _invalid(exc)
                continue
            yield number, _record(item, entry.path, number)

    def _read(self, fh: BinaryIO, ctx: ReadContext, defer: bool) -> Iterator[PaperRecord | Entry]:
        """Records, or with `defer` the `Entry`s of JSON Lines left to `parse`; read here, the
        same `parse` reads them, so both ways give the same records and reasons."""
        array = _peek(fh).lstrip().startswith(b"[")
        for line, item in _array_items(fh, ctx) if array else _json_lines(fh, ctx):
            if isinstance(item, Entry):
                if defer:
                    yield item
                    continue
                found = self.parse(item)
            elif item is _TOO_LONG:
                found = iter([(line, f"JSON element {TOO_LONG}")])
            else:
                found = iter([(line, _record(item, ctx.source, line))])
            for number, record in found:
                if isinstance(record, str):
                    ctx.bad(record, number)
                else:
                    yield record


def _record(item: Any, path: str, line: int) -> PaperRecord | str:
    """The record of one decoded item, or why it is skipped."""
    if not isinstance(item, dict):
        return f"expected a JSON object, found {type(item).__name__}"
    inner = item.get("paper")
    paper: dict[str, Any] = inner if isinstance(inner, dict) else item
    ident = arxiv_id(str(paper.get("id") or ""))
    title = _text(paper.get("title") or item.get("title"))
    if not title and not ident:
        return "paper has neither `title` nor an arXiv `id`"
    return PaperRecord(
        title=title,
        abstract=_text(paper.get("summary") or item.get("summary")),
        location=Location(path, line),
        source_kind=HfApiJson.name,
        arxiv_id=ident,
        published=_date(paper.get("publishedAt") or item.get("publishedAt")),
        links=_links(paper),
        authors=_authors(paper.get("authors")),
    )


record_of = _record
"""The record of one decoded API item (a daily-papers entry or a paper), or why it is
skipped: what the `hf:` feeds read (`tracker.sources.feeds.hf`)."""


def _authors(value: Any) -> tuple[Author, ...]:
    """Authors as the API lists them (`{"name", "user": {"user"}}`, or plain names); a
    Hugging Face account an author claimed is kept as the author's profile."""
    if not isinstance(value, list):
        return ()
    found = []
    for a in value:
        name = a if isinstance(a, str) else a.get("name") if isinstance(a, dict) else None
        if not isinstance(name, str) or not name.strip():
            continue
        user = a.get("user") if isinstance(a, dict) else None
        handle = user.get("user") if isinstance(user, dict) else None
        found.append(Author(_text(name), profile=handle if isinstance(handle, str) else None))
    return tuple(found)


def _invalid(exc: json.JSONDecodeError | RecursionError) -> str:
    if isinstance(exc, RecursionError):
        return TOO_DEEP
    return f"not valid JSON: {exc.msg} (column {exc.colno})"


TOO_DEEP = "not valid JSON here: nested too deeply"
"""What a JSON value nested beyond Python's recursion limit is: bad input, not a crash."""


def _text(value: Any) -> str:
    """White space folded to single spaces. Most text has nothing to fold: a printable string
    holds no white space but the space, so without a double, leading or trailing one it is
    returned as it is, without splitting it into words."""
    if not isinstance(value, str):
        return ""
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value
    return " ".join(value.split())


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _links(paper: dict[str, Any]) -> tuple[SourceLink, ...]:
    links = []
    repo = paper.get("githubRepo")
    if isinstance(repo, str) and repo.strip():
        added = paper.get("githubRepoAddedBy")
        provenance = {"user": Provenance.HF_USER, "auto": Provenance.HF_AUTO}.get(
            added if isinstance(added, str) else "", Provenance.SOURCE_FIELD
        )
        links.append(SourceLink(repo.strip(), provenance, "githubRepo"))
    page = paper.get("projectPage")
    if isinstance(page, str) and page.strip():
        links.append(SourceLink(page.strip(), Provenance.SOURCE_FIELD, "projectPage"))
    return tuple(links)


def _peek(fh: BinaryIO) -> bytes:
    peek = getattr(fh, "peek", None)
    return peek(64)[:64] if peek is not None else b""


def _json_lines(fh: BinaryIO, ctx: ReadContext) -> Iterator[tuple[int, Any]]:
    """The value of the first line, then the lines after it as read, in `Entry`s of
    `ENTRY_LINES` (for `HfApiJson.parse`); a single document spread over lines, which the first
    line tells, is decoded whole instead."""
    raw = bounded_lines(fh)
    lines = text_lines(raw, ctx)
    number, first = next(lines, (1, ""))
    if first.strip():
        try:
            value = json.loads(first)
        except RecursionError:
            ctx.bad(TOO_DEEP, number)
        except json.JSONDecodeError as exc:
            if first.lstrip().startswith("{") and exc.msg.startswith(("Unterminated", "Expecting")):
                yield _whole_document(first, lines, ctx)
                return
            ctx.bad(_invalid(exc), number)
        else:
            yield number, value
    number += 1
    while block := list(islice(raw, ENTRY_LINES)):
        yield number, Entry(HfApiJson.name, ctx.source, number, block)
        number += len(block)


def _whole_document(
    first: str, rest: Iterator[tuple[int, str]], ctx: ReadContext
) -> tuple[int, Any]:
    text = "\n".join([first, *(line for _, line in rest)])
    try:
        return 1, json.loads(text)
    except RecursionError:
        raise ctx.error(TOO_DEEP, 1) from None
    except json.JSONDecodeError as exc:
        raise ctx.error(f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None


def _array_items(fh: BinaryIO, ctx: ReadContext) -> Iterator[tuple[int, Any]]:
    """Elements of a top-level JSON array, decoded one at a time from a rolling buffer."""
    reader = _Rolling(fh, ctx)
    reader.expect("[")
    if reader.skip_space() == "]":
        reader.pos += 1
        reader.expect_end()
        return
    while True:
        yield reader.value()
        nxt = reader.skip_space()
        reader.pos += 1
        if nxt == "]":
            reader.expect_end()
            return
        if nxt != ",":
            raise ctx.error(f"expected ',' or ']' in the array, found {nxt!r}", reader.line)


class _Rolling:
    """A text buffer over a binary stream that keeps only the unparsed tail."""

    def __init__(self, fh: BinaryIO, ctx: ReadContext) -> None:
        self.fh = fh
        self.ctx = ctx
        self.buf = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self.pending = b""

    def _more(self, size: int = _CHUNK) -> bool:
        if self.eof:
            return False
        chunk = self.fh.read(size)
        if not chunk:
            self.eof = True
            if self.pending:
                raise self.ctx.error("invalid UTF-8 at the end of the file", self.line)
            return False
        data = self.pending + chunk
        try:
            text = data.decode("utf-8")
            self.pending = b""
        except UnicodeDecodeError as exc:
            if exc.start < len(data) - 4:
                raise self.ctx.error("invalid UTF-8", self.line) from None
            text, self.pending = data[: exc.start].decode("utf-8"), data[exc.start :]
        consumed = self.buf[: self.pos]
        self.line += consumed.count("\n")
        self.buf = self.buf[self.pos :] + text.lstrip("\ufeff")
        self.pos = 0
        return True

    def skip_space(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                raise self.ctx.error(
                    "unexpected end of file: the JSON array is not closed", self.here()
                )

    def here(self) -> int:
        return self.line + self.buf.count("\n", 0, self.pos)

    def expect(self, char: str) -> None:
        if self.skip_space() != char:
            raise self.ctx.error(f"expected {char!r}", self.here())
        self.pos += 1

    def expect_end(self) -> None:
        while True:
            rest = self.buf[self.pos :].strip()
            if rest:
                raise self.ctx.error("unexpected data after the JSON array", self.here())
            self.pos = len(self.buf)
            if not self._more():
                return

    def value(self) -> tuple[int, Any]:
        """The next element and its line; `_TOO_LONG` for one over `MAX_ENTRY` characters.

        An element the buffer cuts is decoded again once more is read; each read doubles, so
        an element costs a few decodes of its length, not one per chunk."""
        self.skip_space()
        size = _CHUNK
        while True:
            start = self.here()
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except RecursionError:
                raise self.ctx.error(TOO_DEEP, self.line) from None
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_ENTRY:
                    self._skip_value()
                    return start, _TOO_LONG
                if self._more(size):
                    size *= 2
                    continue
                where = self.line + self.buf.count("\n", 0, exc.pos)
                raise self.ctx.error(f"truncated or invalid JSON: {exc.msg}", where) from None
            if end == len(self.buf) and not self.eof and self._more(size):
                size *= 2
                continue
            self.pos = end
            return start, value

    def _skip_value(self) -> None:
        """Read through the element at `pos` without decoding it, up to the `,` or `]` after
        it, keeping only the unread tail: brackets outside strings are counted, strings and
        escapes followed."""
        depth, in_string, escaped = 0, False, False
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf):
                if escaped:
                    pos, escaped = pos + 1, False
                    continue
                m = (_IN_STRING if in_string else _OUTSIDE).search(buf, pos)
                if m is None:
                    pos = len(buf)
                    break
                c, pos = m.group(), m.end()
                if in_string:
                    escaped, in_string = c == "\\", c != '"'
                elif c == '"':
                    in_string = True
                elif c in "[{":
                    depth += 1
                elif depth and c in "]}":
                    depth -= 1
                elif not depth:  # the array's own `,` or `]`
                    self.pos = pos - 1
                    return
            self.pos = pos
            if not self._more(_SKIP):
                raise self.ctx.error(
                    "unexpected end of file: the JSON array is not closed", self.line
                )


_TOO_LONG = object()
"""What `_Rolling.value` gives for an element over `MAX_ENTRY` characters."""
_IN_STRING = re.compile(r'["\\]')
_OUTSIDE = re.compile(r'["\[\]{},]')
_SKIP = 1 << 20
