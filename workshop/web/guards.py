"""Small in-memory helpers that protect the server: a brake on seat-code guessing, and caches."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from typing import Any


class SeatCodeGuard:
    """Brakes seat-code guessing without locking a room out of its seats.

    A seat code is 6 characters from 31, about 8.9e8 codes, so guessing is only a threat if it is
    unbounded. Wrong codes are counted twice: per client address (``per_client`` in ``client_window``
    seconds) and per workshop (``per_workshop`` in ``workshop_window`` seconds, from every address).

    - A client under its own limit always has its code checked: one guesser cannot lock out other networks.
    - A client over its limit (braked) still has its code checked while the workshop's total is under its
      limit, so a phone behind the same venue NAT as a guesser, typing its right code, gets its seat back.
    - Once the workshop's total is spent, braked clients share a slow lane: one code checked every
      ``slow_every`` seconds for the whole workshop (a bucket holding one check, empty when first needed),
      others refused unchecked and uncounted. A script can spend the workshop's count in seconds; a phone
      behind its address then gets its seat back after a short wait instead of an hour. (While the script
      keeps sending, it takes most of those checks: nothing tells the two apart behind one address.)

    Every code that is checked and wrong counts towards both limits, and the slow lane's checks keep both
    spent, so one address checks at most ``per_client`` plus ``per_workshop`` codes at once and then one
    every ``slow_every`` seconds: with the defaults about 3,800 in a ten-hour day, which finds one of 1,000
    seats with a chance of about 1 in 230 (1 in 2,300 for 100 seats). More addresses add ``per_client``
    each per window, as they always did.

    Callers look a code up only when :meth:`reserve` says so, and then call :meth:`release` exactly once,
    saying whether it was wrong. A reserved check counts as wrong until it is released, so concurrent
    guesses (the lookup runs in a worker thread) cannot all pass a limit before any of them is counted.
    """

    PER_CLIENT = 10
    PER_WORKSHOP = 200
    SLOW_EVERY = 10.0

    def __init__(
        self,
        per_client: int = PER_CLIENT,
        client_window: float = 300.0,
        per_workshop: int = PER_WORKSHOP,
        workshop_window: float = 3600.0,
        slow_every: float = SLOW_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._limits = {"client": (per_client, client_window), "workshop": (per_workshop, workshop_window)}
        self._slow_every = slow_every
        self._clock = clock
        # Only the most recent ``limit`` failures per key matter, so memory stays bounded per key.
        self._failures: dict[tuple[str, object], deque[float]] = {}
        # Checks reserved and not yet released, per key.
        self._pending: dict[tuple[str, object], int] = {}
        # Per workshop: when the slow lane may next check a braked client's code.
        self._slow_from: dict[int, float] = {}
        self._lock = threading.Lock()

    @classmethod
    def shared_by(cls, workers: int) -> SeatCodeGuard:
        """The guard for one of ``workers`` processes that serve one address, each counting on its own.

        The kernel hands a guesser's connections to any of them, so each gets its share of the limits (and
        its slow lane runs that many times slower): together they never allow more than one guard would.
        A phone typing wrong codes may be braked a little sooner, after its share rather than the whole. Past
        ten workers each still checks one code per window, so the total grows with the workers.
        """
        share = max(1, workers)
        return cls(
            per_client=max(1, cls.PER_CLIENT // share),
            per_workshop=max(1, cls.PER_WORKSHOP // share),
            slow_every=cls.SLOW_EVERY * share,
        )

    def _spent(self, kind: str, key: object) -> bool:
        limit, window = self._limits[kind]
        times = self._failures.get((kind, key))
        if times is not None:
            cutoff = self._clock() - window
            while times and times[0] <= cutoff:
                times.popleft()
            if not times:
                del self._failures[(kind, key)]
        return len(times or ()) + self._pending.get((kind, key), 0) >= limit

    def braked(self, client: str) -> bool:
        """Whether ``client`` has used up its own wrong codes for now."""
        with self._lock:
            return self._spent("client", client)

    def reserve(self, workshop_id: int, client: str) -> bool:
        """Whether a code ``client`` typed for this workshop may be looked up now; if so, it is counted."""
        with self._lock:
            if self._spent("client", client) and self._spent("workshop", workshop_id):
                now = self._clock()
                opens = self._slow_from.setdefault(workshop_id, now + self._slow_every)
                if now < opens:
                    return False
                self._slow_from[workshop_id] = now + self._slow_every
            for key in (("client", client), ("workshop", workshop_id)):
                self._pending[key] = self._pending.get(key, 0) + 1
            return True

    def release(self, workshop_id: int, client: str, *, wrong: bool) -> None:
        """End a check :meth:`reserve` allowed: a wrong code stays counted, a right one is handed back."""
        now = self._clock()
        with self._lock:
            for kind, key in (("client", client), ("workshop", workshop_id)):
                left = self._pending.pop((kind, key), 0) - 1
                if left > 0:
                    self._pending[(kind, key)] = left
                if wrong:
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


class LookupCache(StatusCache):
    """A workshop's lookup by join code (its row, organisations and role levels), kept for ``seconds``.

    A room of phones asks for the same workshop on every request; one worker process reads it once per
    ``seconds`` instead. Only what was found is kept, so a new workshop is found at once, and a deleted one
    stops being served within ``seconds``. Pages use only what cannot change while a workshop runs (its
    id, code, title, choices); the current item, its state and the revision are always read afresh.
    """

    def get(self, key: str, load: Callable[[], Any | None]) -> Any | None:
        """The value kept for ``key`` if recent enough, else ``load()`` (kept unless it is None)."""
        value = super().get(key, load)
        if value is None:
            self.forget(key)
        return value

    def forget(self, key: str) -> None:
        """Drop ``key``: a page found the workshop gone before the time was up."""
        with self._lock:
            self._entries.pop(key, None)


class PageCache:
    """Rendered pages by everything they were rendered from (a key the caller builds), most recent kept.

    The key is built from what the request read fresh, so a hit is the page that reading would render: no
    process can be served a page another one's change made stale.
    """

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Any | None:
        """The page kept for ``key``, or None."""
        with self._lock:
            page = self._entries.get(key)
            if page is not None:
                self._entries.move_to_end(key)
            return page

    def put(self, key: Hashable, page: Any) -> None:
        """Keep ``page`` for ``key``, dropping the least recently used past ``size``."""
        with self._lock:
            self._entries[key] = page
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
