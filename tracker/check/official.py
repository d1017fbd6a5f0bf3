"""Whose link is it? Official vs community from evidence, and owner pages to repositories.

Pure functions: the network code gathers the evidence (who linked it, what the README or card
cites, who owns it) and these decide. A link the paper or its authors gave is official; a link a
machine found is only "likely official" when the repository cites the paper AND its owner
matches an author (or an organisation already known to be the authors'); otherwise community,
which is what a reimplementation matched by title looks like.

The authors are every name known: those the paper's sources gave (a feed's authors, kept in
`paper_author`), the name an OpenReview profile id spells, and arXiv's or the Hub's list. A
Hugging Face account an author claimed is matched as a login, exactly. An ORCID or OpenAlex id
says who an author is but not which login is theirs, so it adds no match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from tracker.models import Author, Officiality, Provenance

AUTHORS_OWN = frozenset(
    {
        Provenance.ABSTRACT,
        Provenance.COMMENT,
        Provenance.PDF,
        Provenance.PROJECT_PAGE,
        Provenance.HF_USER,
        Provenance.SOURCE_FIELD,
        Provenance.SHORTLINK,
    }
)
CONFIDENCE = {
    Provenance.ABSTRACT: 1.0,
    Provenance.SOURCE_FIELD: 1.0,
    Provenance.COMMENT: 0.95,
    Provenance.SHORTLINK: 0.95,
    Provenance.PDF: 0.9,
    Provenance.HF_USER: 0.9,
    Provenance.PROJECT_PAGE: 0.85,
    Provenance.HF_ARXIV_TAG: 0.6,
    Provenance.HF_AUTO: 0.5,
    Provenance.GITHUB_SEARCH: 0.4,
}
LIKELY_OFFICIAL_CONFIDENCE = 0.75
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "and",
        "in",
        "on",
        "to",
        "with",
        "via",
        "from",
        "by",
        "at",
        "is",
        "are",
        "as",
        "towards",
        "toward",
        "using",
        "its",
        "we",
        "our",
        "your",
        "how",
        "what",
        "when",
        "why",
        "do",
        "does",
    ]
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def squash(text: str) -> str:
    """Lower-case letters and digits only: `Oss-Arch_Gym` -> `ossarchgym`."""
    return re.sub(r"[^a-z0-9]", "", _fold(text))


def officiality(
    provenance: Provenance,
    *,
    owner: str | None = None,
    authors: Iterable[str] = (),
    cites_paper: bool = False,
    official_owners: Iterable[str] = (),
    accounts: Iterable[str] = (),
) -> Officiality:
    """The verdict for one link from where it was found and what the target says; `accounts`
    are logins known to be the authors' (Hugging Face users they claimed)."""
    if provenance in AUTHORS_OWN:
        return Officiality.OFFICIAL
    if (
        cites_paper
        and owner
        and (
            owner_matches_author(owner, authors)
            or squash(owner) in {squash(o) for o in (*official_owners, *accounts)}
        )
    ):
        return Officiality.LIKELY_OFFICIAL
    return Officiality.COMMUNITY


_PROFILE = re.compile(r"^~([^\W\d_]+(?:_[^\W\d_]+)+)\d*$")


def author_names(authors: Iterable[Author]) -> tuple[str, ...]:
    """Names to match an owner against: each name as written, and the name an OpenReview
    profile id spells (`~Ada_Lovelace1` -> `Ada Lovelace`) when it differs (`A. Lovelace`)."""
    names: list[str] = []
    for a in authors:
        names.append(a.name)
        m = _PROFILE.match(a.profile or "")
        if m:
            names.append(m.group(1).replace("_", " "))
    return tuple(dict.fromkeys(n for n in names if n.strip()))


def author_accounts(authors: Iterable[Author]) -> tuple[str, ...]:
    """Logins the authors claimed: a Hugging Face user (a profile that is not an OpenReview
    `~` id), which is very often the author's GitHub login too."""
    return tuple(a.profile for a in authors if a.profile and not a.profile.startswith("~"))


def confidence(provenance: Provenance, verdict: Officiality) -> float:
    base = CONFIDENCE.get(provenance, 0.5)
    if verdict is Officiality.LIKELY_OFFICIAL:
        return max(base, LIKELY_OFFICIAL_CONFIDENCE)
    return base


def owner_matches_author(owner: str, authors: Iterable[str]) -> bool:
    """A login like `adalovelace`, `lovelace-ada`, `alovelace` or `ada-l` for Ada Lovelace.

    Surnames alone match only when long (six letters or more), to keep `chen` or `wang`
    from claiming every repository.
    """
    login = squash(owner)
    if not login:
        return False
    for author in authors:
        words = re.findall(r"[a-z]+", _fold(author))
        if len(words) < 2:
            continue
        first, last = words[0], words[-1]
        forms = {
            first + last,
            last + first,
            first[0] + last,
            last + first[0],
            first + last[0],
            "".join(words),
            "".join(w[0] for w in words[:-1]) + last,
        }
        if login in forms or (len(last) >= 6 and login.startswith(last)):
            return True
    return False


def title_names(title: str) -> set[str]:
    """Names a repository for this paper is likely called: the short name and acronyms.

    `ArchGym: An Open-Source Gymnasium ...` -> {`archgym`, `aoagfmlaa...`}; short names come from
    the text before a colon (when at most three words) and from CamelCase or upper-case words.
    """
    names: set[str] = set()
    head, sep, _ = title.partition(":")
    if sep and 0 < len(head.split()) <= 3:
        names.add(squash(head))
    for word in re.findall(r"\b[A-Za-z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*\b", title):
        if len(squash(word)) >= 3:
            names.add(squash(word))
    for part in (head if sep else "", title):
        words = [w for w in re.findall(r"[A-Za-z0-9]+", _fold(part)) if w not in _STOP]
        if len(words) >= 2:
            names.add("".join(w[0] for w in words))
    return {n for n in names if len(n) >= 3}


def name_matches_title(repo_name: str, title: str) -> bool:
    """The repository name is the title's short name or acronym, alone or with a prefix
    or suffix (`oss-arch-gym`, `ArchGym-code`, `spm-pytorch`)."""
    name = squash(repo_name)
    for candidate in title_names(title):
        if name == candidate:
            return True
        if len(candidate) >= 5 and candidate in name and len(name) - len(candidate) <= 8:
            return True
    return _named_with_title_words(repo_name, title)


def _named_with_title_words(repo_name: str, title: str) -> bool:
    """`video-token-merging` for "Token Merging for Faster Video Transformers": two or more
    words, each a word of the title (not a stop word), in any order."""
    parts = [w for w in re.split(r"[^a-z0-9]+", _fold(repo_name)) if w]
    words = {w for w in re.findall(r"[a-z0-9]+", _fold(title)) if w not in _STOP}
    return len(parts) >= 2 and all(len(w) >= 3 and w in words for w in parts)


def pick_repository(repo_names: Iterable[str], title: str) -> str | None:
    """The one repository of an owner that clearly is this paper's, else None (flag it).

    An exact short-name or acronym match wins; otherwise exactly one fuzzy match is needed.
    """
    names = list(repo_names)
    wanted = title_names(title)
    exact = [n for n in names if squash(n) in wanted]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    fuzzy = [n for n in names if name_matches_title(n, title)]
    return fuzzy[0] if len(fuzzy) == 1 else None
