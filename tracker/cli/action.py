"""`tracker action ...`: the steps of the scheduled GitHub Action that are not the pipeline."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from tracker.action.outputs import append_summary, write_outputs
from tracker.action.quota import DEFAULT_RESERVE
from tracker.cli.app import DbOption, TrackerGroup, app, err, out, settings
from tracker.cli.options import split_codes
from tracker.errors import ConfigError
from tracker.models import OpenFlag, Severity
from tracker.store import open_db
from tracker.store.tracking import open_flags

action_app = typer.Typer(
    cls=TrackerGroup,
    help="Steps of the scheduled GitHub Action (outputs go to $GITHUB_OUTPUT).\n\n"
    "Example: tracker action issue --label paper-tracker",
    no_args_is_help=True,
)
app.add_typer(action_app, name="action")

ApiUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--github-api-url",
        help="API base URL (default: TRACKER_GITHUB_API_URL, else https://api.github.com).",
        show_default=False,
    ),
]
FlagCodesOpt = Annotated[
    list[str] | None,
    typer.Option("--flag", help="Count only these flags (repeat or comma-separate)."),
]
SeverityOpt = Annotated[
    Severity,
    typer.Option("--min-severity", help="Without --flag: count flags of this severity or above."),
]


def _flags(db: str | None, flag: list[str] | None, least: Severity) -> list[OpenFlag]:
    codes = split_codes(flag, "--flag")
    with open_db(settings(db).db_url, create=False).connect() as conn:
        return open_flags(conn, codes=codes, least=least)


def _run_url() -> str:
    e = os.environ
    if not (e.get("GITHUB_REPOSITORY") and e.get("GITHUB_RUN_ID")):
        return ""
    server = e.get("GITHUB_SERVER_URL", "https://github.com")
    return f"{server}/{e['GITHUB_REPOSITORY']}/actions/runs/{e['GITHUB_RUN_ID']}"


@action_app.command("issue")
def action_issue(
    db: DbOption = None,
    repo: Annotated[
        str | None,
        typer.Option(
            "--repo", envvar="GITHUB_REPOSITORY", help="owner/name holding the tracking issue."
        ),
    ] = None,
    label: Annotated[
        str, typer.Option("--label", help="The label that identifies the tracking issue.")
    ] = "paper-tracker",
    title: Annotated[
        str, typer.Option("--title", help="Title of the tracking issue when it is created.")
    ] = "Papers flagged by tracker",
    flag: FlagCodesOpt = None,
    min_severity: SeverityOpt = Severity.MEDIUM,
    github_api_url: ApiUrlOpt = None,
) -> None:
    """Open, update or close the one tracking issue that lists the open flags.

    The token is read from GITHUB_TOKEN.

    Example: tracker action issue --repo acme/papers --label paper-tracker
    """
    from tracker.action.issue import open_repository, sync_issue

    if not repo:
        raise ConfigError("no repository: pass --repo owner/name or set GITHUB_REPOSITORY")
    flags = _flags(db, flag, min_severity)
    cfg = settings(db, github_api_url=github_api_url)
    outcome = sync_issue(
        open_repository(cfg.github_api_url, cfg.github_token, repo),
        flags,
        label=label,
        title=title,
        today=dt.datetime.now(dt.UTC).date(),
        run_url=_run_url(),
    )
    where = f" #{outcome.number} {outcome.url}" if outcome.number else ""
    err.print(f"tracking issue {outcome.action.value}{where} ({len(flags):,} open flags)")
    write_outputs(
        {
            "issue-action": outcome.action.value,
            "issue-number": outcome.number or "",
            "issue-url": outcome.url,
            "issue-state": outcome.state,
        }
    )


@action_app.command("summary")
def action_summary(
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", help="Folder for report.md, papers.csv and report.html.", file_okay=False
        ),
    ],
    db: DbOption = None,
    more_url: Annotated[
        str | None,
        typer.Option("--more-url", help="Where the full reports are, named if a report is cut."),
    ] = None,
    flag: FlagCodesOpt = None,
    min_severity: SeverityOpt = Severity.MEDIUM,
) -> None:
    """Write the reports, show the Markdown one as the job summary, put counts in the outputs.

    Example: tracker action summary --out reports
    """
    from tracker.action.reports import write_reports

    more = more_url or "the CSV and HTML reports in the run's artifacts"
    flags = _flags(db, flag, min_severity)
    with open_db(settings(db).db_url, create=False).connect() as conn:
        written = write_reports(conn, out_dir, more=more)
    flagged = len({f.paper_key for f in flags})
    shown = append_summary(written.markdown.read_text(encoding="utf-8"), more)
    papers = written.summary.papers
    write_outputs(
        {
            "papers": papers,
            "flagged-papers": flagged,
            "flags": len(flags),
            "report-path": str(written.markdown.resolve()),
        }
    )
    out.print(f"{papers:,} papers, {flagged:,} flagged ({len(flags):,} open flags) -> {out_dir}")
    if not shown:
        err.print("GITHUB_STEP_SUMMARY is not set: the report was not added to a job summary")


@action_app.command("budget")
def action_budget(
    reserve: Annotated[
        int, typer.Option("--reserve", min=0, help="Points to leave unspent this hour.")
    ] = DEFAULT_RESERVE,
    cap: Annotated[
        int | None, typer.Option("--cap", min=0, help="Never plan more than this many points.")
    ] = None,
    rest: Annotated[
        bool, typer.Option("--rest", help="Plan the REST quota (the check runs with --rest).")
    ] = False,
    github_api_url: ApiUrlOpt = None,
) -> None:
    """Print how many rate-limit points this run's check may spend (for `tracker check --budget`).

    Example: tracker action budget --reserve 100
    """
    from tracker.action.quota import fetch_rate_limit, plan_quota

    cfg = settings(None, github_api_url=github_api_url)
    resource = "core" if rest or not cfg.github_token else "graphql"
    plan = plan_quota(
        fetch_rate_limit(cfg.github_api_url, cfg.github_token, resource), reserve=reserve, cap=cap
    )
    err.print(f"check budget {plan.budget:,}: {plan.reason}")
    out.print(str(plan.budget))
    write_outputs({"budget": plan.budget})
