"""Opens the database: engines, sessions, SQLite tuning and schema upgrades.

SQLite gets two engines on one file: writers start with ``BEGIN IMMEDIATE`` (so two writers queue on the
busy timeout instead of failing on a lock upgrade) and readers use plain deferred transactions, which WAL
lets run beside a writer. PostgreSQL gets two pooled engines too: each write transaction first takes one
transaction-scoped advisory lock, so writers queue there as SQLite's do on ``BEGIN IMMEDIATE``. The code
that checks and then writes (a seat's entry limit, the next position, an item still open) was written for
one writer at a time, and several server processes on one PostgreSQL database keep it so; readers never
take the lock and see one snapshot for their whole transaction (REPEATABLE READ).

Neither backend stores U+0000: PostgreSQL's text cannot hold it, so it is dropped on both, the same text
read back from either (see :func:`_without_nul`).
"""

from __future__ import annotations

import datetime
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlmodel import Session

from workshop.errors import DatabaseError

# Raised here and by the migrations; callers catch it as workshop.db.DatabaseError.
__all__ = ["Database", "DatabaseError", "open_database"]

BUSY_TIMEOUT_MS = 10_000
# Any fixed number: the writers' lock on PostgreSQL, one per database (advisory locks are per database).
WRITER_LOCK = 0x776F726B73686F70  # "workshop" in ASCII
NUL = "\x00"
# Parameter types that never hold text: skipped by _has_nul without a call.
_PLAIN = frozenset({int, float, bool, type(None), bytes, datetime.datetime, datetime.date})
# A pooled PostgreSQL connection idle longer than this is checked before use (_ping_when_idle).
IDLE_PING_SECONDS = 5.0


def _has_nul(value: Any) -> bool:
    # Run on every statement's parameters: the common shapes (a dict, a list of dicts, plain values) are
    # tested by exact type and walked in loops, without a generator per container.
    kind = type(value)
    if kind is str:
        return NUL in value
    if kind is dict:
        items: Any = value.values()
    elif kind is list or kind is tuple:
        items = value
    elif isinstance(value, str):
        return NUL in value
    elif isinstance(value, dict):
        items = value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return False
    for item in items:
        if type(item) in _PLAIN:
            continue
        if _has_nul(item):
            return True
    return False


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(item) for item in value)
    return value


def _without_nul(params: Any) -> Any:
    """``params`` with U+0000 removed from every string; the same object when there is none.

    PostgreSQL refuses U+0000 in text, as a value or in a lookup (a join code from an address): a NUL a
    participant posts would fail the write, and the writer would report the database as failing. Nobody
    can type one and every reader drops it anyway (``untrusted.readable``), so both backends drop it here.
    """
    return _clean(params) if _has_nul(params) else params


def _before_execute(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
) -> tuple[str, Any]:
    return statement, _without_nul(parameters)


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
        # Deleted rows are overwritten, not left in free pages: a purge's free text, an old token's column
        # and a deleted workshop leave no trace a copy of the file could give away.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # On the driver's connection: every page and write begins so, and SQLAlchemy's statement machinery
        # cost 15-20 µs more for a statement with no parameters and no rows (benchmarks/README.md, fifth
        # round). A failure is raised as SQLAlchemy's would be (a locked file is an OperationalError).
        try:
            conn.connection.dbapi_connection.execute(begin)
        except sqlite3.Error as exc:
            raise DBAPIError.instance(begin, None, exc, sqlite3.Error) from exc

    event.listen(engine, "before_cursor_execute", _before_execute, retval=True)
    return engine


