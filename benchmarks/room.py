"""The real app against a bare floor: the same room of phones, each side's cost and the phones' wait.

Run ``python -m benchmarks.room [--phones 1000] [--seconds 10] [--concurrency 200] [--poll 3]`` from the
project folder; add ``--hosted [--workers 1]`` for the hosted app (:mod:`benchmarks.room_hosted`).

First the app exactly as a facilitator starts it: ``workshop run`` in a pseudo-terminal, on a fresh
database with a workshop from the shipped template and its maturity item started. The phones
(:mod:`benchmarks.loadgen`, in a process of their own) join, load the pages, poll the status and vote.
CPU and memory are read from ``/proc`` for the TUI's process and every process under it, so the server may
run inside the TUI or in workers. The TUI measures its own frame lag (``screens/frame_probe.py``). The app
is stopped with SIGTERM; then every acknowledged vote, and no other, must be in the database. Then the
same phones against the bare floor (:mod:`benchmarks.floor`), never at the same time as the app.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from benchmarks.burst import Setup, make_workshop
from benchmarks.room_app import NO_PAGES, Pages, RealApp
from benchmarks.room_floor import run_floor
from benchmarks.room_report import numbers, report
from benchmarks.room_side import RESPONSE_SEATS, Side, frame_lag, phones_on_app


def app_seats(path: Path, item_id: int) -> list[str]:
    """The seat token of every response to the item, read through a new connection after the app ended."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(RESPONSE_SEATS.format("?"), (item_id,)).fetchall()
    return [str(row[0]) for row in rows]


def run_app(path: Path, setup: Setup, args: argparse.Namespace, folder: Path) -> tuple[Side, Pages]:
    """The real app under the phones; also returns its pages' bytes for the floor."""
    side = Side("app", label="the app", root_is_tui=True)
    probe_file = folder / "frame-probe.json"
    app = RealApp(path, setup.workshop_id, probe_file)
    pages, window = NO_PAGES, (0.0, 0.0)
    try:
        app.wait_ready(setup.code)
        pages, window = phones_on_app(side, args, setup, app.server_port(), app.pid)
    except (RuntimeError, OSError) as exc:
        side.error = str(exc)
    finally:
        side.killed = app.stop()
        side.exit_code = app.exit_code
    side.frame_ms, side.frame_note = frame_lag(probe_file, window)
    side.saved = app_seats(path, setup.item_id)
    return side, pages


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the app and then the floor, print them side by side.

    Args:
        argv: Command-line arguments; ``sys.argv[1:]`` when None.

    Returns:
        0 if every acknowledged vote, and no other, is in each side's database; 1 otherwise.
    """
    parser = argparse.ArgumentParser(prog="python -m benchmarks.room", description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=1000, help="simulated phones (default 1000)")
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="window the phones arrive in (default 10)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=200, help="requests in flight at most (default 200)"
    )
    parser.add_argument(
        "--no-pages", dest="pages", action="store_false", help="do not load the pages, only post"
    )
    parser.add_argument("--poll", type=float, default=3.0, help="joined phones poll the status every N s (3)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers to this file")
    parser.add_argument(
        "--hosted",
        action="store_true",
        help="the app hosted: 'workshop serve' on a PostgreSQL cluster of its own, a TUI following it",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="hosted: serve's worker processes (1, serve's default: on 2 cores PostgreSQL needs the other)",
    )
    args = parser.parse_args(argv)
    if args.phones < 1 or args.seconds < 0 or args.concurrency < 1 or args.poll < 0 or args.workers < 1:
        parser.error(
            "--phones, --concurrency and --workers must be positive, --seconds and --poll not negative"
        )
    with tempfile.TemporaryDirectory(prefix="workshop-room-") as tmp:
        folder = Path(tmp)
        os.environ["WORKSHOP_HOME"] = str(folder / "home")  # no user templates or settings leak in
        if args.hosted:
            # Imported here, not at the top: the phones' and the floor's spawned processes import this
            # module again, and must not carry the app, SQLAlchemy and psycopg in their memory and CPU.
            from benchmarks.room_hosted import run_hosted

            app, floor, setup = run_hosted(args, folder)
        else:
            path = folder / "room.sqlite3"
            from workshop.db import open_database

            db = open_database(f"sqlite:///{path}")
            try:
                setup = make_workshop(db)
            finally:
                db.dispose()
            app, pages = run_app(path, setup, args, folder)
            floor = run_floor(folder / "floor.sqlite3", setup, pages, args)
    sys.stdout.write(report(args, app, floor))
    if args.json is not None:
        args.json.write_text(json.dumps(numbers(args, app, floor), indent=2) + "\n")
    return 0 if app.durable and floor.durable else 1


if __name__ == "__main__":
    sys.exit(main())
