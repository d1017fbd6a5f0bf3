"""GitHub: GraphQL batches and PyGithub REST, behind one `Checker`."""

from tracker.check.github.checker import GitHubChecker

__all__ = ["GitHubChecker"]
