"""Whose artifact a sentence speaks of, which role each link takes, and which kind a page of
no known host is: unusual phrasings of a release, other people's artifacts, words that merely
contain "code", several artifacts in one sentence, and data deposits behind a DOI."""

from __future__ import annotations

import pytest

from tracker.extract import extract_paper
from tracker.models import Availability, LinkKind, Location, PaperRecord, Role

R, P, M, N = (
    Availability.RELEASED,
    Availability.PROMISED,
    Availability.MENTIONED_NO_LINK,
    Availability.NONE,
)


def paper(abstract: str):  # type: ignore[no-untyped-def]
    return extract_paper(PaperRecord("A Method", abstract, Location("t", 1), "test"))


def statuses(abstract: str) -> tuple[Availability, ...]:
    got = paper(abstract)
    return got.code.status, got.weights.status, got.data.status


def links(abstract: str) -> list[tuple[str, LinkKind, Role]]:
    return [(lk.url, lk.kind, lk.role) for lk in paper(abstract).links]


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        (
            "We provide weights at https://huggingface.co/o/m, source code at "
            "https://github.com/o/r, and a demo at https://huggingface.co/spaces/o/d.",
            (R, R, N),
        ),
        ("The framework is open-sourced at https://bit.ly/fw-x.", (R, N, N)),
        ("Code, documentation and demos are on our website: https://widgets.dev.", (R, N, N)),
        ("Our code is on our website.", (M, N, N)),
        ("The toolkit is available at https://gitlab.com/g/toolkit.", (R, N, N)),
        ("The benchmark suite is available at https://zenodo.org/records/5.", (N, N, R)),
        ("All raw results are deposited at https://osf.io/ab12c/.", (N, N, R)),
        ("Project page with code and models: https://o.github.io/p/.", (R, R, N)),
    ],
)
def test_unusual_release_phrasings(abstract: str, expected: tuple[Availability, ...]) -> None:
    assert statuses(abstract) == expected


@pytest.mark.parametrize(
    "abstract",
    [
        "We fine-tune the publicly available Llama checkpoints on legal text.",
        "Our agent is built on the open-source LLaVA model and existing simulators.",
        "We study code-mixing and code-switching in bilingual chat.",
        "A barcode reader with a learned codebook decodes blurred labels.",
    ],
)
def test_other_peoples_artifacts_and_words_holding_code_claim_nothing(abstract: str) -> None:
    assert statuses(abstract) == (N, N, N)


def test_a_code_switching_corpus_is_data() -> None:
    text = "The code-switching corpus is available at https://zenodo.org/records/7."
    assert statuses(text) == (N, N, R)
    assert links(text) == [("https://zenodo.org/records/7", LinkKind.DATA_HOST, Role.DATA)]


def test_a_leaderboard_space_is_not_the_papers_demo() -> None:
    text = "Scores are on the public leaderboard https://huggingface.co/spaces/o/llm-leaderboard."
    assert links(text) == [
        ("https://huggingface.co/spaces/o/llm-leaderboard", LinkKind.HF_SPACE, Role.OTHER)
    ]


@pytest.mark.parametrize(
    ("abstract", "roles"),
    [
        (
            "The code is at https://github.com/o/r, the clips at "
            "https://huggingface.co/datasets/o/d, with a demo video at https://youtu.be/x1.",
            [Role.CODE, Role.DATA, Role.DEMO],
        ),
        (
            "The model (https://x.org/m) and the test set (https://y.org/t) are released.",
            [Role.WEIGHTS, Role.DATA],
        ),
        ("The hosted web app is at https://tool.app.", [Role.DEMO]),
        ("Project page with code and models: https://o.github.io/p/.", [Role.PROJECT]),
        ("Stimuli, responses and analysis scripts are at https://osf.io/k4m9z/.", [Role.DATA]),
        ("Data and analysis scripts are at https://github.com/o/r.", [Role.CODE]),
        ("Code and models are available at https://github.com/o/r.", [Role.CODE]),
    ],
)
def test_each_link_takes_its_own_artifact(abstract: str, roles: list[Role]) -> None:
    assert [role for _, _, role in links(abstract)] == roles


@pytest.mark.parametrize(
    ("abstract", "kind"),
    [
        ("Data: https://doi.org/10.5281/zenodo.8812345.", LinkKind.DATA_HOST),
        ("Data: https://doi.org/10.6084/m9.figshare.25010001.", LinkKind.DATA_HOST),
        ("See https://doi.org/10.1145/3580305.3599256 for the proofs.", LinkKind.OTHER),
        ("Our web service is available at https://claims.example.org/v1.", LinkKind.OTHER),
        ("The toolkit is available at nlp.cs.example.ac.uk/tool.", LinkKind.OTHER),
        ("The project page is https://widgets.example.ac.uk/.", LinkKind.PROJECT_PAGE),
        ("The benchmark is at https://sheetbench.dev.", LinkKind.PROJECT_PAGE),
    ],
)
def test_pages_of_no_known_host_are_told_apart(abstract: str, kind: LinkKind) -> None:
    [(_, got, _)] = links(abstract)
    assert got is kind


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        (
            "We use LLaMA-2 (https://huggingface.co/meta-llama/Llama-2-7b) as the backbone.",
            (N, N, N),
        ),
        (
            "Our code builds on the open-source codebase at https://github.com/other/base.",
            (N, N, N),
        ),
        ("We fine-tune the open-source LLaVA (https://github.com/h/LLaVA) on charts.", (N, N, N)),
        ("Using our toolkit (https://github.com/our/toolkit), we label data.", (R, N, N)),
        ("The library is open-sourced at github.com/o/lib (Apache-2.0).", (R, N, N)),
        ("Data are at https://x.org and the baseline code at https://github.com/o/b.", (R, N, R)),
        ("We release our code, built on PyTorch, at https://github.com/o/r.", (R, N, N)),
    ],
)
def test_a_link_to_what_the_paper_uses_is_not_a_release(
    abstract: str, expected: tuple[Availability, ...]
) -> None:
    assert statuses(abstract) == expected
