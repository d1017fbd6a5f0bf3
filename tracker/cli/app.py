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

import importlib.machinery
import sys
from enum import IntEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

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


BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0"})


def _options(command: Any, ctx: Any) -> list[Any]:
    return [p for p in command.get_params(ctx) if p.param_type_name == "option"]


def _is_flag(option: Any) -> bool:
    return bool(option.is_flag or option.count)


def _refuse_flag_values(command: Any, name: str, ctx: Any, args: list[str]) -> None:
    """A flag takes no value: `--strict true` would read `true` as an argument (a file name for
    `ingest`), so a true/false word right after a flag is a usage error instead."""
    flags: dict[str, Any] = {}
    valued: set[str] = set()
    for option in _options(command, ctx):
        for opt in [*option.opts, *option.secondary_opts]:
            if _is_flag(option):
                flags[opt] = option
            else:
                valued.add(opt)
    i = 0
    while i < len(args) and args[i] != "--":
        word = args[i]
        if word in flags and i + 1 < len(args) and args[i + 1].lower() in BOOLEAN_WORDS:
            raise typer.BadParameter(
                f"a flag takes no value: write {word} alone, or leave it out "
                f"({args[i + 1]!r} would be read as an argument)",
                ctx=type(ctx)(command, info_name=name, parent=ctx),
                param=flags[word],
                param_hint=word,
            )
        i += 2 if word in valued else 1


class TrackerGroup(TyperGroup):
    """Command groups with the CLI's conventions for flags (every group passes `cls=` this)."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            # typer would show `<bool>` after a flag, as if it wanted a value: an empty metavar
            # shows the flag alone (the help option, created per command, is cached, so it
            # keeps it too).
            for option in _options(command, ctx):
                if _is_flag(option):
                    option.metavar = ""
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        for option in _options(self, ctx):
            if _is_flag(option):
                option.metavar = ""
        super().format_help(ctx, formatter)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not isinstance(command, TyperGroup):
            _refuse_flag_values(command, name or "", ctx, rest)
        return name, command, rest


def version_line() -> str:
    """The version, and whether extraction runs compiled (mypyc) or as pure Python: the build
    chooses at install time (hatch_build.py), and this is where a user can see which it chose."""
    import tracker.extract

    compiled = tracker.extract.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    return f"tracker {tracker.__version__} (extraction {'compiled' if compiled else 'pure Python'})"


def _version(value: bool) -> None:
    if value:
        print(version_line())
        raise typer.Exit(Exit.OK)


app = typer.Typer(
    name="tracker",
    cls=TrackerGroup,
    help="Keep machine-learning papers honest about their code.\n\n"
    "Example: tracker run examples/hf-trending.txt",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the version and whether extraction is compiled, and exit.",
        ),
    ] = False,
) -> None:
    """Keep machine-learning papers honest about their code.

    Example: tracker run examples/hf-trending.txt
    """


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
