"""The typer application, shared options, and the one place that turns errors into exit codes.

Exit codes (documented in the README):
    0  done
    1  `--fail-on` findings present
    2  usage error (bad option or argument)
    3  bad input file
    4  database error
    5  configuration error
    6  done, but some links could not be checked (network, rate limit, budget); rerun later
"""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import Annotated

import typer
from rich.console import Console

from tracker.config import Settings, scrub
from tracker.errors import ConfigError, InputError, StoreError, TrackerError


class Exit(IntEnum):
    OK = 0
    FLAGGED = 1
    USAGE = 2
    BAD_INPUT = 3
    DATABASE = 4
    CONFIG = 5
    INCOMPLETE = 6
    INTERRUPTED = 130
    """Ctrl-C: each step is its own transaction, so what finished is kept and nothing half."""


app = typer.Typer(
    name="tracker",
    help="Keep machine-learning papers honest about their code.\n\n"
    "Example: tracker run examples/hf-trending.txt",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="TRACKER_DB",
        help="Database URL or SQLite path (default: sqlite:///tracker.db).",
        show_default=False,
    ),
]


def settings(db: str | None = None, **overrides: object) -> Settings:
    """Environment settings with command-line overrides applied."""
    return Settings.from_env().with_(db_url=db, **overrides)


def _code_for(exc: TrackerError) -> Exit:
    if isinstance(exc, InputError):
        return Exit.BAD_INPUT
    if isinstance(exc, StoreError):
        return Exit.DATABASE
    if isinstance(exc, ConfigError):
        return Exit.CONFIG
    return Exit.INCOMPLETE


def main() -> None:
    """Console entry point: expected conditions end with one line and an exit code."""
    secrets = Settings.from_env().secrets()
    try:
        code = app(standalone_mode=False)
    except TrackerError as exc:
        message = scrub(str(exc), secrets)
        err.print(f"[red]error:[/red] {message}", markup=True, highlight=False, soft_wrap=True)
        if exc.tip:
            err.print(f"Tip: {exc.tip}")
        sys.exit(_code_for(exc))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(Exit.INTERRUPTED)
    except KeyboardInterrupt:
        err.print("interrupted; what was committed is kept")
        sys.exit(Exit.INTERRUPTED)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        from click.exceptions import ClickException

        # typer vendors its own click: its usage errors are TyperExceptions, not click's
        if isinstance(exc, ClickException | typer.TyperException) and hasattr(exc, "show"):
            exc.show()
            sys.exit(getattr(exc, "exit_code", Exit.USAGE))
        raise
    if code == Exit.INTERRUPTED:  # typer turns Ctrl-C into this exit code, not an exception
        err.print("interrupted; what was committed is kept")
    if isinstance(code, int) and code:
        sys.exit(code)
