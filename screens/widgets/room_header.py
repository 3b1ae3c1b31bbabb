"""Textual's header, whose title changes without laying the whole screen out again.

The agenda's title carries how many phones have joined, which a burst changes every second. Textual's
title is a Static, and a Static's update lays out and repaints the whole screen (the run sheet, the QR
codes, the footer); the title is one line high whatever it says, so a repaint of the title is enough.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderTitle  # not exported; the snapshot tests would show a change


class OneLineTitle(HeaderTitle):
    """The header's title: its height never depends on its text."""

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        """Show ``content``; no layout, whatever the caller asks (Textual's header asks for one)."""
        super().update(content, layout=False)


class RoomHeader(Header):
    """The header with a :class:`OneLineTitle`; everything else is Textual's."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield OneLineTitle() if type(widget) is HeaderTitle else widget
