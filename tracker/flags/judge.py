"""Judging a repository from the evidence its last full check stored: what kind of repository it
is, whether it is a placeholder, whose weights it points at, and what its license says.

Pure functions over `RepoEvidence`, so `tracker flag` judges every stored repository again
when these rules change (`RULES_VERSION`), without a single request to GitHub.

Kinds: `empty` (no commit), `data` or `docs` (a deposit its host declares a dataset or a
document, whatever files it holds), `code` (source files, or folders below the depth read), and
for a repository without source, `model_card` (its own weights, or a Hub model card's front
matter), `reading_list` (an awesome list or a list of other people's work), `docs` (a site or
docs only). Only `code` delivers code, and only an empty repository or one of none of the other kinds
is a placeholder: "the paper's promised code is not there", not "this repository holds no .py".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tracker.extract.licenses import (
    claimed_licenses,
    license_of_text,
    package_license_claims,
    restrictive_terms,
)
from tracker.flags.checklist import judge_checklist
from tracker.flags.checklist_items import Checklist, to_json
from tracker.flags.placeholder import placeholder_verdict, readme_promise
from tracker.flags.weights import WeightsEvidence, weights_evidence
from tracker.models import RepoEvidence, RepoFacts
from tracker.tree import languages, source_files, unexplored_dirs, vendored_dirs

RULES_VERSION = "9"
"""Bump when a judgement rule changes: every stored repository is judged again."""

LICENSE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "COPYING")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.{0,4000}?)\n---\s*(?:\n|\Z)", re.S)
_CARD_KEYS = re.compile(
    r"^(?:license|pipeline_tag|library_name|base_model|tags|model-index):", re.M
)
_LIST_ITEM_LINK = re.compile(r"^\s*[-*+]\s+.{0,200}?\]\(https?://", re.M)
_AWESOME = re.compile(r"\bawesome\b", re.I)
_SITE_FILES = frozenset(
    {"index.html", "_config.yml", "mkdocs.yml", "conf.py", "docusaurus.config.js"}
)
WEB_LANGUAGES = frozenset({"JavaScript", "TypeScript"})
"""A site's scripts: with a site's files and nothing else, the repository is a web page."""
READING_LIST_ITEMS = 15
"""Linked list items of a README with no source before it is taken for a reading list."""
DECLARED_KINDS = {
    "resource_type:dataset": "data",
    **{
        f"resource_type:{t}": "docs"
        for t in ("publication", "poster", "presentation", "image", "video", "lesson")
    },
}
"""A deposit's resource type as its host declares it (Zenodo's, kept in `topics`): a dataset or
a document is not code even with scripts inside. Software, workflows, models and `other` are
judged by their files."""


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdicts one repository's evidence supports."""

    kind: str
    placeholder: bool
    placeholder_reasons: tuple[str, ...]
    weights: WeightsEvidence
    license_claims: tuple[str, ...]
    """SPDX ids the README and package metadata state (in that order, each once)."""
    license_terms: str
    """The phrase restricting use (non-commercial, research only...), empty when none."""
    license_file: str | None = None
    """The SPDX id the license file's own text shows (for files GitHub cannot identify)."""
    checklist: Checklist | None = None
    """The completeness checklist (`tracker.flags.checklist`), from the same evidence."""


def _is_model_card(readme: str) -> bool:
    m = _FRONT_MATTER.match(readme)
    return bool(m and _CARD_KEYS.search(m.group(1)))


def _is_reading_list(e: RepoEvidence, n_source: int) -> bool:
    """An awesome list (by topic, title or name, whatever helper scripts it holds), or a README
    of many linked list items and no source or promise."""
    if any("awesome" in t.lower() for t in e.topics):
        return True
    first = next((ln for ln in e.readme.splitlines() if ln.strip()), "")
    if _AWESOME.search(first) or _AWESOME.search(e.full_name):
        return True
    return (
        n_source == 0
        and len(_LIST_ITEM_LINK.findall(e.readme)) >= READING_LIST_ITEMS
        and not readme_promise(e.readme)
    )


