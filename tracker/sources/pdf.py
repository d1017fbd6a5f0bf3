"""A paper as a PDF: first-page text and link annotations (pypdf).

Code links usually sit in the abstract or a first-page footnote, so only the first page is
read: later pages hold the references, whose links are other people's code. Text extraction
breaks long URLs across lines (`https://github.com/org/very-` / `long-name`); `repair_urls`
joins them again, trusting the link annotations when the page has them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from tracker.extract.identity import arxiv_id, doi
from tracker.models import Location, PaperRecord, Provenance, SourceLink
from tracker.sources.interface import ReadContext, Source

_MAX_BYTES = 200 << 20
_URL_AT_END = re.compile(r"((?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*)$")
_CONTINUATION = re.compile(r"^([\w\-./~%#?=&+:]+)")
_BREAK_CHARS = "/-_~=&?#%"
_ABSTRACT = re.compile(r"\bAbstract\b[\s.:—-]*", re.I)
_ABSTRACT_END = re.compile(
    r"\n\s*(?:\d+\.?\s*|I\.\s*)?(?:Introduction|Keywords|Index Terms|CCS Concepts)\b", re.I
)
_HYPHEN_WORD = re.compile(r"(?<=[a-z])-\n(?=[a-z])")


def repair_urls(text: str, known: frozenset[str] = frozenset()) -> str:
    """Join URLs that a line break cut, then hyphenated prose words.

    A URL at the end of a line continues on the next line when the next line starts with
    URL characters and either a link annotation confirms the joined URL (which also tells
    whether a hyphen at the break is the URL's own) or the URL ended on a character where
    typesetters break (`/`, `-`, `_`...).
    """
    bare_known = [_bare(k) for k in known]
    out: list[str] = []
    for line in text.split("\n"):
        if out:
            prev = out[-1].rstrip()
            tail = _URL_AT_END.search(prev)
            cont = _CONTINUATION.match(line.lstrip())
            joined = _joined(tail.group(1), cont.group(1), bare_known) if tail and cont else None
            if tail and cont and joined is not None:
                out[-1] = prev[: tail.start()] + joined + line.lstrip()[cont.end() :]
                continue
        out.append(line)
    return _HYPHEN_WORD.sub("", "\n".join(out))


def _bare(url: str) -> str:
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", url)


def _joined(url: str, more: str, known: list[str]) -> str | None:
    """The URL joined with its continuation, or None when the line break ends it."""
    candidates = [url + more]
    if url.endswith("-"):
        candidates.insert(0, url[:-1] + more)
    for candidate in candidates:
        if any(k.startswith(_bare(candidate)) for k in known):
            return candidate
    if url[-1] in _BREAK_CHARS and not more[0].isupper():
        return url + more
    return None


class Pdf(Source):
    name = "pdf"
    extensions = (".pdf",)

    def sniff(self, head: str) -> bool:
        return head.startswith("%PDF")

    def read(self, fh: BinaryIO, ctx: ReadContext) -> Iterator[PaperRecord]:
        data = fh.read(_MAX_BYTES + 1)
        if len(data) > _MAX_BYTES:
            raise ctx.error(f"PDF larger than {_MAX_BYTES >> 20} MB")
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ctx.error("PDF is encrypted")
            if not reader.pages:
                raise ctx.error("PDF has no pages")
            page = reader.pages[0]
            uris = _annotation_uris(page)
            text = repair_urls(page.extract_text() or "", frozenset(uris))
            meta_title = reader.metadata.get("/Title") if reader.metadata else None
        except PyPdfError as exc:
            raise ctx.error(f"not a readable PDF: {exc}") from None
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise ctx.error(f"corrupt PDF structure: {type(exc).__name__}") from None
        yield _record(text, uris, str(meta_title or ""), ctx)


def _annotation_uris(page: Any) -> list[str]:
    uris: list[str] = []
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        action = annot.get("/A")
        action = action.get_object() if action is not None else None
        if annot.get("/Subtype") == "/Link" and action and action.get("/S") == "/URI":
            uri = str(action.get("/URI") or "").strip()
            if uri.startswith(("http://", "https://")) and uri not in uris:
                uris.append(uri)
    return uris


def _record(text: str, uris: list[str], meta_title: str, ctx: ReadContext) -> PaperRecord:
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    title = " ".join(meta_title.split()) or (lines[0] if lines else "")
    start = _ABSTRACT.search(text)
    body = text[start.end() :] if start else text
    end = _ABSTRACT_END.search(body)
    abstract = body[: end.start()] if end else body
    rest = body[end.start() :] if end else ""
    if not title and not abstract.strip():
        raise ctx.error("PDF has no extractable text on its first page")
    return PaperRecord(
        title=title,
        abstract=" ".join(abstract.split()),
        location=Location(ctx.source, None),
        source_kind="pdf",
        arxiv_id=arxiv_id(text[:3000]) if "arxiv" in text[:3000].lower() else None,
        doi=doi(text[:3000]),
        comment=" ".join(rest.split()),
        links=tuple(SourceLink(u, Provenance.PDF, "annotation") for u in uris),
    )
