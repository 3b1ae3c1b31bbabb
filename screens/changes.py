"""The one way the screens change the workshop: through the writer, with one error policy.

Every key that changes something (open an item, agree a value, approve a proposal, make a workshop) goes
through :meth:`Changes.apply`. What the core refuses in words (an agenda that cannot move on, a merge that
is not allowed, an entry that has gone) becomes a warning with those words; anything else (a full disk, a
locked file, a bug) an error notice in plain words (screens/failures.py). Never a crash: the facilitator is
in front of a room.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlmodel import Session
from textual.app import App

from screens.failures import failure_notice
from workshop.errors import AnswerRefused
from workshop.store.agenda import AgendaError
from workshop.store.moderation import ModerationError
from workshop.store.workshops import SettingError, WorkshopNotFound
from workshop.writer import BatchWriter

T = TypeVar("T")

# The core saying no, with a reason meant for the facilitator.
REFUSALS: tuple[type[Exception], ...] = (
    AgendaError,
    ModerationError,
    WorkshopNotFound,
    AnswerRefused,
    SettingError,
)


@dataclass(frozen=True)
class Changed(Generic[T]):
    """A change that was committed, and what it returned."""

    value: T


class Changes:
    """Applies changes for one app; every screen and widget asks the app's instance."""

    def __init__(
        self, app: App[Any], writer: BatchWriter, applied: Callable[[], None] = lambda: None
    ) -> None:
        self._app = app
        self._writer = writer
        self._applied = applied  # told after each committed change (the app then draws it at once)

    async def apply(
        self, change: Callable[[Session], T], *, done: str | None = None, failed: str = "That did not work"
    ) -> Changed[T] | None:
        """Commit ``change`` and say ``done``; on failure, say why (after ``failed``) and return None."""
        try:
            value = await self._writer.submit(change)
        except REFUSALS as exc:
            self._app.notify(str(exc), severity="warning", markup=False)
            return None
        except Exception as exc:  # a locked, full or lost database must not take the screen down
            self._app.notify(failure_notice(failed, exc), title="Not done", severity="error", markup=False)
            return None
        self._applied()
        if done:
            self._app.notify(done, markup=False)
        return Changed(value)
