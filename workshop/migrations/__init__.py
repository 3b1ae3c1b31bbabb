"""Schema migrations (Alembic): every database, new or old, is brought to the current schema on open."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from workshop import locations
from workshop.errors import DatabaseError


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs the shipped scripts against ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(locations.migrations_dir()))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest schema revision this version of the app knows."""
    script = ScriptDirectory(str(locations.migrations_dir()))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def upgrade_to_head(engine: Engine) -> None:
    """Create or upgrade the schema; refuse a database written by a newer version of the app."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    script = ScriptDirectory(str(locations.migrations_dir()))
    if current is not None and not _known(script, current):
        raise DatabaseError(
            f"the database is at schema revision {current!r}, which this version of workshop does not know; "
            "it was probably written by a newer version: upgrade workshop to open it"
        )
    command.upgrade(alembic_config(engine), "head")
