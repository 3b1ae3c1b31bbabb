"""The base of every live view: a widget redrawn from a :class:`workshop.live.Snapshot`."""

from __future__ import annotations

from textual.widgets import Static

from workshop.live import Snapshot


class LiveView(Static):
    """Shows one agenda item's live results; ``show`` is called with each fresh snapshot."""

    DEFAULT_CSS = """
    LiveView { height: auto; }
    """

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
