"""Opens the database: engines, sessions, SQLite tuning and schema upgrades.

SQLite gets two engines on one file: writers start with ``BEGIN IMMEDIATE`` (so two writers queue on the
busy timeout instead of failing on a lock upgrade) and readers use plain deferred transactions, which WAL
lets run beside a writer. PostgreSQL uses one pooled engine for both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from workshop.errors import DatabaseError

# Raised here and by the migrations; callers catch it as workshop.db.DatabaseError.
__all__ = ["Database", "DatabaseError", "open_database"]

BUSY_TIMEOUT_MS = 10_000


def _sqlite_engine(url: str, *, immediate: bool, pool_size: int) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=30,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so SAVEPOINT works.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a vote acknowledged to a phone survives a power cut as well as a killed process.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """The app's handle on its database; build one per app with :func:`open_database`."""

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            database = parsed.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            self.write_engine = _sqlite_engine(url, immediate=True, pool_size=2)
            self.read_engine = _sqlite_engine(url, immediate=False, pool_size=8)
        else:
            # Sized to the thread pool so bursts reuse connections instead of churning them.
            self.write_engine = create_engine(url, pool_size=20, max_overflow=0, pool_pre_ping=True)
            self.read_engine = self.write_engine

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed."""
        with Session(self.read_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose work is committed when the block ends without an exception."""
        with Session(self.write_engine, expire_on_commit=False) as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


def open_database(url: str, *, upgrade: bool = True) -> Database:
    """Open (and create or upgrade, unless told not to) the database at ``url``."""
    try:
        db = Database(url)
    except Exception as exc:  # a bad URL or a missing driver
        raise DatabaseError(f"cannot open database {url!r}: {exc}") from exc
    if upgrade:
        # Alembic takes a third of a second to load: only opening a database for upgrade pays for it.
        from workshop.migrations import upgrade_to_head

        try:
            upgrade_to_head(db.write_engine)
        except DatabaseError:
            db.dispose()
            raise
        except Exception as exc:
            db.dispose()
            raise DatabaseError(f"cannot open database {url!r}: {exc}") from exc
    return db
