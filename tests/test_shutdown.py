"""A closed terminal, SIGHUP or SIGTERM stops the real app within seconds; acknowledged votes are kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from tests.helpers.data import join_code
from tests.helpers.terminal import TerminalSession
from tests.helpers.web import free_port
from workshop.activities.maturity import load_structure
from workshop.db import Database
from workshop.models import AgendaItem

# Each test starts the real app in a pseudo-terminal and waits for it to stop.
pytestmark = pytest.mark.slow

# "Within a few seconds": the app's own deadline is 6 s; the rest is slack for a loaded CI machine.
STOPS_WITHIN = 15


def _start(db_path: Path, workshop_id: int) -> tuple[TerminalSession, str]:
    port = free_port()
    session = TerminalSession(
        "run", str(workshop_id), "--db", str(db_path), "--host", "127.0.0.1", "--port", str(port)
    )
    assert session.read_until(b"joined"), session.output[-2000:]
    return session, f"http://127.0.0.1:{port}"


def _vote(db: Database, url: str, workshop_id: int, item: AgendaItem) -> None:
    """One phone joins and rates every factor; the reply comes only after the commit."""
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
    form = {structure.field_name(f, h): "3" for f in structure.factors for h in structure.horizons}
    code = join_code(db, workshop_id)
    with httpx.Client(base_url=url, timeout=10) as phone:
        assert phone.post(f"/j/{code}", data={}).status_code == 303
        assert phone.post(f"/w/{code}/items/{item.id}", data=form).status_code == 303


def _stored_and_sound(db_path: Path) -> int:
    """Ratings stored; the file passes the integrity check and no one holds a lock on it."""
    connection = sqlite3.connect(db_path, timeout=0.5)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        connection.execute("BEGIN IMMEDIATE")  # fails with 'database is locked' if a writer hung on
        connection.rollback()
        return int(connection.execute("SELECT count(*) FROM maturityrating").fetchone()[0])
    finally:
        connection.close()


def _refused(url: str) -> bool:
    try:
        httpx.get(f"{url}/healthz", timeout=2)
    except httpx.TransportError:
        return True
    return False


def test_closing_the_terminal_stops_the_app(
    tmp_path: Path, db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    app, url = _start(tmp_path / "test.sqlite3", workshop_id)
    try:
        _vote(db, url, workshop_id, maturity_item)
        app.close_terminal()  # the window closes: the kernel hangs up the terminal (SIGHUP)
        assert app.wait(STOPS_WITHIN) is not None, "the app hung after its terminal closed"
    finally:
        app.end()
    assert _refused(url)
    assert _stored_and_sound(tmp_path / "test.sqlite3") == 27


def test_sigterm_stops_the_app_even_when_nobody_reads_its_terminal(
    tmp_path: Path, workshop_home: Path, db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    """A frozen terminal window: the app's writes block. SIGTERM must still end it, votes kept."""
    app, url = _start(tmp_path / "test.sqlite3", workshop_id)
    try:
        _vote(db, url, workshop_id, maturity_item)
        # Stop reading, and make the app draw until the terminal's buffer is full and its writes block.
        for _ in range(300):
            app.type(b"j\x1b[B\x1b[A")
        app.process.send_signal(15)
        assert app.wait(STOPS_WITHIN) == 1, "SIGTERM was ignored, or the terminal never blocked"
    finally:
        app.end()
    # The orderly path could not finish (the terminal took no output): the watchdog ended it.
    assert "shutdown took over" in (workshop_home / "logs" / "workshop.log").read_text(encoding="utf-8")
    assert _refused(url)
    assert _stored_and_sound(tmp_path / "test.sqlite3") == 27


def test_sighup_with_the_terminal_still_open_quits_cleanly(
    tmp_path: Path, db: Database, workshop_id: int, maturity_item: AgendaItem
) -> None:
    app, url = _start(tmp_path / "test.sqlite3", workshop_id)
    try:
        app.process.send_signal(1)
        assert app.read_until_exit(STOPS_WITHIN) == 0  # read: a terminal that is read gets restored
        assert b"\x1b[?1049l" in app.output  # the terminal left the alternate screen: restored
    finally:
        app.end()
    assert _refused(url)
    assert _stored_and_sound(tmp_path / "test.sqlite3") == 0
