"""Write a migration from the difference between the models and the migrated schema.

    python db/make_migration.py "add repository topics"
    python db/make_migration.py --reset     # rewrite 0001_initial from the models

Runs against a throw-away SQLite database brought to head first, so a new script only ever
contains what the models changed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from tracker.store.engine import alembic_config, make_engine, migrations_dir, upgrade


def main(argv: list[str]) -> None:
    reset = "--reset" in argv
    args = [a for a in argv if a != "--reset"]
    if reset:
        for script in (migrations_dir() / "versions").glob("*.py"):
            script.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'm.db'}")
        if not reset:
            upgrade(engine)
        cfg = alembic_config(engine)
        message = "initial schema" if reset else args[0]
        command.revision(cfg, message=message, autogenerate=True, rev_id="0001" if reset else None)


if __name__ == "__main__":
    main(sys.argv[1:])
