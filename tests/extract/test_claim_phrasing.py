"""Phrasings of release claims that real abstracts use: verb-like modifiers, serial lists, data
nouns beyond "dataset", and generic links placed by a release verb."""

from __future__ import annotations

import pytest

from tracker.extract import extract_paper, links_in
from tracker.models import Availability, Location, PaperRecord, Provenance, Role

R, P, M, N = (
    Availability.RELEASED,
    Availability.PROMISED,
    Availability.MENTIONED_NO_LINK,
    Availability.NONE,
)


def statuses(abstract: str) -> tuple[Availability, ...]:
    paper = extract_paper(PaperRecord("A Method", abstract, Location("t", 1), "test"))
    return paper.code.status, paper.weights.status, paper.data.status


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("We open-source our code and models.", (M, M, N)),
        ("We publicly release the dataset, code, and models.", (M, M, M)),
        ("The dataset, code, and pretrained models will be released upon acceptance.", (P, P, P)),
        ("We release our code, data, and trained checkpoints to the community.", (M, M, M)),
        ("We release the code, and models will follow.", (M, P, N)),
        ("We evaluate existing open-source code models and their outputs.", (N, N, N)),
        ("All stimuli and anonymized responses are available at https://osf.io/k4m9z/.", (N, N, R)),
        ("We publicly release all prompts and model generations.", (N, N, M)),
        ("Models are released with model cards.", (N, M, N)),
        ("Code, weights and demos are on our project page: https://v.example.org/", (R, R, N)),
        ("Code, weights and demos are on our project page.", (M, M, N)),
    ],
)
def test_claims(abstract: str, expected: tuple[Availability, ...]) -> None:
    assert statuses(abstract) == expected


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        (
            "Source code is provided in the appendix and at https://doi.org/10.5281/z.1.",
            [Role.CODE],
        ),
        ("The results are discussed further in https://arxiv.org/abs/2401.00001.", [Role.OTHER]),
        (
            "Videos are at https://youtu.be/abc and code at https://github.com/o/r.",
            [Role.OTHER, Role.CODE],
        ),
    ],
)
def test_generic_link_role(text: str, roles: list[Role]) -> None:
    assert [lk.role for lk in links_in(text, Provenance.ABSTRACT)] == roles


def test_a_scheme_less_page_placed_in_the_claim_is_its_location() -> None:
    placed = "Videos and code are available on the project page: lab.github.io/dyna."
    apart = "Code is available on our website. See lab.github.io/dyna for videos."
    assert statuses(placed)[0] is R
    assert statuses(apart)[0] is M


def test_a_host_cut_after_its_own_hyphen_is_joined() -> None:
    (link,) = links_in("Project page: https://ocean-\nml.github.io/tidenet.", Provenance.ABSTRACT)
    assert (link.url, link.raw) == (
        "https://ocean-ml.github.io/tidenet",
        "https://ocean-\nml.github.io/tidenet.",  # raw text keeps its trailing stop
    )
