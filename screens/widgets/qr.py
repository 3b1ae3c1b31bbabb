"""Draws a QR code in the terminal with half blocks, two modules per cell, sized exactly to the code."""

from __future__ import annotations

from itertools import groupby

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from workshop.qr import half_block_rows, qr_matrix, qr_text_size

__all__ = ["QRCode"]

# Hex, not "black"/"white": Textual themes remap named colours, and a scanner needs true contrast.
DARK = "#000000"
LIGHT = "#ffffff"
_COLOUR = {True: DARK, False: LIGHT}


def _cell_style(top: bool, bottom: bool) -> tuple[str, Style]:
    """Glyph and style for one cell showing the ``top`` and ``bottom`` modules (True = dark)."""
    if top == bottom:
        # A solid background leaves no hairline gap between rows, which glyphs alone do and scanners trip on.
        return " ", Style(bgcolor=_COLOUR[top])
    return "▀", Style(color=_COLOUR[top], bgcolor=_COLOUR[bottom])


class QRCode(Widget):
    """A QR code of :attr:`data`, one terminal cell per two modules, black on white in any theme.

    The widget is exactly as large as the code (quiet zone included) and empty when there is no data.
    """

    DEFAULT_CSS = """
    QRCode {
        width: auto;
        height: auto;
    }
    """

    data: reactive[str] = reactive("", layout=True)
    """The text to encode, usually the join URL; changing it redraws and resizes the widget."""

    def __init__(
        self,
        data: str = "",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Create the widget.

        Args:
            data: The text to encode; empty draws nothing.
            name: The widget's name.
            id: The widget's DOM id.
            classes: Space-separated CSS classes.
            disabled: Whether the widget starts disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.set_reactive(QRCode.data, data)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """Width of the code in cells, whatever room the container offers."""
        return qr_text_size(self.data)[0] if self.data else 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Height of the code in cells: half the modules, rounded up."""
        return qr_text_size(self.data)[1] if self.data else 0

    def render(self) -> Text:
        """Draw the code as half-block cells with explicit black and white colours."""
        text = Text(no_wrap=True, overflow="crop", end="")
        if not self.data:
            return text
        for index, row in enumerate(half_block_rows(qr_matrix(self.data))):
            if index:
                text.append("\n")
            # One span per run of identical cells rather than per cell keeps the Text small.
            for (top, bottom), run in groupby(row):
                glyph, style = _cell_style(top, bottom)
                text.append(glyph * len(list(run)), style)
        return text
