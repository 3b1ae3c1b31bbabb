"""While writes keep coming, a batch gives the next ones a moment to queue before it begins (one commit
for more writes); a lone write after a quiet spell, or a batch with enough queued already, does not wait."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from tests.helpers.waiting import until
from workshop import store
from workshop import writer as writer_module
from workshop.db import Database
from workshop.writer import GATHER_SECONDS, GATHERED_ENOUGH, MAX_BATCH, BatchWriter


class Waits:
    """The writer's gather waits, recorded; a wait can be held open until a test lets it end."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def sleep(self, seconds: float) -> None:
        self.seconds.append(seconds)
        self.started.set()
        assert self.release.wait(10), "the test never let the wait end"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Waits]:
    recorded = Waits()
    # "Busy" for a minute after a batch, not a tenth of a second: a loaded machine may take that long
    # between two steps of a test.
    monkeypatch.setattr(writer_module, "BUSY_SECONDS", 60.0)
    yield recorded
    recorded.release.set()


def _writer(
    db: Database, waits: Waits, max_batch: int = MAX_BATCH, gather_seconds: float = GATHER_SECONDS
) -> BatchWriter:
    # Ten seconds of work a batch: on a slow machine only the gather decides which writes share one.
    writer = BatchWriter(db, max_batch=max_batch, max_batch_seconds=10, gather_seconds=gather_seconds)
    writer._sleep = waits.sleep
    return writer


async def test_a_lone_write_goes_at_once_and_so_does_one_after_a_quiet_spell(
    db: Database, workshop_id: int, waits: Waits, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = _writer(db, waits)
    writer.start()
    try:
        await writer.submit(lambda s: store.join(s, workshop_id))  # the writer's first: nothing came before
        monkeypatch.setattr(writer_module, "BUSY_SECONDS", 0.1)
        writer._last_batch = time.monotonic() - 1  # as if the last batch ended a second ago
        await writer.submit(lambda s: store.join(s, workshop_id))
    finally:
        writer.stop()
    assert waits.seconds == [] and writer.batches == 2


async def test_writes_that_keep_coming_wait_for_each_other_and_share_a_commit(
    db: Database, workshop_id: int, waits: Waits
) -> None:
    writer = _writer(db, waits)
    writer.start()
    try:
        await writer.submit(lambda s: store.join(s, workshop_id))  # the writer is busy from now on
        waits.release.clear()
        first = asyncio.ensure_future(writer.submit(lambda s: store.join(s, workshop_id)))
        # The writer waits before this batch begins; the writes that come meanwhile join it.
        assert await asyncio.to_thread(waits.started.wait, 10)
        rest = [asyncio.ensure_future(writer.submit(lambda s: store.join(s, workshop_id))) for _ in range(3)]
        await asyncio.sleep(0)
        waits.release.set()
        await asyncio.gather(first, *rest)
    finally:
        writer.stop()
    assert waits.seconds == [GATHER_SECONDS]
    assert writer.batches == 2 and writer.writes == 5


async def test_no_wait_when_enough_writes_are_queued_or_when_told_not_to(
    db: Database, workshop_id: int, waits: Waits
) -> None:
    release = threading.Event()

    def hold(session: Session) -> None:
        release.wait(10)  # the next writes queue behind this one
        store.join(session, workshop_id)

    writer = _writer(db, waits, max_batch=1)  # a batch a write: each after the first finds the writer busy
    writer.start()
    try:
        held = asyncio.ensure_future(writer.submit(hold))
        queued = [
            asyncio.ensure_future(writer.submit(lambda s: store.join(s, workshop_id)))
            for _ in range(GATHERED_ENOUGH + 1)
        ]
        assert await asyncio.to_thread(until, lambda: writer._queue.qsize() == GATHERED_ENOUGH + 1)
        release.set()
        await asyncio.gather(held, *queued)
    finally:
        writer.stop()
    # The first batch found the writer idle; of the rest, those that began with fewer than GATHERED_ENOUGH
    # writes queued behind them waited.
    assert len(waits.seconds) == GATHERED_ENOUGH and writer.batches == GATHERED_ENOUGH + 2
    eager = _writer(db, waits, gather_seconds=0)
    eager.start()
    try:
        for _ in range(3):
            await eager.submit(lambda s: store.join(s, workshop_id))
    finally:
        eager.stop()
    assert len(waits.seconds) == GATHERED_ENOUGH
