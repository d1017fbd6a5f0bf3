"""The Hub checker against the Hub emulator: facts, the 401 ambiguity, rate limits, papers API."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.check.huggingface import fetch_hf_citing, fetch_hf_paper, fetch_hf_repo
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.models import HfPaperInfo, HfRepoFacts, RepoStatus

SCENARIO = {
    "models": {
        "microsoft/Orca-2-13b": {
            "siblings": [
                "config.json",
                "model-00001.safetensors",
                "training_args.bin",
                "tokenizer.model",
                "pytorch_model.bin",
            ],
            "license": "other",
            "tags": ["arxiv:2306.02707", "license:other"],
            "downloads": 1234,
            "likes": 56,
            "lastModified": "2024-01-02T03:04:05.000Z",
            "sha": "a" * 40,
        },
        "someone/orca-gguf": {
            "siblings": ["orca.Q4_K_M.gguf"],
            "tags": ["arxiv:2306.02707", "license:mit"],
        },
        "acme/secret": {"private": True, "owner_token": "hf_acme"},
        "acme/gated": {"gated": "manual", "siblings": ["model.safetensors"]},
        "acme/banned": {"disabled": True},
    },
    "datasets": {"microsoft/orca-data": {"tags": ["arxiv:2306.02707"]}},
    "papers": {
        "2306.02707": {
            "title": "Orca",
            "authors": ["Subhabrata Mukherjee", "Arindam Mitra"],
            "githubRepo": "https://github.com/microsoft/orca",
            "githubRepoAddedBy": "user",
            "projectPage": "https://aka.ms/orca-lm",
        },
    },
    "tokens": ["hf_acme", "hf_other"],
}


@pytest.fixture
def hub():  # type: ignore[no-untyped-def]
    with HuggingFaceEmulator(SCENARIO) as emu:
        yield emu


def test_a_model_reports_its_weights_license_and_counts(client, hub) -> None:  # type: ignore[no-untyped-def]
    result = fetch_hf_repo(client, hub.url, "model", "microsoft/Orca-2-13b")
    assert (result.status, result.reason, result.http_status) == (RepoStatus.OK, "", 200)
    assert result.facts == HfRepoFacts(
        repo_id="microsoft/Orca-2-13b",
        repo_type="model",
        downloads=1234,
        likes=56,
        last_modified=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        sha="a" * 40,
        weight_files=("model-00001.safetensors", "pytorch_model.bin"),
        file_count=5,
        license="other",
        arxiv_ids=("2306.02707",),
    )


@pytest.mark.parametrize(
    ("repo", "token", "status", "reason", "http"),
    [
        (
            "acme/missing",
            None,
            RepoStatus.FORBIDDEN,
            "401: missing, private or gated (a token tells them apart)",
            401,
        ),
        (
            "acme/secret",
            None,
            RepoStatus.FORBIDDEN,
            "401: missing, private or gated (a token tells them apart)",
            401,
        ),
        ("acme/missing", "hf_other", RepoStatus.NOT_FOUND, "404: Repository not found", 404),
        ("acme/secret", "hf_other", RepoStatus.NOT_FOUND, "404: Repository not found", 404),
        ("acme/secret", "hf_acme", RepoStatus.OK, "", 200),
        ("acme/banned", None, RepoStatus.BLOCKED, "403: disabled", 403),
        (
            "acme/missing",
            "hf_wrong",
            RepoStatus.FORBIDDEN,
            "401: Invalid credentials in Authorization header",
            401,
        ),
    ],
)
def test_the_401_ambiguity_is_resolved_only_with_a_token(  # type: ignore[no-untyped-def]
    client, hub, repo, token, status, reason, http
) -> None:
    result = fetch_hf_repo(client, hub.url, "model", repo, token)
    assert (result.status, result.reason, result.http_status) == (status, reason, http)


def test_a_gated_model_is_found_and_says_so(client, hub) -> None:  # type: ignore[no-untyped-def]
    result = fetch_hf_repo(client, hub.url, "model", "acme/gated")
    assert result.status is RepoStatus.OK
    assert result.facts is not None
    assert (result.facts.gated, result.facts.weight_files) == ("manual", ("model.safetensors",))


def test_models_and_datasets_citing_the_paper(client, hub) -> None:  # type: ignore[no-untyped-def]
    answer = fetch_hf_citing(client, hub.url, "2306.02707")
    assert answer.status is RepoStatus.OK
    assert [(f.repo_type, f.repo_id, f.license) for f in answer.value or ()] == [
        ("model", "microsoft/Orca-2-13b", "other"),
        ("model", "someone/orca-gguf", "mit"),
        ("dataset", "microsoft/orca-data", None),
    ]
    assert hub.count("GET", "/api/models") == 1


def test_the_papers_api_tells_who_added_the_repository(client, hub) -> None:  # type: ignore[no-untyped-def]
    found = fetch_hf_paper(client, hub.url, "2306.02707")
    missing = fetch_hf_paper(client, hub.url, "2401.99999")
    assert found.value == HfPaperInfo(
        arxiv_id="2306.02707",
        title="Orca",
        github_repo="https://github.com/microsoft/orca",
        github_repo_added_by="user",
        project_page="https://aka.ms/orca-lm",
        authors=("Subhabrata Mukherjee", "Arindam Mitra"),
    )
    assert (missing.value, missing.status, missing.reason) == (
        None,
        RepoStatus.NOT_FOUND,
        "no papers page",
    )


def test_rate_limit_answers_carry_ratelimit_headers_and_end_unknown(client) -> None:  # type: ignore[no-untyped-def]
    with HuggingFaceEmulator({**SCENARIO, "rate_limit": {"limit": 2, "window_s": 300}}) as hub:
        first = fetch_hf_repo(client, hub.url, "model", "microsoft/Orca-2-13b")
        second = fetch_hf_repo(client, hub.url, "model", "microsoft/Orca-2-13b")
        third = fetch_hf_repo(client, hub.url, "model", "microsoft/Orca-2-13b")
        statuses = [r.status for r in hub.requests]
    assert [first.status, second.status] == [RepoStatus.OK, RepoStatus.OK]
    assert (third.status, third.reason, third.http_status) == (
        RepoStatus.UNKNOWN,
        "429 rate limited",
        429,
    )
    assert statuses[:2] == [200, 200] and set(statuses[2:]) == {429}


def test_server_errors_are_retried_then_unknown(client) -> None:  # type: ignore[no-untyped-def]
    with HuggingFaceEmulator(SCENARIO, faults={"error_rate": 1.0, "error_statuses": [503]}) as hub:
        result = fetch_hf_repo(client, hub.url, "model", "microsoft/Orca-2-13b")
        calls = hub.count()
    assert (result.status, result.reason, result.http_status) == (
        RepoStatus.UNKNOWN,
        "HTTP 503",
        503,
    )
    assert calls == 2  # the shared policy's attempts (FAST: 2)
