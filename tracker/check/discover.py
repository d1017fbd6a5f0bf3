"""Discovery: find a paper's code and weights beyond its abstract, saying where each came from.

A pure planner (`next_step`) looks at what is known so far and names the next look-up; the
runner (`Discoverer.step`) performs it and returns the new state. Cheap, authoritative sources
come first (the paper's own shortlinks, owner pages and project pages, then arXiv's comment and
the PDF); machine matches (Hugging Face `auto`, GitHub search) only fill gaps, and are judged
official or community from evidence (`tracker.check.official`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import httpx

from tracker.check import arxiv as ax
from tracker.check import github_discovery as gh
from tracker.check import huggingface as hf
from tracker.check.official import (
    author_accounts,
    author_names,
    confidence,
    officiality,
    pick_repository,
)
from tracker.check.web import WebPolicy, lands_on_code_host, page_links, resolve
from tracker.config import Settings
from tracker.extract import links_in
from tracker.extract.classify import classify, repo_of
from tracker.extract.links import normalize
from tracker.hosts import REPO_LINK_KINDS
from tracker.models import (
    DiscoveredLink,
    HfCheckResult,
    Link,
    LinkKind,
    Officiality,
    PaperTarget,
    Provenance,
    RepoStatus,
    Role,
)

PAGE_KINDS = frozenset({LinkKind.GITHUB_PAGES, LinkKind.PROJECT_PAGE})
HF_KINDS = {LinkKind.HF_MODEL: "model", LinkKind.HF_DATASET: "dataset", LinkKind.HF_SPACE: "space"}
MAX_HF_CHECKS = 5
MAX_SEARCH_HITS = 3


class Step(StrEnum):
    SHORTLINK = "shortlink"
    OWNER = "owner"
    PAGE = "page"
    ARXIV_TITLE = "arxiv_title"
    ARXIV_ENTRY = "arxiv_entry"
    PDF = "pdf"
    HF_PAPER = "hf_paper"
    HF_CITING = "hf_citing"
    HF_REPO = "hf_repo"
    GITHUB_SEARCH = "github_search"


@dataclass(frozen=True, slots=True)
class Discovery:
    """Everything learned about one paper so far; each step returns a new one."""

    target: PaperTarget
    arxiv_id: str | None = None
    arxiv_id_found: bool = False
    """True when the ID came from an exact title match (the paper had none)."""
    authors: tuple[str, ...] = ()
    """Authors as arXiv or the Hub list them (asked when the paper has none stored)."""
    pdf_url: str | None = None
    found: tuple[DiscoveredLink, ...] = ()
    resolved: tuple[tuple[str, str], ...] = ()
    """(shortlink, owner page or project page URL, where it led)."""
    reads: tuple[tuple[str, str, str], ...] = ()
    """(shortlink or project page URL, status, reason) for each one looked at: `ok` when it
    was read, else why not. Code an unread page may point at stays unknown, never "none"."""
    published: dt.date | None = None
    """The paper's date as arXiv's API gives it."""
    hf: tuple[HfCheckResult, ...] = ()
    done: frozenset[str] = frozenset()
    unknown: int = 0
    refused: int = 0
    web_resolved: int = 0
    notes: tuple[str, ...] = ()

    @classmethod
    def start(cls, target: PaperTarget) -> Discovery:
        return cls(target=target, arxiv_id=target.arxiv_id)

    def links(self) -> tuple[Link, ...]:
        return self.target.links + tuple(d.link for d in self.found)

    def has_code(self, *, official: bool = False) -> bool:
        given = any(lk.kind in REPO_LINK_KINDS and lk.role is Role.CODE for lk in self.target.links)
        machine = any(
            d.link.kind in REPO_LINK_KINDS
            and d.link.role is Role.CODE
            and (not official or d.official is Officiality.OFFICIAL)
            for d in self.found
        )
        return given or machine

    def author_names(self) -> tuple[str, ...]:
        """Every author name known: the stored ones (and their profiles' names), then
        arXiv's or the Hub's."""
        return tuple(dict.fromkeys((*author_names(self.target.authors), *self.authors)))

    def official_owners(self) -> set[str]:
        owners = {lk.repo.split("/")[0] for lk in self.target.links if lk.repo}
        owners |= {
            d.link.repo.split("/")[0]
            for d in self.found
            if d.link.repo and d.official is Officiality.OFFICIAL
        }
        return owners


def _pending(d: Discovery, step: Step, urls: list[str]) -> tuple[Step, str] | None:
    for url in urls:
        if f"{step}:{url}" not in d.done:
            return step, url
    return None


def _read(d: Discovery, url: str, status: RepoStatus, reason: str, final: str | None) -> Discovery:
    """Remember how reading a page or shortlink went; an answer that led nowhere (no final
    URL) was not a reading."""
    code = status.value if status is not RepoStatus.OK or final else RepoStatus.UNKNOWN.value
    return replace(d, reads=(*d.reads, (url, code, reason or code)))


def next_step(d: Discovery, *, pdf: bool = True) -> tuple[Step, str] | None:
    """The next look-up for `d` (a step and its subject), or None when discovery is done."""
    links = d.links()
    for step, kinds in (
        (Step.SHORTLINK, {LinkKind.SHORTLINK}),
        (Step.OWNER, {LinkKind.GITHUB_OWNER}),
    ):
        todo = _pending(d, step, [lk.url for lk in links if lk.kind in kinds])
        if todo:
            return todo
    pages = [lk.url for lk in links if lk.kind in PAGE_KINDS]
    pages += [final for _, final in d.resolved if classify(final) in PAGE_KINDS]
    todo = _pending(d, Step.PAGE, list(dict.fromkeys(pages)))
    if todo:
        return todo
    if d.arxiv_id is None and Step.ARXIV_TITLE not in d.done:
        return Step.ARXIV_TITLE, d.target.title
    for step, wanted in (
        (Step.HF_PAPER, True),
        (
            Step.ARXIV_ENTRY,
            not d.has_code(official=True) or not d.author_names() or not d.target.dated,
        ),
        (Step.PDF, pdf and d.pdf_url is not None and not d.has_code(official=True)),
        (Step.HF_CITING, True),
        (Step.GITHUB_SEARCH, not d.has_code()),
    ):
        if d.arxiv_id is not None and wanted and step not in d.done:
            return step, d.arxiv_id
    hf_urls = [lk.url for lk in links if lk.kind in HF_KINDS][:MAX_HF_CHECKS]
    return _pending(d, Step.HF_REPO, hf_urls)


def _link(
    url: str, raw: str, provenance: Provenance, role: Role | None, sentence: str = ""
) -> Link:
    url = normalize(url)
    kind = classify(url)
    repo, sub = repo_of(url)
    if kind in HF_KINDS:
        repo = "/".join(url.split("/")[-2:])
    default = {LinkKind.HF_MODEL: Role.WEIGHTS, LinkKind.HF_DATASET: Role.DATA}.get(kind, Role.CODE)
    return Link(
        url=url,
        raw=raw,
        kind=kind,
        role=role or default,
        provenance=provenance,
        repo=repo,
        subpath=sub,
        sentence=sentence,
    )


@dataclass
class Discoverer:
    """Runs discovery steps over one HTTP client with the settings' endpoints and tokens."""

    client: httpx.Client
    settings: Settings
    policy: WebPolicy = field(default_factory=WebPolicy)
    pdf: bool = True

    def discover(self, target: PaperTarget) -> Discovery:
        d = Discovery.start(target)
        while (todo := next_step(d, pdf=self.pdf)) is not None:
            step, subject = todo
            d = replace(self.step(step, subject, d), done=d.done | {f"{step}:{subject}", step})
        return d

    def step(self, step: Step, subject: str, d: Discovery) -> Discovery:
        handler = {
            Step.SHORTLINK: self._shortlink,
            Step.OWNER: self._owner,
            Step.PAGE: self._page,
            Step.ARXIV_TITLE: self._arxiv_title,
            Step.ARXIV_ENTRY: self._arxiv_entry,
            Step.PDF: self._pdf,
            Step.HF_PAPER: self._hf_paper,
            Step.HF_CITING: self._hf_citing,
            Step.HF_REPO: self._hf_repo,
            Step.GITHUB_SEARCH: self._github_search,
        }[step]
        return handler(subject, d)

    # -- helpers ---------------------------------------------------------------------------

    def _add(self, d: Discovery, found: list[DiscoveredLink]) -> Discovery:
        known = {lk.url for lk in d.links()}
        fresh = []
        for item in found:
            if item.link.url not in known:
                known.add(item.link.url)
                fresh.append(item)
        return replace(d, found=d.found + tuple(fresh))

    def _failed(self, d: Discovery, what: str, answer: hf.Answer[Any]) -> Discovery:
        note = f"{what}: {answer.reason or answer.status.value}"
        if answer.status is RepoStatus.UNKNOWN:
            return replace(d, unknown=d.unknown + 1, notes=(*d.notes, note))
        return replace(d, notes=(*d.notes, note))

    def _official(self, lk: Link, found_in: str, alias_of: str | None = None) -> DiscoveredLink:
        verdict = officiality(lk.provenance)
        lk = replace(lk, confidence=min(lk.confidence, confidence(lk.provenance, verdict)))
        return DiscoveredLink(lk, verdict, found_in, alias_of)

    def _judged(self, d: Discovery, lk: Link, found_in: str, cites: bool) -> DiscoveredLink:
        owner = lk.repo.split("/")[0] if lk.repo else None
        verdict = officiality(
            lk.provenance,
            owner=owner,
            authors=d.author_names(),
            cites_paper=cites,
            official_owners=d.official_owners(),
            accounts=author_accounts(d.target.authors),
        )
        return DiscoveredLink(
            replace(lk, confidence=confidence(lk.provenance, verdict)), verdict, found_in
        )

    def _origin(self, d: Discovery, url: str) -> Link:
        return next(lk for lk in d.links() if lk.url == url)

    # -- the paper's own links ----------------------------------------------------------------

    def _shortlink(self, url: str, d: Discovery) -> Discovery:
        res = resolve(self.client, url, self.policy)
        d = self._web_counts(d, res.status, f"shortlink {url}: {res.reason}")
        d = _read(d, url, res.status, res.reason, res.final_url)
        if res.status is not RepoStatus.OK or not res.final_url:
            return d
        d = replace(d, resolved=(*d.resolved, (url, res.final_url)))
        if not lands_on_code_host(res.final_url):
            return d
        origin = self._origin(d, url)
        lk = _link(res.final_url, url, Provenance.SHORTLINK, origin.role, origin.sentence)
        return self._add(d, [self._official(lk, url, alias_of=url)])

    def _web_counts(self, d: Discovery, status: RepoStatus, note: str) -> Discovery:
        if status is RepoStatus.OK:
            return replace(d, web_resolved=d.web_resolved + 1)
        if status is RepoStatus.BLOCKED:
            return replace(d, refused=d.refused + 1, notes=(*d.notes, note))
        unknown = d.unknown + (status is RepoStatus.UNKNOWN)
        return replace(d, unknown=unknown, notes=(*d.notes, note))

    def _owner(self, url: str, d: Discovery) -> Discovery:
        owner = url.rstrip("/").rsplit("/", 1)[-1]
        answer = gh.fetch_owner_repos(
            self.client, self.settings.github_api_url, owner, self.settings.github_token
        )
        if answer.value is None:
            return self._failed(d, f"owner {owner}", answer)
        name = pick_repository([n.split("/")[1] for n in answer.value], d.target.title)
        if name is None:
            note = f"owner page {url}: no repository clearly matches the title"
            return replace(d, notes=(*d.notes, note))
        origin = self._origin(d, url)
        lk = _link(
            f"https://github.com/{owner}/{name}", url, origin.provenance, Role.CODE, origin.sentence
        )
        lk = replace(lk, confidence=0.8)
        d = replace(d, resolved=(*d.resolved, (url, lk.url)))
        return self._add(d, [DiscoveredLink(lk, Officiality.OFFICIAL, url, alias_of=url)])

    def _page(self, url: str, d: Discovery) -> Discovery:
        res = resolve(self.client, url, self.policy, want_html=True)
        d = self._web_counts(d, res.status, f"page {url}: {res.reason}")
        d = _read(d, url, res.status, res.reason, res.final_url)
        if res.status is not RepoStatus.OK or not res.final_url:
            return d
        if res.final_url != url:
            d = replace(d, resolved=(*d.resolved, (url, res.final_url)))
        if lands_on_code_host(res.final_url):
            lk = _link(res.final_url, url, Provenance.PROJECT_PAGE, None)
            return self._add(d, [self._official(lk, url, alias_of=url)])
        return self._add(d, [self._official(lk, url) for lk in page_links(res.html, res.final_url)])

    # -- arXiv -----------------------------------------------------------------------------

    def _arxiv_title(self, title: str, d: Discovery) -> Discovery:
        answer = ax.fetch_arxiv_by_title(self.client, self.settings.arxiv_api_url, title)
        if answer.value is None:
            return self._failed(d, "arXiv title search", answer)
        entry = answer.value
        d = replace(d, arxiv_id=entry.arxiv_id, arxiv_id_found=True)
        return self._entry(d, entry)

    def _arxiv_entry(self, arxiv_id: str, d: Discovery) -> Discovery:
        answer = ax.fetch_arxiv_entry(self.client, self.settings.arxiv_api_url, arxiv_id)
        if answer.value is None:
            return self._failed(d, "arXiv entry", answer)
        return self._entry(d, answer.value)

    def _entry(self, d: Discovery, entry: ax.ArxivEntry) -> Discovery:
        d = replace(
            d,
            authors=d.authors or entry.authors,
            pdf_url=entry.pdf_url,
            published=d.published or entry.published,
            done=d.done | {Step.ARXIV_ENTRY},
        )
        found = [
            self._official(lk, "arxiv comment")
            for lk in links_in(entry.comment, Provenance.COMMENT)
            if lk.kind is not LinkKind.OTHER
        ]
        return self._add(d, found)

    def _pdf(self, arxiv_id: str, d: Discovery) -> Discovery:
        assert d.pdf_url is not None
        data = ax.fetch_pdf(self.client, d.pdf_url)
        if data.value is None:
            return self._failed(d, "PDF", data)
        links = ax.links_from_pdf(data.value, d.target.title)
        if links.value is None:
            return self._failed(d, "PDF", links)
        return self._add(d, [self._official(lk, d.pdf_url) for lk in links.value])

    # -- Hugging Face --------------------------------------------------------------------------

    def _hf_paper(self, arxiv_id: str, d: Discovery) -> Discovery:
        s = self.settings
        answer = hf.fetch_hf_paper(self.client, s.hf_endpoint, arxiv_id, s.hf_token)
        if answer.value is None:
            return self._failed(d, "HF paper", answer)
        info = answer.value
        d = replace(d, authors=d.authors or info.authors)
        where = f"{s.hf_endpoint.rstrip('/')}/api/papers/{arxiv_id}"
        found: list[DiscoveredLink] = []
        if info.project_page:
            lk = _link(info.project_page, info.project_page, Provenance.HF_USER, Role.PROJECT)
            found.append(self._official(lk, where))
        if info.github_repo:
            by_user = info.github_repo_added_by == "user"
            prov = Provenance.HF_USER if by_user else Provenance.HF_AUTO
            lk = _link(info.github_repo, info.github_repo, prov, Role.CODE)
            if by_user:
                found.append(self._official(lk, where))
            else:
                cites = self._cites(lk, arxiv_id)
                found.append(self._judged(d, lk, where, cites))
        return self._add(d, found)

    def _cites(self, lk: Link, arxiv_id: str) -> bool:
        if lk.kind is not LinkKind.GITHUB_REPO or not lk.repo:
            return False
        s = self.settings
        answer = gh.fetch_readme_cites(
            self.client, s.github_api_url, lk.repo, arxiv_id, s.github_token
        )
        return bool(answer.value)

    def _hf_citing(self, arxiv_id: str, d: Discovery) -> Discovery:
        s = self.settings
        answer = hf.fetch_hf_citing(self.client, s.hf_endpoint, arxiv_id, s.hf_token)
        if answer.value is None:
            return self._failed(d, "HF arXiv tag", answer)
        where = f"{s.hf_endpoint.rstrip('/')}/api/models?filter=arxiv:{arxiv_id}"
        found = []
        for facts in answer.value:
            prefix = "datasets/" if facts.repo_type == "dataset" else ""
            url = f"https://huggingface.co/{prefix}{facts.repo_id}"
            found.append(
                self._judged(d, _link(url, url, Provenance.HF_ARXIV_TAG, None), where, cites=True)
            )
        return self._add(d, found)

    def _hf_repo(self, url: str, d: Discovery) -> Discovery:
        lk = self._origin(d, url)
        s = self.settings
        result = hf.fetch_hf_repo(
            self.client,
            s.hf_endpoint,
            HF_KINDS[lk.kind],
            lk.repo or "/".join(url.split("/")[-2:]),
            s.hf_token,
        )
        unknown = d.unknown + (result.status is RepoStatus.UNKNOWN)
        return replace(d, hf=(*d.hf, result), unknown=unknown)

    # -- GitHub search -------------------------------------------------------------------------

    def _github_search(self, arxiv_id: str, d: Discovery) -> Discovery:
        s = self.settings
        answer = gh.fetch_repos_naming(self.client, s.github_api_url, arxiv_id, s.github_token)
        if answer.value is None:
            return self._failed(d, "GitHub search", answer)
        where = f"{s.github_api_url.rstrip('/')}/search/repositories?q={arxiv_id}"
        found = []
        for name in answer.value[:MAX_SEARCH_HITS]:
            lk = _link(f"https://github.com/{name}", name, Provenance.GITHUB_SEARCH, Role.CODE)
            found.append(self._judged(d, lk, where, self._cites(lk, arxiv_id)))
        return self._add(d, found)
