"""The facilitator's notices about saving and the participant server: shown while the cause lasts.

Saving can fail in the TUI's own writer or in any of the server's workers (a full disk, a locked file):
one "Not saving" notice stays while it does and goes once a write works again. A server whose workers
die as they start is said once, and stays said.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.notifications import Notification, Notify

from workshop.participant_server import ParticipantServer
from workshop.write_problems import for_facilitator

STAYS = 24 * 3600.0  # a notice's timeout when it goes only once its cause has gone


class ServerNotices:
    """Keeps ``app``'s notices in step with its writer and server; call :meth:`update` on every poll."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._saving: tuple[str, Notification] | None = None  # the notice shown while saving fails
        self._failure_told = False

    def update(self, problem: str | None, server: ParticipantServer | None) -> None:
        """``problem``: why the TUI's own writer cannot save, if it cannot; the server's workers are asked."""
        self._show_saving(problem or (server.problem if server is not None else None))
        if server is not None and server.failure and not self._failure_told:
            self._failure_told = True
            self._app.notify(
                f"The participant server stopped: {server.failure}. Phones cannot vote; restart the app.",
                severity="error",
                timeout=STAYS,
                markup=False,
            )

    def _show_saving(self, problem: str | None) -> None:
        shown = self._saving
        if shown is not None and shown[0] == problem:
            return
        if shown is not None:
            self._app._unnotify(shown[1])
            self._saving = None
        if problem is not None:
            notice = Notification(
                for_facilitator(problem), "Not saving", "error", timeout=STAYS, markup=False
            )
            self._app.post_message(Notify(notice))
            self._saving = (problem, notice)
