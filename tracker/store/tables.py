"""The tables, declared as SQLModel models: the one definition of the schema.

Queries and writes do not use them as models: the store imports `tracker.store.schema`, these
tables rendered as plain SQLAlchemy by `python -m tracker.store.schema_gen` (run it after a change
here; `tests/store/test_schema.py` fails until you do). Only Alembic (`db/env.py`, when a
database is migrated) and the tests load this module.

Unique keys make every write an idempotent upsert: a paper is its `key`, a link is
(paper, url), a repository is its lower-cased `owner/name`, a finding is (paper, code, subject).
History is append-on-change: `RepoHistory` gets a row only when a tracked fact differs from the
previous row, so "when did code appear" has an answer.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from tracker.store.defaults import FLAG_NOW, OPEN_PROMISE, utcnow


class Paper(SQLModel, table=True):
    """What the sources said of a paper, improved by later reads: its identity, text, dates
    and claims. What the flag run derives from it lives in `PaperState`."""

    __tablename__ = "paper"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=512, unique=True, index=True)
    arxiv_id: str | None = Field(default=None, max_length=64, index=True)
    doi: str | None = Field(default=None, max_length=255, index=True)
    title_norm: str = Field(max_length=512, index=True)
    """Normalized title: the identity of last resort, and how a title-only paper finds its ID."""
    title: str = Field(sa_column=Column(Text, nullable=False))
    abstract: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    published: dt.date | None = None
    """Copied onto `paper_state` (see there), whose indexes serve `--since`."""
    venue_date: dt.date | None = None
    """When the venue accepted the paper (an OpenReview decision), when a source says."""
    venue: str = Field(default="", sa_column=Column(String(255), nullable=False, server_default=""))
    """Where the paper appeared (OpenReview venue, arXiv journal reference, OpenAlex source)."""
    date_basis: str = Field(
        default="", sa_column=Column(String(16), nullable=False, server_default="")
    )
    """Where `published` came from: empty for the paper's source, `arxiv_api` when discovery
    took it from arXiv because the source gave none (`tracker.flags.dates`)."""
    source_kind: str = Field(max_length=32)
    source_ref: str = Field(default="", max_length=1024)
    code_status: str = Field(default="none", max_length=24, index=True)
    code_evidence: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )
    code_condition: str = Field(default="", max_length=255)
    weights_status: str = Field(default="none", max_length=24)
    weights_evidence: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )
    weights_condition: str = Field(default="", max_length=255)
    data_status: str = Field(default="none", max_length=24)
    data_evidence: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )
    data_condition: str = Field(default="", max_length=255)
    first_seen_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class PaperState(SQLModel, table=True):
    """What the flag run derived for one paper (its verdict, the rolled-up links, the summary
    codes, when to judge it again), one row per paper, kept apart from what was read.

    The database keeps the row in step with its paper (triggers, `db/versions/0011`): a new
    paper gets a row of these defaults (not flagged yet, due now) whichever path inserts it,
    and a change of what the probes read makes it due again. The copies of `published`,
    `code_status` and `weights_status` are rewritten with the paper, so the summary and the
    filters on them read this one narrow table by its covering indexes; a change of the code
    status also empties `tally_code`, whose text names the old status. Everything else is
    written only by the flag run, through `tracker.store.paper_state.write_state`."""

    __tablename__ = "paper_state"
    __table_args__ = (
        # covers the summary of a `--since` selection, however broad, without row look-ups
        Index(
            "ix_paper_state_published_summary",
            "published",
            "verdict_kind",
            "code_status",
            "flags",
            "release_days",
        ),
        # any selection but `--query` text is one scan of this, already in GROUP BY order, for
        # the summary
        Index(
            "ix_paper_state_selection",
            "verdict_kind",
            "code_status",
            "flags",
            "release_days",
            "published",
            "stars",
        ),
        # the license mix of any such selection: its distinct repositories in index order
        Index(
            "ix_paper_state_license_mix",
            "checked_license",
            "checked_repo",
            "published",
            "verdict_kind",
            "code_status",
            "flags",
            "stars",
        ),
        # the few papers whose other checked repositories the license mix reads from the links
        Index(
            "ix_paper_state_more_checked",
            "checked_repos",
            sqlite_where=text("checked_repos > 1"),
            postgresql_where=text("checked_repos > 1"),
        ),
        # the papers a flag run judges: changed ones (`FLAG_NOW`) and those whose deadline came
        Index("ix_paper_state_flag_due", "flag_due", "paper_id"),
        # open promises, whose repositories a check plan puts first (`open_promise_repos`)
        Index(
            "ix_paper_state_open_promise",
            "paper_id",
            sqlite_where=text(OPEN_PROMISE),
            postgresql_where=text(OPEN_PROMISE),
        ),
    )

    paper_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("paper.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
    )
    published: dt.date | None = None
    """`paper.published`, copied (served by `ix_paper_state_published_summary`)."""
    code_status: str = Field(
        default="none", sa_column=Column(String(24), nullable=False, server_default="none")
    )
    """`paper.code_status`, copied."""
    weights_status: str = Field(
        default="none", sa_column=Column(String(24), nullable=False, server_default="none")
    )
    """`paper.weights_status`, copied (for `ix_paper_state_open_promise`)."""

    verdict: str = Field(
        default="", sa_column=Column(String(128), nullable=False, server_default="")
    )
    """One readable line from the last flag run: "code available", "promised — overdue by 9 days"."""
    verdict_kind: str = Field(
        default="", sa_column=Column(String(24), nullable=False, server_default="")
    )
    """The verdict's category (`available`, `overdue`, `pending`, ...) for filters and counts
    (served by `ix_paper_state_selection`, which starts with it)."""
    flagged_at: dt.datetime | None = None
    """When the verdict or flags last changed."""
    flags: str = Field(
        default="", sa_column=Column(String(1024), nullable=False, server_default="")
    )
    """Space-separated codes of true, unacknowledged probes from the last flag run (kept here so
    reports and exports need no per-paper finding look-ups)."""
    acknowledged: str = Field(
        default="", sa_column=Column(String(1024), nullable=False, server_default="")
    )
    """Space-separated codes of true probes a person acknowledged as false positives."""
    link_urls: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    """Rolled up by the flag run, like `flags`, so a CSV export reads one table: the links'
    URLs in stored order, joined with a space."""
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    """PostgreSQL: the paper's title, key and `link_urls`, each lower-cased, joined by a newline
    (`tracker.store.search.SEARCH_SEPARATORS`), kept by triggers (`db/versions/0012`) whoever writes
    them. A `--query` text matching many papers is tested against this one column of this one
    table, with no `lower()` per row and no join to the paper. Empty on SQLite, whose search
    tables answer `--query`."""
    repo_status: str | None = Field(default=None, max_length=16)
    """Rolled up: the first GitHub repository link's status (`unchecked` before any check)."""
    repo_license: str | None = Field(default=None, max_length=64)
    """Rolled up: the first GitHub repository link's license."""
    stars: int | None = Field(default=None, index=True)
    """Rolled up: stars of the most starred linked repository (`--sort stars`, `--min-stars`)."""
    checklist_score: int | None = Field(default=None, index=True)
    """Rolled up: the completeness checklist score of the paper's main code repository
    (`tracker.flags.checklist_items.main_repository`), None when none was judged (`--min-score`,
    `--sort score`)."""
    release_days: int | None = None
    """Days from the paper date to its code: the `code_delivered` finding's measure, stored
    with the verdict so the summary of a selection needs no finding look-ups."""
    checked_repo: str | None = Field(default=None, max_length=255)
    """Rolled up for the summary's license mix: the smallest key among the checked (`ok` or
    `moved`) repositories the paper links, found through an old name as the join finds them."""
    checked_license: str | None = Field(default=None, max_length=64)
    """Rolled up: that repository's license (`none` when it has none)."""
    checked_repos: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    """Rolled up: how many checked repositories the paper links (the license mix reads the
    links only of papers with more than one)."""
    tally_code: int | None = None
    """`summary_code` of (`verdict_kind`, `code_status`, `flags`), written by the flag run and
    emptied when the paper's code status changes (a trigger): the summary of a broad text query
    counts these small integers instead of grouping text."""
    checked_repo_id: int | None = None
    """Rolled up: the id of the `checked_repo` repository."""
    license_code: int | None = None
    """Rolled up: `summary_code` of `checked_license`."""
    flag_due: dt.date = Field(
        default=FLAG_NOW,
        sa_column=Column(Date, nullable=False, server_default=FLAG_NOW.isoformat()),
    )
    """The day the paper's judgement must be made again: `FLAG_NOW` for a new paper and for
    one whose links, claims, acknowledgements or linked repositories changed (set by triggers,
    `db/versions/0010` and `0011`), else the first day its findings or verdict may read
    differently for the same facts (a deadline passing), `FLAG_NEVER` when no day will
    (`tracker.flags.run`)."""


