"""A Space or model repository that its sentence gives as the code is a code link (its files are
the code) and gets a key for the Hub checker; any other mention keeps the kind's own role."""

from __future__ import annotations

import pytest

from tracker.extract import extract_paper
from tracker.models import Location, PaperRecord
from tracker.rows import repo_key


def links(text: str) -> list[tuple[str, str, str | None]]:
    paper = extract_paper(
        PaperRecord(title="t", abstract=text, location=Location("t", 1), source_kind="t")
    )
    return [(lk.kind.value, lk.role.value, repo_key(lk)) for lk in paper.links]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Code is available at https://huggingface.co/spaces/Lab/App.",
            [("hf_space", "code", "huggingface.co/spaces/lab/app")],
        ),
        (
            "Our implementation is hosted at https://huggingface.co/Lab/Net.",
            [("hf_model", "code", "huggingface.co/lab/net")],
        ),
        (
            "Code and models are available at https://huggingface.co/Lab/Net.",
            [("hf_model", "weights", None)],
        ),
        ("Try the demo at https://huggingface.co/spaces/Lab/App.", [("hf_space", "demo", None)]),
        (
            "The source code is at https://huggingface.co/spaces/Lab/App and weights at "
            "https://huggingface.co/Lab/W.",
            [("hf_space", "code", "huggingface.co/spaces/lab/app"), ("hf_model", "weights", None)],
        ),
        (
            "The code is archived at https://doi.org/10.5281/zenodo.1234567.",
            [("data_host", "code", "zenodo.org/records/1234567")],
        ),
        (
            "Code: https://codeberg.org/Lab/Tool and https://gitlab.com/a/b/c/-/tree/main",
            [
                ("gitea_repo", "code", "codeberg.org/lab/tool"),
                ("gitlab_repo", "code", "gitlab.com/a/b/c"),
            ],
        ),
    ],
)
def test_which_hub_and_archive_links_are_code(text: str, expected: list[object]) -> None:
    assert links(text) == expected
