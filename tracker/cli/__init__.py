"""The `tracker` command line: one module per command group, each registering its commands on
the typer application (`tracker.cli.app.app`) when imported.

A command imports only its own module: `main` reads the command's name from the command line,
so `tracker report` never loads the checkers, the emulators or the PDF reader. When no command
is named (`tracker --help`, a usage error, a word that is no command), no command module is
loaded at all: the root lists each command from `SUMMARIES`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

MODULES = (
    "action",
    "archive",
    "check",
    "db",
    "demo",
    "enrich",
    "ingest",
    "merge",
    "report",
    "review",
    "run",
    "watch",
)
"""Every command module."""
COMMANDS = {
    "action": "action",
    "archive": "archive",
    "check": "check",
    "db": "db",
    "demo": "demo",
    "enrich": "enrich",
    "ingest": "ingest",
    "merge": "merge",
    "report": "report",
    "export": "report",
    "flag": "review",
    "show": "review",
    "diff": "review",
    "ack": "review",
    "run": "run",
    "watch": "watch",
}
"""Each command (or command group) and the module that registers it."""
SUMMARIES = {
    "run": "Ingest listings or feeds, find and check their code, flag problems, and show the "
    "papers.",
    "demo": "Run the whole pipeline offline on a bundled example, against local emulators.",
    "ingest": "Read paper listings or feeds, extract links and claims, and store them.",
    "watch": "Keep the list of feeds `tracker run` follows.",
    "enrich": "Find code and weights links beyond the abstract, with where each came from.",
    "check": "Check linked repositories on GitHub, GitLab, Codeberg, Bitbucket, the Hub and "
    "Zenodo.",
    "flag": "Run every probe on the stored papers and store findings, verdicts and checklists.",
    "report": "Show a summary and a table of stored papers with verdicts and flags.",
    "export": "Export stored papers as CSV, JSON, JSON Lines, Markdown or a self-contained HTML "
    "page.",
    "show": "Show one paper: links with provenance and evidence, repository history, every probe.",
    "diff": "Show what changed: code delivered, repositories died/moved/archived, licenses, "
    "weights, stars.",
    "ack": "Record a reviewed false positive; reports then show the flag as acknowledged.",
    "archive": "Request a Software Heritage save of released code that no archive keeps yet.",
    "merge": "Merge shard databases into one (idempotent), then flag the result.",
    "action": "Steps of the scheduled GitHub Action (outputs go to $GITHUB_OUTPUT).",
    "db": "Manage the database schema.",
}
"""Each command's one-line help as `tracker --help` lists it, in the order it lists them: the
first paragraph of the command's own help, written here so the list loads no command module
(tests/foundation/test_startup.py holds the two to each other)."""


def all_commands() -> typer.Typer:
    """The application with every command registered."""
    for module in MODULES:
        import_module(f"tracker.cli.{module}")
    from tracker.cli.app import app

    return app


def command_word(args: list[str]) -> str | None:
    """The command named on the command line: its first word that is not a root option (the
    root's options take no value, so no other word can come first)."""
    return next((a for a in args if not a.startswith("-")), None)


def list_commands(app: typer.Typer) -> None:
    """Register every command not registered yet as an entry of the root's help only: its name
    and `SUMMARIES` line, without importing its module. `main` does this only when the command
    line names no command, so an entry is never run."""
    registered = {c.name or (c.callback and c.callback.__name__) for c in app.registered_commands}
    registered |= {g.name for g in app.registered_groups}
    for name in (n for n in COMMANDS if n not in registered):
        app.command(name, help=SUMMARIES[name])(_listed_only(name))


def _listed_only(name: str) -> Callable[[], None]:
    def listed() -> None:
        raise RuntimeError(f"tracker {name} was listed for --help but its module was not loaded")

    return listed


def main() -> None:
    """Console entry point: registers the named command only, then runs the application."""
    from tracker.cli.app import app
    from tracker.cli.app import main as run

    word = command_word(sys.argv[1:])
    if word in COMMANDS:
        import_module(f"tracker.cli.{COMMANDS[word]}")
    else:
        list_commands(app)
    run()
