"""How often the room's answers redraw the screen: at most once a second while they stream in.

Every vote moves the workshop's revision, and every new revision made the screen read the workshop and
draw it again, four times a second (the poll) through a burst. Measured in the real TUI with 600 phones, a
draw takes tens of milliseconds of the one thread that also reads the keyboard, and four a second froze the
screen for over 100 ms at the 99th percentile. Nobody reads a vote count that changes four times a second:
news that only the room made waits until a second has passed since the last redraw. The facilitator's
own changes never wait: after a key changed something, the next news is passed on at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.timer import Timer

from screens.messages import RevisionRead

# Seconds between two redraws asked for by news alone (answers, a remote on a phone).
LIVE_PACE = 1.0
# After the facilitator's own change, news within this many seconds is passed on at once: it is theirs.
PROMPT_SECONDS = 1.5


class NewsPacer:
    """Passes on the poll's news (a new revision) to ``tell``, at most once per ``pace`` seconds.

    ``later(seconds, callback)`` schedules a callback on the event loop (the app's ``set_timer``); news that
    arrives too soon is held, and only the newest held news is passed on when its time comes.
    """

    def __init__(
        self,
        tell: Callable[[RevisionRead], None],
        later: Callable[[float, Callable[[], None]], Timer],
        pace: float = LIVE_PACE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tell = tell
        self._clock = clock
        self._later = later
        self.pace = pace
        self._told_at = -pace
        self._prompt_until = 0.0
        self._held: RevisionRead | None = None
        self._timer: Timer | None = None

    def offer(self, news: RevisionRead) -> None:
        """Pass ``news`` on now, or hold it until the pace allows."""
        now = self._clock()
        wait = self._told_at + self.pace - now
        if wait <= 0 or now < self._prompt_until:
            self._drop_held()  # older than this news: telling it later would only redraw for nothing
            self._pass_on(news)
            return
        self._held = news
        if self._timer is None:
            self._timer = self._later(wait, self._release)

    def prompt(self) -> None:
        """The facilitator changed something: pass on the news it makes without waiting."""
        self._prompt_until = self._clock() + PROMPT_SECONDS
        if self._held is not None:
            self._release()

    def _release(self) -> None:
        held = self._held
        self._drop_held()
        if held is not None:
            self._pass_on(held)

    def _drop_held(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._held = None

    def _pass_on(self, news: RevisionRead) -> None:
        self._told_at = self._clock()
        self._tell(news)
