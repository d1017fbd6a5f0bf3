"""`tracker flag`, `show`, `diff` and `ack`: run the probes, look closely, review findings."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import DbOption, app, err, out, settings
from tracker.cli.options import parse_since, split_codes
from tracker.cli.progress import Meter
from tracker.errors import InputError
from tracker.flags.checklist_items import ITEMS
from tracker.flags.facts import ProbeContext
from tracker.flags.probes import PROBE_CODES
from tracker.flags.run import PARALLEL_FROM, flag_paper, flag_papers
from tracker.processes import default_jobs
from tracker.reports.markdown import diff_markdown
from tracker.reports.show import PaperDetail, detail_dict, detail_markdown, detail_view
from tracker.reports.table import diff_table
from tracker.reports.text import json_text, printable
from tracker.store import open_db
from tracker.store.archives import archived_copies
from tracker.store.facts import iter_paper_facts
from tracker.store.findings import ack_notes, delete_ack, save_ack
from tracker.store.lookup import MAX_CANDIDATES, PaperRef, find_papers
from tracker.store.open_requests import open_requests_of
from tracker.store.reporting import diff_events, repo_history

if TYPE_CHECKING:
    from sqlalchemy import Connection


class ViewFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


CHECKLIST_HELP = (
    "The completeness checklist of each code repository, judged from the same evidence: each "
    "item yes, no or unknown (unknown when the tree, README or a package file was not fully "
    "read), and a score, the count of yes (report --min-score, --sort score).\n\n"
    + "\n\n".join(f"{i.key}: yes when {i.definition}." for i in ITEMS)
)
"""The checklist items as `tracker flag --help` lists them (`tracker.flags.checklist_items.ITEMS`)."""

FormatOpt = Annotated[ViewFormat, typer.Option("--format", "-f", help="Output format.")]
PaperArg = Annotated[
    str,
    typer.Argument(
        help="Paper handle (as tables show it) or a unique prefix of it, key, arXiv ID or URL, "
        "or DOI.",
        show_default=False,
    ),
]


def one_paper(conn: Connection, ref: str) -> PaperRef:
    """The paper `ref` names; exit 3 when none, the usage code listing them when several."""
    found = find_papers(conn, ref)
    if not found:
        raise InputError(
            ref, "no such paper in the database (use its handle, key, arXiv ID or DOI)"
        )
    if len(found) > 1:
        listed = [f"{r.handle}  {printable(r.title)}" for r in found[:MAX_CANDIDATES]]
        more = len(found) - len(listed)
        raise typer.BadParameter(
            f"{ref!r} names {len(found):,} papers; type more of the handle:\n  "
            + "\n  ".join(listed)
            + (f"\n  ... and {more:,} more" if more else ""),
            param_hint="PAPER",
        )
    return found[0]


@app.command(epilog=CHECKLIST_HELP)
def flag(
    db: DbOption = None,
    grace_days: Annotated[
        int | None,
        typer.Option(
            "--grace-days",
            help="Days after the paper date before a promise is overdue (default 90).",
        ),
    ] = None,
    stale_months: Annotated[
        int | None,
        typer.Option("--stale-months", help="Months without a push before `stale` (default 12)."),
    ] = None,
    everything: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Judge every paper again, not only those whose facts changed or whose "
            "deadline came.",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            envvar="TRACKER_JOBS",
            min=1,
            help="Processes reading and judging papers while this one saves (default: usable "
            "cores, at most 4; 1 judges in this process). Fewer than "
            f"{PARALLEL_FROM:,} papers to judge are judged in this process.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run every probe on the stored papers and store findings, verdicts and checklists.

    Example: tracker flag --grace-days 120
    """
    cfg = settings(db, grace_days=grace_days, stale_months=stale_months)
    engine = open_db(cfg.db_url, create=False)
    with Meter(err, "flagging", "papers") as meter:
        summary = flag_papers(
            engine, cfg, everything=everything, progress=meter, jobs=jobs or default_jobs()
        )
    verdicts = ", ".join(
        f"{k} {v:,}" for k, v in sorted(summary.verdicts.items(), key=lambda kv: -kv[1])
    )
    err.print(
        f"flagged {summary.papers:,} papers ({summary.judged:,} judged again): {verdicts or 'none'}"
    )


