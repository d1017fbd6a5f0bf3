"""arXiv: title to ID, the entry's `comment` and authors, and links read out of the PDF.

A title search returns whatever the search engine ranks first, which is often a different
paper with similar words; only an entry whose normalized title equals ours is accepted, and only
when exactly one does. Anything less is not stored as the paper's ID.

A PDF cites many repositories (baselines, libraries); only links the paper presents as its own
are kept: in a sentence that says so ("our code", "is available at", "we release"), on the first
page, or named like the paper. The reference list is never read for links.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import httpx
from defusedxml import ElementTree
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from tracker.check.huggingface import Answer
from tracker.check.official import name_matches_title
from tracker.check.web import ARTIFACT_KINDS
from tracker.extract import links_in
from tracker.extract.identity import normalize_title
from tracker.http import send
from tracker.models import ArxivEntry, Link, LinkKind, Provenance, RepoStatus, Role
from tracker.sources.pdf import page_text, repair_urls

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
MAX_PDF_BYTES = 40_000_000
MAX_TEXT_PAGES = 30
_OWN = re.compile(
    r"\b(?:our (?:\w+ )?(?:code|implementation|source|models?|weights|checkpoints?|data(?:set)?s?"
    r"|project|repository|framework|toolkit|library|benchmark)"
    r"|we (?:release|open[- ]?source|provide|publish|make)"
    r"|codes?:|code (?:is|are|will be)|(?:is|are) (?:publicly |now )?(?:available|released)"
    r"|available (?:at|on|from|here)|can be found|released? at|open[- ]?sourced?)(?!\w)",
    re.I,
)
PDF_KINDS = ARTIFACT_KINDS | {LinkKind.GITHUB_PAGES, LinkKind.PROJECT_PAGE}
_REFERENCES = re.compile(r"^\s*(?:\d+\.?\s*)?(?:references|bibliography)\s*$", re.I | re.M)


def _text(el: Element | None) -> str:
    return " ".join((el.text or "").split()) if el is not None else ""


def parse_feed(xml: bytes) -> list[ArxivEntry]:
    """Entries of an arXiv Atom answer (the feed is untrusted XML: defusedxml parses it)."""
    root = ElementTree.fromstring(xml)
    entries = []
    for entry in root.iter(f"{ATOM}entry"):
        raw_id = _text(entry.find(f"{ATOM}id")).rsplit("/abs/", 1)[-1]
        pdf = next(
            (ln.get("href") for ln in entry.iter(f"{ATOM}link") if ln.get("title") == "pdf"), None
        )
        published = _text(entry.find(f"{ATOM}published"))
        entries.append(
            ArxivEntry(
                arxiv_id=re.sub(r"v\d+$", "", raw_id),
                title=_text(entry.find(f"{ATOM}title")),
                authors=tuple(_text(a.find(f"{ATOM}name")) for a in entry.iter(f"{ATOM}author")),
                comment=_text(entry.find(f"{ARXIV}comment")),
                pdf_url=pdf,
                published=dt.date.fromisoformat(published[:10]) if published else None,
            )
        )
    return entries


def _query(client: httpx.Client, api_url: str, **params: str) -> Answer[list[ArxivEntry]]:
    try:
        response = send(client, client.build_request("GET", api_url, params=params))
    except httpx.HTTPError as exc:
        return Answer(None, RepoStatus.UNKNOWN, type(exc).__name__)
    if response.status_code != 200:
        return Answer(
            None, RepoStatus.UNKNOWN, f"HTTP {response.status_code}", response.status_code
        )
    try:
        return Answer(parse_feed(response.content))
    except ElementTree.ParseError:
        return Answer(None, RepoStatus.UNKNOWN, "malformed Atom", 200)


def fetch_arxiv_entry(client: httpx.Client, api_url: str, arxiv_id: str) -> Answer[ArxivEntry]:
    answer = _query(client, api_url, id_list=arxiv_id, max_results="1")
    if answer.value is None:
        return Answer(None, answer.status, answer.reason, answer.http_status)
    match = next((e for e in answer.value if e.arxiv_id == arxiv_id), None)
    if match is None:
        return Answer(None, RepoStatus.NOT_FOUND, "no such arXiv entry")
    return Answer(match)


def title_query(title: str) -> str:
    """`ti:word AND ti:word ...` from the title's words (quotes break on punctuation)."""
    return " AND ".join(f"ti:{w}" for w in normalize_title(title).split()[:12])


