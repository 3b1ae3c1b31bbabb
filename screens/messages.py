"""App-wide messages: how the App tells the active screen that the workshop changed, and workers report."""

from __future__ import annotations

from textual.message import Message


class WorkshopChanged(Message):
    """The workshop's revision moved: someone voted, joined, or the agenda changed."""

    def __init__(self, revision: int, workshop_id: int | None = None) -> None:
        super().__init__()
        self.revision = revision
        self.workshop_id = workshop_id


class RevisionRead(Message):
    """The poll worker read the open workshop's revision; the App tells the screen showing it."""

    def __init__(self, revision: int, workshop_id: int) -> None:
        super().__init__()
        self.revision = revision
        self.workshop_id = workshop_id
