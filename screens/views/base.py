"""The base of every live view: a widget redrawn from a :class:`workshop.live.Snapshot`."""

from __future__ import annotations

from textual.widgets import Static

from workshop.live import Snapshot


class LiveView(Static):
    """Shows one agenda item's live results; ``show`` is called with each fresh snapshot."""

    DEFAULT_CSS = """
    LiveView { height: auto; }
    """

    def show(self, snapshot: Snapshot) -> None:
        """Redraw from ``snapshot``."""
        raise NotImplementedError
