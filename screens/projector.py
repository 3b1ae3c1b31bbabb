"""Projector mode: the shared screen the room reads, with the join code big and results only once revealed.

The facilitator keeps driving from the agenda screen; this screen only shows. It never shows an item's
results before the facilitator reveals them, because everyone in the room can see it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from screens.latest import Latest
from screens.messages import WorkshopChanged
from screens.views import AnyView, LiveView, view_for
from screens.widgets.qr import QRCode
from workshop import store
from workshop.activities import get_activity
from workshop.live import Snapshot, load_snapshot
from workshop.models import ItemState
from workshop.wording import NOBODY_JOINED, of_joined

if TYPE_CHECKING:
    from screens.app import WorkshopApp

__all__ = ["ProjectorScreen", "big_text"]

log = logging.getLogger(__name__)

# A 5×7 dot font for the join-code alphabet (and the look-alikes it leaves out), drawn with half blocks so
# each glyph is 5 columns by 4 rows: far easier to read from the back of a room than one bold cell each.
_FONT_ROWS = {
    "A": ".###. #...# #...# ##### #...# #...# #...#",
    "B": "####. #...# #...# ####. #...# #...# ####.",
    "C": ".###. #...# #.... #.... #.... #...# .###.",
    "D": "####. #...# #...# #...# #...# #...# ####.",
    "E": "##### #.... #.... ####. #.... #.... #####",
    "F": "##### #.... #.... ####. #.... #.... #....",
    "G": ".###. #...# #.... #.### #...# #...# .###.",
    "H": "#...# #...# #...# ##### #...# #...# #...#",
    "I": ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
    "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
    "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
    "L": "#.... #.... #.... #.... #.... #.... #####",
    "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#",
    "N": "#...# #...# ##..# #.#.# #..## #...# #...#",
    "O": ".###. #...# #...# #...# #...# #...# .###.",
    "P": "####. #...# #...# ####. #.... #.... #....",
    "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#",
    "R": "####. #...# #...# ####. #.#.. #..#. #...#",
    "S": ".#### #.... #.... .###. ....# ....# ####.",
    "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
    "U": "#...# #...# #...# #...# #...# #...# .###.",
    "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
    "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
    "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
    "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
    "Z": "##### ....# ...#. ..#.. .#... #.... #####",
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
    "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####",
    "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
    "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": "..##. .#... #.... ####. #...# #...# .###.",
    "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.",
    "9": ".###. #...# #...# .#### ....# ...#. .##..",
}
FONT: dict[str, list[str]] = {char: rows.split() for char, rows in _FONT_ROWS.items()}
_HALF = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def big_text(text: str, *, large: bool = False, gap: int = 2) -> list[str]:
    """``text`` in the dot font: 4 rows of half blocks, or with ``large`` 7 rows two columns per dot.

    Characters the font lacks keep their place as an ordinary character on the middle row.
    """
    glyphs = [FONT.get(char.upper()) for char in text]
    dot_width = 2 if large else 1
    height = 7 if large else 4
    lines = [""] * height
    for index, (char, glyph) in enumerate(zip(text, glyphs, strict=True)):
        if index:
            lines = [line + " " * gap for line in lines]
        if glyph is None:
            width = 5 * dot_width
            lines = [
                line + (char.center(width) if row == height // 2 else " " * width)
                for row, line in enumerate(lines)
            ]
            continue
        if large:
            lines = [
                line + "".join("██" if dot == "#" else "  " for dot in glyph[row])
                for row, line in enumerate(lines)
            ]
        else:
            padded = [*glyph, "....."]
            lines = [
                line
                + "".join(
                    _HALF[padded[2 * row][col] == "#", padded[2 * row + 1][col] == "#"] for col in range(5)
                )
                for row, line in enumerate(lines)
            ]
    return lines


class BigCode(Static):
    """The join code in big dot letters, with the plain code underneath for anyone who cannot make it out."""

    DEFAULT_CSS = """
    BigCode { width: auto; height: auto; text-style: bold; color: $foreground; }
    """

    def __init__(self, code: str, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._code = code
        self._large = False

    def on_mount(self) -> None:
        self._draw()

    def set_code(self, code: str) -> None:
        if code != self._code:
            self._code = code
            self._draw()

    def set_large(self, large: bool) -> None:
        if large != self._large:
            self._large = large
            self._draw()

    def _draw(self) -> None:
        self.update(Text("\n".join(big_text(self._code, large=self._large)), no_wrap=True, end=""))


class ProjectorScreen(Screen[None]):
    """What the room sees: the join code, the QR code, the current item and, once revealed, its results."""

    DEFAULT_CSS = """
    ProjectorScreen { background: $background; color: $foreground; padding: 0 1; }
    ProjectorScreen #top { height: auto; }
    ProjectorScreen #code-box { width: auto; height: auto; padding: 0 2; border: heavy $foreground; }
    ProjectorScreen #join-info { width: 1fr; height: auto; padding: 0 0 0 2; }
    ProjectorScreen #item-title { height: auto; text-style: bold; }
    ProjectorScreen #answered { height: auto; }
    ProjectorScreen #body { height: 1fr; }
    ProjectorScreen #qr { margin-right: 2; }
    ProjectorScreen #results { width: 1fr; height: 1fr; overflow-y: auto; }
    """

    BINDINGS = [
        Binding("escape", "close", "Back", tooltip="Leave projector mode and return to the agenda"),
        Binding("p", "close", "Back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: Snapshot | None = None
        self._view_kind: str | None = ""  # "" until the first draw; None while results are hidden
        self._reads = Latest()

    @property
    def workshop_app(self) -> WorkshopApp:
        return cast("WorkshopApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.workshop_app
        with Horizontal(id="top"):
            with Vertical(id="code-box"):
                yield BigCode(app.join_code, id="big-code")
            yield Static(self._join_text(), id="join-info")
        yield Static("", id="item-title")
        yield Static("", id="answered")
        with Horizontal(id="body"):
            yield QRCode("", id="qr")
            yield Vertical(id="results")

    def on_mount(self) -> None:
        self._fit()
        self.refresh_snapshot()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        # Double-size letters only when there is room for them and a QR code below.
        self.query_one("#big-code", BigCode).set_large(self.size.width >= 120 and self.size.height >= 40)

    def _join_text(self) -> Text:
        app = self.workshop_app
        text = Text(no_wrap=False)
        text.append("To join: scan the QR code,\nor open ")
        base = app.join_url.rsplit("/j/", 1)[0] if app.join_url else ""
        text.append(base or "the workshop address", style="bold")
        text.append("\nand type the code ")
        text.append(f" {app.join_code} ", style="bold reverse")
        text.append("\n\nEsc: back to the agenda", style="dim")
        return text

    # Reading -------------------------------------------------------------------------------------

    class SnapshotRead(Message):
        """A worker's read of the current item (or None: the workshop has gone), for the screen to draw."""

        def __init__(self, snapshot: Snapshot | None, number: int) -> None:
            super().__init__()
            self.snapshot, self.number = snapshot, number

    def refresh_snapshot(self) -> None:
        """Read a fresh snapshot of the current item off the event loop; the screen draws it on the loop."""
        self._read_snapshot(self._reads.ask())

    @work(thread=True, exclusive=True, group="projector", exit_on_error=False)
    def _read_snapshot(self, number: int) -> None:
        app = self.workshop_app
        workshop_id = app.workshop_id
        if workshop_id is None:
            return
        try:
            snapshot: Snapshot | None = load_snapshot(app.db, workshop_id)
        except store.WorkshopNotFound:  # deleted from another terminal: the agenda below goes home
            snapshot = None
        except Exception as exc:  # a busy database: the next change or tick reads again
            log.warning("could not read the workshop for the projector: %s", exc)
            return
        self.post_message(self.SnapshotRead(snapshot, number))

    async def on_projector_screen_snapshot_read(self, message: SnapshotRead) -> None:
        if not self._reads.fresh(message.number):
            return  # an older read that finished late: a newer one is already drawn
        if message.snapshot is None:
            if self.is_current:  # never pop whatever screen is on top by then
                await self.action_close()
        else:
            await self._draw(message.snapshot)

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        if self.snapshot is None or message.revision != self.snapshot.revision:
            self.refresh_snapshot()

    # Drawing -------------------------------------------------------------------------------------

    async def _draw(self, snapshot: Snapshot) -> None:
        if not self.is_attached or not self.query("#item-title"):
            return  # news that came before compose (on_mount reads again) or while leaving the screen
        self.snapshot = snapshot
        app = self.workshop_app
        self.query_one("#big-code", BigCode).set_code(snapshot.workshop.join_code)
        item = snapshot.current
        activity = get_activity(item.kind) if item else None
        takes_answers = activity is not None and activity.accepts_responses

        title = Text(no_wrap=True, overflow="ellipsis")
        if item is None:
            title.append("▶ Waiting for the first item to start")
        else:
            title.append(f"▶ Now: {item.title}")
        self.query_one("#item-title", Static).update(title)

        answered = Text(no_wrap=True, overflow="ellipsis")
        joined = f"{snapshot.seats} joined" if snapshot.seats else NOBODY_JOINED
        if activity is not None and takes_answers:
            count = activity.answered(snapshot.summary)
            if count is not None:
                answered.append(of_joined(count, snapshot.seats, "have answered"))
            else:
                answered.append(joined)
            if item is not None and item.state == ItemState.OPEN:
                answered.append(" · ✎ answer on your phone")
            elif item is not None and item.state == ItemState.CLOSED:
                answered.append(" · ■ answers closed")
        else:
            answered.append(f"{joined} · nothing to answer on phones for this item")
        self.query_one("#answered", Static).update(answered)

        qr = self.query_one("#qr", QRCode)
        qr.data = app.join_url if takes_answers else ""
        qr.display = bool(takes_answers and app.join_url)

        # Results only once revealed: the whole room can read this screen.
        revealed = bool(item is not None and item.revealed and activity and activity.results_template)
        results = self.query_one("#results", Vertical)
        kind = item.kind if (revealed and item) else None
        if kind != self._view_kind:
            await results.remove_children()
            if not results.is_attached:
                return  # the screen is closing: nothing to draw into
            if kind is None:
                await results.mount(Static(self._hidden_text(snapshot, takes_answers), id="not-revealed"))
            else:
                view = view_for(kind)(app.db)
                view.following = True  # whatever the agenda shows underneath: the whole room reads this
                await results.mount(view)
            self._view_kind = kind
        if kind is None:
            for hidden in results.query("#not-revealed").results(Static):
                hidden.update(self._hidden_text(snapshot, takes_answers))
        else:
            self.call_after_refresh(self._show_view, snapshot)

    @staticmethod
    def _hidden_text(snapshot: Snapshot, takes_answers: bool) -> Text:
        if not takes_answers:
            return Text("")
        return Text("◌ Results appear here when the facilitator reveals them.", style="italic")

    def _show_view(self, snapshot: Snapshot) -> None:
        for view in self.query(LiveView):
            leader = self._agenda_view(type(view))
            if leader is not None:
                view.follow(leader)
            view.show(snapshot)

    def _agenda_view(self, kind: type[AnyView]) -> AnyView | None:
        """The same kind's view on the agenda screen, whose choices (a maturity horizon) this one follows."""
        for screen in self.app.screen_stack:
            if screen is not self:
                for view in screen.query(kind):
                    return view
        return None

    # Actions -------------------------------------------------------------------------------------

    async def action_close(self) -> None:
        """Back to the agenda, which missed the changes this screen consumed: tell it to catch up."""
        revision = self.snapshot.revision if self.snapshot else -1
        self.app.pop_screen()
        self.app.screen.post_message(WorkshopChanged(revision))
