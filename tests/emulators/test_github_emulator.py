"""Contract tests: the real clients (PyGithub, raw HTTP) read the GitHub emulator as GitHub."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from github import Auth, Github, GithubException, UnknownObjectException
from github.Requester import Requester
from graphql import parse, validate

import tracker.emulators.github as ghpkg
from tracker.emulators.github import GitHubEmulator, load_scenario
from tracker.emulators.github.graphql_api import github_schema
from tracker.emulators.github.synth import KINDS, synthetic_scenario

SCENARIO_DOC = Path(ghpkg.__file__).with_name("SCENARIO.md")
AUTH = {"Authorization": "bearer t0ken"}


def doc_example() -> dict[str, Any]:
    """The full example of SCENARIO.md: the documentation must stay a working scenario."""
    blocks = re.findall(r"```json\n(.*?)```", SCENARIO_DOC.read_text(), re.S)
    return json.loads(blocks[-1])


@pytest.fixture
def gh() -> Iterator[GitHubEmulator]:
    with GitHubEmulator(doc_example()) as emulator:
        yield emulator


@pytest.fixture
def client(gh: GitHubEmulator) -> Github:
    """PyGithub as the checker builds it; its client-side throttle is off to keep tests quick."""
    return Github(
        base_url=gh.url,
        auth=Auth.Token("t0ken"),
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


# -- REST through PyGithub -------------------------------------------------------------------------


def test_repository_fields_read_by_pygithub(client: Github) -> None:
    repo = client.get_repo("vision-lab/fast-diffusion")
    got = {
        "full_name": repo.full_name,
        "owner": (repo.owner.login, repo.owner.type),
        "description": repo.description,
        "homepage": repo.homepage,
        "language": repo.language,
        "topics": repo.topics,
        "stars": repo.stargazers_count,
        "forks": repo.forks_count,
        "subscribers": repo.subscribers_count,
        "license": repo.license.spdx_id,
        "default_branch": repo.default_branch,
        "archived": repo.archived,
        "fork": repo.fork,
        "created_at": repo.created_at,
        "pushed_at": repo.pushed_at,
        "html_url": repo.html_url,
        "organization": repo.organization.login,
    }
    assert got == {
        "full_name": "vision-lab/fast-diffusion",
        "owner": ("vision-lab", "Organization"),
        "description": "Official code for Fast Diffusion (NeurIPS 2024)",
        "homepage": "https://vision-lab.github.io/fast-diffusion",
        "language": "Python",
        "topics": ["diffusion", "pytorch"],
        "stars": 850,
        "forks": 40,
        "subscribers": 12,
        "license": "Apache-2.0",
        "default_branch": "main",
        "archived": False,
        "fork": False,
        "created_at": datetime(2024, 3, 1, tzinfo=UTC),
        "pushed_at": datetime(2024, 4, 10, tzinfo=UTC),
        "html_url": "https://github.com/vision-lab/fast-diffusion",
        "organization": "vision-lab",
    }


def test_contents_commits_tree_license_readme(gh: GitHubEmulator, client: Github) -> None:
    repo = client.get_repo("vision-lab/fast-diffusion")
    lic = repo.get_license()
    assert (lic.path, lic.license.spdx_id, lic.license.key) == (
        "LICENSE",
        "Apache-2.0",
        "apache-2.0",
    )
    readme = repo.get_readme()
    assert readme.decoded_content == b"# Fast Diffusion\n\nTrain with `python train.py`.\n"
    commit = repo.get_commits()[0]
    assert (commit.commit.message, commit.commit.author.date) == (
        "Release code",
        datetime(2024, 4, 10, tzinfo=UTC),
    )
    assert repo.get_commits().totalCount == 2
    root = {(c.path, c.type) for c in repo.get_contents("")}
    assert root == {
        (".gitattributes", "file"),
        ("LICENSE", "file"),
        ("README.md", "file"),
        ("src", "dir"),
        ("train.py", "file"),
        ("weights", "dir"),
    }
    tree = repo.get_git_tree(repo.default_branch, recursive=True)
    assert [(e.path, e.type, e.size) for e in tree.tree] == [
        (".gitattributes", "blob", 50),
        ("LICENSE", "blob", 24),
        ("README.md", "blob", 48),
        ("src", "tree", None),
        ("src/model.py", "blob", 13),
        ("train.py", "blob", 12000),
        ("weights", "tree", None),
        ("weights/model.safetensors", "blob", 134),
    ]
    attrs = repo.get_contents(".gitattributes")
    assert b"filter=lfs" in attrs.decoded_content
    raw = httpx.get(
        f"{gh.url}/repos/vision-lab/fast-diffusion/readme",
        headers={**AUTH, "Accept": "application/vnd.github.raw+json"},
    )
    assert raw.content == readme.decoded_content


def test_releases_and_assets(client: Github) -> None:
    repo = client.get_repo("vision-lab/fast-diffusion")
    releases = [
        (r.tag_name, r.published_at, [(a.name, a.size, a.download_count) for a in r.get_assets()])
        for r in repo.get_releases()
    ]
    assert releases == [
        (
            "v1.0",
            datetime(2024, 4, 12, tzinfo=UTC),
            [("model.safetensors", 1_700_000_000, 321)],
        )
    ]
    assert repo.get_latest_release().tag_name == "v1.0"
    assert [t.name for t in repo.get_tags()] == ["v1.0"]
    assert repo.get_branch("main").commit.sha == repo.get_commits()[0].sha
    with pytest.raises(UnknownObjectException):
        client.get_repo("bob/custom-license").get_latest_release()


def test_rename_redirects_and_repository_id(gh: GitHubEmulator, client: Github) -> None:
    repo = client.get_repo("alice/old-name")
    assert repo.full_name == "alice/new-name"
    raw = httpx.get(f"{gh.url}/repos/alice/old-name", headers=AUTH)
    assert raw.status_code == 301
    assert raw.headers["location"] == f"{gh.url}/repositories/{repo.id}"
    assert raw.json()["message"] == "Moved Permanently"


def test_missing_blocked_empty_private(gh: GitHubEmulator, client: Github) -> None:
    with pytest.raises(UnknownObjectException) as missing:
        client.get_repo("bob/gone")
    assert missing.value.data["message"] == "Not Found"
    with pytest.raises(GithubException) as blocked:
        client.get_repo("bob/blocked")
    assert blocked.value.status == 451
    assert blocked.value.data["block"]["reason"] == "dmca"
    empty = client.get_repo("bob/empty")
    with pytest.raises(GithubException) as conflict:
        empty.get_commits()[0]
    assert (conflict.value.status, conflict.value.data["message"]) == (
        409,
        "Git Repository is empty.",
    )
    assert httpx.get(f"{gh.url}/repos/bob/hidden").status_code == 404
    assert httpx.get(f"{gh.url}/repos/bob/hidden", headers=AUTH).status_code == 404
    assert client.get_repo("bob/custom-license").license.spdx_id == "NOASSERTION"
    assert (
        client.get_repo("carol/fork-of-diffusion").parent.full_name == "vision-lab/fast-diffusion"
    )


def test_private_repo_visible_to_its_owner_token() -> None:
    scenario = {
        "tokens": {"alice-token": "alice"},
        "repos": [{"owner": "alice", "name": "secret", "readme": "x", "private": True}],
    }
    with GitHubEmulator(scenario) as gh:
        owner = httpx.get(
            f"{gh.url}/repos/alice/secret", headers={"Authorization": "token alice-token"}
        )
        stranger = httpx.get(f"{gh.url}/repos/alice/secret")
        bad = httpx.get(f"{gh.url}/repos/alice/secret", headers={"Authorization": "token nope"})
    assert (owner.status_code, owner.json()["private"]) == (200, True)
    assert stranger.status_code == 404
    assert (bad.status_code, bad.json()["message"]) == (401, "Bad credentials")


def test_time_travel_shows_repo_gaining_code(gh: GitHubEmulator, client: Github) -> None:
    def paths() -> list[str]:
        repo = client.get_repo("alice/sparse-attn")
        return [e.path for e in repo.get_git_tree("HEAD", recursive=True).tree]

    assert paths() == ["README.md"]
    with pytest.raises(UnknownObjectException):
        client.get_repo("carol/future")
    gh.set_time(datetime(2025, 3, 1, tzinfo=UTC))
    assert paths() == ["README.md", "sparse", "sparse/attn.py"]
    assert client.get_repo("carol/future").full_name == "carol/future"


def test_pagination_link_headers(gh: GitHubEmulator) -> None:
    first = httpx.get(f"{gh.url}/repos/vision-lab/fast-diffusion/commits?per_page=1", headers=AUTH)
    assert len(first.json()) == 1
    links = first.headers["link"]
    assert (
        f'<{gh.url}/repos/vision-lab/fast-diffusion/commits?per_page=1&page=2>; rel="next"' in links
    )
    assert 'page=2>; rel="last"' in links
    second = httpx.get(first.links["next"]["url"], headers=AUTH)
    assert second.json()[0]["commit"]["message"] == "Initial commit"
    assert 'rel="prev"' in second.headers["link"]


def test_users_orgs_and_search(gh: GitHubEmulator, client: Github) -> None:
    assert client.get_user("alice").public_repos == 2
    assert [r.name for r in client.get_user("alice").get_repos()] == ["new-name", "sparse-attn"]
    assert client.get_organization("vision-lab").name == "Vision Lab"
    with pytest.raises(UnknownObjectException):
        client.get_organization("alice")
    found = client.search_repositories("coming soon")
    assert [r.full_name for r in found] == ["alice/sparse-attn"]
    assert gh.requests[-1].path == "/search/repositories"
    search = httpx.get(f"{gh.url}/search/repositories?q=diffusion", headers=AUTH)
    assert search.headers["x-ratelimit-resource"] == "search"
    assert search.headers["x-ratelimit-limit"] == "30"


def test_issues_create_list_update_comment(gh: GitHubEmulator, client: Github) -> None:
    anon = httpx.post(f"{gh.url}/repos/alice/sparse-attn/issues", json={"title": "x"})
    assert (anon.status_code, anon.json()["message"]) == (401, "Requires authentication")
    repo = client.get_repo("alice/sparse-attn")
    issue = repo.create_issue(
        "Code still missing", body="The paper promised code.", labels=["tracker"]
    )
    repo.create_issue("Unrelated", labels=["question"])
    assert issue.number == 1
    listed = [i.title for i in repo.get_issues(state="open", labels=["tracker"])]
    assert listed == ["Code still missing"]
    issue.create_comment("Still missing after 90 days.")
    issue.edit(state="closed")
    stored = gh.issues["alice/sparse-attn"][0]
    assert (stored["state"], stored["closed_at"], [c["body"] for c in stored["comments"]]) == (
        "closed",
        "2025-01-15T00:00:00Z",
        ["Still missing after 90 days."],
    )
    assert [i.title for i in repo.get_issues(state="open")] == ["Unrelated"]


# -- caching and rate limits ----------------------------------------------------------------------


def test_etag_and_last_modified_give_free_304(gh: GitHubEmulator) -> None:
    url = f"{gh.url}/repos/vision-lab/fast-diffusion"
    first = httpx.get(url, headers=AUTH)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('W/"')
    assert modified == format_datetime(datetime(2024, 9, 1, tzinfo=UTC), usegmt=True)
    again = httpx.get(url, headers={**AUTH, "If-None-Match": etag})
    since = httpx.get(url, headers={**AUTH, "If-Modified-Since": modified})
    assert (again.status_code, again.content, since.status_code) == (304, b"", 304)
    assert again.headers["x-ratelimit-used"] == since.headers["x-ratelimit-used"] == "1"
    assert httpx.get(url, headers=AUTH).headers["etag"] == etag
    gh.set_time(datetime(2025, 3, 1, tzinfo=UTC))
    assert httpx.get(url, headers={**AUTH, "If-None-Match": etag}).status_code == 304
    assert [r.status for r in gh.requests] == [200, 304, 304, 200, 304]
    assert gh.requests[0].summary() == {
        "method": "GET",
        "path": "/repos/vision-lab/fast-diffusion",
        "query": {},
        "authorized": True,
        "status": 200,
        "fault": None,
    }
    assert gh.requests[0].headers["authorization"] == "***"


def test_primary_limit_exhaustion_and_reset() -> None:
    scenario = {"rate_limits": {"core": {"unauthenticated": 2, "window_s": 1}}, "repos": []}
    with GitHubEmulator(scenario) as gh:
        statuses = [httpx.get(f"{gh.url}/users/nobody") for _ in range(3)]
        limited = statuses[-1]
        time.sleep(1.1)
        after_reset = httpx.get(f"{gh.url}/users/nobody")
    assert [r.status_code for r in statuses] == [404, 404, 403]
    assert limited.json()["message"].startswith("API rate limit exceeded for ")
    assert Requester.isPrimaryRateLimitError(limited.json()["message"])
    h = limited.headers
    assert (h["x-ratelimit-limit"], h["x-ratelimit-remaining"], h["x-ratelimit-used"]) == (
        "2",
        "0",
        "2",
    )
    assert h["x-ratelimit-resource"] == "core"
    assert -1 <= int(h["x-ratelimit-reset"]) - time.time() <= 2  # whole seconds, rounded down
    assert (after_reset.status_code, after_reset.headers["x-ratelimit-remaining"]) == (404, "1")


def test_rate_limit_endpoint_is_free_and_reports_buckets(gh: GitHubEmulator) -> None:
    httpx.get(f"{gh.url}/repos/bob/gone")
    body = httpx.get(f"{gh.url}/rate_limit").json()
    core = body["resources"]["core"]
    assert (core["limit"], core["used"], core["remaining"]) == (60, 1, 59)
    assert body["rate"] == core
    assert body["resources"]["search"]["limit"] == 10


def test_secondary_limit_answers_retry_after() -> None:
    scenario = {
        "rate_limits": {"secondary": {"max_requests": 3, "window_s": 60, "retry_after_s": 7}}
    }
    with GitHubEmulator(scenario) as gh:
        answers = [httpx.get(f"{gh.url}/users/nobody", headers=AUTH) for _ in range(4)]
    last = answers[-1]
    assert [a.status_code for a in answers] == [404, 404, 404, 403]
    assert last.headers["retry-after"] == "7"
    assert Requester.isSecondaryRateLimitError(last.json()["message"])
    assert last.headers["x-ratelimit-remaining"] == "4997"


# -- GraphQL -------------------------------------------------------------------------------------------

REPO_FIELDS = """
  nameWithOwner name owner { login } description homepageUrl stargazerCount forkCount
  watchers { totalCount } issues(states: OPEN) { totalCount }
  repositoryTopics(first: 10) { nodes { topic { name } } } primaryLanguage { name }
  createdAt pushedAt isArchived isDisabled isFork isPrivate isEmpty parent { nameWithOwner }
  licenseInfo { spdxId key name }
  defaultBranchRef { name target { ... on Commit { committedDate oid
    history(first: 1) { nodes { committedDate } }
    tree { entries { name type path object { ... on Blob { byteSize text } } } } } } }
  readme: object(expression: "HEAD:README.md") { ... on Blob { text byteSize oid } }
  root: object(expression: "HEAD:") { ... on Tree { entries { name type } } }
  releases(first: 5, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount
    nodes { tagName publishedAt releaseAssets(first: 10) { nodes { name size downloadCount } } } }
  latestRelease { tagName }
