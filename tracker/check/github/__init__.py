"""GitHub repository checks: GraphQL in batches with a token, REST through PyGithub without."""

from tracker.check.github.runner import Progress, check_repositories

__all__ = ["Progress", "check_repositories"]
