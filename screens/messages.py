"""App-wide messages: how the App tells the active screen that the workshop changed."""

from __future__ import annotations

from textual.message import Message


class WorkshopChanged(Message):
    """The workshop's revision moved: someone voted, joined, or the agenda changed."""

    def __init__(self, revision: int, workshop_id: int | None = None) -> None:
        super().__init__()
        self.revision = revision
        self.workshop_id = workshop_id
