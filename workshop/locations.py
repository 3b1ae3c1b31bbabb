"""Owns every file location the app uses: the database, user templates, exports, logs and shipped data.

Nothing here touches the disk at import time; directories are created only when a caller asks for a path
it is about to write to. Tests point everything at a temporary folder with ``WORKSHOP_HOME``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP_NAME = "workshop"

_PACKAGE_DIR = Path(__file__).resolve().parent


def _home_override() -> Path | None:
    value = os.environ.get("WORKSHOP_HOME")
    return Path(value).expanduser() if value else None


def _folder(name: str, platform_default: Callable[[], str], create: bool) -> Path:
    home = _home_override()
    path = home / name if home else Path(platform_default())
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir(create: bool = False) -> Path:
    """The folder that holds the default database (the user's data folder, or ``$WORKSHOP_HOME``)."""
    return _folder("data", lambda: platformdirs.user_data_dir(APP_NAME, appauthor=False), create)


def user_templates_dir() -> Path:
    """Where a user may drop their own workshop templates (read if it exists, never created for them)."""
    return _folder(
        "templates",
        lambda: str(Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "templates"),
        False,
    )


def exports_dir(create: bool = False) -> Path:
    """Where exports are written unless the user names another folder."""
    return _folder(
        "exports", lambda: str(Path(platformdirs.user_documents_dir()) / "workshop-exports"), create
    )


def log_dir(create: bool = False) -> Path:
    """Where the app writes its log file (the terminal belongs to the TUI)."""
    return _folder("logs", lambda: platformdirs.user_log_dir(APP_NAME, appauthor=False), create)


def default_database_path() -> Path:
    """The embedded SQLite database used when neither ``--db`` nor ``WORKSHOP_DB`` is given."""
    return data_dir() / "workshop.sqlite3"


def shipped_data_dir() -> Path:
    """The shipped ``data/`` folder: in the wheel as ``workshop/_shipped``, or beside a source checkout."""
    installed = _PACKAGE_DIR / "_shipped"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "data"


def shipped_templates_dir() -> Path:
    """Workshop templates that ship with the app."""
    return shipped_data_dir() / "templates"


def web_templates_dir() -> Path:
    """Jinja2 templates for the participant pages (inside the package, so an installed wheel finds them)."""
    return _PACKAGE_DIR / "web" / "templates"


def web_static_dir() -> Path:
    """CSS and other static files for the participant pages."""
    return _PACKAGE_DIR / "web" / "static"


def migrations_dir() -> Path:
    """The Alembic scripts that upgrade an older database."""
    return _PACKAGE_DIR / "migrations"
