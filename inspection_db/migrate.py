"""Alembic migrations shipped inside the package, run without an alembic.ini.

    upgrade(engine)            # to the newest revision ("head")
    upgrade(engine, "0001")    # to a given one
    downgrade(engine, "base")  # back to an empty database
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at (None: no migration has run)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
