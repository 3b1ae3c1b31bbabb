"""What the facilitator would see during a burst, measured from inside the server's event loop.

Two stand-ins for the TUI share the loop with the participant server: a timer that should fire every
10 ms (how late it fires is how long the screen would freeze) and a live view that reads the workshop
snapshot in a worker thread every 250 ms, as the agenda screen does.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TICK = 0.010
LIVE_EVERY = 0.250


@dataclass
class Probes:
    """The TUI stand-ins and what they recorded (seconds); only samples taken while measuring count.

    Attributes:
        db: The open :class:`workshop.db.Database` the live view reads.
        workshop_id: The workshop the live view shows.
        measuring: Set while the burst runs; samples outside it are dropped.
        lateness: How late each 10 ms tick fired.
        reads: How long each live-view read took, thread hop included.
        read_errors: Live-view reads that raised.
        last_responses: Responses the latest live-view snapshot counted.
    """

    db: Any
    workshop_id: int
    measuring: bool = False
    lateness: list[float] = field(default_factory=list)
    reads: list[float] = field(default_factory=list)
    read_errors: int = 0
    last_responses: int = 0

    async def ticks(self) -> None:
        """Tick every 10 ms like a screen refresh and record how late each tick fires, until cancelled."""
        while True:
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            if self.measuring:
                self.lateness.append(time.perf_counter() - before - TICK)

    async def live_view(self) -> None:
        """Every 250 ms read the live snapshot in a thread and record how long it took, until cancelled."""
        from workshop.live import load_snapshot

        while True:
            started = time.perf_counter()
            try:
                snapshot = await asyncio.to_thread(load_snapshot, self.db, self.workshop_id)
                self.last_responses = getattr(snapshot.summary, "responses", 0)
            except Exception:  # a failed read is a finding, not a reason to stop watching
                self.read_errors += 1
            took = time.perf_counter() - started
            if self.measuring:
                self.reads.append(took)
            await asyncio.sleep(max(0.0, LIVE_EVERY - took))


def thread_cpu(native_id: int | None) -> float:
    """CPU seconds one thread of this process has used so far.

    Args:
        native_id: The thread's ``native_id``.

    Returns:
        User plus system time from ``/proc`` (Linux), or 0.0 where that cannot be read.
    """
    try:
        stat = Path(f"/proc/self/task/{native_id}/stat").read_text()
    except (OSError, TypeError):
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """CPU seconds the whole machine has spent busy and waiting for disk, summed over its cores.

    Returns:
        ``(busy, iowait)`` from ``/proc/stat`` (Linux), or zeros where that cannot be read.
    """
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    except (OSError, ValueError):
        return 0.0, 0.0
    user, nice, system, _idle, iowait, irq, softirq = ticks
    hz = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / hz, iowait / hz


def cpu_now(writer: Any) -> tuple[float, float, float]:
    """CPU seconds so far of the whole process, the calling (event-loop) thread and the writer thread.

    Args:
        writer: The running :class:`workshop.writer.BatchWriter`.

    Returns:
        ``(process, this thread, writer thread)``.
    """
    thread = getattr(writer, "_thread", None)
    return time.process_time(), time.thread_time(), thread_cpu(thread.native_id if thread else None)


def pct(values: list[float], q: float) -> float:
    """The nearest-rank percentile.

    Args:
        values: The samples, in any order.
        q: The percentile, 0 to 100.

    Returns:
        The ``q``-th percentile of ``values``, or NaN if there are none.
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]