def _is_site(paths: tuple[str, ...]) -> bool:
    names = {p.rsplit("/", 1)[-1].lower() for p in paths if not p.endswith("/")}
    return bool(names & _SITE_FILES)


def _kind(e: RepoEvidence, n_source: int, weights: WeightsEvidence, reading: bool) -> str:
    if e.empty:
        return "empty"
    declared = next((DECLARED_KINDS[t] for t in e.topics if t in DECLARED_KINDS), None)
    if declared is not None:
        return declared
    if reading:
        return "reading_list"
    if n_source > 0 or unexplored_dirs(e.paths):
        web_only = set(languages(e.paths)) <= WEB_LANGUAGES and not unexplored_dirs(e.paths)
        return "docs" if web_only and _is_site(e.paths) else "code"
    if weights.own or _is_model_card(e.readme):
        return "model_card"
    if _is_site(e.paths) and not readme_promise(e.readme):
        return "docs"
    return "code"


def _licenses(e: RepoEvidence) -> tuple[tuple[str, ...], str, str | None]:
    package = {p: t for p, t in e.files.items() if p.rsplit("/", 1)[-1] not in LICENSE_FILES}
    claims = list(claimed_licenses(e.readme))
    claims += [spdx for _, spdx in package_license_claims({**package, "README.md": e.readme})]
    terms, held = "", None
    for p, text in e.files.items():
        if p.rsplit("/", 1)[-1] in LICENSE_FILES:
            terms = restrictive_terms(text) or terms
            held = held or license_of_text(text)
    return tuple(dict.fromkeys(claims)), terms, held


def evidence_of(f: RepoFacts) -> RepoEvidence:
    """The evidence a full check's facts carry, as the store keeps it."""
    return RepoEvidence(
        full_name=f.full_name,
        readme=f.readme_text,
        paths=f.tree_paths,
        lfs_patterns=f.lfs_patterns,
        assets=f.assets,
        files=dict(f.files),
        topics=f.topics,
        empty=f.empty,
    )


def judge(e: RepoEvidence) -> Judgement:
    """Every verdict the evidence of one repository supports."""
    n_source = source_files(e.paths)
    reading = _is_reading_list(e, n_source)
    weights = weights_evidence(
        full_name=e.full_name,
        readme=e.readme,
        paths=e.paths,
        lfs_patterns=e.lfs_patterns,
        assets=e.assets,
        files=e.files,
        reading_list=reading,
    )
    kind = _kind(e, n_source, weights, reading)
    placeholder, reasons = False, tuple[str, ...]()
    if kind in ("code", "empty"):
        placeholder, reasons = placeholder_verdict(
            e.paths,
            e.readme,
            source_files=n_source,
            unexplored=unexplored_dirs(e.paths),
            vendored=vendored_dirs(e.paths),
            empty=e.empty,
        )
    claims, terms, held = _licenses(e)
    checklist = judge_checklist(e, weights, kind)
    return Judgement(kind, placeholder, reasons, weights, claims, terms, held, checklist)


WEIGHT_PREFIXES = {"unattributed": "unattributed ", "others": "third-party "}
"""How the stored weights evidence marks lines that are not the repository's own."""


def columns(j: Judgement) -> dict[str, Any]:
    """The repository's verdict columns for a judgement."""
    w = j.weights
    lines = [*w.own]
    lines += [WEIGHT_PREFIXES["unattributed"] + x for x in w.unattributed]
    lines += [WEIGHT_PREFIXES["others"] + x for x in w.others]
    return {
        "repo_kind": j.kind,
        "placeholder": j.placeholder,
        "placeholder_reasons": "\n".join(j.placeholder_reasons)[:2048],
        "has_weights": bool(w.own),
        "weights_evidence": "\n".join(lines),
        "license_claims": ",".join(j.license_claims)[:512],
        "license_terms": j.license_terms[:255],
        "license_file": j.license_file,
        "checklist": to_json(j.checklist) if j.checklist is not None else "",
        "checklist_score": j.checklist.score if j.checklist is not None else None,
    }
