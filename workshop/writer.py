"""One writer thread that commits queued writes in batches; each caller awaits its own commit.

A burst of votes becomes a few transactions instead of hundreds, so SQLite's one-writer rule and the cost
of each durable commit are paid per batch, and the event loop (shared with the TUI) never blocks on the
database. Each write runs in its own savepoint: one refused vote does not undo the others in its batch.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

from workshop.db import Database

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_BATCH = 256


class WriterStopped(RuntimeError):
    """The writer has been stopped; the write was not attempted."""


@dataclass
class _Job:
    fn: Callable[[Session], Any]
    deliver: Callable[[bool, Any], None]


class BatchWriter:
    """Serialises every write through one thread; start it before use and stop it on shutdown."""

    def __init__(self, db: Database, max_batch: int = MAX_BATCH) -> None:
        self._db = db
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.batches = 0
        self.writes = 0

    def start(self) -> None:
        """Start the writer thread (idempotent)."""
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="workshop-writer", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the writes already queued, then stop the thread."""
        if self._thread is not None:
            self._stopping = True
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    async def submit(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` in the next batch and return its result once the batch is committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def deliver(ok: bool, value: Any) -> None:
            def settle() -> None:
                if future.done():  # the request was cancelled; its write still stands
                    return
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

            loop.call_soon_threadsafe(settle)

        self._put(_Job(fn, deliver))
        return await future

    def submit_sync(self, fn: Callable[[Session], T], timeout: float | None = 30.0) -> T:
        """Blocking form of :meth:`submit`, for code already running in a worker thread."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def deliver(ok: bool, value: Any) -> None:
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

        self._put(_Job(fn, deliver))
        return future.result(timeout)

    def _put(self, job: _Job) -> None:
        if self._thread is None or self._stopping:
            raise WriterStopped("the writer is not running")
        self._queue.put(job)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            batch = [job]
            while len(batch) < self._max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._commit(batch)
                    return
                batch.append(more)
            self._commit(batch)

    def _commit(self, batch: list[_Job]) -> None:
        outcomes: list[tuple[_Job, bool, Any]] = []
        try:
            with self._db.writing() as session:
                for job in batch:
                    try:
                        with session.begin_nested():
                            outcomes.append((job, True, job.fn(session)))
                    except Exception as exc:  # this write is refused; the rest of the batch goes on
                        outcomes.append((job, False, exc))
        except Exception as exc:  # the commit itself failed: nothing in the batch was saved
            log.exception("a batch of %d writes failed to commit", len(batch))
            for job in batch:
                job.deliver(False, exc)
            return
        self.batches += 1
        self.writes += len(batch)
        for job, ok, value in outcomes:
            job.deliver(ok, value)
