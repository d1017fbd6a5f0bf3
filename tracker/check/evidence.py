"""The evidence every checker returns, whatever the host: the result of a target that answered,
the files read beside the README, and the counts the tree gives (the tree readers themselves
are `tracker.tree`).

Every checker ends with the whole tree when it can: a folder listed with nothing under it was
not read (a depth limit or a truncated listing), and it keeps a repository from being called
empty of source, since absence is only claimed when everything was seen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from tracker.linked_docs import MAX_LINKED_DOCS, STORED_CHARS, linked_docs
from tracker.models import CheckResult, RepoFacts, RepoStatus
from tracker.tree import languages, source_files, vendored_dirs


def found(
    target: str,
    facts: RepoFacts,
    *,
    empty: bool,
    etag: str | None = None,
    last_modified: str | None = None,
    probe_digest: str | None = None,
) -> CheckResult:
    """The result of a repository that answered, whichever host and transport asked: moved when
    the host now names it otherwise, else ok or empty (a new case of the same name is its
    canonical)."""
    canonical: str | None = facts.full_name
    status, reason, http = RepoStatus.MOVED, f"now {facts.full_name}", 301
    if facts.full_name.lower() == target.lower():
        status, reason, http = RepoStatus.EMPTY if empty else RepoStatus.OK, "", 200
        canonical = facts.full_name if facts.full_name != target else None
    return CheckResult(
        target,
        status,
        reason,
        http,
        facts,
        canonical,
        etag=etag,
        last_modified=last_modified,
        probe_digest=probe_digest,
    )


_LFS_LINE = re.compile(r"^\s*(\S+)\s+.*\bfilter=lfs\b", re.M)


def lfs_patterns(gitattributes: str | None) -> tuple[str, ...]:
    """Patterns stored in Git LFS, from `.gitattributes`."""
    return tuple(dict.fromkeys(_LFS_LINE.findall(gitattributes or "")))


README_NAMES = ("README.md", "README.rst", "README.txt", "README", "readme.md", "Readme.md")
"""In the order GitHub prefers them when a repository has several."""

EVIDENCE_FILES = (
    "setup.py",
    "setup.cfg",
    "pyproject.toml",
    "package.json",
    "Cargo.toml",
    "environment.yml",
    "LICENSE",
    "LICENSE.md",
    "LICENSE.txt",
    "Makefile",
    "download.sh",
    "download_weights.sh",
    "download_models.sh",
    "download_ckpt.sh",
    "scripts/download.sh",
    "scripts/download_weights.sh",
    "scripts/download_models.sh",
    "scripts/download_ckpt.sh",
    "scripts/download_checkpoints.sh",
    "scripts/download_pretrained.sh",
)
"""Files read beside the README for the flag run's judgement: package metadata and license
files (license claims and terms), Makefiles and download scripts (weights fetched by script).
Fixed names, so GraphQL reads them as free `object(expression:)` lookups."""
EVIDENCE_COLUMNS = ("evidence", "source_files", "lfs_patterns", "readme_size", "readme_sha")
"""What an unanswered tree, README, or evidence file leaves as stored: the evidence row and
the counts and hashes read from it (`CheckResult.unanswered`)."""
MAX_FILE_CHARS = STORED_CHARS
"""A longer file is cut: the parts the judgement reads (fields, targets, URLs) come early; a
linked document cut so is judged as read in part (`tracker.linked_docs.read_in_part`)."""


def derive(facts: RepoFacts, *, empty: bool = False) -> RepoFacts:
    """Fill the counts the tree gives (source files, languages, vendored folders). Verdicts
    (placeholder, weights, licenses) are the flag run's, from the stored evidence."""
    paths = facts.tree_paths
    return replace(
        facts,
        source_files=source_files(paths),
        languages=languages(paths),
        vendored=vendored_dirs(paths),
        empty=empty,
    )


def readme_path(paths: tuple[str, ...]) -> str | None:
    """The root README a host would show, from the tree's paths."""
    present = set(paths)
    return next((n for n in README_NAMES if n in present), None)


def files_to_read(paths: tuple[str, ...]) -> list[str]:
    """The evidence files (`EVIDENCE_FILES`) and `.gitattributes` the tree holds."""
    present = set(paths)
    return [f for f in (*EVIDENCE_FILES, ".gitattributes") if f in present]


def docs_to_read(readme: str, paths: tuple[str, ...], full_name: str = "") -> list[str]:
    """The in-repository documents the README links (`tracker.linked_docs`) that a check
    reads beside it, at most `MAX_LINKED_DOCS`, the evidence files already read left out.
    A model zoo, a results page or a training guide often lives there and not in the README;
    one that cannot be read stays unread, and the flag run then cannot claim an absence."""
    fixed = set(files_to_read(paths))
    docs = [d.path for d in linked_docs(readme, paths, full_name) if d.path not in fixed]
    return docs[:MAX_LINKED_DOCS]


def with_docs(facts: RepoFacts, texts: Mapping[str, str]) -> RepoFacts:
    """`facts` with the linked documents read (`docs_to_read`) among its evidence files."""
    if not texts:
        return facts
    merged = dict(facts.files) | {p: t[:MAX_FILE_CHARS] for p, t in texts.items()}
    return replace(facts, files=tuple(sorted(merged.items())))


def with_files(facts: RepoFacts, paths: tuple[str, ...], texts: Mapping[str, str]) -> RepoFacts:
    """`facts` with what one read of a repository's tree and files holds: the root README a
    host would show, the tree's paths, the LFS patterns of `.gitattributes`, and the evidence
    files (`files_to_read`), for the checkers that read files one by one."""
    name = readme_path(paths)
    readme = texts.get(name, "") if name else ""
    skip = {name, ".gitattributes"}
    return replace(
        facts,
        readme_size=len(readme.encode()) if name else None,
        readme_text=readme,
        tree_paths=paths,
        lfs_patterns=lfs_patterns(texts.get(".gitattributes")),
        files=tuple(sorted((k, v) for k, v in texts.items() if k not in skip)),
    )
