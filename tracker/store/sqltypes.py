"""Column types of the run-time schema (`tracker.store.schema`) that SQLAlchemy lacks.

SQLModel declares every `datetime` field with its own `UTCDateTime`, but importing it loads
SQLModel and pydantic, which a report does not need. This is the same type: the same DDL on
every backend (a timezone-aware `DATETIME` / `TIMESTAMP WITH TIME ZONE`), aware datetimes
stored as UTC, naive ones refused, and values read back as aware UTC datetimes (SQLite stores
no offset, so its values are UTC by construction). `tests/store/test_schema.py` holds the two
types to the same DDL and the same values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import types
from sqlalchemy.engine import Dialect


class UTCDateTime(types.TypeDecorator[dt.datetime]):
    """An aware datetime, stored and read back in UTC."""

    impl = types.DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def __repr__(self) -> str:
        return "UTCDateTime()"

    def coerce_compared_value(self, op: Any, value: Any) -> types.TypeEngine[Any]:
        """Comparing with a timedelta (`column - interval`) is interval arithmetic."""
        if isinstance(value, dt.timedelta):
            return types.Interval()
        return self

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(
                "Datetime values must have timezone information. "
                "Use datetime.now(timezone.utc), or annotate the field with "
                "NaiveDatetime for naive storage."
            )
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
