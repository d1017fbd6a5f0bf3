"""Extracted papers as the plain tuples the store inserts.

Turning a paper into rows is pure work, so it runs where the extraction runs: in a worker
process when the ingest extracts in parallel. The writing process then receives tuples of
strings and numbers, which unpickle faster than the dataclasses they came from
(`benchmarks/bench_extract.py` measures the ingest),
and it is left with only what needs the database: identity look-ups and inserts. This module
imports no database code, so worker processes never load it.
"""

from __future__ import annotations

from typing import NamedTuple

from tracker.extract.identity import normalize_title
from tracker.hosts import target_key
from tracker.models import ExtractedPaper, Link, Provenance

PAPER_COLUMNS = (
    "key", "arxiv_id", "doi", "title_norm", "title", "abstract", "comment", "published",
    "source_kind", "source_ref", "code_status", "code_evidence", "code_condition",
    "weights_status", "weights_evidence", "weights_condition", "data_status", "data_evidence",
    "data_condition", "venue", "venue_date",
)  # fmt: skip
"""The `paper` columns of `PaperRows.paper`, in that order."""
SOURCE_REF = PAPER_COLUMNS.index("source_ref")
LINK_COLUMNS = (
    "url", "raw", "kind", "role", "provenance", "position", "sentence", "repo_key", "subpath",
    "confidence", "official",
)  # fmt: skip
"""The `link` columns of each `PaperRows.links` entry; the paper's id and `found_in` (the
paper's `source_ref`) are added when the paper is stored."""
_MACHINE_FOUND = frozenset({Provenance.HF_AUTO, Provenance.GITHUB_SEARCH})
"""Links nobody from the paper gave: a machine match may be a reimplementation."""


class PaperRows(NamedTuple):
    """One extracted paper ready to store (a tuple, not a dataclass: it crosses processes)."""

    paper: tuple[object, ...]
    """Values of `PAPER_COLUMNS`."""
    links: tuple[tuple[object, ...], ...]
    """Values of `LINK_COLUMNS` for each link, first occurrence of a URL first."""
    authors: tuple[tuple[str, str | None, str | None, str | None], ...] = ()
    """`(name, orcid, openalex_id, profile)` of each author, in the source's order."""

    @property
    def ident(self) -> tuple[str | None, str | None, str]:
        """`(arxiv_id, doi, title_norm)`: what matches a stored paper."""
        return self.paper[1], self.paper[2], self.paper[3]  # type: ignore[return-value]


def paper_rows(p: ExtractedPaper) -> PaperRows:
    r = p.record
    where = str(r.location)[:1024]
    # a key made of the title is its normalized form already (`paper_key`)
    title_norm = (
        p.key.removeprefix("title:") if p.key.startswith("title:") else normalize_title(r.title)
    )
    paper = (
        p.key,
        r.arxiv_id,
        r.doi,
        title_norm[:512],
        r.title,
        r.abstract,
        r.comment,
        r.published,
        r.source_kind,
        where,
        p.code.status.value,
        p.code.evidence,
        p.code.condition[:255],
        p.weights.status.value,
        p.weights.evidence,
        p.weights.condition[:255],
        p.data.status.value,
        p.data.evidence,
        p.data.condition[:255],
        r.venue[:255],
        r.venue_date,
    )
    authors = tuple(
        (a.name[:255], a.orcid, a.openalex_id, a.profile and a.profile[:255]) for a in r.authors
    )
    return PaperRows(paper, tuple(map(_link_row, p.links)), authors)


def _link_row(lk: Link) -> tuple[object, ...]:
    return (
        lk.url,
        lk.raw,
        lk.kind.value,
        lk.role.value,
        lk.provenance.value,
        lk.position,
        lk.sentence,
        repo_key(lk),
        lk.subpath[:1024],
        lk.confidence,
        "community" if lk.provenance in _MACHINE_FOUND else "official",
    )


def repo_key(lk: Link) -> str | None:
    """The key of the repository (or Space, model, record) a checker reads for this link
    (`tracker.hosts.target_key`)."""
    return target_key(lk.kind.value, lk.role.value, lk.url, lk.repo)