class FlagQueue(SQLModel, table=True):
    """Repositories and Hub models whose stored facts changed since the last flag run, filled
    by triggers: the flag run marks the papers that link them (through `link.repo_key` and
    repository aliases) for judging, then empties it. One row per changed thing, however many
    papers share it, keeps a check's writes small."""

    __tablename__ = "flag_queue"

    kind: str = Field(max_length=8, primary_key=True)
    """`repo` (a repository key or alias) or `hub` (an `hf_repo` key)."""
    key: str = Field(max_length=300, primary_key=True)


class FlagState(SQLModel, table=True):
    """What the stored judgements were made under: the rules and settings of the last full or
    incremental flag run, and the latest day any paper was judged on."""

    __tablename__ = "flag_state"

    name: str = Field(max_length=16, primary_key=True)
    value: str = Field(max_length=255)


class SummaryCode(SQLModel, table=True):
    """Small integers standing for the texts a summary counts (`tracker.store.codes`): each
    database numbers its own, so a merge copies none and the flag run after it writes them."""

    __tablename__ = "summary_code"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_summary_code_kind_value"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    """`tally` for a (verdict kind, flags) pair, `license` for a license of the license mix."""
    value: str = Field(max_length=1100)


class Link(SQLModel, table=True):
    __tablename__ = "link"
    # also the index of `paper_id` alone, which it starts with
    __table_args__ = (UniqueConstraint("paper_id", "url", name="uq_link_paper_url"),)

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id")
    url: str = Field(max_length=2048)
    raw: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(max_length=24, index=True)
    role: str = Field(max_length=16)
    provenance: str = Field(max_length=24)
    found_in: str = Field(default="", max_length=1024)
    """Input file and line (or API URL) the link was read from."""
    position: int | None = None
    sentence: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    repo_key: str | None = Field(default=None, max_length=255, index=True)
    """Lower-cased `owner/name` joining `repository.key` for code-host repositories."""
    subpath: str = Field(default="", max_length=1024)
    confidence: float = 1.0
    official: str = Field(default="official", max_length=16)
    """official | likely_official | community."""
    resolved_url: str | None = Field(default=None, max_length=2048)
    """Where a shortlink or project page led, when resolved."""
    resolve_status: str | None = Field(default=None, max_length=16)
    """Whether discovery could read this shortlink or page: `ok`, or why not (`unknown` for
    403/429/5xx/timeouts, `blocked`, `not_found`); None before any attempt."""
    resolve_reason: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )
    archived_url: str | None = Field(default=None, max_length=2048)
    """The closest archived copy (Wayback Machine snapshot, Software Heritage origin), if any."""
    archived_at: dt.datetime | None = None
    """When that copy was taken (the snapshot's time, the archive's last visit)."""
    archive_status: str | None = Field(default=None, max_length=16)
    """`archived`, `not_archived`, or `unknown` when the archive could not answer; None
    before any look-up."""
    archive_checked_at: dt.datetime | None = None
    first_seen_at: dt.datetime = Field(default_factory=utcnow)


class Repository(SQLModel, table=True):
    """Latest known facts about one repository (history lives in `RepoHistory`)."""

    __tablename__ = "repository"
    __table_args__ = (Index("ix_repository_stars", "stars"),)  # `report --min-stars`

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True, index=True)
    host: str = Field(default="github", max_length=32)
    full_name: str = Field(max_length=255)
    """Canonical `owner/name` as last reported (case kept)."""
    status: str = Field(default="unchecked", max_length=16, index=True)
    status_reason: str = Field(default="", max_length=1024)
    http_status: int | None = None
    dead_confirmations: int = 0
    """Consecutive definite 404/410/451 answers; dead only at two or more."""
    stars: int | None = None
    forks: int | None = None
    watchers: int | None = None
    open_issues: int | None = None
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    homepage: str = Field(default="", max_length=1024)
    topics: str = Field(default="", max_length=2048)
    """Comma-separated topics."""
    language: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime | None = None
    pushed_at: dt.datetime | None = None
    last_commit_at: dt.datetime | None = None
    default_branch: str | None = Field(default=None, max_length=255)
    archived: bool = False
    disabled: bool = False
    is_fork: bool = False
    parent: str | None = Field(default=None, max_length=255)
    license_spdx: str | None = Field(default=None, max_length=64)
    releases_count: int | None = None
    latest_release_tag: str | None = Field(default=None, max_length=255)
    latest_release_at: dt.datetime | None = None
    assets_json: str = Field(
        default="[]", sa_column=Column(Text, nullable=False, server_default="[]")
    )
    readme_size: int | None = None
    readme_sha: str | None = Field(default=None, max_length=64)
    source_files: int | None = None
    lfs_patterns: str = Field(default="", max_length=2048)
    placeholder: bool | None = None
    placeholder_reasons: str = Field(default="", max_length=2048)
    has_weights: bool | None = None
    weights_evidence: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )
    license_claims: str = Field(default="", max_length=512)
    """Comma-separated SPDX ids the README or package metadata claim (`tracker.extract.licenses`)."""
    repo_kind: str | None = Field(default=None, max_length=16)
    """Judged from the evidence: `code`, `model_card`, `reading_list`, `docs` or `empty`."""
    license_terms: str = Field(
        default="", sa_column=Column(String(255), nullable=False, server_default="")
    )
    license_file: str | None = Field(default=None, max_length=64)
    """The SPDX id the license file's own text shows, judged from the evidence (for files
    GitHub cannot identify, `NOASSERTION`)."""
    """The phrase that restricts the license (non-commercial, research only...), when any."""
    checklist: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    """The completeness checklist judged from the evidence (JSON: per item its answer `yes`,
    `no` or `unknown`, the evidence and a confidence); empty before any judgement."""
    checklist_score: int | None = None
    """How many of the five checklist items are `yes`."""
    open_requests: str = Field(
        default="[]", sa_column=Column(Text, nullable=False, server_default="[]")
    )
    """Open issues asking for code, weights or data (JSON list of number, title, created_at,
    url), as last read."""
    requests_checked_at: dt.datetime | None = None
    etag: str | None = Field(default=None, max_length=255)
    last_modified: str | None = Field(default=None, max_length=64)
    probe_digest: str | None = Field(default=None, max_length=64)
    """Digest of the free GraphQL fields (dates, HEAD, stars...) at the last full check: a
    matching cheap probe means the stored facts still hold."""
    full_checked_at: dt.datetime | None = None
    """When every fact was last fetched (a probe that finds no change does not move it)."""
    first_seen_at: dt.datetime = Field(default_factory=utcnow)
    first_ok_at: dt.datetime | None = None
    """When a check first found the repository with source code in it."""
    last_checked_at: dt.datetime | None = Field(default=None, index=True)
    last_changed_at: dt.datetime | None = None


class RepoEvidence(SQLModel, table=True):
    """What the last full check of a repository read, kept raw so `tracker flag` can judge it
    again offline (`tracker.flags.judge`): a better heuristic never needs a re-fetch."""

    __tablename__ = "repo_evidence"

    id: int | None = Field(default=None, primary_key=True)
    repository_id: int = Field(foreign_key="repository.id", unique=True, index=True)
    fetched_at: dt.datetime = Field(default_factory=utcnow)
    empty: bool = False
    """The repository had no commit."""
    readme_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    tree: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    """Paths of the tree as read, one per line, folders ending in `/`."""
    lfs_patterns: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    files: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    """JSON `{path: text}` of the package metadata, license and download files read."""
    digest: str = Field(default="", max_length=64)
    """sha256 of the evidence, so an unchanged check leaves it judged."""
    judged: str = Field(default="", max_length=80)
    """`digest:rules version` of the last judgement; differs when either changed."""


class RepoAlias(SQLModel, table=True):
    """Old names of renamed or transferred repositories, pointing at the canonical row."""

    __tablename__ = "repo_alias"

    id: int | None = Field(default=None, primary_key=True)
    alias: str = Field(max_length=255, unique=True, index=True)
    repository_id: int = Field(foreign_key="repository.id", index=True)
    seen_at: dt.datetime = Field(default_factory=utcnow)


class RepoHistory(SQLModel, table=True):
    """One row per observed change of a repository's tracked facts."""

    __tablename__ = "repo_history"
    __table_args__ = (Index("ix_repo_history_repo_time", "repository_id", "observed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    repository_id: int = Field(foreign_key="repository.id")
    observed_at: dt.datetime = Field(default_factory=utcnow)
    status: str = Field(max_length=16)
    stars: int | None = None
    license_spdx: str | None = Field(default=None, max_length=64)
    pushed_at: dt.datetime | None = None
    archived: bool = False
    full_name: str = Field(default="", max_length=255)
    placeholder: bool | None = None
    has_weights: bool | None = None
    source_files: int | None = None


class CheckAttempt(SQLModel, table=True):
    """Every check of every target, successful or not, with its reason."""

    __tablename__ = "check_attempt"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="ingest_run.id", index=True)
    checker: str = Field(max_length=32)
    target: str = Field(max_length=2048, index=True)
    status: str = Field(max_length=16)
    reason: str = Field(default="", max_length=2048)
    http_status: int | None = None
    checked_at: dt.datetime = Field(default_factory=utcnow)
    duration_ms: int | None = None


class Finding(SQLModel, table=True):
    """The latest answer of one probe for one paper (recomputed on every flag run)."""

    __tablename__ = "finding"
    __table_args__ = (
        UniqueConstraint("paper_id", "code", "subject", name="uq_finding_paper_code_subject"),
        Index("ix_finding_code_outcome_measure", "code", "outcome", "measure"),
        Index("ix_finding_code_outcome_paper", "code", "outcome", "paper_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", index=True)
    code: str = Field(max_length=64, index=True)
    subject: str = Field(default="", max_length=2048)
    """What the finding is about (a repository or URL), empty when about the paper."""
    outcome: str = Field(max_length=16)
    severity: str = Field(max_length=16)
    message: str = Field(sa_column=Column(Text, nullable=False))
    evidence: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    measure: int | None = None
    """The number the probe measured: days overdue, days to release, months without a push."""
    dated: dt.date | None = None
    """The day the finding is about, e.g. when promised code was first seen."""
    first_seen_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Acknowledgement(SQLModel, table=True):
    """A person reviewed a finding and marked it a false positive."""

    __tablename__ = "acknowledgement"
    __table_args__ = (UniqueConstraint("paper_id", "code", name="uq_ack_paper_code"),)

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", index=True)
    code: str = Field(max_length=64)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: dt.datetime = Field(default_factory=utcnow)


class IngestRun(SQLModel, table=True):
    """One invocation of ingest/run/check, for "what changed since" and auditing."""

    __tablename__ = "ingest_run"

    id: int | None = Field(default=None, primary_key=True)
    command: str = Field(max_length=32)
    sources: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    started_at: dt.datetime = Field(default_factory=utcnow)
    finished_at: dt.datetime | None = None
    status: str = Field(default="running", max_length=16)
    papers_seen: int = 0
    papers_new: int = 0
    links_new: int = 0
    checked: int = 0
    unchecked: int = 0
    note: str = Field(default="", max_length=2048)


class HfRepo(SQLModel, table=True):
    """Latest known facts about one Hugging Face model, dataset or space."""

    __tablename__ = "hf_repo"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True, index=True)
    """`type/owner/name` lower-cased, e.g. `model/microsoft/orca-2-13b`."""
    repo_type: str = Field(max_length=16)
    repo_id: str = Field(max_length=255)
    status: str = Field(default="unchecked", max_length=16, index=True)
    status_reason: str = Field(default="", max_length=1024)
    http_status: int | None = None
    private: bool | None = None
    gated: str | None = Field(default=None, max_length=16)
    disabled: bool | None = None
    downloads: int | None = None
    likes: int | None = None
    last_modified: dt.datetime | None = None
    sha: str | None = Field(default=None, max_length=64)
    weight_files: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    """Newline-separated weight file names."""
    file_count: int | None = None
    license: str | None = Field(default=None, max_length=64)
    arxiv_ids: str = Field(default="", max_length=1024)
    """Comma-separated arXiv IDs the card cites."""
    first_seen_at: dt.datetime = Field(default_factory=utcnow)
    last_checked_at: dt.datetime | None = None


class PaperEnrichment(SQLModel, table=True):
    """When discovery last ran for a paper and whether it finished (or left unknowns)."""

    __tablename__ = "paper_enrichment"

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", unique=True, index=True)
    status: str = Field(default="complete", max_length=16)
    """`complete`, or `partial` when a look-up ended unknown (retried on the next run)."""
    arxiv_id_found: str | None = Field(default=None, max_length=64)
    """An arXiv ID found by exact title match (the paper had none)."""
    links_found: int = 0
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    enriched_at: dt.datetime = Field(default_factory=utcnow)


class PaperAuthor(SQLModel, table=True):
    """One author of a paper, in the source's order: the name and the identifiers given.

    Kept apart from `paper` because a paper has many and because "every paper of our lab" and
    "the repository owner is an author" are questions about authors, not about papers."""

    __tablename__ = "paper_author"
    # also the index of `paper_id` alone, which it starts with
    __table_args__ = (UniqueConstraint("paper_id", "position", name="uq_paper_author_position"),)

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id")
    position: int
    """0 for the first author."""
    name: str = Field(max_length=255)
    orcid: str | None = Field(default=None, max_length=32, index=True)
    openalex_id: str | None = Field(default=None, max_length=32, index=True)
    profile: str | None = Field(default=None, max_length=255)
    """The source's account name (an OpenReview profile id, a Hugging Face user)."""


class Feed(SQLModel, table=True):
    """A live source followed by name (`hf:daily`, `arxiv:cs.LG`...): its cursor and whether it
    is on the watch list.

    The cursor says what is stored already, so a rerun asks only for what is new and an
    interrupted run resumes: days `started`..`through` are complete; of the day (or, for an
    undated listing, the whole query) being read, `offset` items are stored and `token` is the
    next page's token; `etag` is the validator of the last unsettled day's first page."""

    __tablename__ = "feed"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=512, unique=True, index=True)
    """The canonical feed name, without a date range."""
    watched: bool = False
    started: dt.date | None = None
    through: dt.date | None = None
    day: dt.date | None = None
    offset: int = 0
    token: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    etag: str = Field(default="", max_length=255)
    added_at: dt.datetime = Field(default_factory=utcnow)
    read_at: dt.datetime | None = None
    """When a run last stored a page of it."""


