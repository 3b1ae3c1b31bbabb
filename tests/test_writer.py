"""The batching writer: every write committed before its caller hears back, refusals kept apart."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, func, select

from workshop import store
from workshop.db import Database
from workshop.models import Seat
from workshop.writer import BatchWriter, WriterStopped


async def test_burst_is_batched_and_every_write_is_committed(db: Database, workshop_id: int) -> None:
    writer = BatchWriter(db)
    writer.start()
    try:
        seats = await asyncio.gather(
            *(writer.submit(lambda s: store.join(s, workshop_id)) for _ in range(300))
        )
    finally:
        writer.stop()
    assert len({seat.token for seat in seats}) == 300
    assert writer.writes == 300 and writer.batches < 300
    with db.reading() as session:
        assert session.exec(select(func.count()).select_from(Seat)).one() == 300


async def test_one_refused_write_does_not_undo_its_batch(db: Database, workshop_id: int) -> None:
    def refuse(session: Session) -> None:
        store.join(session, workshop_id)  # written, then undone by its savepoint
        raise ValueError("refused")

    writer = BatchWriter(db)
    writer.start()
    try:
        results = await asyncio.gather(
            writer.submit(lambda s: store.join(s, workshop_id)),
            writer.submit(refuse),
            writer.submit(lambda s: store.join(s, workshop_id)),
            return_exceptions=True,
        )
    finally:
        writer.stop()
    assert isinstance(results[1], ValueError)
    assert isinstance(results[0], Seat) and isinstance(results[2], Seat)
    with db.reading() as session:
        assert session.exec(select(func.count()).select_from(Seat)).one() == 2


def test_sync_submit_and_stop(db: Database, workshop_id: int) -> None:
    writer = BatchWriter(db)
    with pytest.raises(WriterStopped):
        writer.submit_sync(lambda s: None)
    writer.start()
    assert writer.submit_sync(lambda s: store.revision(s, workshop_id)) == 0
    writer.stop()
    with pytest.raises(WriterStopped):
        writer.submit_sync(lambda s: None)


async def test_a_batch_is_bounded_by_time_so_the_first_caller_hears_back_early(db: Database) -> None:
    """Fifty slow writes queued at once: the first is acknowledged long before the last has even run."""
    events: list[tuple[str, int]] = []
    lock = threading.Lock()
    release = threading.Event()
    holding = threading.Event()

    def slow(number: int) -> Callable[[Session], int]:
        def write(_session: Session) -> int:
            if number == 0:
                holding.set()
                release.wait(10)  # hold the writer until every other write is queued behind it
            with lock:
                events.append(("ran", number))
            time.sleep(0.02)
            return number

        return write

    async def submit(number: int) -> None:
        await writer.submit(slow(number))
        with lock:
            events.append(("acknowledged", number))

    writer = BatchWriter(db, max_batch_seconds=0.05)
    writer.start()
    try:
        first = asyncio.ensure_future(submit(0))
        await asyncio.sleep(0)
        rest = [asyncio.ensure_future(submit(n)) for n in range(1, 51)]
        # Let go only once the writer holds the first write and the fifty others wait behind it: released
        # early, later writes would trickle in one by one and the checks below would prove nothing.
        deadline = asyncio.get_running_loop().time() + 10
        while not (holding.is_set() and writer._queue.qsize() >= 50):
            assert asyncio.get_running_loop().time() < deadline, "the writes were not queued in time"
            await asyncio.sleep(0.01)
        release.set()
        await asyncio.gather(first, *rest)
    finally:
        writer.stop()
    acknowledged = events.index(("acknowledged", 1))
    assert acknowledged < events.index(("ran", 10)), "the first write waited for a long batch"
    assert writer.batches >= 51 / 4  # a batch closes once 50 ms of 20 ms writes are done: 3, or 4 at most


async def test_the_writer_knows_while_saving_fails(db: Database, workshop_id: int) -> None:
    def disk_full(_session: Session) -> None:
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))

    writer = BatchWriter(db)
    writer.start()
    try:
        with pytest.raises(OperationalError):
            await writer.submit(disk_full)
        assert writer.problem == "the disk is full"
        with pytest.raises(ValueError):  # a refusal says nothing about the disk: still failing
            await writer.submit(lambda s: (_ for _ in ()).throw(ValueError("refused")))
        assert writer.problem == "the disk is full"
        await writer.submit(lambda s: store.join(s, workshop_id))
        assert writer.problem is None
    finally:
        writer.stop()


def test_a_stop_that_times_out_says_what_was_not_saved(
    db: Database, workshop_id: int, caplog: pytest.LogCaptureFixture
) -> None:
    held = threading.Event()
    release = threading.Event()

    def waits(session: Session) -> None:  # a write stuck behind another program's lock
        store.join(session, workshop_id)
        held.set()
        release.wait(30)

    writer = BatchWriter(db)
    writer.start()
    threading.Thread(target=lambda: writer.submit_sync(waits), daemon=True).start()
    assert held.wait(10)
    with caplog.at_level("WARNING", logger="workshop.writer"):
        writer.stop(timeout=0.1)
    release.set()
    assert "did not finish within 0.1 s" in caplog.text and "none of them was acknowledged" in caplog.text
