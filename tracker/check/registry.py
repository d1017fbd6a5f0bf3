"""Every checker, in the order a pass runs them: adding a host is one line here."""

from __future__ import annotations

from tracker.check.bitbucket import BitbucketChecker
from tracker.check.gitea import GiteaChecker
from tracker.check.github.checker import GitHubChecker
from tracker.check.gitlab import GitLabChecker
from tracker.check.hf_code import HfCodeChecker
from tracker.check.interface import Checker
from tracker.check.zenodo import ZenodoChecker

CHECKERS: tuple[type[Checker], ...] = (
    GitHubChecker,
    GitLabChecker,
    GiteaChecker,
    BitbucketChecker,
    HfCodeChecker,
    ZenodoChecker,
)
"""GitHub first: most targets live there, and its rate limit is the one a budget governs."""
