"""What the agenda screen shows the room and the world: join panel, Wi-Fi, remote, projector, outcome pack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from screens.dialogs import RemoteScreen, WifiDetails, WifiScreen
from screens.exporting import export_in_background
from screens.projector import ProjectorScreen
from screens.widgets.join_panel import JoinPanel
from workshop.qr import wifi_payload

if TYPE_CHECKING:
    from screens.app import WorkshopApp
    from workshop.live import Snapshot


class AgendaRoom:
    """Actions about the room rather than the agenda; the screen supplies ``_draw_agenda``."""

    snapshot: Snapshot | None
    app: Any

    if TYPE_CHECKING:

        @property
        def workshop_app(self) -> WorkshopApp: ...

        workshop_id: int

        def _draw_agenda(self, snapshot: Snapshot) -> None: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...

    def action_remote(self) -> None:
        app = self.workshop_app
        self.app.push_screen(RemoteScreen(app.remote_url, app.facilitator_token))

    def action_wifi(self) -> None:
        def chosen(details: WifiDetails | None) -> None:
            if details is not None:
                self.workshop_app.wifi = details if details.ssid else None
                self._apply_wifi()

        self.app.push_screen(WifiScreen(self.workshop_app.wifi), chosen)

    def _apply_wifi(self) -> None:
        wifi = self.workshop_app.wifi
        join = self.query_one("#join", JoinPanel)
        payload = wifi_payload(wifi.ssid, wifi.password or None, hidden=wifi.hidden) if wifi else None
        join.set_wifi(payload, wifi.ssid if wifi else "")
        if wifi:
            join.display = True
        if self.snapshot:
            self._draw_agenda(self.snapshot)

    def action_projector(self) -> None:
        self.app.push_screen(ProjectorScreen())

    def action_toggle_join(self) -> None:
        join = self.query_one("#join")
        join.display = not join.display
        if self.snapshot:
            self._draw_agenda(self.snapshot)

    def action_export(self) -> None:
        export_in_background(self.workshop_app, self.workshop_app.db, self.workshop_id)
