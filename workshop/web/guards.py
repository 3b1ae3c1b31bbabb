"""Small in-memory helpers that protect the server: a brake on seat-code guessing, a status cache."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any


class SeatCodeGuard:
    """Brakes seat-code guessing without locking a room out of its seats.

    A seat code is 6 characters from 31, about 8.9e8 codes, so guessing is only a threat if it is
    unbounded. Wrong codes are counted twice: per client address (``per_client`` in ``client_window``
    seconds) and per workshop (``per_workshop`` in ``workshop_window`` seconds, from every address).

    - A client under its own limit always has its code checked: one guesser cannot lock out other networks.
    - A client over its limit (braked) still has its code checked while the workshop's total is under its
      limit, so a phone behind the same venue NAT as a guesser, typing its right code, gets its seat back.
    - Once the workshop's total is spent, a braked client's codes are refused unchecked until it drains.

    Every code that is checked and wrong counts towards both limits, so one address checks at most about
    ``per_workshop`` codes an hour plus its own ``per_client`` each window: with the defaults some 3,200
    in a ten-hour day, which finds one of 1,000 seats with a chance of about 1 in 280 (1 in 2,800 for 100
    seats). More addresses add ``per_client`` each, as they always did. Callers must check the code only
    when :meth:`may_check` says so, and report each wrong one with :meth:`failed`.
    """

    def __init__(
        self,
        per_client: int = 10,
        client_window: float = 300.0,
        per_workshop: int = 200,
        workshop_window: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._limits = {"client": (per_client, client_window), "workshop": (per_workshop, workshop_window)}
        self._clock = clock
        # Only the most recent ``limit`` failures per key matter, so memory stays bounded per key.
        self._failures: dict[tuple[str, object], deque[float]] = {}
        self._lock = threading.Lock()

    def _spent(self, kind: str, key: object) -> bool:
        limit, window = self._limits[kind]
        times = self._failures.get((kind, key))
        if times is None:
            return False
        cutoff = self._clock() - window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._failures[(kind, key)]
        return len(times) >= limit

    def braked(self, client: str) -> bool:
        """Whether ``client`` has used up its own wrong codes for now."""
        with self._lock:
            return self._spent("client", client)

    def may_check(self, workshop_id: int, client: str) -> bool:
        """Whether a code ``client`` typed for this workshop may be looked up now."""
        with self._lock:
            return not (self._spent("client", client) and self._spent("workshop", workshop_id))

    def failed(self, workshop_id: int, client: str) -> None:
        """Record one wrong code from ``client`` for this workshop."""
        now = self._clock()
        with self._lock:
            for kind, key in (("client", client), ("workshop", workshop_id)):
                limit = self._limits[kind][0]
                self._failures.setdefault((kind, key), deque(maxlen=limit)).append(now)


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
