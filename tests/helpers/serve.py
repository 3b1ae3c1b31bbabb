"""``workshop serve`` as a real process, and phones that vote on its maturity matrix from threads.

What each phone was told (its acknowledgements) is kept, so a test can compare it with the database after
the server was killed or stopped.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

import httpx
from sqlalchemy import text

from tests.helpers.web import free_port
from workshop.activities.maturity import load_structure
from workshop.db import Database

ROOT = Path(__file__).resolve().parents[2]
READY_WITHIN = 30.0  # seconds: a loaded 2-core machine starts Python, FastAPI and the migrations check


def workshop_command(db_path: Path | str, *args: str) -> list[str]:
    """The command line of ``workshop --db PATH ARGS`` run by this Python (or ``--db URL``)."""
    return [sys.executable, "-m", "workshop", "--db", str(db_path), *args]


class EndsOnExit:
    """A process a test started: in a ``with`` block, it is ended (:meth:`end`) however the block leaves."""

    def end(self) -> None:
        """Make sure the process and everything it started are gone."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.end()


class ServeProcess(EndsOnExit):
    """``workshop --db PATH serve --host 127.0.0.1 --port P ARGS`` with its output in files; ``db_path`` may
    also be a database URL (``postgresql+psycopg://…``). A ``with`` block starts once it answers, and ends it
    with its workers however the block leaves."""

    def __init__(self, db_path: Path | str, logs: Path, *args: str, port: int | None = None) -> None:
        self.port = port if port is not None else free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        logs.mkdir(parents=True, exist_ok=True)
        # Files rather than pipes: a pipe nobody reads during a burst could fill and stall the server.
        self.stdout_path = logs / f"serve-{self.port}.out"
        self.stderr_path = logs / f"serve-{self.port}.err"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                workshop_command(db_path, "serve", "--host", "127.0.0.1", "--port", str(self.port), *args),
                cwd=ROOT,
                stdout=out,
                stderr=err,
                # Its own process group: a test can kill the server with its workers, as a power cut would.
                start_new_session=True,
            )

    @property
    def stdout(self) -> str:
        """What the server printed so far."""
        return self.stdout_path.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        """What the server logged so far."""
        return self.stderr_path.read_text(errors="replace")

    def wait_ready(self, seconds: float = READY_WITHIN) -> None:
        """Wait until ``/healthz`` answers and the server has announced itself; fail with the server's
        output if it exits or takes too long."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}: {self.stderr[-2000:]}")
            try:
                # Answering, and announced: the workers answer before the server has said it listens.
                answers = httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
                if answers and "Participant server listening" in self.stdout:
                    return
            except httpx.TransportError:
                time.sleep(0.05)  # polling for the port to open, not waiting before a check
        raise AssertionError(f"serve did not answer within {seconds} s: {self.stderr[-2000:]}")

    def __enter__(self) -> Self:
        """The server once it answers (:meth:`wait_ready`); it is ended if it does not."""
        try:
            self.wait_ready()
        except BaseException:
            self.end()
            raise
        return self

    def running(self) -> bool:
        """Whether the server process has not exited."""
        return self.process.poll() is None

    def tail(self) -> str:
        """The end of what the server logged, for a failed check's message."""
        return self.stderr[-2000:]

    def signal(self, sig: signal.Signals) -> None:
        """Send ``sig`` to the server."""
        self.process.send_signal(sig)

    def stop(self, seconds: float) -> int | None:
        """SIGTERM the server and wait: its exit code, or None if it still runs after ``seconds``."""
        self.signal(signal.SIGTERM)
        return self.wait(seconds)

    def wait(self, seconds: float) -> int | None:
        """The exit code, or None if the server is still running after ``seconds``."""
        try:
            return self.process.wait(seconds)
        except subprocess.TimeoutExpired:
            return None

    def workers(self) -> list[int]:
        """The process ids of the server's workers (its child processes), as Linux lists them."""
        pid = self.process.pid
        try:
            return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def announced_workers(self, count: int) -> list[int]:
        """The workers' process ids, once checked that the server said it runs ``count`` and has them."""
        assert f"({count} worker processes)" in self.stdout
        workers = self.workers()
        assert len(workers) == count, workers
        return workers

    def kill_all(self) -> None:
        """SIGKILL the server and its workers at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def end(self) -> None:
        """Make sure the process and its workers are gone (after a failed test)."""
        self.kill_all()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)


@dataclass(frozen=True)
class Ballot:
    """Where a phone votes and what it fills in: every factor at every horizon, one level for all."""

    code: str
    item_id: int
    fields: tuple[str, ...]
    levels: tuple[int, ...]

    @classmethod
    def read(cls, db: Database, workshop_id: int, code: str, item_id: int) -> Ballot:
        """The matrix of ``workshop_id`` as a phone fills it in."""
        with db.reading() as session:
            structure = load_structure(session, workshop_id)
        fields = tuple(structure.field_name(f, h) for f in structure.factors for h in structure.horizons)
        return cls(code, item_id, fields, tuple(level.value for level in structure.levels))


@dataclass
class Phone:
    """One phone: its seat token once its join was acknowledged, the levels it posted, how many were acked.

    A phone posts one vote at a time, so at most the vote after its last acknowledged one was in flight.
    """

    number: int
    token: str = ""
    posted: list[int] = field(default_factory=list)
    acked: int = 0
    refused: list[int] = field(default_factory=list)  # statuses that were neither a saved vote nor a join

    def possible(self) -> set[int]:
        """The levels the database may hold for this phone: its last acknowledged vote or the one after."""
        candidates = self.posted[max(self.acked - 1, 0) : self.acked + 1]
        return set(candidates)

    def vote(
        self, url: str, ballot: Ballot, stop: threading.Event | None = None, rounds: int | None = None
    ) -> None:
        """Join, then post full votes (each round another level) until ``stop``, ``rounds`` votes, or the
        server goes."""
        stop = stop if stop is not None else threading.Event()
        with httpx.Client(base_url=url, timeout=20) as client:
            try:
                joined = client.post(f"/j/{ballot.code}", data={})
                if joined.status_code != 303:
                    self.refused.append(joined.status_code)
                    return
                self.token = next(iter(joined.cookies.values()))
                n = 0
                while not stop.is_set() and (rounds is None or n < rounds):
                    level = ballot.levels[(self.number + n) % len(ballot.levels)]
                    self.posted.append(level)
                    reply = client.post(
                        f"/w/{ballot.code}/items/{ballot.item_id}",
                        data=dict.fromkeys(ballot.fields, str(level)),
                    )
                    # The phone flow's acknowledgement: a 303 to the "saved" page, sent after the commit.
                    if reply.status_code == 303 and reply.headers["location"].endswith("/saved"):
                        self.acked = len(self.posted)
                    else:
                        self.refused.append(reply.status_code)
                        return
                    n += 1
            except httpx.TransportError:
                return  # the server went away: whatever was in flight is unacknowledged


STORED_VOTES = (
    "SELECT seat.token, maturityrating.level FROM maturityrating "
    "JOIN response ON maturityrating.response_id = response.id "
    "JOIN seat ON response.seat_id = seat.id WHERE maturityrating.item_id = :item"
)


def stored_votes(source: Path | Database, item_id: int) -> dict[str, Counter[int | None]]:
    """Each seat's ratings on ``item_id`` as {seat token: Counter(level)}: a SQLite file read with plain
    sqlite3, or any database (PostgreSQL) read through a new session of ``source``."""
    rows: list[tuple[str, int | None]]
    if isinstance(source, Database):
        with source.reading() as session:
            found = session.connection().execute(text(STORED_VOTES), {"item": item_id})
            rows = [(str(token), level) for token, level in found]
    else:
        connection = sqlite3.connect(source, timeout=5)
        try:
            rows = connection.execute(STORED_VOTES, {"item": item_id}).fetchall()
        finally:
            connection.close()
    votes: dict[str, Counter[int | None]] = {}
    for token, level in rows:
        votes.setdefault(token, Counter())[level] += 1
    return votes


def eventually(condition: Callable[[], bool], seconds: float) -> bool:
    """Whether ``condition`` came true within ``seconds``, checked every 20 ms."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def read_one(db_path: Path, query: str) -> Any:
    """The first value of the first row ``query`` gives, read from the file with plain sqlite3."""
    connection = sqlite3.connect(db_path, timeout=5)
    try:
        return connection.execute(query).fetchone()[0]
    finally:
        connection.close()


