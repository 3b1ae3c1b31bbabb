"""Drawing only the newest read: a thread worker's result can arrive after a newer one's."""

from __future__ import annotations


class Latest:
    """Numbers reads as they are asked for, and says whether a result is still the newest to draw.

    ``@work(exclusive=True)`` cancels the older worker, but a thread worker cannot be stopped: it runs to
    the end and posts what it read. On a busy machine an older read can then land after a newer one and
    put stale rows back on screen, with nothing left to read again until the next change. Both methods
    run on the event loop, so the numbers need no lock.
    """

    def __init__(self) -> None:
        self._asked = 0
        self._drawn = 0

    def ask(self) -> int:
        """The number of a read about to start."""
        self._asked += 1
        return self._asked

    def fresh(self, number: int) -> bool:
        """True if the read numbered ``number`` is newer than any drawn so far (and mark it drawn)."""
        if number < self._drawn:
            return False
        self._drawn = number
        return True
