"""The whole pipeline on the demo's world, every service a local emulator, on SQLite and PostgreSQL.

The bundled listing and scenario (`tracker/demo/`) tell one story per paper: real code, an
unmet promise, a project page leading to code and Hub weights, a placeholder, a paper without
code (a stranger's reproduction turns up), and a shortlink to a renamed repository. A later
listing adds a paper whose promised repository does not exist yet; moving the GitHub clock
makes it appear, and the pipeline must notice the promise kept.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, select

from tracker import pipeline
from tracker.demo import LISTING, Services, load_scenario, services
from tracker.models import CheckSummary, EnrichSummary, FlagSummary, IngestSummary
from tracker.store import open_db
from tracker.store.schema import (
    Finding,
    HfRepo,
    Link,
    Paper,
    PaperState,
    RepoAlias,
    RepoHistory,
    Repository,
)
from tracker.store.search import include_name

SPEECH = "Token Merging for Streaming Speech Encoders"
SPEECH_KEY = "title:token merging for streaming speech encoders"
SPEECH_REPO = "https://github.com/example-lab/speech-tome"
LATER_LISTING = (
    f"Nov 22\n\n{SPEECH}\n\nWe merge redundant tokens inside streaming speech encoders and halve "
    "latency at equal word error rate on three benchmarks. "
    f"Code will be released at {SPEECH_REPO}.\n"
)
GITLAB_KEY = "title:weisfeiler leman edge kernels for molecular property prediction"
FIRST_VERDICTS = {
    "arxiv:2511.14201": ("available", "code available", ""),
    # dated by arXiv's answer (two days before the scenario's today), not by the first sighting
    "arxiv:2511.14202": ("pending", "promised — due in 88 days", ""),
    "arxiv:2511.14203": ("available", "code available", ""),
    "arxiv:2511.14204": ("placeholder", "placeholder", "code_placeholder no_license"),
    "arxiv:2511.14205": ("none", "no code claimed", ""),
    "arxiv:2511.14206": ("available", "code available", "moved"),
    # its promised repository answers 404 inside the grace period: not created yet, not unknown
    SPEECH_KEY: ("pending", "promised — due in 90 days", ""),
    # code on GitLab, checked like GitHub's
    GITLAB_KEY: ("available", "code available", ""),
}
PLACEHOLDER_REASONS = 'no source files (only README.md)\nREADME says "coming soon"'
FIRST_REPOSITORIES = {
    # key: full name, status, HTTP, stars, license, source files, placeholder, reasons,
    # weights, dead confirmations
    "example-lab/sparse-routing": (
        "example-lab/sparse-routing", "ok", 200, 1200, "MIT", 4, False, "", True, 0
    ),
    "example-lab/pixeldiff": (
        "example-lab/pixeldiff", "ok", 200, 410, "Apache-2.0", 4, False, "", True, 0
    ),
    "example-lab/household-bench": (
        "example-lab/household-bench", "ok", 200, 57, None, 0, True, PLACEHOLDER_REASONS, False, 0
    ),
    "example-lab/random-feature-attention": (
        "example-lab/random-feature-attention", "moved", 301, 95, "BSD-3-Clause", 3, False, "",
        False, 0,
    ),
    "tokenizer-fan/vocab-scaling-repro": (
        "tokenizer-fan/vocab-scaling-repro", "ok", 200, 6, None, 1, False, "", False, 0
    ),
    "example-lab/speech-tome": (
        "example-lab/speech-tome", "not_found", 404, None, None, None, None, "", None, 1
    ),
    # the first version's repository, still linked from the project page: deleted since
    "example-lab/pixeldiff-v1": (
        "example-lab/pixeldiff-v1", "not_found", 404, None, None, None, None, "", None, 1
    ),
    "gitlab.com/example-chem/wl-edge-kernels": (
        "gitlab.com/example-chem/wl-edge-kernels", "ok", 200, 34, "MIT", 3, False, "", False, 0
    ),
}  # fmt: skip


@dataclass(frozen=True)
class World:
    """The running emulators, the listings to ingest and the database under test."""

    svc: Services
    paths: list[str]
    engine: Engine
    db_url: str


@dataclass(frozen=True)
class Ran:
    ingested: IngestSummary
    found: EnrichSummary
    checked: CheckSummary
    flagged: FlagSummary


def run_pipeline(w: World, max_age: dt.timedelta = dt.timedelta(hours=12)) -> Ran:
    """`tracker run`'s stages (`pipeline.run`), with its default re-check age."""
    cfg = w.svc.settings(w.db_url)
    ingested: list[IngestSummary] = []

    def read() -> list[str]:
        ingested.append(pipeline.ingest(w.engine, w.paths, command="run"))
        return []

    plan = replace(w.svc.plan(), check={"max_age": max_age, "connect_to": w.svc.check_routes()})
    ran = pipeline.run(w.engine, cfg, read, plan)
    assert ran.found is not None and ran.checked is not None
    return Ran(ingested[0], ran.found, ran.checked, ran.flagged)


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    scenario = load_scenario()
    created = dt.date.fromisoformat(scenario["now"][:10]) + dt.timedelta(days=20)
    scenario["github"]["repos"].append(
        {
            "owner": "example-lab",
            "name": "speech-tome",
            "created_at": created.isoformat(),
            "license": "MIT",
            "readme": "# Speech ToMe\n",
            "files": {"tome/merge.py": {"size": 3000}},
        }
    )
    later = tmp_path / "later.txt"
    later.write_text(LATER_LISTING, encoding="utf-8")
    engine = open_db(db_url)
    with services(scenario) as svc:
        yield World(svc, [str(LISTING), str(later)], engine, db_url)
    engine.dispose()


