"""The base of every live view: a widget redrawn from a :class:`workshop.live.Snapshot`; the keys it lends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, cast

from sqlmodel import Session
from textual.binding import Binding
from textual.message import Message
from textual.visual import VisualType
from textual.widgets import Static

from workshop.db import Database
from workshop.live import Snapshot
from workshop.models import AgendaItem

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


SummaryT = TypeVar("SummaryT")


class LiveView(Static, Generic[SummaryT]):
    """Shows one agenda item's live results, typed by its kind's summary (``LiveView[DotsSummary]``).

    The screen calls ``show`` with each fresh snapshot; the view's ``draw`` gets the summary as its own type.
    """

    DEFAULT_CSS = """
    LiveView { height: auto; }
    """

    # The kind's summary class, the ``SummaryT`` a subclass names (a ClassVar cannot hold a type variable).
    SUMMARY: ClassVar[type[Any]] = type(None)
    # The keys of the kind's own actions (``action_<name>`` on the view) that the screen binds for it.
    LENT_KEYS: ClassVar[tuple[LentKey, ...]] = ()
    # Whether the view shows the item's facilitator notes itself, so the screen does not repeat them.
    SHOWS_NOTES: ClassVar[bool] = False

    class Changed(Message):
        """A lent key changed the workshop: the screen reads it again at once rather than at the next poll."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        # For reads the view makes itself, in a worker (a breakdown); changes go through the app's Changes.
        self.db = db
        self._following = False
        self._snapshot: Snapshot | None = None
        self._summary: SummaryT | None = None
        self._shape: tuple[int, int] | None = None  # the content's width and height as last laid out

    @property
    def following(self) -> bool:
        """The projector's copy (the projector sets it): the room reads it, so it shows only what the
        facilitator let through (no participants' words waiting for approval) and takes no keys."""
        return self._following

    @following.setter
    def following(self, value: bool) -> None:
        self._following = value
        if value:
            self.can_focus = False

    def on_resize(self) -> None:
        # Layouts depend on the width, which is only known once the view is laid out: draw again.
        self.redraw()

    def redraw(self) -> None:
        """Draw the last snapshot again (a horizon or breakdown chosen, the width changed)."""
        if self._snapshot is not None:
            self.show(self._snapshot)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show ``content``, laying the screen out again only if the view's height changed.

        Static lays the whole screen out on every update, and so repaints all of it: the run sheet, the QR
        codes, the footer. A view redrawn for a new count keeps its height, so only it is repainted;
        measured in the TUI with a burst of votes, that halved the cost of each redraw.
        """
        super().update(content, layout=False)
        if not layout:
            return
        width = self.content_region.width
        shape = (width, self.get_content_height(self.size, self.app.size, width)) if width else None
        if shape is None or shape != self._shape:
            self._shape = shape
            self.refresh(layout=True)

    def show(self, snapshot: Snapshot) -> None:
        """Redraw from ``snapshot``: ``draw`` with its summary, or ``draw_nothing`` when it has none."""
        self._snapshot = snapshot
        summary = snapshot.summary
        # The one check of a summary's type in the UI. A snapshot's kind is a runtime string, and one read
        # for another item can arrive while this view is being swapped for that item's view.
        if isinstance(summary, self.SUMMARY):
            self._summary = cast(SummaryT, summary)
            self.draw(snapshot, self._summary)
        else:
            self._summary = None
            self.draw_nothing(snapshot)

    def draw(self, snapshot: Snapshot, summary: SummaryT) -> None:
        """Draw the item's results from its summary."""
        raise NotImplementedError

    def draw_nothing(self, snapshot: Snapshot) -> None:
        """Draw a snapshot that holds no results for this kind."""
        self.update("No results yet.")

    @property
    def shown(self) -> tuple[AgendaItem, SummaryT] | None:
        """The item and summary on screen, for an action on them; None while no results are shown."""
        snapshot, summary = self._snapshot, self._summary
        if snapshot is None or snapshot.focus is None or summary is None:
            return None
        return snapshot.focus, summary

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