class PaperFeed(SQLModel, table=True):
    """Which feed brought which paper, and what the feed said of it that is not the paper's
    (Hugging Face upvotes), as of the last time it listed it."""

    __tablename__ = "paper_feed"
    __table_args__ = (UniqueConstraint("feed_id", "paper_id", name="uq_paper_feed"),)

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int = Field(foreign_key="feed.id")
    paper_id: int = Field(foreign_key="paper.id", index=True)
    upvotes: int | None = None
    first_seen_at: dt.datetime = Field(default_factory=utcnow)


class ArchiveRequest(SQLModel, table=True):
    """One request to archive released code (a Software Heritage "save code now"), and how
    it went: asked only when the user opts in (`tracker archive`), each recorded."""

    __tablename__ = "archive_request"

    id: int | None = Field(default=None, primary_key=True)
    repository_id: int | None = Field(default=None, foreign_key="repository.id", index=True)
    origin_url: str = Field(max_length=2048)
    service: str = Field(default="software_heritage", max_length=32)
    requested_at: dt.datetime = Field(default_factory=utcnow)
    status: str = Field(max_length=16)
    """`accepted`, `pending`, `succeeded`, `failed`, `rejected` or `unknown` (no answer)."""
    reason: str = Field(default="", max_length=1024)
    request_id: str | None = Field(default=None, max_length=64)
    """The service's own id for the request, to follow it up."""
