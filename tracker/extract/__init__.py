"""Text → links and claims. Pure functions: no network, no database."""

from __future__ import annotations

import re

from tracker.extract.classify import classify, repo_of, role_of
from tracker.extract.identity import arxiv_id, doi, normalize_title, paper_key
from tracker.extract.links import Found, find_urls, normalize
from tracker.extract.status import claims, clause_spans, sentences
from tracker.models import ExtractedPaper, Link, PaperRecord, Provenance

_SURVEY_TITLE = re.compile(r"\b(?:survey|literature review|systematic review|reading list)\b", re.I)
_SURVEY_TEXT = re.compile(
    r"\b(?:this|our|we) (?:survey|systematic review|literature review)\b", re.I
)


def is_survey(record: PaperRecord) -> bool:
    """Surveys link reading lists, which are not the paper's own code."""
    return bool(_SURVEY_TITLE.search(record.title) or _SURVEY_TEXT.search(record.abstract))


def _contexts(text: str, found: list[Found]) -> list[tuple[str, str, str]]:
    """For each link: its sentence, the words leading to it, and its clause if alone in it."""
    spans = sentences(text)
    out = []
    prev_end = 0
    for f in found:
        start, sentence = next((s, t) for s, t in reversed(spans) if s <= f.start)
        rel = f.start - start
        lo, hi = next((a, b) for a, b in clause_spans(sentence) if a <= rel <= b)
        cut = max(lo, prev_end - start, sentence.rfind("(", lo, rel) + 1)
        alone = sum(start + lo <= g.start < start + hi for g in found) == 1
        out.append((sentence.strip(), sentence[cut:rel], sentence[lo:hi] if alone else ""))
        prev_end = f.start + len(f.raw)
    return out


def links_in(text: str, provenance: Provenance, *, survey: bool = False) -> list[Link]:
    """Every link in `text`, normalized and classified, first occurrence of each URL kept."""
    found = find_urls(text)
    out: dict[str, Link] = {}
    for f, (sentence, before, clause) in zip(found, _contexts(text, found), strict=True):
        url = normalize(f.url)
        if url in out:
            continue
        kind = classify(url)
        repo, sub = repo_of(url)
        out[url] = Link(
            url=url,
            raw=f.raw,
            kind=kind,
            role=role_of(kind, before, clause, survey=survey),
            provenance=provenance,
            position=f.start,
            repo=repo,
            subpath=sub,
            sentence=sentence,
        )
    return list(out.values())


def _given_link(url: str, raw: str, provenance: Provenance) -> Link:
    kind = classify(url)
    repo, sub = repo_of(url)
    return Link(
        url=url,
        raw=raw,
        kind=kind,
        role=role_of(kind, ""),
        provenance=provenance,
        repo=repo,
        subpath=sub,
    )


def extract_paper(record: PaperRecord) -> ExtractedPaper:
    """Links, identity and code/weights/data claims of one paper."""
    survey = is_survey(record)
    links = links_in(record.abstract, Provenance.ABSTRACT, survey=survey)
    comment_from = Provenance.PDF if record.source_kind == "pdf" else Provenance.COMMENT
    seen = {lk.url for lk in links}
    for lk in links_in(record.comment, comment_from, survey=survey):
        if lk.url not in seen:
            links.append(lk)
            seen.add(lk.url)
    for given in record.links:
        url = normalize(given.url)
        if url not in seen:
            links.append(_given_link(url, given.url, given.provenance))
            seen.add(url)
    frozen = tuple(links)
    status = claims((record.abstract, record.comment), frozen)
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
