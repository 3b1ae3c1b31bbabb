"""The facilitator's item controls in the TUI: reveal, reset with confirmation, remote and Wi-Fi dialogs."""

from __future__ import annotations

import pytest
from sqlmodel import func, select
from textual.binding import Binding
from textual.widgets import Input

from screens.app import WorkshopApp
from screens.dialogs import ConfirmScreen, RemoteScreen, WifiScreen
from screens.widgets.join_panel import JoinPanel
from screens.widgets.qr import QRCode
from tests.helpers.data import start_kind, vote
from tests.helpers.tui import agenda, caught_up, focus, screen_text, wait_for
from workshop import store
from workshop.db import Database
from workshop.models import AgendaItem, Response, row_id

pytestmark = pytest.mark.tui


def _item(db: Database, item_id: int) -> AgendaItem:
    with db.reading() as session:
        return store.get_item(session, item_id)


async def test_reveal_close_and_reset_the_highlighted_item(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "maturity")
    vote(db, workshop_id, row_id(item), 3)
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(
            pilot, lambda: agenda(app).snapshot is not None and app.screen.check_action("reveal", ())
        )
        await pilot.press("v")
        await wait_for(pilot, lambda: _item(db, row_id(item)).revealed)
        # v toggles what the screen shows: let the screen catch up before toggling back.
        await wait_for(pilot, lambda: focus(app).revealed)
        await pilot.press("v")
        await wait_for(pilot, lambda: not _item(db, row_id(item)).revealed)
        assert not app.screen.check_action("show_entries", ())  # the matrix has no proposals to show
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")  # "no" is the default and Escape means no
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        with db.reading() as session:
            assert session.exec(select(func.count()).select_from(Response)).one() == 1
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#yes")
        await wait_for(pilot, lambda: "0 of 1 joined answered" in screen_text(app))
        with db.reading() as session:
            assert session.exec(select(func.count()).select_from(Response)).one() == 0
        await pilot.press("c")
        await wait_for(pilot, lambda: _item(db, row_id(item)).state == "closed")
        assert not app.screen.check_action("close", ())


async def test_remote_dialog_shows_the_token(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, workshop_id, serve=True, host="127.0.0.1", port=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.server_port is not None and agenda(app).snapshot is not None)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, RemoteScreen))
        assert (
            app.screen.query_one(QRCode).data
            == f"http://127.0.0.1:{app.server_port}/f/{app.facilitator_token}"
        )
        assert app.facilitator_token in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RemoteScreen))
        await app.action_quit()


async def test_wifi_code_joins_the_join_panel(db: Database, workshop_id: int) -> None:
    app = WorkshopApp(db, workshop_id, serve=True, host="127.0.0.1", port=0)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WifiScreen))
        await wait_for(pilot, lambda: app.screen.focused is app.screen.query_one("#ssid"))
        await pilot.press(*"Venue;Guest", "tab", *"short", "enter")
        await wait_for(pilot, lambda: "8 to 63 characters" in screen_text(app))
        await pilot.press(*" and correct horse", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, WifiScreen))
        wifi = app.screen.query_one("#wifi-qr", QRCode)
        assert wifi.data == "WIFI:T:WPA;S:Venue\\;Guest;P:short and correct horse;;"
        assert app.screen.query_one("#wifi-box").display and app.screen.query_one("#join-box").display
        assert "1. Join the Wi-Fi" in screen_text(app) and "2. Join the workshop" in screen_text(app)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WifiScreen))
        app.screen.query_one("#ssid", Input).value = ""
        await pilot.click("#save")
        await wait_for(pilot, lambda: not app.screen.query_one("#wifi-box").display)
        await app.action_quit()


async def test_narrow_screen_takes_turns_between_codes(db: Database, workshop_id: int) -> None:
    from screens.widgets.join_panel import WifiDetails

    app = WorkshopApp(db, workshop_id, serve=True, host="127.0.0.1", port=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        app.wifi = WifiDetails("Guest", "", False)
        agenda(app)._apply_wifi()
        await caught_up(pilot)  # the join box would be back by now if it were to come back
        wifi_box, join_box = app.screen.query_one("#wifi-box"), app.screen.query_one("#join-box")
        assert wifi_box.display and not join_box.display
        app.screen.query_one("#join", JoinPanel)._take_turns()
        assert join_box.display and not wifi_box.display
        await app.action_quit()


async def test_every_action_is_in_the_command_palette(db: Database, workshop_id: int) -> None:
    from screens.dialogs import WifiScreen as Wifi

    start_kind(db, workshop_id, "maturity")
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for wanted in (
            "Open (enter)",
            "Next (n)",
            "Close (c)",
            "Reveal (v)",
            "Reset (r)",
            "Wi-Fi (w)",
            "Remote (f)",
        ):
            assert wanted in titles
        assert "Proposals (s)" not in titles  # the matrix has no proposals to show
        await pilot.press("ctrl+p")
        await pilot.press(*"Wi-Fi", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, Wifi))


async def test_quitting_while_phones_can_answer_asks_first(db: Database, workshop_id: int) -> None:
    start_kind(db, workshop_id, "maturity")
    app = WorkshopApp(db, workshop_id, serve=True, host="127.0.0.1", port=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None and app.server_port is not None)
        await pilot.press("q")
        await wait_for(pilot, lambda: "is open. Phones cannot" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert app.is_running
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#yes")
        await wait_for(pilot, lambda: not app.is_running)


async def test_help_lists_every_key(db: Database, workshop_id: int) -> None:
    from screens.agenda import AgendaScreen
    from screens.help import HelpScreen

    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(140, 60)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        for binding in AgendaScreen.BINDINGS:  # every key of the screen, in the words of its tooltip
            assert isinstance(binding, Binding)
            assert binding.tooltip in text, binding.tooltip
        # Keys that do nothing for a pending item say so in words, not only by being dimmed.
        assert "Delete every answer to the highlighted item (asks first) (not for this item)" in text
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen))
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen))
