"""A burst of phones voting while the facilitator watches: throughput, latency, stalls and durability.

Run ``python -m benchmarks.burst [--phones 1000] [--seconds 10] [--db PATH]`` from the project folder.

The server runs exactly as the app runs it: :class:`EmbeddedServer` and :class:`BatchWriter` in this
process's event loop on 127.0.0.1. Beside it in the same loop run two stand-ins for the TUI: a timer that
ticks every 10 ms and records how late each tick is (a stalled loop is a frozen screen), and a live view
that reads :func:`load_snapshot` in a thread every 250 ms. The phones run in a separate (spawned) process
(:mod:`benchmarks.loadgen`). At the end the acknowledged votes are counted in the database file.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.loadgen import LoadConfig, LoadResult, child_main, receive
from benchmarks.probes import LIVE_EVERY, Probes, cpu_now, machine_cpu, pct
from benchmarks.serving import embedded_server

HARD_LIMIT = 120.0  # seconds: the phones give up after this, whatever happens


@dataclass(frozen=True)
class Setup:
    """The workshop under test: its ids, join code, and the form fields and values a phone may send."""

    workshop_id: int
    code: str
    item_id: int
    fields: tuple[str, ...]
    choices: tuple[str, ...]


def make_workshop(db: Any) -> Setup:
    """Create a workshop from the shipped template and start its maturity item.

    Args:
        db: The open :class:`workshop.db.Database`.

    Returns:
        The ids, the join code and the form fields a phone must fill in.
    """
    from workshop import store, usecases
    from workshop.activities.maturity import DONT_KNOW, load_structure
    from workshop.models import row_id
    from workshop.templates import get_template

    with db.writing() as session:
        workshop = usecases.create_workshop(session, get_template("cyp-integration"), "Burst benchmark")
        item = next(i for i in store.agenda(session, row_id(workshop)) if i.kind == "maturity")
        store.start_item(session, row_id(item))
        structure = load_structure(session, row_id(workshop))
        fields = tuple(structure.field_name(f, h) for f in structure.factors for h in structure.horizons)
        choices = (*(str(level.value) for level in structure.levels), DONT_KNOW)
        return Setup(row_id(workshop), workshop.join_code, row_id(item), fields, choices)


@dataclass
class Measured:
    """Everything measured during the burst.

    Attributes:
        load: What the phones saw, or None if the load generator failed.
        load_error: Why the load generator failed, if it did.
        batches: Transactions the writer committed.
        writes: Writes (joins and votes) in those transactions.
        cpu: CPU seconds during the burst: this process, its event-loop and writer threads, and the
            whole machine's busy and disk-wait time.
        probes: The TUI stand-ins' samples.
    """

    load: LoadResult | None
    load_error: str | None
    batches: int
    writes: int
    cpu: dict[str, float]
    probes: Probes


async def run_burst(db: Any, setup: Setup, args: argparse.Namespace) -> Measured:
    """Serve the workshop as the app does, fire the phones from another process, and measure.

    Args:
        db: The open :class:`workshop.db.Database`.
        setup: The workshop and item the phones vote on.
        args: The command-line options (phones, seconds, concurrency).

    Returns:
        The measurements, taken from the moment the load process is ready until it reports.
    """
    async with embedded_server(db) as (server, writer):
        probes = Probes(db, setup.workshop_id)
        watchers = [asyncio.create_task(probes.ticks()), asyncio.create_task(probes.live_view())]

        config = LoadConfig(
            base_url=f"http://127.0.0.1:{server.port}", code=setup.code, item_id=setup.item_id,
            fields=setup.fields, choices=setup.choices, phones=args.phones, seconds=args.seconds,
            concurrency=args.concurrency, deadline=HARD_LIMIT, pages=args.pages, poll=args.poll,
        )  # fmt: skip
        context = multiprocessing.get_context("spawn")
        channel = context.Queue()
        process = context.Process(target=child_main, args=(config, channel), name="burst-phones", daemon=True)
        process.start()
        load: LoadResult | None = None
        error: str | None = None
        cpu0 = cpu1 = (0.0, 0.0, 0.0, 0.0, 0.0)
        kind, payload = await asyncio.to_thread(receive, channel, process, 60.0)
        if kind == "ready":
            probes.measuring, cpu0 = True, (*cpu_now(writer), *machine_cpu())
            kind, payload = await asyncio.to_thread(receive, channel, process, HARD_LIMIT + 30)
            probes.measuring, cpu1 = False, (*cpu_now(writer), *machine_cpu())
        if kind == "result":
            load = payload
        else:
            error = payload or "the load process never became ready"
        await asyncio.sleep(2 * LIVE_EVERY)  # one last live read, after the final commit
        process.join(10)
        if process.is_alive():
            process.kill()
        for task in watchers:
            task.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)
    names = ("process", "loop thread", "writer thread", "machine busy", "machine iowait")
    cpu = {name: after - before for name, after, before in zip(names, cpu1, cpu0, strict=True)}
    return Measured(load, error, writer.batches, writer.writes, cpu, probes)


def count_responses(path: Path, item_id: int) -> int:
    """Count the item's saved responses through a new connection, after the app has closed its own.

    Args:
        path: The SQLite database file.
        item_id: The maturity item the phones voted on.

    Returns:
        The number of ``response`` rows for the item.
    """
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM response WHERE item_id = ?", (item_id,)).fetchone()[0])


def _latency(name: str, seconds: list[float]) -> str:
    """One report line: p50/p95/p99/max of ``seconds`` in milliseconds."""
    ms = [v * 1000 for v in seconds]
    return (
        f"{name} latency ms: p50 {pct(ms, 50):.0f}  p95 {pct(ms, 95):.0f}  p99 {pct(ms, 99):.0f}  "
        f"max {max(ms, default=float('nan')):.0f}"
    )


def report(args: argparse.Namespace, m: Measured, saved: int) -> bool:
    """Print the results; return whether the durability check passed.

    Args:
        args: The command-line options.
        m: What the server side and the phones measured.
        saved: Responses for the item found in the database file after shutdown.

    Returns:
        True if every acknowledged vote, and no other, is in the database.
    """
    pages = (", with pages" if args.pages else "") + (f", polling every {args.poll:g} s" if args.poll else "")
    lines = [f"phones {args.phones} over {args.seconds:g} s, {args.concurrency} connections{pages}"]
    lines[0] += f", {os.cpu_count()} cores"
    load = m.load
    if m.load_error:
        lines.append(f"LOAD GENERATOR FAILED: {m.load_error}")
    acked = load.acknowledged if load else 0
    if load:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(load.errors.items())) or "none"
        rate = acked / load.wall if load.wall else 0.0
        lines += [
            f"votes acknowledged (303) {acked}; errors: {errors}",
            # A long batch would hold every phone (and the room's count) until it commits.
            "first vote acknowledged after "
            + (f"{load.first_ack * 1000:.0f} ms" if load.first_ack is not None else "(none)"),
            f"wall {load.wall:.2f} s (last phone arrived at {load.last_arrival:.2f} s); {rate:.0f} votes/s",
            _latency("join", load.join_latency),
            _latency("vote", load.vote_latency),
            _latency("phone end-to-end", load.phone_latency),
        ]
        if args.poll:
            lines.append(_latency(f"status poll ({len(load.poll_latency)})", load.poll_latency))
    mean = m.writes / m.batches if m.batches else 0.0
    late = [v * 1000 for v in m.probes.lateness]
    reads = [v * 1000 for v in m.probes.reads]
    server = ", ".join(f"{k} {v:.2f}" for k, v in m.cpu.items() if not k.startswith("machine"))
    load_cpu = load.cpu if load else 0.0
    # Whatever else ran on the machine meanwhile: a large figure means the run was disturbed.
    others = m.cpu["machine busy"] - m.cpu["process"] - load_cpu
    ok = load is not None and m.load_error is None and saved == acked
    lines += [
        f"writer: {m.writes} writes in {m.batches} batches, mean batch {mean:.1f}",
        f"event-loop stall (10 ms tick lateness) ms: worst {max(late, default=0):.0f}  "
        f"p99 {pct(late, 99):.1f}  ({len(late)} ticks)",
        f"live-view read ms: p50 {pct(reads, 50):.0f}  max {max(reads, default=0):.0f}  ({len(reads)} reads, "
        f"{m.probes.read_errors} failed, last saw {m.probes.last_responses} responses)",
        f"CPU s: server {server}; load generator {load_cpu:.2f}; "
        f"other processes {others:.2f}; disk wait {m.cpu['machine iowait']:.2f}",
        f"durability: {saved} responses in the database, {acked} acknowledged -> {'PASS' if ok else 'FAIL'}",
    ]
    if load and acked < args.phones:
        lines.append(f"INCOMPLETE: {args.phones - acked} of {args.phones} phones did not get a vote saved")
    sys.stdout.write("\n".join(lines) + "\n")
    return ok


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the burst and print the report.

    Args:
        argv: Command-line arguments; ``sys.argv[1:]`` when None.

    Returns:
        0 if every phone's vote was acknowledged and is in the database, 1 if the durability check
        failed (or the load generator did), 2 if it passed but some phones got no acknowledgement.
    """
    parser = argparse.ArgumentParser(prog="python -m benchmarks.burst", description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=1000, help="simulated phones (default 1000)")
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="window the phones arrive in (default 10)"
    )
    parser.add_argument("--db", type=Path, help="new SQLite file to create (default: in a temporary folder)")
    parser.add_argument(
        "--concurrency", type=int, default=200, help="requests in flight at most (default 200)"
    )
    parser.add_argument("--pages", action="store_true", help="also GET the pages a browser would load")
    parser.add_argument("--poll", type=float, default=0.0, help="joined phones poll the status every N s")
    args = parser.parse_args(argv)
    if args.phones < 1 or args.seconds < 0 or args.concurrency < 1 or args.poll < 0:
        parser.error("--phones and --concurrency must be positive, --seconds and --poll not negative")
    if args.db is not None and args.db.exists():
        parser.error(f"{args.db} exists; give a new path so the count checks only this run")
    with tempfile.TemporaryDirectory(prefix="workshop-burst-") as tmp:
        os.environ["WORKSHOP_HOME"] = str(Path(tmp) / "home")  # no user templates or settings leak in
        path = (args.db or Path(tmp) / "burst.sqlite3").resolve()
        from workshop.db import open_database

        db = open_database(f"sqlite:///{path}")
        try:
            setup = make_workshop(db)
            measured = asyncio.run(run_burst(db, setup, args))
        finally:
            db.dispose()
        ok = report(args, measured, count_responses(path, setup.item_id))
        complete = measured.load is not None and measured.load.acknowledged == args.phones
    return 1 if not ok else 0 if complete else 2


if __name__ == "__main__":
    sys.exit(main())
