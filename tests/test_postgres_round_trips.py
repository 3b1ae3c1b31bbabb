"""Fewer round trips to PostgreSQL per phone (sixth round): a page's reads in autocommit, a vote's rows in
one statement, its response row made or touched in one; each checked against SQLite doing the same."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DataError
from sqlmodel import Session, select

from tests.helpers.data import start_kind
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.db import Database
from workshop.models import MaturityComment, MaturityRating, Response, row_id, table_of
from workshop.store.many_rows import add_rows
from workshop.store.responses import response_row
from workshop.templates import get_template

REVISION = text("SELECT revision FROM workshop WHERE id = :id")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The same test on SQLite and on the run's PostgreSQL server."""
    fixture = "db" if request.param == "sqlite" else "pg_db"
    database: Database = request.getfixturevalue(fixture)
    return database


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, bool]]]:
    """Each statement sent on ``engine`` in the block, and whether as an executemany."""
    seen: list[tuple[str, bool]] = []

    def note(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, many: bool) -> None:
        seen.append((statement, many))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _workshop_with_seat(db: Database) -> tuple[int, int, int]:
    """A workshop with its maturity matrix started, and a seat: (workshop, item, seat) ids."""
    with db.writing() as session:
        workshop_id = row_id(
            usecases.create_workshop(session, get_template("cyp-integration"), "Round trips")
        )
    item = start_kind(db, workshop_id, "maturity")
    with db.writing() as session:
        seat = store.join(session, workshop_id)
    return workshop_id, row_id(item), row_id(seat)


def test_a_page_reads_in_autocommit_on_postgresql(pg_db: Database) -> None:
    workshop_id, _item, _seat = _workshop_with_seat(pg_db)
    with pg_db.read_connection() as connection:
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        before = connection.execute(REVISION, {"id": workshop_id}).scalar_one()
        driver = connection.connection.dbapi_connection
        assert driver is not None
        # No transaction left open on the server: no BEGIN went, and no ROLLBACK will.
        assert driver.info.transaction_status == TransactionStatus.IDLE
        with pg_db.writing() as session:
            store.bump_revision(session, workshop_id)
        # Each statement its own snapshot: the commit made in between is seen.
        assert connection.execute(REVISION, {"id": workshop_id}).scalar_one() == before + 1
    # The pooled connection goes back as the other reads expect it: one snapshot for a whole transaction.
    with pg_db.reading() as session:
        # The same pooled connection, checked in and out again (the pool hands back the last one returned).
        assert session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one() == backend
        shown = session.connection().exec_driver_sql("SHOW transaction_isolation").scalar_one()
        first = session.connection().execute(REVISION, {"id": workshop_id}).scalar_one()
        with pg_db.writing() as other:
            store.bump_revision(other, workshop_id)
        assert session.connection().execute(REVISION, {"id": workshop_id}).scalar_one() == first
    assert shown == "repeatable read"


def test_many_rows_go_in_one_statement_on_postgresql_and_read_back_the_same(any_db: Database) -> None:
    workshop_id, item_id, seat_id = _workshop_with_seat(any_db)
    texts = [s for s in BLNS if s][:40]
    with any_db.writing() as session:
        structure = load_structure(session, workshop_id)
        response, _new = response_row(session, item_id, seat_id)
        factors = [row_id(f) for f in structure.factors]
        ratings = [
            {"response_id": response, "item_id": item_id, "factor_id": f, "horizon_id": h, "level": level}
            for f, level in zip(factors, [1, None, 3, 4, None, 2, 1, 4, 3], strict=True)
            for h in [row_id(structure.horizons[0])]
        ]
        written = list(zip(factors, texts, strict=False))
        comments = [
            {"response_id": response, "item_id": item_id, "factor_id": f, "text": t} for f, t in written
        ]
        with _statements(any_db.write_engine) as sent:
            add_rows(session.connection(), table_of(MaturityRating), ratings)
            add_rows(session.connection(), table_of(MaturityComment), comments)
            add_rows(session.connection(), table_of(MaturityComment), [])  # nothing: no statement
    if any_db.is_sqlite:
        assert [many for _statement, many in sent] == [True, True]
    else:
        assert len(sent) == 2 and all("unnest" in statement and not many for statement, many in sent)
    with any_db.reading() as session:
        stored = session.exec(
            select(MaturityRating.factor_id, MaturityRating.horizon_id, MaturityRating.level)
        ).all()
        notes = session.exec(select(MaturityComment.factor_id, MaturityComment.text)).all()
    assert sorted(stored, key=str) == sorted(
        [(r["factor_id"], r["horizon_id"], r["level"]) for r in ratings], key=str
    )
    # Awkward text goes through the arrays exactly, as it did row by row (but U+0000, which both drop).
    assert sorted(notes) == sorted((f, t.replace("\x00", "")) for f, t in written)


def test_a_response_row_is_made_then_touched_in_one_statement_on_postgresql(any_db: Database) -> None:
    workshop_id, item_id, seat_id = _workshop_with_seat(any_db)
    counts = []
    for _ in range(2):
        with any_db.writing() as session, _statements(any_db.write_engine) as sent:
            made = response_row(session, item_id, seat_id)
            # The transaction's own first statement (its timeout and lock) aside.
            counts.append((made, len([s for s, _many in sent if "response" in s])))
    with any_db.writing() as session:  # twice in one transaction: the second finds the row just made
        other_seat = row_id(store.join(session, workshop_id))
        made = response_row(session, item_id, other_seat)
        assert made[1] is True and response_row(session, item_id, other_seat) == (made[0], False)
    (first, first_sent), (again, again_sent) = counts
    assert first[1] is True and again == (first[0], False)
    with any_db.reading() as session:
        row = session.exec(select(Response).where(Response.id == first[0])).one()
    assert row.updated_at > row.created_at  # touched: the seat changed its answers
    if not any_db.is_sqlite:
        assert first_sent == again_sent == 1


def test_a_vote_changed_on_postgresql_replaces_every_rating(pg_db: Database) -> None:
    workshop_id, item_id, seat_id = _workshop_with_seat(pg_db)
    with pg_db.reading() as session:
        structure = load_structure(session, workshop_id)
    keys = [(row_id(f), row_id(h)) for f in structure.factors for h in structure.horizons]
    for level in (1, 4):
        answers = MatrixAnswers(ratings=dict.fromkeys(keys, level), comments={keys[0][0]: f"level {level}"})
        with pg_db.writing() as session:
            usecases.save_response(session, item_id=item_id, seat_id=seat_id, answers=answers)
    with Session(pg_db.read_engine) as session:
        levels = session.exec(select(MaturityRating.level)).all()
        notes = session.exec(select(MaturityComment.text)).all()
    assert levels == [4] * len(keys) and notes == ["level 4"]


def test_a_text_too_long_for_its_column_is_refused_not_cut_short(pg_db: Database) -> None:
    workshop_id, item_id, seat_id = _workshop_with_seat(pg_db)
    with pg_db.reading() as session:
        factors = [row_id(f) for f in load_structure(session, workshop_id).factors]
    long = "x" * 501  # the column holds 500
    rows = [{"response_id": 0, "item_id": item_id, "factor_id": f, "text": long} for f in factors[:2]]
    with pytest.raises(DataError, match="too long"), pg_db.writing() as session:
        rows = [{**row, "response_id": response_row(session, item_id, seat_id)[0]} for row in rows]
        add_rows(session.connection(), table_of(MaturityComment), rows)
