"""Every page a participant's phone shows passes axe-core's WCAG 2.2 AA rules (no serious or critical
problem) in Debian's Chromium at 375 px: joining, waiting, each kind's form, the same form with its errors,
the revealed results, and the page after an item closes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.axe import axe_violations
from tests.helpers.data import first_of_each_kind, join_code, start
from tests.helpers.web import CHROMIUM, LiveServer, OpenPage
from workshop.activities import KINDS
from workshop.models import EntryStatus, row_id
from workshop.store.entries import add_entry
from workshop.usecases.control import ItemAction, apply_item_action

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium"),
]

ANSWERED = sorted(kind for kind, activity in KINDS.items() if activity.accepts_responses)


def checked(page: Page, where: str) -> None:
    page.wait_for_load_state("load")
    assert axe_violations(page) == [], f"on {where}"


def test_joining_and_waiting_pages(live_server: LiveServer, workshop_id: int, open_page: OpenPage) -> None:
    url, code = live_server.url, join_code(live_server.db, workshop_id)
    page = open_page(width=375, height=740)
    page.goto(f"{url}/j/{code}")
    checked(page, "the join page")
    page.goto(f"{url}/j/{code}/seat")
    checked(page, "the page to get a seat back")
    page.goto(f"{url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(f"{url}/w/{code}")
    checked(page, "the waiting page (nothing started yet)")


@pytest.mark.parametrize("kind", ANSWERED)
def test_each_kind_form_errors_results_and_closed(
    live_server: LiveServer, workshop_id: int, open_page: OpenPage, kind: str
) -> None:
    items = first_of_each_kind(live_server.db, workshop_id)
    item = items[kind]
    with live_server.db.writing() as session:  # values to put dots on, so the dot vote shows its form
        for text in ("Trust", "Openness"):
            add_entry(session, items["values"], None, text, status=EntryStatus.APPROVED)
    start(live_server.db, item)
    url, code = live_server.url, join_code(live_server.db, workshop_id)
    page = open_page(width=375, height=740)
    page.goto(f"{url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(f"{url}/w/{code}")
    checked(page, f"the {kind} form")
    # Sent untouched: whatever comes back (the errors in words, or the next step) passes too.
    page.locator("main form[method=post] [type=submit]").first.click()
    checked(page, f"the {kind} form sent empty")
    if KINDS[kind].results_template:
        with live_server.db.writing() as session:
            apply_item_action(session, row_id(item), ItemAction.REVEAL)
        page.goto(f"{url}/w/{code}")
        checked(page, f"the {kind} results on phones")
    with live_server.db.writing() as session:
        apply_item_action(session, row_id(item), ItemAction.CLOSE)
    page.goto(f"{url}/w/{code}")
    checked(page, f"the {kind} page once closed")
