"""Waiting, without a fixed sleep, for something another thread or process does."""

from __future__ import annotations

import time
from collections.abc import Callable


def until(happened: Callable[[], bool], seconds: float = 10.0, every: float = 0.01) -> bool:
    """Whether ``happened()`` came true within ``seconds`` (asked every ``every`` seconds)."""
    deadline = time.monotonic() + seconds
    while not happened():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True
