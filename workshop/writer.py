"""One writer thread that commits queued writes in batches; each caller awaits its own commit.

A burst of votes becomes a few transactions instead of hundreds, so SQLite's one-writer rule and the cost
of each durable commit are paid per batch, and the event loop (a server worker's, or the TUI's for its own
changes) never blocks on the database. A batch's writes run in its transaction without savepoints; when one
is refused (a closed item, a bad ballot), the batch is rolled back and run again with each write in a
savepoint of its own, so one refused vote does not undo the others in its batch.

A batch closes at ``MAX_BATCH`` writes or once ``MAX_BATCH_SECONDS`` of work has been done, whichever comes
first: a phone never waits behind a long batch, and the room's live count moves in small steps.

The writer also knows whether saving works: ``problem`` holds why it does not (the disk is full, the file is
locked) from the first failed write until a batch commits cleanly again, so the TUI can say so while it lasts.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

from workshop.db import Database
from workshop.store.workshops import bump_revisions, marking_revisions
from workshop.write_problems import write_problem

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_BATCH = 256
# Long enough to share one durable commit among a burst's writes, short enough that nobody notices a wait.
MAX_BATCH_SECONDS = 0.05
# While writes keep coming (a batch ended less than BUSY_SECONDS ago), a batch waits GATHER_SECONDS for
# more before it begins, holding no lock meanwhile (unless GATHERED_ENOUGH are queued already). A room of
# phones came about 1.4 writes a batch (hosted, 1,000 phones in 10 s, two workers), each paying most of a
# transaction's begin, revision bump and commit. A lone write, after a quiet moment, goes at once.
GATHER_SECONDS = 0.02
BUSY_SECONDS = 0.1
GATHERED_ENOUGH = 8  # writes already queued: no need to wait for more


class WriterStopped(RuntimeError):
    """The writer has been stopped; the write was not attempted."""


class _JobRefused(Exception):
    """A write in a batch run without savepoints raised: the batch's transaction is rolled back."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


@dataclass
class _Job:
    fn: Callable[[Session], Any]
    deliver: Callable[[bool, Any], None]


# A job, whether it was kept, and its result (or what it raised).
_Outcome = tuple[_Job, bool, Any]


