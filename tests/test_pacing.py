"""The room's news redraws the screen at most once per pace; the facilitator's own changes at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest
from textual.timer import Timer

from screens import pacing
from screens.messages import RevisionRead
from screens.pacing import NewsPacer


class Clock:
    """time.monotonic for the pacer, moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Later:
    """set_timer's stand-in: records what was scheduled; ``fire`` runs it."""

    def __init__(self) -> None:
        self.scheduled: list[tuple[float, Callable[[], None]]] = []
        self.stopped = 0

    def __call__(self, seconds: float, callback: Callable[[], None]) -> Timer:
        self.scheduled.append((seconds, callback))
        later = self

        class Stub:
            def stop(self) -> None:
                later.stopped += 1

        return cast(Timer, Stub())

    def fire(self) -> None:
        self.scheduled.pop(0)[1]()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def news(revision: int) -> RevisionRead:
    return RevisionRead(revision, 1)


def test_news_within_the_pace_waits_and_only_the_newest_is_told(clock: Clock) -> None:
    told: list[int] = []
    later = Later()
    pacer = NewsPacer(lambda n: told.append(n.revision), later, pace=1.0, clock=clock)
    pacer.offer(news(1))
    assert told == [1]  # the first news after a quiet spell: at once
    clock.now += 0.25
    pacer.offer(news(2))
    clock.now += 0.25
    pacer.offer(news(3))
    assert told == [1] and len(later.scheduled) == 1  # held, one timer for both
    assert later.scheduled[0][0] == pytest.approx(0.75)
    clock.now += 0.5
    later.fire()
    assert told == [1, 3]
    clock.now += 1.5
    pacer.offer(news(4))
    assert told == [1, 3, 4]  # a second has passed: at once again


def test_the_facilitators_change_is_drawn_without_waiting(clock: Clock) -> None:
    told: list[int] = []
    later = Later()
    pacer = NewsPacer(lambda n: told.append(n.revision), later, pace=1.0, clock=clock)
    pacer.offer(news(1))
    clock.now += 0.1
    pacer.offer(news(2))  # a vote, held
    pacer.prompt()  # a key changed something: what is held goes now
    assert told == [1, 2] and later.stopped == 1
    clock.now += 0.2
    pacer.offer(news(3))  # the change's own revision, read by the next poll
    assert told == [1, 2, 3]
    clock.now += pacing.PROMPT_SECONDS
    pacer.offer(news(4))
    clock.now += 0.1
    pacer.offer(news(5))
    # The prompt window has passed: the pace again (one timer waits, beside the one stopped above).
    assert told == [1, 2, 3, 4] and len(later.scheduled) - later.stopped == 1


def test_a_pace_of_zero_tells_everything(clock: Clock) -> None:
    told: list[Any] = []
    pacer = NewsPacer(told.append, Later(), pace=0, clock=clock)
    for revision in range(5):
        pacer.offer(news(revision))
    assert [n.revision for n in told] == [0, 1, 2, 3, 4]


def test_news_told_at_once_drops_older_held_news(clock: Clock) -> None:
    told: list[int] = []
    later = Later()
    pacer = NewsPacer(lambda n: told.append(n.revision), later, pace=1.0, clock=clock)
    pacer.offer(news(1))
    clock.now += 0.5
    pacer.offer(news(2))  # held
    clock.now += 0.6  # the pace has passed before the timer fired: the next news goes at once
    pacer.offer(news(3))
    assert told == [1, 3] and later.stopped == 1  # the held revision 2 is dropped with its timer
