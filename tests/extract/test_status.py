"""Code, weights and data claims: released, promised, mentioned without a link, or none."""

from __future__ import annotations

import pytest

from tracker.extract import extract_paper
from tracker.models import Availability, Location, PaperRecord

R, P, M, N = (
    Availability.RELEASED,
    Availability.PROMISED,
    Availability.MENTIONED_NO_LINK,
    Availability.NONE,
)


def statuses(abstract: str, title: str = "A Method") -> tuple[Availability, ...]:
    paper = extract_paper(PaperRecord(title, abstract, Location("t", 1), "test"))
    return paper.code.status, paper.weights.status, paper.data.status


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("We propose X. Code is available at https://github.com/o/x.", (R, N, N)),
        ("Code: https://github.com/o/x", (R, N, N)),
        ("Code and pretrained weights will be released at https://github.com/o/x.", (P, P, N)),
        ("Our code will be made publicly available upon acceptance.", (P, N, N)),
        ("We plan to release the checkpoints and the dataset in June 2025.", (N, P, P)),
        ("All datasets and models are released to support research.", (N, M, M)),
        ("The implementation is available on GitHub.", (M, N, N)),
        ("We do not release the data or the trained models.", (N, N, N)),
        (
            "The model weights will not be released, but code is at https://github.com/o/x.",
            (R, N, N),
        ),
        ("We evaluate ten open-source LMMs on five axes.", (N, N, N)),
        ("Models on the Hugging Face hub were studied in depth.", (N, N, N)),
        ("Scaling further will require more data than is publicly available.", (N, N, N)),
        ("We study code generation with models trained on public data.", (N, N, N)),
        ("Open-weight models are released with model cards of uneven quality.", (N, N, N)),
        ("Data cannot be shared due to privacy; code is at https://gitlab.com/g/p.", (R, N, N)),
        ("The dataset is at https://huggingface.co/datasets/o/d.", (N, N, R)),
        ("Weights: https://huggingface.co/o/m", (N, R, N)),
        ("Code is available upon request.", (M, N, N)),
        ("Data are available from the corresponding author on reasonable request.", (N, N, M)),
        ("Code and models will be made available upon request.", (M, M, N)),
        ("We release the code at the request of reviewers.", (M, N, N)),
        ("Data are available on request; code is at https://github.com/o/x.", (R, N, M)),
    ],
)
def test_status(abstract: str, expected: tuple[Availability, ...]) -> None:
    assert statuses(abstract) == expected


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("We release our code and models.", (M, M, N)),
        ("Our code and models are now publicly available.", (M, M, N)),
        ("We open-source the toolkit to foster research.", (M, N, N)),
        ("The dataset has been made public.", (N, N, M)),
        ("We release our code and models at https://github.com/o/x.", (R, R, N)),
        ("We release our code and models: https://github.com/o/x.", (R, R, N)),
        ("We release our code and models (https://github.com/o/x).", (R, R, N)),
        ("We release the data on our project page https://o.github.io/x.", (N, N, R)),
    ],
)
def test_a_release_without_a_location_is_a_mention(
    abstract: str, expected: tuple[Availability, ...]
) -> None:
    assert statuses(abstract) == expected


@pytest.mark.parametrize(
    ("abstract", "condition"),
    [
        ("Code will be released upon acceptance.", "upon acceptance"),
        ("The code will be made public after the review process.", "after the review process"),
        ("Our models will be released soon.", "soon"),
        ("Code and data are coming soon.", "coming soon"),
        ("We will release the code by March 2026.", "by march 2026"),
        ("Code will be released.", ""),
    ],
)
def test_promise_condition(abstract: str, condition: str) -> None:
    paper = extract_paper(PaperRecord("t", abstract, Location("t"), "test"))
    promised = next(c for c in (paper.code, paper.weights, paper.data) if c.status is P)
    assert promised.condition == condition
    assert promised.evidence == abstract


def test_comment_links_count_with_their_provenance() -> None:
    record = PaperRecord(
        "t", "We propose X.", Location("t"), "arxiv_atom", comment="Code: github.com/o/x"
    )
    paper = extract_paper(record)
    assert [(lk.url, lk.provenance.value) for lk in paper.links] == [
        ("https://github.com/o/x", "comment")
    ]
    assert paper.code.status is R
