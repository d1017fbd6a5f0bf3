"""A plain list of arXiv IDs or paper URLs, one a line (`#` starts a comment).

Only identity is known here; titles and abstracts are fetched by a later stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from tracker.extract.identity import arxiv_id, doi
from tracker.models import Location, PaperRecord, Provenance, SourceLink
from tracker.sources.interface import ReadContext, Source, text_lines

_ID = re.compile(r"^(?:arxiv:\s*)?(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?$", re.I)
_URL = re.compile(r"^(?:https?://)?[\w.-]+\.[a-z]{2,}/\S*$", re.I)
_ARXIV_URL = re.compile(r"arxiv\.org/|(?:huggingface|hf)\.co/papers/", re.I)
_DOI = re.compile(r"^(?:doi:\s*)?10\.\d{4,9}/\S+$", re.I)


def _entry(line: str) -> bool:
    return bool(_ID.match(line) or _URL.match(line) or _DOI.match(line))


class IdList(Source):
    name = "id_list"
    extensions = (".txt", ".ids", ".list")

    def sniff(self, head: str) -> bool:
        lines = [ln.strip() for ln in head.splitlines()[:-1] or head.splitlines()]
        entries = [ln for ln in lines if ln and not ln.startswith("#")]
        return bool(entries) and all(_entry(ln) for ln in entries)

    def read(self, fh: BinaryIO, ctx: ReadContext) -> Iterator[PaperRecord]:
        for number, raw in text_lines(fh, ctx):
            line = "" if raw.lstrip().startswith("#") else raw.strip()
            if not line:
                continue
            if not _entry(line):
                ctx.bad(f"not an arXiv ID, DOI or URL: {line[:60]!r}", number)
                continue
            ident = arxiv_id(line) if _ID.match(line) or _ARXIV_URL.search(line) else None
            given = doi(line)
            yield PaperRecord(
                title="" if ident or given else line,
                abstract="",
                location=Location(ctx.source, number),
                source_kind=self.name,
                arxiv_id=ident,
                doi=None if ident else given,
                links=() if ident or given else (SourceLink(line, Provenance.SOURCE_FIELD, "url"),),
            )
