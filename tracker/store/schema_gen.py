"""Write `tracker/store/schema.py`, the run-time schema, from the SQLModel declarations.

The tables are declared once, as SQLModel classes in `tracker.store.tables`: types, defaults,
indexes and a docstring per column. Nothing at run time uses them as models: every query and
write is SQLAlchemy Core on their tables. Importing SQLModel and building the classes costs
pydantic, the ORM and a model per table, most of the start-up of a command as small as
`tracker report`; so the same tables are rendered here as plain `sqlalchemy.Table`
definitions, checked in, and imported by the store. `tests/store/test_schema.py` fails when
the file differs from what this renders, and compares both schemas' DDL on SQLite and
PostgreSQL, their Python-side defaults and their column types.

    python -m tracker.store.schema_gen           # rewrite tracker/store/schema.py
    python -m tracker.store.schema_gen --check   # exit 1 if it is out of date
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    ColumnDefault,
    DefaultClause,
    ForeignKey,
    Index,
    MetaData,
    UniqueConstraint,
)
from sqlalchemy.sql.elements import TextClause

TARGET = Path(__file__).with_name("schema.py")
HEADER = '''"""The tables at run time: plain SQLAlchemy, generated from `tracker.store.tables`.

Do not edit: change the SQLModel declarations in `tracker/store/tables.py` and run
`python -m tracker.store.schema_gen` (`tests/store/test_schema.py` fails until you do). Each
table is bound to its declaration's name (`Paper`, `Link`, ...) so queries read as they would
with the models, without loading SQLModel or pydantic.
"""
'''
DEFAULTS = "tracker.store.defaults"
"""The module whose names (`utcnow`, `FLAG_NOW`, ...) the rendered defaults may refer to."""


def _type(column: Column[Any], imports: set[str]) -> str:
    kind = type(column.type)
    name = kind.__name__
    if name == "AutoString":  # SQLModel's String: the same on every backend but MySQL
        imports.add("String")
        length = getattr(column.type, "length", None)
        return f"String({length})" if length is not None else "String()"
    if name == "UTCDateTime":
        return "UTCDateTime()"
    if not kind.__module__.startswith("sqlalchemy."):
        raise TypeError(f"{column.table.name}.{column.name}: no rendering for {kind!r}")
    imports.add(name)
    return repr(column.type)


def _value(value: Any, table: str, column: str) -> str:
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    if isinstance(value, dt.date):
        import tracker.store.defaults as defaults

        for name, known in vars(defaults).items():
            if name.isupper() and type(known) is type(value) and known == value:
                return name
        return f"dt.date({value.year}, {value.month}, {value.day})"
    raise TypeError(f"{table}.{column}: no rendering for the default {value!r}")


def _default(column: Column[Any], names: set[str]) -> str | None:
    default = column.default
    if default is None:
        return None
    if not isinstance(default, ColumnDefault):
        raise TypeError(f"{column.table.name}.{column.name}: no rendering for {default!r}")
    if default.is_callable:
        fn = getattr(default.arg, "__wrapped__", default.arg)
        if getattr(fn, "__module__", None) != DEFAULTS:
            raise TypeError(
                f"{column.table.name}.{column.name}: default {fn!r} is not in {DEFAULTS}"
            )
        names.add(fn.__name__)
        return fn.__name__
    text = _value(default.arg, column.table.name, column.name)
    if text.isidentifier() and text.isupper():
        names.add(text)
    return text


def _server_default(column: Column[Any]) -> str | None:
    default = column.server_default
    if default is None:
        return None
    if not isinstance(default, DefaultClause):
        raise TypeError(f"{column.table.name}.{column.name}: no rendering for {default!r}")
    arg = default.arg
    if isinstance(arg, TextClause):
        return f"text({arg.text!r})"
    return repr(str(arg))


def _foreign_key(fk: ForeignKey) -> str:
    extra = "".join(
        f", {name}={value!r}"
        for name, value in (("ondelete", fk.ondelete), ("onupdate", fk.onupdate))
        if value is not None
    )
    return f"ForeignKey({fk.target_fullname!r}{extra})"


def _column(column: Column[Any], imports: set[str], names: set[str]) -> str:
    parts = [repr(column.name), _type(column, imports)]
    parts += [
        _foreign_key(fk) for fk in sorted(column.foreign_keys, key=lambda f: f.target_fullname)
    ]
    if column.primary_key:
        parts.append("primary_key=True")
    parts.append(f"nullable={column.nullable!r}")
    if (default := _default(column, names)) is not None:
        parts.append(f"default={default}")
    if (server := _server_default(column)) is not None:
        parts.append(f"server_default={server}")
    if column.autoincrement != "auto":
        parts.append(f"autoincrement={column.autoincrement!r}")
    return f"    Column({', '.join(parts)}),"


def _condition(value: Any) -> str:
    if isinstance(value, TextClause):
        return f"text({value.text!r})"
    raise TypeError(f"no rendering for the index condition {value!r}")


def _index(index: Index) -> str:
    parts = [repr(index.name)] + [repr(c.name) for c in index.columns]
    if index.unique:
        parts.append("unique=True")
    for key, value in sorted(index.dialect_kwargs.items()):
        if value is not None:
            parts.append(f"{key}={_condition(value)}")
    return f"    Index({', '.join(parts)}),"


def _unique(constraint: UniqueConstraint) -> str:
    parts = [repr(c.name) for c in constraint.columns]
    if constraint.name is not None:
        parts.append(f"name={constraint.name!r}")
    return f"    UniqueConstraint({', '.join(parts)}),"


def render(metadata: MetaData, models: dict[str, str]) -> str:
    """The Python source of `metadata`'s tables, each bound to its model's name in `models`."""
    imports = {"Column", "Index", "MetaData", "Table"}
    names: set[str] = set()
    bodies = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        lines = [f"{models[table.name]} = Table(", f"    {table.name!r},", "    metadata,"]
        lines += [_column(c, imports, names) for c in table.columns]
        for constraint in sorted(
            (c for c in table.constraints if isinstance(c, UniqueConstraint)),
            key=lambda c: [col.name for col in c.columns],
        ):
            imports.add("UniqueConstraint")
            lines.append(_unique(constraint))
        lines += [_index(i) for i in sorted(table.indexes, key=lambda i: i.name or "")]
        lines.append(")")
        bodies.append("\n".join(lines))
    source = "\n\n".join(bodies)
    if "ForeignKey(" in source:
        imports.add("ForeignKey")
    if "text(" in source:
        imports.add("text")
    head = [HEADER, "from __future__ import annotations", ""]
    if "dt." in source:
        head += ["import datetime as dt", ""]
    head.append(f"from sqlalchemy import {', '.join(sorted(imports, key=str.lower))}")
    head.append("")
    if names:
        head.append(f"from {DEFAULTS} import {', '.join(sorted(names))}")
    if "UTCDateTime()" in source:
        head.append("from tracker.store.sqltypes import UTCDateTime")
    head += ["", "metadata = MetaData()", "", ""]
    return "\n".join(head) + source + "\n"


def declared() -> tuple[MetaData, dict[str, str]]:
    """The SQLModel metadata and each table's model name."""
    from sqlmodel import SQLModel

    import tracker.store.tables as tables

    models: dict[str, str] = {
        str(obj.__tablename__): name
        for name, obj in vars(tables).items()
        if isinstance(obj, type) and issubclass(obj, SQLModel) and hasattr(obj, "__table__")
    }
    return SQLModel.metadata, models


def formatted(source: str) -> str:
    """`source` as the project's formatter and import sorter leave it, so the checked-in file
    passes `ruff format --check` and `ruff check` like any other."""
    from ruff.__main__ import find_ruff_bin

    ruff = str(find_ruff_bin())
    for args in (["check", "--select", "I", "--fix", "--quiet"], ["format"]):
        source = subprocess.run(
            [ruff, *args, "--stdin-filename", str(TARGET), "-"],
            input=source,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return source


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    source = formatted(render(*declared()))
    if "--check" in args:
        if TARGET.read_text(encoding="utf-8") != source:
            print(f"{TARGET.name} is out of date: run python -m tracker.store.schema_gen")
            return 1
        return 0
    TARGET.write_text(source, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
