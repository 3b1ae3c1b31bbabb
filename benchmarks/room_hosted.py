"""The hosted app for :mod:`benchmarks.room`: ``workshop serve --workers N`` on PostgreSQL, a TUI following.

A throwaway PostgreSQL cluster on loopback (``tests/helpers/postgres.py``: Debian's ``postgresql`` binaries,
fsync on), a database migrated by the app and a workshop made in it as in the embedded run. Then
``workshop --db URL serve --workers N --host 127.0.0.1 --port P`` in its own process group, and once it has
said "Participant server listening", the facilitator's ``workshop --db URL run ID --no-server`` in a
pseudo-terminal with the frame probe (:class:`benchmarks.room_app.RealApp`). The phones go to the serve
process. CPU is measured apart for the serve tree (the server side), the TUI and the PostgreSQL server; both
are stopped with SIGTERM, and the acknowledged votes are then looked for in PostgreSQL. The bare floor then
runs on a database of its own in the same cluster, the PostgreSQL server's CPU counted with it as with the
app.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from benchmarks.burst import Setup, make_workshop
from benchmarks.proctree import alive, process_cpu
from benchmarks.room_app import NO_PAGES, ROOT, Pages, RealApp, answers, free_port, stop_tree, wait_until
from benchmarks.room_floor import run_floor
from benchmarks.room_side import RESPONSE_SEATS, Side, frame_lag, phones_on_app
from tests.helpers.postgres import PostgresServer, postgres_cluster
from workshop.db import open_database

DATABASE = "room"
FLOOR_DATABASE = "floor"
TUI_APPLICATION = "workshop"  # open_database's default name: the TUI's connections
LISTENING = "Participant server listening"


class Serve:
    """``python -m workshop --db URL serve --workers N --host 127.0.0.1 --port P``, its output in files."""

    def __init__(self, url: str, workers: int, logs: Path) -> None:
        self.port = free_port()
        self.exit_code: int | None = None
        # Files rather than pipes: a pipe nobody reads during the burst could fill and stall the server.
        self.stdout_path, self.stderr_path = logs / "serve.out", logs / "serve.err"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "workshop", "--db", url, "serve", "--workers", str(workers),
                 "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True,
            )  # fmt: skip

    @property
    def pid(self) -> int:
        """The serve process's id: the root of the server side's process tree."""
        return self.process.pid

    def tail(self) -> str:
        """The end of what the server logged, for error messages."""
        return self.stderr_path.read_text(errors="replace")[-1500:]

    def wait_ready(self, code: str, seconds: float = 90.0) -> None:
        """Wait until the server has said it listens and the join page answers 200.

        Raises:
            RuntimeError: If the server exits first, or is not ready within ``seconds``.
        """

        def ready() -> bool:
            listening = LISTENING in self.stdout_path.read_text(errors="replace")
            return listening and answers(self.port, f"/j/{code}")

        wait_until(self.process, ready, seconds, "serve", self.tail)

    def stop(self, seconds: float = 30.0) -> list[int]:
        """SIGTERM the server (it stops its workers in order), wait for all of them; return those killed."""
        killed = stop_tree(self.process, seconds)
        self.exit_code = self.process.returncode
        return killed


def postmaster(server: PostgresServer) -> int:
    """The PostgreSQL server's main process: its backends are its children."""
    return int((server.folder / "data" / "postmaster.pid").read_text().split()[0])


def tui_backends(server: PostgresServer) -> list[int]:
    """The PostgreSQL backends serving the facilitator's TUI: their work is the TUI's, not the phones'.

    The TUI's connections keep the app's default name, the serve workers' are named apart
    (``workshop.web.worker.APPLICATION``), so ``pg_stat_activity`` tells them apart.
    """
    query = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s"
    with server.connect(DATABASE) as conn:
        return [int(str(row[0])) for row in conn.execute(query, (DATABASE, TUI_APPLICATION)).fetchall()]


def backends_cpu(pids: list[int], seen: dict[int, float]) -> dict[str, float]:
    """CPU so far of the TUI's backends, for :func:`benchmarks.room_side.drive_phones`'s counters; one
    that has ended counts what it was last seen to have used (``seen``, kept between calls)."""
    for pid in pids:
        if alive(pid):
            seen[pid] = process_cpu(pid)
    return {"postgres_tui": sum(seen.get(pid, 0.0) for pid in pids)}


def hosted_seats(server: PostgresServer, item_id: int) -> list[str]:
    """The seat token of every response to the item, read through a new connection after both stopped."""
    with server.connect(DATABASE) as conn:
        rows = conn.execute(RESPONSE_SEATS.format("%s"), (item_id,)).fetchall()
    return [str(row[0]) for row in rows]


def _run(server: PostgresServer, setup: Setup, args: argparse.Namespace, folder: Path) -> tuple[Side, Pages]:
    side = Side("app", label=f"hosted (PG, {args.workers} workers)", hosted=True)
    probe_file = folder / "frame-probe.json"
    url = server.url(DATABASE)
    serve = Serve(url, args.workers, folder)
    tui: RealApp | None = None
    pages, window = NO_PAGES, (0.0, 0.0)
    try:
        serve.wait_ready(setup.code)
        tui = RealApp(url, setup.workshop_id, probe_file, serve=False)
        tui.wait_ready(setup.code)
        also = {"tui": tui.pid, "postgres": postmaster(server)}
        # The TUI's backends as the burst begins: one that ended before its end still counts what it did.
        backends, seen = tui_backends(server), dict[int, float]()
        pages, window = phones_on_app(
            side, args, setup, serve.port, serve.pid, also, tui=tui.pid,
            counters=lambda: backends_cpu(backends, seen),
        )  # fmt: skip
    except (RuntimeError, OSError) as exc:
        side.error = str(exc)
    finally:
        side.killed = serve.stop()
        side.exit_code = serve.exit_code
        if tui is not None:
            side.killed += tui.stop()
            side.tui_exit_code = tui.exit_code
    side.frame_ms, side.frame_note = frame_lag(probe_file, window)
    side.saved = hosted_seats(server, setup.item_id)
    return side, pages


def run_hosted(args: argparse.Namespace, folder: Path) -> tuple[Side, Side, Setup]:
    """The hosted app under the phones, then the bare floor on its own database of the same PostgreSQL
    cluster (the server's CPU counted with each), on a cluster of its own that is gone when this returns.

    Returns:
        What the hosted side did, what the floor did, and the workshop the phones used.
    """
    with postgres_cluster() as server:
        server.create_database(DATABASE)
        server.create_database(FLOOR_DATABASE)
        db = open_database(server.url(DATABASE))  # migrated here, as an operator's first command does
        try:
            setup = make_workshop(db)
        finally:
            db.dispose()
        side, pages = _run(server, setup, args, folder)
        floor_url = server.url(FLOOR_DATABASE).replace("postgresql+psycopg://", "postgresql://", 1)
        floor = run_floor(floor_url, setup, pages, args, {"postgres": postmaster(server)})
    return side, floor, setup
