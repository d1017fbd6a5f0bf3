"""Value types passed between pipeline stages.

Every stage takes and returns these frozen values; none of them does I/O. The database rows in
`tracker.store` are a separate representation so that `extract`, `check`, `flags` and `reports`
never depend on the ORM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from tracker.frozen import quick_init
from tracker.handles import paper_handle


class LinkKind(StrEnum):
    """What a URL points at, judged from the URL alone (see the corpus FORMAT)."""

    GITHUB_REPO = "github_repo"
    GITHUB_OWNER = "github_owner"
    GITHUB_PAGES = "github_pages"
    GITHUB_GIST = "github_gist"
    GITLAB_REPO = "gitlab_repo"
    GITEA_REPO = "gitea_repo"
    """Codeberg and other Gitea/Forgejo instances."""
    BITBUCKET_REPO = "bitbucket_repo"
    HF_MODEL = "hf_model"
    HF_DATASET = "hf_dataset"
    HF_SPACE = "hf_space"
    HF_OTHER = "hf_other"
    PROJECT_PAGE = "project_page"
    SHORTLINK = "shortlink"
    DATA_HOST = "data_host"
    OTHER = "other"


class Role(StrEnum):
    """What the sentence around a link says the link is for."""

    CODE = "code"
    PROJECT = "project"
    DATA = "data"
    WEIGHTS = "weights"
    DEMO = "demo"
    OTHER = "other"


class Availability(StrEnum):
    """What a paper says about one artifact (code, weights or data)."""

    RELEASED = "released"
    PROMISED = "promised"
    MENTIONED_NO_LINK = "mentioned_no_link"
    NONE = "none"


class Provenance(StrEnum):
    """Where a link was found; decides how much it is trusted as the authors' own."""

    ABSTRACT = "abstract"
    COMMENT = "comment"
    PDF = "pdf"
    PROJECT_PAGE = "project_page"
    HF_USER = "hf_user"
    HF_AUTO = "hf_auto"
    HF_ARXIV_TAG = "hf_arxiv_tag"
    GITHUB_SEARCH = "github_search"
    SOURCE_FIELD = "source_field"
    SHORTLINK = "shortlink"


class RepoStatus(StrEnum):
    """Outcome of checking one repository. UNKNOWN is never evidence of death."""

    OK = "ok"
    NOT_FOUND = "not_found"
    BLOCKED = "blocked"
    FORBIDDEN = "forbidden"
    MOVED = "moved"
    EMPTY = "empty"
    UNKNOWN = "unknown"


