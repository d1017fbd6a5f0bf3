"""A local GitHub (REST v3 + GraphQL v4) for tests, benchmarks and offline demos.

    from tracker.emulators.github import GitHubEmulator, load_scenario

    with GitHubEmulator("scenario.json") as gh:
        Github(base_url=gh.url, auth=Auth.Token("t")).get_repo("org/repo")
        gh.advance(days=30)   # the scenario clock: later commits, renames, deletions appear

The scenario format is described in SCENARIO.md beside this file.
"""

from .scenario import load_scenario
from .server import GitHubEmulator

__all__ = ["GitHubEmulator", "load_scenario"]
