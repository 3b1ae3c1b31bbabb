"""One side of :mod:`benchmarks.room` (the app, embedded or hosted, or the floor): what it did; the phones.

Shared by the embedded run (:mod:`benchmarks.room`), the hosted run (:mod:`benchmarks.room_hosted`) and the
report (:mod:`benchmarks.room_report`).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.burst import Setup
from benchmarks.loadgen import LoadConfig, LoadResult, child_main, receive
from benchmarks.probes import machine_cpu
from benchmarks.proctree import tree_cpu, tree_peak_rss_mb
from benchmarks.room_app import NO_PAGES, Pages, pages_after, pages_before

HARD_LIMIT = 120.0  # seconds: the phones give up after this, whatever happens
# The seat of every response to an item (``{}``: the driver's parameter marker), to compare with the acks.
RESPONSE_SEATS = (
    "SELECT seat.token FROM response JOIN seat ON seat.id = response.seat_id WHERE response.item_id = {}"
)


@dataclass
class Side:
    """What one server (the app or the floor) did under the phones.

    Attributes:
        name: ``app`` or ``floor``.
        label: The report's column heading.
        hosted: The app as a hosted server runs it (``serve`` on PostgreSQL, a TUI following it).
        root_is_tui: The first process is the facilitator's TUI (the embedded app), which shows the room
            rather than serving it: its CPU is reported apart from the server's.
        load: What the phones saw, or None if they never ran or their process failed.
        error: What went wrong, if anything did.
        cpu: CPU seconds during the burst: ``tree`` (the server's process and all under it), ``root`` (the
            first process alone: the TUI, or hosted the ``serve`` process), ``machine`` (every core busy) and
            ``iowait``; hosted also ``tui`` (the facilitator's TUI) and ``postgres`` (the database server).
        peak_mb: Peak resident memory just before the end: ``(tree, root alone)``.
        tui_peak_mb: Hosted only: the facilitator's TUI's peak resident memory (its tree), in MB.
        frame_ms: How late each 10 ms tick of the TUI fired during the burst (the app only).
        frame_note: Why there are no frame samples, when there are none.
        saved: The seat of every vote for the item found in the database after the server stopped.
        killed: Processes that did not end on SIGTERM and had to be killed.
        exit_code: The server's exit status.
        tui_exit_code: Hosted only: the facilitator's TUI's exit status.
    """

    name: str
    label: str = ""
    hosted: bool = False
    root_is_tui: bool = False
    load: LoadResult | None = None
    error: str | None = None
    cpu: dict[str, float] = field(default_factory=dict)
    peak_mb: tuple[float, float] = (0.0, 0.0)
    tui_peak_mb: float | None = None
    frame_ms: list[float] | None = None
    frame_note: str = ""
    saved: list[str] = field(default_factory=list)
    killed: list[int] = field(default_factory=list)
    exit_code: int | None = None
    tui_exit_code: int | None = None

    @property
    def durable(self) -> bool:
        """Every acknowledged vote, and no other, is in the database (exactly those seats, once each)."""
        return self.load is not None and sorted(self.saved) == sorted(self.load.acked_seats)


def drive_phones(
    side: Side,
    config: LoadConfig,
    root: int,
    also: dict[str, int] | None = None,
    counters: Callable[[], dict[str, float]] | None = None,
) -> tuple[float, float]:
    """Run the phones in a spawned process against ``config.base_url``, measuring ``root``'s tree.

    Args:
        side: Gets the phones' result and the CPU figures.
        config: The phones.
        root: The server's first process; its whole tree is measured.
        also: Other processes measured apart, each with its tree: ``{name: pid}`` gives ``side.cpu[name]``.
        counters: CPU seconds so far by name, read as the burst begins and ends: each difference goes in
            ``side.cpu`` (the PostgreSQL backends of the facilitator's TUI).

    Returns:
        The burst window in ``time.monotonic`` seconds: from the phones being ready to their report.
    """
    others = also or {}
    context = multiprocessing.get_context("spawn")
    channel = context.Queue()
    process = context.Process(target=child_main, args=(config, channel), name="room-phones", daemon=True)
    process.start()
    window = (time.monotonic(), time.monotonic())
    kind, payload = receive(channel, process, 60.0)
    if kind == "ready":
        start, cpu0, machine0 = time.monotonic(), tree_cpu(root), machine_cpu()
        before = {name: tree_cpu(pid).tree for name, pid in others.items()}
        before |= counters() if counters else {}
        kind, payload = receive(channel, process, HARD_LIMIT + 30)
        window, cpu1, machine1 = (start, time.monotonic()), tree_cpu(root), machine_cpu()
        after = {name: tree_cpu(pid).tree for name, pid in others.items()}
        after |= counters() if counters else {}
        side.cpu = {
            "tree": cpu1.tree - cpu0.tree,
            "root": cpu1.root - cpu0.root,
            "machine": machine1[0] - machine0[0],
            "iowait": machine1[1] - machine0[1],
            **{name: after[name] - before.get(name, 0.0) for name in after},
        }
    if kind == "result":
        side.load = payload
    else:
        side.error = payload or "the phone process never became ready"
    process.join(10)
    if process.is_alive():
        process.kill()
    return window


def phone_config(args: argparse.Namespace, setup: Setup, port: int) -> LoadConfig:
    """The phones of the command line, against the server on loopback ``port``."""
    return LoadConfig(
        base_url=f"http://127.0.0.1:{port}", code=setup.code, item_id=setup.item_id, fields=setup.fields,
        choices=setup.choices, phones=args.phones, seconds=args.seconds, concurrency=args.concurrency,
        deadline=HARD_LIMIT, pages=args.pages, poll=args.poll,
    )  # fmt: skip


def phones_on_app(
    side: Side,
    args: argparse.Namespace,
    setup: Setup,
    port: int,
    root: int,
    also: dict[str, int] | None = None,
    *,
    tui: int | None = None,
    counters: Callable[[], dict[str, float]] | None = None,
) -> tuple[Pages, tuple[float, float]]:
    """The phones of the command line against the app on loopback ``port`` (:func:`drive_phones`, with
    ``root``, ``also`` and ``counters``), and the app's pages for the floor. Sets ``side.peak_mb``, and
    with ``tui`` (the hosted facilitator's TUI) ``side.tui_peak_mb``; what fails is ``side.error``.

    Returns:
        The pages as far as they were read: the join and form pages before the phones, and after them the
        saved page of a phone that voted and the status; and the burst window ((0, 0) if it never began).
    """
    pages, window = NO_PAGES, (0.0, 0.0)
    try:
        join, form = pages_before(port, setup.code)
        pages = Pages(join, form, form, b"{}")
        window = drive_phones(side, phone_config(args, setup, port), root, also, counters)
        side.peak_mb = tree_peak_rss_mb(root)
        if tui is not None:
            side.tui_peak_mb = tree_peak_rss_mb(tui)[0]
        if side.load is not None and side.load.acked_seats:
            saved, status = pages_after(port, setup.code, setup.item_id, side.load.acked_seats[0])
            pages = Pages(join, form, saved, status)
    except (RuntimeError, OSError) as exc:
        side.error = str(exc)
    return pages, window


def frame_lag(probe_file: Path, window: tuple[float, float]) -> tuple[list[float] | None, str]:
    """The TUI's tick lateness (ms) within the burst window, from the probe's final write."""
    try:
        data = json.loads(probe_file.read_text())
    except (OSError, ValueError):
        return None, "the TUI wrote no frame probe file"
    if not data.get("final"):
        return None, "the TUI did not write its final frame samples (it did not close normally)"
    start, end = window
    return [float(late) for t, late in data["samples"] if start <= t <= end], ""
