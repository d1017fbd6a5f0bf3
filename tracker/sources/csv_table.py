"""CSV (or TSV) with a header row: title, abstract, url, arxiv_id, doi, comment, published.

Other header names are mapped with `columns` (`{"Paper Title": "title"}`, the CLI's
`--column "Paper Title=title"`); a few common spellings are recognised without one.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from tracker.extract.identity import arxiv_id, doi
from tracker.models import Location, PaperRecord, Provenance, SourceLink
from tracker.sources.interface import ReadContext, Source, text_lines

FIELDS = ("title", "abstract", "url", "arxiv_id", "doi", "comment", "published")
_ALIASES = {
    "paper": "title", "paper title": "title", "name": "title",
    "summary": "abstract", "abstract text": "abstract",
    "link": "url", "code": "url", "code url": "url", "github": "url", "repo": "url",
    "arxiv": "arxiv_id", "arxiv id": "arxiv_id", "arxivid": "arxiv_id", "id": "arxiv_id",
    "note": "comment", "notes": "comment", "comments": "comment",
    "date": "published", "published_at": "published", "publishedat": "published",
}  # fmt: skip
csv.field_size_limit(1 << 24)


def _delimiter(header: str) -> str:
    return max(",\t;", key=header.count)


def _mapping(header: list[str], columns: Mapping[str, str]) -> dict[int, str]:
    """Column index → record field, from the explicit mapping, the field names, or aliases."""
    wanted = {name.strip().lower(): field for name, field in columns.items()}
    out: dict[int, str] = {}
    for index, name in enumerate(header):
        key = name.strip().lower()
        field = wanted.get(key) or (key if key in FIELDS else _ALIASES.get(key))
        if field and field not in out.values():
            out[index] = field
    return out


class CsvTable(Source):
    name = "csv"
    extensions = (".csv", ".tsv")

    def sniff(self, head: str) -> bool:
        first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
        cells = [c.strip().strip('"').lower() for c in first.split(_delimiter(first))]
        return len(cells) > 1 and any(c in FIELDS or c in _ALIASES for c in cells)

    def read(self, fh: BinaryIO, ctx: ReadContext) -> Iterator[PaperRecord]:
        for field in ctx.columns.values():
            if field not in FIELDS:
                raise ctx.error(f"--column maps to unknown field {field!r}; use one of {FIELDS}")
        numbered = text_lines(fh, ctx)
        current = [0]

        def lines() -> Iterator[str]:
            # the line end goes back on: a quoted field over several lines keeps its breaks
            # (folded to spaces below), so "available at⏎http://…" does not glue into "athttp"
            for number, line in numbered:
                current[0] = number
                yield line + "\n"

        source = lines()
        first = next(source, "")
        rows = csv.reader(_chain(first, source), delimiter=_delimiter(first))
        header = next(rows, [])
        mapping = _mapping(header, ctx.columns)
        if not any(f in mapping.values() for f in ("title", "arxiv_id", "doi", "url")):
            raise ctx.error(
                f"no title, arxiv_id, doi or url column in header {header!r}; "
                "map one with --column NAME=title",
                1,
            )
        while True:
            start = current[0] + 1
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ctx.error(f"CSV syntax error: {exc}", current[0]) from None
            if not any(cell.strip() for cell in row):
                continue
            record = self._record(row, header, mapping, ctx, start)
            if record is not None:
                yield record

    def _record(
        self,
        row: list[str],
        header: list[str],
        mapping: dict[int, str],
        ctx: ReadContext,
        line: int,
    ) -> PaperRecord | None:
        if len(row) != len(header):
            ctx.bad(f"row has {len(row)} fields, the header has {len(header)}", line)
            return None
        values = {field: " ".join(row[i].split()) for i, field in mapping.items()}
        ident = arxiv_id(values.get("arxiv_id"))
        title = values.get("title", "")
        url = values.get("url", "")
        if not (title or ident or values.get("doi") or url):
            ctx.bad("row has no title, arXiv ID, DOI or URL", line)
            return None
        return PaperRecord(
            title=title or url,
            abstract=values.get("abstract", ""),
            location=Location(ctx.source, line),
            source_kind=self.name,
            arxiv_id=ident,
            doi=doi(values.get("doi")),
            published=_date(values.get("published")),
            comment=values.get("comment", ""),
            links=(SourceLink(url, Provenance.SOURCE_FIELD, "url"),) if url else (),
        )


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
