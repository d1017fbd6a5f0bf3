"""arXiv API Atom XML: one `<entry>` per paper, read as a stream.

Authors often put the code link in `arxiv:comment`, so the comment is kept for extraction.
Parsing goes through defusedxml: entity declarations (the "billion laughs" bomb) and external
references are refused rather than expanded.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import BinaryIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from tracker.extract.identity import arxiv_id, doi
from tracker.models import Author, Location, PaperRecord, Provenance, SourceLink
from tracker.sources.interface import ReadContext, ReadStats, Source

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_FIELDS = {
    f"{ATOM}id": "id",
    f"{ATOM}title": "title",
    f"{ATOM}summary": "summary",
    f"{ATOM}published": "published",
    f"{ARXIV}comment": "comment",
    f"{ARXIV}doi": "doi",
    f"{ARXIV}journal_ref": "journal_ref",
}
_CHUNK = 1 << 16


class _Entries:
    """An expat target that keeps only the fields of the entry being read."""

    def __init__(self) -> None:
        self.parser: DefusedXMLParser | None = None
        self.done: list[tuple[int, dict[str, str], list[str]]] = []
        self.depth = 0
        self.entry_line = 0
        self.fields: dict[str, str] | None = None
        self.links: list[str] = []
        self.authors: list[str] = []
        self.current: str | None = None
        self.text: list[str] = []
        self.total: int | None = None
        """The feed's `opensearch:totalResults`, once read."""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if tag == f"{ATOM}entry":
            self.entry_line = self.parser.parser.CurrentLineNumber if self.parser else 0
            self.fields, self.links, self.authors = {}, [], []
        elif self.fields is None:
            if tag == f"{OPENSEARCH}totalResults":
                self.current, self.text = "total", []
        else:
            if tag == f"{ATOM}name":
                self.current, self.text = "author", []
            elif tag in _FIELDS:
                self.current, self.text = _FIELDS[tag], []
            elif tag == f"{ATOM}link" and attrs.get("href"):
                self.links.append(attrs["href"])

    def end(self, tag: str) -> None:
        self.depth -= 1
        if self.fields is None:
            if tag == f"{OPENSEARCH}totalResults" and self.current == "total":
                text = "".join(self.text).strip()
                self.total = int(text) if text.isdigit() else None
                self.current = None
            return
        if tag == f"{ATOM}entry":
            self.fields["authors"] = "\n".join(self.authors)
            self.done.append((self.entry_line, self.fields, self.links))
            self.fields = None
        elif tag == f"{ATOM}name" and self.current == "author":
            name = " ".join("".join(self.text).split())
            if name:
                self.authors.append(name)
            self.current = None
        elif self.current is not None and _FIELDS.get(tag) == self.current:
            self.fields[self.current] = " ".join("".join(self.text).split())
            self.current = None

    def data(self, text: str) -> None:
        if self.current is not None:
            self.text.append(text)

    def close(self) -> None:
        return None


class ArxivAtom(Source):
    name = "arxiv_atom"
    extensions = (".xml", ".atom")

    def sniff(self, head: str) -> bool:
        start = head.lstrip()[:2000]
        return start.startswith("<") and ("<feed" in start or "<entry" in start)

    def read(self, fh: BinaryIO, ctx: ReadContext) -> Iterator[PaperRecord]:
        return self.read_with(_Entries(), fh, ctx)

    def read_with(self, target: _Entries, fh: BinaryIO, ctx: ReadContext) -> Iterator[PaperRecord]:
        """`read` into a given target, whose `total` tells the feed's result count after."""
        parser = DefusedXMLParser(target=target, forbid_dtd=False)
        target.parser = parser
        while True:
            chunk = fh.read(_CHUNK)
            try:
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
            except DefusedXmlException as exc:
                raise ctx.error(
                    f"refused unsafe XML ({type(exc).__name__}): entity "
                    "declarations and external references are not read",
                    parser.parser.CurrentLineNumber,
                ) from None
            except ParseError as exc:
                raise ctx.error(f"not well-formed XML: {exc.msg}", exc.position[0]) from None
            for line, fields, links in target.done:
                record = self._record(line, fields, links, ctx)
                if record is not None:
                    yield record
            target.done.clear()
            if not chunk:
                return

    def _record(
        self, line: int, fields: dict[str, str], links: list[str], ctx: ReadContext
    ) -> PaperRecord | None:
        ident = arxiv_id(fields.get("id"))
        title = fields.get("title", "")
        if not ident and not title:
            ctx.bad("<entry> has neither an arXiv <id> nor a <title>", line)
            return None
        return PaperRecord(
            title=title,
            abstract=fields.get("summary", ""),
            location=Location(ctx.source, line),
            source_kind=self.name,
            arxiv_id=ident,
            doi=doi(fields.get("doi")),
            published=_date(fields.get("published")),
            comment=fields.get("comment", ""),
            venue=fields.get("journal_ref", "")[:255],
            authors=tuple(Author(a) for a in fields.get("authors", "").split("\n") if a),
            links=tuple(
                SourceLink(href, Provenance.SOURCE_FIELD, "link")
                for href in links
                if "arxiv.org/" not in href
            ),
        )


def read_answer(body: bytes, source: str) -> tuple[list[PaperRecord], int | None, int]:
    """The records of one API answer, its `opensearch:totalResults` and how many entries it
    held (an entry without id or title is skipped, not counted as the end of the results);
    raises `InputError` naming `source` when it is not well-formed XML."""
    target = _Entries()
    stats = ReadStats()
    records = list(
        ArxivAtom().read_with(target, io.BytesIO(body), ReadContext(source, stats=stats))
    )
    return records, target.total, len(records) + stats.skipped


Entries = _Entries


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
