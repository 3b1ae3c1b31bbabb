"""The side-by-side report of :mod:`benchmarks.room`: the numbers, the table and the issue's targets."""

from __future__ import annotations

import argparse
import math
import os
from typing import TYPE_CHECKING

from benchmarks.probes import pct

if TYPE_CHECKING:
    from benchmarks.room_side import Side

# Issue 12's targets for a room of phones.
ACK_WITHIN_S = 10.0  # every vote acknowledged within this long after the last phone arrived
VOTE_P99_MS = 1500.0
FRAME_P99_MS = 50.0
CPU_TIMES_FLOOR = 2.0
PEAK_MB = 300.0

Number = float | int | str | None


def _ms(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile of ``values`` (seconds) in ms, or None without samples."""
    return pct(values, q) * 1000 if values else None


def numbers(args: argparse.Namespace, app: Side, floor: Side) -> dict[str, object]:
    """Everything the report shows, as plain numbers (ms, s, MB), for ``--json``."""
    return {
        "run": {
            "phones": args.phones, "seconds": args.seconds, "concurrency": args.concurrency,
            "pages": args.pages, "poll": args.poll, "cores": os.cpu_count(),
            "mode": "hosted" if args.hosted else "embedded", "workers": args.workers if args.hosted else None,
        },
        "app": side_numbers(app, args.phones),
        "floor": side_numbers(floor, args.phones),
        "targets": {name: met for name, met, _text in targets(app, floor, args.phones)},
    }  # fmt: skip


def side_numbers(side: Side, phones: int) -> dict[str, Number]:
    """One side's figures; None where there is nothing to measure."""
    load = side.load
    out: dict[str, Number] = {"error": side.error}
    tree, root = side.cpu.get("tree"), side.cpu.get("root")
    out["cpu_ms_per_phone"] = tree * 1000 / phones if tree is not None else None
    out["cpu_ms_per_phone_first_process"] = root * 1000 / phones if root is not None else None
    out["cpu_ms_per_phone_children"] = (
        (tree - root) * 1000 / phones if tree is not None and root is not None else None
    )
    out["cpu_s_server"] = tree
    load_cpu = load.cpu if load else 0.0
    out["cpu_s_phones"] = load_cpu if load else None
    # The facilitator's TUI shows the room and serves no phone: embedded it is the tree's first process,
    # hosted it is measured apart. PostgreSQL (hosted, and the floor beside it) is measured apart too.
    tui = side.cpu.get("tui") if side.hosted else (root if side.root_is_tui else None)
    postgres = side.cpu.get("postgres")
    # Hosted, the PostgreSQL backends that answered the TUI's reads did the TUI's work, not the phones'.
    postgres_tui = side.cpu.get("postgres_tui")
    if tui is not None and postgres is not None and postgres_tui is not None:
        tui, postgres = tui + postgres_tui, postgres - postgres_tui
    out["postgres_tui_cpu_ms_per_phone"] = postgres_tui * 1000 / phones if postgres_tui is not None else None
    out["tui_cpu_ms_per_phone"] = tui * 1000 / phones if tui is not None else None
    out["postgres_cpu_ms_per_phone"] = postgres * 1000 / phones if postgres is not None else None
    out["cpu_s_tui"], out["cpu_s_postgres"] = tui, postgres
    # What serving the phones cost: the server's processes without the TUI, with the database server's.
    serving = None if tree is None else tree - (root if side.root_is_tui and root is not None else 0.0)
    if serving is not None and postgres is not None:
        serving += postgres
    out["serving_cpu_ms_per_phone"] = serving * 1000 / phones if serving is not None else None
    measured = (tree or 0.0) + load_cpu + side.cpu.get("tui", 0.0) + side.cpu.get("postgres", 0.0)
    # Whatever else ran on the machine meanwhile: a large figure means the run was disturbed.
    out["cpu_s_other"] = side.cpu["machine"] - measured if "machine" in side.cpu else None
    out["acknowledged"] = load.acknowledged if load else 0
    out["errors"] = ", ".join(f"{k}: {v}" for k, v in sorted(load.errors.items())) if load else None
    out["throughput_phones_per_s"] = load.acknowledged / load.wall if load and load.wall else None
    out["wall_s"] = load.wall if load else None
    for kind in ("join", "vote", "page", "poll", "phone"):
        samples = getattr(load, f"{kind}_latency") if load else []
        out[f"{kind}_p50_ms"], out[f"{kind}_p99_ms"] = _ms(samples, 50), _ms(samples, 99)
    done = load.last_ack if load else None
    out["last_ack_after_last_arrival_s"] = done - load.last_arrival if load and done is not None else None
    frame = side.frame_ms
    out["frame_p99_ms"] = pct(frame, 99) if frame else None
    out["frame_worst_ms"] = max(frame) if frame else None
    out["frame_ticks"] = len(frame) if frame is not None else None
    out["peak_mb_tree"], out["peak_mb_first_process"] = side.peak_mb
    if side.hosted:
        out["tui_peak_mb"], out["tui_exit_code"] = side.tui_peak_mb, side.tui_exit_code
    acked = set(load.acked_seats) if load else set()
    out["saved"], out["missing"] = len(side.saved), len(acked - set(side.saved))
    out["extra"] = len(side.saved) - len(acked & set(side.saved))
    out["durability"] = "PASS" if side.durable else "FAIL"
    out["killed_on_stop"] = len(side.killed)
    out["exit_code"] = side.exit_code
    return out


def targets(app: Side, floor: Side, phones: int) -> list[tuple[str, bool, str]]:
    """Issue 12's targets for the app: ``(name, met, what was measured)``."""
    a, f = side_numbers(app, phones), side_numbers(floor, phones)

    def num(value: Number) -> float:
        return float(value) if isinstance(value, int | float) else math.nan

    late = num(a["last_ack_after_last_arrival_s"])
    all_acked = a["acknowledged"] == phones
    cpu, floor_cpu = num(a["serving_cpu_ms_per_phone"]), num(f["serving_cpu_ms_per_phone"])
    ratio = cpu / floor_cpu if floor_cpu > 0 else math.nan
    return [
        ("all_acked_within_10s", all_acked and late <= ACK_WITHIN_S,
         f"{a['acknowledged']}/{phones} acked, last {late:.1f} s after the last arrival"),
        ("vote_p99_under_1_5s", num(a["vote_p99_ms"]) < VOTE_P99_MS,
         f"vote p99 {num(a['vote_p99_ms']):.0f} ms"),
        ("frame_p99_under_50ms", num(a["frame_p99_ms"]) < FRAME_P99_MS,
         f"frame lag p99 {num(a['frame_p99_ms']):.0f} ms"),
        ("cpu_at_most_2x_floor", ratio <= CPU_TIMES_FLOOR, f"serving CPU/phone {ratio:.2f}x the floor's"),
        ("peak_memory_under_300mb", num(a["peak_mb_tree"]) < PEAK_MB,
         f"peak {num(a['peak_mb_tree']):.0f} MB"),
    ]  # fmt: skip


def _cell(value: Number, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pair(n: dict[str, Number], first: str, second: str, digits: int = 0) -> str:
    return f"{_cell(n[first], digits)} / {_cell(n[second], digits)}"


def report(args: argparse.Namespace, app: Side, floor: Side) -> str:
    """The side-by-side table, the errors and the targets, as printed text."""
    a, f = side_numbers(app, args.phones), side_numbers(floor, args.phones)
    extras = (", pages" if args.pages else "") + (f", polling every {args.poll:g} s" if args.poll else "")
    head = f"{args.phones} phones over {args.seconds:g} s, {args.concurrency} connections{extras}"
    if app.hosted:
        head += f"; the app hosted: serve --workers {args.workers} on PostgreSQL, a TUI following it"
    rows: list[tuple[str, str, str]] = [("", app.label, floor.label)]

    def row(label: str, render: object) -> None:
        if callable(render):
            rows.append((label, str(render(a)), str(render(f))))

    row("CPU per phone ms serving phones", lambda n: _cell(n["serving_cpu_ms_per_phone"], 2))
    row("  of it PostgreSQL", lambda n: _cell(n["postgres_cpu_ms_per_phone"], 2))
    row("CPU per phone ms, facilitator's TUI", lambda n: _cell(n["tui_cpu_ms_per_phone"], 2))
    row("  of it PostgreSQL answering the TUI", lambda n: _cell(n["postgres_tui_cpu_ms_per_phone"], 2))
    row("CPU per phone ms, tree (first / the rest)", lambda n: f"{_cell(n['cpu_ms_per_phone'], 2)} ("
        + _pair(n, "cpu_ms_per_phone_first_process", "cpu_ms_per_phone_children", 2) + ")")  # fmt: skip
    row("throughput phones/s", lambda n: _cell(n["throughput_phones_per_s"], 1))
    for kind in ("join", "vote", "page", "poll"):
        row(f"{kind} p50 / p99 ms", lambda n, k=kind: _pair(n, f"{k}_p50_ms", f"{k}_p99_ms"))
    row("phone end-to-end p50 / p99 ms", lambda n: _pair(n, "phone_p50_ms", "phone_p99_ms"))
    row("last ack after last arrival s", lambda n: _cell(n["last_ack_after_last_arrival_s"], 1))
    row("wall s", lambda n: _cell(n["wall_s"], 1))
    row("TUI frame lag p99 / worst ms", lambda n: _pair(n, "frame_p99_ms", "frame_worst_ms", 1))
    row("peak memory MB (tree / first)", lambda n: _pair(n, "peak_mb_tree", "peak_mb_first_process"))
    if "tui_peak_mb" in a:
        rows.append(("facilitator's TUI peak memory MB", _cell(a["tui_peak_mb"]), "-"))
    row("acknowledged", lambda n: _cell(n["acknowledged"]))
    row("durability (saved, missing, extra)",
        lambda n: f"{n['durability']} ({n['saved']}, {n['missing']}, {n['extra']})")  # fmt: skip
    row(
        "CPU s: server / phones / other",
        lambda n: " / ".join(_cell(n[k], 1) for k in ("cpu_s_server", "cpu_s_phones", "cpu_s_other")),
    )
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [head, *(f"{r[0]:<{width[0]}}  {r[1]:>{width[1]}}  {r[2]:>{width[2]}}" for r in rows)]
    for side, n in ((app.label, a), (floor.label, f)):
        lines.append(f"errors, {side}: {n['errors'] or 'none'}")
        if n["error"]:
            lines.append(f"FAILED, {side}: {n['error']}")
        if n["killed_on_stop"]:
            lines.append(f"{side}: {n['killed_on_stop']} process(es) outlived SIGTERM and were killed")
    if app.frame_note:
        lines.append(f"frame lag: {app.frame_note}")
    lines.append(
        "targets: "
        + "; ".join(
            f"{text} {'met' if met else 'MISSED'}" for _n, met, text in targets(app, floor, args.phones)
        )
    )
    return "\n".join(lines) + "\n"
