"""Feeds through the real command line: bad names and missing venues are exit 3, an unreachable
service exit 6, nothing written either way; the watch list drives `tracker run` with no
argument; each service's fields (authors and their ids, venue, acceptance date, upvotes, code
links) reach the database."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from tests.feeds.conftest import count, stored
from tracker.cli.app import Exit
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.emulators.openalex import OpenAlexEmulator
from tracker.emulators.openreview import OpenReviewEmulator
from tracker.store import open_db

HF = {
    "daily": {
        "2025-04-21": [
            {"id": "2504.11111", "title": "Quiet transformers for loud rooms",
             "summary": "We denoise speech with a small model.", "authors": ["Ines Varga", "Tomas Oyelaran"],
             "upvotes": 17, "githubRepo": "https://github.com/quietlab/loud-rooms",
             "githubRepoAddedBy": "user", "projectPage": "https://quietlab.example.org/loud"},
            {"id": "2504.22222", "title": "Counting sheep with vision models",
             "summary": "A benchmark for counting.", "authors": ["Mara Lindqvist"], "upvotes": 3},
        ]
    }
}  # fmt: skip
OPENREVIEW = {
    "venues": {
        "ICLR.cc/2025/Conference": {
            "papers": [
                {"title": "Gradient gardens", "abstract": "We grow networks. Code will be released upon acceptance.",
                 "authors": ["Ada Brightwater", "Olu Fenn"], "authorids": ["~Ada_Brightwater1", "~Olu_Fenn2"],
                 "venue": "ICLR 2025 Poster", "pdate": "2025-01-22", "code": "https://github.com/gardens/grow"},
            ]
        }
    }
}  # fmt: skip
OPENALEX = {
    "authors": {"A5000000001": {"name": "Ada Brightwater", "orcid": "0000-0002-1825-0097",
                                "institution": "I100"}},
    "institutions": {"I100": {"name": "Hedgerow Institute"}},
    "works": [
        {"id": "W11", "title": "Hedges as regularizers", "abstract": "Hedges help. See https://github.com/hedgerow/hedges",
         "date": "2025-02-03", "authors": ["A5000000001"], "arxiv": "2502.01234", "source": "Hedge Letters"},
        {"id": "W12", "title": "Older hedges", "abstract": "Before.", "date": "2024-06-01",
         "authors": ["A5000000001"], "doi": "10.5555/hedge.2024"},
    ],
}  # fmt: skip


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.mark.parametrize(
    ("feed", "says"),
    [
        ("hf:weekly", "hf:weekly: unknown Hugging Face feed"),
        ("gitlab:foo", "gitlab:foo: unknown feed 'gitlab:'"),
        ("hf:daily/2025-04-31", "malformed date range '2025-04-31'"),
        ("arxiv:cs.LG/2025-05-01..2025-04-01", "ends before it starts"),
        ("arxiv:cs.XY", "unknown arXiv category 'cs.XY'"),
        ("orcid:12345", "'12345' is not an ORCID iD"),
    ],
)
def test_a_bad_feed_name_is_exit_3_and_writes_nothing(
    tmp_path: Path, cli: Any, feed: str, says: str
) -> None:
    done = cli("ingest", "examples/hf-trending.txt", feed, "--db", "t.db", cwd=tmp_path)
    assert done.returncode == Exit.BAD_INPUT, done.stderr
    assert says in done.stderr.splitlines()[0]
    assert not (tmp_path / "t.db").exists()


def test_a_venue_or_author_that_does_not_exist_is_exit_3(tmp_path: Path, cli: Any) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    with OpenReviewEmulator(OPENREVIEW) as orv, OpenAlexEmulator(OPENALEX) as oa:
        for feed, option, url in (
            ("openreview:ICLR.cc/2099/Conference", "--openreview-api-url", orv.url),
            ("openalex:author/A999", "--openalex-api-url", oa.url),
            ("orcid:0000-0001-0000-0000", "--openalex-api-url", oa.url),
        ):
            done = cli("ingest", feed, "--db", db, option, url)
            assert done.returncode == Exit.BAD_INPUT, done.stderr
            assert done.stderr.startswith(f"error: {feed}: no such "), done.stderr
    assert count(open_db(db), "paper") == count(open_db(db), "feed") == 0


def test_an_unreachable_service_is_exit_6_and_writes_nothing(tmp_path: Path, cli: Any) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    done = cli("ingest", "hf:daily/2025-04-21", "--db", db, "--hf-endpoint", _closed_port())
    assert done.returncode == Exit.INCOMPLETE, done.stderr
    assert "hf:daily: the service could not be read: cannot connect" in done.stderr
    assert count(open_db(db), "paper") == count(open_db(db), "feed") == 0


def test_hf_daily_keeps_authors_upvotes_and_who_added_the_repository(db_url: str, cli: Any) -> None:
    with HuggingFaceEmulator(HF) as hf:
        done = cli("ingest", "hf:daily/2025-04-21", "--db", db_url, "--hf-endpoint", hf.url)
    assert done.returncode == 0, done.stderr
    got = stored(open_db(db_url))
    assert got["authors"] == [
        ("arxiv:2504.11111", "0", "Ines Varga", None, None, None),
        ("arxiv:2504.11111", "1", "Tomas Oyelaran", None, None, None),
        ("arxiv:2504.22222", "0", "Mara Lindqvist", None, None, None),
    ]
    assert got["listed"] == [
        ("hf:daily", "arxiv:2504.11111", "17"),
        ("hf:daily", "arxiv:2504.22222", "3"),
    ]
    assert got["links"] == [
        ("arxiv:2504.11111", "https://github.com/quietlab/loud-rooms", "hf_user"),
        ("arxiv:2504.11111", "https://quietlab.example.org/loud", "source_field"),
    ]


def test_openreview_keeps_the_venue_its_acceptance_date_and_profiles(db_url: str, cli: Any) -> None:
    with OpenReviewEmulator(OPENREVIEW) as orv:
        done = cli("ingest", "openreview:ICLR.cc/2025/Conference", "--db", db_url,
                   "--openreview-api-url", orv.url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    got = stored(open_db(db_url))
    [paper] = got["papers"]
    assert paper[0] == "title:gradient gardens" and paper[5:] == (
        "ICLR 2025 Poster",
        "2025-01-22",
        "openreview",
    )
    assert [a[2:] for a in got["authors"]] == [
        ("Ada Brightwater", None, None, "~Ada_Brightwater1"), ("Olu Fenn", None, None, "~Olu_Fenn2"),
    ]  # fmt: skip
    assert got["links"] == [
        ("title:gradient gardens", "https://github.com/gardens/grow", "source_field")
    ]


def test_openalex_rebuilds_abstracts_keeps_ids_and_a_rerun_asks_from_the_newest_date(
    db_url: str, cli: Any
) -> None:
    env = {"TRACKER_MAILTO": "papers@example.org"}
    with OpenAlexEmulator(OPENALEX) as oa:
        for feed in ("orcid:0000-0002-1825-0097", "openalex:institution/I100"):
            done = cli("ingest", feed, "--db", db_url, "--openalex-api-url", oa.url, env=env)
            assert done.returncode == 0, done.stderr
        before = len(oa.requests)
        again = cli("ingest", "orcid:0000-0002-1825-0097", "--db", db_url,
                    "--openalex-api-url", oa.url, env=env)  # fmt: skip
        assert again.returncode == 0
        works = [r for r in oa.requests[before:] if r.path == "/works"]
        assert [w.arg("filter") for w in works] == [
            "author.orcid:0000-0002-1825-0097,from_publication_date:2025-02-03"
        ]
        assert oa.impolite == 0
    got = stored(open_db(db_url))
    keys = [p[0] for p in got["papers"]]
    assert keys == ["arxiv:2502.01234", "doi:10.5555/hedge.2024"]
    assert got["papers"][0][2] == "Hedges help. See https://github.com/hedgerow/hedges"
    assert got["papers"][0][5] == "Hedge Letters"
    assert (
        "arxiv:2502.01234",
        "0",
        "Ada Brightwater",
        "0000-0002-1825-0097",
        "A5000000001",
        None,
    ) in got["authors"]
    assert sorted({f for f, _, _ in got["listed"]}) == [
        "openalex:institution/I100",
        "orcid:0000-0002-1825-0097",
    ]


def test_the_watch_list_drives_a_run_with_no_argument(tmp_path: Path, cli: Any) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    assert (
        cli("watch", "add", "hf:daily", "openreview:ICLR.cc/2025/Conference", "--db", db).returncode
        == 0
    )
    listed = cli("watch", "list", "--db", db)
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        "hf:daily", "openreview:ICLR.cc/2025/Conference",
    ]  # fmt: skip
    assert cli("watch", "remove", "hf:daily", "--db", db).returncode == 0
    with OpenReviewEmulator(OPENREVIEW) as orv:
        done = cli("run", "--db", db, "--no-enrich", "--no-check", "--openreview-api-url", orv.url)
    assert done.returncode == 0, done.stderr
    assert "openreview:ICLR.cc/2025/Conference: 1 papers read (1 new)" in done.stderr
    assert "Gradient gardens" in done.stdout
    nothing = cli("run", "--db", f"sqlite:///{tmp_path / 'empty.db'}", "--no-check")
    assert nothing.returncode == Exit.USAGE and "tracker watch add" in nothing.stderr


REFUSE_WORKS = {"error_rate": 1.0, "error_statuses": [400], "only_paths": ["/works"]}
"""The author exists (the probe passes) but its works are refused as asked."""


def test_a_refusal_before_anything_is_stored_is_exit_3_and_writes_nothing(
    tmp_path: Path, cli: Any
) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    with OpenAlexEmulator(OPENALEX, faults=REFUSE_WORKS) as oa:
        done = cli(
            "ingest", "openalex:author/A5000000001", "--db", db, "--openalex-api-url", oa.url
        )
    assert done.returncode == Exit.BAD_INPUT, done.stderr
    assert done.stderr.splitlines()[0] == (
        "error: openalex:author/A5000000001: the service refused the request (HTTP 400)"
    )
    assert count(open_db(db), "paper") == count(open_db(db), "feed") == 0


@pytest.mark.parametrize("first", ["examples/hf-trending.txt", "hf:daily/2025-04-21"])
def test_a_refusal_after_something_was_stored_is_exit_6_with_its_reason(
    tmp_path: Path, cli: Any, first: str
) -> None:
    """What the file or the earlier feed stored stays; the refused feed says why, and a feed
    named after it is still read."""
    db = f"sqlite:///{tmp_path / 't.db'}"
    root = Path(__file__).resolve().parents[2]
    with (
        HuggingFaceEmulator(HF) as hf,
        OpenAlexEmulator(OPENALEX, faults=REFUSE_WORKS) as oa,
        OpenReviewEmulator(OPENREVIEW) as orv,
    ):
        done = cli("ingest", first, "openalex:author/A5000000001", "openreview:ICLR.cc/2025/Conference",
                   "--db", db, "--hf-endpoint", hf.url, "--openalex-api-url", oa.url,
                   "--openreview-api-url", orv.url, cwd=root)  # fmt: skip
    assert done.returncode == Exit.INCOMPLETE, done.stderr
    lines = done.stderr.splitlines()
    assert (
        "openalex:author/A5000000001: stopped: openalex:author/A5000000001: the service refused "
        "the request (HTTP 400) (what was read is kept; fix the feed and run again)"
    ) in lines
    assert "incomplete: openalex:author/A5000000001 was refused (what was read is kept)" in lines
    assert (
        "openreview:ICLR.cc/2025/Conference: 1 papers read (1 new), 1 new links, 1 pages" in lines
    )
    engine = open_db(db)
    assert count(engine, "paper") > 1
    assert [f for f, _, _ in stored(engine)["listed"] if f.startswith("openalex")] == []
