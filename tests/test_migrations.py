"""Schema migrations: models and scripts agree, old databases open, newer ones are refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import SQLModel

import workshop.models  # noqa: F401
from workshop import locations, store
from workshop.db import Database, DatabaseError, open_database
from workshop.migrations import alembic_config, current_revision, head_revision
from workshop.models import row_id


def test_migrations_match_the_models(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    with db.write_engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    db.dispose()
    assert diff == [], f"models changed without a migration: {diff}"


def test_every_revision_upgrades_with_data_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    first = ScriptDirectory(str(locations.migrations_dir())).get_base()
    assert isinstance(first, str)
    old = Database(url)
    command.upgrade(alembic_config(old.write_engine), first)
    with old.write_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workshop"
                " (title, template, join_code, facilitator_token, is_demo, revision, created_at) "
                "VALUES ('Baseline 2025', 'cyp-integration', 'OLDONE', 'secret', 0, 7, '2025-11-01 10:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO agendaitem"
                " (workshop_id, position, kind, title, planned_minutes, state, notes, config)"
                " VALUES (1, 0, 'maturity', 'Matrix 2025', 40, 'closed', '', '{}')"
            )
        )
    old.dispose()

    db = open_database(url)
    assert current_revision(db.write_engine) == head_revision()
    with db.reading() as session:
        workshop = store.find_by_join_code(session, "OLDONE")
        assert (workshop.title, workshop.revision) == ("Baseline 2025", 7)
        item = store.agenda(session, row_id(workshop))[0]
        assert (item.title, item.state, item.revealed, item.entries_shown) == (
            "Matrix 2025",
            "closed",
            False,
            False,
        )
    db.dispose()


def test_tokens_from_0009_keep_working_and_only_their_hashes_stay(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'at-0009.sqlite3'}"
    old = Database(url)
    command.upgrade(alembic_config(old.write_engine), "0009")
    tokens = ["kept-token-from-0009-aaaaaaaaaaaaaaaa", "kept-token-from-0009-aaaaaaaaaaaaaaaa", ""]
    with old.write_engine.begin() as conn:
        for n, token in enumerate(tokens):
            conn.execute(
                text(
                    "INSERT INTO workshop (title, template, join_code, facilitator_token, is_demo,"
                    " revision, created_at) VALUES (:title, 'cyp-integration', :code, :token, 0, 0,"
                    " '2026-11-01 10:00:00')"
                ),
                {"title": f"Workshop {n}", "code": f"CODE{n}", "token": token},
            )
            conn.execute(  # a row pointing at the workshop: the upgrade must not copy the table under it
                text(
                    "INSERT INTO agendaitem (workshop_id, position, kind, title, planned_minutes, state,"
                    " notes, config, revealed, entries_shown)"
                    " VALUES (:id, 0, 'question', 'Q', 5, 'pending', '', '{}', 0, 0)"
                ),
                {"id": n + 1},
            )
    old.dispose()

    db = open_database(url)
    assert current_revision(db.write_engine) == head_revision()
    with db.reading() as session:
        found = store.workshop_by_facilitator_token(session, tokens[0])
        assert found is not None and found.title == "Workshop 0"  # a paired remote still works
        # The same token twice (only hand-made rows) goes to the first; the second and the empty one have
        # none until one is issued.
        hashes = [store.get_workshop(session, n + 1).facilitator_token_hash for n in range(3)]
        assert hashes[1:] == [None, None] and store.workshop_by_facilitator_token(session, "") is None
        assert len(store.agenda(session, 3)) == 1
    with db.write_engine.connect() as conn:
        columns = [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(workshop)")]
        assert "facilitator_token" not in columns
    with db.writing() as session:
        fresh = store.issue_facilitator_token(session, store.get_workshop(session, 2))
    with db.reading() as session:
        assert store.workshop_by_facilitator_token(session, fresh) == store.get_workshop(session, 2)
    db.dispose()


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    open_database(url).dispose()
    db = Database(url)
    with db.write_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose()
    with pytest.raises(DatabaseError, match="newer version"):
        open_database(url)


def test_sqlite_is_in_wal_mode_with_full_sync(db: Database) -> None:
    with db.write_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        assert timeout is not None and timeout >= 5000