@app.command()
def show(paper: PaperArg, db: DbOption = None, format: FormatOpt = ViewFormat.TABLE) -> None:
    """Show one paper: links with provenance and evidence, repository history, every probe.

    Example: tracker show 2501.00001
    """
    cfg = settings(db)
    engine = open_db(cfg.db_url, create=False)
    with engine.connect() as conn:
        named = one_paper(conn, paper)
        pid, key = named.id, named.key
        facts = next(iter(next(iter_paper_facts(conn, [key]))))
        keys = sorted({lk.repo.key for lk in facts.links if lk.repo is not None})
        history = repo_history(conn, keys)
        notes = ack_notes(conn, pid)
        copies = {url: copy for (_, url), copy in archived_copies(conn, [key]).items()}
        asking = open_requests_of(conn, [key]).get(key, ())
    ctx = ProbeContext(dt.datetime.now(dt.UTC).date(), cfg.grace_days, cfg.stale_months)
    res = flag_paper(facts, ctx)
    detail = PaperDetail(facts, res.verdict, res.findings, notes, history, copies, asking)
    if format is ViewFormat.JSON:
        sys.stdout.write(json_text(detail_dict(detail)) + "\n")
    elif format is ViewFormat.MARKDOWN:
        sys.stdout.write(detail_markdown(detail))
    else:
        out.print(detail_view(detail))


@app.command()
def diff(
    since: Annotated[
        str, typer.Option("--since", help="How far back: 7d, 24h, 2w or a date.")
    ] = "7d",
    star_jump: Annotated[
        int, typer.Option("--star-jump", help="Report star gains at least this large.")
    ] = 100,
    db: DbOption = None,
    format: FormatOpt = ViewFormat.TABLE,
) -> None:
    """Show what changed: code delivered, repositories died/moved/archived, licenses, weights, stars.

    Example: tracker diff --since 7d --format markdown
    """
    when = parse_since(since)
    engine = open_db(settings(db).db_url, create=False)
    with engine.connect() as conn:
        events = diff_events(conn, when, star_jump=star_jump)
    title = f"Changes since {when:%Y-%m-%d %H:%M} UTC"
    if format is ViewFormat.JSON:
        doc = {
            "since": when.isoformat(),
            "events": [
                {
                    "kind": e.kind,
                    "paper": e.paper_key,
                    "handle": e.handle,
                    "title": e.title,
                    "repository": e.subject,
                    "at": e.at.isoformat(),
                    "before": e.before,
                    "after": e.after,
                }
                for e in events
            ],
        }
        sys.stdout.write(json_text(doc) + "\n")
    elif format is ViewFormat.MARKDOWN:
        sys.stdout.write(diff_markdown(events, title))
    else:
        out.print(diff_table(events, title))
    err.print(f"{len(events):,} changes")


@app.command()
def ack(
    paper: PaperArg,
    code: Annotated[
        str, typer.Argument(help=f"Probe code: {', '.join(PROBE_CODES)}.", show_default=False)
    ],
    note: Annotated[str, typer.Option("--note", help="Why this is a false positive.")] = "",
    remove: Annotated[bool, typer.Option("--remove", help="Withdraw the acknowledgement.")] = False,
    db: DbOption = None,
) -> None:
    """Record a reviewed false positive; reports then show the flag as acknowledged.

    Example: tracker ack 2501.00001 code_promised_missing --note "code is on GitLab"
    """
    split_codes([code], "CODE")
    cfg = settings(db)
    engine = open_db(cfg.db_url, create=False)
    with engine.begin() as conn:
        named = one_paper(conn, paper)
        pid, key = named.id, named.key
        changed = delete_ack(conn, pid, code) if remove else save_ack(conn, pid, code, note)
    flag_papers(engine, cfg, keys=[key])
    verb = (
        ("removed" if changed else "had no") if remove else ("recorded" if changed else "updated")
    )
    err.print(f"{verb} acknowledgement of {code} on {named.handle} ({key})", markup=False)
