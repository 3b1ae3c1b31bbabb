"""PostgreSQL connections without a round trip spent on every checkout: idle ones are checked before use
(a dead one replaced), busy ones are not, and a write transaction's settings and lock take one statement."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text

from tests.helpers.postgres import PostgresServer
from workshop import db as db_module
from workshop.db import BUSY_TIMEOUT_MS, WRITER_LOCK, Database


def _pings(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    pings: list[object] = []
    ping = db.read_engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(db.read_engine.dialect, "do_ping", counted)
    return pings


def _read(db: Database) -> int:
    with db.reading() as session:
        return int(session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def test_busy_connections_are_not_pinged(pg_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    pings = _pings(pg_db, monkeypatch)
    first = _read(pg_db)
    assert [_read(pg_db) for _ in range(5)] == [first] * 5  # the same pooled connection, reused
    assert pings == []


def test_an_idle_connection_found_dead_is_replaced_without_an_error(
    pg_db: Database, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _pings(pg_db, monkeypatch)
    first = _read(pg_db)
    # As a restarted server or a proxy's idle timeout would: the pooled connection's backend is gone.
    with postgres_server.connect() as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (first,)).fetchone() == (True,)
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 0.0)  # every pooled connection counts as idle
    second = _read(pg_db)
    assert second != first and len(pings) == 1


def test_a_write_transaction_sets_its_timeout_and_takes_the_lock_in_one_statement(pg_db: Database) -> None:
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(pg_db.write_engine, "before_cursor_execute", seen)
    try:
        with pg_db.writing() as session:
            connection = session.connection()
            timeout = connection.exec_driver_sql("SHOW lock_timeout").scalar_one()
            held = connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                    "AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": WRITER_LOCK},
            ).scalar_one()
    finally:
        event.remove(pg_db.write_engine, "before_cursor_execute", seen)
    assert timeout == f"{BUSY_TIMEOUT_MS // 1000}s" and held == 1
    assert len([s for s in statements if "pg_advisory_xact_lock" in s or "lock_timeout =" in s]) == 1
    with pg_db.reading() as session:  # LOCAL: the setting went with the transaction
        assert session.connection().exec_driver_sql("SHOW lock_timeout").scalar_one() == "0"
