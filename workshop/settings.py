"""Run-time settings from the command line and ``WORKSHOP_*`` environment variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from workshop import locations


class Settings(BaseSettings):
    """Settings shared by the CLI, the TUI and the participant server.

    Every field can be set from the environment with the ``WORKSHOP_`` prefix, e.g. ``WORKSHOP_DB``.
    """

    model_config = SettingsConfigDict(env_prefix="WORKSHOP_", extra="ignore")

    db: str | None = Field(
        default=None,
        description="Database: a SQLite file path or an SQLAlchemy URL. Default: workshop.sqlite3 in the "
        "user's data folder.",
    )
    host: str = Field(default="0.0.0.0", description="Address the participant server listens on.")
    port: int = Field(default=8000, ge=0, le=65535, description="Preferred port; the next free one is used.")
    public_url: str | None = Field(
        default=None,
        description="The base URL phones should open, when the laptop's own address is not reachable "
        "(a reverse proxy, a hotspot with another address).",
    )

    def database_url(self) -> str:
        """The SQLAlchemy URL for ``db``; a bare path becomes a SQLite URL."""
        return database_url(self.db)


def database_url(db: str | None) -> str:
    """Turn ``--db`` (a path, an URL or nothing) into an SQLAlchemy URL."""
    if not db:
        return f"sqlite:///{locations.default_database_path()}"
    if "://" in db:
        return db
    from pathlib import Path

    return f"sqlite:///{Path(db).expanduser().resolve()}"
