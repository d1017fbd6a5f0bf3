"""The `tracker` command line: one module per command group, each registering its commands on
the typer application (`tracker.cli.app.app`) when imported.

A command imports only its own module: `main` reads the command's name from the command line,
so `tracker report` never loads the checkers, the emulators or the PDF reader. `--help` without
a command, or a word that is no command (which then gets click's suggestions), loads them all.
"""

from __future__ import annotations

import sys
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
"""Every command module, in the order their commands are listed."""
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


def all_commands() -> typer.Typer:
    """The application with every command registered."""
    for module in MODULES:
        import_module(f"tracker.cli.{module}")
    from tracker.cli.app import app

    return app


def command_word(args: list[str]) -> str | None:
    """The command named on the command line: its first word that is not a root option."""
    return next((a for a in args if not a.startswith("-")), None)


def main() -> None:
    """Console entry point: registers the named command only, then runs the application."""
    args = sys.argv[1:]
    word = command_word(args)
    if word in COMMANDS:
        import_module(f"tracker.cli.{COMMANDS[word]}")
    elif word is not None or "--version" not in args:
        all_commands()
    from tracker.cli.app import main as run

    run()
