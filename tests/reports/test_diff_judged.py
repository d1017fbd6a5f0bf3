"""`tracker diff` reports what the judged evidence changed: weights, licenses, placeholders."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from tests.factories import paper
from tracker.store import open_db, save_papers
from tracker.store.reporting import diff_events
from tracker.store.schema import RepoHistory, Repository

T0 = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def test_weights_licenses_and_placeholders_that_change_are_events(sqlite_url: str) -> None:
    engine = open_db(sqlite_url)
    with engine.begin() as conn:
        save_papers(conn, [paper(1, "lab/model")])
        rid = conn.execute(
            insert(Repository).values(
                key="lab/model", full_name="lab/model", status="ok", first_seen_at=T0
            )
        ).inserted_primary_key[0]
        rows = [
            # day, status, license, placeholder, weights
            (0, "ok", None, None, None),  # checked, not judged yet
            (1, "ok", None, True, False),  # judged: a placeholder, no weights
            (2, "ok", "MIT", False, True),  # code, a license and weights arrive
            (3, "ok", None, False, False),  # license file and weights removed
            (4, "not_found", None, None, None),  # gone: no removal events, it died
        ]
        conn.execute(
            insert(RepoHistory),
            [
                {
                    "repository_id": rid,
                    "observed_at": T0 + dt.timedelta(days=d),
                    "status": st,
                    "license_spdx": lic,
                    "placeholder": ph,
                    "has_weights": w,
                    "full_name": "lab/model",
                    "archived": False,
                }
                for d, st, lic, ph, w in rows
            ],
        )
    with engine.connect() as conn:
        got = [(e.kind, e.at.day, e.before, e.after) for e in diff_events(conn, T0)]
    assert got == [  # by time, then kind
        ("license_added", 3, "", "MIT"),
        ("placeholder_filled", 3, "placeholder", "code"),
        ("weights_released", 3, "", "weights"),
        ("license_removed", 4, "MIT", ""),
        ("weights_removed", 4, "weights", ""),
        ("died", 5, "ok", "not_found"),
    ]