class Outcome(StrEnum):
    """A probe's answer; NOT_AVAILABLE is kept apart from FALSE (OpenSSF scorecard)."""

    TRUE = "true"
    FALSE = "false"
    NOT_AVAILABLE = "not_available"
    ERROR = "error"


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Location:
    """Where an item was read: the file (or `-` for stdin) and its 1-based line."""

    source: str
    """Path of the input file, `-` for standard input, or an API URL."""
    line: int | None = None
    """1-based line where the entry starts, when the format has lines."""

    def __str__(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


@dataclass(frozen=True, slots=True)
class SourceLink:
    """A link given by a structured source field (an API's `githubRepo`, a BibTeX `url`)."""

    url: str
    """The URL as the source wrote it."""
    provenance: Provenance
    """Which field or service supplied it."""
    field: str = ""
    """The source field name, e.g. `githubRepo`."""


@dataclass(frozen=True, slots=True)
class Author:
    """One author of a paper as a source names them, with the identifiers it gives."""

    name: str
    """The name as the source writes it."""
    orcid: str | None = None
    """Bare ORCID iD (`0000-0002-1825-0097`), when the source gives one."""
    openalex_id: str | None = None
    """Bare OpenAlex author id (`A5023888391`), when the source gives one."""
    profile: str | None = None
    """The source's own account name: an OpenReview profile (`~Ada_Lovelace1`) or a Hugging
    Face user, which is how the owner of a repository can be matched to an author."""


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """One paper as a source read it, before any extraction."""

    title: str
    """Title as written in the source (whitespace folded)."""
    abstract: str
    """Abstract text; may be empty for ID-only inputs."""
    location: Location
    """Where the record starts in its input."""
    source_kind: str
    """Name of the source format that produced it, e.g. `hf_listing`."""
    arxiv_id: str | None = None
    """Bare arXiv identifier (`2401.12345`, `hep-th/9901001`), no version."""
    doi: str | None = None
    """DOI in lower case without resolver prefix."""
    published: dt.date | None = None
    """Publication date if the source gives one."""
    comment: str = ""
    """Free text that often carries a code link (arXiv `comment`, BibTeX `note`)."""
    links: tuple[SourceLink, ...] = ()
    """Links supplied by structured fields rather than prose."""
    authors: tuple[Author, ...] = ()
    """Authors in the order the source lists them (empty when it names none)."""
    venue: str = ""
    """Where the paper appeared: an OpenReview venue (`ICLR 2025 Poster`), arXiv's journal
    reference, or the journal OpenAlex names."""
    venue_date: dt.date | None = None
    """When the venue accepted the paper (OpenReview's decision), which starts "upon
    acceptance" deadlines."""


@dataclass(frozen=True, slots=True)
class Link:
    """A normalized link with the raw text it came from."""

    url: str
    """Canonical URL (corpus FORMAT rules)."""
    raw: str
    """The text exactly as found, before trimming and normalization."""
    kind: LinkKind
    role: Role
    provenance: Provenance
    position: int | None = None
    """Character offset of `raw` in the text it was found in (None for structured fields)."""
    repo: str | None = None
    """`owner/name` for code-host repositories, as written (case kept)."""
    subpath: str = ""
    """Path below the repository root (`tree/main/src/x`), empty for the repo itself."""
    sentence: str = ""
    """The sentence that contains the link; the evidence for its role."""
    confidence: float = 1.0
    """How sure we are this is the paper's own link (1.0 when the paper itself gives it)."""


@quick_init
@dataclass(frozen=True, slots=True)
class StatusClaim:
    """What a paper says about one artifact, with the sentence that says it."""

    status: Availability = Availability.NONE
    evidence: str = ""
    """The sentence(s) supporting the status, empty for NONE."""
    condition: str = ""
    """For promises: `upon acceptance`, `after review`, `soon`, a date... when stated."""


@dataclass(frozen=True, slots=True)
class ExtractedPaper:
    """A paper after extraction: identity, links and what it claims."""

    record: PaperRecord
    key: str
    """Identity key: `arxiv:ID` > `doi:DOI` > `title:normalized title`."""
    links: tuple[Link, ...]
    code: StatusClaim = field(default_factory=StatusClaim)
    weights: StatusClaim = field(default_factory=StatusClaim)
    data: StatusClaim = field(default_factory=StatusClaim)


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What one ingest did to the database."""

    papers_seen: int
    papers_new: int
    links_seen: int
    links_new: int
    skipped: int = 0
    """Malformed entries skipped (non-strict mode)."""
    warnings: tuple[str, ...] = ()
    extract_processes: int = 1
    """Processes that extracted the papers (1: the ingesting process itself)."""


@dataclass(frozen=True, slots=True)
class ReleaseAsset:
    name: str
    size: int
    downloads: int


@dataclass(frozen=True, slots=True)
class RepoFacts:
    """Everything one successful check learned about a repository."""

    full_name: str
    """Canonical `owner/name` as GitHub reports it now."""
    stars: int = 0
    forks: int = 0
    watchers: int = 0
    open_issues: int = 0
    description: str = ""
    homepage: str = ""
    topics: tuple[str, ...] = ()
    language: str | None = None
    created_at: dt.datetime | None = None
    pushed_at: dt.datetime | None = None
    last_commit_at: dt.datetime | None = None
    default_branch: str | None = None
    archived: bool = False
    disabled: bool = False
    is_fork: bool = False
    parent: str | None = None
    license_spdx: str | None = None
    """SPDX id; `NOASSERTION` when a license file exists that GitHub cannot identify."""
    releases_count: int = 0
    latest_release_tag: str | None = None
    latest_release_at: dt.datetime | None = None
    assets: tuple[ReleaseAsset, ...] = ()
    readme_size: int | None = None
    readme_sha: str | None = None
    readme_text: str = ""
    tree_paths: tuple[str, ...] = ()
    """Root tree entries (and a bounded recursive listing when available)."""
    source_files: int = 0
    lfs_patterns: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    """Languages of the files in the tree, by extension, most files first."""
    vendored: tuple[str, ...] = ()
    """Top-level folders that are copies of third-party code (not the paper's own source)."""
    head_oid: str | None = None
    """The commit the tree, README and files were read at."""
    files: tuple[tuple[str, str], ...] = ()
    """(path, text) of the package metadata, license and download files read
    (`tracker.check.evidence.EVIDENCE_FILES`)."""
    empty: bool = False
    """The repository has no commit."""


@dataclass(frozen=True, slots=True)
class RepoEvidence:
    """What a full check of a repository read, as stored for judging (`tracker.flags.judge`)."""

    full_name: str
    readme: str = ""
    paths: tuple[str, ...] = ()
    lfs_patterns: tuple[str, ...] = ()
    assets: tuple[ReleaseAsset, ...] = ()
    files: Mapping[str, str] = field(default_factory=dict)
    """Package metadata, license and download files: path -> text."""
    topics: tuple[str, ...] = ()
    empty: bool = False


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of checking one target. Failures are values with a reason."""

    target: str
    """What was asked for, e.g. `owner/name` as the paper wrote it."""
    status: RepoStatus
    reason: str = ""
    """Why: HTTP status and message, `rate limited`, `timeout after 3 tries`..."""
    http_status: int | None = None
    facts: RepoFacts | None = None
    """Present when status is OK or MOVED."""
    canonical: str | None = None
    """The name GitHub now uses, when it differs from `target`."""
    etag: str | None = None
    last_modified: str | None = None
    checked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    unchanged: bool = False
    """A conditional request was answered 304: the stored facts still hold (`facts` is None)."""
    probe_digest: str | None = None
    """Digest of the cheap GraphQL probe fields, so the next check can tell "unchanged" cheaply."""
    unanswered: frozenset[str] = frozenset()
    """Stored columns this answer leaves as they were: an error touched the fields behind them
    (`evidence` for the README, tree and files). Never facts, so never saved over old ones."""


class DueRepo(NamedTuple):
    """A repository some link points at, with what the last check left behind.

    A named tuple rather than a frozen dataclass: a plan builds one per due repository, hundreds
    of thousands in a daily run, and a tuple is built without a call per field."""

    key: str
    """Lower-cased canonical `owner/name` (the `repository.key`, or the linked name if new)."""
    name: str
    """The name to ask GitHub for: the canonical name when known, saving a redirect."""
    status: str = "unchecked"
    last_checked_at: dt.datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    probe_digest: str | None = None
    """Probe digest stored by the last full GraphQL check (None: compare impossible)."""
    full_checked_at: dt.datetime | None = None
    """When all facts (topics, releases, tree...) were last fetched."""
    dead_confirmations: int = 0
    releases_count: int | None = None


@dataclass(frozen=True, slots=True)
class CheckSummary:
    """What one GitHub check pass did, so `tracker run` can say it in one line."""

    checked: int = 0
    unchecked: int = 0
    """Repositories due for a check that this run left for the next one."""
    unknown: int = 0
    """Checked, but the answer was UNKNOWN (rate limit, 5xx, timeout after retries)."""
    changed: int = 0
    """Repositories whose tracked facts changed (a history row was written)."""
    requests: int = 0
    points: int = 0
    """Rate-limit points spent (GraphQL cost, or REST requests that were not 304)."""
    reason: str = ""
    """Why some were left unchecked: `no network`, `rate limited until 14:05 UTC, --no-wait`..."""
    transport: str = "graphql"
    """`graphql` or `rest`."""
    hub_verified: int = 0
    """Hub models named by repositories' weights evidence that were looked up after the check."""
    archives_asked: int = 0
    """Links' targets looked up in the archives (Software Heritage, Wayback Machine)."""
    archives_unknown: int = 0
    """Of those, the ones no archive could answer for (down, slow, throttling)."""
    archives_note: str = ""
    """Why an archive was left alone for the rest of the run, if one was."""
    requests_asked: int = 0
    """Repositories whose open issues were read for requests of code, weights or data."""
    requests_points: int = 0
    """GitHub rate-limit points those reads cost."""
    requests_note: str = ""
    """Why they were skipped or cut short (no token, rate limit nearly spent)."""


@quick_init
@dataclass(frozen=True, slots=True)
class Finding:
    """One probe's answer for one paper."""

    paper_key: str
    code: str
    """Probe name, e.g. `code_promised_missing`."""
    outcome: Outcome
    severity: Severity
    message: str
    evidence: tuple[str, ...] = ()
    subject: str = ""
    """The URL the finding is about, empty when it is about the paper as a whole."""
    measure: int | None = None
    """The number the probe measured: days overdue, days to release, months without a push."""
    dated: dt.date | None = None
    """The day the finding is about, e.g. when promised code was first seen."""


class Officiality(StrEnum):
    """Whose link it is, from evidence: the paper's authors or somebody else."""

    OFFICIAL = "official"
    """Linked by the paper or by its authors (abstract, comment, PDF, project page, HF `user`)."""
    LIKELY_OFFICIAL = "likely_official"
    """Found by a machine, but the repository cites the paper and its owner matches an author."""
    COMMUNITY = "community"
    """Anything else, e.g. a reimplementation that a machine matched to the paper."""


@dataclass(frozen=True, slots=True)
class HfRepoFacts:
    """What the Hugging Face Hub says about one model, dataset or space."""

    repo_id: str
    """`owner/name` as the Hub reports it."""
    repo_type: str
    """`model`, `dataset` or `space`."""
    private: bool = False
    gated: str | None = None
    """`auto` or `manual` when access needs approval, None when open."""
    disabled: bool = False
    downloads: int = 0
    likes: int = 0
    last_modified: dt.datetime | None = None
    sha: str | None = None
    weight_files: tuple[str, ...] = ()
    """Files whose extension marks weights (`.safetensors`, `.bin`, `.gguf`, `.pt`...)."""
    file_count: int = 0
    license: str | None = None
    """The card's `license` (or a `license:` tag)."""
    arxiv_ids: tuple[str, ...] = ()
    """arXiv IDs from the `arxiv:` tags: the papers the card cites."""


@dataclass(frozen=True, slots=True)
class HfCheckResult:
    """The outcome of checking one Hub repository; a failure is a status with a reason."""

    target: str
    """`owner/name` as asked for."""
    repo_type: str
    status: RepoStatus
    reason: str = ""
    http_status: int | None = None
    facts: HfRepoFacts | None = None
    checked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


@dataclass(frozen=True, slots=True)
class HfPaperInfo:
    """The Hugging Face papers page of one arXiv paper."""

    arxiv_id: str
    title: str = ""
    github_repo: str | None = None
    github_repo_added_by: str | None = None
    """`user` when the authors claimed the link, `auto` when a machine matched it."""
    project_page: str | None = None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WebHop:
    """One request of a redirect chain, as answered."""

    url: str
    method: str
    status: int | None
    """HTTP status, None when the hop was refused or failed before an answer."""
    location: str | None = None
    addresses: tuple[str, ...] = ()
    """The addresses the host resolved to (all of them were checked)."""


@dataclass(frozen=True, slots=True)
class WebResolution:
    """Where a URL led, hop by hop, and what the last page held."""

    url: str
    status: RepoStatus
    """OK when a page answered 200 or the chain reached a code host; BLOCKED when the guard
    refused a hop; UNKNOWN on 403/429/5xx/timeouts; NOT_FOUND on 404/410/451."""
    final_url: str | None = None
    reason: str = ""
    hops: tuple[WebHop, ...] = ()
    html: str = ""
    """The body of the final page when it was HTML and asked for."""


@dataclass(frozen=True, slots=True)
class DiscoveredLink:
    """A code, weights or project link found beyond the abstract, with where it came from."""

    link: Link
    official: Officiality
    found_in: str
    """Where exactly: a URL (project page, PDF, API) or `arxiv comment`."""
    alias_of: str | None = None
    """The shortlink or owner page this link was resolved from."""


@dataclass(frozen=True, slots=True)
class EnrichSummary:
    """What one enrich pass found, for the CLI and `tracker run`."""

    papers_considered: int = 0
    papers_enriched: int = 0
    links_found: int = 0
    arxiv_ids_found: int = 0
    hf_repos_checked: int = 0
    web_resolved: int = 0
    refused: int = 0
    """Hops the address guard refused."""
    unknown: int = 0
    """Look-ups that ended unknown (rate limits, 5xx, timeouts)."""
    over_budget: int = 0
    """Papers left for a later run because the budget ran out."""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkView:
    """A stored link as reports see it, with the latest facts of its repository if any."""

    url: str
    kind: str
    role: str
    provenance: str
    found_in: str = ""
    repo_status: str | None = None
    """Latest check status of the linked repository (`unchecked` before any check)."""
    stars: int | None = None
    license_spdx: str | None = None
    repo_key: str | None = None
    """The repository's key (its current name after a rename), when it was checked."""
    archived_url: str | None = None
    """The archived copy of the link's target (Software Heritage, Wayback Machine), if known."""
    archived_at: dt.datetime | None = None
    """When that copy was taken."""


@dataclass(frozen=True, slots=True)
class ClaimView:
    """What a paper says about one artifact, as its report card shows it."""

    artifact: str
    """`code`, `weights` or `data`."""
    status: str
    condition: str = ""
    """The condition of a promise ("upon acceptance"), when it states one."""
    evidence: str = ""
    """The sentence the status was read from."""


@dataclass(frozen=True, slots=True)
class PaperView:
    """A stored paper as reports see it."""

    key: str
    title: str
    arxiv_id: str | None
    published: dt.date | None
    code_status: str
    weights_status: str
    data_status: str
    code_evidence: str = ""
    links: tuple[LinkView, ...] = ()
    verdict: str = ""
    """One readable line: "code available", "promised — overdue by 143 days"..."""
    verdict_kind: str = ""
    """The verdict's category (`tracker.flags.verdict.VerdictKind`), empty before flagging."""
    flags: tuple[str, ...] = ()
    """Codes of the probes that answered true and nobody acknowledged."""
    acknowledged: tuple[str, ...] = ()
    """Codes that answered true but a person marked as false positives."""
    stars: int | None = None
    """Stars of the paper's most starred linked repository."""
    star_history: tuple[int, ...] = ()
    """Star counts of that repository over time, oldest first (filled only when asked for)."""
    checklist: Mapping[str, str] | None = None
    """The completeness checklist of its main code repository, item key -> `yes`, `no` or
    `unknown` (`tracker.flags.checklist`); None when no such repository was judged."""
    checklist_score: int | None = None
    """How many of those items are `yes`; None when no such repository was judged."""
    open_requests: tuple[OpenRequest, ...] = ()
    """Open issues of its code repositories that ask for code, weights or data."""
    venue: str = ""
    """Where the paper appeared (an OpenReview venue, a journal reference), when a source says."""
    claims: tuple[ClaimView, ...] = ()
    """What it says about code, weights and data, with the sentences (filled only when asked
    for: the HTML page's cards)."""

    @property
    def handle(self) -> str:
        """The short name tables show and commands accept (`tracker.handles`)."""
        return paper_handle(self.key)


@dataclass(frozen=True, slots=True)
class ArxivEntry:
    """One arXiv API entry: what discovery needs beyond the abstract."""

    arxiv_id: str
    """Bare ID, no version."""
    title: str
    authors: tuple[str, ...] = ()
    comment: str = ""
    pdf_url: str | None = None
    published: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PaperTarget:
    """A stored paper as discovery reads it: identity, title and the links known so far."""

    paper_id: int
    title: str
    arxiv_id: str | None
    links: tuple[Link, ...] = ()
    dated: bool = True
    """Whether the paper has a date from its source or arXiv; discovery asks arXiv otherwise."""
    authors: tuple[Author, ...] = ()
    """The authors its sources gave (`paper_author`), with their profiles: the owner of a
    repository a machine found is matched against them as well as against arXiv's list."""


@quick_init
@dataclass(frozen=True, slots=True)
class HubState:
    """The stored answer of the Hub about one linked model."""

    status: str
    """A `RepoStatus` value, or `unchecked`."""
    status_reason: str = ""
    weight_files: int = 0
    gated: str | None = None
    private: bool | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class RepoState:
    """The stored latest facts of one repository, as probes read them."""

    key: str
    """Lower-cased `owner/name` (host-prefixed off GitHub)."""
    full_name: str = ""
    """The name the host reports now; differs from the linked name after a rename."""
    status: str = "unchecked"
    """A `RepoStatus` value, or `unchecked` before any check."""
    status_reason: str = ""
    http_status: int | None = None
    dead_confirmations: int = 0
    stars: int | None = None
    archived: bool = False
    pushed_at: dt.datetime | None = None
    license_spdx: str | None = None
    license_claims: tuple[str, ...] = ()
    """SPDX ids the README or package metadata claim."""
    placeholder: bool | None = None
    placeholder_reasons: tuple[str, ...] = ()
    has_weights: bool | None = None
    weights_evidence: tuple[str, ...] = ()
    source_files: int | None = None
    first_ok_at: dt.datetime | None = None
    last_checked_at: dt.datetime | None = None
    ever_up: bool = False
    """A check once found it (GitHub's creation date or a full check is stored): a 404 now
    means it was taken down, not that it is yet to be created."""
    kind: str | None = None
    """Judged from its evidence: `code`, `model_card`, `reading_list`, `docs`, `empty`; None
    before any judgement."""
    license_terms: str = ""
    """The phrase that restricts use of its license (non-commercial, research only...)."""
    license_file: str | None = None
    """The SPDX id its license file's text shows (judged; for `NOASSERTION` files)."""
    hub_models: tuple[tuple[str, HubState], ...] = ()
    """The Hub's answers for the models, collections and organizations its weights evidence
    names, by key (`model/owner/name`, `collection/owner/slug`, `org/owner`)."""
    checklist: str = ""
    """The completeness checklist judged from its evidence, as stored (JSON,
    `tracker.flags.checklist_items.from_json` reads it); empty before any judgement."""
    checklist_score: int | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class LinkFacts:
    """One stored link of a paper with whatever is known about its target."""

    url: str
    kind: str
    role: str
    provenance: str
    official: str = "official"
    sentence: str = ""
    found_in: str = ""
    linked_repo: str | None = None
    """Lower-cased `owner/name` as the paper wrote it."""
    resolve_status: str | None = None
    """For shortlinks and project pages: `ok` when discovery read where it led, a `RepoStatus`
    value when it could not (`unknown`, `blocked`, `not_found`), None before any attempt."""
    resolve_reason: str = ""
    hub: HubState | None = None
    """For Hugging Face model links: what the Hub answered, when it was asked."""
    repo: RepoState | None = None
    """The repository's latest facts (through its old name after a rename), if any."""


@quick_init
@dataclass(frozen=True, slots=True)
class PaperFacts:
    """Everything the probes may look at for one paper; built by a store query."""

    key: str
    title: str
    published: dt.date | None
    venue_date: dt.date | None = None
    first_seen: dt.date | None = None
    """When the tracker first saw the paper: the grace period's start when no paper date is known."""
    arxiv_id: str | None = None
    """The bare arXiv ID: its first digits give the month when no day is known."""
    date_basis: str = ""
    """Where `published` came from: empty for the source itself, `arxiv_api` for arXiv's answer."""
    code: StatusClaim = field(default_factory=StatusClaim)
    weights: StatusClaim = field(default_factory=StatusClaim)
    data: StatusClaim = field(default_factory=StatusClaim)
    links: tuple[LinkFacts, ...] = ()
    acknowledged: frozenset[str] = frozenset()
    """Probe codes a person marked as false positives for this paper."""
    derived: dict[object, object] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    """Readings of these facts that several probes share (`tracker.flags.facts.derived`),
    worked out once per paper: a memo, never part of what the facts say."""


@dataclass(frozen=True, slots=True)
class FlagSummary:
    """What one flag run concluded, for `tracker run` and `tracker flag`."""

    papers: int = 0
    flagged: dict[str, int] = field(default_factory=dict)
    """Papers per flag raised and not acknowledged (a probe that answered true; `code_delivered`
    is no flag), counted as a report's summary counts them."""
    verdicts: dict[str, int] = field(default_factory=dict)
    """Papers per verdict kind."""
    judged: int = field(default=0, compare=False)
    """How many papers this run judged again (the others' facts had not changed): the work
    done, not what was concluded, so two runs that leave the same verdicts compare equal."""


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """Which papers a report or export covers, and in which order."""

    flags: tuple[str, ...] = ()
    """Keep papers with an unacknowledged true finding of any of these probes."""
    statuses: tuple[str, ...] = ()
    """Keep papers whose code status or verdict kind is one of these."""
    since: dt.date | None = None
    """Keep papers published on or after this day."""
    min_stars: int | None = None
    min_score: int | None = None
    """Keep papers whose main code repository's checklist score is at least this."""
    query: str = ""
    """Case-insensitive substring of the title, key or a link URL."""
    sort: str = "id"
    """One of `SORTS`."""
    descending: bool = False
    limit: int | None = None


SORTS = ("id", "published", "stars", "title", "verdict", "score")
"""The orders a report can take (`ReportFilter.sort`); `score` is the checklist score. Defined
here, apart from the queries that apply them, so `--sort`'s help needs no database module."""


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """The headline numbers above every report."""

    papers: int
    with_code: int
    """Papers whose code was found delivered."""
    kept: int
    """Papers that claimed code and delivered it."""
    broken: int
    """Papers whose promised code is overdue (acknowledged ones excluded)."""
    pending: int
    """Promises still inside their grace period."""
    unknown: int
    median_days_to_release: float | None
    verdicts: dict[str, int] = field(default_factory=dict)
    licenses: dict[str, int] = field(default_factory=dict)
    """Linked repositories per license (`none` when they carry none)."""
    flagged: dict[str, int] = field(default_factory=dict)
    """Papers per unacknowledged true probe."""
    claimed: int = 0
    """Papers whose own text says their code is released (`code_status` `released`), checked
    or not: beside `with_code` and `unknown`, what was claimed, found and left unanswered."""

    @property
    def share_with_code(self) -> float:
        return self.with_code / self.papers if self.papers else 0.0


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One stored change of a repository's tracked facts."""

    observed_at: dt.datetime
    status: str
    stars: int | None = None
    license_spdx: str | None = None
    archived: bool = False
    full_name: str = ""
    placeholder: bool | None = None
    has_weights: bool | None = None


@dataclass(frozen=True, slots=True)
class DiffEvent:
    """One change `tracker diff` reports: what happened to which paper's link, and when."""

    kind: str
    """`code_delivered`, `died`, `moved`, `archived`, `license_added`, `license_changed`,
    `license_removed`, `weights_released`, `weights_removed`, `placeholder_filled` or
    `stars_jump`."""
    paper_key: str
    title: str
    subject: str
    """The repository (`owner/name`) the change is about."""
    at: dt.datetime
    before: str = ""
    after: str = ""

    @property
    def handle(self) -> str:
        """The paper's handle (`tracker.handles`)."""
        return paper_handle(self.paper_key)


@dataclass(frozen=True, slots=True)
class KeptPromise:
    """A paper that claimed code and delivered it (`tracker.store.kept` holds the rule)."""

    paper_key: str
    title: str
    repository: str
    """The repository its `code_delivered` finding names (`owner/name`), else the link."""
    kept_at: dt.datetime | None
    """When the tracker first saw code there, having checked it before without code; None
    when the repository held code the first time it was checked (kept by then, not known
    when)."""


@dataclass(frozen=True, slots=True)
class OpenFlag:
    """One unacknowledged flag of one paper, as the tracking issue lists it."""

    paper_key: str
    title: str
    arxiv_id: str | None
    code: str
    """Probe name, e.g. `code_promised_missing`."""
    severity: str
    message: str
    subject: str = ""
    """The repository or URL the flag is about, empty when about the paper."""
    since: dt.date | None = None
    """When the flag was first raised."""


class ArchiveStatus(StrEnum):
    """Whether an archive keeps a copy of a link's target (`link.archive_status`)."""

    ARCHIVED = "archived"
    NOT_ARCHIVED = "not_archived"
    UNKNOWN = "unknown"
    """The archive did not answer (timeout, 5xx, rate limit, an answer of the wrong shape)."""


@dataclass(frozen=True, slots=True)
class ArchiveTarget:
    """One thing to look up: a code origin (Software Heritage) or a page (Wayback Machine)."""

    url: str
    """The origin's URL (`https://github.com/Owner/Name`) or the page's."""
    services: tuple[str, ...]
    """Asked in order until one keeps a copy (a dead repository: Software Heritage, then the
    Wayback Machine's copy of its page)."""
    timestamp: str | None = None
    """`YYYYMMDD`: the Wayback snapshot wanted is the one closest to this day (for a dead
    link, when it was last seen alive), else the newest."""


@dataclass(frozen=True, slots=True)
class Archived:
    """What the archives answered for one target."""

    target: ArchiveTarget
    status: ArchiveStatus
    archived_url: str | None = None
    """The copy a reader can open (a snapshot, the archive's page of the origin)."""
    archived_at: dt.datetime | None = None
    """When the copy was taken (the snapshot's time, the last visit's date)."""
    service: str = ""
    reason: str = ""
    """Why the answer is unknown, in one line."""


@dataclass(frozen=True, slots=True)
class SaveAnswer:
    """Software Heritage's answer to one "save code now" request."""

    origin_url: str
    status: str
    """`accepted`, `pending`, `succeeded`, `failed`, `rejected`, or `unknown` (no answer)."""
    request_id: str | None = None
    reason: str = ""
    stop: bool = False
    """The service can take no more requests now (unreachable, throttling)."""


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """An open issue of a repository that asks for its code, weights or data."""

    number: int
    title: str
    created_at: dt.datetime | None
    url: str