def integrity(db_path: Path) -> str:
    """``PRAGMA integrity_check`` of the file ("ok" when sound)."""
    return str(read_one(db_path, "PRAGMA integrity_check"))


class Serving(Protocol):
    """A server the phones vote on: ``workshop serve`` (:class:`ServeProcess`) or ``workshop run``."""

    @property
    def url(self) -> str:
        """Where phones reach it."""
        ...

    def running(self) -> bool:
        """Whether it has not exited."""
        ...

    def tail(self) -> str:
        """What it last logged or showed, for a failed check's message."""
        ...


@contextlib.contextmanager
def voting(url: str, ballot: Ballot, count: int, rounds: int | None = None) -> Iterator[list[Phone]]:
    """``count`` phones voting at once, each in its own thread, for the ``with`` block.

    Leaving the block, phones that vote until told are told to stop (so are all, if the block failed);
    phones with a number of ``rounds`` finish them. Either way every thread is joined.
    """
    stop = threading.Event()
    phones = [Phone(number) for number in range(count)]
    threads = [
        threading.Thread(target=phone.vote, args=(url, ballot, stop, rounds), daemon=True) for phone in phones
    ]
    for thread in threads:
        thread.start()
    try:
        yield phones
    except BaseException:
        stop.set()
        raise
    finally:
        if rounds is None:
            stop.set()
        for thread in threads:
            thread.join(30 if rounds is None else 60)


