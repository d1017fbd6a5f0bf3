"""Fixtures for discovery: the Hub, arXiv and web emulators, PDFs built here, a stored paper set.

Every test talks to real local servers; nothing of ours is patched. Retries are fast (no real
sleeping) so rate-limit and 5xx paths stay quick.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from pypdf import PdfWriter
from pypdf.annotations import Link as PdfLink
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from sqlalchemy import Engine

from tracker.extract import extract_paper
from tracker.http import HttpPolicy, PolicyClient, make_client
from tracker.models import Location, PaperRecord
from tracker.store import open_db, save_papers

FAST = HttpPolicy(
    timeout_s=5,
    connect_timeout_s=2,
    max_attempts=2,
    backoff_base_s=0.01,
    max_wait_s=0.5,
    secondary_wait_s=0.01,
    sleep=lambda _s: None,
)


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], links: list[str] = ()) -> bytes:  # type: ignore[assignment]
    """A real PDF: each page's lines as Helvetica text, `links` as URI annotations on page 1."""
    writer = PdfWriter()
    font = writer._add_object(  # pypdf has no public helper for a standard font resource
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        shown = " ".join(f"({_escape(line)}) '" for line in lines)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 9 Tf 40 760 Td 12 TL {shown} ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    for i, url in enumerate(links):
        writer.add_annotation(0, PdfLink(rect=(40, 600 - 20 * i, 300, 612 - 20 * i), url=url))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def record(title: str, abstract: str = "", arxiv_id: str | None = None) -> PaperRecord:
    return PaperRecord(
        title=title,
        abstract=abstract,
        location=Location("test"),
        source_kind="test",
        arxiv_id=arxiv_id,
    )


def store(db_url: str, records: list[PaperRecord]) -> Engine:
    engine = open_db(db_url)
    with engine.begin() as conn:
        save_papers(conn, [extract_paper(r) for r in records])
    return engine


@pytest.fixture
def client() -> Iterator[PolicyClient]:
    with make_client(FAST) as c:
        yield c


@pytest.fixture
def engine_for(sqlite_url: str):  # type: ignore[no-untyped-def]
    """`engine_for([record(...), ...])` stores the papers in a fresh SQLite database."""

    def build(records: list[PaperRecord]) -> Engine:
        return store(sqlite_url, records)

    return build
