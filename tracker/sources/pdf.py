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

import re2
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from tracker.extract.identity import arxiv_id, doi
from tracker.extract.links import MAX_URL
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
    typesetters break (`/`, `-`, `_`...). Only the last word of a line can end in a URL
    (`_url_at_end`), so each line costs at most `MAX_URL` characters of search.
    """
    bare_known = [_bare(k) for k in known]
    out: list[str] = []
    for line in text.split("\n"):
        if out:
            prev = out[-1].rstrip()
            start = _url_at_end(prev)
            cont = _CONTINUATION.match(line.lstrip()) if start >= 0 else None
            joined = _joined(prev[start:], cont.group(1), bare_known) if cont else None
            if cont and joined is not None:
                out[-1] = prev[:start] + joined + line.lstrip()[cont.end() :]
                continue
        out.append(line)
    return _HYPHEN_WORD.sub("", "\n".join(out))


_URL_AT_END_RE2 = re2.compile(_URL_AT_END.pattern)
_WIDE_WORD = re.compile(r"(?![\x00-\x7f])\w")
_WIDE = re.compile(r"[^\x00-\x7f]")


def _url_at_end(line: str) -> int:
    """Where `_URL_AT_END.search(line)` starts (`line` ends on no white space), or -1.

    Both of its branches hold no white space, so a match lies in the line's last word; a
    word longer than `MAX_URL` is no link. Python's `re` tries its nested repeats again at
    every offset (quadratic on a word like `a.a.a…`), so the word is searched with RE2, which
    is linear. RE2 reads `\\w` and `\\b` as ASCII: a word with other characters is searched
    as a copy where each of them becomes `a` when `re` counts it a word character, else `!`,
    which the pattern treats alike (it names no character outside ASCII).
    """
    window = line[-(MAX_URL + 1) :]
    word = window.rsplit(None, 1)[-1] if window else ""
    if len(word) > MAX_URL:
        return -1
    if not word.isascii():
        word = _WIDE.sub("!", _WIDE_WORD.sub("a", word))
    m = _URL_AT_END_RE2.search(word)
    return len(line) - len(word) + m.start() if m else -1


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
            text = repair_urls(page_text(page), frozenset(uris))
            meta_title = reader.metadata.get("/Title") if reader.metadata else None
        except PyPdfError as exc:
            raise ctx.error(f"not a readable PDF: {exc}") from None
        except PageTooLarge as exc:
            raise ctx.error(str(exc)) from None
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise ctx.error(f"corrupt PDF structure: {type(exc).__name__}") from None
        yield _record(text, uris, str(meta_title or ""), ctx)


MAX_PAGE_OPERATIONS = 300_000
"""Content-stream operations read on one page. A dense page of text has some thousands; a
few hundred bytes of compressed stream, or one form drawn over and over, can hold millions."""
MAX_PAGE_TEXT = 1 << 20
"""Characters of text read from one page: a dense page holds some thousands."""


class PageTooLarge(ValueError):
    """A page holds more than `MAX_PAGE_OPERATIONS` operations or `MAX_PAGE_TEXT` characters."""


_SHOWS = frozenset((b"Tj", b"TJ", b"'", b'"'))


def _shown(args: Any) -> str:
    """The strings a text-showing operator draws (kerning numbers left out)."""
    parts = []
    for arg in args or ():
        items = arg if isinstance(arg, list) else [arg]
        parts += [item for item in items if isinstance(item, (str, bytes))]
    return "".join(p if isinstance(p, str) else " " * len(p) for p in parts)


def page_text(page: Any) -> str:
    """The page's text as pypdf extracts it, stopped with `PageTooLarge` past the bounds: the
    extraction's work follows the decompressed content, not the file's size."""
    seen = [0, 0, 0]

    def operation(op: Any, args: Any, *_: Any) -> None:
        seen[0] += 1
        if seen[0] > MAX_PAGE_OPERATIONS:
            raise PageTooLarge(f"page has over {MAX_PAGE_OPERATIONS} drawing operations")
        if op in _SHOWS:  # counted as drawn: pypdf hands text over only at the block's end
            seen[2] += len(_shown(args))
            if seen[2] > MAX_PAGE_TEXT:
                raise PageTooLarge(f"page has over {MAX_PAGE_TEXT >> 20} M characters of text")

    def text(part: Any, *_: Any) -> None:
        seen[1] += len(part or "")
        if seen[1] > MAX_PAGE_TEXT:
            raise PageTooLarge(f"page has over {MAX_PAGE_TEXT >> 20} M characters of text")

    return page.extract_text(visitor_operand_before=operation, visitor_text=text) or ""


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
