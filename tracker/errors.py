"""The error tree. Library code raises these; only `tracker.cli` turns them into exit codes.

TrackerError                 anything the tool reports as a one-line message
├── InputError               bad input: names the file and, when known, the line or entry
│   └── UnsupportedInput     a file whose format no source recognises
├── ConfigError              bad settings: database URL, token, options
├── StoreError               the database refused: locked, migration mismatch
└── CheckError               a checker could not run at all (not a per-link failure:
                              those are `CheckResult` values with a reason)
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base of every error the CLI reports as a message rather than a traceback."""

    tip: str = ""


class InputError(TrackerError):
    """An input file cannot be read; the message names it and the line or entry."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.detail = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class UnsupportedInput(InputError):
    """No source recognises the file's format."""


class ConfigError(TrackerError):
    """A setting is missing or invalid."""


class StoreError(TrackerError):
    """The database cannot be opened, migrated or written."""


class CheckError(TrackerError):
    """A checker cannot run at all (bad API URL, unusable credentials)."""
