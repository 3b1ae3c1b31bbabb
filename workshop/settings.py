"""Run-time settings from the command line and ``WORKSHOP_*`` environment variables."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import Field, field_validator
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

    hr_templates: str | None = Field(
        default=None,
        description="A folder of an organisation's own HR text templates (job_description.md.j2, …); any "
        "template missing there comes from the shipped ones. Checked when HR text is made.",
    )

    trusted_proxy: str | None = Field(
        default=None,
        description="Comma-separated addresses (or networks such as 10.0.0.0/24) of the reverse proxy in "
        "front of the participant server. Only requests from these have their X-Forwarded-For and "
        "X-Forwarded-Proto believed. Default: none, so no request can choose its client address.",
    )

    @field_validator("trusted_proxy")
    @classmethod
    def _check_proxies(cls, value: str | None) -> str | None:
        if value is not None:
            parse_proxies(value)
        return value

    def trusted_proxies(self) -> list[str]:
        """``trusted_proxy`` as a list; empty when no proxy is trusted."""
        return parse_proxies(self.trusted_proxy) if self.trusted_proxy else []

    def database_url(self) -> str:
        """The SQLAlchemy URL for ``db``; a bare path becomes a SQLite URL."""
        return database_url(self.db)


def parse_proxies(text: str) -> list[str]:
    """``IP[,IP]`` (networks allowed) as a list, or ValueError naming the part that is not an address.

    Each part comes back in its normal form (``10.0.0.5/24`` as ``10.0.0.0/24``): uvicorn reads networks
    strictly, and keeps one with host bits set as a literal that no client address ever equals, so the
    proxy would silently never be trusted.
    """
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise ValueError("give the proxy's IP address, e.g. 127.0.0.1 or 10.0.0.0/24")
    normal = []
    for part in parts:
        try:
            # As uvicorn tells them apart: a "/" makes a network, anything else is one address.
            parsed = ipaddress.ip_network(part, strict=False) if "/" in part else ipaddress.ip_address(part)
        except ValueError:
            raise ValueError(
                f"{part!r} is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/24)"
            ) from None
        normal.append(str(parsed))
    return normal


def database_url(db: str | None) -> str:
    """Turn ``--db`` (a path, an URL or nothing) into an SQLAlchemy URL."""
    if not db:
        return f"sqlite:///{locations.default_database_path()}"
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"
