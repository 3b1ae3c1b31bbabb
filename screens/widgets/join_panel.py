"""The join panel: the QR code phones scan, the address to type and the short workshop code."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from screens.widgets.qr import QRCode


class JoinPanel(Vertical):
    """Everything a participant needs to join, sized to fit beside the agenda at 80×24."""

    DEFAULT_CSS = """
    JoinPanel { width: auto; height: auto; align-horizontal: center; }
    JoinPanel > .join-text { width: 29; text-align: center; }
    """

    def __init__(self, url: str = "", code: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._url = url
        self._code = code

    def compose(self) -> ComposeResult:
        yield QRCode(self._url)
        yield Static(self._caption(), classes="join-text", id="join-text")

    def _caption(self) -> Text:
        if not self._url:
            return Text("Participant server is off")
        base = self._url.rsplit("/j/", 1)[0]
        return Text.assemble(
            "Scan, or open\n", (base, "bold"), "\nand type the code\n", (f" {self._code} ", "bold reverse")
        )

    def set_target(self, url: str, code: str) -> None:
        """Point the panel at a new join URL (after the server moved to another port)."""
        self._url, self._code = url, code
        self.query_one(QRCode).data = url
        self.query_one("#join-text", Static).update(self._caption())
