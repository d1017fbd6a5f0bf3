"""The run-time schema (`tracker.store.schema`) is the SQLModel declarations, rendered.

The checked-in file must be what the generator renders now, and what it renders must create the
same database: the same DDL on both backends for every table and index, the same Python-side
defaults, and datetimes bound and read back as SQLModel's own type does.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel.sql.sqltypes import UTCDateTime as SQLModelUTCDateTime

from tracker.store import schema, schema_gen
from tracker.store.sqltypes import UTCDateTime

DECLARED, MODELS = schema_gen.declared()
DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}


def test_the_checked_in_file_is_what_the_declarations_render() -> None:
    assert schema_gen.main(["--check"]) == 0, "run: python -m tracker.store.schema_gen"


def test_every_declared_table_is_in_the_schema_under_its_model_name() -> None:
    assert set(schema.metadata.tables) == set(DECLARED.tables)
    for name, model in MODELS.items():
        assert getattr(schema, model) is schema.metadata.tables[name]


def _ddl(table: Table, dialect: str) -> list[str]:
    compiled = [str(CreateTable(table).compile(dialect=DIALECTS[dialect])).strip()]
    for index in sorted(table.indexes, key=lambda i: i.name or ""):
        compiled.append(str(CreateIndex(index).compile(dialect=DIALECTS[dialect])).strip())
    return compiled


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_both_schemas_create_the_same_tables_and_indexes(dialect: str) -> None:
    for name, declared in DECLARED.tables.items():
        assert _ddl(schema.metadata.tables[name], dialect) == _ddl(declared, dialect), name


def _default(column: object) -> object:
    default = getattr(column, "default", None)
    if default is None:
        return None
    if default.is_callable:
        return getattr(default.arg, "__wrapped__", default.arg)
    return default.arg


def test_python_side_defaults_are_the_same() -> None:
    compared = 0
    for name, declared in DECLARED.tables.items():
        ours = schema.metadata.tables[name]
        for column in declared.columns:
            assert _default(ours.c[column.name]) == _default(column), f"{name}.{column.name}"
            compared += column.default is not None
    assert compared > 50  # the comparison saw the defaults, not only columns without one


@pytest.mark.parametrize(
    "value",
    [
        None,
        dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7))),
    ],
)
@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_datetimes_are_bound_and_read_as_sqlmodel_does(value: object, dialect: str) -> None:
    ours, theirs = UTCDateTime(), SQLModelUTCDateTime()
    d = DIALECTS[dialect]
    assert ours.process_bind_param(value, d) == theirs.process_bind_param(value, d)  # type: ignore[arg-type]
    assert ours.process_result_value(value, d) == theirs.process_result_value(value, d)  # type: ignore[arg-type]
    naive = dt.datetime(2026, 3, 1, 12, 30)
    assert ours.process_result_value(naive, d) == theirs.process_result_value(naive, d)


def test_a_naive_datetime_is_refused_as_sqlmodel_refuses_it() -> None:
    naive = dt.datetime(2026, 3, 1, 12, 30)
    with pytest.raises(ValueError, match="timezone"):
        UTCDateTime().process_bind_param(naive, DIALECTS["sqlite"])
    with pytest.raises(ValueError, match="timezone"):
        SQLModelUTCDateTime().process_bind_param(naive, DIALECTS["sqlite"])


def test_a_declaration_change_without_regenerating_fails_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The up-to-date check can fail: a rendered source that differs is reported."""
    monkeypatch.setattr(schema_gen, "render", lambda *a: "# something else\n")
    assert schema_gen.main(["--check"]) == 1
