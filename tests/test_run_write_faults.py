"""``workshop run`` when saving fails, as a real process tree in a pseudo-terminal: the database locked by
another program, and a disk that is really full (a small tmpfs, filled).

In both, a phone's vote gets the 503 page in plain words with its answers kept, the facilitator's screen
shows one "Not saving" notice while it lasts (the worker that failed tells the TUI), and once the cause has
gone a vote is saved, the notice goes, and nothing acknowledged before was lost.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.helpers.app_terminal import RunningApp, fill, small_disk
from tests.helpers.serve import Ballot, Phone, integrity, stored_votes
from workshop.db import BUSY_TIMEOUT_MS

# Each test starts the real app (and its worker process) in a pseudo-terminal.
pytestmark = pytest.mark.slow

STOPS_WITHIN = 15.0
NOTICE = "Not saving"
# The worker reports a problem within a quarter second and the TUI polls four times a second; slack for CI.
NOTICE_WITHIN = 10.0


def _voted(app: RunningApp, ballot: Ballot) -> Phone:
    """A phone that joined and voted once, acknowledged."""
    phone = Phone(0)
    phone.vote(app.url, ballot, rounds=1)
    assert phone.acked == 1, phone.refused
    return phone


@contextmanager
def _joined(app: RunningApp, ballot: Ballot) -> Iterator[httpx.Client]:
    """A phone that has joined (a write of its own), ready to vote."""
    with httpx.Client(base_url=app.url, timeout=BUSY_TIMEOUT_MS / 1000 + 20) as client:
        assert client.post(f"/j/{ballot.code}", data={}).status_code == 303
        yield client


def _post(phone: httpx.Client, ballot: Ballot, level: int) -> httpx.Response:
    return phone.post(
        f"/w/{ballot.code}/items/{ballot.item_id}", data=dict.fromkeys(ballot.fields, str(level))
    )


def _refused_clearly(reply: httpx.Response, reason: str, level: int) -> None:
    assert reply.status_code == 503, reply.status_code
    assert f"Not saved: {reason} on the facilitator" in reply.text, reply.text[-3000:]
    assert "saved before are safe" in reply.text
    assert "sqlite" not in reply.text.lower() and "SQL" not in reply.text
    assert f'value="{level}" checked' in reply.text  # the choices are kept on the form, to send again


def _check_kept(db_path: Path, ballot: Ballot, early: Phone, late: httpx.Client, late_level: int) -> None:
    """The vote acknowledged before the fault is there as it was; the late phone's vote is its saved one."""
    assert integrity(db_path) == "ok"
    votes = stored_votes(db_path, ballot.item_id)
    assert votes[early.token] == {early.posted[0]: len(ballot.fields)}
    late_token = next(iter(late.cookies.values()))
    assert votes[late_token] == {late_level: len(ballot.fields)}
    assert set(votes) == {early.token, late_token}


def test_a_database_locked_by_another_program(tmp_path: Path, workshop_id: int, ballot: Ballot) -> None:
    db_path = tmp_path / "test.sqlite3"
    with RunningApp(db_path, workshop_id) as app:
        app.wait_ready()
        early = _voted(app, ballot)
        with _joined(app, ballot) as late:
            other = sqlite3.connect(db_path, isolation_level=None)
            try:
                other.execute("BEGIN EXCLUSIVE")  # held past the app's busy timeout
                # The writer waits out the busy timeout, then gives up on this vote.
                _refused_clearly(_post(late, ballot, 1), "another program has the database locked", 1)
                assert app.shows_notice(NOTICE, NOTICE_WITHIN), app.text()
                assert "another program has the database locked" in app.notices()
                assert "Close the other program" in app.notices()
            finally:
                other.rollback()
                other.close()
            # The lock has gone: the same vote again is saved, and the notice goes.
            saved = _post(late, ballot, 2)
            assert saved.status_code == 303 and saved.headers["location"].endswith("/saved")
            assert app.stops_showing(NOTICE, NOTICE_WITHIN), app.text()
            assert app.notices().count(NOTICE) == 0
        assert app.stop(STOPS_WITHIN) == 0, app.text()
    _check_kept(db_path, ballot, early, late, 2)


def _checkpointed(db_path: Path) -> None:
    """Move the write-ahead log into the file and empty it, so the next write needs new disk space.

    SQLite reuses a log's space once it is checkpointed: without this, the next votes would fit where the
    earlier ones were and never meet the full disk.
    """
    connection = sqlite3.connect(db_path, timeout=10)
    try:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    assert busy == 0, "the app kept the log busy"
    assert (db_path.parent / f"{db_path.name}-wal").stat().st_size == 0


def test_a_full_disk(tmp_path: Path, workshop_id: int, ballot: Ballot) -> None:
    with small_disk(tmp_path / "disk") as disk:
        db_path = disk / "test.sqlite3"
        # A consistent copy of the fixture's database (its log included) on the small disk.
        source = sqlite3.connect(tmp_path / "test.sqlite3")
        target = sqlite3.connect(db_path)
        source.backup(target)
        source.close()
        target.close()
        with RunningApp(db_path, workshop_id) as app:
            app.wait_ready()
            early = _voted(app, ballot)
            with _joined(app, ballot) as late:
                _checkpointed(db_path)
                filler = fill(disk)
                assert shutil.disk_usage(disk).free == 0
                _refused_clearly(_post(late, ballot, 1), "the disk is full", 1)
                assert app.shows_notice(NOTICE, NOTICE_WITHIN), app.text()
                assert "Nothing new can be saved: the disk is full" in app.notices()
                assert "Free some space on this laptop" in app.notices()
                filler.unlink()  # space again
                saved = _post(late, ballot, 2)
                assert saved.status_code == 303 and saved.headers["location"].endswith("/saved")
                assert app.stops_showing(NOTICE, NOTICE_WITHIN), app.text()
            assert app.stop(STOPS_WITHIN) == 0, app.text()
        _check_kept(db_path, ballot, early, late, 2)