def match_title(title: str, entries: list[ArxivEntry]) -> ArxivEntry | None:
    """The one entry whose normalized title equals `title`'s, else None (never a guess)."""
    want = normalize_title(title)
    same = {e.arxiv_id: e for e in entries if normalize_title(e.title) == want}
    return next(iter(same.values())) if len(same) == 1 else None


def fetch_arxiv_by_title(client: httpx.Client, api_url: str, title: str) -> Answer[ArxivEntry]:
    """The arXiv entry with exactly this title; NOT_FOUND when none or several match."""
    answer = _query(client, api_url, search_query=title_query(title), max_results="10")
    if answer.value is None:
        return Answer(None, answer.status, answer.reason, answer.http_status)
    entry = match_title(title, answer.value)
    if entry is None:
        return Answer(None, RepoStatus.NOT_FOUND, f"no exact title match in {len(answer.value)}")
    return Answer(entry)


def fetch_pdf(client: httpx.Client, url: str) -> Answer[bytes]:
    try:
        response = send(client, client.build_request("GET", url))
    except httpx.HTTPError as exc:
        return Answer(None, RepoStatus.UNKNOWN, type(exc).__name__)
    if response.status_code != 200:
        status = RepoStatus.NOT_FOUND if response.status_code == 404 else RepoStatus.UNKNOWN
        return Answer(None, status, f"HTTP {response.status_code}", response.status_code)
    if len(response.content) > MAX_PDF_BYTES:
        return Answer(None, RepoStatus.UNKNOWN, "PDF too large")
    return Answer(response.content)


@dataclass(frozen=True, slots=True)
class PdfContent:
    """Text of the first pages (references cut off) and every link annotation's URI."""

    text: str
    first_page: str
    uris: tuple[str, ...]


def read_pdf(data: bytes) -> PdfContent:
    """Raises `PyPdfError` or `ValueError` on a PDF pypdf cannot read, and `PageTooLarge` (a
    `ValueError`) on a page past the bounds of `tracker.sources.pdf.page_text`: a hostile PDF
    served as the paper's costs a bounded read, like one given as a listing."""
    reader = PdfReader(io.BytesIO(data))
    uris: list[str] = []
    pages: list[str] = []
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            uri = action.get("/URI") if hasattr(action, "get") else None
            if uri:
                uris.append(str(uri))
        if i < MAX_TEXT_PAGES:
            pages.append(page_text(page))
    known = frozenset(uris)
    text = repair_urls("\n".join(pages), known)
    cut = _REFERENCES.search(text)
    first = repair_urls(pages[0], known) if pages else ""
    return PdfContent(text[: cut.start()] if cut else text, first, tuple(dict.fromkeys(uris)))


def pdf_links(content: PdfContent, title: str) -> list[Link]:
    """The paper's own code, weights and data links in its PDF (see the module docstring)."""
    in_text = {lk.url: lk for lk in links_in(content.text, Provenance.PDF)}
    first = {lk.url for lk in links_in(content.first_page, Provenance.PDF)}
    annotated = {lk.url: lk for uri in content.uris for lk in links_in(uri, Provenance.PDF)}
    keep: dict[str, Link] = {}
    for url, lk in {**annotated, **in_text}.items():
        if lk.role is Role.OTHER or lk.kind not in PDF_KINDS:
            continue
        named = bool(lk.repo and name_matches_title(lk.repo.split("/")[-1], title))
        if url in first or named or _claims(content.text, lk.position):
            keep[url] = lk
    return list(keep.values())


def _claims(text: str, position: int | None) -> bool:
    """The words just before the link (same line, or the end of the previous one, never past
    another link) say it is the paper's own. PDF text has no reliable sentence ends."""
    if position is None:
        return False
    before = text[max(0, position - 160) : position]
    before = before.rsplit("://", 1)[-1].split(None, 1)[-1] if "://" in before else before
    line_end = text.find("\n", position)
    after = text[position : line_end if line_end >= 0 else len(text)]
    return bool(_OWN.search(before) or _OWN.search(after.split(None, 1)[-1]))


def links_from_pdf(data: bytes, title: str) -> Answer[list[Link]]:
    try:
        return Answer(pdf_links(read_pdf(data), title))
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        return Answer(None, RepoStatus.UNKNOWN, f"unreadable PDF: {type(exc).__name__}")