def verdicts(engine: Engine) -> dict[str, tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Paper.c.key, PaperState.c.verdict_kind, PaperState.c.verdict, PaperState.c.flags
            ).join(PaperState)
        )
        return {key: (kind, text, flags) for key, kind, text, flags in rows}


def discovered(engine: Engine) -> set[tuple[Any, ...]]:
    """Links found beyond the abstract, with where each came from."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Paper.c.key,
                Link.c.url,
                Link.c.kind,
                Link.c.role,
                Link.c.provenance,
                Link.c.official,
                Link.c.found_in,
                Link.c.confidence,
            )
            .join(Paper, Paper.c.id == Link.c.paper_id)
            .where(Link.c.provenance != "abstract")
        ).all()
    return {(*r[:-1], round(r[-1], 2)) for r in rows}


def repositories(engine: Engine) -> dict[str, tuple[Any, ...]]:
    cols = (
        Repository.c.full_name,
        Repository.c.status,
        Repository.c.http_status,
        Repository.c.stars,
        Repository.c.license_spdx,
        Repository.c.source_files,
        Repository.c.placeholder,
        Repository.c.placeholder_reasons,
        Repository.c.has_weights,
        Repository.c.dead_confirmations,
    )
    with engine.connect() as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute(select(Repository.c.key, *cols))}


def history(engine: Engine) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(Repository.c.key, RepoHistory.c.status)
            .join(Repository, Repository.c.id == RepoHistory.c.repository_id)
            .order_by(RepoHistory.c.id)
        )
        for key, status in rows:
            out.setdefault(key, []).append(status)
    return out


def row_counts(engine: Engine) -> dict[str, int]:
    names = [
        n
        for n in inspect(engine).get_table_names()
        if n != "alembic_version" and include_name(n, "table", {})  # not the search indexes
    ]
    with engine.connect() as conn:
        return {
            n: int(
                conn.execute(
                    select(func.count()).select_from(Paper.metadata.tables[n])
                ).scalar_one()
            )
            for n in names
        }


def open_findings(engine: Engine, key: str) -> set[tuple[str, str, str, str]]:
    """The stored (true or failed) probe answers of one paper."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Finding.c.code, Finding.c.outcome, Finding.c.subject, Finding.c.message)
            .join(Paper, Paper.c.id == Finding.c.paper_id)
            .where(Paper.c.key == key)
        )
        return {tuple(r) for r in rows}


