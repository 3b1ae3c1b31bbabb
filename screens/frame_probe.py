"""How late the TUI's event loop runs a 10 ms timer: a frozen screen, measured inside the real app.

Off unless ``WORKSHOP_FRAME_PROBE`` names a file; then the app ticks every 10 ms, and every second (and
once more when the app closes) writes a JSON summary there, replaced atomically. The final write also
holds the latest samples as ``[monotonic seconds, ms late]`` pairs: ``time.monotonic`` is the system-wide
``CLOCK_MONOTONIC`` on Linux, so another process (``benchmarks/room.py``) can keep only a window of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections import deque
from pathlib import Path
from typing import Any

from textual.app import App

ENV = "WORKSHOP_FRAME_PROBE"
TICK = 0.010
WRITE_EVERY = 1.0
KEPT = 20_000  # the latest samples the final write holds: 200 s of ticks
BUCKETS = 1000  # 1 ms buckets; a tick later than this counts in the last one


class FrameProbe:
    """Records how late each tick fires and writes the summary to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.samples: deque[tuple[float, float]] = deque(maxlen=KEPT)
        # A histogram rather than sorting every sample each second: the probe must not cost what it measures.
        self.histogram = [0] * (BUCKETS + 1)
        self.count = 0
        self.worst = 0.0
        self._last: float | None = None

    def tick(self) -> None:
        """One tick: the gap since the previous one, beyond the 10 ms asked for, is how late it is."""
        now = time.monotonic()
        if self._last is not None:
            # Textual's timer keeps a fixed rate, so after a stall the next tick fires at once: the gap is
            # the stall. A little jitter early is counted as on time, never as negative lateness.
            late = max(0.0, (now - self._last - TICK) * 1000)
            self.samples.append((now, late))
            self.histogram[min(BUCKETS, int(late))] += 1
            self.count += 1
            self.worst = max(self.worst, late)
        self._last = now

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile of the lateness in ms, to the 1 ms bucket (its upper edge); 0 if none."""
        wanted = q / 100 * self.count
        seen = 0
        for bucket, n in enumerate(self.histogram):
            seen += n
            if n and seen >= wanted:
                return float(bucket + 1)
        return 0.0

    def summary(self, final: bool = False) -> dict[str, object]:
        """What the file holds: counts and percentiles in ms, and the samples when ``final``."""
        data: dict[str, object] = {
            "tick_ms": TICK * 1000,
            "count": self.count,
            "p50_ms": self.percentile(50),
            "p99_ms": self.percentile(99),
            "worst_ms": round(self.worst, 3),
            "histogram_ms": {str(b): n for b, n in enumerate(self.histogram) if n},
            "final": final,
        }
        if final:
            data["samples"] = [[round(t, 4), round(late, 3)] for t, late in self.samples]
        return data

    def write(self, final: bool = False) -> None:
        """Replace the file at once (write aside, then rename), so a reader never sees half of it."""
        aside = self.path.with_name(self.path.name + ".tmp")
        with contextlib.suppress(OSError):  # a probe never takes the app down
            aside.write_text(json.dumps(self.summary(final)))
            os.replace(aside, self.path)


def install_frame_probe(app: App[Any]) -> FrameProbe | None:
    """Start the probe on ``app`` if ``WORKSHOP_FRAME_PROBE`` names a file; otherwise do nothing at all.

    Call it from the app's ``on_mount``. Returns the probe, or None when it is off.
    """
    target = os.environ.get(ENV)
    if not target:
        return None
    probe = FrameProbe(Path(target))
    ticker = app.set_interval(TICK, probe.tick, name="frame-probe")
    app.set_interval(WRITE_EVERY, probe.write, name="frame-probe-write")
    # Textual stops an app's timers when it closes, and offers no hook of its own for that here; the end of
    # the tick timer's task is that moment, so the final write (with the samples) goes there.
    task = getattr(ticker, "_task", None)
    if isinstance(task, asyncio.Task):
        task.add_done_callback(lambda _task: probe.write(final=True))
    return probe
