"""`tracker archive`: ask Software Heritage to save released code it does not keep yet."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer

from tracker.archiving import PACE_S, request_saves
from tracker.cli.app import DbOption, Exit, app, err, settings
from tracker.cli.options import AllowPrivate, ConnectTo, SwhApiUrl, connect_routes
from tracker.store import open_db


@app.command()
def archive(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=0, help="Send at most this many save requests.")] = 20,
    pace: Annotated[
        float, typer.Option(min=0, help="Seconds between two requests (the service throttles).")
    ] = PACE_S,
    swh_api_url: SwhApiUrl = None,
    connect_to: ConnectTo = None,
    allow_private: AllowPrivate = False,
) -> None:
    """Request a Software Heritage save of released code that no archive keeps yet.

    Opt-in: nothing is requested by any other command. Candidates are repositories that are up
    (ok or moved), hold code, and that the last look-up (tracker check) found not archived;
    most starred first, none asked again within 30 days. Each request and its answer
    (accepted, pending, succeeded, failed, rejected, or unknown) is recorded. Exit code 6 when
    a request went unanswered.

    Example: tracker archive --limit 20
    """
    cfg = settings(db, swh_api_url=swh_api_url, allow_private=allow_private or None)
    done = request_saves(
        open_db(cfg.db_url, create=False),
        cfg,
        limit=limit,
        pace_s=pace,
        connect_to=connect_routes(connect_to),
    )
    outcomes = Counter(answer.status for _, answer in done)
    told = ", ".join(f"{n:,} {status}" for status, n in sorted(outcomes.items()))
    err.print(
        f"{len(done):,} save requests sent to Software Heritage" + (f": {told}" if told else "")
    )
    for candidate, answer in done:
        if answer.status == "unknown":
            err.print(f"{candidate.origin_url}: no answer ({answer.reason})", markup=False)
    if outcomes.get("unknown"):
        raise typer.Exit(Exit.INCOMPLETE)
