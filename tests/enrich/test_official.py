"""Official vs community from evidence, and owner pages to the paper's repository."""

from __future__ import annotations

import pytest

from tracker.check.official import officiality, owner_matches_author, pick_repository
from tracker.models import Officiality, Provenance

AUTHORS = ("Ada Lovelace", "Charles Babbage", "Mengyao Lyu")


@pytest.mark.parametrize(
    ("provenance", "owner", "cites", "official_owners", "verdict"),
    [
        # The paper or its authors linked it: official whatever the repository says.
        (Provenance.ABSTRACT, "randomdev", False, (), Officiality.OFFICIAL),
        (Provenance.PDF, "randomdev", False, (), Officiality.OFFICIAL),
        (Provenance.PROJECT_PAGE, "someone", False, (), Officiality.OFFICIAL),
        (Provenance.HF_USER, "someone", False, (), Officiality.OFFICIAL),
        # A machine match by an author's account that cites the paper: likely official.
        (Provenance.GITHUB_SEARCH, "adalovelace", True, (), Officiality.LIKELY_OFFICIAL),
        (Provenance.HF_AUTO, "lyumengyao", True, (), Officiality.LIKELY_OFFICIAL),
        (Provenance.HF_AUTO, "cbabbage", True, (), Officiality.LIKELY_OFFICIAL),
        # The reimplementation: cites the paper, but nobody on the paper owns it.
        (Provenance.HF_AUTO, "lucidrains", True, (), Officiality.COMMUNITY),
        # An author's account that does not cite the paper is not evidence enough.
        (Provenance.GITHUB_SEARCH, "adalovelace", False, (), Officiality.COMMUNITY),
        # Weights tagged with the paper, owned by the organisation of the official code.
        (Provenance.HF_ARXIV_TAG, "Microsoft", True, ("microsoft",), Officiality.LIKELY_OFFICIAL),
        (Provenance.HF_ARXIV_TAG, "TheBloke", True, ("microsoft",), Officiality.COMMUNITY),
    ],
)
def test_officiality_from_evidence(provenance, owner, cites, official_owners, verdict) -> None:  # type: ignore[no-untyped-def]
    got = officiality(
        provenance, owner=owner, authors=AUTHORS, cites_paper=cites, official_owners=official_owners
    )
    assert got is verdict


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("adalovelace", True),
        ("Lovelace-Ada", True),
        ("alovelace", True),
        ("ada-l", True),
        ("lovelace42", True),
        ("lyumengyao", True),
        ("ada", False),
        ("lyu", False),
        ("babbagefan", True),
        ("charlie", False),
    ],
)
def test_owner_matches_author(login: str, expected: bool) -> None:
    assert owner_matches_author(login, AUTHORS) is expected


@pytest.mark.parametrize(
    ("names", "title", "picked"),
    [
        (
            ["oss-arch-gym", "website", "ml-notes"],
            "ArchGym: An Open-Source Gymnasium for Machine Learning Assisted Architecture Design",
            "oss-arch-gym",
        ),
        (
            ["SPM", "blog"],
            "One-dimensional Adapter to Rule Them All: Concepts, Diffusion Models "
            "and Erasing Applications",
            None,
        ),
        (["SAM", "sam-demo", "segment-tools"], "Segment Anything Model", "SAM"),
        (["archgym-v1", "archgym-v2"], "ArchGym: A Gym", None),
        (["dotfiles", "homepage"], "ArchGym: A Gym", None),
        (
            ["video-token-merging", "lab.github.io", "transformers"],
            "Token Merging for Faster Video Transformers",
            "video-token-merging",
        ),
        (["token-merging", "video-token-merging"], "Token Merging for Video", None),
        (["video-models"], "Token Merging for Faster Video Transformers", None),
    ],
)
def test_owner_page_resolves_only_on_a_clear_match(names, title, picked) -> None:  # type: ignore[no-untyped-def]
    assert pick_repository(names, title) == picked