def _postgres_engine(url: str, *, writer: bool, pool_size: int, application: str) -> Engine:
    # Readers see one snapshot for their whole transaction, as SQLite's WAL readers do: a page, a summary
    # or an export made of several statements never mixes two commits (read-only, so it never fails).
    isolation = "READ COMMITTED" if writer else "REPEATABLE READ"
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=30,
        isolation_level=isolation,
        # Who each connection is, in pg_stat_activity (a hosted server's workers and the TUIs following it).
        connect_args={"application_name": application},
    )
    _ping_when_idle(engine)
    if writer:

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            # One round trip, not two (a statement each costs a vote as much as the vote's own insert).
            # The timeout is as long as SQLite's busy timeout: a writer stuck behind another fails in
            # words, not forever; LOCAL, so it holds for this transaction on any pooler.
            conn.exec_driver_sql(
                f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}; SELECT pg_advisory_xact_lock({WRITER_LOCK})"
            )

    event.listen(engine, "before_cursor_execute", _before_execute, retval=True)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection that sat idle before handing it out again; a dead one is replaced.

    A server restarted, or a proxy that drops idle connections, then costs a reconnect, not a failed
    vote, for a connection idle over ``IDLE_PING_SECONDS``. One used more recently than that fails its
    page or write once, and SQLAlchemy then replaces every pooled connection. ``pool_pre_ping`` would
    check on every checkout: a round trip on every page and write, a sixth of a phone's round trips in a
    burst, when connections are seconds old at most.
    """

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return  # new, or busy a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # any failure: the pool drops this connection and connects afresh
            raise DisconnectionError(f"an idle connection was found dead: {exc}") from exc


class Database:
    """The app's handle on its database; build one per app with :func:`open_database`."""

    def __init__(self, url: str, application: str = "workshop") -> None:
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
            # Writers take turns on the lock, so a few connections do; readers are sized to the thread pool
            # so bursts reuse connections instead of churning them.
            self.write_engine = _postgres_engine(url, writer=True, pool_size=4, application=application)
            self.read_engine = _postgres_engine(url, writer=False, pool_size=16, application=application)
        # The read pool's connections, switched to autocommit while a page has one (read_connection).
        self._page_engine = self.read_engine.execution_options(isolation_level="AUTOCOMMIT")
        # One read connection kept checked out on SQLite for read_connection, and whether it is in use.
        self._kept: Connection | None = None
        self._kept_lock = threading.Lock()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed."""
        with Session(self.read_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A Core connection for a phone page's few reads, each seeing every commit made before it.

        On SQLite, a read transaction rolled back when the block ends, on one connection kept checked out
        between blocks for whichever block gets it first (others check one out as usual): a phone's page
        saves about 30 µs, a quarter of its transaction's cost, without the pool's checkout, return and
        reset (benchmarks/README.md, fourth round). Between blocks it is in no transaction, so it holds no
        snapshot.

        On PostgreSQL, in autocommit: each statement is its own snapshot, and the block costs no BEGIN and
        no ROLLBACK, two of a page's three or four round trips (sixth round). A page's statements may then
        straddle a commit, which shows at worst what the next page would: every write checks again, in its
        own transaction, what it relies on. Reads that must agree with each other (a summary, an export)
        use :meth:`reading`.
        """
        if self.is_sqlite and self._kept_lock.acquire(blocking=False):
            try:
                if self._kept is None or self._kept.closed or self._kept.invalidated:
                    self._kept = self.read_engine.connect()
                with self._rolled_back(self._kept) as connection:
                    yield connection
            finally:
                self._kept_lock.release()
            return
        if not self.is_sqlite:
            with self._page_engine.connect() as connection:
                yield connection
            return
        with self.read_engine.connect() as fresh, self._rolled_back(fresh) as connection:
            yield connection

    @staticmethod
    @contextmanager
    def _rolled_back(connection: Connection) -> Iterator[Connection]:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            if transaction.is_active:
                transaction.rollback()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose work is committed when the block ends without an exception."""
        with Session(self.write_engine, expire_on_commit=False) as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        with self._kept_lock:
            if self._kept is not None:
                self._kept.close()
                self._kept = None
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


def open_database(url: str, *, upgrade: bool = True, application: str = "workshop") -> Database:
    """Open (and create or upgrade, unless told not to) the database at ``url``; on PostgreSQL its
    connections are named ``application`` (``pg_stat_activity.application_name``)."""
    try:
        db = Database(url, application)
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