"""
BATCH = (
    "query Batch {\n"
    '  r0: repository(owner: "vision-lab", name: "fast-diffusion") { ...F }\n'
    '  r1: repository(owner: "nobody", name: "nothing") { ...F }\n'
    '  r2: repository(owner: "alice", name: "old-name") { ...F }\n'
    '  r3: repository(owner: "bob", name: "blocked") { ...F }\n'
    "  rateLimit { cost limit remaining used nodeCount resetAt }\n"
    "  viewer { login }\n"
    "}\n"
    f"fragment F on Repository {{ {REPO_FIELDS} }}"
)
COSTLY = (
    "{ "
    + " ".join(
        f'r{i}: repository(owner: "vision-lab", name: "fast-diffusion") '
        "{ releases(first: 100) { nodes { releaseAssets(first: 100) { nodes { name } } } } }"
        for i in range(3)
    )
    + " rateLimit { cost nodeCount } }"
)
SEARCH = (
    '{ search(query: "coming soon", type: REPOSITORY, first: 5) '
    "{ repositoryCount nodes { ... on Repository { nameWithOwner } } } }"
)
ALL_QUERIES = [BATCH, COSTLY, SEARCH]


def post(gh: GitHubEmulator, query: str, headers: dict[str, str] | None = AUTH) -> httpx.Response:
    return httpx.post(gh.graphql_url, json={"query": query}, headers=headers, timeout=30)


@pytest.mark.parametrize("query", ALL_QUERIES, ids=["batch", "costly", "search"])
def test_queries_used_here_validate_against_github_schema(query: str) -> None:
    assert validate(github_schema(), parse(query)) == []


def test_graphql_batch_keeps_going_past_missing_and_blocked(gh: GitHubEmulator) -> None:
    answer = post(gh, BATCH)
    body = answer.json()
    data = body["data"]
    assert answer.status_code == 200
    assert (data["r1"], data["r3"]) == (None, None)
    assert [{k: e[k] for k in ("type", "path", "message")} for e in body["errors"]] == [
        {
            "type": "NOT_FOUND",
            "path": ["r1"],
            "message": "Could not resolve to a Repository with the name 'nobody/nothing'.",
        },
        {"type": "FORBIDDEN", "path": ["r3"], "message": "Repository access blocked"},
    ]
    assert data["r2"]["nameWithOwner"] == "alice/new-name"
    r0 = data["r0"]
    target = r0["defaultBranchRef"]["target"]
    assert {
        "stars": r0["stargazerCount"],
        "watchers": r0["watchers"]["totalCount"],
        "topics": [n["topic"]["name"] for n in r0["repositoryTopics"]["nodes"]],
        "license": r0["licenseInfo"],
        "committed": target["committedDate"],
        "history": target["history"]["nodes"],
        "readme": r0["readme"]["text"],
        "root": [e["name"] for e in r0["root"]["entries"]],
        "releases": r0["releases"],
        "latest": r0["latestRelease"],
        "empty": r0["isEmpty"],
    } == {
        "stars": 850,
        "watchers": 12,
        "topics": ["diffusion", "pytorch"],
        "license": {"spdxId": "Apache-2.0", "key": "apache-2.0", "name": "Apache License 2.0"},
        "committed": "2024-04-10T00:00:00Z",
        "history": [{"committedDate": "2024-04-10T00:00:00Z"}],
        "readme": "# Fast Diffusion\n\nTrain with `python train.py`.\n",
        "root": [".gitattributes", "LICENSE", "README.md", "src", "train.py", "weights"],
        "releases": {
            "totalCount": 1,
            "nodes": [
                {
                    "tagName": "v1.0",
                    "publishedAt": "2024-04-12T00:00:00Z",
                    "releaseAssets": {
                        "nodes": [
                            {"name": "model.safetensors", "size": 1700000000, "downloadCount": 321}
                        ]
                    },
                }
            ],
        },
        "latest": {"tagName": "v1.0"},
        "empty": False,
    }
    assert data["viewer"] == {"login": "alice"}
    assert answer.headers["x-ratelimit-resource"] == "graphql"


def test_graphql_cost_auth_and_validation_errors(gh: GitHubEmulator) -> None:
    costly = post(gh, COSTLY)
    assert costly.json()["data"]["rateLimit"] == {"cost": 3, "nodeCount": 30300}
    assert (gh.points_used, costly.headers["x-ratelimit-used"]) == (3, "3")
    anonymous = post(gh, SEARCH, headers=None)
    assert anonymous.status_code == 401
    invalid = post(gh, '{ repository(owner: "a", name: "b") { noSuchField } }')
    assert invalid.status_code == 200
    assert invalid.json()["errors"][0]["message"] == (
        "Cannot query field 'noSuchField' on type 'Repository'."
    )
    too_many = post(
        gh, '{ search(query: "x", type: REPOSITORY, first: 101) { nodes { __typename } } }'
    )
    assert too_many.json()["errors"][0]["type"] == "EXCESSIVE_PAGINATION"
    found = post(gh, SEARCH).json()["data"]["search"]
    assert found == {"repositoryCount": 1, "nodes": [{"nameWithOwner": "alice/sparse-attn"}]}
    assert gh.points_used == 4


def test_graphql_points_exhausted_answer_rate_limited() -> None:
    scenario = {**doc_example(), "rate_limits": {"graphql": {"authenticated": 4}}}
    with GitHubEmulator(scenario) as gh:
        spent = post(gh, COSTLY)
        refused = post(gh, COSTLY)
    assert spent.headers["x-ratelimit-remaining"] == "1"
    assert refused.status_code == 200
    assert [e["type"] for e in refused.json()["errors"]] == ["RATE_LIMITED"]
    assert refused.json()["errors"][0]["message"].startswith("API rate limit already exceeded")
    assert gh.points_used == 3


def test_graphql_node_budget_times_out_like_github(gh: GitHubEmulator) -> None:
    gh.faults = {"graphql_node_budget": 1000}
    assert post(gh, SEARCH).status_code == 200
    timed_out = post(gh, COSTLY)
    assert timed_out.status_code == 502
    assert timed_out.json()["errors"][0]["message"].startswith("Something went wrong")


# -- faults, concurrency, tooling ------------------------------------------------------------------


def fault_run(seed: int) -> list[str]:
    faults = {"error_rate": 0.25, "reset_rate": 0.15, "malformed_rate": 0.15, "seed": seed}
    outcomes = []
    with GitHubEmulator(doc_example(), faults=faults) as gh, httpx.Client() as http:
        for _ in range(30):
            try:
                r = http.get(f"{gh.url}/repos/alice/sparse-attn", headers=AUTH)
                r.json()
                outcomes.append(str(r.status_code))
            except httpx.TransportError:
                outcomes.append("reset")
            except json.JSONDecodeError:
                outcomes.append("malformed")
    return outcomes


def test_fault_injection_is_reproducible_with_a_seed() -> None:
    first, again, other = fault_run(7), fault_run(7), fault_run(8)
    assert first == again
    assert first != other
    assert {"200", "reset", "malformed"} <= set(first)
    assert set(first) - {"200", "reset", "malformed"} <= {"500", "502", "503", "504"}


def test_slow_fault_outlasts_the_client_timeout(gh: GitHubEmulator) -> None:
    gh.faults = {"slow_rate": 1.0, "slow_s": 0.6, "only_paths": ["/repos/"]}
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{gh.url}/repos/bob/empty", timeout=0.2)
    assert httpx.get(f"{gh.url}/users/bob", timeout=0.2).status_code == 200
    assert [(r.path, r.fault) for r in gh.requests] == [
        ("/repos/bob/empty", "slow"),
        ("/users/bob", None),
    ]


def test_latency_sleeps_per_request_not_per_server() -> None:
    with GitHubEmulator(doc_example(), faults={"latency_ms": 200}) as gh:
        start = time.perf_counter()
        threads = [
            threading.Thread(target=httpx.get, args=(f"{gh.url}/repos/bob/empty",))
            for _ in range(20)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
    assert 0.2 <= elapsed < 3.5  # one after another would take 4 s
    assert len(gh.requests) == 20


def test_synthetic_scenario_is_deterministic_and_mixed() -> None:
    a, b = synthetic_scenario(400, seed=3), synthetic_scenario(400, seed=3)
    assert a == b
    assert {r["_kind"] for r in a["repos"]} == set(KINDS)
    placeholder = next(r for r in a["repos"] if r["_kind"] == "placeholder")
    with GitHubEmulator(a) as gh:
        readme = httpx.get(f"{gh.url}/repos/{placeholder['owner']}/{placeholder['name']}/readme")
    assert b"Code coming soon" in base64.b64decode(readme.json()["content"])


def test_load_scenario_rejects_repos_without_names(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"repos": [{"description": "no name"}]}))
    with pytest.raises(ValueError, match=r"repos\[0\]"):
        load_scenario(path)


def test_cli_serves_a_scenario_file(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(doc_example()))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker.emulators.github", "--scenario", str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert httpx.get(f"{url}/repos/bob/empty").json()["full_name"] == "bob/empty"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
