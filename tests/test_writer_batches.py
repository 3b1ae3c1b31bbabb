"""How the writer builds a batch: each workshop's revision moved once, for the writes it keeps; no
savepoints unless a write is refused, and then the batch again with one per write; a refused first write
undone with its transaction, and nothing else with it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, func, select

from workshop import store, usecases
from workshop.db import Database
from workshop.models import Seat, row_id
from workshop.templates import get_template
from workshop.writer import BatchWriter


def _new_workshop(db: Database) -> int:
    with db.writing() as session:
        return row_id(usecases.create_workshop(session, get_template("cyp-integration"), "Other"))


def _wait_for_queued(writer: BatchWriter, count: int) -> None:
    """Hold a batch's first write (in the writer's thread) until ``count`` writes queue behind it, so they
    share its batch; gives up after 10 s, and the test's own assertions then say what happened."""
    deadline = time.monotonic() + 10
    while writer._queue.qsize() < count and time.monotonic() < deadline:
        time.sleep(0.001)


def _revisions(db: Database, *workshop_ids: int) -> list[int]:
    with db.reading() as session:
        return [store.revision(session, workshop_id) for workshop_id in workshop_ids]


async def test_a_batch_bumps_each_changed_workshop_once_and_a_refused_write_not_at_all(
    db: Database, workshop_id: int
) -> None:
    other, untouched = _new_workshop(db), _new_workshop(db)
    before = _revisions(db, workshop_id, other, untouched)
    writer = BatchWriter(db)
    queued = 5

    def hold(session: Session) -> None:
        # The batch's first write waits until the others are queued behind it, so all share one batch.
        _wait_for_queued(writer, queued)
        store.join(session, workshop_id)

    def refused(session: Session) -> None:
        store.join(session, untouched)  # bumps the revision, then is undone by its savepoint
        raise ValueError("refused")

    writer.start()
    try:
        results = await asyncio.gather(
            writer.submit(hold),
            *(writer.submit(lambda s: store.join(s, workshop_id)) for _ in range(3)),
            writer.submit(lambda s: store.join(s, other)),
            writer.submit(refused),
            return_exceptions=True,
        )
    finally:
        writer.stop()
    assert isinstance(results[-1], ValueError)
    assert not any(isinstance(result, Exception) for result in results[:-1])
    assert writer.batches == 1 and writer.writes == 6
    assert _revisions(db, workshop_id, other, untouched) == [before[0] + 1, before[1] + 1, before[2]]


async def test_each_batch_moves_the_revision_in_its_own_commit(db: Database, workshop_id: int) -> None:
    (before,) = _revisions(db, workshop_id)
    writer = BatchWriter(db)
    writer.start()
    try:
        for expected in (before + 1, before + 2):
            await writer.submit(lambda s: store.join(s, workshop_id))
            # The vote's reply comes after its commit, and the revision moved in that commit.
            assert _revisions(db, workshop_id) == [expected]
    finally:
        writer.stop()


def test_outside_the_writer_a_bump_is_immediate(db: Database, workshop_id: int) -> None:
    (before,) = _revisions(db, workshop_id)
    with db.writing() as session:
        store.bump_revision(session, workshop_id)
        assert store.revision(session, workshop_id) == before + 1


def _seats(db: Database) -> int:
    with db.reading() as session:
        return session.exec(select(func.count()).select_from(Seat)).one()


async def test_a_refused_first_write_is_undone_and_the_writes_behind_it_are_kept(
    db: Database, workshop_id: int
) -> None:
    (before,) = _revisions(db, workshop_id)
    writer = BatchWriter(db)
    queued = 2

    def refused_first(session: Session) -> None:
        _wait_for_queued(writer, queued)
        store.join(session, workshop_id)  # written, bumped, then undone with the whole transaction
        raise ValueError("refused")

    writer.start()
    try:
        results = await asyncio.gather(
            writer.submit(refused_first),
            *(writer.submit(lambda s: store.join(s, workshop_id)) for _ in range(queued)),
            return_exceptions=True,
        )
        assert writer.problem is None  # refused for what it said: saving still works
        assert await writer.submit(lambda s: store.join(s, workshop_id)) is not None
    finally:
        writer.stop()
    assert isinstance(results[0], ValueError) and str(results[0]) == "refused"
    assert all(isinstance(result, Seat) for result in results[1:])
    assert _seats(db) == queued + 1
    assert _revisions(db, workshop_id)[0] - before == writer.batches - 1  # all but the refused batch


async def test_a_first_write_whose_objects_cannot_be_saved_is_refused_alone(
    db: Database, workshop_id: int
) -> None:
    writer = BatchWriter(db)

    def bad_object(session: Session) -> None:
        _wait_for_queued(writer, 1)
        # Refused only when written (the workshop does not exist): the error is this write's, not the next's.
        session.add(Seat(workshop_id=workshop_id + 1000, token="t" * 32, code="ABCDEF"))

    writer.start()
    try:
        results = await asyncio.gather(
            writer.submit(bad_object),
            writer.submit(lambda s: store.join(s, workshop_id)),
            return_exceptions=True,
        )
    finally:
        writer.stop()
    assert isinstance(results[0], Exception) and isinstance(results[1], Seat)
    assert _seats(db) == 1


def _statements(db: Database) -> tuple[list[str], Callable[[], None]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split()[0].upper())

    event.listen(db.write_engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(db.write_engine, "before_cursor_execute", record)


async def test_a_batch_nobody_refuses_runs_without_savepoints_and_one_refusal_reruns_it(
    db: Database, workshop_id: int
) -> None:
    writer = BatchWriter(db)
    runs: list[bool] = []

    def held(session: Session) -> None:  # the batch's first write, done once the rest have queued up
        if not runs:
            _wait_for_queued(writer, 3)
        runs.append(True)  # run again with its batch, it has nothing to wait for

    def refuse(session: Session) -> None:
        store.join(session, workshop_id)
        raise ValueError("refused")

    def join(session: Session) -> Seat:
        return store.join(session, workshop_id)

    seen, stop_seeing = _statements(db)
    writer.start()
    try:
        for jobs in ([join, join, join], [join, refuse, join]):
            batches = writer.batches
            runs.clear()
            results = await asyncio.gather(
                writer.submit(held), *(writer.submit(job) for job in jobs), return_exceptions=True
            )
            if refuse in jobs:
                assert isinstance(results[2], ValueError)
                assert isinstance(results[1], Seat) and isinstance(results[3], Seat)
                # The batch ended at the refusal and ran again, each write in its own savepoint (the held
                # one, which runs no SQL, needs none); the write still queued went in the next batch.
                assert writer.batches == batches + 2 and seen.count("SAVEPOINT") == 2
            else:
                assert all(isinstance(result, Seat) for result in results[1:])
                assert writer.batches == batches + 1 and seen.count("SAVEPOINT") == 0
            seen.clear()
    finally:
        stop_seeing()
        writer.stop()
    assert _seats(db) == 5
