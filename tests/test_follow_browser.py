"""Phones follow the facilitator's agenda in a real browser, and never lose what someone is typing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.helpers.data import join_code
from tests.helpers.web import CHROMIUM, LiveServer, OpenPage
from workshop import store
from workshop.models import Seat, row_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def _start(live_server: LiveServer, workshop_id: int, kind: str) -> None:
    with live_server.db.writing() as session:
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == kind)
        store.start_item(session, row_id(item))


def test_waiting_phone_moves_on_by_itself(
    live_server: LiveServer, workshop_id: int, open_page: OpenPage
) -> None:
    page = open_page()
    code = join_code(live_server.db, workshop_id)
    page.goto(f"{live_server.url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="You have joined")).to_be_visible()
    _start(live_server, workshop_id, "maturity")
    expect(page.get_by_role("heading", name="Collaborative maturity matrix")).to_be_visible(timeout=15_000)


def test_half_filled_form_is_kept_when_the_agenda_moves(
    live_server: LiveServer, workshop_id: int, open_page: OpenPage
) -> None:
    _start(live_server, workshop_id, "maturity")
    page = open_page()
    code = join_code(live_server.db, workshop_id)
    page.goto(f"{live_server.url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    page.locator("label[for='r-goals-and-values-now-4']").click()
    with live_server.db.writing() as session:
        store.next_item(session, workshop_id)
    notice = page.locator("#moved-on")
    expect(notice).to_contain_text("The facilitator has moved on", timeout=15_000)
    expect(page.locator("#r-goals-and-values-now-4")).to_be_checked()
    notice.get_by_role("link", name="Show the current activity").click()
    expect(page.get_by_role("heading", name="Priorities for the next two years")).to_be_visible()


def test_lost_cookie_comes_back_with_the_seat_code(
    live_server: LiveServer, workshop_id: int, open_page: OpenPage
) -> None:
    _start(live_server, workshop_id, "maturity")
    code = join_code(live_server.db, workshop_id)
    old = open_page()
    old.goto(f"{live_server.url}/j/{code}")
    old.get_by_role("button", name="Join").click()
    old.locator("label[for='r-goals-and-values-1y-4']").click()
    old.get_by_role("button", name="Next", exact=True).click()  # saves the first factor's page
    expect(old.locator("#progress-label")).to_have_text("Factor 2 of 9")
    seat_code = old.locator(".site-footer .code").inner_text()
    new = open_page(width=320)  # another phone, or the same one after its cookies were cleared
    new.goto(f"{live_server.url}/j/{code}")
    new.get_by_role("link", name="Joined before on another page or phone? Use your seat code").click()
    new.get_by_label("Seat code").fill(seat_code.lower())
    new.get_by_role("button", name="Continue").click()
    expect(new.locator("#r-goals-and-values-1y-4")).to_be_checked()  # back on the factor with gaps
    expect(new.locator(".site-footer .code")).to_have_text(seat_code)
    with live_server.db.reading() as session:
        assert len(session.exec(select(Seat)).all()) == 1