class BatchWriter:
    """Serialises every write through one thread; start it before use and stop it on shutdown."""

    def __init__(
        self,
        db: Database,
        max_batch: int = MAX_BATCH,
        max_batch_seconds: float = MAX_BATCH_SECONDS,
        gather_seconds: float = GATHER_SECONDS,
    ) -> None:
        self._db = db
        self._max_batch = max_batch
        self._max_batch_seconds = max_batch_seconds
        self._gather_seconds = gather_seconds
        self._sleep: Callable[[float], None] = time.sleep  # what the gather waits with (a test records it)
        self._last_batch: float | None = None  # when the last batch ended (time.monotonic), if one has
        self.problem: str | None = None  # why saving fails, while it does (see workshop/write_problems.py)
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
            if self._thread.is_alive():
                # A batch still waits (on a lock another program holds, say). Its callers hear back only
                # after a commit, so nothing it holds was acknowledged; the exit that follows abandons it.
                log.warning(
                    "the writer did not finish within %g s: the writes it still holds are not saved yet, "
                    "and none of them was acknowledged",
                    timeout,
                )
            self._thread = None

    async def submit(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` in the next batch and return its result once the batch is committed.

        ``fn`` may run more than once: a batch in which a write is refused is rolled back and run again.
        So it must change nothing outside the database, and its result comes from the run committed.
        """
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
            stop = self._batch(job)
            self._last_batch = time.monotonic()  # committed or failed: the writer was busy until now
            if stop:
                return

    def _batch(self, first: _Job) -> bool:
        """Run ``first`` and the jobs queued behind it in one transaction, commit, then answer each caller.

        Jobs are taken one at a time as the batch runs, until it is full or its time is up. Returns True if
        the stop marker was met, after finishing this batch.
        """
        self._gather()
        taken = [first]
        stop = False
        try:
            try:
                with self._db.writing() as session:
                    outcomes, changed, stop = self._run_plainly(session, taken)
                    # Each workshop's revision moves once a batch, in the transaction that changed it.
                    bump_revisions(session, changed)
            except _JobRefused as refused:  # rolled back, with whatever the writes before it did
                if len(taken) == 1:
                    outcomes = [(first, False, refused.cause)]
                else:  # again, each write in a savepoint of its own: only the refused one is lost
                    with self._db.writing() as session:
                        outcomes, changed = self._run_carefully(session, taken)
                        bump_revisions(session, changed)
        except Exception as exc:  # the transaction failed to begin or commit: nothing in it was saved
            log.exception("a batch of %d writes failed to commit", len(taken))
            self.problem = write_problem(exc) or "the database reported an error"
            for job in taken:
                job.deliver(False, exc)
            return stop
        self.batches += 1
        self.writes += len(outcomes)
        # Saving works again only once something was saved; a write refused for what it said (a closed
        # item, a bad ballot) proves nothing either way, and one the database failed says it still fails.
        failed = next((p for p in (write_problem(v) for _, ok, v in outcomes if not ok) if p), None)
        if failed is not None:
            self.problem = failed
        elif any(ok for _, ok, _ in outcomes):
            self.problem = None
        for job, ok, value in outcomes:
            job.deliver(ok, value)
        return stop

    def _gather(self) -> None:
        """While writes keep coming, give more of them the gather time to queue before a batch begins
        (holding no lock meanwhile); the batch then takes them as usual, within its time."""
        if self._stopping or self._gather_seconds <= 0 or self._last_batch is None:
            return
        if time.monotonic() - self._last_batch >= BUSY_SECONDS:
            return
        if self._queue.qsize() < GATHERED_ENOUGH:
            self._sleep(self._gather_seconds)

    def _run_plainly(self, session: Session, taken: list[_Job]) -> tuple[list[_Outcome], set[int], bool]:
        """Run the jobs in the transaction itself, taking more from the queue as they finish.

        No savepoints: a savepoint and its release cost a write about 0.12 ms of CPU, as much as a small
        write itself, and writes are almost never refused. When one is, :class:`_JobRefused` rolls the whole
        batch back and :meth:`_run_carefully` runs the same jobs again. Returns the outcomes, the workshops
        the writes changed, and whether the stop marker was taken.
        """
        deadline = time.monotonic() + self._max_batch_seconds
        outcomes: list[_Outcome] = []
        changed: set[int] = set()
        for job in taken:  # grows as jobs are taken below
            try:
                with marking_revisions(session) as marks:
                    result = job.fn(session)
                    session.flush()  # its objects' errors are its own, not the next write's
            except Exception as exc:
                raise _JobRefused(exc) from exc
            changed |= marks
            outcomes.append((job, True, result))
            if len(taken) >= self._max_batch or time.monotonic() >= deadline:
                break
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                break
            if more is None:
                return outcomes, changed, True
            taken.append(more)
        return outcomes, changed, False

    def _run_carefully(self, session: Session, taken: list[_Job]) -> tuple[list[_Outcome], set[int]]:
        """Run the jobs again, each in a savepoint: a refused one is undone alone, the rest are kept."""
        changed: set[int] = set()
        return [self._attempt(session, job, changed) for job in taken], changed

    @staticmethod
    def _attempt(session: Session, job: _Job, changed: set[int]) -> _Outcome:
        """Run one job in its savepoint; the workshops it marked as changed count only if it is kept."""
        try:
            with marking_revisions(session) as marks, session.begin_nested():
                result = job.fn(session)
        except Exception as exc:  # this write is refused; the rest of the batch goes on
            return job, False, exc
        changed |= marks
        return job, True, result