def acked_votes(phones: list[Phone]) -> int:
    """How many votes the phones hold acknowledgements for."""
    return sum(phone.acked for phone in phones)


def refusals(phones: list[Phone]) -> list[list[int]]:
    """The statuses that were neither a join nor a saved vote, for each phone that got any."""
    return [phone.refused for phone in phones if phone.refused]


def burst_until(phones: list[Phone], acked: int, server: Serving) -> float:
    """Wait until the phones hold ``acked`` acknowledgements, with the server still running; return how
    long that took."""
    started = time.monotonic()
    assert eventually(lambda: acked_votes(phones) >= acked or not server.running(), 60), (
        f"only {acked_votes(phones)} votes acknowledged:\n{server.tail()}"
    )
    assert server.running(), server.tail()
    return time.monotonic() - started


@contextlib.contextmanager
def mid_burst(server: Serving, ballot: Ballot, count: int, acked: int) -> Iterator[list[Phone]]:
    """``count`` phones voting on ``server`` until they hold ``acked`` acknowledgements, then the ``with``
    block (the fault) while they still post; leaving it, the phones stop and are joined (see
    :func:`voting`)."""
    with voting(server.url, ballot, count) as phones:
        burst_until(phones, acked, server)
        yield phones


def check_votes(source: Path | Database, ballot: Ballot, phones: list[Phone]) -> dict[str, Any]:
    """Every acknowledged vote on ``ballot`` is there whole, and nothing is there that no phone sent
    (``source``: as for :func:`stored_votes`)."""
    stored = stored_votes(source, ballot.item_id)
    fields = len(ballot.fields)
    by_token = {phone.token: phone for phone in phones if phone.token}
    invented = set(stored) - set(by_token)
    assert not invented, f"{len(invented)} seats hold votes no phone sent"
    for token, levels in stored.items():
        phone = by_token[token]
        # Whole: one vote's 27 ratings, all at the one level that vote gave (a half-written vote, or two
        # votes mixed, would show several levels or fewer rows).
        assert len(levels) == 1 and sum(levels.values()) == fields, (phone.number, levels)
        (level,) = levels
        assert level in phone.possible(), (phone.number, level, phone.posted, phone.acked)
    missing = [p.number for p in phones if p.acked and p.token not in stored]
    assert not missing, f"acknowledged votes missing for phones {missing}"
    in_flight = [p for p in phones if len(p.posted) > p.acked]
    # Consecutive votes of a phone give different levels, so a vote saved but never acknowledged shows.
    saved_unacked = sum(1 for p in in_flight if p.token in stored and p.posted[p.acked] in stored[p.token])
    return {
        "acked": acked_votes(phones),
        "seats_voted": len(stored),
        "in_flight": len(in_flight),
        "saved_unacked": saved_unacked,
    }
