"""BibTeX: title, abstract, url, doi, eprint/archivePrefix, note and howpublished.

Entries are cut at each line that opens one (`@type{`), so a broken entry costs only itself
and the file streams. Each entry is parsed by a small brace-aware reader; `note` and
`howpublished` often hold `\\url{...}` code links and go to the record's comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from tracker.extract.identity import arxiv_id, doi
from tracker.models import Location, PaperRecord, Provenance, SourceLink
from tracker.sources.interface import ReadContext, Source, text_lines

_ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]")
_FIELD_NAME = re.compile(r"\s*([A-Za-z][\w:.+-]*)\s*=\s*")
_KEY = re.compile(r"\s*([^,\s{}()=]*)\s*,")
_SKIP_TYPES = frozenset({"comment", "preamble", "string"})


class BibError(ValueError):
    """A syntax error inside one entry."""


class Bibtex(Source):
    name = "bibtex"
    extensions = (".bib", ".bibtex")

    def sniff(self, head: str) -> bool:
        return any(_ENTRY_START.match(line) for line in head.splitlines()[:50])

    def read(self, fh: BinaryIO, ctx: ReadContext) -> Iterator[PaperRecord]:
        for line, kind, text in _chunks(text_lines(fh, ctx)):
            if kind.lower() in _SKIP_TYPES:
                continue
            try:
                key, fields = parse_entry(text)
            except BibError as exc:
                ctx.bad(f"entry @{kind}: {exc}", line)
                continue
            record = self._record(key, fields, line, ctx)
            if record is not None:
                yield record

    def _record(
        self, key: str, fields: dict[str, str], line: int, ctx: ReadContext
    ) -> PaperRecord | None:
        title = _plain(fields.get("title", ""))
        eprint = fields.get("eprint", "")
        prefix = fields.get("archiveprefix", "").lower()
        ident = arxiv_id(eprint) if eprint and prefix in ("", "arxiv") else None
        if ident is None and "arxiv.org" in fields.get("url", ""):
            ident = arxiv_id(fields["url"])
        if not title and not ident:
            ctx.bad(f"entry {key or '(no key)'} has no title", line)
            return None
        url = fields.get("url", "").strip()
        comment = " ".join(_plain(fields[f]) for f in ("note", "howpublished") if fields.get(f))
        return PaperRecord(
            title=title,
            abstract=_plain(fields.get("abstract", "")),
            location=Location(ctx.source, line),
            source_kind=self.name,
            arxiv_id=ident,
            doi=doi(fields.get("doi")),
            comment=comment,
            links=(SourceLink(url, Provenance.SOURCE_FIELD, "url"),) if url else (),
        )


def _chunks(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str, str]]:
    """`(line, type, text)` of each entry; text between entries is ignored, as BibTeX does."""
    start, kind = 0, ""
    buf: list[str] = []
    for number, line in lines:
        m = _ENTRY_START.match(line)
        if m:
            if buf:
                yield start, kind, "\n".join(buf)
            start, kind, buf = number, m.group(1), [line[m.end() :]]
        elif buf:
            buf.append(line)
    if buf:
        yield start, kind, "\n".join(buf)


def parse_entry(text: str) -> tuple[str, dict[str, str]]:
    """`(key, fields)` of one entry body (after `@type{`); field names lower-cased."""
    m = _KEY.match(text)
    if not m:
        raise BibError("missing the citation key and its comma")
    pos = m.end()
    fields: dict[str, str] = {}
    while True:
        pos = _skip_space(text, pos)
        if pos >= len(text):
            raise BibError("unexpected end: the entry is not closed with '}'")
        if text[pos] in "})":
            if text[pos + 1 :].strip():
                raise BibError(f"unexpected text after the closing brace: {text[pos + 1 :][:30]!r}")
            return m.group(1), fields
        name = _FIELD_NAME.match(text, pos)
        if not name:
            raise BibError(f"expected 'field = value' near {text[pos : pos + 30]!r}")
        value, pos = _value(text, name.end())
        fields[name.group(1).lower()] = value
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos < len(text) and text[pos] not in "})":
            raise BibError(f"missing ',' after field {name.group(1)!r}")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _value(text: str, pos: int) -> tuple[str, int]:
    """A value: `{...}` (nested), `"..."`, a number or a macro, joined by `#`."""
    parts = []
    while True:
        pos = _skip_space(text, pos)
        if pos >= len(text):
            raise BibError("unexpected end inside a field value")
        char = text[pos]
        if char == "{":
            end = _closing(text, pos)
            parts.append(text[pos + 1 : end])
            pos = end + 1
        elif char == '"':
            end = _closing_quote(text, pos)
            parts.append(text[pos + 1 : end])
            pos = end + 1
        else:
            m = re.match(r"[\w:.+-]+", text[pos:])
            if not m:
                raise BibError(f"unexpected {char!r} where a value should start")
            parts.append(m.group(0))
            pos += len(m.group(0))
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == "#":
            pos += 1
            continue
        return "".join(parts), pos


def _closing(text: str, pos: int) -> int:
    depth = 0
    for i in range(pos, len(text)):
        if text[i] == "{" and text[i - 1] != "\\":
            depth += 1
        elif text[i] == "}" and text[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return i
    raise BibError("unbalanced braces: a '{' is never closed")


def _closing_quote(text: str, pos: int) -> int:
    depth = 0
    for i in range(pos + 1, len(text)):
        char = text[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0 and text[i - 1] != "\\":
            return i
    raise BibError("unterminated quoted value: a '\"' is never closed")


def _plain(value: str) -> str:
    """Whitespace folded and grouping braces dropped; `\\url{x}` and `\\href{x}` are kept."""
    kept = re.sub(r"(?<!\\url)(?<!\\href)\{([^{}]*)\}", r"\1", value)
    kept = re.sub(r"(?<!\\url)(?<!\\href)\{([^{}]*)\}", r"\1", kept)
    return " ".join(kept.split())
