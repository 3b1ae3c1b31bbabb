"""The base of every live view: a widget redrawn from a :class:`workshop.live.Snapshot`; the keys it lends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Self, cast

from sqlmodel import Session
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from workshop.live import Snapshot

if TYPE_CHECKING:
    from screens.app import WorkshopApp


@dataclass(frozen=True)
class LentKey:
    """A key for a kind's own action (the maturity horizon), lent by its live view to the screen showing it.

    The screen binds it whatever has the focus, so it works from the agenda table, and lists it in its help
    and command palette even for items of other kinds (marked "not for this item"). The screen asks the view
    it shows whether the action applies and runs it there (see ``screens.views.with_lent_keys``).
    """

    binding: Binding
    # The screen's key it is listed after, so the help and the palette keep the order facilitators know.
    after: str


# One key for every kind that records what the room agreed, so the help lists it once, in one sentence.
AGREE_KEY = LentKey(
    Binding(
        "g",
        "agree",
        "Agreed",
        show=False,
        tooltip="Record what the room agreed: a maturity level and why, or the agreed priorities",
    ),
    after="j",
)


class LiveView(Static):
    """Shows one agenda item's live results; ``show`` is called with each fresh snapshot."""

    DEFAULT_CSS = """
    LiveView { height: auto; }
    """

    # The keys of the kind's own actions (``action_<name>`` on the view) that the screen binds for it.
    LENT_KEYS: ClassVar[tuple[LentKey, ...]] = ()

    class Changed(Message):
        """A lent key changed the workshop: the screen reads it again at once rather than at the next poll."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._snapshot: Snapshot | None = None

    def on_resize(self) -> None:
        # Layouts depend on the width, which is only known once the view is laid out: draw again.
        if self._snapshot is not None:
            self.show(self._snapshot)

    def show(self, snapshot: Snapshot) -> None:
        """Redraw from ``snapshot`` (subclasses keep it in ``self._snapshot`` for redraws)."""
        raise NotImplementedError

    def lends(self, action: str) -> bool:
        """Whether one of the view's lent keys runs ``action`` and it applies right now."""
        lent = any(key.binding.action == action for key in self.LENT_KEYS)
        return lent and self.check_action(action, ()) is not False

    def follow(self, leader: Self) -> None:
        """Take up what the facilitator chose on ``leader``, this kind's view on the screen underneath."""

    async def change(
        self, change: Callable[[Session], object], done: str, failed: str = "Could not change the agenda"
    ) -> bool:
        """Apply a change through the app's one way to change things; if it was made, have the screen read
        again at once (not at the next poll). Whether it was made."""
        app = cast("WorkshopApp", self.app)
        if not await app.changes.apply(change, done=done, failed=failed):
            return False
        self.post_message(self.Changed())
        return True