def test_first_run_tells_each_papers_story(world: World) -> None:
    ran = run_pipeline(world)
    assert ran.ingested == IngestSummary(papers_seen=8, papers_new=8, links_seen=7, links_new=7)
    assert (ran.found.papers_enriched, ran.found.links_found, ran.found.arxiv_ids_found) == (
        8,
        4,
        6,
    )
    assert (ran.found.hf_repos_checked, ran.found.web_resolved, ran.found.unknown) == (1, 2, 0)
    # GitHub: one GraphQL query; GitLab: the project, its tree, three files and its releases;
    # then the archives asked about every code repository and page (Software Heritage keeps
    # only the deleted first version of PixelDiff), and one more query reads the open issues
    # of the one repository with an open promise
    assert ran.checked == CheckSummary(
        checked=8,
        changed=8,
        requests=7,
        points=1,
        transport="graphql + gitlab",
        archives_asked=9,
        requests_asked=1,
        requests_points=1,
    )
    assert verdicts(world.engine) == FIRST_VERDICTS
    assert discovered(world.engine) == {
        # the project page's Code button (not its template credit)
        (
            "arxiv:2511.14203",
            "https://github.com/example-lab/pixeldiff",
            "github_repo",
            "code",
            "project_page",
            "official",
            "https://pixeldiff-demo.github.io",
            0.85,
        ),
        # its "Code (v1)" button: a repository deleted since
        (
            "arxiv:2511.14203",
            "https://github.com/example-lab/pixeldiff-v1",
            "github_repo",
            "code",
            "project_page",
            "official",
            "https://pixeldiff-demo.github.io",
            0.85,
        ),
        # where the shortlink led, under the name the paper's authors gave it
        (
            "arxiv:2511.14206",
            "https://github.com/example-lab/rfa-revisited",
            "github_repo",
            "code",
            "shortlink",
            "official",
            "https://bit.ly/rfa-revisited",
            0.95,
        ),
        # a stranger's reproduction: found by searching the arXiv ID, never the paper's code
        (
            "arxiv:2511.14205",
            "https://github.com/tokenizer-fan/vocab-scaling-repro",
            "github_repo",
            "code",
            "github_search",
            "community",
            f"{world.svc.github.url}/search/repositories?q=2511.14205",
            0.4,
        ),
    }
    assert repositories(world.engine) == FIRST_REPOSITORIES
    with world.engine.connect() as conn:
        aliases = dict(
            conn.execute(
                select(RepoAlias.c.alias, Repository.c.key).join(
                    Repository, Repository.c.id == RepoAlias.c.repository_id
                )
            ).all()
        )
        hub = set(conn.execute(select(HfRepo.c.key, HfRepo.c.status, HfRepo.c.weight_files)))
        shortlinks = set(
            conn.execute(select(Link.c.url, Link.c.resolved_url).where(Link.c.kind == "shortlink"))
        )
    assert aliases == {"example-lab/rfa-revisited": "example-lab/random-feature-attention"}
    assert hub == {("model/example-lab/pixeldiff-xl", "ok", "model.safetensors")}
    assert shortlinks == {
        ("https://bit.ly/rfa-revisited", "https://github.com/example-lab/rfa-revisited")
    }
    assert history(world.engine) == {key: [row[1]] for key, row in FIRST_REPOSITORIES.items()}


def test_a_second_run_adds_no_rows_and_changes_no_verdict(world: World) -> None:
    first = run_pipeline(world)
    counts = row_counts(world.engine)
    second = run_pipeline(world)
    assert second == Ran(
        IngestSummary(papers_seen=8, papers_new=0, links_seen=7, links_new=0),
        EnrichSummary(),
        CheckSummary(transport="graphql"),
        first.flagged,
    )
    assert row_counts(world.engine) == counts
    assert verdicts(world.engine) == FIRST_VERDICTS


def test_promised_code_created_later_is_delivered_and_reported(world: World, cli: Any) -> None:
    run_pipeline(world)
    assert open_findings(world.engine, SPEECH_KEY) == set()  # 404 in its grace period: awaited
    world.svc.github.advance(days=30)  # the authors create the repository
    ran = run_pipeline(world, max_age=dt.timedelta(0))
    assert (ran.checked.checked, ran.checked.changed) == (8, 1)
    with world.engine.connect() as conn:
        first_ok = conn.execute(
            select(Repository.c.first_ok_at).where(Repository.c.key == "example-lab/speech-tome")
        ).scalar_one()
    assert open_findings(world.engine, SPEECH_KEY) == {
        (
            "code_delivered",
            "true",
            SPEECH_REPO,
            f"code available at {SPEECH_REPO} since {first_ok.date()}",
        )
    }
    assert verdicts(world.engine) == {
        **FIRST_VERDICTS,
        SPEECH_KEY: ("available", "code available", ""),
    }
    assert history(world.engine)["example-lab/speech-tome"] == ["not_found", "ok"]
    assert {k: len(v) for k, v in history(world.engine).items()} == {
        **dict.fromkeys(FIRST_REPOSITORIES, 1),
        "example-lab/speech-tome": 2,
    }

    result = cli("diff", "--since", "1d", "--format", "json", "--db", world.db_url)
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)["events"]
    got = [(e["kind"], e["paper"], e["repository"], e["before"], e["after"]) for e in events]
    # Everything happened within the day, but only the promised repository was seen without code
    # first: repositories that had code when first checked are observations, not deliveries.
    assert got == [
        ("code_delivered", SPEECH_KEY, "example-lab/speech-tome", "", "code"),
        ("license_added", SPEECH_KEY, "example-lab/speech-tome", "", "MIT"),
    ]


