"""The batching writer: every write committed before its caller hears back, refusals kept apart."""

from __future__ import annotations

import asyncio

import pytest
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
