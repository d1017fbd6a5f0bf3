"""The authors a feed stored judge whose repository a GitHub search found, end to end.

Papers come from the Hugging Face daily list and from an OpenReview venue, with their authors;
neither arXiv nor the Hub's paper page gives any author, so the only authors discovery knows
are the stored ones. A repository found by searching GitHub for the arXiv id, whose README cites
the paper and whose owner is an author (by name, by the name an OpenReview profile spells, or
by the Hub account the author claimed), is `likely_official`; a stranger's is `community`, and
so is the author's own once the stored authors are taken away.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from tracker.check.official import author_accounts, author_names
from tracker.emulators.arxiv import ArxivEmulator
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.emulators.openreview import OpenReviewEmulator
from tracker.models import Author
from tracker.store import open_db
from tracker.store.schema import Link, Paper

HF = {
    "daily": {
        "2025-04-21": [
            {"id": "2504.33333", "title": "Quiet transformers for loud rooms", "summary": "We denoise speech.",
             "authors": [{"name": "Ines Varga", "user": "inesv"}, "Tomas Oyelaran"]},
        ]
    }
}  # fmt: skip
OPENREVIEW = {
    "venues": {
        "ICLR.cc/2025/Conference": {
            "papers": [
                {"title": "Gradient gardens", "abstract": "We grow networks.",
                 "authors": ["A. Brightwater", "O. Fenn"], "authorids": ["~Ada_Brightwater1", "~Olu_Fenn2"],
                 "venue": "ICLR 2025 Poster", "pdate": "2025-01-22"},
            ]
        }
    }
}  # fmt: skip
ARXIV = {
    "papers": [
        {"id": "2504.33333", "title": "Quiet transformers for loud rooms", "authors": []},
        {"id": "2501.04444", "title": "Gradient gardens", "authors": []},
    ]
}
GITHUB = {
    "now": "2025-05-01T00:00:00Z",
    "repos": [
        {"owner": "inesv", "name": "quiet", "readme": "Code for arXiv:2504.33333."},
        {"owner": "tomasoyelaran", "name": "loud-rooms", "readme": "Paper: 2504.33333"},
        {"owner": "adabrightwater", "name": "gardens", "readme": "arXiv 2501.04444"},
        {"owner": "randomfan", "name": "garden-notes", "readme": "Notes on 2501.04444."},
    ],
}
LIKELY = {
    ("https://github.com/inesv/quiet", "likely_official"),
    ("https://github.com/tomasoyelaran/loud-rooms", "likely_official"),
    ("https://github.com/adabrightwater/gardens", "likely_official"),
    ("https://github.com/randomfan/garden-notes", "community"),
}


@pytest.mark.parametrize("kept", [True, False], ids=["authors-stored", "authors-removed"])
def test_a_search_match_owned_by_a_stored_author_is_likely_official(
    sqlite_url: str, cli: Any, kept: bool
) -> None:
    with (
        HuggingFaceEmulator(HF) as hub,
        OpenReviewEmulator(OPENREVIEW) as orv,
        ArxivEmulator(ARXIV) as ax,
        GitHubEmulator(GITHUB) as gh,
    ):
        read = cli("ingest", "hf:daily/2025-04-21", "openreview:ICLR.cc/2025/Conference",
                   "--db", sqlite_url, "--hf-endpoint", hub.url, "--openreview-api-url", orv.url)  # fmt: skip
        assert read.returncode == 0, read.stderr
        engine = open_db(sqlite_url)
        if not kept:
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM paper_author"))
        done = cli("enrich", "--db", sqlite_url, "--no-pdf", "--hf-endpoint", hub.url,
                   "--arxiv-api-url", f"{ax.url}/api/query", env={"TRACKER_GITHUB_API_URL": gh.url})  # fmt: skip
    assert done.returncode == 0, done.stderr
    with engine.connect() as conn:
        found = {
            (url, official)
            for url, official in conn.execute(
                select(Link.c.url, Link.c.official)
                .join(Paper, Paper.c.id == Link.c.paper_id)
                .where(Link.c.provenance == "github_search")
            )
        }
    if kept:
        assert found == LIKELY
    else:
        assert found == {(url, "community") for url, _ in LIKELY}


def test_stored_authors_give_names_profiles_names_and_hub_accounts() -> None:
    authors = (
        Author("A. Brightwater", profile="~Ada_Brightwater1"),
        Author("Jean-Luc Picard", profile="~Jean_Luc_Picard3"),
        Author("Ines Varga", profile="inesv"),
        Author("Mara Lindqvist", orcid="0000-0002-1825-0097", openalex_id="A5000000001"),
        Author("Olu Fenn", profile="~Olu_Fenn2"),
    )
    assert author_names(authors) == (
        "A. Brightwater", "Ada Brightwater", "Jean-Luc Picard", "Jean Luc Picard", "Ines Varga",
        "Mara Lindqvist", "Olu Fenn",
    )  # fmt: skip
    assert author_accounts(authors) == ("inesv",)
