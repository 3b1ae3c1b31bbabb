"""The join panel: the QR code phones scan, the address to type, the short code, and optionally the Wi-Fi."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Static

from screens.widgets.qr import QRCode
from workshop.qr import qr_text_size, wifi_payload

MIN_BOX = 29  # a short join address makes a 29-column code; captions are written to fit that
FLIP_SECONDS = 8.0


@dataclass(frozen=True)
class WifiDetails:
    """The venue network phones should join first; kept in memory only, never in the database."""

    ssid: str
    password: str
    hidden: bool


class JoinPanel(Vertical):
    """Everything a participant needs to join, sized to fit beside the agenda at 80×24.

    With venue Wi-Fi set, a second code joins phones to the network first: beside the join code when
    there is room, otherwise the two take turns, each captioned with its step.
    """

    DEFAULT_CSS = """
    JoinPanel { width: auto; height: auto; }
    JoinPanel #codes { width: auto; height: auto; }
    JoinPanel .code-box { width: 29; height: auto; align-horizontal: center; }
    JoinPanel #wifi-box { margin-right: 1; }
    JoinPanel .join-text { width: 100%; text-align: center; }
    """

    def __init__(self, url: str = "", code: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._url = url
        self._code = code
        self._wifi: tuple[str, str] | None = None  # (payload, network name)
        self._side_by_side = True
        self._flip: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="codes"):
            with Vertical(id="wifi-box", classes="code-box"):
                yield QRCode("", id="wifi-qr")
                yield Static("", classes="join-text", id="wifi-text")
            with Vertical(id="join-box", classes="code-box"):
                yield QRCode(self._url, id="join-qr")
                yield Static(self._caption(), classes="join-text", id="join-text")

    def on_mount(self) -> None:
        self.query_one("#wifi-box").display = False
        self._size_boxes()

    @staticmethod
    def _box_width(data: str) -> int:
        # Longer payloads (a public URL, a Wi-Fi name and password) need a bigger code: never crop one.
        return max(MIN_BOX, qr_text_size(data)[0]) if data else MIN_BOX

    def _size_boxes(self) -> None:
        self.query_one("#join-box").styles.width = self._box_width(self._url)
        self.query_one("#wifi-box").styles.width = self._box_width(self._wifi[0] if self._wifi else "")

    @property
    def width_needed(self) -> int:
        """Columns the panel takes with its current codes and layout (a margin column included)."""
        join = self._box_width(self._url) + 1
        if self._wifi and self._side_by_side:
            return join + self._box_width(self._wifi[0]) + 1
        if self._wifi:
            return max(join, self._box_width(self._wifi[0]) + 1)
        return join

    def _caption(self) -> Text:
        if not self._url:
            return Text("Participant server is off")
        base = self._url.rsplit("/j/", 1)[0]
        step = "2. Join the workshop\n" if self._wifi else ""
        return Text.assemble(
            step,
            "Scan, or open\n",
            (base, "bold"),
            "\nand type the code\n",
            (f" {self._code} ", "bold reverse"),
        )

    def set_target(self, url: str, code: str) -> None:
        """Point the panel at a new join URL (after the server moved to another port)."""
        self._url, self._code = url, code
        self.query_one("#join-qr", QRCode).data = url
        self.query_one("#join-text", Static).update(self._caption())
        self._size_boxes()

    def set_wifi(self, wifi: WifiDetails | None) -> None:
        """Show the venue Wi-Fi's code (or with ``None`` remove it)."""
        payload = wifi_payload(wifi.ssid, wifi.password or None, hidden=wifi.hidden) if wifi else None
        ssid = wifi.ssid if wifi else ""
        self._wifi = (payload, ssid) if payload else None
        self.query_one("#wifi-qr", QRCode).data = payload or ""
        caption = Text.assemble("1. Join the Wi-Fi\n", (ssid, "bold")) if payload else Text("")
        self.query_one("#wifi-text", Static).update(caption)
        self.query_one("#join-text", Static).update(self._caption())
        self._size_boxes()
        self._arrange()

    def set_side_by_side(self, side_by_side: bool) -> None:
        """Whether the screen has room for both codes at once."""
        if side_by_side != self._side_by_side:
            self._side_by_side = side_by_side
            self._arrange()

    def _arrange(self) -> None:
        wifi_box, join_box = self.query_one("#wifi-box"), self.query_one("#join-box")
        if self._flip is not None:
            self._flip.stop()
            self._flip = None
        join_box.display = True
        wifi_box.display = bool(self._wifi)
        if self._wifi and not self._side_by_side:
            join_box.display = False  # the Wi-Fi step comes first
            self._flip = self.set_interval(FLIP_SECONDS, self._take_turns)

    def _take_turns(self) -> None:
        wifi_box, join_box = self.query_one("#wifi-box"), self.query_one("#join-box")
        wifi_box.display, join_box.display = join_box.display, wifi_box.display
