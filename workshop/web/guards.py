"""Small in-memory helpers that protect the server: a brake on seat-code guessing, a status cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class SeatCodeGuard:
    """Counts wrong seat codes per client address and blocks one that keeps guessing."""

    def __init__(
        self, limit: int = 10, window_seconds: float = 300.0, clock: Callable[[], float] = time.monotonic
    ):
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str) -> list[float]:
        cutoff = self._clock() - self.window
        times = [t for t in self._failures.get(client, []) if t > cutoff]
        self._failures[client] = times
        return times

    def blocked(self, client: str) -> bool:
        """Whether ``client`` has used up its wrong guesses for now."""
        with self._lock:
            return len(self._recent(client)) >= self.limit

    def failed(self, client: str) -> None:
        """Record one wrong code from ``client``."""
        with self._lock:
            self._recent(client).append(self._clock())


class StatusCache:
    """Keeps each workshop's agenda status for a moment, so a room of phones polling costs one read."""

    def __init__(self, seconds: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._entries: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def fresh(self, key: str) -> Any | None:
        """The cached value for ``key`` if it is recent enough, else None."""
        with self._lock:
            hit = self._entries.get(key)
        return hit[1] if hit is not None and self._clock() - hit[0] < self.seconds else None

    def get(self, key: str, load: Callable[[], Any]) -> Any:
        """The cached value for ``key``, or ``load()`` when it is older than the time allowed."""
        now = self._clock()
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self.seconds:
            return hit[1]
        value = load()
        with self._lock:
            self._entries[key] = (now, value)
        return value