def test_tracker_demo_through_the_entry_point(tmp_path: Path, cli: Any) -> None:
    result = cli("demo", env={"TMPDIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    db = result.stderr.split("database: ", 1)[1].split()[0]
    assert db.startswith(f"sqlite:///{tmp_path}") and Path(db.removeprefix("sqlite:///")).is_file()
    lines = [ln.strip() for ln in result.stdout.splitlines()]
    shown = lines[lines.index("What this showed:") + 1 :]
    assert shown == [
        "7 papers from the bundled listing, checked against local emulators of GitHub, GitLab, "
        "the Hugging Face Hub, arXiv and the web (no network, no account)",
        "verdicts: 4 available, 1 placeholder, 1 pending, 1 none",
        "beyond the abstract: 4 links found (1 github_search, 2 project_page, 1 shortlink); "
        "arXiv IDs matched by exact title: 6; Hub repositories checked: 1",
        "code hosts (graphql + gitlab): 7 repositories checked; linked repositories 1 moved, "
        "1 not_found, 5 ok",
        "flags: 1 code_placeholder, 1 moved, 1 no_license",
        f"Explore it: tracker report --db {db}",
    ]
    for text in ("promised — due in 88 days", "placeholder", "code_placeholder, no_license"):
        assert text in result.stdout
    assert "7 repositories checked (graphql + gitlab; 7 changed, 0 unknown)" in result.stderr
    exported = cli("export", "--db", db, "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    papers = [json.loads(line) for line in exported.stdout.splitlines()]
    assert demo_cards(papers) == DEMO_CARDS


DEMO_CARDS = {
    # every item of the checklist: requirements, train.py, evaluate.py, a release checkpoint
    # and a results table with the commands
    "full score": ["arxiv:2511.14201"],
    # some items, not all: Hub weights only, an evaluation script only, a training command only
    "partial checklist": ["arxiv:2511.14203", "arxiv:2511.14206", GITLAB_KEY],
    # a placeholder whose issues ask for the code and the data
    "open requests": [
        (
            "arxiv:2511.14204",
            [(2, "Dataset download link?"), (1, "When will the code be released?")],
        )
    ],
    # the project page still links a deleted repository that Software Heritage keeps
    "archived dead link": [("arxiv:2511.14203", "https://github.com/example-lab/pixeldiff-v1")],
}
"""`tracker demo` shows a paper of each kind of reproducibility card."""


def demo_cards(papers: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The exported papers sorted into the kinds of reproducibility card."""
    return {
        "full score": [p["key"] for p in papers if p["checklist_score"] == 5],
        "partial checklist": [p["key"] for p in papers if p["checklist_score"] in (1, 2, 3, 4)],
        "open requests": [
            (p["key"], [(r["number"], r["title"]) for r in p["open_requests"]])
            for p in papers
            if p["open_requests"]
        ],
        "archived dead link": [
            (p["key"], lk["url"])
            for p in papers
            for lk in p["links"]
            if lk["repo_status"] == "not_found" and lk["archived_url"]
        ],
    }


def test_scenario_dates_follow_today_and_nothing_else_moves() -> None:
    scenario = load_scenario(today=dt.date(2030, 1, 10))  # 50 days after the stored clock
    sparse = scenario["github"]["repos"][0]
    pixeldiff_xl = scenario["huggingface"]["models"]["example-lab/pixeldiff-xl"]
    assert scenario["now"] == "2030-01-10T00:00:00Z"
    assert (sparse["created_at"], sparse["stars"]) == (
        "2029-11-21",
        {"2029-11-21": 3, "2030-01-08": 640, "2030-01-09": 1200},
    )
    assert pixeldiff_xl["lastModified"] == "2030-01-08T12:00:00.000Z"
    assert [p["id"] for p in scenario["arxiv"]["papers"]][:2] == ["2511.14201", "2511.14202"]
