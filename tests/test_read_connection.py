"""Database.read_connection: a Core read transaction, on SQLite on a connection kept between blocks."""

from __future__ import annotations

import threading

from sqlalchemy import text

from workshop import store
from workshop.db import Database

REVISION = text("SELECT revision FROM workshop WHERE id = :id")


def test_each_block_sees_what_was_committed_before_it(db: Database, workshop_id: int) -> None:
    with db.read_connection() as connection:
        before = connection.execute(REVISION, {"id": workshop_id}).scalar_one()
    with db.writing() as session:
        store.bump_revision(session, workshop_id)
    with db.read_connection() as connection:  # the same kept connection: no snapshot left from before
        assert connection.execute(REVISION, {"id": workshop_id}).scalar_one() == before + 1


def test_a_block_is_one_transaction_and_ends_in_none(db: Database, workshop_id: int) -> None:
    with db.read_connection() as connection:
        assert connection.in_transaction()
        first = connection.execute(REVISION, {"id": workshop_id}).scalar_one()
        with db.writing() as session:
            store.bump_revision(session, workshop_id)
        # One snapshot for the whole page: a commit in between is not half seen.
        assert connection.execute(REVISION, {"id": workshop_id}).scalar_one() == first
    assert not connection.in_transaction()


def test_blocks_at_once_each_get_a_connection(db: Database, workshop_id: int) -> None:
    inner_done = threading.Event()
    seen: list[int] = []

    def other_thread() -> None:
        with db.read_connection() as connection:
            seen.append(connection.execute(REVISION, {"id": workshop_id}).scalar_one())
        inner_done.set()

    with db.read_connection() as outer:
        with db.read_connection() as nested:  # the kept one is taken: a pooled one
            assert nested is not outer
            nested.execute(REVISION, {"id": workshop_id}).scalar_one()
        thread = threading.Thread(target=other_thread)
        thread.start()
        assert inner_done.wait(10)
        thread.join()
        assert seen == [outer.execute(REVISION, {"id": workshop_id}).scalar_one()]


def test_dispose_closes_the_kept_connection(db: Database, workshop_id: int) -> None:
    with db.read_connection() as connection:
        connection.execute(REVISION, {"id": workshop_id}).scalar_one()
    db.dispose()
    assert connection.closed
    with db.read_connection() as again:  # opened afresh after a dispose
        assert again.execute(REVISION, {"id": workshop_id}).scalar_one() >= 0
