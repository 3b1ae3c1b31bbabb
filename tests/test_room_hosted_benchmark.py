"""The room benchmark's hosted mode runs end to end: ``workshop serve`` on PostgreSQL with a facilitator's
TUI following it, then the bare floor, side by side."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # a benchmark run: a PostgreSQL cluster, serve with two workers, a TUI in a pty, two bursts
def test_hosted_room_benchmark_reports_both_sides(tmp_path: Path) -> None:
    """Not timed here (timing belongs in its report): the serve tree, the TUI and PostgreSQL each measured,
    every acknowledged vote found in PostgreSQL after both stopped."""
    out = tmp_path / "room.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.room", "--hosted", "--workers", "2", "--phones", "20",
         "--seconds", "2", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "hosted (PG, 2 workers)" in done.stdout.splitlines()[1], done.stdout
    durability = next(line for line in done.stdout.splitlines() if line.startswith("durability"))
    assert durability.count("PASS (20, 0, 0)") == 2, done.stdout

    numbers = json.loads(out.read_text())
    assert numbers["run"]["mode"] == "hosted" and numbers["run"]["workers"] == 2
    hosted = numbers["app"]
    assert hosted["error"] is None and hosted["errors"] == "", hosted
    assert hosted["acknowledged"] == 20 and hosted["durability"] == "PASS"
    assert hosted["exit_code"] == 0 and hosted["tui_exit_code"] == 0 and hosted["killed_on_stop"] == 0
    # The serve tree is the server side: its workers (the rest) did the work, the TUI is measured apart.
    assert hosted["cpu_ms_per_phone_children"] > 0 and hosted["tui_cpu_ms_per_phone"] >= 0
    assert hosted["postgres_cpu_ms_per_phone"] >= 0
    assert hosted["peak_mb_tree"] > 0 and hosted["tui_peak_mb"] > 0
    assert hosted["frame_ticks"] > 0 and hosted["frame_p99_ms"] >= 0
    # The floor beside it runs on PostgreSQL too, and each side's serving CPU includes the server's.
    floor = numbers["floor"]
    assert floor["durability"] == "PASS" and floor["acknowledged"] == 20
    assert "bare floor (PG)" in done.stdout.splitlines()[1], done.stdout
    assert floor["postgres_cpu_ms_per_phone"] > 0 and hosted["postgres_cpu_ms_per_phone"] > 0
    for side in (hosted, floor):
        assert side["serving_cpu_ms_per_phone"] == pytest.approx(
            side["cpu_ms_per_phone"] + side["postgres_cpu_ms_per_phone"]
        )
    # The backends answering the TUI's reads count as the TUI's work (its connections are named apart).
    assert hosted["postgres_tui_cpu_ms_per_phone"] >= 0 and floor["postgres_tui_cpu_ms_per_phone"] is None
