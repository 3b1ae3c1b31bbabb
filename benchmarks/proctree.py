"""CPU and memory of a process and every process under it, read from ``/proc`` (Linux).

The participant server may run inside the TUI's process or in worker processes it starts; summing the
whole tree measures either the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HZ = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (state is [0], ppid [1]); None if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def tree(root: int) -> list[int]:
    """``root`` and every living process descended from it (by the ppid links), root first."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [root], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass(frozen=True)
class TreeCpu:
    """CPU seconds used so far.

    Attributes:
        tree: The root and all its descendants, including those that ended and were waited for.
        root: The root process alone.
    """

    tree: float
    root: float


def tree_cpu(root: int) -> TreeCpu:
    """User plus system CPU seconds of ``root``'s tree and of ``root`` alone, so far."""
    total = alone = 0.0
    for pid in tree(root):
        fields = _stat(pid)
        if fields is None:
            continue
        own = (int(fields[11]) + int(fields[12])) / HZ
        # cutime/cstime: descendants that ended and were waited for, whose own lines are gone.
        total += own + (int(fields[13]) + int(fields[14])) / HZ
        if pid == root:
            alone = own
    return TreeCpu(total, alone)


def process_cpu(pid: int) -> float:
    """User plus system CPU seconds of ``pid`` alone so far; 0.0 if it has ended."""
    fields = _stat(pid)
    return 0.0 if fields is None else (int(fields[11]) + int(fields[12])) / HZ


def peak_rss_mb(pid: int) -> float:
    """The most resident memory ``pid`` has held (``VmHWM``), in MB; 0.0 if it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def tree_peak_rss_mb(root: int) -> tuple[float, float]:
    """``(whole tree, root alone)``: the sum of every living process's peak resident memory, in MB."""
    return sum(peak_rss_mb(pid) for pid in tree(root)), peak_rss_mb(root)


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting to be reaped counts as ended)."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")
