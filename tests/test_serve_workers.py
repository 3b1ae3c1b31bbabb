"""The participant server's worker processes: several serve one address, a dead one is replaced, and none
outlives the process that started it.

``workshop serve`` runs as a real process on loopback with a temporary SQLite file (several workers share
it through SQLite's lock); phones are threads that keep what they were told, checked against the file.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest

from tests.helpers.app_terminal import alive
from tests.helpers.data import join_code
from tests.helpers.serve import (
    Ballot,
    ServeProcess,
    check_votes,
    eventually,
    integrity,
    mid_burst,
    refusals,
    voting,
)
from workshop.db import Database
from workshop.store.codes import ALPHABET

PHONES = 24
STOPS_WITHIN = 15.0  # the workers' graceful shutdown is 3 s; the rest is slack for a loaded machine


@pytest.mark.slow
@pytest.mark.parametrize("whole_group", [False, True], ids=["the-server", "every-process"])
def test_two_workers_share_the_address_and_stop_in_order(
    tmp_path: Path, ballot: Ballot, whole_group: bool
) -> None:
    # SIGTERM to the server, or to every process at once as a process manager may (systemd's
    # KillMode=control-group, `kill -- -PGID`): then each worker hears it and, from its parent, its
    # lifeline ending. That is one stop, not two.
    db_path = tmp_path / "test.sqlite3"
    with ServeProcess(db_path, tmp_path / "logs", "--workers", "2") as server:
        workers = server.announced_workers(2)  # it said "(2 worker processes)", and has them
        with mid_burst(server, ballot, PHONES, acked=3 * PHONES) as phones:
            if whole_group:
                os.killpg(server.process.pid, signal.SIGTERM)  # it leads its own process group
            else:
                server.signal(signal.SIGTERM)
            code = server.wait(STOPS_WITHIN)
    assert code == 0, server.tail()
    # Both workers served: each logs its own pid as it stops, with the writes it committed.
    for pid in workers:
        assert f"[{pid}]: participant server worker stopped after" in server.stderr
    assert not [pid for pid in workers if alive(pid)]
    assert integrity(db_path) == "ok"
    seen = check_votes(db_path, ballot, phones)
    assert seen["saved_unacked"] == 0, seen
    assert not refusals(phones), refusals(phones)


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_the_address_stays_open(tmp_path: Path, ballot: Ballot) -> None:
    db_path = tmp_path / "test.sqlite3"
    with ServeProcess(db_path, tmp_path / "logs") as server:
        (first,) = server.workers()
        with mid_burst(server, ballot, PHONES // 2, acked=PHONES) as phones:
            os.kill(first, signal.SIGKILL)
            assert eventually(lambda: len(server.workers()) == 1 and server.workers() != [first], 10)
            # The socket never closed: the replacement answers on the same address, and new phones vote.
            assert httpx.get(f"{server.url}/healthz", timeout=30).status_code == 200
        # Phones whose connection died with the worker had stopped; the rest were stopped leaving the block.
        with voting(server.url, ballot, PHONES // 2, rounds=2) as later:
            pass  # leaving the block waits for each new phone to join and vote twice
        assert [p.acked for p in later] == [2] * (PHONES // 2), refusals(later)
        assert server.running()
        assert f"worker {first} exited" in server.stderr
        assert server.stop(STOPS_WITHIN) == 0, server.tail()
    assert integrity(db_path) == "ok"
    check_votes(db_path, ballot, [*phones, *later])


@pytest.mark.slow
def test_workers_stop_by_themselves_when_their_server_is_killed(tmp_path: Path, ballot: Ballot) -> None:
    db_path = tmp_path / "test.sqlite3"
    with ServeProcess(db_path, tmp_path / "logs", "--workers", "2") as server:
        workers = server.workers()
        with mid_burst(server, ballot, PHONES // 2, acked=PHONES) as phones:
            server.signal(signal.SIGKILL)  # the parent only: nobody will tell the workers to stop
            assert server.wait(10) == -signal.SIGKILL
            # Their lifeline (stdin) ended with it: they finish what they took and exit.
            gone = eventually(lambda: not any(alive(pid) for pid in workers), STOPS_WITHIN)
            assert gone, server.tail()
    assert server.stderr.count("participant server worker stopped after") == 2
    assert integrity(db_path) == "ok"
    check_votes(db_path, ballot, phones)


def test_a_worker_that_cannot_start_is_not_restarted_forever(tmp_path: Path) -> None:
    import socket as sockets

    from workshop.participant_server import QUICK_DEATHS, ParticipantServer

    sock = sockets.create_server(("127.0.0.1", 0))
    # A folder where the database file should be: every worker fails to open it.
    (tmp_path / "not-a-file").mkdir()
    with (tmp_path / "worker.log").open("w") as log:
        server = ParticipantServer(f"sqlite:///{tmp_path / 'not-a-file'}", sock, stderr=log)
        try:
            server.start()
            assert not server.wait_ready(timeout=60)
            assert server.failure is not None and "exits as it starts" in server.failure
            assert server.restarts == QUICK_DEATHS - 1
        finally:
            server.stop()
    logged = (tmp_path / "worker.log").read_text()
    assert logged.count("worker cannot start: unable to open database file") == QUICK_DEATHS, logged
    assert "Traceback" not in logged


def test_the_brake_limits_are_shared_out_among_workers() -> None:
    from workshop.web.guards import SeatCodeGuard

    assert SeatCodeGuard.shared_by(1)._limits == SeatCodeGuard()._limits
    for workers in (2, 3, 4, 16):
        guard = SeatCodeGuard.shared_by(workers)
        per_client, per_workshop = guard._limits["client"][0], guard._limits["workshop"][0]
        # Together the workers allow no more than one guard would; past ten workers each still checks one.
        assert per_client >= 1 and workers * per_client <= max(SeatCodeGuard.PER_CLIENT, workers)
        assert workers * per_workshop <= SeatCodeGuard.PER_WORKSHOP


@pytest.mark.slow
def test_a_guesser_is_braked_as_soon_by_two_workers_as_by_one(
    tmp_path: Path, db: Database, workshop_id: int
) -> None:
    code = join_code(db, workshop_id)
    with ServeProcess(tmp_path / "test.sqlite3", tmp_path / "logs", "--workers", "2") as server:
        checked = 0
        for n in range(40):
            # A new connection each time: the kernel hands each to either worker.
            wrong = "AAAA" + ALPHABET[n // len(ALPHABET)] + ALPHABET[n % len(ALPHABET)]
            reply = httpx.post(f"{server.url}/j/{code}/seat", data={"seat_code": wrong}, timeout=20)
            assert reply.status_code == 422
            checked += "Too many wrong codes" not in reply.text
    # Told "too many wrong codes" after no more of them than one guard allows (SeatCodeGuard.PER_CLIENT),
    # whichever worker answered each.
    assert checked <= 10
