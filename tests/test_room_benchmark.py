"""The room benchmark runs end to end: the real app in a terminal, then the bare floor, side by side."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # a benchmark run: the real app in a pty, two bursts of phones
def test_room_benchmark_reports_both_sides(tmp_path: Path) -> None:
    """Not timed here (timing belongs in its report): both sides measured, every vote where it belongs."""
    out = tmp_path / "room.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.room", "--phones", "20", "--seconds", "2", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    durability = next(line for line in done.stdout.splitlines() if line.startswith("durability"))
    assert durability.count("PASS (20, 0, 0)") == 2, done.stdout
    assert "targets: " in done.stdout

    numbers = json.loads(out.read_text())
    for side in ("app", "floor"):
        figures = numbers[side]
        assert figures["error"] is None and figures["errors"] == "", (side, figures)
        assert figures["acknowledged"] == 20 and figures["durability"] == "PASS"
        for name in (
            "cpu_ms_per_phone",
            "throughput_phones_per_s",
            "vote_p99_ms",
            "page_p50_ms",
            "phone_p99_ms",
        ):
            assert isinstance(figures[name], float) and figures[name] > 0, (side, name, figures[name])
        assert figures["peak_mb_tree"] > 0 and figures["killed_on_stop"] == 0
    # The TUI shows the room and serves no phone: the target compares what serving costs, without it.
    app = numbers["app"]
    assert app["tui_cpu_ms_per_phone"] > 0 and app["serving_cpu_ms_per_phone"] > 0
    assert app["serving_cpu_ms_per_phone"] == pytest.approx(app["cpu_ms_per_phone_children"])
    assert numbers["floor"]["serving_cpu_ms_per_phone"] == pytest.approx(numbers["floor"]["cpu_ms_per_phone"])
    assert numbers["floor"]["postgres_cpu_ms_per_phone"] is None
    assert numbers["app"]["frame_ticks"] > 0 and numbers["app"]["frame_p99_ms"] >= 0
    assert numbers["app"]["exit_code"] == 0
    assert set(numbers["targets"]) == {
        "all_acked_within_10s", "vote_p99_under_1_5s", "frame_p99_under_50ms", "cpu_at_most_2x_floor",
        "peak_memory_under_300mb",
    }  # fmt: skip
