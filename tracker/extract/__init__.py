"""Text → links and claims. Pure functions: no network, no database."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from tracker.extract.classify import describe, kind_in_context, role_of
from tracker.extract.identity import arxiv_id, doi, normalize_title, paper_key
from tracker.extract.links import Found, find_urls, normalize
from tracker.extract.status import (
    NO_CLAIM,
    Scan,
    Spans,
    claims_of_split,
    clause_spans,
    scan,
    sentences,
)
from tracker.models import ExtractedPaper, Link, PaperRecord, Provenance

_SURVEY_TITLE = re.compile(r"\b(?:survey|literature review|systematic review|reading list)\b", re.I)
_SURVEY_TITLE_WORDS = ("survey", "review", "reading list")
_SURVEY_TEXT = re.compile(
    r"\b(?:this|our|we) (?:survey|systematic review|literature review)\b", re.I
)


def is_survey(record: PaperRecord) -> bool:
    """Surveys link reading lists, which are not the paper's own code."""
    title = record.title
    # an ASCII title without these words cannot match (the pattern only ignores case)
    maybe = not title.isascii() or any(w in title.lower() for w in _SURVEY_TITLE_WORDS)
    if maybe and _SURVEY_TITLE.search(title):
        return True
    low = record.abstract.lower()
    return ("survey" in low or "review" in low) and bool(_SURVEY_TEXT.search(record.abstract))


def _contexts(text: str, found: list[Found], spans: Spans) -> list[tuple[str, str, str]]:
    """For each link: its sentence, the words leading to it, and its clause if alone in it."""
    out = []
    prev_end = 0
    starts = [s for s, _ in spans]
    starts_found = sorted(f.start for f in found)
    for f in found:
        start, sentence = spans[bisect_right(starts, f.start) - 1]
        rel = f.start - start
        lo, hi = next((a, b) for a, b in clause_spans(sentence) if a <= rel <= b)
        floor = max(lo, prev_end - start)
        paren = sentence.rfind("(", lo, rel)
        before = sentence[max(floor, paren + 1) : rel]
        if paren >= floor and not before.strip():  # "the model (<link>)": the noun before it
            before = sentence[floor:paren]
        alone = len(found) == 1 or _count(starts_found, start + lo, start + hi) == 1
        clause = sentence[lo:rel] + " " + sentence[rel + len(f.raw) : hi] if alone else ""
        out.append((sentence.strip(), before, clause))
        prev_end = f.start + len(f.raw)
    return out


def _count(offsets: list[int], lo: int, hi: int) -> int:
    """How many of the sorted `offsets` lie in `[lo, hi)`."""
    return bisect_left(offsets, hi) - bisect_left(offsets, lo)


def links_in(text: str, provenance: Provenance, *, survey: bool = False) -> list[Link]:
    """Every link in `text`, normalized and classified, first occurrence of each URL kept."""
    found = find_urls(text)
    return _links(text, found, sentences(text), provenance, survey) if found else []


def _links(
    text: str, found: list[Found], spans: Spans, provenance: Provenance, survey: bool
) -> list[Link]:
    out: dict[str, Link] = {}
    for f, (sentence, before, clause) in zip(found, _contexts(text, found, spans), strict=True):
        url = normalize(f.url)
        if url in out:
            continue
        kind, repo, sub = describe(url)
        kind = kind_in_context(kind, url, before)
        out[url] = Link(
            url=url,
            raw=f.raw,
            kind=kind,
            role=role_of(kind, before, clause, survey=survey, url=url),
            provenance=provenance,
            position=f.start,
            repo=repo,
            subpath=sub,
            sentence=sentence,
        )
    return list(out.values())


def _given_link(url: str, raw: str, provenance: Provenance) -> Link:
    kind, repo, sub = describe(url)
    return Link(
        url=url,
        raw=raw,
        kind=kind,
        role=role_of(kind, ""),
        provenance=provenance,
        repo=repo,
        subpath=sub,
    )


def _without_links(record: PaperRecord, abstract: Scan, comment: Scan) -> ExtractedPaper:
    """Most abstracts hold no link, and most of those claim nothing: the pass that looked for
    a URL also told whether any claim pattern can match (`scan`), before any sentence work."""
    key = paper_key(record.arxiv_id, record.doi, record.title)
    if not abstract.gates and not comment.gates:
        return ExtractedPaper(record, key, (), NO_CLAIM, NO_CLAIM, NO_CLAIM)
    status = claims_of_split(
        ((record.abstract, None, abstract.gates), (record.comment, None, comment.gates))
    )
    return ExtractedPaper(record, key, (), status["code"], status["weights"], status["data"])


def extract_paper(record: PaperRecord) -> ExtractedPaper:
    """Links, identity and code/weights/data claims of one paper.

    One pass over each text (`scan`) tells which claim patterns may match and whether it may
    hold a URL at all. Most abstracts hold no URL, so whether the paper is a survey (which only
    matters for the role of a link) is decided only once a URL is found.
    """
    abstract = scan(record.abstract)
    comment = scan(record.comment)
    in_abstract = find_urls(record.abstract) if abstract.url else []
    in_comment = find_urls(record.comment) if comment.url else []
    if not (in_abstract or in_comment or record.links):
        return _without_links(record, abstract, comment)
    survey = bool(in_abstract or in_comment) and is_survey(record)
    abstract_spans = sentences(record.abstract) if in_abstract else None
    comment_spans = sentences(record.comment) if in_comment else None
    links = []
    if abstract_spans is not None:
        links = _links(record.abstract, in_abstract, abstract_spans, Provenance.ABSTRACT, survey)
    seen = {lk.url for lk in links}
    if comment_spans is not None:
        comment_from = Provenance.PDF if record.source_kind == "pdf" else Provenance.COMMENT
        for lk in _links(record.comment, in_comment, comment_spans, comment_from, survey):
            if lk.url not in seen:
                links.append(lk)
                seen.add(lk.url)
    for given in record.links:
        url = normalize(given.url)
        if url not in seen:
            links.append(_given_link(url, given.url, given.provenance))
            seen.add(url)
    frozen = tuple(links)
    status = claims_of_split(
        (
            (record.abstract, abstract_spans, abstract.gates),
            (record.comment, comment_spans, comment.gates),
        ),
        frozen,
    )
    return ExtractedPaper(
        record=record,
        key=paper_key(record.arxiv_id, record.doi, record.title),
        links=frozen,
        code=status["code"],
        weights=status["weights"],
        data=status["data"],
    )


__all__ = [
    "arxiv_id",
    "doi",
    "extract_paper",
    "is_survey",
    "links_in",
    "normalize",
    "normalize_title",
    "paper_key",
]
