"""Values the schema's columns and indexes are declared with, importable without the schema.

Both the declarations (`tracker.store.tables`, SQLModel) and the run-time schema generated from
them (`tracker.store.schema`, plain SQLAlchemy) refer to these, so a default or a partial
index's condition is written once.
"""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


OPEN_PROMISE = (
    "(code_status = 'promised' OR weights_status = 'promised') AND verdict_kind != 'available'"
)
"""A paper that promised code or weights and has not delivered (a `paper_state` row), as
`ix_paper_state_open_promise` and the query it serves
(`tracker.store.tracking.open_promise_repos`) both write it."""
FLAG_NOW = dt.date(1, 1, 1)
"""`paper_state.flag_due` of a paper to judge at the next flag run."""
FLAG_NEVER = dt.date(9999, 12, 31)
"""`paper_state.flag_due` of a paper whose judgement holds until its facts change."""
