"""The bare floor's side of :mod:`benchmarks.room`: its process started, the phones run at it, stopped.

Apart from :mod:`benchmarks.floor`, which is what the floor's own process imports: this module brings the
phones' driver, which that process must not carry in its memory and CPU.
"""

from __future__ import annotations

import argparse
import multiprocessing
from pathlib import Path

from benchmarks.burst import Setup
from benchmarks.floor import floor_main, saved_seats
from benchmarks.loadgen import receive
from benchmarks.proctree import tree_peak_rss_mb
from benchmarks.room_app import Pages
from benchmarks.room_side import Side, drive_phones, phone_config


def run_floor(
    database: Path | str,
    setup: Setup,
    pages: Pages,
    args: argparse.Namespace,
    also: dict[str, int] | None = None,
) -> Side:
    """The bare floor under the same phones, in a process of its own, stopped with SIGTERM.

    Args:
        database: The floor's SQLite file, or its PostgreSQL database's URL (beside the hosted app).
        setup: The workshop the phones use (the floor answers to its code and item).
        pages: The real app's pages, served as they are.
        args: The command line's phones.
        also: Other processes measured apart, as :func:`benchmarks.room_side.drive_phones` takes them
            (the PostgreSQL server, whose work for the floor counts with the floor's).
    """
    side = Side("floor", label="bare floor" + ("" if isinstance(database, Path) else " (PG)"))
    context = multiprocessing.get_context("spawn")
    channel = context.Queue()
    process = context.Process(
        target=floor_main, args=(database, setup.code, setup.item_id, pages, channel), name="room-floor"
    )
    process.start()
    kind, port = receive(channel, process, 60.0)
    if kind != "port" or process.pid is None:
        side.error = f"the floor did not start: {port}"
    else:
        drive_phones(side, phone_config(args, setup, int(port)), process.pid, also)
        side.peak_mb = tree_peak_rss_mb(process.pid)
    process.terminate()
    process.join(30)
    if process.is_alive():
        side.killed = [process.pid or 0]
        process.kill()
        process.join(5)
    side.exit_code = process.exitcode
    side.saved = saved_seats(database, setup.item_id)
    return side
