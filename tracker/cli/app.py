"""The typer application, shared options, and the one place that turns errors into exit codes.

Exit codes and what each means are defined once, in `Exit` (the README's table is held to it).
"""

from __future__ import annotations

import _thread
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Callable
from enum import IntEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from tracker.config import Settings, scrub
from tracker.errors import ConfigError, InputError, StoreError, TrackerError
from tracker.reports.text import printable


class Exit(IntEnum):
    """How a command ended. Each member carries its meaning: the line printed last on stderr when
    a command ends with a code a script should act on (`EXPLAINED`), and the README's table."""

    meaning: str

    def __new__(cls, code: int, meaning: str) -> Exit:
        member = int.__new__(cls, code)
        member._value_ = code
        member.meaning = meaning
        return member

    OK = 0, "done"
    FLAGGED = 1, "papers carry a flag listed in --fail-on"
    USAGE = 2, "the command line is wrong: unknown option, missing or invalid argument"
    BAD_INPUT = (
        3,
        "an input file, or a paper named on the command line, could not be read or found",
    )
    """An ingest is one transaction, so the database is as it was before the command."""
    DATABASE = (
        4,
        "the database could not be opened, migrated or written (see --db and TRACKER_DB)",
    )
    CONFIG = 5, "an option, token or environment variable is missing or wrong"
    INCOMPLETE = (
        6,
        (
            "some links could not be checked (no network, rate limit, budget); "
            "what was learned is stored, rerun later"
        ),
    )
    """Everything else ran: a scheduled job treats this as success and retries next time."""
    INTERRUPTED = (
        130,
        (
            "interrupted (Ctrl-C): finished steps and the committed batches of a check or flag "
            "are kept, nothing half written; rerun to go on"
        ),
    )
    """An ingest is one transaction; a check and a flag run commit batch by batch (what a flag
    run did not reach stays due, a check's run row says `interrupted`), so a rerun goes on."""


EXPLAINED = frozenset({Exit.FLAGGED, Exit.BAD_INPUT, Exit.DATABASE, Exit.CONFIG, Exit.INCOMPLETE})
"""Codes whose meaning ends stderr, so that a log read from the bottom says why the job failed:
the usage error and Ctrl-C say theirs already."""


def leave(code: int) -> None:
    """Exit with `code`, first saying in one line what it means when it is in `EXPLAINED`."""
    err.quiet = False  # --quiet silences progress and summaries, never why a command failed
    if code in EXPLAINED:
        meaning = next(e.meaning for e in EXPLAINED if e == code)
        err.print(f"exit {code}: {meaning}", markup=False, soft_wrap=True)
    sys.exit(code)


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

    def list_commands(self, ctx: Any) -> list[str]:
        """The root's commands in the order of `SUMMARIES`, whichever modules were imported
        first; a group's own commands in the order they were registered."""
        from tracker.cli import SUMMARIES

        names = super().list_commands(ctx)
        if ctx.parent is not None:
            return names
        order = {name: i for i, name in enumerate(SUMMARIES)}
        return sorted(names, key=lambda n: order.get(n, len(order)))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not isinstance(command, TyperGroup):
            _refuse_flag_values(command, name or "", ctx, rest)
        return name, command, rest


def version_line() -> str:
    """The version, and whether extraction and the probes run compiled (mypyc) or as pure
    Python: the build chooses for both at install time (hatch_build.py), and this is where a
    user can see which it chose. The file the import system would load for extraction tells,
    without running its imports."""
    import tracker

    spec = importlib.util.find_spec("tracker.extract")
    origin = (spec.origin if spec else None) or ""
    compiled = origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    built = "extraction and probes compiled" if compiled else "pure Python"
    return f"tracker {tracker.__version__} ({built})"


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
            help="Show the version and whether extraction and probes are compiled, and exit.",
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="No progress bars or summary lines on stderr (errors and results still show).",
        ),
    ] = False,
) -> None:
    """Keep machine-learning papers honest about their code.

    Example: tracker run examples/hf-trending.txt
    """
    err.quiet = quiet


err = Console(stderr=True, highlight=False)
err.soft_wrap = not err.is_terminal  # a log (CI, cron, `2> file`) has no width to wrap at
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
    return Settings.from_env().with_(db_url=db, **overrides).checked()


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
    sys.unraisablehook = keeping_interrupts(sys.unraisablehook)
    try:
        code = app(standalone_mode=False)
    except TrackerError as exc:
        if _during_interrupt(exc):
            _interrupted()
        err.quiet = False
        message = escape(printable(scrub(str(exc), secrets)))
        err.print(f"[red]error:[/red] {message}", markup=True, highlight=False, soft_wrap=True)
        if exc.tip:
            err.print(f"Tip: {exc.tip}")
        leave(_code_for(exc))
    except typer.Exit as exc:
        leave(exc.exit_code)
    except SystemExit as exc:
        if isinstance(exc.code, int):
            leave(exc.code)
        raise
    except typer.Abort:
        err.print("aborted")
        leave(Exit.INTERRUPTED)
    except KeyboardInterrupt:
        _interrupted()
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        if _during_interrupt(exc):  # a rollback cut by Ctrl-C raises its own error
            _interrupted()
        if isinstance(exc, _usage_errors()) and hasattr(exc, "show"):
            exc.show()
            leave(getattr(exc, "exit_code", Exit.USAGE))
        raise
    if code == Exit.INTERRUPTED:  # typer turns Ctrl-C into this exit code, not an exception
        _interrupted()
    if isinstance(code, int) and code:
        leave(code)


REDELIVER_S = 0.01
"""How long after a lost Ctrl-C it is delivered again: the callback it was lost in has ended."""


def keeping_interrupts(
    previous: Callable[[sys.UnraisableHookArgs], object],
) -> Callable[[sys.UnraisableHookArgs], None]:
    """A `sys.unraisablehook` that loses no Ctrl-C. Python raises `KeyboardInterrupt` between
    any two steps of whatever runs, a finalizer or a weak reference's callback too (SQLAlchemy
    keeps some), and an exception there cannot propagate: Python reports it and goes on, and an
    interrupted ingest would run to its end and commit. Such an interrupt is delivered to the
    main thread again, `REDELIVER_S` later from another thread: at once, it would be raised in
    the hook (or the callback that called it) and lost again. Anything else goes to
    `previous`."""

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            again = threading.Timer(REDELIVER_S, _thread.interrupt_main)
            again.daemon = True
            again.start()
            return
        previous(unraisable)

    return hook


def _usage_errors() -> tuple[type[Exception], ...]:
    """The usage errors the parser raises: typer's own (recent typer vendors click, so its
    errors are `TyperException`s) and, with a typer that runs on an installed click, click's."""
    try:
        from click.exceptions import ClickException
    except ImportError:
        return (typer.TyperException,)
    return (ClickException, typer.TyperException)


def _interrupted() -> None:
    """Ctrl-C: the open transaction is rolled back by the database; the runs this process
    left `running` are marked `interrupted`; exit 130."""
    from tracker.store.runs import mark_interrupted  # sqlalchemy only when a run was open

    mark_interrupted()
    err.print("interrupted; what was committed is kept")
    leave(Exit.INTERRUPTED)


def _during_interrupt(exc: BaseException) -> bool:
    """Whether `exc` was raised while a `KeyboardInterrupt` was being handled (a rollback or
    close that the interruption left impossible)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__context__
    return False
